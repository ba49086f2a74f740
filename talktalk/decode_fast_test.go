package talktalk

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/internal/wire"
	"github.com/channelkit/channelkit/internal/wire/wiretest"
)

// fastDecodeCases are bodies the fast decoder takes (fast) or leaves to
// encoding/json.
var fastDecodeCases = []wiretest.Case{
	{Name: "user text", Body: `{"event":"send","user":"al-2eGuGr5WQOnco1_V-FQ","textContent":{"text":"안녕하세요","inputType":"typing"},"options":{"mobile":true}}`, Fast: true},
	{Name: "every field", Body: `{"event":"send","user":"u","partner":"wc1234","standby":true,"messageId":1234567890,"textContent":{"text":"결제","code":"pay=1","inputType":"button"},"options":{"notification":false,"mobile":false,"noReflectBot":true}}`, Fast: true},
	{Name: "white space", Body: " \t\n{ \"event\" : \"send\" , \"user\" :\"u\",\"textContent\":{ } ,\"options\":{}\r\n} \n", Fast: true},
	{Name: "event not first", Body: `{"user":"u","event":"send","textContent":{"text":"hi"}}`, Fast: true},
	{Name: "number forms", Body: `{"event":"send","messageId":-0.5e+10}`, Fast: true},
	{Name: "empty strings", Body: `{"event":"send","user":"","textContent":{"text":""}}`, Fast: true},
	{Name: "escapes", Body: `{"event":"send","user":"\/u","textContent":{"text":"a\"b\\c\nd\re\tf\bg\fh 한글\n"}}`, Fast: true},
	{Name: "unicode escape", Body: `{"event":"send","textContent":{"text":"\u00e9"}}`, Fast: false},
	{Name: "unknown escape", Body: `{"event":"send","textContent":{"text":"\x41"}}`, Fast: false},
	{Name: "escape at the end", Body: `{"event":"send","textContent":{"text":"a\`, Fast: false},
	{Name: "escaped key", Body: `{"event":"send","us\u0065r":"u"}`, Fast: false},
	{Name: "escaped event", Body: `{"event":"se\u006ed"}`, Fast: false},
	{Name: "escape and invalid UTF-8", Body: "{\"event\":\"send\",\"user\":\"\\n\xff\"}", Fast: false},
	{Name: "raw control character", Body: "{\"event\":\"send\",\"textContent\":{\"text\":\"a\tb\"}}", Fast: false},
	{Name: "invalid UTF-8", Body: "{\"event\":\"send\",\"user\":\"\xff\"}", Fast: false},
	{Name: "image", Body: `{"event":"send","user":"u","imageContent":{"imageUrl":"https://x/a.jpg","width":"640","height":480},"options":{"mobile":true}}`, Fast: true},
	{Name: "uploaded image", Body: `{"event":"send","imageContent":{"imageId":"img-1","width":6.4e2}}`, Fast: true},
	{Name: "image with quick reply", Body: `{"event":"send","imageContent":{"imageUrl":"u","quickReply":{"buttonList":[]}}}`, Fast: false},
	{Name: "image width null", Body: `{"event":"send","imageContent":{"width":null}}`, Fast: false},
	{Name: "image width repeated", Body: `{"event":"send","imageContent":{"width":1,"width":2}}`, Fast: false},
	{Name: "text and image", Body: `{"event":"send","textContent":{"text":"a"},"imageContent":{"imageUrl":"u"}}`, Fast: true},
	{Name: "quick reply", Body: `{"event":"send","textContent":{"text":"a","quickReply":{"buttonList":[]}}}`, Fast: false},
	{Name: "product option", Body: `{"event":"send","options":{"product":{"name":"n"}}}`, Fast: false},
	{Name: "unknown key", Body: `{"event":"send","reaction":"👍"}`, Fast: false},
	{Name: "key in other case", Body: `{"event":"send","User":"u"}`, Fast: false},
	{Name: "repeated key", Body: `{"event":"send","user":"a","user":"b"}`, Fast: false},
	{Name: "repeated option", Body: `{"event":"send","options":{"mobile":true,"mobile":false}}`, Fast: false},
	{Name: "repeated event", Body: `{"event":"send","event":"send"}`, Fast: false},
	{Name: "null", Body: `{"event":"send","partner":null}`, Fast: false},
	{Name: "string message ID", Body: `{"event":"send","messageId":"12"}`, Fast: false},
	{Name: "bad number", Body: `{"event":"send","messageId":01}`, Fast: false},
	{Name: "bad fraction", Body: `{"event":"send","messageId":1.}`, Fast: false},
	{Name: "bool as string", Body: `{"event":"send","standby":"true"}`, Fast: false},
	{Name: "other event", Body: `{"event":"open","user":"u"}`, Fast: false},
	{Name: "no event", Body: `{"user":"u"}`, Fast: false},
	{Name: "trailing comma", Body: `{"event":"send","user":"u",}`, Fast: false},
	{Name: "missing comma", Body: `{"event":"send" "user":"u"}`, Fast: false},
	{Name: "trailing data", Body: `{"event":"send"}{}`, Fast: false},
	{Name: "truncated", Body: `{"event":"send","user":"u"`, Fast: false},
	{Name: "literal run-on", Body: `{"event":"send","standby":truex}`, Fast: false},
	{Name: "not an object", Body: `["send"]`, Fast: false},
}

// TestFastDecoding: the fast decoder builds what encoding/json builds, and
// takes what it should.
func TestFastDecoding(t *testing.T) {
	wiretest.CheckFast(t, fastDecodeCases, "testdata/webhook/*.json", decodeSendFast, checkFastDecoding)
}

// checkFastDecoding fails t unless body is a send event that
// encoding/json decodes to got.
func checkFastDecoding(t *testing.T, body []byte, got *SendEvent) {
	t.Helper()
	if !json.Valid(body) {
		t.Fatalf("fast path took invalid JSON %q", body)
	}
	if name, _, err := wire.Peek(body, "event"); err != nil || name != EventSend {
		t.Fatalf("fast path took a %q event (%v)", name, err)
	}
	var want SendEvent
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatalf("fast path took %q, which encoding/json refuses: %v", body, err)
	}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("fast decoding of %q (-encoding/json +fast):\n%s", body, diff)
	}
}

// FuzzFastDecoding: whatever the fast decoder takes, encoding/json decodes
// to the same event.
func FuzzFastDecoding(f *testing.F) {
	wiretest.FuzzFast(f, fastDecodeCases, decodeSendFast, checkFastDecoding)
}
