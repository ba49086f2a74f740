package clova

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

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
// does, but refuses a request that carries it more than once (under any
// spelling of the name): see webhookio.Credential.
func signatureOf(h http.Header) (string, error) {
	n := len(h[canonicalSignatureHeader])
	for k, vs := range h {
		if k != canonicalSignatureHeader && strings.EqualFold(k, SignatureHeader) {
			n += len(vs)
		}
	}
	if n > 1 {
		return "", fmt.Errorf("clova: %w: %s %w", signature.ErrMismatch, SignatureHeader, webhookio.ErrRepeatedHeader)
	}
	return SignatureFrom(h), nil
}

// Parse verifies body against sig with pub and decodes it. Errors wrap
// [signature.ErrMissing], [signature.ErrMismatch] or [ErrMalformed]. Parse
// does not check the application ID: see [Request.CheckApplicationID].
func Parse(pub *rsa.PublicKey, body []byte, sig string) (*Request, error) {
	if err := VerifySignature(pub, body, sig); err != nil {
		return nil, err
	}
	req := new(Request)
	if err := req.UnmarshalJSON(body); err != nil {
		return nil, err
	}
	return req, nil
}

// ParseRequest reads r's body (at most 1 MiB; a longer body is an
// *http.MaxBytesError), verifies its SignatureCEK header with pub and
// decodes it.
func ParseRequest(pub *rsa.PublicKey, r *http.Request) (*Request, error) {
	if r == nil {
		return nil, errors.New("clova: nil request")
	}
	body, err := webhookio.ReadRequest(r, webhookio.DefaultMaxBody)
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

// ExtensionHandler is an http.Handler that serves a CEK custom extension:
// it verifies each request's signature and application ID, calls the
// HandlerFunc, validates its response and writes it.
//
// Status codes: 405 for a method other than POST, 413 for a body over the
// limit, 401 for a missing, invalid or repeated signature, 403 for a
// request signed by CLOVA but addressed to another extension (application
// ID mismatch),
// 400 for a body that does not decode, 503 when the verification key cannot
// be fetched, 500 when the HandlerFunc fails, panics or returns an invalid
// response, 200 otherwise. Response bodies of failures are empty; details
// go to [WithErrorHandler] and the logger.
//
// An ExtensionHandler is safe for concurrent use. It prints (every fmt
// verb, slog) as clova.ExtensionHandler{ExtensionID:"…"}.
type ExtensionHandler struct {
	extensionID string
	fn          HandlerFunc
	keys        keySource
	insecure    bool
	maxBody     int64
	onErr       webhookio.ErrorFunc
	log         *slog.Logger
}

func (h *ExtensionHandler) form() redact.Form {
	return redact.Form{Type: "clova.ExtensionHandler", Fields: []redact.Field{{Name: "ExtensionID", Value: h.extensionID}}}
}

// Format writes the handler's extension ID, for every verb.
func (h *ExtensionHandler) Format(f fmt.State, verb rune) { h.form().Format(f, verb) }

// LogValue logs the handler's extension ID.
func (h *ExtensionHandler) LogValue() slog.Value { return h.form().LogValue() }

type handlerConfig struct {
	key      *rsa.PublicKey
	keyURL   string
	refresh  time.Duration
	http     *http.Client
	now      func() time.Time
	insecure bool
	maxBody  int64
	onErr    webhookio.ErrorFunc
	log      *slog.Logger
	keySetBy string
}

// HandlerOption configures an [ExtensionHandler].
type HandlerOption func(*handlerConfig) error

// WithPublicKey verifies with pub instead of the embedded production key
// (for CLOVA's development key, or a test key).
func WithPublicKey(pub *rsa.PublicKey) HandlerOption {
	return func(c *handlerConfig) error {
		if pub == nil || pub.N == nil {
			return errors.New("clova: WithPublicKey: nil key")
		}
		if pub.N.BitLen() < minKeyBits {
			return fmt.Errorf("clova: WithPublicKey: key has %d bits, want at least %d", pub.N.BitLen(), minKeyBits)
		}
		if c.keySetBy != "" {
			return fmt.Errorf("clova: WithPublicKey conflicts with %s", c.keySetBy)
		}
		c.key, c.keySetBy = pub, "WithPublicKey"
		return nil
	}
}

// WithPublicKeyURL verifies with the PEM key served at keyURL (for example
// https://clova-cek-requests.line.me/.well-known/signature-public-key.pem).
// The key is fetched on the first request, not by the constructor, cached,
// and fetched again once it is older than refresh (0 means 24 hours). At
// most one fetch is in flight: requests that arrive meanwhile wait for it,
// or keep using the cached key.
//
// A failed fetch is retried by the first request after a backoff that
// starts at 1 s and doubles with each consecutive failure up to 10 s (1, 2,
// 4, 8, 10, 10, … s; never longer than refresh), so a key server that comes
// back is used within seconds. Until then a cached key stays in use; if no
// key was ever fetched, requests fail closed with [ErrKeyUnavailable] (503).
// A signature that does not verify with the cached key triggers at most one
// early re-fetch per minute, to follow a key rotation.
func WithPublicKeyURL(keyURL string, refresh time.Duration) HandlerOption {
	return func(c *handlerConfig) error {
		if _, err := rest.ParseBaseURL(keyURL); err != nil {
			return fmt.Errorf("clova: WithPublicKeyURL: %w", err)
		}
		if refresh < 0 {
			return errors.New("clova: WithPublicKeyURL: negative refresh interval")
		}
		if c.keySetBy != "" {
			return fmt.Errorf("clova: WithPublicKeyURL conflicts with %s", c.keySetBy)
		}
		if refresh == 0 {
			refresh = 24 * time.Hour
		}
		c.keyURL, c.refresh, c.keySetBy = keyURL, refresh, "WithPublicKeyURL"
		return nil
	}
}

// WithKeyHTTPClient sets the client that fetches the [WithPublicKeyURL] key
// (default: a client with a 30 s timeout). The client is copied.
func WithKeyHTTPClient(hc *http.Client) HandlerOption {
	return func(c *handlerConfig) error {
		cc, err := rest.CopyHTTPClient(hc)
		if err != nil {
			return fmt.Errorf("clova: WithKeyHTTPClient: %w", err)
		}
		c.http = cc
		return nil
	}
}

// WithClock makes the handler read time from now (key cache ages and the
// [WithPublicKeyURL] retry backoff), for tests.
func WithClock(now func() time.Time) HandlerOption {
	return func(c *handlerConfig) error {
		if now == nil {
			return errors.New("clova: WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// InsecureSkipVerify turns off signature verification. It exists only for
// local testing with tools that cannot sign (a curl session, a simulator
// without CLOVA's private key). Never use it in production: anyone could
// then call the extension as any user. The application ID is still checked.
func InsecureSkipVerify() HandlerOption {
	return func(c *handlerConfig) error {
		c.insecure = true
		return nil
	}
}

// WithMaxBodyBytes bounds the request body (default 1 MiB).
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(c *handlerConfig) error {
		if n <= 0 {
			return errors.New("clova: WithMaxBodyBytes: limit must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithErrorHandler receives the details of every failed request. The error
// never contains the body, the signature or the access token.
func WithErrorHandler(fn func(*http.Request, error)) HandlerOption {
	return func(c *handlerConfig) error {
		c.onErr = fn
		return nil
	}
}

// WithLogger logs failures at Debug level. Bodies, signatures and tokens are
// never logged.
func WithLogger(l *slog.Logger) HandlerOption {
	return func(c *handlerConfig) error {
		if l == nil {
			return errors.New("clova: WithLogger: nil logger")
		}
		c.log = l
		return nil
	}
}

// NewExtensionHandler returns a handler for the extension extensionID (its
// Extension ID, "com.example.extension.pizzabot"), which answers with fn.
// Requests are verified with the embedded production key unless an option
// says otherwise.
func NewExtensionHandler(extensionID string, fn HandlerFunc, opts ...HandlerOption) (*ExtensionHandler, error) {
	if extensionID == "" {
		return nil, errors.New("clova: extension ID must not be empty")
	}
	if fn == nil {
		return nil, errors.New("clova: handler function must not be nil")
	}
	c := handlerConfig{now: time.Now, maxBody: webhookio.DefaultMaxBody}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("clova: nil HandlerOption")
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	h := &ExtensionHandler{extensionID: extensionID, fn: fn, insecure: c.insecure, maxBody: c.maxBody, onErr: c.onErr, log: c.log}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	switch {
	case c.keyURL != "":
		hc := c.http
		if hc == nil {
			hc = rest.NewHTTPClient()
		}
		h.keys = newRemoteKey(c.keyURL, c.refresh, hc, c.now)
	case c.key != nil:
		h.keys = staticKey{c.key}
	default:
		h.keys = staticKey{ProductionPublicKey()}
	}
	return h, nil
}

// ServeHTTP verifies, decodes and answers one CEK request; see
// [ExtensionHandler] for the status codes.
func (h *ExtensionHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	resp, err := h.serve(w, r)
	if err != nil {
		h.log.DebugContext(r.Context(), "clova: CEK request failed", "status", status(err), "error", err)
		code := status(err)
		w.WriteHeader(code)
		if h.onErr != nil {
			h.onErr(r, err)
		}
		return
	}
	webhookio.WriteJSON(w, resp)
}

// serve does everything but writing, and returns the encoded response.
func (h *ExtensionHandler) serve(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if err := webhookio.CheckMethod(r); err != nil {
		w.Header().Set("Allow", http.MethodPost)
		return nil, fmt.Errorf("clova: %w", err)
	}
	body, err := webhookio.ReadBody(w, r, h.maxBody)
	if err != nil {
		return nil, fmt.Errorf("clova: reading body: %w", err)
	}
	if !h.insecure {
		sig, err := signatureOf(r.Header)
		if err != nil {
			return nil, err
		}
		if err := h.verify(r.Context(), body, sig); err != nil {
			return nil, err
		}
	}
	req := new(Request)
	if err := req.UnmarshalJSON(body); err != nil {
		return nil, err
	}
	if err := req.CheckApplicationID(h.extensionID); err != nil {
		return nil, err
	}
	resp, err := h.call(r.Context(), req)
	if err != nil {
		return nil, fmt.Errorf("clova: %w: %w", webhookio.ErrCallback, err)
	}
	if resp == nil {
		resp = &Response{Response: ResponseBody{ShouldEndSession: true}}
	}
	if err := resp.Validate(); err != nil {
		return nil, fmt.Errorf("clova: %w: invalid response: %w", webhookio.ErrCallback, err)
	}
	// An empty version echoes the request's; the caller's value is not
	// modified.
	out, err := resp.marshal(req.Version)
	if err != nil {
		return nil, fmt.Errorf("clova: %w: encoding response: %w", webhookio.ErrCallback, err)
	}
	return out, nil
}

// call runs fn, turning a panic into an error so that CLOVA is answered
// 500 like for any other failure (net/http's own recovery would drop the
// connection and log a stack trace).
func (h *ExtensionHandler) call(ctx context.Context, req *Request) (resp *Response, err error) {
	defer func() {
		if p := recover(); p != nil {
			resp, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	return h.fn(ctx, req)
}

func (h *ExtensionHandler) verify(ctx context.Context, body []byte, sig string) error {
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
