package main

import (
	"fmt"
	"runtime"
	"slices"
	"time"
)

// pair is one side-by-side comparison: ref and ours each do one
// operation (a request, a parse, a send) and fail with an error when the
// operation did not do what the row claims.
type pair struct {
	name     string
	refName  string
	ref      func() error
	ours     func() error
	budget   float64                            // the most ours/ref may be (time); 0: no budget
	allocMax float64                            // the most ours/ref may be (allocations); 0: no budget
	allocs   bool                               // report allocations (in process rows only: a server's allocations land in the same heap)
	setup    func() (cleanup func(), err error) // starts servers and clients for the row, if it needs any
}

// result is a pair's measurement: the median over rounds of the ratio of
// the two sides' median times, and the lowest and highest round.
type result struct {
	ratio, lo, hi      float64
	refNs, oursNs      float64 // median per call over all rounds
	refAlloc, ourAlloc float64 // allocations per call (when measured)
	rounds, calls      int
}

// measurePair alternates the two sides call by call (swapping which goes
// first every call, as internal/benchpair does) for total time, split into
// rounds; each round gives a ratio of medians.
func measurePair(p pair, total time.Duration, rounds int) (result, error) {
	if p.setup != nil {
		cleanup, err := p.setup()
		if err != nil {
			return result{}, fmt.Errorf("%s: %w", p.name, err)
		}
		defer cleanup()
	}
	// Warm both sides: connections, pools, caches.
	for range 20 {
		if err := p.ref(); err != nil {
			return result{}, fmt.Errorf("%s: %s: %w", p.name, p.refName, err)
		}
		if err := p.ours(); err != nil {
			return result{}, fmt.Errorf("%s: channelkit: %w", p.name, err)
		}
	}
	var res result
	var allRef, allOurs []time.Duration
	ratios := make([]float64, 0, rounds)
	per := total / time.Duration(rounds)
	for range rounds {
		var refT, oursT []time.Duration
		deadline := time.Now().Add(per)
		for i := 0; i < 4 || time.Now().Before(deadline); i++ {
			first, second := p.ref, p.ours
			ft, st := &refT, &oursT
			if i%2 == 1 {
				first, second, ft, st = p.ours, p.ref, &oursT, &refT
			}
			d, err := timed(first)
			if err != nil {
				return result{}, fmt.Errorf("%s: %w", p.name, err)
			}
			*ft = append(*ft, d)
			if d, err = timed(second); err != nil {
				return result{}, fmt.Errorf("%s: %w", p.name, err)
			}
			*st = append(*st, d)
		}
		ratios = append(ratios, median(oursT)/median(refT))
		allRef, allOurs = append(allRef, refT...), append(allOurs, oursT...)
		res.calls += len(refT)
	}
	slices.Sort(ratios)
	res.ratio, res.lo, res.hi = ratios[len(ratios)/2], ratios[0], ratios[len(ratios)-1]
	res.refNs, res.oursNs = median(allRef), median(allOurs)
	res.rounds = rounds
	if p.allocs {
		var err error
		if res.refAlloc, err = allocsPerCall(p.ref); err != nil {
			return result{}, err
		}
		if res.ourAlloc, err = allocsPerCall(p.ours); err != nil {
			return result{}, err
		}
	}
	return res, nil
}

func timed(f func() error) (time.Duration, error) {
	start := time.Now()
	err := f()
	return time.Since(start), err
}

// allocsPerCall counts heap allocations per call over 100 calls, as
// testing.AllocsPerRun does.
func allocsPerCall(f func() error) (float64, error) {
	const n = 100
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	if err := f(); err != nil {
		return 0, err
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		if err := f(); err != nil {
			return 0, err
		}
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / n, nil
}

// median sorts ds and returns its middle value in nanoseconds.
func median(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return float64(ds[len(ds)/2])
}

// percentile sorts ds and returns its q-quantile (0 < q < 1).
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(q * float64(len(ds)))
	if i >= len(ds) {
		i = len(ds) - 1
	}
	return ds[i]
}
