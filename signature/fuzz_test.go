package signature_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http/httptest"
	"net/netip"
	"strings"
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
		if err == nil {
			// Accepted: sig must decode (in some base64 form) to the real MAC.
			if len(secret) == 0 {
				t.Fatalf("empty secret verified %q", sig)
			}
			m := hmac.New(sha256.New, secret)
			m.Write(body)
			if got := decodeAny(sig); !bytes.Equal(got, m.Sum(nil)) {
				t.Fatalf("VerifyHMACSHA256 accepted %q, which is not the MAC", sig)
			}
		}
		if len(secret) == 0 {
			return
		}
		// A set of that one secret accepts exactly what the one-shot
		// check accepts: its saved HMAC states are the secret's.
		if setErr := signature.MustSecretSet(string(secret)).VerifyHMACSHA256(body, sig); (setErr == nil) != (err == nil) {
			t.Fatalf("SecretSet: %v, VerifyHMACSHA256: %v", setErr, err)
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

// decodeAny decodes sig in any base64 form VerifyHMACSHA256 accepts.
func decodeAny(sig string) []byte {
	s := strings.TrimRight(sig, "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b
		}
	}
	return nil
}

func FuzzAllowList(f *testing.F) {
	proxies := netip.MustParsePrefix("10.0.0.0/8")
	var ttPrefixes []netip.Prefix
	for _, c := range signature.TalkTalkCIDRs() {
		ttPrefixes = append(ttPrefixes, netip.MustParsePrefix(c))
	}
	talkTalk := prefixSet(ttPrefixes)
	a, err := signature.NewTalkTalkAllowList(signature.WithTrustedProxies("10.0.0.0/8"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("10.0.0.1:80", "211.249.40.1, 10.0.0.2")
	f.Add("203.0.113.1:1", "211.249.40.1")
	f.Add("[::1]:1", ",,,")
	f.Add("10.0.0.1:80", "203.0.113.1, 211.249.40.1")
	f.Add("211.249.40.1:80", "not-an-ip")
	f.Add("203.0.113.1:80", "10.0.0.3")
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		err := a.Check(r)
		if err != nil && !errors.Is(err, signature.ErrForbidden) {
			t.Fatalf("Check error %v does not wrap ErrForbidden", err)
		}
		// Judge independently of ClientAddr. A peer that is not a trusted
		// proxy is judged on its own address, whatever X-Forwarded-For says;
		// behind a trusted proxy, the admitted client must be one of the
		// header's entries.
		host, _, serr := net.SplitHostPort(remote)
		if serr != nil {
			host = remote
		}
		peer, perr := netip.ParseAddr(host)
		if perr != nil {
			if err == nil {
				t.Fatalf("admitted unparsable peer %q", remote)
			}
			return
		}
		peer = peer.Unmap().WithZone("")
		if !proxies.Contains(peer) {
			if want := talkTalk.Contains(peer); (err == nil) != want {
				t.Fatalf("peer %v, X-Forwarded-For %q: Check = %v, want admitted=%v", peer, xff, err, want)
			}
			return
		}
		if err == nil {
			found := false
			for _, h := range strings.Split(xff, ",") {
				if ip, perr := netip.ParseAddr(strings.TrimSpace(h)); perr == nil && talkTalk.Contains(ip.Unmap()) {
					found = true
				}
			}
			if !found {
				t.Fatalf("admitted %q via proxy %v with no allowed address in X-Forwarded-For", xff, peer)
			}
		}
	})
}

type prefixSet []netip.Prefix

func (ps prefixSet) Contains(a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
