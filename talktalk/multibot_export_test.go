package talktalk

import "time"

// WithBotClock sets the clock of a multi-bot handler's bot cache, so that
// tests move past its TTL without waiting.
func WithBotClock(now func() time.Time) HandlerOption {
	return multiOption("WithBotClock", func(c *multiConfig) error {
		c.now = now
		return nil
	})
}
