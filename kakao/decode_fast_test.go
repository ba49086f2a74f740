package kakao

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/internal/conformance"
	"github.com/channelkit/channelkit/internal/wire/wiretest"
)

// fastDecodeCases are bodies the fast decoder takes (Fast) or leaves to
// encoding/json.
var fastDecodeCases = []wiretest.Case{
	{Name: "minimal", Body: `{"userRequest":{}}`, Fast: true},
	{Name: "typical", Body: `{"intent":{"id":"i","name":"블록"},"userRequest":{"timezone":"Asia/Seoul","params":{"surface":"Kakaotalk.plusfriend"},"block":{"id":"b","name":"블록"},"utterance":"안녕\n하세요","lang":"ko","user":{"id":"u","type":"botUserKey","properties":{"plusfriendUserKey":"p","botUserKey":"u","isFriend":true}}},"bot":{"id":"bot","name":"봇"},"action":{"id":"a","name":"n","params":{"sys_number":"{\"amount\": 2}"},"detailParams":{"sys_number":{"origin":"2","value":"{\"amount\": 2}","groupName":""}},"clientExtra":{}},"contexts":[]}`, Fast: true},
	{Name: "white space", Body: " \t\n{ \"userRequest\" : { \"params\" : { } } , \"contexts\" : [ ] ,\"action\":{ }\r\n} \n", Fast: true},
	{Name: "nulls", Body: `{"intent":{"id":null,"extra":null},"userRequest":{"lang":null,"params":null,"user":{"properties":null}},"action":{"clientExtra":null,"params":null,"detailParams":null},"contexts":null,"flow":null}`, Fast: true},
	{Name: "flow", Body: `{"userRequest":{},"flow":{"lastBlock":{"id":"l","name":"웰컴"},"trigger":{"type":"CARD_BUTTON_MESSAGE","referrerBlock":{"id":"r","name":"목록"}}}}`, Fast: true},
	{Name: "flow nulls", Body: `{"userRequest":{},"flow":{"lastBlock":null,"trigger":{"type":null,"referrerBlock":null}}}`, Fast: true},
	{Name: "knowledge", Body: `{"userRequest":{},"intent":{"name":"지식+","extra":{"reason":{"code":1,"message":"OK"},"knowledge":{"responseType":"skill","matchedKnowledges":[{"categories":["a","b"],"question":"q","answer":"a","imageUrl":"i","landingUrl":"l"},{}]}}}}`, Fast: true},
	{Name: "knowledges spelling", Body: `{"userRequest":{},"intent":{"extra":{"knowledges":{"matchedKnowledges":[]}}}}`, Fast: true},
	{Name: "both spellings", Body: `{"userRequest":{},"intent":{"extra":{"knowledges":{"responseType":"b"},"knowledge":{"responseType":"a"},"matched_knowledges":[{"answer":"c"}]}}}`, Fast: true},
	{Name: "matched_knowledges", Body: `{"userRequest":{},"intent":{"extra":{"reason":{},"matched_knowledges":[]}}}`, Fast: true},
	{Name: "reason code null", Body: `{"userRequest":{},"intent":{"extra":{"reason":{"code":null,"message":null}}}}`, Fast: true},
	{Name: "reason code fraction", Body: `{"userRequest":{},"intent":{"extra":{"reason":{"code":1.0}}}}`, Fast: false},
	{Name: "reason code too big", Body: `{"userRequest":{},"intent":{"extra":{"reason":{"code":99999999999999999999}}}}`, Fast: false},
	{Name: "reason code string", Body: `{"userRequest":{},"intent":{"extra":{"reason":{"code":"1"}}}}`, Fast: false},
	{Name: "categories null", Body: `{"userRequest":{},"intent":{"extra":{"matched_knowledges":[{"categories":null}]}}}`, Fast: true},
	{Name: "isFriend forms", Body: `{"userRequest":{"user":{"properties":{"isFriend":"true","a":1,"b":null,"c":[1,"x",{"d":false}],"bot_user_key":"k"}}}}`, Fast: true},
	{Name: "isFriend false string", Body: `{"userRequest":{"user":{"properties":{"isFriend":"false"}}}}`, Fast: true},
	{Name: "isFriend null", Body: `{"userRequest":{"user":{"properties":{"isFriend":null}}}}`, Fast: true},
	{Name: "isFriend other string", Body: `{"userRequest":{"user":{"properties":{"isFriend":"True"}}}}`, Fast: true},
	{Name: "isFriend number", Body: `{"userRequest":{"user":{"properties":{"isFriend":1}}}}`, Fast: true},
	{Name: "isFriend escaped", Body: `{"userRequest":{"user":{"properties":{"isFriend":"tru\u0065"}}}}`, Fast: false},
	{Name: "isFriend repeated", Body: `{"userRequest":{"user":{"properties":{"isFriend":true,"isFriend":false}}}}`, Fast: false},
	{Name: "property keys as numbers", Body: `{"userRequest":{"user":{"properties":{"appUserId":1234567890,"plusfriendUserKey":-1.5e3,"botUserKey":null}}}}`, Fast: true},
	{Name: "property key as bool", Body: `{"userRequest":{"user":{"properties":{"appUserId":true,"botUserKey":{"x":"y"}}}}}`, Fast: true},
	{Name: "property repeated", Body: `{"userRequest":{"user":{"properties":{"x":1,"x":2}}}}`, Fast: false},
	{Name: "property key in other case", Body: `{"userRequest":{"user":{"properties":{"isfriend":true,"AppUserId":"1"}}}}`, Fast: true},
	{Name: "property number out of range", Body: `{"userRequest":{"user":{"properties":{"x":1e999}}}}`, Fast: false},
	{Name: "client extra values", Body: `{"userRequest":{},"action":{"clientExtra":{"s":"v","n":2,"b":true,"z":null,"o":{"p":[1,2,{}]},"a":[]}}}`, Fast: true},
	{Name: "client extra repeated", Body: `{"userRequest":{},"action":{"clientExtra":{"a":1,"a":2}}}`, Fast: false},
	{Name: "client extra nested repeated", Body: `{"userRequest":{},"action":{"clientExtra":{"a":{"b":1,"b":2}}}}`, Fast: false},
	{Name: "client extra too deep", Body: `{"userRequest":{},"action":{"clientExtra":{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}}}`, Fast: false},
	{Name: "client extra array", Body: `{"userRequest":{},"action":{"clientExtra":[]}}`, Fast: false},
	{Name: "param number", Body: `{"userRequest":{},"action":{"params":{"a":1}}}`, Fast: false},
	{Name: "param null", Body: `{"userRequest":{},"action":{"params":{"a":null}}}`, Fast: false},
	{Name: "param repeated", Body: `{"userRequest":{},"action":{"params":{"a":"1","a":"2"}}}`, Fast: false},
	{Name: "user param repeated", Body: `{"userRequest":{"params":{"a":"1","a":"2"}}}`, Fast: false},
	{Name: "detail value number", Body: `{"userRequest":{},"action":{"detailParams":{"a":{"value":1}}}}`, Fast: false},
	{Name: "detail unknown key", Body: `{"userRequest":{},"action":{"detailParams":{"a":{"value":"1","entity":"x"}}}}`, Fast: false},
	{Name: "detail null", Body: `{"userRequest":{},"action":{"detailParams":{"a":null}}}`, Fast: false},
	{Name: "detail repeated", Body: `{"userRequest":{},"action":{"detailParams":{"a":{},"a":{}}}}`, Fast: false},
	{Name: "contexts", Body: `{"userRequest":{},"contexts":[{"name":"cart","lifespan":4,"ttl":600,"params":{"size":{"value":"M","resolvedValue":"Medium"},"n":3,"s":"v","z":null,"e":{}}},{}]}`, Fast: true},
	{Name: "context flexible forms", Body: `{"userRequest":{},"contexts":[{"name":5,"lifeSpan":"10","ttl":null,"params":null},{"name":null,"lifespan":"","params":{"k":{"value":7,"resolvedValue":null}}}]}`, Fast: true},
	{Name: "context both lifespans", Body: `{"userRequest":{},"contexts":[{"lifespan":1,"lifeSpan":2}]}`, Fast: false},
	{Name: "context lifespan fraction", Body: `{"userRequest":{},"contexts":[{"lifespan":6e2}]}`, Fast: false},
	{Name: "context lifespan bool", Body: `{"userRequest":{},"contexts":[{"lifespan":true}]}`, Fast: false},
	{Name: "context unknown key", Body: `{"userRequest":{},"contexts":[{"name":"a","source":"b"}]}`, Fast: false},
	{Name: "context param unknown key", Body: `{"userRequest":{},"contexts":[{"params":{"k":{"value":"v","entity":"e"}}}]}`, Fast: false},
	{Name: "context param array", Body: `{"userRequest":{},"contexts":[{"params":{"k":["v"]}}]}`, Fast: false},
	{Name: "context params array", Body: `{"userRequest":{},"contexts":[{"params":[]}]}`, Fast: false},
	{Name: "context not an object", Body: `{"userRequest":{},"contexts":["abc"]}`, Fast: false},
	{Name: "context null", Body: `{"userRequest":{},"contexts":[null]}`, Fast: false},
	{Name: "context repeated key", Body: `{"userRequest":{},"contexts":[{"name":"a","name":"b"}]}`, Fast: false},
	{Name: "context param repeated", Body: `{"userRequest":{},"contexts":[{"params":{"k":"a","k":"b"}}]}`, Fast: false},
	{Name: "contexts trailing comma", Body: `{"userRequest":{},"contexts":[{},]}`, Fast: false},
	{Name: "escapes", Body: `{"userRequest":{"utterance":"a\"b\\c\/d\te\r\n"}}`, Fast: true},
	{Name: "unicode escape", Body: `{"userRequest":{"utterance":"\u00e9"}}`, Fast: false},
	{Name: "escaped key", Body: `{"userRequest":{"utter\u0061nce":"x"}}`, Fast: false},
	{Name: "invalid UTF-8", Body: "{\"userRequest\":{\"utterance\":\"\xff\"}}", Fast: false},
	{Name: "no userRequest", Body: `{"intent":{}}`, Fast: false},
	{Name: "userRequest null", Body: `{"userRequest":null}`, Fast: false},
	{Name: "intent null", Body: `{"userRequest":{},"intent":null}`, Fast: false},
	{Name: "bot null", Body: `{"userRequest":{},"bot":null}`, Fast: false},
	{Name: "key in other case", Body: `{"UserRequest":{}}`, Fast: false},
	{Name: "unknown key", Body: `{"userRequest":{},"value":{}}`, Fast: false},
	{Name: "repeated userRequest", Body: `{"userRequest":{"utterance":"a"},"userRequest":{"lang":"ko"}}`, Fast: false},
	{Name: "repeated extra", Body: `{"userRequest":{},"intent":{"extra":{"reason":{}},"extra":{"knowledge":{}}}}`, Fast: false},
	{Name: "block name number", Body: `{"userRequest":{"block":{"name":1}}}`, Fast: false},
	{Name: "trailing data", Body: `{"userRequest":{}}{}`, Fast: false},
	{Name: "truncated", Body: `{"userRequest":{}`, Fast: false},
	{Name: "not an object", Body: `[]`, Fast: false},
}

// TestFastDecoding: the fast decoder builds what the encoding/json
// decoders build, takes what it should, and takes every recorded skill
// payload.
func TestFastDecoding(t *testing.T) {
	wiretest.CheckFast(t, fastDecodeCases, "testdata/webhook/*.json", decodeFast, checkFastDecoding)
	files, err := filepath.Glob("testdata/webhook/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := decodeFast(body); !ok {
			t.Errorf("%s: the fast path gives up on a recorded payload", f)
		}
	}
}

// TestFastDecodingConformance: the fast decoder takes every skill request
// of the shared corpus, and builds what encoding/json builds.
func TestFastDecodingConformance(t *testing.T) {
	dir := conformance.Dir(t, "kakao")
	requests := 0
	for _, c := range conformance.Cases(t, dir) {
		if !strings.Contains(c.Name, "request") {
			continue
		}
		requests++
		t.Run(c.Name, func(t *testing.T) {
			got, ok := decodeFast(c.Body)
			if !ok {
				t.Fatal("the fast path gives up on a recorded skill request")
			}
			checkFastDecoding(t, c.Body, got)
		})
	}
	if requests == 0 {
		t.Error("no skill request in the corpus")
	}
}

// checkFastDecoding fails t unless the encoding/json decoders decode body
// to got.
func checkFastDecoding(t *testing.T, body []byte, got *Request) {
	t.Helper()
	want, err := decodeJSON(body)
	if err != nil {
		t.Fatalf("fast path took %q, which the encoding/json decoders refuse: %v", body, err)
	}
	// reflect.DeepEqual first: cmp.Diff takes time exponential in the
	// nesting of equal []any values (clientExtra, properties).
	if reflect.DeepEqual(want, got) {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fast decoding of %q (-encoding/json +fast):\n%s", body, diff)
	}
}

// conformanceSeeds returns the skill requests of the shared corpus, found
// beside the repository as conformance.Dir finds it; none when it is
// absent.
func conformanceSeeds() [][]byte {
	var out [][]byte
	for up := ".."; len(up) < 20; up = filepath.Join(up, "..") {
		files, _ := filepath.Glob(filepath.Join(up, "shared", "conformance", "peer", "kakao", "*request*.json"))
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil {
				out = append(out, b)
			}
		}
		if len(files) > 0 {
			break
		}
	}
	return out
}

// FuzzFastDecoding: whatever the fast decoder takes, the encoding/json
// decoders decode to the same request; and Decode, which tries the fast
// decoder first, answers every body as the encoding/json decoders do (the
// same request, or an error of the same class).
func FuzzFastDecoding(f *testing.F) {
	addSeeds(f, "webhook")
	for _, b := range conformanceSeeds() {
		f.Add(b)
	}
	for _, tt := range fastDecodeCases {
		f.Add([]byte(tt.Body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 1<<20 {
			return
		}
		if got, ok := decodeFast(body); ok {
			checkFastDecoding(t, body, got)
		}
		got, gotErr := Decode(body)
		want, wantErr := decodeJSON(body)
		if (gotErr == nil) != (wantErr == nil) || errors.Is(gotErr, ErrMalformed) != errors.Is(wantErr, ErrMalformed) {
			t.Fatalf("Decode error %v, encoding/json decoders' %v", gotErr, wantErr)
		}
		if reflect.DeepEqual(want, got) {
			return
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Decode of %q (-encoding/json +Decode):\n%s", body, diff)
		}
	})
}
