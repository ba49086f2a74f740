package naverworks

import (
	"net/http"
	"strconv"
	"time"

	"github.com/channelkit/channelkit/internal/rest"
)

// RateLimit is what the rateLimit-* response headers say. A field is -1
// when its header is absent or unreadable.
type RateLimit struct {
	// Limit is the number of calls allowed per window (rateLimit-limit).
	Limit int
	// Remaining is the number of calls left in the window
	// (rateLimit-remaining).
	Remaining int
	// Used is the number of calls made in the window (the header is spelled
	// rateLimit-ssed).
	Used int
	// Reset is the time until the window resets (rateLimit-reset, seconds).
	Reset time.Duration
}

// ParseRateLimit reads the rateLimit-* headers.
func ParseRateLimit(h http.Header) RateLimit {
	num := func(k string) int {
		v := h.Get(k)
		if v == "" {
			return -1
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return -1
		}
		return n
	}
	rl := RateLimit{Limit: num("Ratelimit-Limit"), Remaining: num("Ratelimit-Remaining"), Used: num("Ratelimit-Ssed"), Reset: -1}
	if rl.Used < 0 {
		rl.Used = num("Ratelimit-Used")
	}
	if s := num("Ratelimit-Reset"); s >= 0 {
		rl.Reset = time.Duration(s) * time.Second
	}
	return rl
}

// retryAfter prefers Retry-After, then rateLimit-reset.
func retryAfter(r *rest.Response, now time.Time) time.Duration {
	if d := rest.ParseRetryAfter(r.Header, now); d > 0 {
		return d
	}
	if rl := ParseRateLimit(r.Header); rl.Reset > 0 {
		return rl.Reset
	}
	return 0
}
