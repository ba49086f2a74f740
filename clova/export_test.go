package clova

import "github.com/channelkit/channelkit/internal/webhookio"

// SetClock makes h read time from c: its runner's clock, and the clock of
// its WithPublicKeyURL key cache. Call it before h serves a request.
func SetClock(h *WebhookHandler, c webhookio.Clock) {
	h.runner = h.newRunner(c)
	if k, ok := h.keys.(*remoteKey); ok {
		k.now = c.Now
	}
}

// WebhookOf returns the WebhookHandler underneath b, for SetClock.
func WebhookOf(b *BotHandler) *WebhookHandler { return b.wh }
