package naverworks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

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

// DefaultMaxBodyBytes is the default callback body limit: 1 MiB.
const DefaultMaxBodyBytes = webhookio.DefaultMaxBody

// DefaultAckBudget is how long the handler waits for fn before answering
// 200 and letting fn finish in the background.
const DefaultAckBudget = 2 * time.Second

// DefaultWorkTimeout bounds the context fn runs with.
const DefaultWorkTimeout = 30 * time.Second

var errForbidden = signature.ErrForbidden

// VerifySignature checks sig, the X-WORKS-Signature header, against body:
// base64 HMAC-SHA256 keyed with the Bot Secret, compared in constant time.
// It returns nil or an error wrapping [signature.ErrMissing] or
// [signature.ErrMismatch]. An empty botSecret verifies nothing.
func VerifySignature(botSecret string, body []byte, sig string) error {
	if botSecret == "" {
		return fmt.Errorf("naverworks: empty bot secret: %w", signature.ErrMismatch)
	}
	if err := signature.VerifyHMACSHA256([]byte(botSecret), body, sig); err != nil {
		return fmt.Errorf("naverworks: %w", err)
	}
	return nil
}

// Parse verifies body against sig and decodes it. See [ParseEvent] for what
// is tolerated.
func Parse(botSecret string, body []byte, sig string) (Event, error) {
	if err := VerifySignature(botSecret, body, sig); err != nil {
		return nil, err
	}
	return ParseEvent(body)
}

// ParseRequest reads r's body (at most [DefaultMaxBodyBytes]; more is an
// *http.MaxBytesError), verifies its X-WORKS-Signature and decodes it. It
// does not check X-WORKS-BotId; [WebhookHandler] does with [WithBotID].
func ParseRequest(botSecret string, r *http.Request) (Event, error) {
	if r == nil {
		return nil, errors.New("naverworks: nil request")
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
	return Parse(botSecret, body, sig)
}

// signatureOf returns r's X-WORKS-Signature. A request that carries it more
// than once is refused (webhookio.Credential says why).
func signatureOf(r *http.Request) (string, error) {
	sig, err := webhookio.Credential(r.Header, SignatureHeader)
	if err != nil {
		return "", fmt.Errorf("naverworks: %w: %w", signature.ErrMismatch, err)
	}
	return sig, nil
}

// A HandlerOption configures [NewWebhookHandler].
type HandlerOption func(*handlerConfig) error

type handlerConfig struct {
	maxBody     int64
	onErr       webhookio.ErrorFunc
	botID       string
	ackBudget   time.Duration
	workTimeout time.Duration
	logger      *slog.Logger
}

// WithMaxBodyBytes sets the body limit (default [DefaultMaxBodyBytes]);
// a larger body is answered 413.
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(c *handlerConfig) error {
		if n <= 0 {
			return errors.New("naverworks: body limit must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithErrorHandler receives the details of every failed callback: bad
// signature, bad bot ID, malformed body, and errors fn returns (also those
// returned after the handler already answered).
func WithErrorHandler(fn func(*http.Request, error)) HandlerOption {
	return func(c *handlerConfig) error {
		if fn == nil {
			return errors.New("naverworks: nil error handler")
		}
		c.onErr = fn
		return nil
	}
}

// WithBotID makes the handler refuse (403, [ErrBotID]) callbacks whose
// X-WORKS-BotId header is not id, or is sent more than once.
func WithBotID(id string) HandlerOption {
	return func(c *handlerConfig) error {
		if id == "" {
			return errors.New("naverworks: empty bot ID")
		}
		c.botID = id
		return nil
	}
}

// WithAckBudget sets how long the handler waits for fn before it answers
// 200 and lets fn go on in the background (default [DefaultAckBudget]).
// Zero makes the handler answer at once and always run fn in the
// background.
func WithAckBudget(d time.Duration) HandlerOption {
	return func(c *handlerConfig) error {
		if d < 0 {
			return errors.New("naverworks: negative ack budget")
		}
		c.ackBudget = d
		return nil
	}
}

// WithWorkTimeout bounds fn: its context is cancelled after d (default
// [DefaultWorkTimeout]), whether or not the callback was answered.
func WithWorkTimeout(d time.Duration) HandlerOption {
	return func(c *handlerConfig) error {
		if d <= 0 {
			return errors.New("naverworks: work timeout must be positive")
		}
		c.workTimeout = d
		return nil
	}
}

// WithHandlerLogger logs failures at Debug level (never bodies or
// signatures).
func WithHandlerLogger(l *slog.Logger) HandlerOption {
	return func(c *handlerConfig) error {
		if l == nil {
			return errors.New("naverworks: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WebhookHandler is the http.Handler of a bot's Callback URL. Create it with
// [NewWebhookHandler]. It prints (every fmt verb, slog) as
// naverworks.WebhookHandler{Secrets:signature.SecretSet{Len:1}, BotID:"…"},
// never a secret.
type WebhookHandler struct {
	secrets signature.SecretSet
	fn      func(context.Context, Event) error
	cfg     handlerConfig
	wg      sync.WaitGroup
}

func (h *WebhookHandler) form() redact.Form {
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
// bounded by [WithWorkTimeout]. If fn returns within [WithAckBudget] the
// answer is 200, or 500 when fn failed; otherwise the handler answers 200
// and fn finishes in the background, its error going to
// [WithErrorHandler]. Use [WebhookHandler.Wait] on shutdown.
//
// Statuses: 405 not POST, 413 body too large, 401 missing or bad
// signature, 403 wrong bot ID, 400 malformed body, 500 fn failed in time,
// 200 otherwise.
func NewWebhookHandler(secrets signature.SecretSet, fn func(ctx context.Context, ev Event) error, opts ...HandlerOption) (*WebhookHandler, error) {
	if secrets.Len() == 0 {
		return nil, errors.New("naverworks: no bot secret")
	}
	if fn == nil {
		return nil, errors.New("naverworks: nil event function")
	}
	h := &WebhookHandler{secrets: secrets, fn: fn, cfg: handlerConfig{
		maxBody:     DefaultMaxBodyBytes,
		ackBudget:   DefaultAckBudget,
		workTimeout: DefaultWorkTimeout,
	}}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("naverworks: nil HandlerOption")
		}
		if err := o(&h.cfg); err != nil {
			return nil, err
		}
	}
	if h.cfg.logger == nil {
		h.cfg.logger = slog.New(slog.DiscardHandler)
	}
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev, err := h.parse(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), h.cfg.workTimeout)
	if h.cfg.ackBudget == 0 {
		h.background(ctx, cancel, r, ev)
		w.WriteHeader(http.StatusOK)
		return
	}
	done := make(chan error, 1)
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		defer cancel()
		done <- h.call(ctx, ev)
	}()
	t := time.NewTimer(h.cfg.ackBudget)
	select {
	case err := <-done:
		t.Stop()
		if err != nil {
			h.fail(w, r, fmt.Errorf("naverworks: %w: %w", webhookio.ErrCallback, err))
			return
		}
		w.WriteHeader(http.StatusOK)
	case <-t.C:
		w.WriteHeader(http.StatusOK)
		// fn is still working: collect its error when it is done.
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			if err := <-done; err != nil {
				h.report(r, fmt.Errorf("naverworks: %w (after acknowledging): %w", webhookio.ErrCallback, err))
			}
		}()
	}
}

func (h *WebhookHandler) background(ctx context.Context, cancel context.CancelFunc, r *http.Request, ev Event) {
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		defer cancel()
		if err := h.call(ctx, ev); err != nil {
			h.report(r, fmt.Errorf("naverworks: %w (after acknowledging): %w", webhookio.ErrCallback, err))
		}
	}()
}

// call runs fn, turning a panic into an error so that one bad event cannot
// take the server down from a background goroutine.
func (h *WebhookHandler) call(ctx context.Context, ev Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h.fn(ctx, ev)
}

// Wait blocks until every fn call started by the handler has returned, or
// ctx is done. Call it after the HTTP server has stopped accepting requests.
func (h *WebhookHandler) Wait(ctx context.Context) error { return webhookio.Wait(ctx, &h.wg) }

func (h *WebhookHandler) parse(w http.ResponseWriter, r *http.Request) (Event, error) {
	if err := webhookio.CheckMethod(r); err != nil {
		return nil, fmt.Errorf("naverworks: %w", err)
	}
	if h.cfg.botID != "" {
		// A bot ID sent twice is refused like a wrong one.
		if id, err := webhookio.Credential(r.Header, BotIDHeader); err != nil || id != h.cfg.botID {
			return nil, ErrBotID
		}
	}
	body, err := webhookio.ReadBody(w, r, h.cfg.maxBody)
	if err != nil {
		return nil, fmt.Errorf("naverworks: reading body: %w", err)
	}
	sig, err := signatureOf(r)
	if err != nil {
		return nil, err
	}
	if err := h.secrets.VerifyHMACSHA256(body, sig); err != nil {
		return nil, fmt.Errorf("naverworks: %w", err)
	}
	return ParseEvent(body)
}

func (h *WebhookHandler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.cfg.logger.DebugContext(r.Context(), "naverworks: callback failed", "status", webhookio.Status(err), "error", err)
	webhookio.Fail(w, r, err, h.cfg.onErr)
}

func (h *WebhookHandler) report(r *http.Request, err error) {
	h.cfg.logger.Debug("naverworks: callback function failed", "error", err)
	if h.cfg.onErr != nil {
		h.cfg.onErr(r, err)
	}
}
