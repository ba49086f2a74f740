package talktalk

import "time"

// WithTimer replaces the budget timer: the budget runs out when the test
// sends on (or closes) ch.
func WithTimer(ch <-chan time.Time) HandlerOption {
	return func(c *handlerConfig) error {
		c.after = func(time.Duration) <-chan time.Time { return ch }
		return nil
	}
}
