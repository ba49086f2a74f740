package naverworks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// BotHandler is the http.Handler of a bot's Callback URL that answers with
// a neutral [message.Handler]. Create it with [NewBotHandler]. It prints
// (every fmt verb, slog) as naverworks.BotHandler{Secrets:
// signature.SecretSet{Len:1}, BotID:"…"}, never a secret.
type BotHandler struct {
	wh *WebhookHandler
	h  message.Handler
}

// NewBotHandler returns a handler that verifies and decodes each callback
// as [NewWebhookHandler] does (same statuses, budget, work timeout,
// in-flight cap, logger and error handler), turns the event into a
// [message.Incoming] with [ToIncoming] and calls h with a
// [message.Responder] that answers through the [Client] of [WithClient],
// which is required.
//
// The Responder sends each rendered [Content] (see [Render] and
// [WithRenderOptions]) as one message, in order, to the room the event
// came from, or else to its user. Typing returns an error wrapping
// errors.ErrUnsupported, PassToHuman and TakeBack one wrapping
// [message.ErrNoHandover]: NAVER WORKS has neither.
//
// h's error, and every Reply error that h did not return (a message not
// sent, content that could not be rendered), go to [WithErrorHandler]
// wrapping [ErrCallback]; within the budget the callback is then answered
// 500 (NAVER WORKS never resends it).
//
// The Responder is valid until h returns. A later Reply sends nothing,
// reports every content as a [message.Dropped] loss and returns an error
// wrapping [message.ErrResponderDone]; Typing, PassToHuman and TakeBack
// return such an error too. Only the caller sees these errors, not the
// error handler.
func NewBotHandler(secrets signature.SecretSet, h message.Handler, opts ...HandlerOption) (*BotHandler, error) {
	if h == nil {
		return nil, argError("NewBotHandler", "h", "nil")
	}
	b := &BotHandler{h: h}
	wh, err := newWebhookHandler("NewBotHandler", secrets, b.handle, opts)
	if err != nil {
		return nil, err
	}
	if wh.cfg.client == nil {
		return nil, argError("NewBotHandler", "opts", "no WithClient: the bot replies through the API")
	}
	b.wh = wh
	return b, nil
}

// WithClient sets the client a [BotHandler] replies through (required by
// [NewBotHandler]; nil is an error).
func WithClient(cl *Client) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if cl == nil {
			return argError("WithClient", "cl", "nil")
		}
		c.client = cl
		c.setBotOnly("WithClient")
		return nil
	})
}

// WithRenderOptions sets how a [BotHandler]'s Responder renders (default:
// best effort, reporting losses).
func WithRenderOptions(o message.RenderOptions) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		c.render = o
		c.setBotOnly("WithRenderOptions")
		return nil
	})
}

func (c *handlerConfig) setBotOnly(name string) {
	if c.botOnly == "" {
		c.botOnly = name
	}
}

func (b *BotHandler) form() redact.Form {
	wh := b.wh
	if wh == nil { // a zero BotHandler
		wh = &WebhookHandler{}
	}
	f := wh.form()
	f.Type = "naverworks.BotHandler"
	return f
}

// Format writes how many secrets the handler holds and its bot ID, for
// every verb.
func (b *BotHandler) Format(f fmt.State, verb rune) { b.form().Format(f, verb) }

// LogValue logs how many secrets the handler holds and its bot ID.
func (b *BotHandler) LogValue() slog.Value { return b.form().LogValue() }

// ServeHTTP implements http.Handler.
func (b *BotHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { b.wh.ServeHTTP(w, r) }

// Wait blocks until every handler call the BotHandler started has
// returned, or ctx is done. Call it after the HTTP server has stopped
// accepting requests (http.Server.Shutdown).
func (b *BotHandler) Wait(ctx context.Context) error { return b.wh.Wait(ctx) }

// setClock replaces the runner's clock, for tests (export_test.go).
func (b *BotHandler) setClock(c webhookio.Clock) { b.wh.setClock(c) }

// turn is one event on its way through the handler: the Incoming and the
// Responder, in one allocation.
type turn struct {
	in message.Incoming
	responder
}

// handle is the [HandlerFunc] of the underlying WebhookHandler.
func (b *BotHandler) handle(ctx context.Context, ev Event) error {
	in, ok := ToIncoming(ev)
	if !ok {
		return nil
	}
	client := b.wh.cfg.client
	if b.wh.bots != nil {
		bot, ok := BotFromContext(ctx) // resolved, with its Client checked
		if !ok {
			return errNilBot
		}
		client, in.BotID = bot.Client, bot.ID
	}
	t := &turn{in: in}
	t.responder = responder{client: client, opts: b.wh.cfg.render}
	t.channel, t.user = ev.EventSource().ReplyTarget()
	herr := b.h.Handle(ctx, &t.in, &t.responder)
	return t.finish(herr)
}

// responder is the NAVER WORKS [message.Responder]: one send per rendered
// message, to the event's room or else its user.
type responder struct {
	client        *Client
	opts          message.RenderOptions
	channel, user string

	// mu guards the rest: a call after the handler returned may race
	// finish.
	mu     sync.Mutex
	path   string // the send URL, built on first use
	failed []error
	done   bool // the handler returned
}

var (
	errTyping   = fmt.Errorf("naverworks: typing indicator: %w", errors.ErrUnsupported)
	errHandover = fmt.Errorf("naverworks: %w", message.ErrNoHandover)
	errDone     = fmt.Errorf("naverworks: %w", message.ErrResponderDone)
)

// Typing returns an error wrapping errors.ErrUnsupported: NAVER WORKS has
// no typing indicator.
func (r *responder) Typing(context.Context) error { return r.unsupported(errTyping) }

// PassToHuman returns an error wrapping [message.ErrNoHandover].
func (r *responder) PassToHuman(context.Context) error { return r.unsupported(errHandover) }

// TakeBack returns an error wrapping [message.ErrNoHandover].
func (r *responder) TakeBack(context.Context) error { return r.unsupported(errHandover) }

// unsupported returns err, or one wrapping [message.ErrResponderDone] once
// the handler returned.
func (r *responder) unsupported(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return errDone
	}
	return err
}

// Capabilities returns the package's [Capabilities].
func (r *responder) Capabilities() message.Capabilities { return Capabilities }

// RenderOptions returns the options of [WithRenderOptions].
func (r *responder) RenderOptions() message.RenderOptions { return r.opts }

// ReplyError is the error of a Reply that did not deliver everything.
// A content that fails to render (strict [message.RenderOptions]
// refusing a loss included) is not sent, nor is any content after it in
// the same Reply; the contents before it are. Once a send fails, the
// messages after it in the same Reply are not sent either, so that the
// room never shows a later part without an earlier one. Every
// content not delivered, wholly or in part, is a Dropped loss in the
// Reply's report at its index ("[1]").
type ReplyError struct {
	// Undelivered is how many messages were not sent; a content that did
	// not render, or was held back unrendered after one, counts as one.
	Undelivered int
	// Errs are the render and send failures, in order.
	Errs []error
}

// Error says how many contents were not delivered, and why.
func (e *ReplyError) Error() string {
	s := "naverworks: reply: " + strconv.Itoa(e.Undelivered) + " message"
	if e.Undelivered != 1 {
		s += "s"
	}
	s += " not delivered"
	if len(e.Errs) > 0 {
		s += ": " + e.Errs[0].Error()
		if len(e.Errs) > 1 {
			s += " (and " + strconv.Itoa(len(e.Errs)-1) + " more)"
		}
	}
	return s
}

// Unwrap returns Errs, for errors.Is and errors.As (an [*APIError], a
// [*message.LossyError], errors.ErrUnsupported).
func (e *ReplyError) Unwrap() []error { return e.Errs }

// Reply renders each content with [Render] and sends the messages in
// order. See [ReplyError] for what happens when one fails. After the
// handler returned it sends nothing: every content is a Dropped loss and
// the error wraps [message.ErrResponderDone], for the caller only.
func (r *responder) Reply(ctx context.Context, contents ...message.Content) (message.Report, error) {
	var rep message.Report
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		for i := range contents {
			rep.Add(index(i), message.Dropped, "not delivered: the handler had returned")
		}
		return rep, errDone
	}
	if len(contents) == 0 {
		return rep, nil
	}
	var (
		buf      [4][]Content
		rendered = buf[:0]
		// What becomes the ReplyError; a value here would escape.
		undelivered int
		errs        []error
	)
	for i, c := range contents {
		msgs, crep, err := Render(c, r.opts)
		if err != nil {
			rep.Addf(index(i), message.Dropped, "did not render: %s", renderFailure(err))
			errs = append(errs, fmt.Errorf("naverworks: reply: content %d: %w", i, err))
			for k := i + 1; k < len(contents); k++ {
				rep.Add(index(k), message.Dropped, "held back: an earlier content did not render")
			}
			undelivered += len(contents) - i
			break
		}
		if len(crep.Losses) > 0 {
			rep.Merge(index(i), crep)
		}
		rendered = append(rendered, msgs)
	}
	stopped := false
	for i, msgs := range rendered {
		if stopped {
			if msgs != nil {
				rep.Add(index(i), message.Dropped, "not sent: an earlier message of the reply failed")
				undelivered += len(msgs)
			}
			continue
		}
		for j, m := range msgs {
			if _, err := r.send(ctx, m); err != nil {
				rep.Addf(index(i), message.Dropped, "message %d of %d not sent: %s", j+1, len(msgs), sendFailure(err))
				undelivered += len(msgs) - j
				errs = append(errs, fmt.Errorf("naverworks: reply: content %d: %w", i, err))
				stopped = true
				break
			}
		}
	}
	if errs == nil {
		return rep, nil
	}
	return r.failure(rep, undelivered, errs)
}

// failure returns a Reply's error, and keeps it for the handler's error
// report.
func (r *responder) failure(rep message.Report, undelivered int, errs []error) (message.Report, error) {
	err := &ReplyError{Undelivered: undelivered, Errs: errs}
	r.failed = append(r.failed, err)
	return rep, err
}

// send sends one message to the event's room, or else to its user.
func (r *responder) send(ctx context.Context, m Content) (*Result, error) {
	if r.path == "" {
		switch {
		case r.channel != "":
			r.path = r.client.botPath("channels", r.channel, "messages")
		case r.user != "":
			r.path = r.client.botPath("users", r.user, "messages")
		default:
			return nil, argError("Responder.Reply", "event", "has neither a channel nor a user")
		}
	}
	return r.client.send(ctx, "Responder.Reply", r.path, m)
}

// finish ends the Responder's validity, after a Reply in progress, and
// joins herr with the Reply errors it does not already hold, so that no
// failed delivery goes unreported.
func (r *responder) finish(herr error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done = true
	if len(r.failed) == 0 {
		return herr
	}
	errs := []error{herr}
	for _, f := range r.failed {
		if herr == nil || !errors.Is(herr, f) {
			errs = append(errs, f)
		}
	}
	return errors.Join(errs...)
}

func index(i int) string { return "[" + strconv.Itoa(i) + "]" }

// renderFailure says why Render refused a content, without its text.
func renderFailure(err error) string {
	var le *message.LossyError
	switch {
	case errors.As(err, &le):
		return "strict rendering refused: " + le.Report.String()
	case errors.Is(err, errors.ErrUnsupported):
		return "NAVER WORKS cannot show it"
	}
	return "invalid content"
}

// sendFailure says why a send failed: the API's status and code, or the
// kind of failure.
func sendFailure(err error) string {
	var ae *APIError
	switch {
	case errors.As(err, &ae):
		s := "HTTP " + strconv.Itoa(ae.StatusCode)
		if ae.Code != "" {
			s += " " + ae.Code
		}
		return s
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "the handler's context ended"
	case errors.Is(err, ErrInvalid):
		return "refused before sending"
	}
	return "network error"
}
