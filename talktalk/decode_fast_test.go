package talktalk

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/internal/wire"
)

// fastDecodeCases are bodies the fast decoder takes (fast) or leaves to
// encoding/json.
var fastDecodeCases = []struct {
	name string
	body string
	fast bool
}{
	{"user text", `{"event":"send","user":"al-2eGuGr5WQOnco1_V-FQ","textContent":{"text":"안녕하세요","inputType":"typing"},"options":{"mobile":true}}`, true},
	{"every field", `{"event":"send","user":"u","partner":"wc1234","standby":true,"messageId":1234567890,"textContent":{"text":"결제","code":"pay=1","inputType":"button"},"options":{"notification":false,"mobile":false,"noReflectBot":true}}`, true},
	{"white space", " \t\n{ \"event\" : \"send\" , \"user\" :\"u\",\"textContent\":{ } ,\"options\":{}\r\n} \n", true},
	{"event not first", `{"user":"u","event":"send","textContent":{"text":"hi"}}`, true},
	{"number forms", `{"event":"send","messageId":-0.5e+10}`, true},
	{"empty strings", `{"event":"send","user":"","textContent":{"text":""}}`, true},
	{"escapes", `{"event":"send","user":"\/u","textContent":{"text":"a\"b\\c\nd\re\tf\bg\fh 한글\n"}}`, true},
	{"unicode escape", `{"event":"send","textContent":{"text":"\u00e9"}}`, false},
	{"unknown escape", `{"event":"send","textContent":{"text":"\x41"}}`, false},
	{"escape at the end", `{"event":"send","textContent":{"text":"a\`, false},
	{"escaped key", `{"event":"send","us\u0065r":"u"}`, false},
	{"escaped event", `{"event":"se\u006ed"}`, false},
	{"escape and invalid UTF-8", "{\"event\":\"send\",\"user\":\"\\n\xff\"}", false},
	{"raw control character", "{\"event\":\"send\",\"textContent\":{\"text\":\"a\tb\"}}", false},
	{"invalid UTF-8", "{\"event\":\"send\",\"user\":\"\xff\"}", false},
	{"image", `{"event":"send","user":"u","imageContent":{"imageUrl":"https://x/a.jpg","width":"640","height":480},"options":{"mobile":true}}`, true},
	{"uploaded image", `{"event":"send","imageContent":{"imageId":"img-1","width":6.4e2}}`, true},
	{"image with quick reply", `{"event":"send","imageContent":{"imageUrl":"u","quickReply":{"buttonList":[]}}}`, false},
	{"image width null", `{"event":"send","imageContent":{"width":null}}`, false},
	{"image width repeated", `{"event":"send","imageContent":{"width":1,"width":2}}`, false},
	{"text and image", `{"event":"send","textContent":{"text":"a"},"imageContent":{"imageUrl":"u"}}`, true},
	{"quick reply", `{"event":"send","textContent":{"text":"a","quickReply":{"buttonList":[]}}}`, false},
	{"product option", `{"event":"send","options":{"product":{"name":"n"}}}`, false},
	{"unknown key", `{"event":"send","reaction":"👍"}`, false},
	{"key in other case", `{"event":"send","User":"u"}`, false},
	{"repeated key", `{"event":"send","user":"a","user":"b"}`, false},
	{"repeated option", `{"event":"send","options":{"mobile":true,"mobile":false}}`, false},
	{"repeated event", `{"event":"send","event":"send"}`, false},
	{"null", `{"event":"send","partner":null}`, false},
	{"string message ID", `{"event":"send","messageId":"12"}`, false},
	{"bad number", `{"event":"send","messageId":01}`, false},
	{"bad fraction", `{"event":"send","messageId":1.}`, false},
	{"bool as string", `{"event":"send","standby":"true"}`, false},
	{"other event", `{"event":"open","user":"u"}`, false},
	{"no event", `{"user":"u"}`, false},
	{"trailing comma", `{"event":"send","user":"u",}`, false},
	{"missing comma", `{"event":"send" "user":"u"}`, false},
	{"trailing data", `{"event":"send"}{}`, false},
	{"truncated", `{"event":"send","user":"u"`, false},
	{"literal run-on", `{"event":"send","standby":truex}`, false},
	{"not an object", `["send"]`, false},
}

// TestFastDecoding: the fast decoder builds what encoding/json builds, and
// takes what it should.
func TestFastDecoding(t *testing.T) {
	for _, tt := range fastDecodeCases {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := decodeSendFast([]byte(tt.body))
			if ok != tt.fast {
				t.Fatalf("fast path taken = %v, want %v", ok, tt.fast)
			}
			if ok {
				checkFastDecoding(t, []byte(tt.body), got)
			}
		})
	}
	files, err := filepath.Glob("testdata/webhook/*.json")
	if err != nil {
		t.Fatal(err)
	}
	taken := 0
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := decodeSendFast(body); ok {
			taken++
			checkFastDecoding(t, body, got)
		}
	}
	if taken == 0 {
		t.Error("no recorded body took the fast path")
	}
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
	for _, tt := range fastDecodeCases {
		f.Add([]byte(tt.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if got, ok := decodeSendFast(body); ok {
			checkFastDecoding(t, body, got)
		}
	})
}
