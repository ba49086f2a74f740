package talktalk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
)

// BotHandler is the http.Handler that answers TalkTalk's webhook with a
// platform-neutral [message.Handler]. Create it with [NewBotHandler].
//
// A BotHandler prints like a [WebhookHandler], as
// talktalk.BotHandler{PathToken:"[REDACTED]", …}: never a token.
type BotHandler struct {
	wh *WebhookHandler
	h  message.Handler
}

// NewBotHandler returns a handler that does what [NewWebhookHandler]'s
// does (the same checks, status codes, budget, cap and options), turns
// each event into a [message.Incoming] with [ToIncoming] and calls h with
// a [message.Responder] for TalkTalk's reply model:
//
//   - The first message h replies within the budget goes in the webhook
//     response. It is written when h returns, or at the budget, or —
//     flushed, with Connection: close, since h goes on inside the
//     request — before anything h sends after it, so that TalkTalk has
//     it first. If the response cannot carry it then, it goes through
//     the send API.
//   - Every later message, every message after the budget, and the
//     replies to a pay_complete (whose status approves the payment) or a
//     leave (whose response TalkTalk ignores) go through the send API
//     with the [WithClient] client. Without one they are not delivered:
//     Reply returns an error and a Dropped loss.
//   - Typing shows the typing indicator, PassToHuman and TakeBack pass
//     and take the thread ([Client.PassThread], [Client.TakeThread]),
//     all through the WithClient client.
//   - The Responder is h's for the call only: once h has returned, every
//     call delivers nothing and fails with an error wrapping
//     [message.ErrResponderDone] (Reply reports each content Dropped).
//
// Events ToIncoming does not map (echoes, outbound-only events) are
// answered 200 without calling h; a user's message while a human agent
// holds the thread is passed to h with Incoming.Standby set (a
// message.Router skips it). h's error is answered 500 when nothing was
// written yet (a pay_complete declined with [ErrDecline], 422) and
// reported wrapping [ErrCallback]; a message Reply could not render or
// deliver is reported too, once, unless h returned Reply's error, which is
// then in h's. Options [WithClient] and [WithRenderOptions] are for
// NewBotHandler only.
func NewBotHandler(h message.Handler, opts ...HandlerOption) (*BotHandler, error) {
	if h == nil {
		return nil, invalid.Arg(pkg, "NewBotHandler", "h", "nil")
	}
	wh, err := newWebhookHandler("NewBotHandler", opts)
	if err != nil {
		return nil, err
	}
	if err := wh.cfg.singleOnly("NewBotHandler"); err != nil {
		return nil, err
	}
	return &BotHandler{wh: wh, h: h}, nil
}

// Format writes which tokens the handler checks, for every verb.
func (b *BotHandler) Format(f fmt.State, verb rune) { b.form().Format(f, verb) }

// LogValue logs which tokens the handler checks.
func (b *BotHandler) LogValue() slog.Value { return b.form().LogValue() }

func (b *BotHandler) form() redact.Form {
	wh := b.wh
	if wh == nil { // a zero BotHandler
		wh = &WebhookHandler{}
	}
	f := wh.form()
	f.Type = "talktalk.BotHandler"
	return f
}

// Wait blocks until every handler call still running in the background
// has returned, or ctx is done. Call it after http.Server.Shutdown.
func (b *BotHandler) Wait(ctx context.Context) error { return b.wh.Wait(ctx) }

// ServeHTTP implements http.Handler.
func (b *BotHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev, bot := b.wh.accept(w, r)
	if ev == nil {
		return
	}
	in, ok := ToIncoming(ev)
	if !ok && !in.Standby {
		w.WriteHeader(http.StatusOK)
		return
	}
	c := botCalls.Get().(*botCall)
	_, pay := ev.(*PayCompleteEvent)
	_, leave := ev.(*LeaveEvent)
	c.b, c.r, c.w, c.ev, c.in, c.bot, c.cl = b, r, w, ev, &in, bot, b.wh.cfg.client
	if bot != nil {
		in.BotID, c.cl = bot.ID, bot.Client
	}
	c.pay, c.inline, c.state = pay, !pay && !leave, statePending
	if bot != nil {
		c.job.Key, c.job.Value = botKey{}, bot
	}
	// The runner gives c back to the pool (c.free) when it is done with
	// it, before Run returns (the function runs on the request's
	// goroutine).
	if err := webhookio.Run(b.wh.rn, w, r, &c.job); err != nil {
		b.wh.rp.Fail(w, r, fmt.Errorf("talktalk: %s: %w", eventName(ev), err))
	}
}

// The webhook response's states.
const (
	statePending = iota // nothing written yet
	stateHeld           // a reply message is held for the response
	stateWritten        // the response is written: the held reply, or the acknowledgement
)

// botCall is one event on its way through the runner. Calls are reused
// like [call]s; the handler gets a [responder] of its own.
type botCall struct {
	b      *BotHandler
	r      *http.Request
	w      http.ResponseWriter
	ev     Event
	in     *message.Incoming
	bot    *Bot    // the resolved bot of a multi-bot handler
	cl     *Client // the client this call sends through: the bot's, or WithClient's
	pay    bool
	inline bool // a reply message may go in the webhook response
	// ctx is run's: a held reply the response could not carry is sent
	// with it when the handler returns.
	ctx context.Context
	job webhookio.Job[struct{}]

	// mu orders the responder's use of the response against the
	// budget's acknowledgement, which runs on the timer's goroutine, and
	// against the handler's return.
	mu sync.Mutex
	// gen counts the handler calls the botCall has served: a responder
	// acts only while gen is still the one it was made with.
	gen   uint64
	state int
	held  *SendEvent // the reply held for the response, and its encoding
	body  []byte
	// unsent is the held reply when the response could not carry it (werr
	// says why): it goes through the send API before anything the handler
	// sends after it, or when the handler returns.
	unsent *SendEvent
	werr   error
	// errs are Reply's errors and the undelivered held reply's, reported
	// when the handler has returned.
	errs []error
}

var botCalls sync.Pool // of *botCall; its New is set in init, since free puts back into it

func init() {
	botCalls.New = func() any {
		c := new(botCall)
		c.job = webhookio.Job[struct{}]{Run: c.run, Answer: c.answer, Ack: c.ack, Late: c.late, Done: c.free}
		return c
	}
}

// free drops the request's references and puts c back in the pool, once
// the runner is done with it.
func (c *botCall) free() {
	c.mu.Lock()
	clear(c.errs)
	c.b, c.r, c.w, c.ev, c.in, c.ctx, c.errs = nil, nil, nil, nil, nil, nil, c.errs[:0]
	c.bot, c.cl, c.job.Key, c.job.Value = nil, nil, nil, nil
	c.held, c.body, c.unsent, c.werr = nil, c.body[:0], nil, nil
	if cap(c.body) > 64<<10 {
		c.body = nil
	}
	c.mu.Unlock()
	botCalls.Put(c)
}

// responder is the [message.Responder] of one handler call. It is made
// for that call and never reused, and it holds what it needs outside
// c.mu itself: a Responder kept after the handler returned reaches
// neither this request nor a later one that reuses c, since every use of
// c checks, under c.mu, that gen has not moved on.
type responder struct {
	c    *botCall
	gen  uint64
	b    *BotHandler
	cl   *Client
	user string
}

var _ message.Responder = (*responder)(nil)

// errResponderDone is the error of every responder call made after its
// handler returned.
var errResponderDone = fmt.Errorf("talktalk: %w", message.ErrResponderDone)

func (c *botCall) run(ctx context.Context) (struct{}, error) {
	rs := &responder{c: c, gen: c.gen, b: c.b, cl: c.cl, user: c.ev.UserID()}
	defer c.retire()
	c.ctx = ctx
	if c.pay {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.b.wh.cfg.budget)
		defer cancel()
	}
	return struct{}{}, c.b.h.Handle(ctx, c.in, rs)
}

// retire ends the responder of the handler that returned (or panicked).
func (c *botCall) retire() {
	c.mu.Lock()
	c.gen++
	c.mu.Unlock()
}

// lock locks c.mu if r's handler has not returned, and reports whether
// it did.
func (r *responder) lock() bool {
	r.c.mu.Lock()
	if r.c.gen != r.gen {
		r.c.mu.Unlock()
		return false
	}
	return true
}

// live reports whether r's handler has not returned yet.
func (r *responder) live() error {
	if !r.lock() {
		return errResponderDone
	}
	r.c.mu.Unlock()
	return nil
}

// keep keeps a Reply error for the handler's error report.
func (r *responder) keep(err error) {
	if r.lock() {
		r.c.errs = append(r.c.errs, err)
		r.c.mu.Unlock()
	}
}

// ack answers at the budget: with the held reply if there is one, else
// with the empty acknowledgement, under c.mu, as every other write of the
// call does. The runner asks to close the connection and flushes what it
// wrote; the handler goes on on the request's goroutine.
func (c *botCall) ack(w http.ResponseWriter) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	switch {
	case c.state == stateHeld:
		c.writeHeldOrKeep(w)
	case c.state == stateWritten:
	case c.pay:
		err = ackPayment(w)
	default:
		err = ack(w)
	}
	c.state = stateWritten
	return err
}

// answer ends a handler that returned within the budget: the held reply,
// or the status for the handler's error.
func (c *botCall) answer(w http.ResponseWriter, _ struct{}, err error) {
	c.mu.Lock()
	switch {
	case c.state == stateHeld:
		c.writeHeldOrKeep(w)
	case c.state == stateWritten:
	case err == nil:
		w.WriteHeader(http.StatusOK)
	case c.pay && errors.Is(err, ErrDecline):
		w.WriteHeader(StatusDeclined)
	default:
		w.WriteHeader(http.StatusInternalServerError)
	}
	c.state = stateWritten
	c.mu.Unlock()
	c.sendUnsent(c.ctx)
	c.finish(err, false)
}

// writeHeld writes the held reply as a complete response.
func (c *botCall) writeHeld(w http.ResponseWriter) error {
	hd := w.Header()
	hd["Content-Length"] = []string{strconv.Itoa(len(c.body))}
	hd["Content-Type"] = jsonContentType
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(c.body); err != nil {
		return fmt.Errorf("talktalk: reply not delivered: writing the webhook response: %w", err)
	}
	return nil
}

// writeHeldOrKeep writes the held reply at the budget or when the
// handler returns; one the response cannot carry is kept unsent. Call it
// with c.mu held.
func (c *botCall) writeHeldOrKeep(w http.ResponseWriter) {
	if err := c.writeHeld(w); err != nil {
		c.unsent, c.werr = c.held, err
	}
}

// takeUnsent returns the held reply the response could not carry, and
// why, once. Call it with c.mu held.
func (c *botCall) takeUnsent() (*SendEvent, error) {
	ev, err := c.unsent, c.werr
	c.unsent, c.werr = nil, nil
	return ev, err
}

// sendUnsent sends, now that the handler has returned, the held reply
// the response could not carry, if the handler sent nothing after it; a
// failure is reported.
func (c *botCall) sendUnsent(ctx context.Context) {
	c.mu.Lock()
	ev, werr := c.takeUnsent()
	c.mu.Unlock()
	if ev == nil {
		return
	}
	if err := resend(ctx, c.cl, c.ev.UserID(), ev, werr); err != nil {
		c.mu.Lock()
		c.errs = append(c.errs, err)
		c.mu.Unlock()
	}
}

func (c *botCall) late(ctx context.Context, _ struct{}, err error) {
	c.sendUnsent(ctx)
	c.finish(err, true)
}

// finish reports the handler's error and every Reply error it did not
// return.
func (c *botCall) finish(err error, late bool) {
	if err != nil && c.pay && errors.Is(err, ErrDecline) {
		err = nil
	}
	c.mu.Lock()
	errs := c.errs
	c.mu.Unlock()
	switch {
	case err == nil:
	case late:
		c.b.wh.rp.Report(c.r, &LateError{Event: c.ev, Err: err})
	default:
		c.b.wh.rp.Report(c.r, fmt.Errorf("talktalk: %s: %w: %w", eventName(c.ev), ErrCallback, err))
	}
	for _, e := range errs {
		if err == nil || !errors.Is(err, e) {
			if late {
				c.b.wh.rp.Report(c.r, fmt.Errorf("talktalk: %s: %w: %w: reply not delivered: %w", eventName(c.ev), ErrLate, ErrCallback, e))
				continue
			}
			c.b.wh.rp.Report(c.r, fmt.Errorf("talktalk: %s: %w: reply not delivered: %w", eventName(c.ev), ErrCallback, e))
		}
	}
}

// errNoClient is the error of a message that does not fit in the webhook
// response when there is no client to send it.
var errNoClient = errors.New("talktalk: only one message goes in the webhook response, and there is no WithClient client to send the rest")

// Reply implements [message.Responder]: each content rendered with
// [Render], in order, the first in the webhook response while it is free,
// the rest through the send API. After a content fails to be rendered
// (strict rendering refusing a loss included) or a message fails to be
// delivered, the rest are not sent (Dropped), so that the user never sees
// a gap.
//
// After the handler has returned, nothing is sent: every content is a
// Dropped loss and the error wraps [message.ErrResponderDone].
func (r *responder) Reply(ctx context.Context, contents ...message.Content) (message.Report, error) {
	var rep message.Report
	if err := r.live(); err != nil {
		for i := range contents {
			rep.Add(at(i), message.Dropped, "not sent: the handler had returned")
		}
		return rep, err
	}
	var errs []error
	held := "" // why the rest is held back, once something failed
	for i, content := range contents {
		if held != "" {
			rep.Add(at(i), message.Dropped, held)
			errs = append(errs, fmt.Errorf("talktalk: reply %s not sent: %s", at(i), held))
			continue
		}
		evs, crep, err := Render(content, r.b.wh.cfg.render)
		if err != nil {
			rep.Add(at(i), message.Dropped, "did not render: "+err.Error())
			errs = append(errs, fmt.Errorf("talktalk: reply %s: %w", at(i), err))
			held = "held back: an earlier content did not render"
			continue
		}
		if !crep.Lossless() {
			rep.Merge(at(i), crep)
		}
		for _, ev := range evs {
			if err := r.deliver(ctx, ev); err != nil {
				rep.Add(at(i), message.Dropped, "not delivered")
				errs = append(errs, fmt.Errorf("talktalk: reply %s not delivered: %w", at(i), err))
				held = "not sent: an earlier message was not delivered"
				break
			}
		}
	}
	var err error
	switch len(errs) {
	case 0:
		return rep, nil
	case 1:
		err = errs[0]
	default:
		err = errors.Join(errs...)
	}
	r.keep(err)
	return rep, err
}

// jsonContentType is the response's Content-Type, one shared value:
// nothing in net/http modifies it.
var jsonContentType = []string{"application/json;charset=UTF-8"}

var connectionClose = []string{"close"}

// appendEvent appends ev's encoding to dst.
func appendEvent(dst []byte, ev *SendEvent) ([]byte, error) {
	if b, ok := appendFast(dst, ev); ok {
		return b, nil
	}
	return encodeEvent(ev)
}

// at is the loss path of Reply's content i: "[i]".
func at(i int) string { return "[" + strconv.Itoa(i) + "]" }

// deliver sends one rendered message: held for the webhook response if
// that is still free, else through the client after the held one.
func (r *responder) deliver(ctx context.Context, ev *SendEvent) error {
	if r.hold(ev) {
		return nil
	}
	if err := r.release(ctx); err != nil {
		return err
	}
	return r.send(ctx, ev)
}

func (r *responder) send(ctx context.Context, ev *SendEvent) error {
	return sendTo(ctx, r.cl, r.user, ev)
}

// sendTo sends ev to user through cl.
func sendTo(ctx context.Context, cl *Client, user string, ev *SendEvent) error {
	if cl == nil {
		return errNoClient
	}
	ev.User = user
	_, err := cl.Send(ctx, ev)
	return err
}

// resend sends ev, a held reply the webhook response could not carry
// (werr), through cl instead.
func resend(ctx context.Context, cl *Client, user string, ev *SendEvent, werr error) error {
	if cl == nil {
		return fmt.Errorf("%w, and there is no WithClient client to send it instead", werr)
	}
	if err := sendTo(ctx, cl, user, ev); err != nil {
		return fmt.Errorf("%w; then through the send API: %w", werr, err)
	}
	return nil
}

// hold keeps ev (validated by Render) for the webhook response, if
// nothing was written yet and TalkTalk is still waiting. It is written
// when the handler returns, at the budget, or before anything the handler
// sends after it, whichever comes first.
func (r *responder) hold(ev *SendEvent) bool {
	if !r.lock() {
		return false
	}
	c := r.c
	defer c.mu.Unlock()
	if !c.inline || c.state != statePending || c.r.Context().Err() != nil {
		return false
	}
	body, err := appendEvent(c.body[:0], ev)
	if err != nil {
		return false
	}
	c.held, c.body, c.state = ev, body, stateHeld
	return true
}

// release writes and flushes the held reply before the handler sends
// anything else, so that TalkTalk has it first; it closes the connection,
// since the handler goes on inside this request. A reply the response
// could not carry (now, or at the budget) is sent through the client
// instead. After the handler has returned it does nothing and returns
// errResponderDone.
func (r *responder) release(ctx context.Context) error {
	if !r.lock() {
		return errResponderDone
	}
	c := r.c
	if ev, werr := c.takeUnsent(); ev != nil {
		c.mu.Unlock()
		return resend(ctx, r.cl, r.user, ev, werr)
	}
	if c.state != stateHeld {
		c.mu.Unlock()
		return nil
	}
	c.state = stateWritten
	c.w.Header()["Connection"] = connectionClose
	err := c.writeHeld(c.w)
	if err == nil {
		if ferr := http.NewResponseController(c.w).Flush(); ferr != nil {
			c.b.wh.rp.Report(c.r, fmt.Errorf("talktalk: reply not flushed (a buffering middleware or http.TimeoutHandler in front of the handler?); later messages may reach the user first: %w", ferr))
		}
		c.mu.Unlock()
		return nil
	}
	held := c.held
	c.mu.Unlock()
	return resend(ctx, r.cl, r.user, held, err)
}

// Typing implements [message.Responder] with [Client.Typing] through the
// WithClient client; without one it returns an error wrapping
// errors.ErrUnsupported.
func (r *responder) Typing(ctx context.Context) error {
	if err := r.live(); err != nil {
		return err
	}
	cl := r.cl
	if cl == nil {
		return fmt.Errorf("talktalk: typing needs a WithClient client: %w", errors.ErrUnsupported)
	}
	if err := r.release(ctx); err != nil {
		return err
	}
	_, err := cl.Typing(ctx, r.user, true)
	return err
}

// PassToHuman implements [message.Responder] with [Client.PassThread]
// through the WithClient client; without one it returns an error wrapping
// [message.ErrNoHandover].
func (r *responder) PassToHuman(ctx context.Context) error {
	if err := r.live(); err != nil {
		return err
	}
	cl := r.cl
	if cl == nil {
		return fmt.Errorf("talktalk: hand-over needs a WithClient client: %w", message.ErrNoHandover)
	}
	if err := r.release(ctx); err != nil {
		return err
	}
	_, err := cl.PassThread(ctx, r.user)
	return err
}

// TakeBack implements [message.Responder] with [Client.TakeThread], like
// PassToHuman.
func (r *responder) TakeBack(ctx context.Context) error {
	if err := r.live(); err != nil {
		return err
	}
	cl := r.cl
	if cl == nil {
		return fmt.Errorf("talktalk: hand-over needs a WithClient client: %w", message.ErrNoHandover)
	}
	if err := r.release(ctx); err != nil {
		return err
	}
	_, err := cl.TakeThread(ctx, r.user)
	return err
}

// Capabilities implements [message.Responder]: [Capabilities].
func (r *responder) Capabilities() message.Capabilities { return Capabilities }

// RenderOptions implements [message.Responder]: the [WithRenderOptions]
// options.
func (r *responder) RenderOptions() message.RenderOptions { return r.b.wh.cfg.render }
