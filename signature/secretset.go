package signature

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding"
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
// no secret and verifies nothing. A verification does not allocate, even
// right after a garbage collection.
//
// A SecretSet never prints its secrets, nor anything derived from them:
// every fmt verb and slog show only how many it holds
// (signature.SecretSet{Len:2}), and encoding/json writes {}.
//
// A set keeps, per secret, the SHA-256 chaining values HMAC starts its
// inner and outer hashes from, and the secret's digest (96 bytes, in one
// block for the whole set) rather than a keyed HMAC object: a server verifying with thousands of
// sets (one per bot) touches a few cache lines per verification, holds
// nothing per set that a garbage collection throws away and rebuilds, and
// shares a handful of hash states among all sets.
type SecretSet struct {
	// Hidden: the key states are as good as the secret for signing, and
	// fmt would print a slice's bytes for a verb like %x.
	keys redact.Hidden[[]byte] // per secret: inner pad state, outer pad state, SHA-256 of the secret
}

// padState describes the SHA-256 state after one block (an HMAC pad), as
// crypto/sha256 saves it (encoding.BinaryMarshaler): a state is template
// with its bytes [lo:hi) — the part that depends on the block, the
// chaining value — replaced. A set stores only that part, 32 of the
// saved state's 108 bytes, so that a verification reads two cache lines
// of a secret's rather than four. The layout is found, and checked, at
// start-up; should a saved state not split so, the whole state is the
// part (lo 0, hi its length) and nothing but the size changes.
var padState = func() (p struct {
	template []byte
	lo, hi   int
}) {
	save := func(fill byte) []byte {
		var block [sha256.BlockSize]byte
		for i := range block {
			block[i] = fill + byte(i)
		}
		h := sha256.New()
		h.Write(block[:])
		b, err := h.(encoding.BinaryMarshaler).MarshalBinary()
		if err != nil {
			panic("signature: SHA-256 state cannot be saved: " + err.Error())
		}
		return b
	}
	a, b, c := save(0x36), save(0x5c), save(0xa7)
	p.template, p.lo, p.hi = a, 0, len(a)
	if len(b) != len(a) || len(c) != len(a) {
		return p
	}
	lo, hi := len(a), 0
	for i := range a {
		if a[i] != b[i] {
			lo, hi = min(lo, i), max(hi, i+1)
		}
	}
	if lo >= hi {
		return p
	}
	// c must be the template with its own [lo:hi): nothing else in a
	// saved state may depend on the block.
	rebuilt := append(append(append([]byte(nil), a[:lo]...), c[lo:hi]...), a[hi:]...)
	if string(rebuilt) != string(c) {
		return p
	}
	p.lo, p.hi = lo, hi
	return p
}()

// partLen is the length of one pad's part in a set's keys.
func partLen() int { return padState.hi - padState.lo }

// keyLen is the length of one secret's entry in a set's keys: the HMAC
// inner and outer pad parts, then the secret's digest for VerifyToken.
func keyLen() int { return 2*partLen() + sha256.Size }

// hmacState is a SHA-256 hash that can be set to a saved state, and the
// buffer its sums are written to: shared by every set (pooled), so that a
// set holds no hash of its own.
type hmacState struct {
	h     hash.Hash
	set   encoding.BinaryUnmarshaler
	saved []byte // a saved pad state: padState.template, its part overwritten per use
	sum   [sha256.Size]byte
}

var hmacStates sync.Pool // of *hmacState

// spareState is a state the collector does not empty, as it does pools,
// so that a verification right after a collection does not allocate.
var spareState atomic.Pointer[hmacState]

// getState takes a hash state: from the pool (per P, so verifications
// on several cores do not contend), else the spare, else a new one.
func getState() *hmacState {
	if st, _ := hmacStates.Get().(*hmacState); st != nil {
		return st
	}
	if st := spareState.Swap(nil); st != nil {
		return st
	}
	h := sha256.New()
	return &hmacState{h: h, set: h.(encoding.BinaryUnmarshaler), saved: append([]byte(nil), padState.template...)}
}

// putState returns st: as the spare when there is none, else to the pool.
func putState(st *hmacState) {
	if spareState.Load() == nil && spareState.CompareAndSwap(nil, st) {
		return
	}
	hmacStates.Put(st)
}

// NewSecretSet returns a set that accepts signatures made with any of
// secrets, tried in the order given (put the current secret first). It is an
// error to pass no secret or an empty one.
func NewSecretSet(secrets ...string) (SecretSet, error) {
	if len(secrets) == 0 {
		return SecretSet{}, errors.New("signature: secret set needs at least one secret")
	}
	keys := make([]byte, 0, len(secrets)*keyLen())
	for i, s := range secrets {
		if s == "" {
			return SecretSet{}, errEmptySecret(i)
		}
		keys = appendKey(keys, []byte(s))
	}
	return SecretSet{keys: redact.Hide(keys)}, nil
}

// appendKey appends secret's entry to keys: the SHA-256 states after the
// key XOR ipad and the key XOR opad blocks of HMAC (RFC 2104; a key longer
// than a block is hashed first, as crypto/hmac does), then the secret's
// digest.
func appendKey(keys, secret []byte) []byte {
	var k [sha256.BlockSize]byte
	if len(secret) > sha256.BlockSize {
		d := sha256.Sum256(secret)
		copy(k[:], d[:])
	} else {
		copy(k[:], secret)
	}
	for _, pad := range []byte{0x36, 0x5c} {
		var block [sha256.BlockSize]byte
		for i := range block {
			block[i] = k[i] ^ pad
		}
		h := sha256.New()
		h.Write(block[:])
		saved, err := h.(encoding.BinaryMarshaler).MarshalBinary()
		if err != nil {
			panic("signature: SHA-256 state cannot be saved: " + err.Error())
		}
		keys = append(keys, saved[padState.lo:padState.hi]...)
	}
	d := sha256.Sum256(secret)
	return append(keys, d[:]...)
}

// mac returns the HMAC-SHA256 of body under the key whose entry is key,
// in s.sum. It fails only if the saved state is not one the hash takes,
// which NewSecretSet rules out.
func (s *hmacState) mac(key, body []byte) ([]byte, error) {
	n := partLen()
	if err := s.restore(key[:n]); err != nil {
		return nil, err
	}
	s.h.Write(body)
	inner := s.h.Sum(s.sum[:0])
	if err := s.restore(key[n : 2*n]); err != nil {
		return nil, err
	}
	s.h.Write(inner)
	return s.h.Sum(s.sum[:0]), nil
}

// restore sets the hash to the pad state whose part is part.
func (s *hmacState) restore(part []byte) error {
	copy(s.saved[padState.lo:padState.hi], part)
	return s.set.UnmarshalBinary(s.saved)
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
func (s SecretSet) Len() int { return len(s.keys.Reveal()) / keyLen() }

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
	keys := s.keys.Reveal()
	if len(keys) == 0 {
		return ErrMismatch
	}
	st := getState()
	defer putState(st)
	n := keyLen()
	for ; len(keys) >= n; keys = keys[n:] {
		sum, err := st.mac(keys[:n], body)
		if err == nil && subtle.ConstantTimeCompare(sum, want[:]) == 1 {
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
	keys := s.keys.Reveal()
	for n := keyLen(); len(keys) >= n; keys = keys[n:] {
		match |= subtle.ConstantTimeCompare(got[:], keys[2*partLen():n])
	}
	if match != 1 {
		return ErrMismatch
	}
	return nil
}
