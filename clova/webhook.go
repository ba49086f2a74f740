package clova

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/signature"
)

// SignatureHeader is the header that carries a CEK request's signature.
// Header names are case-insensitive; [SignatureFrom] reads it whatever the
// case.
const SignatureHeader = "SignatureCEK"

// canonicalSignatureHeader is SignatureHeader as net/http stores it.
var canonicalSignatureHeader = http.CanonicalHeaderKey(SignatureHeader)

// VerifySignature reports whether sig, the base64 SignatureCEK header, is an
// RSASSA-PKCS1-v1_5 SHA-256 signature of body under pub. It returns nil or
// an error wrapping [signature.ErrMissing] (no signature) or
// [signature.ErrMismatch] (wrong key, altered body, truncated or non-base64
// signature). A nil key verifies nothing. Use [ProductionPublicKey] for
// CLOVA's key.
func VerifySignature(pub *rsa.PublicKey, body []byte, sig string) error {
	if err := signature.VerifyRSASHA256(pub, body, strings.TrimSpace(sig)); err != nil {
		return fmt.Errorf("clova: %w", err)
	}
	return nil
}

// SignatureFrom returns the SignatureCEK header of h, matching the name
// case-insensitively even in a header map built by hand.
func SignatureFrom(h http.Header) string {
	if vs := h[canonicalSignatureHeader]; len(vs) > 0 && vs[0] != "" {
		return vs[0]
	}
	for k, vs := range h {
		if len(vs) > 0 && strings.EqualFold(k, SignatureHeader) {
			return vs[0]
		}
	}
	return ""
}

// signatureOf returns the SignatureCEK header of h as [SignatureFrom]
// does, but refuses a request that carries it more than once, under any
// spelling of the name: webhookio.Credential reads the canonical key, and
// a header map built by hand may hold other spellings.
func signatureOf(h http.Header) (string, error) {
	// The canonical key, so that Credential need not canonicalise (and
	// allocate) on every request.
	sig, err := webhookio.Credential(h, canonicalSignatureHeader)
	n := len(h[canonicalSignatureHeader])
	for k, vs := range h {
		if k != canonicalSignatureHeader && strings.EqualFold(k, SignatureHeader) {
			n += len(vs)
			if sig == "" && len(vs) > 0 {
				sig = vs[0]
			}
		}
	}
	if err != nil || n > 1 {
		return "", fmt.Errorf("clova: %w: %s %w", signature.ErrMismatch, SignatureHeader, webhookio.ErrRepeatedHeader)
	}
	return sig, nil
}

// Decode decodes a CEK request body that is already trusted (verified by
// [VerifySignature], or read from your own store). It checks nothing. An
// error wraps [ErrMalformed] and never quotes the body.
func Decode(body []byte) (*Request, error) {
	req := new(Request)
	if err := req.UnmarshalJSON(body); err != nil {
		return nil, err
	}
	return req, nil
}

// Parse verifies body against sig with pub, then decodes it as [Decode]
// does. Errors wrap [signature.ErrMissing], [signature.ErrMismatch] or
// [ErrMalformed]. Parse does not check the application ID: see
// [Request.CheckApplicationID].
func Parse(pub *rsa.PublicKey, body []byte, sig string) (*Request, error) {
	if err := VerifySignature(pub, body, sig); err != nil {
		return nil, err
	}
	return Decode(body)
}

// ParseRequest reads r's body (at most [DefaultMaxBodyBytes]; a longer
// body is an *http.MaxBytesError), verifies its SignatureCEK header with
// pub (a header sent twice is refused) and decodes it.
func ParseRequest(pub *rsa.PublicKey, r *http.Request) (*Request, error) {
	if r == nil {
		return nil, argError("ParseRequest", "r", "is nil")
	}
	if err := webhookio.CheckMethod(r); err != nil {
		return nil, fmt.Errorf("clova: %w", err)
	}
	body, err := webhookio.ReadRequest(r, DefaultMaxBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("clova: reading body: %w", err)
	}
	sig, err := signatureOf(r.Header)
	if err != nil {
		return nil, err
	}
	return Parse(pub, body, sig)
}

// CheckApplicationID returns nil if the request is addressed to the
// extension extensionID, and otherwise an error wrapping [ErrApplicationID]
// (and so [signature.ErrForbidden]).
func (r *Request) CheckApplicationID(extensionID string) error {
	if extensionID == "" || r.ApplicationID() != extensionID {
		return ErrApplicationID
	}
	return nil
}

// HandlerFunc answers one verified CEK request. A nil response with a nil
// error answers an empty response that ends the session. An error answers
// 500 and is passed to the error handler; so does a panic, which the
// handler recovers.
type HandlerFunc func(ctx context.Context, req *Request) (*Response, error)

// WebhookHandler is an http.Handler that serves a CEK custom extension:
// it verifies each request's signature and application ID, calls the
// HandlerFunc, validates its response and writes it. CEK waits for the
// answer, so the function runs on the request's goroutine, however long it
// takes; at most [WithMaxInFlight] calls run at once.
//
// Status codes: 405 for a method other than POST, 413 for a body over the
// limit, 401 for a missing, invalid or repeated signature, 403 for a
// request signed by CLOVA but addressed to another extension (application
// ID mismatch), 400 for a body that does not decode, 503 when the
// verification key cannot be fetched or no slot under the in-flight cap
// came free before the request ended ([ErrBusy]), 500 when the HandlerFunc
// fails, panics or returns an invalid response, 200 otherwise. Response
// bodies of failures are empty; details go to [WithErrorHandler] and the
// logger.
//
// A WebhookHandler is safe for concurrent use. It prints (every fmt verb,
// slog) as clova.WebhookHandler{ExtensionID:"…"}.
type WebhookHandler struct {
	extensionID string
	fn          HandlerFunc
	keys        keySource
	insecure    bool
	maxBody     int64
	rp          webhookio.Reporter
	maxInFlight int
	runner      *webhookio.Runner
	// bot, when set, answers instead of fn: the handler is a BotHandler's.
	bot *BotHandler
	// bots, when set, resolves each request's extension: the handler is a
	// multi-bot handler, and extensionID is empty.
	bots    *botset.Cache[*Bot]
	botPath string
}

func (h *WebhookHandler) form() redact.Form {
	return redact.Form{Type: "clova.WebhookHandler", Fields: []redact.Field{{Name: "ExtensionID", Value: h.extensionID}}}
}

// Format writes the handler's extension ID, for every verb.
func (h *WebhookHandler) Format(f fmt.State, verb rune) { h.form().Format(f, verb) }

// LogValue logs the handler's extension ID.
func (h *WebhookHandler) LogValue() slog.Value { return h.form().LogValue() }

// NewWebhookHandler returns a handler for the extension extensionID (its
// Extension ID, "com.example.extension.pizzabot"), which answers with fn.
// Requests are verified with the embedded production key unless an option
// says otherwise. An empty extension ID, a nil fn and a nil or failing
// option are errors.
func NewWebhookHandler(extensionID string, fn HandlerFunc, opts ...HandlerOption) (*WebhookHandler, error) {
	if extensionID == "" {
		return nil, argError("NewWebhookHandler", "extensionID", "is empty")
	}
	if fn == nil {
		return nil, argError("NewWebhookHandler", "fn", "is nil")
	}
	h, c, err := newWebhookHandler("NewWebhookHandler", extensionID, opts)
	if err != nil {
		return nil, err
	}
	if c.botOnly != "" {
		return nil, argError("NewWebhookHandler", "opts", c.botOnly+" only configures a BotHandler")
	}
	if c.multiOnly != "" {
		return nil, argError("NewWebhookHandler", "opts", c.multiOnly+" only configures a multi-bot handler")
	}
	h.fn = fn
	return h, nil
}

// newWebhookHandler builds the handler that NewWebhookHandler and
// NewBotHandler (named by ctor in argument errors) share, without its
// function, and returns the configuration the options made.
func newWebhookHandler(ctor, extensionID string, opts []HandlerOption) (*WebhookHandler, *handlerConfig, error) {
	c := handlerConfig{common: common{now: time.Now}, maxBody: DefaultMaxBodyBytes}
	for _, o := range opts {
		if o == nil {
			return nil, nil, argError(ctor, "opts", "holds a nil HandlerOption")
		}
		if err := o.applyHandler(&c); err != nil {
			return nil, nil, err
		}
	}
	h := &WebhookHandler{extensionID: extensionID, insecure: c.insecure, maxBody: c.maxBody, maxInFlight: c.maxInFlight,
		rp: webhookio.Reporter{Pkg: "clova", Logger: c.log, OnError: c.onErr, Status: status}}
	h.runner = h.newRunner(nil)
	switch {
	case c.keyURL != "":
		hc := c.keyHTTP
		if hc == nil {
			hc = rest.NewHTTPClient()
		}
		h.keys = newRemoteKey(c.keyURL, c.refresh, hc, c.now)
	case c.key != nil:
		h.keys = staticKey{c.key}
	default:
		h.keys = staticKey{ProductionPublicKey()}
	}
	return h, &c, nil
}

// ServeHTTP verifies, decodes and answers one CEK request; see
// [WebhookHandler] for the status codes.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, bot, err := h.read(w, r)
	if err != nil {
		h.rp.Fail(w, r, err)
		return
	}
	c := calls.Get().(*call)
	c.h, c.r, c.req, c.bot = h, r, req, bot
	if bot != nil {
		c.job.Key, c.job.Value = botKey{}, bot
	}
	// The runner gives c back to the pool (c.free) when it is done with
	// it: before Run returns, since CEK answers synchronously.
	if err = webhookio.Run(h.runner, w, r, &c.job); err != nil {
		h.rp.Fail(w, r, fmt.Errorf("clova: %w", err))
	}
}

// call is one request's job for the runner. CEK answers synchronously
// (NoBudget): the runner is done with the job (and gives it back, its
// Done) before Run returns, so calls are pooled, and a request costs the
// runner no allocation.
type call struct {
	h   *WebhookHandler
	r   *http.Request
	req *Request
	bot *Bot // the resolved bot, in a multi-bot handler
	job webhookio.Job[*Response]
}

var calls sync.Pool // of *call; its New is set in init, since free puts back into it

func init() {
	calls.New = func() any {
		c := new(call)
		c.job.Run = c.run
		c.job.Answer = c.answer
		c.job.Done = c.free
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
func (c *call) run(ctx context.Context) (*Response, error) {
	if c.h.bot != nil {
		return c.h.bot.run(ctx, c.r, c.req, c.bot)
	}
	return c.h.fn(ctx, c.req)
}

func (c *call) answer(w http.ResponseWriter, resp *Response, err error) {
	c.h.answer(w, c.r, c.req, resp, err)
}

// Wait blocks until every call of the function has returned, or ctx is
// done. CEK answers are synchronous, so after http.Server.Shutdown nothing
// is left running; Wait exists so that every channelkit handler shuts
// down the same way.
func (h *WebhookHandler) Wait(ctx context.Context) error { return h.runner.Wait(ctx) }

// newRunner returns the handler's runner on clock (nil: the wall clock).
// CEK waits for the answer: there is no budget.
func (h *WebhookHandler) newRunner(clock webhookio.Clock) *webhookio.Runner {
	return webhookio.NewRunner(webhookio.RunnerConfig{Budget: webhookio.NoBudget, MaxInFlight: h.maxInFlight, Clock: clock, OnError: h.rp.Report})
}

// read checks and decodes the request, everything before the function,
// and in a multi-bot handler resolves the bot it is for (after the
// signature check: CLOVA's key proves CLOVA sent it).
func (h *WebhookHandler) read(w http.ResponseWriter, r *http.Request) (*Request, *Bot, error) {
	if err := webhookio.CheckMethod(r); err != nil {
		return nil, nil, fmt.Errorf("clova: %w", err)
	}
	body, err := webhookio.ReadBody(w, r, h.maxBody)
	if err != nil {
		return nil, nil, fmt.Errorf("clova: reading body: %w", err)
	}
	if !h.insecure {
		sig, err := signatureOf(r.Header)
		if err != nil {
			return nil, nil, err
		}
		if err := h.verify(r.Context(), body, sig); err != nil {
			return nil, nil, err
		}
	}
	req, err := Decode(body)
	if err != nil {
		return nil, nil, err
	}
	if h.bots != nil {
		bot, err := h.resolve(r, req)
		if err != nil {
			return nil, nil, err
		}
		return req, bot, nil
	}
	if err := req.CheckApplicationID(h.extensionID); err != nil {
		return nil, nil, err
	}
	return req, nil, nil
}

// answer validates and writes the function's response.
func (h *WebhookHandler) answer(w http.ResponseWriter, r *http.Request, req *Request, resp *Response, err error) {
	if err != nil {
		h.rp.Fail(w, r, fmt.Errorf("clova: %w: %w", ErrCallback, err))
		return
	}
	if resp == nil {
		resp = &Response{Response: ResponseBody{ShouldEndSession: true}}
	}
	if err := resp.Validate(); err != nil {
		h.rp.Fail(w, r, fmt.Errorf("clova: %w: invalid response: %w", ErrCallback, err))
		return
	}
	// An empty version echoes the request's; the caller's value is not
	// modified.
	out, err := resp.marshal(req.Version)
	if err != nil {
		h.rp.Fail(w, r, fmt.Errorf("clova: %w: encoding response: %w", ErrCallback, err))
		return
	}
	webhookio.WriteJSON(w, out)
}

func (h *WebhookHandler) verify(ctx context.Context, body []byte, sig string) error {
	if sig == "" {
		return fmt.Errorf("clova: %w", signature.ErrMissing)
	}
	pub, err := h.keys.key(ctx, false)
	if err != nil {
		return err
	}
	err = VerifySignature(pub, body, sig)
	if err == nil || !errors.Is(err, signature.ErrMismatch) {
		return err
	}
	// The key may have been rotated: a remote source may fetch once more.
	if fresh, ferr := h.keys.key(ctx, true); ferr == nil && fresh != pub {
		return VerifySignature(fresh, body, sig)
	}
	return err
}
