package talktalk

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/signature"
)

// HandlerFunc handles one webhook event. It may return a reply event
// (typically a *SendEvent or an *ActionEvent, without User) that the
// handler writes as the synchronous webhook response, or nil and send
// later with a [Client]. ctx is detached from the request: it is not
// cancelled when TalkTalk hangs up, only when the background limit
// expires (see [WithBackgroundTimeout]).
type HandlerFunc func(ctx context.Context, ev Event) (reply Event, err error)

// Defaults of [NewWebhookHandler].
const (
	// DefaultBudget is how long the handler waits for the callback before
	// it acknowledges: well under TalkTalk's 5-second read timeout.
	DefaultBudget = 3 * time.Second
	// DefaultBackgroundTimeout bounds a callback's whole run, including
	// the part after the acknowledgement.
	DefaultBackgroundTimeout = 30 * time.Second
	// maxBudget is TalkTalk's read timeout.
	maxBudget = 5 * time.Second
)

// StatusDeclined is the status a pay_complete webhook is answered with
// when the callback returns [ErrDecline].
const StatusDeclined = http.StatusUnprocessableEntity

// HandlerOption configures a [WebhookHandler].
type HandlerOption func(*handlerConfig) error

type handlerConfig struct {
	allow       *signature.AllowList
	pathToken   redact.Hidden[*[sha256.Size]byte] // SHA-256 of the token, hidden from fmt
	headerName  string
	headerToken redact.Hidden[*[sha256.Size]byte] // SHA-256 of the token, hidden from fmt
	maxBody     int64
	onErr       webhookio.ErrorFunc
	budget      time.Duration
	background  time.Duration
	late        *Client

	// after, when set, replaces the budget timer (tests).
	after func(time.Duration) <-chan time.Time
}

// WithAllowList replaces the default allow-list (the published TalkTalk
// ranges, [signature.NewTalkTalkAllowList]). Configure trusted proxies on
// the list itself ([signature.WithTrustedProxies]) when the handler sits
// behind a load balancer; add a relay's address if you run one. nil is an
// error: there is no way to switch the address check off.
func WithAllowList(a *signature.AllowList) HandlerOption {
	return func(c *handlerConfig) error {
		if a == nil {
			return errors.New("nil allow-list")
		}
		c.allow = a
		return nil
	}
}

// WithPathToken requires the last segment of the request path to equal
// token: register https://bot.example.com/talktalk/<token> in Partner
// Center. It is compared in constant time. A request without it gets 403.
func WithPathToken(token string) HandlerOption {
	return func(c *handlerConfig) error {
		if token == "" || strings.Contains(token, "/") {
			return errors.New("path token must be non-empty and contain no slash")
		}
		sum := sha256.Sum256([]byte(token))
		c.pathToken = redact.Hide(&sum)
		return nil
	}
}

// WithHeaderToken requires header name to equal token, compared in
// constant time, and to be sent once. TalkTalk itself cannot send custom headers: this is for a
// relay or gateway in front of the handler that adds one.
func WithHeaderToken(name, token string) HandlerOption {
	return func(c *handlerConfig) error {
		if name == "" || token == "" {
			return errors.New("header token needs a header name and a token")
		}
		sum := sha256.Sum256([]byte(token))
		c.headerName, c.headerToken = http.CanonicalHeaderKey(name), redact.Hide(&sum)
		return nil
	}
}

// WithMaxBodyBytes bounds the request body (default 1 MiB); a longer body
// gets 413.
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(c *handlerConfig) error {
		if n <= 0 {
			return errors.New("max body bytes must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithErrorHandler receives every failure: rejected requests, callback
// errors and panics, invalid replies, and late results ([*LateError]). For
// late results the request's body has already been consumed. Errors never
// hold the body or any token.
func WithErrorHandler(fn func(*http.Request, error)) HandlerOption {
	return func(c *handlerConfig) error {
		c.onErr = fn
		return nil
	}
}

// WithBudget sets how long the handler waits for the callback before it
// answers TalkTalk (default [DefaultBudget]); it must be below TalkTalk's
// 5-second read timeout. After the budget the handler acknowledges with an
// empty 200 and lets the callback finish in the background; a pay_complete
// is instead declined (see the package documentation).
func WithBudget(d time.Duration) HandlerOption {
	return func(c *handlerConfig) error {
		if d <= 0 || d >= maxBudget {
			return fmt.Errorf("budget must be between 0 and %v", maxBudget)
		}
		c.budget = d
		return nil
	}
}

// WithBackgroundTimeout bounds how long a callback may run in all
// (default [DefaultBackgroundTimeout]): its ctx is cancelled then. It must
// not be shorter than the budget.
func WithBackgroundTimeout(d time.Duration) HandlerOption {
	return func(c *handlerConfig) error {
		if d <= 0 {
			return errors.New("background timeout must be positive")
		}
		c.background = d
		return nil
	}
}

// WithLateReplyClient sends a synchronous reply that the callback returned
// after the budget through c (with the event's user filled in), instead of
// only reporting it to the error handler as a [*LateError]. Without it a
// late reply is never delivered.
func WithLateReplyClient(c *Client) HandlerOption {
	return func(cfg *handlerConfig) error {
		if c == nil {
			return errors.New("nil late-reply client")
		}
		cfg.late = c
		return nil
	}
}

// WebhookHandler is the http.Handler for TalkTalk's webhook. Mount it on
// the URL registered in Partner Center.
//
// A WebhookHandler prints (every fmt verb, slog) as
// talktalk.WebhookHandler{PathToken:"[REDACTED]", HeaderName:"…", HeaderToken:""}:
// whether each token is set, never the token.
type WebhookHandler struct {
	fn       HandlerFunc
	cfg      handlerConfig
	inflight sync.WaitGroup
}

func (h *WebhookHandler) form() redact.Form {
	set := func(d redact.Hidden[*[sha256.Size]byte]) string {
		if d.Reveal() == nil {
			return ""
		}
		return redact.Placeholder
	}
	return redact.Form{Type: "talktalk.WebhookHandler", Fields: []redact.Field{
		{Name: "PathToken", Value: set(h.cfg.pathToken)},
		{Name: "HeaderName", Value: h.cfg.headerName},
		{Name: "HeaderToken", Value: set(h.cfg.headerToken)},
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
// an invalid reply, 422 a declined pay_complete, 503 a pay_complete whose
// callback missed the budget, 200 otherwise.
func NewWebhookHandler(fn HandlerFunc, opts ...HandlerOption) (*WebhookHandler, error) {
	if fn == nil {
		return nil, errors.New("talktalk: nil handler func")
	}
	cfg := handlerConfig{maxBody: webhookio.DefaultMaxBody, budget: DefaultBudget, background: DefaultBackgroundTimeout}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, fmt.Errorf("talktalk: %w", err)
		}
	}
	if cfg.allow == nil {
		a, err := signature.NewTalkTalkAllowList()
		if err != nil {
			return nil, fmt.Errorf("talktalk: %w", err)
		}
		cfg.allow = a
	}
	if cfg.background < cfg.budget {
		return nil, errors.New("talktalk: background timeout shorter than the budget")
	}
	return &WebhookHandler{fn: fn, cfg: cfg}, nil
}

// ParseRequest reads r's body (at most 1 MiB) and decodes it with [Parse].
// It does not check where the request came from: [WebhookHandler] does.
func ParseRequest(r *http.Request) (Event, error) {
	if r == nil {
		return nil, errors.New("talktalk: nil request")
	}
	body, err := webhookio.ReadRequest(r, webhookio.DefaultMaxBody)
	if err != nil {
		return nil, fmt.Errorf("talktalk: reading body: %w", err)
	}
	return Parse(body)
}

// Wait blocks until every callback still running in the background has
// finished, or ctx is done. Call it after http.Server.Shutdown.
func (h *WebhookHandler) Wait(ctx context.Context) error { return webhookio.Wait(ctx, &h.inflight) }

// ServeHTTP implements http.Handler.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h.admit(r); err != nil {
		webhookio.Fail(w, r, err, h.cfg.onErr)
		return
	}
	body, err := webhookio.ReadBody(w, r, h.cfg.maxBody)
	if err != nil {
		webhookio.Fail(w, r, fmt.Errorf("talktalk: reading body: %w", err), h.cfg.onErr)
		return
	}
	ev, err := Parse(body)
	if err != nil {
		webhookio.Fail(w, r, err, h.cfg.onErr)
		return
	}
	h.dispatch(w, r, ev)
}

func (h *WebhookHandler) admit(r *http.Request) error {
	if err := webhookio.CheckMethod(r); err != nil {
		return fmt.Errorf("talktalk: %w", err)
	}
	if err := h.cfg.allow.Check(r); err != nil {
		return fmt.Errorf("talktalk: %w", err)
	}
	if want := h.cfg.pathToken.Reveal(); want != nil {
		p := strings.TrimSuffix(r.URL.Path, "/")
		if !tokenEqual(want, p[strings.LastIndexByte(p, '/')+1:]) {
			return fmt.Errorf("talktalk: %w: path token missing or wrong", signature.ErrForbidden)
		}
	}
	if want := h.cfg.headerToken.Reveal(); want != nil {
		v, err := webhookio.Credential(r.Header, h.cfg.headerName)
		if err != nil {
			return fmt.Errorf("talktalk: %w: header token: %w", signature.ErrForbidden, err)
		}
		if !tokenEqual(want, v) {
			return fmt.Errorf("talktalk: %w: header token missing or wrong", signature.ErrForbidden)
		}
	}
	return nil
}

func tokenEqual(want *[sha256.Size]byte, got string) bool {
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(want[:], sum[:]) == 1
}

// Callback states: the worker and the request race to move pending to
// either answered (the worker finished in time) or late (the budget ran
// out); whoever wins decides who reports the result.
const (
	statePending int32 = iota
	stateAnswered
	stateLate
)

type outcome struct {
	reply Event
	err   error
}

type call struct {
	state atomic.Int32
	done  chan outcome
}

func (h *WebhookHandler) dispatch(w http.ResponseWriter, r *http.Request, ev Event) {
	_, pay := ev.(*PayCompleteEvent)
	limit := h.cfg.background
	if pay {
		// A payment is approved by the HTTP status, so a pay_complete
		// callback has no life after the budget: its ctx ends with it.
		limit = h.cfg.budget
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), limit)
	c := &call{done: make(chan outcome, 1)}
	h.inflight.Add(1)
	go func() {
		defer h.inflight.Done()
		defer cancel()
		reply, err := h.run(ctx, ev)
		if c.state.CompareAndSwap(statePending, stateAnswered) {
			c.done <- outcome{reply, err}
			return
		}
		h.late(ctx, r, ev, reply, err)
	}()

	var timeout <-chan time.Time
	if h.cfg.after != nil {
		timeout = h.cfg.after(h.cfg.budget)
	} else {
		t := time.NewTimer(h.cfg.budget)
		defer t.Stop()
		timeout = t.C
	}
	var out outcome
	select {
	case out = <-c.done:
	case <-timeout:
		if c.state.CompareAndSwap(statePending, stateLate) {
			if pay {
				w.WriteHeader(http.StatusServiceUnavailable)
			} else {
				w.WriteHeader(http.StatusOK)
			}
			return
		}
		out = <-c.done // the callback won the race by a hair
	}
	h.answer(w, r, ev, out)
}

// run calls fn, turning a panic into an error.
func (h *WebhookHandler) run(ctx context.Context, ev Event) (reply Event, err error) {
	defer func() {
		if p := recover(); p != nil {
			reply, err = nil, fmt.Errorf("talktalk: %s callback panicked: %v", ev.Type(), p)
		}
	}()
	return h.fn(ctx, ev)
}

func (h *WebhookHandler) answer(w http.ResponseWriter, r *http.Request, ev Event, out outcome) {
	status := http.StatusOK
	if out.err != nil {
		if _, pay := ev.(*PayCompleteEvent); !pay || !errors.Is(out.err, ErrDecline) {
			w.WriteHeader(http.StatusInternalServerError)
			h.report(r, fmt.Errorf("talktalk: %s: %w: %w", ev.Type(), webhookio.ErrCallback, out.err))
			return
		}
		status = StatusDeclined
	}
	if _, leave := ev.(*LeaveEvent); leave || out.reply == nil {
		w.WriteHeader(status)
		return
	}
	body, err := encodeReply(out.reply)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		h.report(r, fmt.Errorf("talktalk: %s: %w: reply: %w", ev.Type(), webhookio.ErrCallback, err))
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

// late handles a callback that finished after the handler answered.
func (h *WebhookHandler) late(ctx context.Context, r *http.Request, ev Event, reply Event, err error) {
	if _, leave := ev.(*LeaveEvent); leave {
		reply = nil
	}
	if err == nil && reply == nil {
		return
	}
	le := &LateError{Event: ev, Reply: reply, Err: err}
	_, pay := ev.(*PayCompleteEvent)
	if err == nil && h.cfg.late != nil && !pay && ev.UserID() != "" {
		_, le.SendErr = h.cfg.late.Post(ctx, withUser(reply, ev.UserID()))
		if le.SendErr == nil {
			return
		}
	}
	h.report(r, le)
}

func (h *WebhookHandler) report(r *http.Request, err error) {
	if h.cfg.onErr != nil {
		h.cfg.onErr(r, err)
	}
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
