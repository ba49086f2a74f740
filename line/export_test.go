package line

import (
	"context"
	"time"
)

// WithSleep replaces the retry wait, so tests never sleep.
func WithSleep(fn func(context.Context, time.Duration) error) Option {
	return func(c *config) error {
		c.sleep = fn
		c.rand = func(n int64) int64 { return n - 1 }
		return nil
	}
}
