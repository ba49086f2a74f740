package naverworks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fastDecodeCases are bodies the fast decoder takes (fast) or leaves to
// encoding/json.
var fastDecodeCases = []struct {
	name string
	body string
	fast bool
}{
	{"text in a room", `{"type":"message","source":{"userId":"u-1","channelId":"c-1","domainId":40029600},"issuedTime":"2022-01-04T05:16:05.716Z","content":{"type":"text","text":"안녕하세요 👋","postback":"start"}}`, true},
	{"location", `{"type":"message","source":{"userId":"u"},"content":{"type":"location","title":"t","address":"a","latitude":37.3595704,"longitude":-127.105399e0}}`, true},
	{"sticker, image, file", `{"type":"message","content":{"type":"file","fileId":"f/1=","fileName":"a.pdf","packageId":"1","stickerId":"2"}}`, true},
	{"postback", `{"type":"postback","source":{"userId":"u"},"data":"a=1&b=2"}`, true},
	{"joined", `{"type":"joined","source":{"channelId":"c"},"members":["u-1","u-2"]}`, true},
	{"no members", `{"type":"left","members":[]}`, true},
	{"domainId string", `{"type":"join","source":{"domainId":"d-3"}}`, true},
	{"domainId negative fraction", `{"type":"join","source":{"domainId":-1.5E+3}}`, true},
	{"unknown event type", `{"type":"memberJoined"}`, true},
	{"white space", " \t\n{ \"type\" : \"leave\" , \"source\" :{ } ,\"issuedTime\":\"\"\r\n} \n", true},
	{"escapes", `{"type":"message","content":{"type":"text","text":"a\"b\\c\nd\re\tf\bg\fh\/ 한글"}}`, true},
	{"type not first", `{"content":{"text":"hi","type":"text"},"type":"message"}`, true},
	{"unknown content type", `{"type":"message","content":{"type":"hologram"}}`, true}, // taken, but decodeEvent builds it the slow way
	{"unicode escape", `{"type":"message","content":{"type":"text","text":"\u00e9"}}`, false},
	{"escaped key", `{"typ\u0065":"join"}`, false},
	{"unknown escape", `{"type":"message","content":{"type":"text","text":"\x41"}}`, false},
	{"escape at the end", `{"type":"message","content":{"type":"text","text":"a\`, false},
	{"invalid UTF-8", "{\"type\":\"message\",\"content\":{\"type\":\"text\",\"text\":\"\xff\"}}", false},
	{"escape and invalid UTF-8", "{\"type\":\"message\",\"data\":\"\\n\xff\"}", false},
	{"raw control character", "{\"type\":\"message\",\"content\":{\"type\":\"text\",\"text\":\"a\tb\"}}", false},
	{"unknown key", `{"type":"join","x":1}`, false},
	{"unknown content key", `{"type":"message","content":{"type":"image","fileId":"f","width":3}}`, false},
	{"key in other case", `{"Type":"join"}`, false},
	{"repeated key", `{"type":"join","type":"leave"}`, false},
	{"repeated content", `{"type":"message","content":{"type":"text","text":"a","postback":"p"},"content":{"type":"text","text":"b"}}`, false},
	{"repeated content key", `{"type":"message","content":{"type":"text","text":"a","text":"b"}}`, false},
	{"repeated source key", `{"type":"join","source":{"userId":"a","userId":"b"}}`, false},
	{"null", `{"type":"join","source":null}`, false},
	{"null member", `{"type":"joined","members":[null]}`, false},
	{"domainId object", `{"type":"join","source":{"domainId":{}}}`, false},
	{"domainId escaped", `{"type":"join","source":{"domainId":"d\n3"}}`, false},
	{"latitude string", `{"type":"message","content":{"type":"location","latitude":"north"}}`, false},
	{"latitude out of range", `{"type":"message","content":{"type":"location","latitude":1e400}}`, false},
	{"bad number", `{"type":"join","source":{"domainId":01}}`, false},
	{"bad fraction", `{"type":"join","source":{"domainId":1.}}`, false},
	{"content not an object", `{"type":"message","content":"hi"}`, false},
	{"trailing comma", `{"type":"join",}`, false},
	{"trailing comma in members", `{"type":"joined","members":["a",]}`, false},
	{"missing comma", `{"type":"join" "data":"d"}`, false},
	{"trailing data", `{"type":"join"}{}`, false},
	{"truncated", `{"type":"join"`, false},
	{"not an object", `["join"]`, false},
	{"empty", ``, false},
}

// TestFastDecoding: the fast decoder fills what encoding/json fills, and
// takes what it should; what decodeEvent builds from it is what the
// encoding/json path builds.
func TestFastDecoding(t *testing.T) {
	for _, tt := range fastDecodeCases {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := decodeFast([]byte(tt.body))
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
		if got, ok := decodeFast(body); ok {
			taken++
			checkFastDecoding(t, body, got)
		}
	}
	if taken == 0 {
		t.Error("no recorded body took the fast path")
	}
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
	for _, tt := range fastDecodeCases {
		f.Add([]byte(tt.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if got, ok := decodeFast(body); ok {
			checkFastDecoding(t, body, got)
		}
	})
}
