package talktalk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/signature"
)

// TalkTalk has no Parse: it signs nothing, so there is nothing to verify in
// a body's bytes. Its defences (the source address, a path or header
// token) need the request: [ParseRequest] checks the address, and
// [WebhookHandler] checks all of them.

// Decode decodes one webhook body (or any TalkTalk event JSON) whose
// sender has already been checked. An event this package does not know
// becomes an *UnknownEvent holding the exact bytes. Unknown fields are
// ignored. A body that is not a JSON object with a string "event" field is
// an error wrapping [ErrMalformed]; the error never quotes the body.
func Decode(body []byte) (Event, error) { return decodeEvent(body) }

// defaultAllowList is the list [ParseRequest] checks when given none.
var defaultAllowList = sync.OnceValues(func() (*signature.AllowList, error) { return signature.NewTalkTalkAllowList() })

// ParseRequest checks that r comes from an address on allow (nil: the
// published TalkTalk ranges, [signature.NewTalkTalkAllowList]), reads its
// body (at most [DefaultMaxBodyBytes]) and decodes it with [Decode]. A
// sender outside the list is an error wrapping [signature.ErrForbidden],
// found before the body is read. A method other than POST is an error, as
// in every package's ParseRequest. It does not check path and header
// tokens: [WebhookHandler] does.
func ParseRequest(allow *signature.AllowList, r *http.Request) (Event, error) {
	if r == nil {
		return nil, invalid.Arg(pkg, "ParseRequest", "r", "nil request")
	}
	if err := webhookio.CheckMethod(r); err != nil {
		return nil, fmt.Errorf("talktalk: %w", err)
	}
	if allow == nil {
		a, err := defaultAllowList()
		if err != nil {
			return nil, fmt.Errorf("talktalk: %w", err)
		}
		allow = a
	}
	if err := allow.Check(r); err != nil {
		return nil, fmt.Errorf("talktalk: %w", err)
	}
	body, err := webhookio.ReadRequest(r, DefaultMaxBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("talktalk: reading body: %w", err)
	}
	return Decode(body)
}

// HandlerFunc handles one webhook event. It may return a reply event
// (typically a *SendEvent or an *ActionEvent, without User) that the
// handler writes as the synchronous webhook response, or nil and send
// later with a [Client]. ctx is detached from the request: it is not
// cancelled when TalkTalk hangs up, only when the work timeout expires
// (see [WithWorkTimeout]; for a pay_complete, at the budget).
type HandlerFunc func(ctx context.Context, ev Event) (reply Event, err error)

// StatusDeclined is the status a pay_complete webhook is answered with
// when the function returns [ErrDecline].
const StatusDeclined = http.StatusUnprocessableEntity

// WebhookHandler is the http.Handler for TalkTalk's webhook. Mount it on
// the URL registered in Partner Center.
//
// A WebhookHandler prints (every fmt verb, slog) as
// talktalk.WebhookHandler{PathToken:"[REDACTED]", HeaderName:"…", HeaderToken:""}:
// whether each token is set, never the token.
type WebhookHandler struct {
	fn    HandlerFunc
	cfg   handlerConfig
	rp    webhookio.Reporter
	rn    *webhookio.Runner
	multi *multiBots // nil: a single-bot handler
}

func (h *WebhookHandler) form() redact.Form {
	set := func(tokens signature.SecretSet) string {
		if tokens.Len() == 0 {
			return ""
		}
		return redact.Placeholder
	}
	return redact.Form{Type: "talktalk.WebhookHandler", Fields: []redact.Field{
		{Name: "PathToken", Value: set(h.cfg.pathTokens)},
		{Name: "HeaderName", Value: h.cfg.headerName},
		{Name: "HeaderToken", Value: set(h.cfg.headerTokens)},
	}}
}

// Format writes which tokens the handler checks, for every verb.
func (h *WebhookHandler) Format(f fmt.State, verb rune) { h.form().Format(f, verb) }

// LogValue logs which tokens the handler checks.
func (h *WebhookHandler) LogValue() slog.Value { return h.form().LogValue() }

// NewWebhookHandler returns a handler that checks where each request comes
// from, decodes the event and calls fn within the budget. Status codes:
// 405 not POST, 403 outside the allow-list or without the token, 413 body
// too long, 400 not a TalkTalk event, 500 fn failed or panicked or returned
// an invalid reply, 503 no free slot under [WithMaxInFlight] before
// TalkTalk hung up, 422 a declined pay_complete, 503 a pay_complete whose
// function missed the budget, 200 otherwise.
func NewWebhookHandler(fn HandlerFunc, opts ...HandlerOption) (*WebhookHandler, error) {
	if fn == nil {
		return nil, invalid.Arg(pkg, "NewWebhookHandler", "fn", "nil")
	}
	h, err := newWebhookHandler("NewWebhookHandler", opts)
	if err != nil {
		return nil, err
	}
	if h.cfg.botOnly != "" {
		return nil, invalid.Arg(pkg, "NewWebhookHandler", h.cfg.botOnly, "a NewBotHandler option")
	}
	if err := h.cfg.singleOnly("NewWebhookHandler"); err != nil {
		return nil, err
	}
	h.fn = fn
	return h, nil
}

// newWebhookHandler applies opts for constructor fn and returns a handler
// without a function: the machinery NewWebhookHandler and NewBotHandler
// share.
func newWebhookHandler(fn string, opts []HandlerOption) (*WebhookHandler, error) {
	cfg := handlerConfig{
		maxBody:     DefaultMaxBodyBytes,
		budget:      DefaultBudget,
		workTimeout: DefaultWorkTimeout,
		logger:      slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		if o == nil {
			return nil, invalid.Arg(pkg, fn, "opts", "nil option")
		}
		if err := o.applyHandler(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.allow == nil {
		a, err := defaultAllowList()
		if err != nil {
			return nil, fmt.Errorf("talktalk: %w", err)
		}
		cfg.allow = a
	}
	if cfg.workTimeout < cfg.budget {
		return nil, invalid.Arg(pkg, fn, "WithWorkTimeout", "shorter than the budget")
	}
	h := &WebhookHandler{cfg: cfg, rp: webhookio.Reporter{Pkg: pkg, Logger: cfg.logger, OnError: cfg.onErr}}
	h.rn = h.newRunner(nil)
	return h, nil
}

// newRunner returns the handler's runner on clock (nil: the wall clock).
func (h *WebhookHandler) newRunner(clock webhookio.Clock) *webhookio.Runner {
	return webhookio.NewRunner(webhookio.RunnerConfig{
		Budget:      h.cfg.budget,
		WorkTimeout: h.cfg.workTimeout,
		MaxInFlight: h.cfg.maxInFlight,
		Clock:       clock,
		OnError:     h.rp.Report,
	})
}

// Wait blocks until every function still running in the background has
// returned (late replies sent), or ctx is done. Call it after
// http.Server.Shutdown.
func (h *WebhookHandler) Wait(ctx context.Context) error { return h.rn.Wait(ctx) }

// ServeHTTP implements http.Handler.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev, bot := h.accept(w, r)
	if ev == nil {
		return
	}
	c := calls.Get().(*call)
	c.h, c.r, c.ev, c.bot, c.pay, c.job.Ack = h, r, ev, bot, false, ack
	if _, pay := ev.(*PayCompleteEvent); pay {
		c.pay, c.job.Ack = true, ackPayment
	}
	if bot != nil {
		c.job.Key, c.job.Value = botKey{}, bot
	}
	// The runner gives c back to the pool (c.free) when it is done with
	// it, before Run returns (the function runs on the request's
	// goroutine).
	if err := webhookio.Run(h.rn, w, r, &c.job); err != nil {
		h.rp.Fail(w, r, fmt.Errorf("talktalk: %s: %w", eventName(ev), err))
	}
}

// accept checks r, reads its body and decodes the event; a multi-bot
// handler also returns the bot r was resolved to. On failure it answers
// r, reports the error and returns nil.
func (h *WebhookHandler) accept(w http.ResponseWriter, r *http.Request) (Event, *Bot) {
	bot, err := h.admit(r)
	if err != nil {
		h.rp.Fail(w, r, err)
		return nil, nil
	}
	body, err := webhookio.ReadBody(w, r, h.cfg.maxBody)
	if err != nil {
		h.rp.Fail(w, r, fmt.Errorf("talktalk: reading body: %w", err))
		return nil, nil
	}
	ev, err := Decode(body)
	if err != nil {
		h.rp.Fail(w, r, err)
		return nil, nil
	}
	return ev, bot
}

func (h *WebhookHandler) admit(r *http.Request) (*Bot, error) {
	if err := webhookio.CheckMethod(r); err != nil {
		return nil, fmt.Errorf("talktalk: %w", err)
	}
	if err := h.cfg.allow.Check(r); err != nil {
		return nil, fmt.Errorf("talktalk: %w", err)
	}
	if h.multi != nil {
		return h.multi.resolve(r)
	}
	if h.cfg.pathTokens.Len() > 0 {
		p := strings.TrimSuffix(r.URL.Path, "/")
		if h.cfg.pathTokens.VerifyToken(p[strings.LastIndexByte(p, '/')+1:]) != nil {
			return nil, fmt.Errorf("talktalk: %w: path token missing or wrong", signature.ErrForbidden)
		}
	}
	if h.cfg.headerTokens.Len() > 0 {
		v, err := webhookio.Credential(r.Header, h.cfg.headerName)
		if err != nil {
			return nil, fmt.Errorf("talktalk: %w: header token: %w", signature.ErrForbidden, err)
		}
		if h.cfg.headerTokens.VerifyToken(v) != nil {
			return nil, fmt.Errorf("talktalk: %w: header token missing or wrong", signature.ErrForbidden)
		}
	}
	return nil, nil
}

// call is one event on its way through the runner. Calls are reused:
// their job's functions are bound once, and the runner gives a call back
// (its job's Done) once the function and its late path have returned,
// on the request's goroutine.
type call struct {
	h   *WebhookHandler
	r   *http.Request
	ev  Event
	bot *Bot // the resolved bot of a multi-bot handler
	pay bool
	job webhookio.Job[Event]
}

var calls sync.Pool // of *call; its New is set in init, since free puts back into it

func init() {
	calls.New = func() any {
		c := new(call)
		c.job = webhookio.Job[Event]{Run: c.run, Answer: c.answer, Late: c.late, Done: c.free}
		return c
	}
}

// free drops the request's references and puts c back in the pool.
func (c *call) free() {
	c.h, c.r, c.ev, c.bot, c.job.Key, c.job.Value = nil, nil, nil, nil, nil, nil
	calls.Put(c)
}

// run calls the function. A payment is approved by the HTTP status, so a
// pay_complete function has no life after the budget: its ctx ends with
// it.
func (c *call) run(ctx context.Context) (Event, error) {
	if c.pay {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.h.cfg.budget)
		defer cancel()
	}
	return c.h.fn(ctx, c.ev)
}

// ack acknowledges an event whose function missed the budget.
func ack(w http.ResponseWriter) error { return webhookio.WriteAck(w, http.StatusOK, "", nil) }

// ackPayment declines a payment whose function missed the budget: an
// unanswered payment is never approved.
func ackPayment(w http.ResponseWriter) error {
	return webhookio.WriteAck(w, http.StatusServiceUnavailable, "", nil)
}

// answer writes the function's result within the budget.
func (c *call) answer(w http.ResponseWriter, reply Event, err error) {
	status := http.StatusOK
	if err != nil {
		if !c.pay || !errors.Is(err, ErrDecline) {
			c.h.rp.Fail(w, c.r, fmt.Errorf("talktalk: %s: %w: %w", eventName(c.ev), ErrCallback, err))
			return
		}
		status = StatusDeclined
	}
	if _, leave := c.ev.(*LeaveEvent); leave || reply == nil {
		w.WriteHeader(status)
		return
	}
	body, err := encodeReply(reply)
	if err != nil {
		c.h.rp.Fail(w, c.r, fmt.Errorf("talktalk: %s: %w: reply: %w", eventName(c.ev), ErrCallback, err))
		return
	}
	hd := w.Header()
	hd["Content-Type"] = []string{"application/json;charset=UTF-8"}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// encodeReply validates a synchronous reply and encodes it without "user",
// which TalkTalk ignores there.
func encodeReply(reply Event) ([]byte, error) {
	if err := Validate(reply); err != nil {
		return nil, err
	}
	return encodeEvent(withUser(reply, ""))
}

// late handles a result that came after the handler answered.
func (c *call) late(ctx context.Context, reply Event, err error) {
	if _, leave := c.ev.(*LeaveEvent); leave {
		reply = nil
	}
	if err == nil && reply == nil {
		return
	}
	le := &LateError{Event: c.ev, Reply: reply, Err: err}
	client := c.h.cfg.late
	if c.bot != nil {
		client = c.bot.Client
	}
	if err == nil && client != nil && !c.pay && c.ev.UserID() != "" {
		_, le.SendErr = client.Post(ctx, withUser(reply, c.ev.UserID()))
		if le.SendErr == nil {
			return
		}
	}
	c.h.rp.Report(c.r, le)
}

// withUser returns a copy of ev addressed to user (or to nobody, for a
// synchronous reply). ev itself is not modified.
func withUser(ev Event, user string) Event {
	switch e := ev.(type) {
	case *SendEvent:
		if e != nil {
			c := *e
			c.User = user
			return &c
		}
	case *ActionEvent:
		if e != nil {
			c := *e
			c.User = user
			return &c
		}
	case *HandoverEvent:
		if e != nil {
			c := *e
			c.User = user
			return &c
		}
	case *ProfileEvent:
		if e != nil {
			c := *e
			c.User = user
			return &c
		}
	case *ProductEvent:
		if e != nil {
			c := *e
			c.User = user
			return &c
		}
	default:
		// events without a user field are used as they are
	}
	return ev
}
