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

// WithUnknownVerify makes a multi-bot handler call fn where it checks an
// unknown bot's path token against its dummy secret.
func WithUnknownVerify(fn func(token string) error) HandlerOption {
	return multiOption("WithUnknownVerify", func(c *multiConfig) error {
		c.verifyUnknown = fn
		return nil
	})
}
