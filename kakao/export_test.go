package kakao

import (
	"context"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
)

// Test hooks for the external tests (export_test idiom).

// SetClock replaces the clock of h's runners: the budget timer and the
// start of a callback URL's validity.
func SetClock(h *WebhookHandler, c webhookio.Clock) { h.setClock(c) }

// WithSleep makes a callback client's retries wait with sleep.
func WithSleep(sleep func(context.Context, time.Duration) error) Option {
	return clientOption(func(c *config) error { c.sleep = sleep; return nil })
}

// JSONDiff is jsonDiff for the external tests.
var JSONDiff = jsonDiff

// SetBotClock replaces the clock of b's runners, as SetClock does.
func SetBotClock(b *BotHandler, c webhookio.Clock) { b.wh.setClock(c) }

// SetUnknownVerify makes multi-bot handler h call fn where it checks an
// unknown bot's header secret against its dummy secret.
func SetUnknownVerify(h *WebhookHandler, fn func(token string) error) { h.verifyUnknown = fn }

// DecodeJSON is Decode with encoding/json only, as Decode was before the
// wire.Scanner decoder, for the side-by-side benchmark.
var DecodeJSON = decodeJSON
