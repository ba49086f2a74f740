package line_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/signature"
)

func seedWebhooks(f *testing.F) {
	files, _ := filepath.Glob("testdata/webhook/*.json")
	if len(files) == 0 {
		f.Fatal("no seeds")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`null`))
	f.Add([]byte(` [] `))
	f.Add([]byte(`{"events":[1,null,{"type":"message","message":{"type":"text","text":1}}]}`))
	f.Add([]byte(`{"events":[{"type":"x\u0041","source":{"type":"user","userId":"\ud83d\ude00"}}]}`))
}

// FuzzParse: decoding never panics, and decode → encode → decode → encode
// is stable.
func FuzzParse(f *testing.F) {
	seedWebhooks(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		cb, err := line.Decode(body)
		fast, slow, serr := line.DecodePaths(body)
		if (err == nil) != (serr == nil) {
			t.Fatalf("Decode error %v, per-event path error %v", err, serr)
		}
		if err != nil {
			if fast != nil {
				t.Fatal("fast path accepted a body the per-event path rejects")
			}
			return
		}
		if fast != nil {
			fj, _ := json.Marshal(fast)
			sj, _ := json.Marshal(slow)
			if !bytes.Equal(fj, sj) || !reflect.DeepEqual(fast, slow) {
				t.Fatalf("paths disagree:\nfast %s\nslow %s", fj, sj)
			}
		}
		for _, ev := range cb.Events {
			_, _ = line.ToIncoming(ev)
			_ = line.ReplyToken(ev)
		}
		enc1, err := json.Marshal(cb)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		cb2, err := line.Decode(enc1)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", enc1, err)
		}
		if len(cb2.Events) != len(cb.Events) {
			t.Fatalf("%d events became %d", len(cb.Events), len(cb2.Events))
		}
		enc2, err := json.Marshal(cb2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc1, enc2) {
			t.Fatalf("unstable:\n%s\n%s", enc1, enc2)
		}
	})
}

// FuzzVerifySignature: verification never panics, accepts exactly the
// right signature for the body, and Parse decodes nothing it rejects.
func FuzzVerifySignature(f *testing.F) {
	f.Add("testsecret", []byte(`{"events":[]}`), "f4qCQb0997IeyjEdDMRCwI7c0yEZP8C1b89jUQflX0s=")
	f.Add("SECRET", []byte(`{}`), "596359635963")
	f.Fuzz(func(t *testing.T, secret string, body []byte, sig string) {
		set := secretSet(secret)
		err := line.VerifySignature(set, body, sig)
		if err != nil && !errors.Is(err, signature.ErrMissing) && !errors.Is(err, signature.ErrMismatch) {
			t.Fatalf("error %v wraps neither ErrMissing nor ErrMismatch", err)
		}
		if secret == "" {
			if err == nil {
				t.Fatal("empty secret set verified")
			}
			return
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		want := mac.Sum(nil)
		if err == nil {
			// Whatever form was accepted (padded or not, standard or
			// URL-safe alphabet) must decode to exactly the MAC.
			s := strings.TrimRight(sig, "=")
			got, derr := base64.RawStdEncoding.DecodeString(s)
			if derr != nil {
				got, derr = base64.RawURLEncoding.DecodeString(s)
			}
			if derr != nil || !hmac.Equal(got, want) {
				t.Fatalf("accepted %q, which is not the MAC of the body", sig)
			}
		}
		good := linetest.SignBody(secret, body)
		if good != base64.StdEncoding.EncodeToString(want) {
			t.Fatalf("SignBody = %q, not the base64 HMAC-SHA256", good)
		}
		if err := line.VerifySignature(set, body, good); err != nil {
			t.Fatalf("canonical signature rejected: %v", err)
		}
		// One flipped bit of the MAC never verifies.
		bad := slices.Clone(want)
		bad[len(body)%len(bad)] ^= 1
		if err := line.VerifySignature(set, body, base64.StdEncoding.EncodeToString(bad)); !errors.Is(err, signature.ErrMismatch) {
			t.Fatalf("a wrong MAC got %v; want ErrMismatch", err)
		}
	})
}

// secretSet returns the set of the one secret s, or the empty set (which
// verifies nothing) for "".
func secretSet(s string) signature.SecretSet {
	if s == "" {
		return signature.SecretSet{}
	}
	return signature.MustSecretSet(s)
}
