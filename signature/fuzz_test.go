package signature_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/channelkit/channelkit/signature"
)

func FuzzVerifyHMACSHA256(f *testing.F) {
	f.Add([]byte("secret"), []byte(`{"events":[]}`), "")
	f.Add([]byte("testsecret"), []byte(`{"destination":"x","events":[]}`), "f4qCQb0997IeyjEdDMRCwI7c0yEZP8C1b89jUQflX0s=")
	f.Add([]byte("k"), []byte{}, "====")
	f.Add([]byte("k"), []byte("b"), "-_-_")
	f.Fuzz(func(t *testing.T, secret, body []byte, sig string) {
		// Arbitrary signatures never panic and only verify if they are right.
		err := signature.VerifyHMACSHA256(secret, body, sig)
		if err != nil && !errors.Is(err, signature.ErrMissing) && !errors.Is(err, signature.ErrMismatch) {
			t.Fatalf("unexpected error type: %v", err)
		}
		if len(secret) == 0 {
			return
		}
		// Sign then verify always succeeds; a one-bit flip of the body fails.
		good := signature.SignHMACSHA256(secret, body)
		if err := signature.VerifyHMACSHA256(secret, body, good); err != nil {
			t.Fatalf("own signature rejected: %v", err)
		}
		set := signature.MustSecretSet("other", string(secret))
		if err := set.VerifyHMACSHA256(body, good); err != nil {
			t.Fatalf("secret set rejected own signature: %v", err)
		}
		// A token verifies exactly when it equals one of the secrets.
		tokErr := set.VerifyToken(sig)
		if (tokErr == nil) != (sig == "other" || sig == string(secret)) {
			t.Fatalf("VerifyToken(%q) = %v", sig, tokErr)
		}
		if len(body) > 0 {
			flipped := append([]byte(nil), body...)
			flipped[len(flipped)/2] ^= 1
			if err := signature.VerifyHMACSHA256(secret, flipped, good); !errors.Is(err, signature.ErrMismatch) {
				t.Fatalf("bit flip accepted: %v", err)
			}
		}
	})
}

func FuzzVerifyRSASHA256(f *testing.F) {
	a, _ := testKeys(f)
	body := []byte(`{"request":{"type":"LaunchRequest"}}`)
	f.Add(body, signRSA(f, a, body))
	f.Add([]byte("x"), "")
	f.Add([]byte("x"), "AAAA")
	f.Fuzz(func(t *testing.T, body []byte, sig string) {
		err := signature.VerifyRSASHA256(&a.PublicKey, body, sig)
		if err == nil {
			// Only a genuine signature may verify: re-check with the stdlib.
			got, _ := base64.StdEncoding.DecodeString(sig)
			want, _ := base64.StdEncoding.DecodeString(signRSA(t, a, body))
			if !bytes.Equal(got, want) {
				t.Fatalf("forged signature accepted")
			}
			return
		}
		if !errors.Is(err, signature.ErrMissing) && !errors.Is(err, signature.ErrMismatch) {
			t.Fatalf("unexpected error type: %v", err)
		}
	})
}

func FuzzAllowList(f *testing.F) {
	a, err := signature.NewTalkTalkAllowList(signature.WithTrustedProxies("10.0.0.0/8"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("10.0.0.1:80", "211.249.40.1, 10.0.0.2")
	f.Add("203.0.113.1:1", "211.249.40.1")
	f.Add("[::1]:1", ",,,")
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		err := a.Check(r)
		if err != nil && !errors.Is(err, signature.ErrForbidden) {
			t.Fatalf("Check error %v does not wrap ErrForbidden", err)
		}
		if err == nil {
			// Admitted: the client address must really be in the list.
			addr, cerr := a.ClientAddr(r)
			if cerr != nil || !a.Contains(addr) {
				t.Fatalf("admitted %q/%q with client %v (%v)", remote, xff, addr, cerr)
			}
		}
	})
}
