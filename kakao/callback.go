package kakao

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/internal/wire"
)

// A ClientOption configures a [CallbackClient]. Options report invalid
// values as errors from [NewCallbackClient].
type ClientOption func(*clientConfig) error

type clientConfig struct {
	hc    *http.Client
	retry rest.Retry
	ua    string
	log   *slog.Logger
	hosts map[string]bool
	sleep func(context.Context, time.Duration) error // tests
}

// WithHTTPClient sets the HTTP client (copied; nil is an error). Its
// redirect policy is replaced: a callback is never followed to another URL.
func WithHTTPClient(hc *http.Client) ClientOption {
	return func(c *clientConfig) error {
		cp, err := rest.CopyHTTPClient(hc)
		if err != nil {
			return fmt.Errorf("kakao: WithHTTPClient: %w", err)
		}
		c.hc = cp
		return nil
	}
}

// WithRetry sets the retry policy (default 3 attempts, 200 ms doubling,
// at most 10 s per wait). Whatever the policy, a callback is retried only
// after a failure that proves Kakao never saw it (the connection could not
// be made): a callback URL is single-use, so a POST that may have arrived is
// never repeated.
func WithRetry(maxAttempts int, baseDelay, maxDelay time.Duration) ClientOption {
	return func(c *clientConfig) error {
		r := rest.Retry{MaxAttempts: maxAttempts, BaseDelay: baseDelay, MaxDelay: maxDelay}
		if err := r.Validate(); err != nil {
			return fmt.Errorf("kakao: WithRetry: %w", err)
		}
		c.retry = r
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) ClientOption {
	return func(c *clientConfig) error {
		if ua == "" {
			return errors.New("kakao: WithUserAgent: empty user agent")
		}
		c.ua = ua
		return nil
	}
}

// WithLogger logs deliveries at Debug level (default: no logging). Logs
// never hold the callback URL or any body.
func WithLogger(l *slog.Logger) ClientOption {
	return func(c *clientConfig) error {
		if l == nil {
			return errors.New("kakao: WithLogger: nil logger")
		}
		c.log = l
		return nil
	}
}

// WithAllowedHosts restricts callback URLs to the given host names
// (exact match, port ignored). Skill requests are not signed, so without a
// header secret anyone who can reach the skill server can choose the URL
// the bot's answer is POSTed to; listing Kakao's callback host closes that.
// Default: any host.
func WithAllowedHosts(hosts ...string) ClientOption {
	return func(c *clientConfig) error {
		if len(hosts) == 0 {
			return errors.New("kakao: WithAllowedHosts: no host")
		}
		c.hosts = make(map[string]bool, len(hosts))
		for _, h := range hosts {
			if h == "" {
				return errors.New("kakao: WithAllowedHosts: empty host")
			}
			c.hosts[strings.ToLower(h)] = true
		}
		return nil
	}
}

// CallbackClient POSTs final responses to callback URLs. It is immutable
// and safe for concurrent use. It prints as kakao.CallbackClient{} with
// every fmt verb and in slog: it holds no secret, and a callback URL,
// which is one, is only ever an argument.
type CallbackClient struct {
	rc    rest.Client
	log   *slog.Logger
	hosts map[string]bool
}

var callbackClientForm = redact.Form{Type: "kakao.CallbackClient"}

// Format writes kakao.CallbackClient{} for every verb.
func (c CallbackClient) Format(f fmt.State, verb rune) { callbackClientForm.Format(f, verb) }

// LogValue logs kakao.CallbackClient{}.
func (c CallbackClient) LogValue() slog.Value { return callbackClientForm.LogValue() }

// NewCallbackClient returns a client; it performs no I/O.
func NewCallbackClient(opts ...ClientOption) (*CallbackClient, error) {
	cfg := clientConfig{retry: rest.DefaultRetry}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.hc == nil {
		cfg.hc = rest.NewHTTPClient()
	}
	cfg.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if cfg.log == nil {
		cfg.log = slog.New(slog.DiscardHandler)
	}
	return &CallbackClient{
		rc: rest.Client{
			HTTP:      cfg.hc,
			UserAgent: cfg.ua,
			// rest logs the request path on retries; a callback path is a
			// credential, so rest gets no logger and we log ourselves.
			Logger: slog.New(slog.DiscardHandler),
			Retry:  cfg.retry,
			Check:  checkCallback,
			Sleep:  cfg.sleep,
		},
		log:   cfg.log,
		hosts: cfg.hosts,
	}, nil
}

// Meta is the HTTP metadata of a callback answer.
type Meta struct {
	StatusCode int
	RequestID  string
	Header     http.Header
}

// CallbackResult is Kakao's answer to a delivered callback.
type CallbackResult struct {
	TaskID  string
	Status  CallbackStatus
	Message string
	// Timestamp is the answer's timestamp as sent (a Unix time; whether in
	// seconds or milliseconds is not documented, see [CallbackResult.Time]).
	Timestamp int64
	Meta      Meta
}

// Time interprets Timestamp, as milliseconds when it is too large to be
// seconds.
func (r *CallbackResult) Time() time.Time {
	if r.Timestamp > 1e11 {
		return time.UnixMilli(r.Timestamp)
	}
	return time.Unix(r.Timestamp, 0)
}

type wireResult struct {
	TaskID    string          `json:"taskId"`
	Status    string          `json:"status"`
	Message   string          `json:"message"`
	Timestamp wire.FlexString `json:"timestamp"`
}

const maxMessage = 512

func parseResult(b []byte) (wireResult, bool) {
	var w wireResult
	if json.Unmarshal(b, &w) != nil {
		return wireResult{}, false
	}
	if len(w.Message) > maxMessage {
		w.Message = string(rest.Truncate([]byte(w.Message), maxMessage))
	}
	return w, true
}

// checkCallback accepts a 2xx answer whose status is SUCCESS (or absent:
// the answer format is documented, the HTTP statuses are not) and turns
// everything else into *APIError.
func checkCallback(r *rest.Response) error {
	w, _ := parseResult(r.Body)
	ok2xx := r.StatusCode >= 200 && r.StatusCode < 300
	if ok2xx && (w.Status == "" || CallbackStatus(w.Status) == CallbackSuccess) {
		return nil
	}
	e := &APIError{
		StatusCode: r.StatusCode,
		Code:       w.Status,
		Message:    w.Message,
		TaskID:     w.TaskID,
		Body:       rest.Truncate(r.Body, rest.MaxErrorBody),
	}
	if r.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = rest.ParseRetryAfter(r.Header, time.Now())
	}
	return e
}

// Send validates resp and POSTs it (without useCallback) to callbackURL,
// once. It returns Kakao's answer, or an *APIError for a FAIL/ERROR answer
// or a non-2xx status. No error holds the URL.
func (c *CallbackClient) Send(ctx context.Context, callbackURL string, resp *Response) (*CallbackResult, error) {
	if err := c.checkURL(callbackURL); err != nil {
		return nil, err
	}
	if err := resp.Validate(); err != nil {
		return nil, err
	}
	final := *resp
	final.UseCallback = false
	body, err := json.Marshal(final)
	if err != nil {
		return nil, fmt.Errorf("kakao: encoding callback response: %w", err)
	}
	start := time.Now()
	r, err := c.rc.Do(ctx, &rest.Request{
		Method:      http.MethodPost,
		Path:        callbackURL,
		Body:        body,
		ContentType: "application/json",
	})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("%w: %w", ErrCallbackExpired, err)
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) && r != nil {
			apiErr.RequestID = requestID(r.Header)
		}
		c.log.DebugContext(ctx, "kakao: callback failed", "elapsed", time.Since(start), "error", err)
		if apiErr != nil {
			return nil, err
		}
		return nil, fmt.Errorf("kakao: callback: %w", err)
	}
	w, _ := parseResult(r.Body)
	ts, _ := w.Timestamp.Int64()
	res := &CallbackResult{
		TaskID:    w.TaskID,
		Status:    CallbackStatus(w.Status),
		Message:   w.Message,
		Timestamp: ts,
		Meta:      Meta{StatusCode: r.StatusCode, RequestID: requestID(r.Header), Header: r.Header},
	}
	c.log.DebugContext(ctx, "kakao: callback delivered", "status", res.Status, "taskId", res.TaskID, "attempts", r.Attempts, "elapsed", time.Since(start))
	return res, nil
}

func requestID(h http.Header) string {
	for _, k := range []string{"X-Request-Id", "X-Kakao-Request-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

func (c *CallbackClient) checkURL(raw string) error {
	if raw == "" {
		return fmt.Errorf("%w: empty", ErrCallbackURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: does not parse", ErrCallbackURL)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: not an absolute http(s) URL", ErrCallbackURL)
	}
	if u.User != nil {
		return fmt.Errorf("%w: carries user information", ErrCallbackURL)
	}
	if c.hosts != nil && !c.hosts[strings.ToLower(u.Hostname())] {
		return fmt.Errorf("%w: host not allowed", ErrCallbackURL)
	}
	return nil
}
