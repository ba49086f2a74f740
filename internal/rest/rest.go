package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/version"
)

// MaxErrorBody bounds how much of an error response is read and kept.
const MaxErrorBody = 64 << 10

// MaxBody bounds how much of a successful JSON response is read.
const MaxBody = 16 << 20

// ErrBodyTooLarge reports a successful response whose body exceeds MaxBody.
var ErrBodyTooLarge = fmt.Errorf("response body exceeds %d bytes", MaxBody)

// DefaultTimeout is the timeout of the *http.Client used when none is given.
const DefaultTimeout = 30 * time.Second

// NewHTTPClient returns the default client: its own transport settings are
// the standard library's, with a timeout. It is never http.DefaultClient.
func NewHTTPClient() *http.Client { return &http.Client{Timeout: DefaultTimeout} }

// CopyHTTPClient returns a shallow copy of c so later changes by the caller
// do not reach a configured client. nil is an error.
func CopyHTTPClient(c *http.Client) (*http.Client, error) {
	if c == nil {
		return nil, errors.New("HTTP client must not be nil")
	}
	cc := *c
	return &cc, nil
}

// ParseBaseURL parses an absolute http(s) base URL and makes sure its path
// ends in a slash, so that relative paths resolve under it.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error quotes the whole URL, user:password included.
		return nil, errors.New("bad base URL: not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("bad base URL: not an absolute http(s) URL")
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

// Response is a completed HTTP exchange whose body has been read.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// Attempts is how many times the request was sent.
	Attempts int
}

// CheckFunc turns a response into a platform error, or returns nil when the
// response is a success. It sees every response, 2xx included, because some
// platforms report failures inside an HTTP 200 envelope.
type CheckFunc func(*Response) error

// RetryAfterFunc extracts how long the server asks us to wait from a
// throttled response; nil means ParseRetryAfter.
type RetryAfterFunc func(*Response, time.Time) time.Duration

// Client sends requests for a platform package. It is immutable after
// construction and safe for concurrent use.
type Client struct {
	HTTP      *http.Client
	BaseURL   *url.URL
	UserAgent string
	Logger    *slog.Logger
	Retry     Retry
	// Check classifies responses; required.
	Check CheckFunc
	// RetryAfter reads a throttled response's wait; nil means ParseRetryAfter.
	RetryAfter RetryAfterFunc
	// Auth sets credentials on each attempt (for example a bearer token
	// fetched from a token source); nil sets none.
	Auth func(ctx context.Context, h http.Header) error
	// Refresh, with Auth, is called when the server refuses the
	// credentials an attempt carried (see Unauthorized). It receives that
	// attempt's header, drops the credentials in it and reports whether
	// fresh ones can be had; if so the request is sent once more at once,
	// with Auth called anew. It is called at most once per call: a second
	// refusal is returned. The extra send counts against no retry policy,
	// since a refused request was not acted on. nil never refreshes.
	Refresh func(ctx context.Context, refused http.Header) bool
	// Unauthorized reports whether a failed attempt means that its
	// credentials were refused: it sees the response and the error Check
	// made of it. nil means HTTP 401.
	Unauthorized func(*Response, error) bool
	// OnError receives the failures a caller never sees: each failed
	// attempt that is then retried or refreshed. nil drops them. It must
	// not block.
	OnError func(ctx context.Context, err error)

	// For tests: time and randomness.
	Now   func() time.Time
	Sleep func(context.Context, time.Duration) error
	Rand  func(int64) int64
}

// Request describes one logical call.
type Request struct {
	Method string
	// Path is relative to BaseURL ("v2/bot/message/reply"), or absolute
	// ("https://…") for the few APIs that live on another host.
	Path   string
	Query  url.Values
	Header http.Header
	// Body is sent as is; JSON, if non-nil, is encoded instead and sets
	// Content-Type: application/json.
	Body        []byte
	JSON        any
	ContentType string
	// Idempotent allows retries after the server may have seen the request
	// (5xx, 429, connection reset). Without it only failures that prove the
	// request never left (dial errors) are retried.
	Idempotent bool
	// RetryOn, when set, decides for an idempotent request whether a
	// failure may be retried: a response Check rejected, or (with a nil
	// *Response) a network error after the request may have reached the
	// server. Failures that prove nothing was sent are retried regardless.
	RetryOn func(*Response, error) bool
	// Stream returns the response with its body unread (for downloads).
	// Only successful responses are streamed; failures are read and checked.
	Stream bool
}

// Result of a streamed request.
type Stream struct {
	StatusCode int
	Header     http.Header
	Body       io.ReadCloser
}

// Do sends req, retrying per the client's policy, and returns the read
// response or the error Check made of it.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	resp, _, err := c.do(ctx, req)
	return resp, err
}

// DoStream is Do for downloads: on success the caller must close the body.
func (c *Client) DoStream(ctx context.Context, req *Request) (*Stream, error) {
	r := *req
	r.Stream = true
	resp, s, err := c.do(ctx, &r)
	if err == nil && s == nil {
		// Check accepted a non-2xx answer (a redirect the HTTP client did
		// not follow): there is no body to stream.
		return nil, &StatusError{StatusCode: resp.StatusCode}
	}
	return s, err
}

func (c *Client) do(ctx context.Context, req *Request) (*Response, *Stream, error) {
	if ctx == nil {
		return nil, nil, errors.New("nil context")
	}
	body := req.Body
	ctype := req.ContentType
	if req.JSON != nil {
		b, err := json.Marshal(req.JSON)
		if err != nil {
			return nil, nil, fmt.Errorf("encoding request: %w", err)
		}
		body = b
		if ctype == "" {
			ctype = "application/json"
		}
	}
	target, err := c.resolve(req)
	if err != nil {
		return nil, nil, err
	}
	now, sleep, rnd := c.Now, c.Sleep, c.Rand
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = Sleep
	}
	if rnd == nil {
		rnd = defaultRand
	}
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	max := c.Retry.attempts()
	refreshed := false
	sends := 0
	for attempt := 1; ; attempt++ {
		sends++
		a := c.once(ctx, req, target, body, ctype, sends, now)
		resp, err, wait := a.resp, a.err, a.wait
		if err == nil {
			return resp, a.stream, nil
		}
		if !refreshed && ctx.Err() == nil && c.refused(a) {
			refreshed = true
			if c.Refresh(ctx, a.header) {
				c.report(ctx, err)
				log.DebugContext(ctx, "channelkit: credentials refused, refreshing once", "method", req.Method, "host", target.Host)
				attempt-- // the extra send is no retry
				continue
			}
		}
		if !a.retryable || attempt >= max || ctx.Err() != nil {
			return resp, nil, err
		}
		if wait == 0 {
			wait = c.Retry.backoff(attempt, rnd)
		} else if c.Retry.MaxDelay > 0 && wait > c.Retry.MaxDelay {
			// The server wants us to wait longer than we are willing to:
			// give the caller its error now.
			return resp, nil, err
		}
		c.report(ctx, err)
		// Method and host only: some platforms put credentials in the path
		// (Kakao callback URLs are themselves the credential).
		log.DebugContext(ctx, "channelkit: retrying", "method", req.Method, "host", target.Host, "attempt", attempt, "wait", wait)
		if serr := sleep(ctx, wait); serr != nil {
			return resp, nil, err
		}
	}
}

// refused reports whether a's failure is the server refusing credentials
// that Refresh may renew.
func (c *Client) refused(a attemptResult) bool {
	if c.Auth == nil || c.Refresh == nil || a.resp == nil || a.header == nil {
		return false
	}
	if c.Unauthorized != nil {
		return c.Unauthorized(a.resp, a.err)
	}
	return a.resp.StatusCode == http.StatusUnauthorized
}

// report hands a failure the caller will not see to OnError.
func (c *Client) report(ctx context.Context, err error) {
	if c.OnError != nil {
		c.OnError(ctx, err)
	}
}

func (c *Client) resolve(req *Request) (*url.URL, error) {
	ref, err := url.Parse(req.Path)
	if err != nil {
		// url.Error's text holds the whole URL, which may be a credential.
		return nil, errors.New("bad request path")
	}
	var u *url.URL
	if ref.IsAbs() {
		u = ref
	} else {
		if c.BaseURL == nil {
			return nil, errors.New("no base URL")
		}
		// Keep RawPath: an escaped "/" inside a path segment (%2F, as in
		// NAVER WORKS file IDs) must survive resolution.
		rel := &url.URL{Path: strings.TrimPrefix(ref.Path, "/"), RawPath: strings.TrimPrefix(ref.RawPath, "/"), RawQuery: ref.RawQuery}
		u = c.BaseURL.ResolveReference(rel)
	}
	if len(req.Query) > 0 {
		q := u.Query()
		for k, vs := range req.Query {
			for _, v := range vs {
				q.Add(k, v)
			}
		}
		u.RawQuery = q.Encode()
	}
	return u, nil
}

// attemptResult is the outcome of one attempt: the response or stream, the
// error, whether a failure may be retried, and how long the server asked us
// to wait before retrying.
type attemptResult struct {
	// header is what the request carried, credentials included, when it
	// was sent.
	header    http.Header
	resp      *Response
	stream    *Stream
	err       error
	retryable bool
	wait      time.Duration
}

// once sends one attempt.
func (c *Client) once(ctx context.Context, req *Request, target *url.URL, body []byte, ctype string, attempt int, now func() time.Time) attemptResult {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, target.String(), rd)
	if err != nil {
		return attemptResult{err: fmt.Errorf("building request: %w", err)}
	}
	for k, vs := range req.Header {
		hr.Header[k] = append([]string(nil), vs...)
	}
	if ctype != "" {
		hr.Header.Set("Content-Type", ctype)
	}
	ua := c.UserAgent
	if ua == "" {
		ua = version.UserAgent
	}
	hr.Header.Set("User-Agent", ua)
	if c.Auth != nil {
		if err := c.Auth(ctx, hr.Header); err != nil {
			return attemptResult{err: err}
		}
	}
	hc := c.HTTP
	if hc == nil {
		hc = NewHTTPClient()
	}
	res, err := hc.Do(hr)
	if err != nil {
		if ctx.Err() != nil {
			return attemptResult{err: ctx.Err()}
		}
		// Never return the *url.Error as is: its text holds the full URL,
		// which for some platforms carries a credential (Kakao callback URLs).
		nerr := &NetworkError{Method: req.Method, Host: target.Host, Err: unwrapURLError(err)}
		return attemptResult{err: nerr, retryable: notSent(err) || req.mayRetry(nil, nerr)}
	}
	ok := res.StatusCode >= 200 && res.StatusCode < 300
	if req.Stream && ok {
		s := &Stream{StatusCode: res.StatusCode, Header: res.Header, Body: res.Body}
		return attemptResult{stream: s}
	}
	limit := int64(MaxBody)
	if !ok {
		limit = MaxErrorBody
	}
	b, rerr := io.ReadAll(io.LimitReader(res.Body, limit+1))
	res.Body.Close()
	over := int64(len(b)) > limit
	if over {
		b = b[:limit]
	}
	resp := &Response{StatusCode: res.StatusCode, Header: res.Header, Body: b, Attempts: attempt}
	if rerr != nil {
		nerr := &NetworkError{Method: req.Method, Host: target.Host, Err: rerr}
		return attemptResult{resp: resp, err: nerr, retryable: req.mayRetry(nil, nerr)}
	}
	if over && ok {
		// A cut success body would only fail later as malformed JSON; an
		// error body is kept truncated on purpose.
		return attemptResult{resp: resp, err: &NetworkError{Method: req.Method, Host: target.Host, Err: ErrBodyTooLarge}}
	}
	check := c.Check
	if check == nil {
		check = DefaultCheck
	}
	cerr := check(resp)
	if cerr == nil {
		return attemptResult{resp: resp}
	}
	retryable := false
	var wait time.Duration
	if req.Idempotent {
		switch {
		case req.RetryOn != nil:
			retryable = req.RetryOn(resp, cerr)
		case res.StatusCode == http.StatusTooManyRequests, res.StatusCode >= 500:
			retryable = true
		}
		if retryable && res.StatusCode == http.StatusTooManyRequests {
			if c.RetryAfter != nil {
				wait = c.RetryAfter(resp, now())
			} else {
				wait = ParseRetryAfter(res.Header, now())
			}
		}
	}
	return attemptResult{header: hr.Header, resp: resp, err: cerr, retryable: retryable, wait: wait}
}

// mayRetry reports whether a failure after the request may have reached
// the server can be retried.
func (req *Request) mayRetry(resp *Response, err error) bool {
	if !req.Idempotent {
		return false
	}
	if req.RetryOn == nil {
		return true
	}
	return req.RetryOn(resp, err)
}
