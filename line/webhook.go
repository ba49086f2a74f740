package line

import (
	"context"
	"errors"
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

// DefaultMaxBodyBytes is the default limit on a webhook body (1 MiB).
const DefaultMaxBodyBytes = 1 << 20

// VerifySignature checks that sig (the X-Line-Signature value) is the
// base64 HMAC-SHA256 of body under the channel secret. It returns nil or an
// error wrapping [signature.ErrMissing] or [signature.ErrMismatch]. The
// comparison is constant-time; an empty secret never verifies.
func VerifySignature(secret string, body []byte, sig string) error {
	if err := signature.VerifyHMACSHA256([]byte(secret), body, sig); err != nil {
		return fmt.Errorf("line: %w", err)
	}
	return nil
}

// Parse verifies sig over body with any secret of secrets (list the current
// channel secret first, and the previous one while you rotate it), then
// decodes the body as [Decode] does. Nothing is decoded unless the
// signature verifies.
func Parse(secrets signature.SecretSet, body []byte, sig string) (*Callback, error) {
	if err := secrets.VerifyHMACSHA256(body, sig); err != nil {
		return nil, fmt.Errorf("line: %w", err)
	}
	return Decode(body)
}

// ParseRequest reads r's body (at most [DefaultMaxBodyBytes]; a longer body
// is an *http.MaxBytesError) and parses it with [Parse].
func ParseRequest(secrets signature.SecretSet, r *http.Request) (*Callback, error) {
	if r == nil {
		return nil, errors.New("line: nil request")
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

// WebhookHandler is an http.Handler for LINE webhooks: it reads the body
// (bounded), checks X-Line-Signature, decodes the events once, drops
// duplicates if a [message.Deduper] is set, and calls your function.
//
// Status codes: 405 for a method other than POST, 413 for a body over the
// limit, 401 for a missing, wrong or repeated signature, 400 for a body
// that is not a callback, 500 when your function returns an error or
// panics, 200 otherwise. Details go to the error handler, never into the
// response.
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
	fn      func(context.Context, *Callback) error
	cfg     handlerConfig
	sem     chan struct{}
	wg      sync.WaitGroup
}

func (h *WebhookHandler) form() redact.Form {
	return redact.Form{Type: "line.WebhookHandler", Fields: []redact.Field{{Name: "Secrets", Value: h.secrets}}}
}

// Format writes how many secrets the handler holds, for every verb.
func (h *WebhookHandler) Format(f fmt.State, verb rune) { h.form().Format(f, verb) }

// LogValue logs how many secrets the handler holds.
func (h *WebhookHandler) LogValue() slog.Value { return h.form().LogValue() }

type handlerConfig struct {
	maxBody int64
	onErr   func(*http.Request, error)
	dedupe  message.Deduper
	async   int
	logger  *slog.Logger
}

// HandlerOption configures a [WebhookHandler].
type HandlerOption func(*handlerConfig) error

// WithMaxBodyBytes sets the body size limit (default 1 MiB).
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(c *handlerConfig) error {
		if n <= 0 {
			return errors.New("line: body limit must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithErrorHandler receives every failure: rejected requests, errors your
// function returns (also in async mode), and de-duplication store errors.
func WithErrorHandler(fn func(*http.Request, error)) HandlerOption {
	return func(c *handlerConfig) error {
		c.onErr = fn
		return nil
	}
}

// WithDeduper drops events whose webhookEventId d has already seen; your
// function never hears of them, and a batch left empty is not passed on at
// all. Events without an ID are always passed on, and so is an event whose
// lookup fails (the error goes to the error handler).
//
// Events are recorded when they arrive. When the handler then answers 500
// (your function failed in the default synchronous mode, or no async worker
// became free), it takes the events back if d implements
// [message.Forgetter] (the in-memory deduper does), so LINE's redelivery is
// processed rather than dropped as a duplicate.
func WithDeduper(d message.Deduper) HandlerOption {
	return func(c *handlerConfig) error {
		if d == nil {
			return errors.New("line: nil deduper")
		}
		c.dedupe = d
		return nil
	}
}

// WithAsync makes the handler answer 200 as soon as a request is verified
// and decoded, and run your function afterwards in a new goroutine, with a
// context that is not cancelled when the request ends. At most maxInFlight
// calls run at once; a request arriving when all are busy waits for a slot
// (and fails with 500 if its own context ends first, so LINE can redeliver).
// Errors from your function go to the error handler. Call
// [WebhookHandler.Wait] on shutdown to let running calls finish.
func WithAsync(maxInFlight int) HandlerOption {
	return func(c *handlerConfig) error {
		if maxInFlight <= 0 {
			return errors.New("line: maxInFlight must be positive")
		}
		c.async = maxInFlight
		return nil
	}
}

// WithHandlerLogger logs rejected requests and callback failures at Debug
// level (never bodies or signatures). The default logs nothing.
func WithHandlerLogger(l *slog.Logger) HandlerOption {
	return func(c *handlerConfig) error {
		if l == nil {
			return errors.New("line: nil logger")
		}
		c.logger = l
		return nil
	}
}

// NewWebhookHandler returns a handler that calls fn with each verified
// callback. secrets must hold at least one channel secret.
func NewWebhookHandler(secrets signature.SecretSet, fn func(ctx context.Context, cb *Callback) error, opts ...HandlerOption) (*WebhookHandler, error) {
	if secrets.Len() == 0 {
		return nil, errors.New("line: missing channel secret")
	}
	if fn == nil {
		return nil, errors.New("line: nil callback function")
	}
	h := &WebhookHandler{secrets: secrets, fn: fn, cfg: handlerConfig{maxBody: DefaultMaxBodyBytes}}
	for _, o := range opts {
		if err := o(&h.cfg); err != nil {
			return nil, err
		}
	}
	if h.cfg.logger == nil {
		h.cfg.logger = slog.New(slog.DiscardHandler)
	}
	if h.cfg.async > 0 {
		h.sem = make(chan struct{}, h.cfg.async)
	}
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cb, err := h.parse(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if cb == nil { // everything was a duplicate
		w.WriteHeader(http.StatusOK)
		return
	}
	if h.sem == nil {
		if err := h.call(r.Context(), cb); err != nil {
			h.forget(r, cb)
			h.fail(w, r, fmt.Errorf("line: %w: %w", webhookio.ErrCallback, err))
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	select {
	case h.sem <- struct{}{}:
	case <-r.Context().Done():
		h.forget(r, cb)
		h.fail(w, r, fmt.Errorf("line: waiting for a free worker: %w", r.Context().Err()))
		return
	}
	ctx := context.WithoutCancel(r.Context())
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		defer func() { <-h.sem }()
		defer func() {
			// No net/http recovery here: a panic would take the process
			// down, so it is reported like an error instead.
			if p := recover(); p != nil {
				h.report(r, fmt.Errorf("line: %w: panic: %v", webhookio.ErrCallback, p))
			}
		}()
		if err := h.fn(ctx, cb); err != nil {
			h.report(r, fmt.Errorf("line: %w: %w", webhookio.ErrCallback, err))
		}
	}()
	w.WriteHeader(http.StatusOK)
}

// call runs fn synchronously, turning a panic into an error so that the
// handler answers 500 and the deduper takes the events back (net/http's
// own recovery would drop the connection and leave them recorded, so
// LINE's redelivery would be discarded as a duplicate).
func (h *WebhookHandler) call(ctx context.Context, cb *Callback) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h.fn(ctx, cb)
}

// Wait blocks until every function started by an async handler has
// returned, or ctx is done. Stop the HTTP server first so no new calls
// start.
func (h *WebhookHandler) Wait(ctx context.Context) error { return webhookio.Wait(ctx, &h.wg) }

func (h *WebhookHandler) parse(w http.ResponseWriter, r *http.Request) (*Callback, error) {
	if err := webhookio.CheckMethod(r); err != nil {
		return nil, fmt.Errorf("line: %w", err)
	}
	body, err := webhookio.ReadBody(w, r, h.cfg.maxBody)
	if err != nil {
		return nil, fmt.Errorf("line: reading body: %w", err)
	}
	sig, err := signatureOf(r)
	if err != nil {
		return nil, err
	}
	cb, err := Parse(h.secrets, body, sig)
	if err != nil {
		return nil, err
	}
	if h.cfg.dedupe == nil || len(cb.Events) == 0 {
		return cb, nil
	}
	kept := cb.Events[:0]
	for _, ev := range cb.Events {
		id := ev.Base().WebhookEventID
		if id == "" {
			kept = append(kept, ev)
			continue
		}
		seen, err := h.cfg.dedupe.Seen(r.Context(), id)
		if err != nil {
			h.report(r, fmt.Errorf("line: de-duplication lookup failed, passing the event on: %w", err))
		}
		if !seen || err != nil {
			kept = append(kept, ev)
		}
	}
	clear(cb.Events[len(kept):])
	cb.Events = kept
	if len(kept) == 0 {
		return nil, nil
	}
	return cb, nil
}

// forget takes back the events of cb that the deduper recorded, when the
// handler is about to ask LINE to redeliver them (a 500): the redelivery
// must be processed, not dropped as a duplicate. It needs a deduper that
// implements message.Forgetter, as the in-memory one does.
func (h *WebhookHandler) forget(r *http.Request, cb *Callback) {
	f, ok := h.cfg.dedupe.(message.Forgetter)
	if !ok {
		return
	}
	ctx := context.WithoutCancel(r.Context())
	for _, ev := range cb.Events {
		if id := ev.Base().WebhookEventID; id != "" {
			if err := f.Forget(ctx, id); err != nil {
				h.report(r, fmt.Errorf("line: de-duplication: could not forget a failed event: %w", err))
			}
		}
	}
}

func (h *WebhookHandler) fail(w http.ResponseWriter, r *http.Request, err error) {
	webhookio.Fail(w, r, err, nil)
	h.report(r, err)
}

func (h *WebhookHandler) report(r *http.Request, err error) {
	h.cfg.logger.DebugContext(r.Context(), "line: webhook", "error", err.Error())
	if h.cfg.onErr != nil {
		h.cfg.onErr(r, err)
	}
}
