package naverworks

import (
	"context"
	"crypto/rsa"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
)

// WithSleep replaces the retry wait, so tests never sleep.
func WithSleep(f func(context.Context, time.Duration) error) Option {
	return clientOption(func(c *config) error { c.sleep = f; return nil })
}

// SetClock makes h's runner read time from c, so a test can run out the
// budget without sleeping.
func SetClock(h *WebhookHandler, c webhookio.Clock) { h.setClock(c) }

// SignAssertionForBench signs the assertion the token source would send.
func SignAssertionForBench(key *rsa.PrivateKey, now time.Time) (string, error) {
	return signAssertion(key, "client", "sa@example.com", now, MaxAssertionLifetime)
}

// SetBotClock is SetClock for a BotHandler.
func SetBotClock(h *BotHandler, c webhookio.Clock) { h.setClock(c) }

// SetUnknownVerify makes multi-bot handler h call fn where it verifies an
// unknown bot's request with its dummy secret, so that tests see the work
// is done.
func SetUnknownVerify(h *WebhookHandler, fn func(body []byte, sig string) error) {
	h.verifyUnknown = fn
}
