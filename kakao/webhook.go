package kakao

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/signature"
)

// Decode decodes a skill request body already trusted (Kakao signs
// nothing; see [Parse] for the header-secret check). It fails, wrapping
// [ErrMalformed], only when body is not a JSON object, a known field has a
// type no real payload uses, or userRequest is missing; unknown fields are
// ignored. The error never contains body content.
func Decode(body []byte) (*Request, error) {
	if req, ok := decodeFast(body); ok {
		return req, nil
	}
	return decodeJSON(body)
}

// Parse checks token, the value of the shared-secret header the skill
// settings send (see [WithHeaderSecret]), against secrets in constant time,
// then decodes body with [Decode]. An empty set refuses everything. A
// missing or wrong token is an error wrapping [signature.ErrForbidden]
// (the handler's 403: Kakao signs nothing, so the header says who the
// caller claims to be, it proves nothing about the body).
func Parse(secrets signature.SecretSet, body []byte, token string) (*Request, error) {
	if err := verifyToken(secrets, token); err != nil {
		return nil, err
	}
	return Decode(body)
}

// ParseRequest reads the shared secret from header [DefaultSecretHeader]
// (refusing a header sent more than once), checks it as [Parse] does, then
// reads at most [DefaultMaxBodyBytes] of r's body and decodes it. The
// secret is checked before the body is read. A longer body is an
// *http.MaxBytesError.
func ParseRequest(secrets signature.SecretSet, r *http.Request) (*Request, error) {
	if r == nil {
		return nil, argErr("ParseRequest", "r", "nil request")
	}
	if err := webhookio.CheckMethod(r); err != nil {
		return nil, fmt.Errorf("kakao: %w", err)
	}
	token, err := webhookio.Credential(r.Header, DefaultSecretHeader)
	if err != nil {
		return nil, fmt.Errorf("kakao: shared-secret %w: %w", err, signature.ErrForbidden)
	}
	if err := verifyToken(secrets, token); err != nil {
		return nil, err
	}
	body, err := webhookio.ReadRequest(r, DefaultMaxBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("kakao: reading body: %w", err)
	}
	return Decode(body)
}

var (
	errNoSecrets      = fmt.Errorf("kakao: no shared secret to check the header against: %w", signature.ErrForbidden)
	errSecretMissing  = fmt.Errorf("kakao: shared-secret header missing: %w", signature.ErrForbidden)
	errSecretMismatch = fmt.Errorf("kakao: shared-secret header does not match: %w", signature.ErrForbidden)
	errNilResponse    = errors.New("kakao: skill function returned a nil response and no error")
)

// verifyToken checks a header-secret value, failing closed.
func verifyToken(secrets signature.SecretSet, token string) error {
	switch {
	case secrets.Len() == 0:
		return errNoSecrets
	case token == "":
		return errSecretMissing
	case secrets.VerifyToken(token) != nil:
		return errSecretMismatch
	}
	return nil
}

// HandlerFunc answers one skill request. The response it returns is
// validated before it is written; an error (or an invalid response) is
// answered 500, or with the [WithFallback] response.
type HandlerFunc func(ctx context.Context, req *Request) (*Response, error)

// WebhookHandler is an http.Handler that serves a skill: it reads the
// request (bounded), checks the optional header secret and bot allow-list,
// calls the skill function and writes its response, or, with
// [WithCallback], runs the AI-chatbot callback flow. It is safe for
// concurrent use.
//
// A WebhookHandler prints (every fmt verb, slog) as
// kakao.WebhookHandler{HeaderName:"…", Secrets:signature.SecretSet{Len:1}},
// never a secret.
type WebhookHandler struct {
	// fn is the skill function, given the HTTP request for the error
	// handler (NewBotHandler's reports its handler's error itself).
	fn           func(ctx context.Context, r *http.Request, req *Request) (*Response, error)
	cfg          handlerConfig
	waitingBody  []byte
	fallbackBody []byte
	// runner calls every skill function, without a budget: it holds the
	// in-flight cap. A callback request runs through callback, which has
	// the callback budget and shares runner's slots and Wait, so that a
	// callback still running after its request counts against the cap.
	runner   *webhookio.Runner
	callback *webhookio.Runner
	rp       webhookio.Reporter
	// bots resolves the bot of each request: set on a multi-bot handler
	// only.
	bots *botset.Cache[cachedBot]
	// newBots builds bots with a clock (nil: timers, no clock read on a
	// hit); setClock rebuilds the cache on the test's clock.
	newBots func(now func() time.Time) *botset.Cache[cachedBot]
	// verifyUnknown checks an unknown bot's header secret against a
	// random secret no bot has, as a known bot's is checked against its
	// own (tests replace it to watch it).
	verifyUnknown func(token string) error
}

func (h *WebhookHandler) form() redact.Form {
	return redact.Form{Type: "kakao.WebhookHandler", Fields: []redact.Field{
		{Name: "HeaderName", Value: h.cfg.headerName},
		{Name: "Secrets", Value: h.cfg.secrets},
	}}
}

// Format writes the secret header's name and how many secrets the handler
// holds, for every verb.
func (h *WebhookHandler) Format(f fmt.State, verb rune) { h.form().Format(f, verb) }

// LogValue logs the secret header's name and how many secrets the handler
// holds.
func (h *WebhookHandler) LogValue() slog.Value { return h.form().LogValue() }

// NewWebhookHandler returns a handler that answers with fn. It performs no
// I/O.
func NewWebhookHandler(fn HandlerFunc, opts ...HandlerOption) (*WebhookHandler, error) {
	if fn == nil {
		return nil, argErr("NewWebhookHandler", "fn", "nil function")
	}
	h, err := newWebhookHandler("NewWebhookHandler", opts)
	if err != nil {
		return nil, err
	}
	if h.cfg.botOnly != "" {
		return nil, argErr("NewWebhookHandler", "opts", h.cfg.botOnly+" configures NewBotHandler only")
	}
	if h.cfg.multiOnly != "" {
		return nil, argErr("NewWebhookHandler", "opts", h.cfg.multiOnly+" configures the multi-bot handlers only")
	}
	h.fn = func(ctx context.Context, _ *http.Request, req *Request) (*Response, error) { return fn(ctx, req) }
	return h, nil
}

// newWebhookHandler builds the handler machinery both constructors share,
// all but the skill function; name is the constructor, for errors.
func newWebhookHandler(name string, opts []HandlerOption) (*WebhookHandler, error) {
	h := &WebhookHandler{cfg: handlerConfig{maxBody: DefaultMaxBodyBytes, maxInFlight: webhookio.DefaultMaxInFlight}}
	for _, o := range opts {
		if o == nil {
			return nil, argErr(name, "opts", "nil option")
		}
		if err := o.applyHandler(&h.cfg); err != nil {
			return nil, err
		}
	}
	if h.cfg.log == nil {
		h.cfg.log = slog.New(slog.DiscardHandler)
	}
	h.rp = webhookio.Reporter{Pkg: "kakao", Logger: h.cfg.log, OnError: h.cfg.onErr}
	var err error
	if h.cfg.fallback != nil {
		if h.fallbackBody, err = json.Marshal(h.cfg.fallback); err != nil {
			return nil, fmt.Errorf("kakao: encoding fallback: %w", err)
		}
	}
	if h.cfg.callback {
		if h.waitingBody, err = json.Marshal(h.cfg.waiting); err != nil {
			return nil, fmt.Errorf("kakao: encoding waiting response: %w", err)
		}
		if h.cfg.client == nil {
			copts := []Option{WithLogger(h.cfg.log)}
			if h.cfg.onErr != nil {
				copts = append(copts, WithErrorHandler(h.cfg.onErr))
			}
			if h.cfg.client, err = New(copts...); err != nil {
				return nil, err
			}
		}
	}
	h.setClock(webhookio.RealClock{})
	return h, nil
}

// setClock (re)builds the runners on clock c.
func (h *WebhookHandler) setClock(c webhookio.Clock) {
	h.runner = webhookio.NewRunner(webhookio.RunnerConfig{
		Budget: webhookio.NoBudget, MaxInFlight: h.cfg.maxInFlight, Clock: c, OnError: h.runnerError,
	})
	if h.cfg.callback {
		h.callback = webhookio.NewRunner(webhookio.RunnerConfig{
			Budget: h.cfg.budget, WorkTimeout: CallbackValidity, Share: h.runner, Clock: c, OnError: h.runnerError,
		})
	}
	if h.newBots != nil {
		h.bots = h.newBots(c.Now)
	}
}

// Wait blocks until every skill function the handler has started has
// returned and every callback has been delivered or has failed, or ctx is
// done. Call it after http.Server.Shutdown so that no final response is
// lost; it returns at once when there are none.
func (h *WebhookHandler) Wait(ctx context.Context) error { return h.runner.Wait(ctx) }

// ServeHTTP implements http.Handler. It returns when the skill function
// has: with [WithCallback], a request answered useCallback has had its
// complete answer flushed to Kakao at the budget (asking to close the
// connection, which this request still holds), and ServeHTTP goes on
// until the final response has been POSTed.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := webhookio.CheckMethod(r); err != nil {
		h.rp.Fail(w, r, fmt.Errorf("kakao: %w", err))
		return
	}
	var bot *Bot
	var err error
	if h.bots != nil && h.cfg.botPath != "" {
		// The path names the bot: check it before reading the body.
		if bot, err = h.resolveBot(r, r.PathValue(h.cfg.botPath)); err != nil {
			h.rp.Fail(w, r, err)
			return
		}
	} else if h.cfg.headerName != "" && h.bots == nil {
		if err = h.checkSecret(r); err != nil {
			h.rp.Fail(w, r, err)
			return
		}
	}
	body, err := webhookio.ReadBody(w, r, h.cfg.maxBody)
	if err != nil {
		h.rp.Fail(w, r, fmt.Errorf("kakao: reading body: %w", err))
		return
	}
	req, err := Decode(body)
	if err != nil {
		h.rp.Fail(w, r, err)
		return
	}
	if h.bots != nil && bot == nil {
		// Kakao signs nothing: bot.id only picks the secret to check.
		if bot, err = h.resolveBot(r, req.Bot.ID); err != nil {
			h.rp.Fail(w, r, err)
			return
		}
	}
	if h.cfg.botIDs != nil && !h.cfg.botIDs[req.Bot.ID] {
		h.rp.Fail(w, r, ErrBotID)
		return
	}
	var job *webhookio.Job[*Response]
	rn := h.runner
	if h.callback != nil && req.UserRequest.CallbackURL != "" {
		c := &callbackCall{skillCall: skillCall{h: h, r: r, req: req, bot: bot}}
		// The URL is valid for a minute from now, on the runner's clock.
		c.deadline = h.callback.Clock().Now().Add(CallbackValidity)
		c.job = webhookio.Job[*Response]{Run: c.runUntilExpiry, Answer: c.answerInTime, Ack: c.ack, Late: c.late}
		job, rn = &c.job, h.callback
	} else {
		c := &skillCall{h: h, r: r, req: req, bot: bot}
		c.job = webhookio.Job[*Response]{Run: c.run, Answer: c.answer}
		job = &c.job
	}
	if bot != nil {
		job.Key, job.Value = botKey{}, bot
	}
	if err := webhookio.Run(rn, w, r, job); err != nil {
		h.rp.Fail(w, r, fmt.Errorf("kakao: %w", err))
	}
}

func (h *WebhookHandler) checkSecret(r *http.Request) error {
	v, err := webhookio.Credential(r.Header, h.cfg.headerName)
	if err != nil {
		return fmt.Errorf("kakao: shared-secret %w: %w", err, signature.ErrForbidden)
	}
	return verifyToken(h.cfg.secrets, v)
}

// runnerError reports a useCallback answer that could not be written,
// unless Kakao had already hung up (then the late path says so), and a
// panic in a late path, always.
func (h *WebhookHandler) runnerError(r *http.Request, err error) {
	if r.Context().Err() == nil || errors.Is(err, webhookio.ErrPanic) {
		h.rp.Report(r, fmt.Errorf("kakao: %w", err))
	}
}

// check classifies fn's result: nil, or the error to report.
func check(resp *Response, err error) error {
	switch {
	case err != nil:
		return fmt.Errorf("kakao: %w: %w", webhookio.ErrCallback, err)
	case resp == nil:
		return fmt.Errorf("kakao: %w: %w", webhookio.ErrCallback, errNilResponse)
	}
	if verr := resp.Validate(); verr != nil {
		return fmt.Errorf("kakao: %w: %w", webhookio.ErrCallback, verr)
	}
	return nil
}

// write answers with fn's result, or the fallback, or 500.
func (h *WebhookHandler) write(w http.ResponseWriter, r *http.Request, resp *Response, err error) {
	if err = check(resp, err); err == nil {
		var body []byte
		if body, err = resp.appendJSON(make([]byte, 0, 256)); err == nil {
			webhookio.WriteJSON(w, body)
			return
		}
		err = fmt.Errorf("kakao: %w: encoding response: %w", webhookio.ErrCallback, err)
	}
	h.rp.Report(r, err)
	if h.fallbackBody != nil {
		webhookio.WriteJSON(w, h.fallbackBody)
		return
	}
	// Always 500, whatever fn's error wraps.
	w.WriteHeader(http.StatusInternalServerError)
}

// skillCall is one request's call of the skill function.
type skillCall struct {
	h   *WebhookHandler
	r   *http.Request
	req *Request
	bot *Bot // the resolved bot, on a multi-bot handler
	job webhookio.Job[*Response]
}

// callbackCall is a callback request's call: the skill function races
// the callback budget, on the request's goroutine; after the useCallback
// answer it goes on there, and delivers.
type callbackCall struct {
	skillCall
	deadline time.Time // when the callback URL expires
	// promised is set when the useCallback answer was written. Ack sets
	// it before the runner hands the result to late.
	promised bool
}

// run calls the skill function; ctx carries the resolved bot of a
// multi-bot handler (the job's Key and Value).
func (c *skillCall) run(ctx context.Context) (*Response, error) {
	return c.h.fn(ctx, c.r, c.req)
}

func (c *skillCall) answer(w http.ResponseWriter, resp *Response, err error) {
	c.h.write(w, c.r, resp, err)
}

func (c *callbackCall) runUntilExpiry(ctx context.Context) (*Response, error) {
	ctx, cancel := context.WithDeadline(ctx, c.deadline)
	defer cancel()
	return c.h.fn(ctx, c.r, c.req)
}

// errHungUp reports a callback request Kakao gave up on before anything
// was written: no useCallback was promised, so the answer is dropped.
var errHungUp = errors.New("kakao: request ended before the skill answered; nothing was promised, so the answer is not delivered")

func (c *callbackCall) answerInTime(w http.ResponseWriter, resp *Response, err error) {
	if c.r.Context().Err() != nil {
		c.h.rp.Report(c.r, fmt.Errorf("%w: %w", errHungUp, context.Cause(c.r.Context())))
		return
	}
	c.h.write(w, c.r, resp, err)
}

// ack answers useCallback, but only to a Kakao still waiting: a request
// that has ended is promised nothing.
func (c *callbackCall) ack(w http.ResponseWriter) error {
	if c.r.Context().Err() != nil {
		return nil
	}
	c.promised = true
	return webhookio.WriteAck(w, http.StatusOK, "application/json; charset=utf-8", c.h.waitingBody)
}

// late delivers fn's result (or the fallback) to the callback URL, once.
func (c *callbackCall) late(ctx context.Context, resp *Response, err error) {
	h := c.h
	if !c.promised {
		h.rp.Report(c.r, fmt.Errorf("%w: %w", errHungUp, context.Cause(c.r.Context())))
		return
	}
	if err := check(resp, err); err != nil {
		h.rp.Report(c.r, fmt.Errorf("%w (%w)", err, webhookio.ErrLate))
		if h.cfg.fallback == nil {
			return
		}
		resp = h.cfg.fallback
	}
	ctx, cancel := context.WithDeadline(ctx, c.deadline)
	defer cancel()
	cl := h.cfg.client
	if c.bot != nil && c.bot.Client != nil {
		cl = c.bot.Client
	}
	if _, err := cl.Send(ctx, c.req.UserRequest.CallbackURL, resp); err != nil {
		h.rp.Report(c.r, fmt.Errorf("kakao: %w: %w: delivering the answer to the callback URL: %w", webhookio.ErrLate, webhookio.ErrCallback, err))
	}
}
