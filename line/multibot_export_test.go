package line

import "time"

// WithBotClock sets the clock of a multi-bot handler's bot cache, so that
// tests move past its TTL without waiting.
func WithBotClock(now func() time.Time) HandlerOption {
	return multiOption("WithBotClock", func(c *multiConfig) error {
		c.now = now
		return nil
	})
}

// DestinationOf is destinationOf, the scan that picks the bot to verify
// a body with.
func DestinationOf(body []byte) (string, bool) { return destinationOf(body) }

// WithUnknownVerify makes a multi-bot handler call fn where it verifies
// an unknown bot's request with its dummy secret, so that tests see the
// work is done.
func WithUnknownVerify(fn func(body []byte, sig string) error) HandlerOption {
	return multiOption("WithUnknownVerify", func(c *multiConfig) error {
		c.verifyUnknown = fn
		return nil
	})
}
