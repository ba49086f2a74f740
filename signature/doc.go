// Package signature holds the authenticity checks that every channelkit
// platform package shares: HMAC-SHA256 and RSA-SHA256 signature verification,
// secret sets for rotation, and IP allow-lists for platforms that sign
// nothing.
//
// Every check fails closed and compares in constant time. Errors wrap one of
// three sentinels, so callers branch the same way on every platform:
//
//	switch {
//	case errors.Is(err, signature.ErrMissing):   // no signature header at all
//	case errors.Is(err, signature.ErrMismatch):  // wrong, malformed or truncated signature
//	case errors.Is(err, signature.ErrForbidden): // caller outside the allow-list
//	}
//
// No error from this package ever contains a secret, a body or a computed
// signature.
//
// # Signatures
//
// LINE (x-line-signature), NAVER WORKS (X-WORKS-Signature) and the NCP CLOVA
// Chatbot (X-NCP-CHATBOT_SIGNATURE) sign the raw request body with
// HMAC-SHA256 and send it base64-encoded: use [VerifyHMACSHA256], or a
// [SecretSet] when a secret is being rotated. CLOVA CEK signs with RSA
// (SignatureCEK): use [VerifyRSASHA256].
//
// # Allow-lists
//
// NAVER TalkTalk and Kakao i Open Builder do not sign their webhooks. An
// [AllowList] admits only requests whose client address lies in configured
// CIDRs; X-Forwarded-For is believed only when the TCP peer is a configured
// trusted proxy. [TalkTalkCIDRs] lists TalkTalk's published ranges.
package signature
