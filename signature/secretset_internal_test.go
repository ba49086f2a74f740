package signature

import (
	"crypto/sha256"
	"testing"
)

// TestPadStateIsCompact: crypto/sha256 saves a state as a header, the
// chaining value, the pending block and the length, so that after one
// block only the 32-byte chaining value depends on the key. A set stores
// just that; should the layout change (a new Go), the start-up check
// falls back to whole states, verification stays right (the tests
// against crypto/hmac), and this test says the sets grew.
func TestPadStateIsCompact(t *testing.T) {
	if got := partLen(); got != sha256.Size {
		t.Errorf("pad part = %d bytes [%d:%d) of a %d-byte saved state; want the %d-byte chaining value", got, padState.lo, padState.hi, len(padState.template), sha256.Size)
	}
	s := MustSecretSet("a", "b")
	if got, want := len(s.keys.Reveal()), 2*3*sha256.Size; got != want {
		t.Errorf("a set of two secrets holds %d bytes, want %d", got, want)
	}
}
