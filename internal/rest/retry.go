package rest

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Retry is a retry policy. The zero value never retries.
type Retry struct {
	// MaxAttempts is the total number of attempts, first one included.
	// Values below 1 mean 1.
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt; it doubles for
	// each further attempt, up to MaxDelay. Each wait is drawn uniformly from
	// [0, backoff) ("full jitter").
	BaseDelay time.Duration
	// MaxDelay caps one backoff, and also caps a server's Retry-After: a
	// server asking for a longer wait gets an error instead.
	MaxDelay time.Duration
}

// DefaultRetry is the policy clients use unless configured otherwise:
// 3 attempts, 200 ms doubling, at most 10 s per wait.
var DefaultRetry = Retry{MaxAttempts: 3, BaseDelay: 200 * time.Millisecond, MaxDelay: 10 * time.Second}

// Validate reports a policy that cannot work.
func (r Retry) Validate() error {
	if r.MaxAttempts < 0 || r.BaseDelay < 0 || r.MaxDelay < 0 {
		return errors.New("retry policy values must not be negative")
	}
	if r.MaxAttempts > 1 && r.BaseDelay == 0 {
		return errors.New("retry policy needs a positive BaseDelay")
	}
	return nil
}

func (r Retry) attempts() int {
	if r.MaxAttempts < 1 {
		return 1
	}
	return r.MaxAttempts
}

// backoff returns the full-jitter wait before attempt n (n >= 1 is the
// first retry).
func (r Retry) backoff(n int, rnd func(int64) int64) time.Duration {
	d := r.BaseDelay
	// Double once per earlier retry. A zero MaxDelay means no cap, so the
	// loop stops before d could overflow instead of at MaxDelay.
	for i := 1; i < n && d < math.MaxInt64/2 && (r.MaxDelay <= 0 || d < r.MaxDelay); i++ {
		d *= 2
	}
	if r.MaxDelay > 0 && d > r.MaxDelay {
		d = r.MaxDelay
	}
	if d <= 0 {
		return 0
	}
	return time.Duration(rnd(int64(d)))
}

func defaultRand(n int64) int64 { return rand.Int64N(n) }

// Sleep waits for d or until ctx is done, whichever is first.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// maxRetryAfterSeconds is the largest Retry-After in seconds that a
// time.Duration holds.
const maxRetryAfterSeconds = math.MaxInt64 / int(time.Second)

// ParseRetryAfter reads a Retry-After header: delay seconds or an HTTP date
// relative to now. It returns 0 when the header is absent or unreadable.
func ParseRetryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		if s > maxRetryAfterSeconds {
			// time.Duration(s)*time.Second would overflow, possibly into
			// a short or negative wait: a huge answer means "a long time".
			return time.Duration(maxRetryAfterSeconds) * time.Second
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// notSent reports whether err happened before the request could reach the
// server (the connection was never made), so that even a non-idempotent
// call may be retried.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}
