package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"hash"
)

// maxEncodedSHA256 bounds the signature text we are willing to decode: a
// SHA-256 MAC is 32 bytes, 44 base64 characters with padding. Anything much
// longer is malformed and is rejected without decoding.
const maxEncodedSHA256 = 64

// SignHMACSHA256 returns the standard base64 (with padding) encoding of the
// HMAC-SHA256 of body keyed with secret: the value LINE, NAVER WORKS and the
// CLOVA Chatbot put in their signature headers. Test fakes use it to sign
// requests.
func SignHMACSHA256(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	var sum [sha256.Size]byte
	return base64.StdEncoding.EncodeToString(m.Sum(sum[:0]))
}

// VerifyHMACSHA256 reports whether sig is the base64 HMAC-SHA256 of body
// keyed with secret. It returns nil on success; otherwise an error wrapping
// [ErrMissing] (sig is empty) or [ErrMismatch] (wrong, malformed or
// truncated). Standard and URL-safe alphabets, padded or not, are accepted.
// The comparison is constant-time.
//
// An empty secret never verifies anything: it returns [ErrMismatch].
func VerifyHMACSHA256(secret, body []byte, sig string) error {
	want, err := decodeSHA256Sig(sig)
	if err != nil {
		return err
	}
	if len(secret) == 0 {
		return ErrMismatch
	}
	m := hmac.New(sha256.New, secret)
	return checkMAC(m, body, &want)
}

func checkMAC(m hash.Hash, body []byte, want *[sha256.Size]byte) error {
	m.Write(body)
	var sum [sha256.Size]byte
	if subtle.ConstantTimeCompare(m.Sum(sum[:0]), want[:]) != 1 {
		return ErrMismatch
	}
	return nil
}

// decodeSHA256Sig decodes a base64 SHA-256 signature without allocating.
func decodeSHA256Sig(sig string) ([sha256.Size]byte, error) {
	var out [sha256.Size]byte
	if sig == "" {
		return out, ErrMissing
	}
	if len(sig) > maxEncodedSHA256 {
		return out, errMalformed
	}
	var src [maxEncodedSHA256]byte
	n := copy(src[:], sig)
	s := src[:n]
	// Strip padding so that one raw decoder handles padded and unpadded forms.
	for len(s) > 0 && s[len(s)-1] == '=' {
		s = s[:len(s)-1]
	}
	url := false
	for _, c := range s {
		if c == '-' || c == '_' {
			url = true
			break
		}
	}
	enc := base64.RawStdEncoding
	if url {
		enc = base64.RawURLEncoding
	}
	if enc.DecodedLen(len(s)) != sha256.Size {
		return out, errMalformed
	}
	var dst [48]byte
	k, err := enc.Decode(dst[:], s)
	if err != nil || k != sha256.Size {
		return out, errMalformed
	}
	copy(out[:], dst[:k])
	return out, nil
}
