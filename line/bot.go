package line

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// botConfig holds the options only NewBotHandler takes.
type botConfig struct {
	client       *Client
	render       message.RenderOptions
	pushFallback bool
	// only names the first bot-only option given, which
	// NewWebhookHandler refuses.
	only string
}

// botOption adapts a function to a [HandlerOption] that only
// [NewBotHandler] accepts.
func botOption(name string, fn func(*botConfig) error) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if c.bot.only == "" {
			c.bot.only = name
		}
		return fn(&c.bot)
	})
}

// WithClient sets the client a [BotHandler] replies, pushes, shows the
// loading animation and hands conversations over with. [NewBotHandler]
// needs it: LINE takes every answer through the Messaging API. A nil
// client is an error.
func WithClient(cl *Client) HandlerOption {
	return botOption("WithClient", func(c *botConfig) error {
		if cl == nil {
			return argError("WithClient", "cl", "nil client")
		}
		c.client = cl
		return nil
	})
}

// WithRenderOptions sets how a [BotHandler]'s Responder renders content
// with [Render] (default: best effort, losses in the report).
func WithRenderOptions(o message.RenderOptions) HandlerOption {
	return botOption("WithRenderOptions", func(c *botConfig) error {
		c.render = o
		return nil
	})
}

// WithPushFallback makes a [BotHandler]'s Responder push the messages of
// a reply whose reply token LINE refused as expired or already used
// ([APIError.InvalidReplyToken]). Pushes are billed, replies are not, so
// without this option such a reply is an error and its messages are
// reported lost.
func WithPushFallback() HandlerOption {
	return botOption("WithPushFallback", func(c *botConfig) error {
		c.pushFallback = true
		return nil
	})
}

// BotHandler is an http.Handler that answers LINE webhooks with a
// [message.Handler]: each event [ToIncoming] maps is passed to the
// handler with a [message.Responder] that replies the LINE way. See
// [NewBotHandler].
//
// A BotHandler prints (every fmt verb, slog) as
// line.BotHandler{Secrets:signature.SecretSet{Len:1}}, never a secret.
type BotHandler struct {
	wh  *WebhookHandler
	h   message.Handler
	bot botConfig
}

func (b *BotHandler) form() redact.Form {
	wh := b.wh
	if wh == nil { // a zero BotHandler
		wh = &WebhookHandler{}
	}
	return redact.Form{Type: "line.BotHandler", Fields: []redact.Field{{Name: "Secrets", Value: wh.secrets}}}
}

// Format writes how many secrets the handler holds, for every verb.
func (b *BotHandler) Format(f fmt.State, verb rune) { b.form().Format(f, verb) }

// LogValue logs how many secrets the handler holds.
func (b *BotHandler) LogValue() slog.Value { return b.form().LogValue() }

// NewBotHandler returns a handler that passes each verified event to h,
// in neutral form, with a Responder that answers on LINE. It needs
// [WithClient]. secrets must hold at least one channel secret.
//
// It is a [WebhookHandler] underneath, with the same checks, status
// codes and options ([WithDeduper], [WithMaxInFlight], [WithLogger],
// [WithErrorHandler], ...), asynchronous as with [WithAsync]: it answers
// 200 as soon as the events are verified and decoded, then calls h for
// each event in order, with a context that ends after the work timeout
// ([WithWorkTimeout], default [DefaultWorkTimeout]). Events [ToIncoming]
// does not map are not passed to h; an [*InvalidEvent] is reported to the
// error handler instead.
//
// The Responder's Reply renders each content with [Render] (options:
// [WithRenderOptions]) and delivers the messages in order: the first
// Reply with the event's reply token (its first 5 messages), everything
// after that by [Client.Push] to the conversation (the user, group or
// room), 5 messages a push. A reply token LINE refuses as expired or
// used is an error, and its messages are lost, unless [WithPushFallback]
// pushes them instead. A content that fails to render (strict rendering
// refusing a loss included) is not delivered, nor is any after it in
// that Reply: the contents before it are, and Reply reports the rest as
// Dropped losses and returns an error wrapping the render error. Typing
// shows the loading animation (one-to-one
// chats only); PassToHuman and TakeBack release and acquire chat
// control (module channels only).
//
// The error handler receives, wrapping [ErrCallback], every error h
// returns or panics with, and every failed Reply whose error h did not
// return itself: nothing is lost without a report.
//
// The Responder is valid until h returns. A later Reply delivers nothing,
// reports every content as a [message.Dropped] loss and returns an error
// wrapping [message.ErrResponderDone]; Typing, PassToHuman and TakeBack
// return such an error too. Only the caller sees these errors, not the
// error handler.
func NewBotHandler(secrets signature.SecretSet, h message.Handler, opts ...HandlerOption) (*BotHandler, error) {
	if secrets.Len() == 0 {
		return nil, argError("NewBotHandler", "secrets", "missing channel secret")
	}
	if h == nil {
		return nil, argError("NewBotHandler", "h", "nil message handler")
	}
	cfg := handlerConfig{maxBody: DefaultMaxBodyBytes, async: true, workTimeout: DefaultWorkTimeout}
	if err := cfg.apply("NewBotHandler", opts); err != nil {
		return nil, err
	}
	if cfg.bot.client == nil {
		return nil, argError("NewBotHandler", "opts", "needs WithClient: LINE takes every answer through the Messaging API")
	}
	if err := cfg.singleOnly("NewBotHandler"); err != nil {
		return nil, err
	}
	b := &BotHandler{h: h, bot: cfg.bot}
	b.wh = newWebhookHandler(secrets, b.serve, cfg)
	return b, nil
}

// ServeHTTP implements http.Handler.
func (b *BotHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { b.wh.ServeHTTP(w, r) }

// Wait blocks until every call of the handler has returned, or ctx is
// done. Stop the HTTP server first (http.Server.Shutdown) so no new calls
// start.
func (b *BotHandler) Wait(ctx context.Context) error { return b.wh.Wait(ctx) }

// serve is the webhook function: each event in turn, one event's failure
// or panic not keeping the next from its answer.
func (b *BotHandler) serve(ctx context.Context, cb *Callback) error {
	var first error
	var more []error
	for _, ev := range cb.Events {
		err := b.event(ctx, ev)
		switch {
		case err == nil:
		case first == nil:
			first = err
		default:
			more = append(more, err)
		}
	}
	if more != nil {
		return errors.Join(append([]error{first}, more...)...)
	}
	return first
}

// event passes one event to the handler and returns what must be
// reported: the handler's error and the failures it did not return.
func (b *BotHandler) event(ctx context.Context, ev Event) error {
	in, ok := ToIncoming(ev)
	if !ok {
		if bad, is := ev.(*InvalidEvent); is {
			return fmt.Errorf("line: an event could not be decoded and was not passed to the handler: %w", bad.Err)
		}
		return nil
	}
	t := &turn{in: in, responder: responder{bot: &b.bot, token: ReplyToken(ev), to: in.ConversationID}}
	if b.wh.multi != nil {
		// A multi-bot handler: answer through this bot's client.
		if bot, ok := BotFromContext(ctx); ok {
			t.in.BotID = bot.ID
			t.cfg = b.bot
			t.cfg.client = bot.Client
			t.responder.bot = &t.cfg
		}
	}
	if src := ev.Base().Source; src != nil {
		_, t.user = src.(*UserSource)
	}
	err := handle(ctx, b.h, &t.in, &t.responder)
	return t.finish(err)
}

// turn is one event's Incoming and Responder, allocated together.
type turn struct {
	in message.Incoming
	responder
	cfg botConfig // a multi-bot handler's, with the bot's client
}

// handle calls h, turning a panic into an error wrapping
// webhookio.ErrPanic.
func handle(ctx context.Context, h message.Handler, in *message.Incoming, r message.Responder) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("line: %w: %v", webhookio.ErrPanic, p)
		}
	}()
	return h.Handle(ctx, in, r)
}
