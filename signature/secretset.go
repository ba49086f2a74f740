package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/channelkit/channelkit/internal/redact"
)

// A SecretSet holds one or more HMAC secrets and accepts a signature made
// with any of them. Listing the new secret and the old one while a secret is
// rotated means no request is refused during the switch.
//
// A SecretSet is immutable and safe for concurrent use. Its zero value holds
// no secret and verifies nothing. Keyed HMAC states are pooled, so a
// verification does not allocate; each secret also keeps one state outside
// the pool once used, so that a set verified less often than the garbage
// collector runs (one of a thousand bots) does not key a new HMAC on every
// request.
//
// A SecretSet never prints its secrets, nor anything derived from them:
// every fmt verb and slog show only how many it holds
// (signature.SecretSet{Len:2}), and encoding/json writes {}.
type SecretSet struct {
	// Hidden: a pooled key holds the secret's SHA-256 digest, which fmt
	// would print through the pointer for a verb like %s.
	keys redact.Hidden[[]*pooledKey]
}

type pooledKey struct {
	pool sync.Pool // of *keyedMAC
	// spare is a state the collector does not empty, as it does pools.
	spare  atomic.Pointer[keyedMAC]
	digest [sha256.Size]byte // SHA-256 of the secret, for VerifyToken
}

// get takes a keyed state: the spare, else one from the pool.
func (k *pooledKey) get() *keyedMAC {
	if m := k.spare.Swap(nil); m != nil {
		return m
	}
	return k.pool.Get().(*keyedMAC)
}

// put returns m: as the spare when there is none, else to the pool.
func (k *pooledKey) put(m *keyedMAC) {
	if !k.spare.CompareAndSwap(nil, m) {
		k.pool.Put(m)
	}
}

// keyedMAC is an HMAC state keyed with one secret, plus the buffer its sum
// is written to, so that verification allocates nothing.
type keyedMAC struct {
	h   hash.Hash
	sum [sha256.Size]byte
}

// NewSecretSet returns a set that accepts signatures made with any of
// secrets, tried in the order given (put the current secret first). It is an
// error to pass no secret or an empty one.
func NewSecretSet(secrets ...string) (SecretSet, error) {
	if len(secrets) == 0 {
		return SecretSet{}, errors.New("signature: secret set needs at least one secret")
	}
	keys := make([]*pooledKey, 0, len(secrets))
	for i, s := range secrets {
		if s == "" {
			return SecretSet{}, errEmptySecret(i)
		}
		secret := []byte(s)
		k := &pooledKey{digest: sha256.Sum256(secret)}
		k.pool.New = func() any { return &keyedMAC{h: hmac.New(sha256.New, secret)} }
		keys = append(keys, k)
	}
	return SecretSet{keys: redact.Hide(keys)}, nil
}

// MustSecretSet is like [NewSecretSet] but panics on error. It is meant for
// tests and package-level variables with literal secrets.
func MustSecretSet(secrets ...string) SecretSet {
	s, err := NewSecretSet(secrets...)
	if err != nil {
		panic(err)
	}
	return s
}

type errEmptySecret int

func (e errEmptySecret) Error() string {
	return "signature: secret set: secret " + strconv.Itoa(int(e)) + " is empty"
}

// Len reports how many secrets the set holds.
func (s SecretSet) Len() int { return len(s.keys.Reveal()) }

func (s SecretSet) form() redact.Form {
	return redact.Form{Type: "signature.SecretSet", Fields: []redact.Field{{Name: "Len", Value: s.Len()}}}
}

// Format writes signature.SecretSet{Len:n} for every verb.
func (s SecretSet) Format(f fmt.State, verb rune) { s.form().Format(f, verb) }

// LogValue logs how many secrets the set holds.
func (s SecretSet) LogValue() slog.Value { return s.form().LogValue() }

// VerifyHMACSHA256 reports whether sig is the base64 HMAC-SHA256 of body
// under any secret in the set. Errors wrap [ErrMissing] or [ErrMismatch]; an
// empty set returns [ErrMismatch].
func (s SecretSet) VerifyHMACSHA256(body []byte, sig string) error {
	want, err := decodeSHA256Sig(sig)
	if err != nil {
		return err
	}
	for _, k := range s.keys.Reveal() {
		m := k.get()
		m.h.Reset()
		m.h.Write(body)
		ok := subtle.ConstantTimeCompare(m.h.Sum(m.sum[:0]), want[:]) == 1
		k.put(m)
		if ok {
			return nil
		}
	}
	return ErrMismatch
}

// VerifyToken reports whether token is one of the secrets in the set, for
// platforms that authenticate with a shared secret sent as is (a header or
// a path segment) rather than a signature. It compares SHA-256 digests in
// constant time, so neither the secrets' contents nor their lengths leak
// through timing. Errors wrap [ErrMissing] (token is empty) or
// [ErrMismatch].
func (s SecretSet) VerifyToken(token string) error {
	if token == "" {
		return ErrMissing
	}
	got := sha256.Sum256([]byte(token))
	match := 0
	for _, k := range s.keys.Reveal() {
		match |= subtle.ConstantTimeCompare(got[:], k.digest[:])
	}
	if match != 1 {
		return ErrMismatch
	}
	return nil
}
