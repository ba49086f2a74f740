package naverworks

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/internal/wire/wiretest"
)

// fastDecodeCases are bodies the fast decoder takes (fast) or leaves to
// encoding/json.
var fastDecodeCases = []wiretest.Case{
	{Name: "text in a room", Body: `{"type":"message","source":{"userId":"u-1","channelId":"c-1","domainId":40029600},"issuedTime":"2022-01-04T05:16:05.716Z","content":{"type":"text","text":"안녕하세요 👋","postback":"start"}}`, Fast: true},
	{Name: "location", Body: `{"type":"message","source":{"userId":"u"},"content":{"type":"location","title":"t","address":"a","latitude":37.3595704,"longitude":-127.105399e0}}`, Fast: true},
	{Name: "sticker, image, file", Body: `{"type":"message","content":{"type":"file","fileId":"f/1=","fileName":"a.pdf","packageId":"1","stickerId":"2"}}`, Fast: true},
	{Name: "postback", Body: `{"type":"postback","source":{"userId":"u"},"data":"a=1&b=2"}`, Fast: true},
	{Name: "joined", Body: `{"type":"joined","source":{"channelId":"c"},"members":["u-1","u-2"]}`, Fast: true},
	{Name: "no members", Body: `{"type":"left","members":[]}`, Fast: true},
	{Name: "domainId string", Body: `{"type":"join","source":{"domainId":"d-3"}}`, Fast: true},
	{Name: "domainId negative fraction", Body: `{"type":"join","source":{"domainId":-1.5E+3}}`, Fast: true},
	{Name: "unknown event type", Body: `{"type":"memberJoined"}`, Fast: true},
	{Name: "white space", Body: " \t\n{ \"type\" : \"leave\" , \"source\" :{ } ,\"issuedTime\":\"\"\r\n} \n", Fast: true},
	{Name: "escapes", Body: `{"type":"message","content":{"type":"text","text":"a\"b\\c\nd\re\tf\bg\fh\/ 한글"}}`, Fast: true},
	{Name: "type not first", Body: `{"content":{"text":"hi","type":"text"},"type":"message"}`, Fast: true},
	{Name: "unknown content type", Body: `{"type":"message","content":{"type":"hologram"}}`, Fast: true}, // taken, but decodeEvent builds it the slow way
	{Name: "unicode escape", Body: `{"type":"message","content":{"type":"text","text":"\u00e9"}}`, Fast: false},
	{Name: "escaped key", Body: `{"typ\u0065":"join"}`, Fast: false},
	{Name: "unknown escape", Body: `{"type":"message","content":{"type":"text","text":"\x41"}}`, Fast: false},
	{Name: "escape at the end", Body: `{"type":"message","content":{"type":"text","text":"a\`, Fast: false},
	{Name: "invalid UTF-8", Body: "{\"type\":\"message\",\"content\":{\"type\":\"text\",\"text\":\"\xff\"}}", Fast: false},
	{Name: "escape and invalid UTF-8", Body: "{\"type\":\"message\",\"data\":\"\\n\xff\"}", Fast: false},
	{Name: "raw control character", Body: "{\"type\":\"message\",\"content\":{\"type\":\"text\",\"text\":\"a\tb\"}}", Fast: false},
	{Name: "unknown key", Body: `{"type":"join","x":1}`, Fast: false},
	{Name: "unknown content key", Body: `{"type":"message","content":{"type":"image","fileId":"f","width":3}}`, Fast: false},
	{Name: "key in other case", Body: `{"Type":"join"}`, Fast: false},
	{Name: "repeated key", Body: `{"type":"join","type":"leave"}`, Fast: false},
	{Name: "repeated content", Body: `{"type":"message","content":{"type":"text","text":"a","postback":"p"},"content":{"type":"text","text":"b"}}`, Fast: false},
	{Name: "repeated content key", Body: `{"type":"message","content":{"type":"text","text":"a","text":"b"}}`, Fast: false},
	{Name: "repeated source key", Body: `{"type":"join","source":{"userId":"a","userId":"b"}}`, Fast: false},
	{Name: "null", Body: `{"type":"join","source":null}`, Fast: false},
	{Name: "null member", Body: `{"type":"joined","members":[null]}`, Fast: false},
	{Name: "domainId object", Body: `{"type":"join","source":{"domainId":{}}}`, Fast: false},
	{Name: "domainId escaped", Body: `{"type":"join","source":{"domainId":"d\n3"}}`, Fast: false},
	{Name: "latitude string", Body: `{"type":"message","content":{"type":"location","latitude":"north"}}`, Fast: false},
	{Name: "latitude out of range", Body: `{"type":"message","content":{"type":"location","latitude":1e400}}`, Fast: false},
	{Name: "bad number", Body: `{"type":"join","source":{"domainId":01}}`, Fast: false},
	{Name: "bad fraction", Body: `{"type":"join","source":{"domainId":1.}}`, Fast: false},
	{Name: "content not an object", Body: `{"type":"message","content":"hi"}`, Fast: false},
	{Name: "trailing comma", Body: `{"type":"join",}`, Fast: false},
	{Name: "trailing comma in members", Body: `{"type":"joined","members":["a",]}`, Fast: false},
	{Name: "missing comma", Body: `{"type":"join" "data":"d"}`, Fast: false},
	{Name: "trailing data", Body: `{"type":"join"}{}`, Fast: false},
	{Name: "truncated", Body: `{"type":"join"`, Fast: false},
	{Name: "not an object", Body: `["join"]`, Fast: false},
	{Name: "empty", Body: ``, Fast: false},
}

// TestFastDecoding: the fast decoder fills what encoding/json fills, and
// takes what it should; what decodeEvent builds from it is what the
// encoding/json path builds.
func TestFastDecoding(t *testing.T) {
	wiretest.CheckFast(t, fastDecodeCases, "testdata/webhook/*.json", decodeFast, checkFastDecoding)
}

// checkFastDecoding fails t unless encoding/json decodes body to got, and
// decodeEvent builds from body what the encoding/json path builds.
func checkFastDecoding(t *testing.T, body []byte, got wireMessage) {
	t.Helper()
	if !json.Valid(body) {
		t.Fatalf("fast path took invalid JSON %q", body)
	}
	var want wireMessage
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatalf("fast path took %q, which encoding/json refuses: %v", body, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fast decoding of %q (-encoding/json +fast):\n%s", body, diff)
	}
	fast, ferr := decodeEvent(body)
	slow, serr := decodeSlow(body)
	if diff := cmp.Diff(slow, fast); diff != "" || (ferr == nil) != (serr == nil) {
		t.Errorf("decodeEvent of %q = %v (-slow +fast):\n%s", body, ferr, diff)
	}
}

// FuzzFastDecoding: whatever the fast decoder takes, encoding/json decodes
// to the same fields and the same event.
func FuzzFastDecoding(f *testing.F) {
	wiretest.FuzzFast(f, fastDecodeCases, decodeFast, checkFastDecoding)
}
