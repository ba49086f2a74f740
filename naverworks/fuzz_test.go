package naverworks_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
)

func seeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "webhook", "*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{}`, `{"type":"message","content":{"id":"x"}}`, `{"type":"message","content":{"type":"location","latitude":"n"}}`,
		`{"type":"joined","members":["","",""],"source":{"domainId":"d-3"}}`, `{"type":"postback","data":"","issuedTime":""}`, `[]`, `null`} {
		f.Add([]byte(s))
	}
}

// FuzzDecode: never panics; whatever decodes re-encodes and decodes to the
// same value.
func FuzzDecode(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := naverworks.Decode(body)
		if err != nil {
			if !errors.Is(err, naverworks.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		enc, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("re-encoding %T: %v", ev, err)
		}
		ev2, err := naverworks.Decode(enc)
		if err != nil {
			t.Fatalf("re-decoding %s: %v", enc, err)
		}
		if diff := cmp.Diff(ev, ev2, ignoreRaw, cmpopts.EquateEmpty(), rawJSONEqual); diff != "" {
			t.Fatalf("decode→encode→decode differs (-first +second):\n%s\nencoded: %s", diff, enc)
		}
		_, _ = naverworks.ToIncoming(ev)
	})
}

// rawJSONEqual compares raw JSON the way json.Marshal rewrites it (compact,
// HTML characters escaped): the raw bytes of an unknown content are kept
// exactly on decode, but an enclosing json.Marshal normalizes them.
var rawJSONEqual = cmp.Comparer(func(a, b json.RawMessage) bool {
	norm := func(r json.RawMessage) string {
		var c, h bytes.Buffer
		if json.Compact(&c, r) != nil {
			return string(r)
		}
		json.HTMLEscape(&h, c.Bytes())
		return h.String()
	}
	return norm(a) == norm(b)
})

var fuzzSecrets = signature.MustSecretSet("fuzz-secret")

// FuzzVerifySignature: never panics; the right signature verifies, and
// any other signature or a changed body does not.
func FuzzVerifySignature(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		sig := signature.SignHMACSHA256([]byte("fuzz-secret"), body)
		if err := naverworks.VerifySignature(fuzzSecrets, body, sig); err != nil {
			t.Fatalf("own signature rejected: %v", err)
		}
		if err := naverworks.VerifySignature(signature.MustSecretSet("other-secret"), body, sig); err == nil {
			t.Fatal("wrong secret accepted")
		}
		tampered := append(append([]byte(nil), body...), '\n')
		if err := naverworks.VerifySignature(fuzzSecrets, tampered, sig); err == nil {
			t.Fatal("tampered body accepted")
		}
		// body as a signature: must never verify or panic.
		if err := naverworks.VerifySignature(fuzzSecrets, body, string(body)); err == nil && string(body) != sig {
			t.Fatal("garbage signature accepted")
		}
	})
}
