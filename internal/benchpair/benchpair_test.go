package benchpair

import (
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	if got := median([]time.Duration{5, 1, 3}); got != 3 {
		t.Fatalf("median = %v, want 3", got)
	}
	if got := median(nil); got != 0 {
		t.Fatalf("median(nil) = %v, want 0", got)
	}
}

// BenchmarkMedians runs the helper itself: the slower side must report a
// ratio above 1.
func BenchmarkMedians(b *testing.B) {
	fast := func() {}
	slow := func() { time.Sleep(time.Microsecond) }
	Medians(b, "fast", fast, "slow", slow)
}
