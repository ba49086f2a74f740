package line

import (
	"context"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
)

// WithSleep replaces the retry wait, so tests never sleep.
func WithSleep(fn func(context.Context, time.Duration) error) Option {
	return clientOption(func(c *config) error {
		c.sleep = fn
		c.rand = func(n int64) int64 { return n - 1 }
		return nil
	})
}

// SetClock replaces the time source of h's runner, before h serves.
func SetClock(h *WebhookHandler, c webhookio.Clock) {
	h.rn = webhookio.NewRunner(h.runnerConfig(c))
}

// DecodePaths decodes body with the one-pass fast path (nil when it does
// not apply) and with the per-event path.
func DecodePaths(body []byte) (fast, slow *Callback, err error) {
	slow, err = decodeSlow(body)
	return decodeFast(body), slow, err
}

// FireRenewal runs c's renewal timer now, as if the cached token had
// reached its expiry less the margin, and reports whether one was armed.
func FireRenewal(c *TokenCache) bool {
	return c.eng.FireRenewal()
}
