package signature_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"sync"
	"testing"

	"github.com/channelkit/channelkit/signature"
)

var (
	keyOnce sync.Once
	keyA    *rsa.PrivateKey
	keyB    *rsa.PrivateKey
)

func testKeys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if keyA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if keyB, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return keyA, keyB
}

func signRSA(t testing.TB, k *rsa.PrivateKey, body []byte) string {
	t.Helper()
	d := sha256.Sum256(body)
	s, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, d[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(s)
}

func TestVerifyRSASHA256(t *testing.T) {
	t.Parallel()
	a, b := testKeys(t)
	body := []byte(`{"version":"1.0","request":{"type":"LaunchRequest"}}`)
	good := signRSA(t, a, body)
	tests := []struct {
		name    string
		pub     *rsa.PublicKey
		body    []byte
		sig     string
		wantErr error
	}{
		{name: "valid", pub: &a.PublicKey, body: body, sig: good},
		{name: "missing", pub: &a.PublicKey, body: body, sig: "", wantErr: signature.ErrMissing},
		{name: "wrong_key", pub: &b.PublicKey, body: body, sig: good, wantErr: signature.ErrMismatch},
		{name: "tampered_body", pub: &a.PublicKey, body: []byte(`{"version":"1.0"}`), sig: good, wantErr: signature.ErrMismatch},
		{name: "truncated", pub: &a.PublicKey, body: body, sig: good[:100], wantErr: signature.ErrMismatch},
		{name: "not_base64", pub: &a.PublicKey, body: body, sig: "%%%invalid%%%", wantErr: signature.ErrMismatch},
		{name: "too_long", pub: &a.PublicKey, body: body, sig: good + good, wantErr: signature.ErrMismatch},
		{name: "nil_key", pub: nil, body: body, sig: good, wantErr: signature.ErrMismatch},
		{name: "zero_key", pub: &rsa.PublicKey{}, body: body, sig: good, wantErr: signature.ErrMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := signature.VerifyRSASHA256(tt.pub, tt.body, tt.sig)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("VerifyRSASHA256: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}
