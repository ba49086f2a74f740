package naverworks

import (
	"context"
	"crypto/rsa"
	"time"
)

// WithSleep replaces the retry wait, so tests never sleep.
func WithSleep(f func(context.Context, time.Duration) error) Option {
	return func(c *config) error { c.sleep = f; return nil }
}

// SignAssertionForBench signs the assertion the token source would send.
func SignAssertionForBench(key *rsa.PrivateKey, now time.Time) (string, error) {
	return signAssertion(key, "client", "sa@example.com", now, MaxAssertionLifetime)
}
