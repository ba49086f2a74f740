package naverworks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/signature"
)

// Callback request headers. Go's http.Header matches them case-insensitively,
// as NAVER WORKS asks (its Japanese pages spell X-WORKS-botId).
const (
	SignatureHeader = "X-WORKS-Signature"
	BotIDHeader     = "X-WORKS-BotId"
)

// The same in http.Header's canonical form, so that a lookup does not
// canonicalize (and allocate) on every request.
var (
	signatureKey = http.CanonicalHeaderKey(SignatureHeader)
	botIDKey     = http.CanonicalHeaderKey(BotIDHeader)
)

// VerifySignature checks sig, the X-WORKS-Signature header, against body:
// base64 HMAC-SHA256 keyed with any Bot Secret in secrets, compared in
// constant time. It returns nil or an error wrapping [signature.ErrMissing]
// or [signature.ErrMismatch]. An empty set verifies nothing.
func VerifySignature(secrets signature.SecretSet, body []byte, sig string) error {
	if err := secrets.VerifyHMACSHA256(body, sig); err != nil {
		return fmt.Errorf("naverworks: %w", err)
	}
	return nil
}

// Decode decodes a callback body that has already been verified. It never
// fails on an unknown event or content type (those are kept raw), on an
// unreadable issuedTime (left zero), or on content fields of the wrong JSON
// type (the content is then an *UnknownContent); it fails with
// [ErrMalformed] when the body is not a JSON object with a string "type",
// or when an envelope field has the wrong JSON type.
func Decode(body []byte) (Event, error) { return decodeEvent(body) }

// Parse verifies body against sig with secrets and decodes it. See
// [Decode] for what is tolerated.
func Parse(secrets signature.SecretSet, body []byte, sig string) (Event, error) {
	if err := VerifySignature(secrets, body, sig); err != nil {
		return nil, err
	}
	return decodeEvent(body)
}

// ParseRequest reads r's body (at most [DefaultMaxBodyBytes]; more is an
// *http.MaxBytesError), verifies its X-WORKS-Signature with secrets and
// decodes it. It does not check X-WORKS-BotId; [WebhookHandler] does with
// [WithBotID].
func ParseRequest(secrets signature.SecretSet, r *http.Request) (Event, error) {
	if r == nil {
		return nil, argError("ParseRequest", "r", "nil")
	}
	if err := webhookio.CheckMethod(r); err != nil {
		return nil, fmt.Errorf("naverworks: %w", err)
	}
	body, err := webhookio.ReadRequest(r, DefaultMaxBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("naverworks: reading body: %w", err)
	}
	sig, err := signatureOf(r)
	if err != nil {
		return nil, err
	}
	return Parse(secrets, body, sig)
}

// signatureOf returns r's X-WORKS-Signature. A request that carries it more
// than once is refused (webhookio.Credential says why).
func signatureOf(r *http.Request) (string, error) {
	sig, err := webhookio.Credential(r.Header, signatureKey)
	if err != nil {
		return "", fmt.Errorf("naverworks: %w: %w", signature.ErrMismatch, err)
	}
	return sig, nil
}

// HandlerFunc handles one verified callback. NAVER WORKS takes no answer
// in the response: reply through a [Client].
type HandlerFunc func(ctx context.Context, ev Event) error

// WebhookHandler is the http.Handler of a bot's Callback URL. Create it with
// [NewWebhookHandler]. It prints (every fmt verb, slog) as
// naverworks.WebhookHandler{Secrets:signature.SecretSet{Len:1}, BotID:"…"},
// never a secret.
type WebhookHandler struct {
	secrets signature.SecretSet
	fn      HandlerFunc
	cfg     handlerConfig
	rp      webhookio.Reporter
	rcfg    webhookio.RunnerConfig
	rn      *webhookio.Runner

	// A multi-bot handler's resolution (nil bots: a single-bot handler).
	bots    *botset.Cache[cachedBot]
	resolve botset.Resolve[cachedBot]
	botTTL  time.Duration
	// verifyUnknown verifies an unknown bot's request with a random
	// secret no bot has (tests replace it to watch it).
	verifyUnknown func(body []byte, sig string) error
}

func (h *WebhookHandler) form() redact.Form {
	if h.bots != nil {
		return redact.Form{Type: "naverworks.WebhookHandler", Fields: []redact.Field{
			{Name: "Bots", Value: "resolved"},
		}}
	}
	return redact.Form{Type: "naverworks.WebhookHandler", Fields: []redact.Field{
		{Name: "Secrets", Value: h.secrets},
		{Name: "BotID", Value: h.cfg.botID},
	}}
}

// Format writes how many secrets the handler holds and its bot ID, for
// every verb.
func (h *WebhookHandler) Format(f fmt.State, verb rune) { h.form().Format(f, verb) }

// LogValue logs how many secrets the handler holds and its bot ID.
func (h *WebhookHandler) LogValue() slog.Value { return h.form().LogValue() }

// NewWebhookHandler returns a handler that verifies each callback with
// secrets (the Bot Secret, plus the previous one while rotating), decodes
// it and calls fn.
//
// NAVER WORKS never resends a callback, whatever the answer, so the
// handler acknowledges quickly and keeps fn's work alive after answering:
// fn runs with a context detached from the request's cancellation and
// bounded by [WithWorkTimeout]. If fn returns within [WithBudget] the
// answer is 200, or 500 when fn failed or panicked; otherwise the handler
// answers 200 at the budget and fn finishes in the background, its error
// going to [WithErrorHandler] (wrapping [ErrCallback]). At most
// [WithMaxInFlight] functions run at once. Use [WebhookHandler.Wait] on
// shutdown.
//
// Statuses: 405 not POST, 413 body too large, 401 missing or bad
// signature, 403 wrong bot ID, 400 malformed body, 500 fn failed or
// panicked in time, 503 no free slot under the in-flight cap before the
// request ended, 200 otherwise.
func NewWebhookHandler(secrets signature.SecretSet, fn HandlerFunc, opts ...HandlerOption) (*WebhookHandler, error) {
	if fn == nil {
		return nil, argError("NewWebhookHandler", "fn", "nil")
	}
	h, err := newWebhookHandler("NewWebhookHandler", secrets, fn, opts)
	if err != nil {
		return nil, err
	}
	if h.cfg.botOnly != "" {
		return nil, argError("NewWebhookHandler", "opts", h.cfg.botOnly+" is an option of NewBotHandler")
	}
	return h, nil
}

// newWebhookHandler builds the handler of [NewWebhookHandler] and
// [NewBotHandler]; ctor names the constructor in argument errors.
func newWebhookHandler(ctor string, secrets signature.SecretSet, fn HandlerFunc, opts []HandlerOption) (*WebhookHandler, error) {
	if secrets.Len() == 0 {
		return nil, argError(ctor, "secrets", "empty set")
	}
	h, err := newHandler(ctor, secrets, fn, opts)
	if err != nil {
		return nil, err
	}
	switch {
	case h.cfg.botPath != "":
		return nil, argError(ctor, "opts", "WithBotPath is an option of the multi-bot handlers")
	case h.cfg.botTTLSet:
		return nil, argError(ctor, "opts", "WithBotCacheTTL is an option of the multi-bot handlers")
	}
	return h, nil
}

// newHandler builds what the single-bot and the multi-bot handlers share.
func newHandler(ctor string, secrets signature.SecretSet, fn HandlerFunc, opts []HandlerOption) (*WebhookHandler, error) {
	h := &WebhookHandler{secrets: secrets, fn: fn, cfg: handlerConfig{
		maxBody:     DefaultMaxBodyBytes,
		budget:      DefaultBudget,
		workTimeout: DefaultWorkTimeout,
	}}
	for _, o := range opts {
		if o == nil {
			return nil, argError(ctor, "opts", "nil HandlerOption")
		}
		if err := o.applyHandler(&h.cfg); err != nil {
			return nil, err
		}
	}
	if h.cfg.workTimeout < h.cfg.budget {
		// As in talktalk: the function's context would end before the
		// handler stops waiting for it.
		return nil, argError(ctor, "WithWorkTimeout", "shorter than the budget")
	}
	h.rp = webhookio.Reporter{Pkg: "naverworks", Logger: h.cfg.log(), OnError: h.cfg.onErr}
	h.rcfg = webhookio.RunnerConfig{
		Budget:      h.cfg.budget,
		WorkTimeout: h.cfg.workTimeout,
		MaxInFlight: h.cfg.maxInFlight,
		OnError:     h.rp.Report,
	}
	h.rn = webhookio.NewRunner(h.rcfg)
	return h, nil
}

// setClock replaces the runner's clock, and the bot cache's, for tests
// (export_test.go).
func (h *WebhookHandler) setClock(c webhookio.Clock) {
	h.rcfg.Clock = c
	h.rn = webhookio.NewRunner(h.rcfg)
	if h.bots != nil {
		h.bots = botset.New(h.resolve, botset.Config{TTL: h.botTTL, Now: c.Now})
	}
}

// ServeHTTP implements http.Handler.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev, bot, err := h.parse(w, r)
	if err != nil {
		h.rp.Fail(w, r, err)
		return
	}
	c := calls.Get().(*call)
	c.h, c.r, c.ev, c.bot = h, r, ev, bot
	if bot != nil {
		c.job.Key, c.job.Value = botKey{}, bot
	}
	// The runner gives c back to the pool (c.free) when it is done with
	// it: with WithBudget(0), after the function, which outlives Run.
	if err = webhookio.Run(h.rn, w, r, &c.job); err != nil {
		h.rp.Fail(w, r, fmt.Errorf("naverworks: %w", err))
	}
}

// call is one callback on its way through the runner. Calls are reused:
// their job's functions are bound once, and the runner gives a call back
// (its job's Done) once the function and its late path have returned,
// which after an acknowledgement is after the request has ended.
type call struct {
	h   *WebhookHandler
	r   *http.Request
	ev  Event
	bot *Bot // the resolved bot of a multi-bot handler
	job webhookio.Job[struct{}]
}

var calls sync.Pool // of *call; its New is set in init, since free puts back into it

func init() {
	calls.New = func() any {
		c := new(call)
		c.job = webhookio.Job[struct{}]{Run: c.run, Answer: c.answer, Ack: ack, Late: c.late, Done: c.free}
		return c
	}
}

// free drops the request's references and puts c back in the pool.
func (c *call) free() {
	*c = call{job: c.job}
	c.job.Key, c.job.Value = nil, nil
	calls.Put(c)
}

// run calls the handler's function; ctx carries the resolved bot of a
// multi-bot handler (the job's Key and Value).
func (c *call) run(ctx context.Context) (struct{}, error) {
	return struct{}{}, c.h.fn(ctx, c.ev)
}

// answer writes the function's result within the budget: 200, or 500 when
// it failed or panicked.
func (c *call) answer(w http.ResponseWriter, _ struct{}, err error) {
	if err != nil {
		c.h.rp.Fail(w, c.r, fmt.Errorf("naverworks: %w: %w", ErrCallback, err))
		return
	}
	w.WriteHeader(http.StatusOK)
}

// late reports a failure that came after the acknowledgement.
func (c *call) late(_ context.Context, _ struct{}, err error) {
	if err != nil {
		c.h.rp.Report(c.r, fmt.Errorf("naverworks: %w: %w: %w", ErrLate, ErrCallback, err))
	}
}

// ack is the acknowledgement: 200 with an empty body.
func ack(w http.ResponseWriter) error { return webhookio.WriteAck(w, http.StatusOK, "", nil) }

// Wait blocks until every function the handler started has returned, or
// ctx is done. Call it after the HTTP server has stopped accepting
// requests (http.Server.Shutdown).
func (h *WebhookHandler) Wait(ctx context.Context) error { return h.rn.Wait(ctx) }

// parse checks, reads, verifies and decodes a callback, and for a
// multi-bot handler resolves its bot (read after the bounded body, so that
// a body too large is answered alike for every ID).
func (h *WebhookHandler) parse(w http.ResponseWriter, r *http.Request) (Event, *Bot, error) {
	if err := webhookio.CheckMethod(r); err != nil {
		return nil, nil, fmt.Errorf("naverworks: %w", err)
	}
	if h.cfg.botID != "" {
		// A bot ID sent twice is refused like a wrong one.
		id, err := webhookio.Credential(r.Header, botIDKey)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrBotID, err)
		}
		if id != h.cfg.botID {
			return nil, nil, ErrBotID
		}
	}
	body, err := webhookio.ReadBody(w, r, h.cfg.maxBody)
	if err != nil {
		return nil, nil, fmt.Errorf("naverworks: reading body: %w", err)
	}
	sig, err := signatureOf(r)
	if err != nil {
		return nil, nil, err
	}
	secrets := h.secrets
	var bot *Bot
	if h.bots != nil {
		if sig == "" {
			// Refused before the resolver is asked: a request that
			// carries no signature cannot be for any bot.
			return nil, nil, errNoSignature
		}
		c, err := h.resolveBot(r)
		if err != nil {
			if errors.Is(err, ErrUnknownBot) {
				// The same work as a wrong signature for a known
				// bot, so that the time taken does not tell which
				// bots exist.
				_ = h.verifyUnknown(body, sig)
			}
			return nil, nil, err
		}
		bot, secrets = c.bot, c.secrets
	}
	if err := secrets.VerifyHMACSHA256(body, sig); err != nil {
		return nil, nil, fmt.Errorf("naverworks: %w", err)
	}
	ev, err := decodeEvent(body)
	return ev, bot, err
}
