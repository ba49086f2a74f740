// Package benchpair measures two functions against each other in one
// benchmark, for the side-by-side ratios channelkit reports: the calls
// alternate one by one, swapping which side goes first every round, so
// that load from other processes hits both sides alike, and each side's
// median time is reported with their ratio. Medians rather than means,
// because a busy machine adds long outliers to either side at random.
package benchpair

import (
	"slices"
	"testing"
	"time"
)

// Medians runs ref and ours alternately b.N times each and reports
// "<refName>-p50-ns", "<oursName>-p50-ns" and "ratio" (ours over ref).
func Medians(b *testing.B, refName string, ref func(), oursName string, ours func()) {
	b.Helper()
	refT := make([]time.Duration, 0, b.N)
	oursT := make([]time.Duration, 0, b.N)
	timed := func(f func()) time.Duration {
		start := time.Now()
		f()
		return time.Since(start)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			refT = append(refT, timed(ref))
			oursT = append(oursT, timed(ours))
		} else {
			oursT = append(oursT, timed(ours))
			refT = append(refT, timed(ref))
		}
	}
	b.StopTimer()
	r, o := median(refT), median(oursT)
	b.ReportMetric(r, refName+"-p50-ns")
	b.ReportMetric(o, oursName+"-p50-ns")
	b.ReportMetric(o/r, "ratio")
}

func median(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return float64(ds[len(ds)/2])
}
