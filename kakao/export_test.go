package kakao

import (
	"context"
	"time"
)

// Test hooks for the external tests (export_test idiom).

// SetTimer replaces the budget timer of h: after returns the channel that
// fires the budget.
func SetTimer(h *SkillHandler, after func(time.Duration) (<-chan time.Time, func() bool)) {
	h.cfg.afterFunc = after
}

// SetClock replaces the clock that starts a callback URL's validity.
func SetClock(h *SkillHandler, now func() time.Time) { h.cfg.now = now }

// WithSleep makes a callback client's retries wait with sleep.
func WithSleep(sleep func(context.Context, time.Duration) error) ClientOption {
	return func(c *clientConfig) error { c.sleep = sleep; return nil }
}

// JSONDiff is jsonDiff for the external tests.
var JSONDiff = jsonDiff
