package signature_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/signature"
)

func TestSignHMACSHA256KnownVector(t *testing.T) {
	t.Parallel()
	// RFC 4231 test case 2.
	got := signature.SignHMACSHA256([]byte("Jefe"), []byte("what do ya want for nothing?"))
	want := "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
	if got != want {
		t.Fatalf("SignHMACSHA256 = %q, want %q", got, want)
	}
}

func TestVerifyHMACSHA256(t *testing.T) {
	t.Parallel()
	secret := []byte("channel-secret")
	body := []byte(`{"destination":"U1","events":[]}`)
	good := signature.SignHMACSHA256(secret, body)
	raw, _ := base64.StdEncoding.DecodeString(good)

	tests := []struct {
		name    string
		secret  []byte
		body    []byte
		sig     string
		wantErr error
	}{
		{name: "valid", secret: secret, body: body, sig: good},
		{name: "valid_unpadded", secret: secret, body: body, sig: strings.TrimRight(good, "=")},
		{name: "valid_url_alphabet", secret: secret, body: body, sig: base64.URLEncoding.EncodeToString(raw)},
		{name: "empty_signature", secret: secret, body: body, sig: "", wantErr: signature.ErrMissing},
		{name: "wrong_secret", secret: []byte("other"), body: body, sig: good, wantErr: signature.ErrMismatch},
		{name: "tampered_body", secret: secret, body: append([]byte(nil), append(body, ' ')...), sig: good, wantErr: signature.ErrMismatch},
		{name: "not_base64", secret: secret, body: body, sig: "not*base64!", wantErr: signature.ErrMismatch},
		{name: "truncated", secret: secret, body: body, sig: good[:20], wantErr: signature.ErrMismatch},
		{name: "too_long", secret: secret, body: body, sig: good + good, wantErr: signature.ErrMismatch},
		{name: "huge", secret: secret, body: body, sig: strings.Repeat("A", 1<<20), wantErr: signature.ErrMismatch},
		{name: "hex_instead_of_base64", secret: secret, body: body, sig: hex.EncodeToString(raw), wantErr: signature.ErrMismatch},
		{name: "hex_upper", secret: secret, body: body, sig: strings.ToUpper(hex.EncodeToString(raw)), wantErr: signature.ErrMismatch},
		{name: "line_break_inside", secret: secret, body: body, sig: good[:20] + "\n" + good[20:], wantErr: signature.ErrMismatch},
		{name: "empty_secret", secret: nil, body: body, sig: good, wantErr: signature.ErrMismatch},
		{name: "padding_only", secret: secret, body: body, sig: "====", wantErr: signature.ErrMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := signature.VerifyHMACSHA256(tt.secret, tt.body, tt.sig)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("VerifyHMACSHA256: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("VerifyHMACSHA256 error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestErrorsLeakNothing(t *testing.T) {
	t.Parallel()
	secret := "super-secret-value"
	body := []byte(`{"token":"body-content-marker"}`)
	sig := signature.SignHMACSHA256([]byte(secret), []byte("other body"))
	set := signature.MustSecretSet(secret)
	errs := []error{
		signature.VerifyHMACSHA256([]byte(secret), body, sig),
		signature.VerifyHMACSHA256([]byte(secret), body, "garbage!"+secret),
		set.VerifyHMACSHA256(body, sig),
	}
	correct := signature.SignHMACSHA256([]byte(secret), body)
	for _, err := range errs {
		if err == nil {
			t.Fatal("want an error")
		}
		msg := err.Error()
		for _, leak := range []string{secret, "body-content-marker", correct, sig} {
			if strings.Contains(msg, leak) {
				t.Errorf("error %q leaks %q", msg, leak)
			}
		}
	}
}

func TestSecretSet(t *testing.T) {
	t.Parallel()
	body := []byte("payload")
	oldSig := signature.SignHMACSHA256([]byte("old"), body)
	newSig := signature.SignHMACSHA256([]byte("new"), body)
	strangerSig := signature.SignHMACSHA256([]byte("stranger"), body)

	set, err := signature.NewSecretSet("new", "old")
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 2 {
		t.Errorf("Len = %d, want 2", set.Len())
	}
	for _, sig := range []string{newSig, oldSig} {
		if err := set.VerifyHMACSHA256(body, sig); err != nil {
			t.Errorf("rotation: %v", err)
		}
	}
	if err := set.VerifyHMACSHA256(body, strangerSig); !errors.Is(err, signature.ErrMismatch) {
		t.Errorf("stranger's signature: err = %v, want ErrMismatch", err)
	}
	if err := set.VerifyHMACSHA256(body, ""); !errors.Is(err, signature.ErrMissing) {
		t.Errorf("empty signature: err = %v, want ErrMissing", err)
	}
	var zero signature.SecretSet
	if err := zero.VerifyHMACSHA256(body, newSig); !errors.Is(err, signature.ErrMismatch) {
		t.Errorf("zero set: err = %v, want ErrMismatch", err)
	}
}

// TestSecretSetMatchesHMAC checks the set's saved HMAC states against
// crypto/hmac around the lengths where HMAC and SHA-256 change course: a
// key shorter than, as long as and longer than a block (hashed first),
// bodies that end inside, at and past a block and its length field.
func TestSecretSetMatchesHMAC(t *testing.T) {
	t.Parallel()
	for _, keyLen := range []int{1, 13, 32, 63, 64, 65, 128, 200} {
		for _, bodyLen := range []int{0, 1, 55, 56, 63, 64, 65, 119, 120, 1000} {
			t.Run(fmt.Sprintf("key=%d/body=%d", keyLen, bodyLen), func(t *testing.T) {
				secret := bytes.Repeat([]byte{byte(keyLen)}, keyLen)
				body := bytes.Repeat([]byte{'b'}, bodyLen)
				m := hmac.New(sha256.New, secret)
				m.Write(body)
				sig := base64.StdEncoding.EncodeToString(m.Sum(nil))
				set := signature.MustSecretSet("first-"+string(secret), string(secret))
				if err := set.VerifyHMACSHA256(body, sig); err != nil {
					t.Fatalf("crypto/hmac's signature: %v", err)
				}
				wrong := bytes.Clone(body)
				wrong = append(wrong, 'x')
				if err := set.VerifyHMACSHA256(wrong, sig); !errors.Is(err, signature.ErrMismatch) {
					t.Fatalf("another body's signature: err = %v, want ErrMismatch", err)
				}
				if got := set.Len(); got != 2 {
					t.Fatalf("Len = %d, want 2", got)
				}
				if err := set.VerifyToken(string(secret)); err != nil {
					t.Fatalf("VerifyToken(second secret): %v", err)
				}
			})
		}
	}
}

func TestNewSecretSetErrors(t *testing.T) {
	t.Parallel()
	if _, err := signature.NewSecretSet(); err == nil {
		t.Error("no secrets: want an error")
	}
	_, err := signature.NewSecretSet("ok", "")
	if err == nil || !strings.Contains(err.Error(), "secret 1 is empty") {
		t.Errorf("empty secret: err = %v, want it to name the position", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustSecretSet() with no secrets did not panic")
		}
	}()
	signature.MustSecretSet()
}

func TestSecretSetConcurrent(t *testing.T) {
	t.Parallel()
	set := signature.MustSecretSet("a", "b")
	body := []byte("concurrent body")
	sig := signature.SignHMACSHA256([]byte("b"), body)
	done := make(chan error, 16)
	for range 16 {
		go func() {
			var err error
			for range 200 {
				if e := set.VerifyHMACSHA256(body, sig); e != nil {
					err = e
				}
			}
			done <- err
		}()
	}
	for range 16 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// referenceVerify is the bare standard-library verification the benchmarks
// compare against.
func referenceVerify(secret, body []byte, sig string) bool {
	want, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(m.Sum(nil), want)
}

func BenchmarkVerifyHMACSHA256(b *testing.B) {
	secret := []byte("channel-secret")
	for _, size := range []int{1 << 10, 64 << 10} {
		body := []byte(strings.Repeat("x", size))
		sig := signature.SignHMACSHA256(secret, body)
		set := signature.MustSecretSet(string(secret))
		name := map[int]string{1 << 10: "1KiB", 64 << 10: "64KiB"}[size]
		b.Run(name+"/reference", func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if !referenceVerify(secret, body, sig) {
					b.Fatal("reference failed")
				}
			}
		})
		b.Run(name+"/VerifyHMACSHA256", func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if err := signature.VerifyHMACSHA256(secret, body, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/SecretSet", func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if err := set.VerifyHMACSHA256(body, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestSecretSetVerifyToken(t *testing.T) {
	t.Parallel()
	set := signature.MustSecretSet("current-token", "previous-token")
	tests := []struct {
		token   string
		wantErr error
	}{
		{"current-token", nil},
		{"previous-token", nil},
		{"", signature.ErrMissing},
		{"current-token ", signature.ErrMismatch},
		{"current", signature.ErrMismatch},
		{"other", signature.ErrMismatch},
	}
	for _, tt := range tests {
		err := set.VerifyToken(tt.token)
		if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
			t.Errorf("VerifyToken(%q) = %v, want %v", tt.token, err, tt.wantErr)
		}
		if err != nil && tt.token != "" && strings.Contains(err.Error(), tt.token) {
			t.Errorf("error %q leaks the token", err)
		}
		if err != nil && (strings.Contains(err.Error(), "current-token") || strings.Contains(err.Error(), "previous-token")) {
			t.Errorf("error %q leaks a secret", err)
		}
	}
	var zero signature.SecretSet
	if err := zero.VerifyToken("anything"); !errors.Is(err, signature.ErrMismatch) {
		t.Errorf("zero set: %v", err)
	}
}

// TestSecretSetKeepsAStateAcrossGC: sets verified less often than the
// collector runs (one bot of many) do not key a new HMAC each: they share
// hash states, so verifying each of many sets right after two collections
// allocates a couple of times in all (the shared pool's per-P array),
// where keyed HMACs per set allocated several times per set.
func TestSecretSetKeepsAStateAcrossGC(t *testing.T) {
	const n = 100
	body := []byte(`{"type":"message"}`)
	sets, sigs := make([]signature.SecretSet, n), make([]string, n)
	for i := range sets {
		secret := fmt.Sprintf("rarely-used-secret-%03d", i)
		sets[i], sigs[i] = signature.MustSecretSet(secret), signature.SignHMACSHA256([]byte(secret), body)
		if err := sets[i].VerifyHMACSHA256(body, sigs[i]); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(20, func() {
		runtime.GC()
		runtime.GC()
		for i, set := range sets {
			if err := set.VerifyHMACSHA256(body, sigs[i]); err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs > 4 {
		t.Errorf("verifying %d sets after two collections allocated %v times, want at most 4 in all", n, allocs)
	}
}
