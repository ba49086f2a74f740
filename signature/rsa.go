package signature

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
)

// VerifyRSASHA256 reports whether sig is a base64 RSASSA-PKCS1-v1_5 signature
// over the SHA-256 digest of body, made with the private half of pub. This is
// CLOVA CEK's SignatureCEK scheme. It returns nil on success; otherwise an
// error wrapping [ErrMissing] or [ErrMismatch]. A nil key never verifies.
func VerifyRSASHA256(pub *rsa.PublicKey, body []byte, sig string) error {
	if sig == "" {
		return ErrMissing
	}
	if pub == nil || pub.N == nil {
		return ErrMismatch
	}
	// A signature is exactly the modulus size; reject anything that cannot be
	// one before allocating for it.
	if base64.StdEncoding.DecodedLen(len(sig)) > pub.Size()+3 {
		return errMalformed
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return errMalformed
	}
	if len(raw) != pub.Size() {
		return errMalformed
	}
	digest := sha256.Sum256(body)
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], raw) != nil {
		return ErrMismatch
	}
	return nil
}
