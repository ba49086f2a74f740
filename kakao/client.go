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

// Client POSTs final responses to callback URLs ([Client.Send]) and, with
// [WithRESTAPIKey], sends Event API requests ([Client.SendEvent]). It is
// immutable and safe for concurrent use. It prints as kakao.Client{} with
// every fmt verb and in slog: its REST API key is hidden, and a callback
// URL, which is a credential too, is only ever an argument.
type Client struct {
	rc        rest.Client
	log       *slog.Logger
	hosts     map[string]bool
	restKey   redact.Hidden[string] // the Event API's key
	eventBase string
}

var clientForm = redact.Form{Type: "kakao.Client"}

// Format writes kakao.Client{} for every verb.
func (c Client) Format(f fmt.State, verb rune) { clientForm.Format(f, verb) }

// LogValue logs kakao.Client{}.
func (c Client) LogValue() slog.Value { return clientForm.LogValue() }

// New returns a client; it performs no I/O. Kakao needs no credential
// for a callback: the callback URL is one, and it is an argument of
// [Client.Send]. The Event API's credential, the REST API key, is an
// option ([WithRESTAPIKey]).
func New(opts ...Option) (*Client, error) {
	cfg := config{retry: rest.DefaultRetry, eventBase: DefaultEventBaseURL}
	for _, o := range opts {
		if o == nil {
			return nil, argErr("New", "opts", "nil option")
		}
		if err := o.applyClient(&cfg); err != nil {
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
	var onErr func(context.Context, error)
	if fn := cfg.onErr; fn != nil {
		onErr = func(_ context.Context, err error) {
			fn(nil, fmt.Errorf("kakao: callback attempt failed, retrying: %w", err))
		}
	}
	return &Client{
		rc: rest.Client{
			HTTP:      cfg.hc,
			UserAgent: cfg.ua,
			// rest logs the request path on retries; a callback path is a
			// credential, so rest gets no logger and we log ourselves.
			Logger:  slog.New(slog.DiscardHandler),
			Retry:   cfg.retry,
			Check:   checkCallback,
			Sleep:   cfg.sleep,
			OnError: onErr,
		},
		log:       cfg.log,
		hosts:     cfg.hosts,
		restKey:   cfg.restKey,
		eventBase: cfg.eventBase,
	}, nil
}

// Meta is the HTTP metadata of a callback answer.
type Meta struct {
	StatusCode int
	RequestID  string
	Header     http.Header
}

// Result is Kakao's answer to a delivered callback.
type Result struct {
	TaskID  string
	Status  CallbackStatus
	Message string
	// Timestamp is the answer's timestamp as sent (a Unix time; whether in
	// seconds or milliseconds is not documented, see [Result.Time]).
	Timestamp int64
	Meta      Meta
}

// Time interprets Timestamp, as milliseconds when it is too large to be
// seconds.
func (r *Result) Time() time.Time {
	if r.Timestamp > 1e11 {
		return time.UnixMilli(r.Timestamp)
	}
	return time.Unix(r.Timestamp, 0)
}

type wireResult struct {
	TaskID    string          `json:"taskId"`
	TaskIDAlt string          `json:"task_id"` // kakao-chatbot reads the Event API answer so
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
	if w.TaskID == "" {
		w.TaskID = w.TaskIDAlt
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
func (c *Client) Send(ctx context.Context, callbackURL string, resp *Response) (*Result, error) {
	if err := c.checkURL(callbackURL); err != nil {
		return nil, err
	}
	if resp == nil {
		return nil, argErr("Client.Send", "resp", "nil response")
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
	res := &Result{
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

func (c *Client) checkURL(raw string) error {
	if raw == "" {
		return callbackURLErr("empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return callbackURLErr("does not parse")
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return callbackURLErr("not an absolute http(s) URL")
	}
	if u.User != nil {
		return callbackURLErr("carries user information")
	}
	if c.hosts != nil && !c.hosts[strings.ToLower(u.Hostname())] {
		return callbackURLErr("host not allowed")
	}
	return nil
}
