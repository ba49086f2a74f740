package talktalk

import "github.com/channelkit/channelkit/internal/webhookio"

// SetClock makes h's runner read c: a test fires the budget with
// c.Advance instead of waiting for it. Call it before h serves.
func SetClock(h *WebhookHandler, c webhookio.Clock) { h.rn = h.newRunner(c) }

// SetBotClock is SetClock for a BotHandler.
func SetBotClock(b *BotHandler, c webhookio.Clock) { SetClock(b.wh, c) }
