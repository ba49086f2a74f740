package kakao

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func addSeeds(f *testing.F, dir string) {
	files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if len(files) == 0 {
		f.Fatalf("no seeds in testdata/%s", dir)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzDecode: Decode never panics, fails only with ErrMalformed, and what it
// accepts encodes to JSON that decodes and encodes to the same bytes.
func FuzzDecode(f *testing.F) {
	addSeeds(f, "webhook")
	for _, s := range []string{`{"userRequest":{}}`, `{"userRequest":{"user":{"properties":{"isFriend":"true","x":1}}},"action":{"params":{"a":1,"b":null},"clientExtra":null}}`,
		`{"userRequest":{},"intent":{"extra":{"matched_knowledges":[]}}}`, `[]`, `{"userRequest":null}`,
		`{"userRequest":{},"contexts":[{"name":"a","params":[]},{"lifespan":true},{"params":{"k":["v"]}},"abc"]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 1<<20 {
			return
		}
		if fast, ok := parseFast(body); ok {
			slow, err := parseLenient(body)
			if err != nil {
				t.Fatalf("fast path accepted what the lenient path rejects: %v", err)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("fast and lenient paths disagree:\n%#v\n%#v", fast, slow)
			}
		}
		req, err := Decode(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		enc1, err := json.Marshal(req)
		if err != nil {
			t.Fatalf("encoding a parsed request: %v", err)
		}
		req2, err := Decode(enc1)
		if err != nil {
			t.Fatalf("re-parsing our own encoding: %v\n%s", err, enc1)
		}
		enc2, err := json.Marshal(req2)
		if err != nil {
			t.Fatal(err)
		}
		req3, err := Decode(enc2)
		if err != nil {
			t.Fatal(err)
		}
		enc3, _ := json.Marshal(req3)
		if !bytes.Equal(enc2, enc3) {
			t.Fatalf("encoding not stable:\n%s\n%s", enc2, enc3)
		}
		_, _ = ToIncoming(req)
		for name := range req.Action.Params {
			_, _ = req.Action.SysDate(name)
			_, _ = req.Action.SysNumber(name)
			if p, err := req.Action.Plugin(name); err == nil {
				_, _ = p.Time()
			}
		}
	})
}

// FuzzResponse: decoding a response never panics; what decodes validates
// without panicking and re-encodes stably; the handler's encoder writes
// what encoding/json writes.
func FuzzResponse(f *testing.F) {
	addSeeds(f, "golden")
	for _, text := range []string{`<b>&amp;</b>`, `a\u2028b\u2029c`, `\ud83d\ude18 \"quoted\" back\\slash`, `tab\there\nnew\u0001`, `\ufffd\u00e9`} {
		f.Add([]byte(`{"version":"2.0","template":{"outputs":[{"simpleText":{"text":"` + text + `"}},{"simpleImage":{"imageUrl":"https://x/` + text + `","altText":"` + text + `"}}]}}`))
	}
	f.Add([]byte("{\"template\":{\"outputs\":[{\"simpleText\":{\"text\":\"\xff\xfe\"}}]}}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 1<<20 {
			return
		}
		var r Response
		if json.Unmarshal(body, &r) != nil {
			return
		}
		_ = r.Validate()
		enc1, err := json.Marshal(r)
		fast, ferr := r.appendJSON(nil)
		if (err == nil) != (ferr == nil) || !bytes.Equal(enc1, fast) {
			t.Fatalf("appendJSON = %s, %v; json.Marshal = %s, %v", fast, ferr, enc1, err)
		}
		if err != nil {
			return // a raw output that is not valid JSON cannot come from decoding; other errors are fine
		}
		var r2 Response
		if err := json.Unmarshal(enc1, &r2); err != nil {
			t.Fatalf("re-decoding our own encoding: %v\n%s", err, enc1)
		}
		enc2, err := json.Marshal(r2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc1, enc2) {
			t.Fatalf("encoding not stable:\n%s\n%s", enc1, enc2)
		}
	})
}
