package line

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// SignatureHeader is the request header carrying the webhook signature.
const SignatureHeader = "X-Line-Signature"

// VerifySignature checks that sig (the X-Line-Signature value) is the
// base64 HMAC-SHA256 of body under any secret of secrets (list the current
// channel secret first, and the previous one while you rotate it). It
// returns nil or an error wrapping [signature.ErrMissing] or
// [signature.ErrMismatch]. The comparison is constant-time; an empty set
// never verifies.
func VerifySignature(secrets signature.SecretSet, body []byte, sig string) error {
	if err := secrets.VerifyHMACSHA256(body, sig); err != nil {
		return fmt.Errorf("line: %w", err)
	}
	return nil
}

// Parse verifies sig over body with any secret of secrets (list the current
// channel secret first, and the previous one while you rotate it), then
// decodes the body as [Decode] does. Nothing is decoded unless the
// signature verifies.
func Parse(secrets signature.SecretSet, body []byte, sig string) (*Callback, error) {
	if err := VerifySignature(secrets, body, sig); err != nil {
		return nil, err
	}
	return Decode(body)
}

// ParseRequest reads r's body (at most [DefaultMaxBodyBytes]; a longer body
// is an *http.MaxBytesError) and parses it with [Parse].
func ParseRequest(secrets signature.SecretSet, r *http.Request) (*Callback, error) {
	if r == nil {
		return nil, argError("ParseRequest", "r", "nil request")
	}
	if err := webhookio.CheckMethod(r); err != nil {
		return nil, fmt.Errorf("line: %w", err)
	}
	body, err := webhookio.ReadRequest(r, DefaultMaxBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("line: reading body: %w", err)
	}
	sig, err := signatureOf(r)
	if err != nil {
		return nil, err
	}
	return Parse(secrets, body, sig)
}

// signatureOf returns r's X-Line-Signature. A request that carries it more
// than once is refused (webhookio.Credential says why).
func signatureOf(r *http.Request) (string, error) {
	sig, err := webhookio.Credential(r.Header, SignatureHeader)
	if err != nil {
		return "", fmt.Errorf("line: %w: %w", signature.ErrMismatch, err)
	}
	return sig, nil
}

// HandlerFunc is the function a [WebhookHandler] calls with each verified
// callback (a batch of events; after [WithDeduper], only the ones not seen
// before). An error, or a panic, fails the request: answered 500 in the
// default synchronous mode, so that LINE redelivers it (with redelivery
// turned on), and reported to the error handler after the answer with
// [WithAsync].
type HandlerFunc func(ctx context.Context, cb *Callback) error

// WebhookHandler is an http.Handler for LINE webhooks: it reads the body
// (bounded), checks X-Line-Signature, decodes the events once, drops
// duplicates if a [message.Deduper] is set, and calls your function.
//
// Status codes: 405 for a method other than POST, 413 for a body over the
// limit, 401 for a missing, wrong or repeated signature, 400 for a body
// that is not a callback, 500 when your function returns an error or
// panics, 503 when no slot came free under [WithMaxInFlight] before the
// request ended, 200 otherwise. Details go to the error handler, never
// into the response.
//
// LINE expects the answer within about 2 seconds and counts anything slower
// as a failed delivery. By default your function runs before the answer,
// with the request's context; keep it short, or use [WithAsync] so the
// handler answers 200 as soon as the events are verified and decoded and
// runs your function afterwards (what LINE recommends).
//
// A WebhookHandler prints (every fmt verb, slog) as
// line.WebhookHandler{Secrets:signature.SecretSet{Len:1}}, never a secret.
type WebhookHandler struct {
	secrets signature.SecretSet
	fn      HandlerFunc
	cfg     handlerConfig
	rp      webhookio.Reporter
	rn      *webhookio.Runner
	multi   *multiBots // nil: a single-bot handler
}

func (h *WebhookHandler) form() redact.Form {
	return redact.Form{Type: "line.WebhookHandler", Fields: []redact.Field{{Name: "Secrets", Value: h.secrets}}}
}

// Format writes how many secrets the handler holds, for every verb.
func (h *WebhookHandler) Format(f fmt.State, verb rune) { h.form().Format(f, verb) }

// LogValue logs how many secrets the handler holds.
func (h *WebhookHandler) LogValue() slog.Value { return h.form().LogValue() }

// NewWebhookHandler returns a handler that calls fn with each verified
// callback. secrets must hold at least one channel secret.
func NewWebhookHandler(secrets signature.SecretSet, fn HandlerFunc, opts ...HandlerOption) (*WebhookHandler, error) {
	if secrets.Len() == 0 {
		return nil, argError("NewWebhookHandler", "secrets", "missing channel secret")
	}
	if fn == nil {
		return nil, argError("NewWebhookHandler", "fn", "nil handler function")
	}
	cfg := handlerConfig{maxBody: DefaultMaxBodyBytes, workTimeout: DefaultWorkTimeout}
	if err := cfg.apply("NewWebhookHandler", opts); err != nil {
		return nil, err
	}
	if cfg.bot.only != "" {
		return nil, argError("NewWebhookHandler", "opts", cfg.bot.only+" is an option of NewBotHandler")
	}
	if err := cfg.singleOnly("NewWebhookHandler"); err != nil {
		return nil, err
	}
	return newWebhookHandler(secrets, fn, cfg), nil
}

// apply applies opts, given to the constructor fn, to c.
func (c *handlerConfig) apply(fn string, opts []HandlerOption) error {
	for _, o := range opts {
		if o == nil {
			return argError(fn, "opts", "nil option")
		}
		if err := o.applyHandler(c); err != nil {
			return err
		}
	}
	return nil
}

// newWebhookHandler is the handler both NewWebhookHandler and
// NewBotHandler serve with: cfg is already checked.
func newWebhookHandler(secrets signature.SecretSet, fn HandlerFunc, cfg handlerConfig) *WebhookHandler {
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	h := &WebhookHandler{secrets: secrets, fn: fn, cfg: cfg,
		rp: webhookio.Reporter{Pkg: "line", Logger: cfg.logger, OnError: cfg.onErr}}
	h.rn = webhookio.NewRunner(h.runnerConfig(nil))
	return h
}

// runnerConfig is the handler's runner: no budget in synchronous mode (the
// answer is the function's, and so is the request's context), a zero
// budget with WithAsync (acknowledge, then call with a context the work
// timeout ends).
func (h *WebhookHandler) runnerConfig(clock webhookio.Clock) webhookio.RunnerConfig {
	budget := webhookio.NoBudget
	if h.cfg.async {
		budget = 0
	}
	return webhookio.RunnerConfig{
		Budget:      budget,
		WorkTimeout: h.cfg.workTimeout,
		MaxInFlight: h.cfg.maxInFlight,
		Clock:       clock,
		OnError:     h.rp.Report,
	}
}

// ServeHTTP implements http.Handler.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.cfg.queue != nil {
		h.enqueue(w, r)
		return
	}
	cb, bot, err := h.parse(w, r)
	if err != nil {
		h.rp.Fail(w, r, err)
		return
	}
	if cb == nil { // everything was a duplicate
		w.WriteHeader(http.StatusOK)
		return
	}
	c := calls.Get().(*call)
	c.h, c.r, c.cb, c.bot = h, r, cb, bot
	if bot != nil {
		c.job.Key, c.job.Value = botKey{}, bot
	}
	// The runner gives c back to the pool (c.free) when it is done with
	// it: with WithAsync, after the function, which outlives Run.
	if err = webhookio.Run(h.rn, w, r, &c.job); err != nil {
		// No slot came free before the request ended: 503, and LINE's
		// redelivery must be processed.
		h.forget(r, bot, cb)
		h.rp.Fail(w, r, fmt.Errorf("line: %w", err))
	}
}

// call is one request's call of the handler's function. Calls are pooled,
// each with its job bound to it once, so that a request allocates nothing
// to run the function; the runner gives a call back (its job's Done) once
// the function and its late path have returned, which with WithAsync is
// after the request has ended.
type call struct {
	job webhookio.Job[struct{}]
	h   *WebhookHandler
	r   *http.Request
	cb  *Callback
	bot *Bot // the resolved bot of a multi-bot handler
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

// run calls the function; ctx carries the resolved bot of a multi-bot
// handler (the job's Key and Value).
func (c *call) run(ctx context.Context) (struct{}, error) {
	return struct{}{}, c.h.fn(ctx, c.cb)
}

// answer writes the synchronous answer: 200, or 500 (and the events taken
// back) when the function failed.
func (c *call) answer(w http.ResponseWriter, _ struct{}, err error) {
	if err != nil {
		c.h.forget(c.r, c.bot, c.cb)
		c.h.rp.Fail(w, c.r, fmt.Errorf("line: %w: %w", webhookio.ErrCallback, err))
		return
	}
	w.WriteHeader(http.StatusOK)
}

// late reports the failure of a function that ran after the answer.
func (c *call) late(_ context.Context, _ struct{}, err error) {
	if err != nil {
		c.h.rp.Report(c.r, fmt.Errorf("line: %w: %w: %w", webhookio.ErrLate, webhookio.ErrCallback, err))
	}
}

// ack is the asynchronous answer, written before the function runs.
func ack(w http.ResponseWriter) error { return webhookio.WriteAck(w, http.StatusOK, "", nil) }

// Wait blocks until every call of the function has returned, or ctx is
// done. Stop the HTTP server first (http.Server.Shutdown) so no new calls
// start.
func (h *WebhookHandler) Wait(ctx context.Context) error { return h.rn.Wait(ctx) }

// parse reads, verifies and decodes r's callback, drops the events
// already seen, and returns it with the bot it was resolved to (nil on a
// single-bot handler).
func (h *WebhookHandler) parse(w http.ResponseWriter, r *http.Request) (*Callback, *Bot, error) {
	_, cb, bot, err := h.verify(w, r)
	if err != nil {
		return nil, nil, err
	}
	if h.cfg.dedupe == nil || len(cb.Events) == 0 {
		return cb, bot, nil
	}
	kept := cb.Events[:0]
	for _, ev := range cb.Events {
		id := ev.Base().WebhookEventID
		if id == "" {
			kept = append(kept, ev)
			continue
		}
		seen, err := h.cfg.dedupe.Seen(r.Context(), dedupeKey(bot, id))
		if err != nil {
			h.rp.Report(r, fmt.Errorf("line: de-duplication lookup failed, passing the event on: %w", err))
		}
		if !seen || err != nil {
			kept = append(kept, ev)
		}
	}
	clear(cb.Events[len(kept):])
	cb.Events = kept
	if len(kept) == 0 {
		return nil, bot, nil
	}
	return cb, bot, nil
}

// verify reads r's body (bounded), checks its signature (with the
// resolved bot's secret on a multi-bot handler) and decodes it.
func (h *WebhookHandler) verify(w http.ResponseWriter, r *http.Request) ([]byte, *Callback, *Bot, error) {
	if err := webhookio.CheckMethod(r); err != nil {
		return nil, nil, nil, fmt.Errorf("line: %w", err)
	}
	body, err := webhookio.ReadBody(w, r, h.cfg.maxBody)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("line: reading body: %w", err)
	}
	sig, err := signatureOf(r)
	if err != nil {
		return nil, nil, nil, err
	}
	if h.multi != nil {
		if sig == "" {
			// Refused before the resolver is asked: a request that
			// carries no signature cannot be for any bot.
			return nil, nil, nil, errNoSignature
		}
		cb, bot, err := h.multi.parse(r, body, sig)
		if err != nil {
			return nil, nil, nil, err
		}
		return body, cb, bot, nil
	}
	cb, err := Parse(h.secrets, body, sig)
	if err != nil {
		return nil, nil, nil, err
	}
	return body, cb, nil, nil
}

// forget takes back the events of cb that the deduper recorded, when the
// handler is about to ask LINE to redeliver them (a 500 or 503): the redelivery
// must be processed, not dropped as a duplicate. It needs a deduper that
// implements message.Forgetter, as the in-memory one does.
func (h *WebhookHandler) forget(r *http.Request, bot *Bot, cb *Callback) {
	f, ok := h.cfg.dedupe.(message.Forgetter)
	if !ok {
		return
	}
	ctx := context.WithoutCancel(r.Context())
	for _, ev := range cb.Events {
		if id := ev.Base().WebhookEventID; id != "" {
			if err := f.Forget(ctx, dedupeKey(bot, id)); err != nil {
				h.rp.Report(r, fmt.Errorf("line: de-duplication: could not forget a failed event: %w", err))
			}
		}
	}
}
