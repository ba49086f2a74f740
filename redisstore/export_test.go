package redisstore

import "time"

// WithTokenClock makes a TokenSource read time from now, for tests that
// move time by hand: the in-process renewal and the pause after a failed
// fetch follow it, and no renewal timer is set.
func WithTokenClock(now func() time.Time) Option {
	return func(c *config) error {
		c.now = now
		return nil
	}
}
