package naverworks

import (
	"context"
	"time"
)

// WithSleep replaces the retry wait, so tests never sleep.
func WithSleep(f func(context.Context, time.Duration) error) Option {
	return func(c *config) error { c.sleep = f; return nil }
}
