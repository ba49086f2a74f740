package clova

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/internal/wire"
	"github.com/channelkit/channelkit/signature"
)

// ChatbotSignatureHeader carries the CLOVA Chatbot request signature:
// base64 HMAC-SHA256 of the exact body, keyed with the domain's secret key.
const ChatbotSignatureHeader = "X-NCP-CHATBOT_SIGNATURE"

// Chatbot is a client of one CLOVA Chatbot domain's custom API, reached
// through its API Gateway invoke URL. It is immutable and safe for
// concurrent use.
//
// A Chatbot prints as clova.Chatbot{InvokeURL:"…"} with every fmt verb and
// in slog, never the secret key.
type Chatbot struct {
	rc     rest.Client
	secret redact.Hidden[[]byte]
	now    func() time.Time
}

func (c Chatbot) form() redact.Form {
	return redact.Form{Type: "clova.Chatbot", Fields: []redact.Field{{Name: "InvokeURL", Value: c.rc.BaseURL.Redacted()}}}
}

// Format writes the chatbot's invoke URL, for every verb.
func (c Chatbot) Format(f fmt.State, verb rune) { c.form().Format(f, verb) }

// LogValue logs the chatbot's invoke URL.
func (c Chatbot) LogValue() slog.Value { return c.form().LogValue() }

type config struct {
	http    *http.Client
	log     *slog.Logger
	retry   rest.Retry
	ua      string
	now     func() time.Time
	version string
}

// Option configures a [Chatbot].
type Option func(*config) error

// WithHTTPClient sets the HTTP client (default: 30 s timeout). It is copied;
// nil is an error.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		cc, err := rest.CopyHTTPClient(hc)
		if err != nil {
			return fmt.Errorf("clova: WithHTTPClient: %w", err)
		}
		c.http = cc
		return nil
	}
}

// WithChatbotLogger logs retries and failures at Debug level. Secret keys,
// signatures and bodies are never logged.
func WithChatbotLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("clova: WithChatbotLogger: nil logger")
		}
		c.log = l
		return nil
	}
}

// WithRetry sets the retry policy (default 3 attempts, 200 ms doubling up to
// 10 s). Send and Open change the conversation's state, so they are retried
// only when the request provably never reached the server (dial errors).
func WithRetry(maxAttempts int, baseDelay, maxDelay time.Duration) Option {
	return func(c *config) error {
		r := rest.Retry{MaxAttempts: maxAttempts, BaseDelay: baseDelay, MaxDelay: maxDelay}
		if err := r.Validate(); err != nil {
			return fmt.Errorf("clova: WithRetry: %w", err)
		}
		c.retry = r
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if ua == "" {
			return errors.New("clova: WithUserAgent: empty user agent")
		}
		c.ua = ua
		return nil
	}
}

// WithChatbotClock sets the clock that stamps requests' timestamp, for
// tests.
func WithChatbotClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("clova: WithChatbotClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// NewChatbot returns a client for the CLOVA Chatbot domain whose API Gateway
// invoke URL is invokeURL ("https://xxxx.apigw.ntruss.com/custom/v1/1234/abcd"),
// signing with secretKey (Chatbot builder → messenger linkage → custom).
// It does no I/O.
func NewChatbot(invokeURL, secretKey string, opts ...Option) (*Chatbot, error) {
	if secretKey == "" {
		return nil, errors.New("clova: chatbot secret key must not be empty")
	}
	u, err := rest.ParseBaseURL(invokeURL)
	if err != nil {
		return nil, fmt.Errorf("clova: invoke URL: %w", err)
	}
	// The invoke URL is the endpoint itself: do not add a trailing slash
	// that API Gateway would treat as another resource.
	u.Path = strings.TrimSuffix(u.Path, "/")
	if u.Path == "" {
		u.Path = "/"
	}
	c := config{retry: rest.DefaultRetry, now: time.Now}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("clova: nil Option")
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	if c.http == nil {
		c.http = rest.NewHTTPClient()
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	cb := &Chatbot{secret: redact.Hide([]byte(secretKey)), now: c.now}
	cb.rc = rest.Client{HTTP: c.http, BaseURL: u, UserAgent: c.ua, Logger: c.log, Retry: c.retry, Check: checkChatbot, Now: c.now}
	return cb, nil
}

// ChatbotEvent is the request "event".
type ChatbotEvent string

// The chatbot events.
const (
	// EventSend asks the chatbot a question.
	EventSend ChatbotEvent = "send"
	// EventOpen gets the welcome message.
	EventOpen ChatbotEvent = "open"
)

// ChatbotRequest is the body POSTed to the invoke URL.
type ChatbotRequest struct {
	// Version is always "v2" unless set.
	Version   string       `json:"version"`
	UserID    string       `json:"userId"`
	UserIP    string       `json:"userIp,omitempty"`
	Timestamp int64        `json:"timestamp"`
	Bubbles   []TextBubble `json:"bubbles"`
	Event     ChatbotEvent `json:"event"`
}

// maxUserIDRunes is the documented bound on userId.
const maxUserIDRunes = 256

// Validate checks the request against the documented constraints.
func (r *ChatbotRequest) Validate() error {
	var errs ValidationErrors
	add := func(p, format string, a ...any) {
		errs = append(errs, &ValidationError{Path: p, Reason: fmt.Sprintf(format, a...)})
	}
	if r.UserID == "" {
		add("userId", "is required")
	} else if n := utf8.RuneCountInString(r.UserID); n > maxUserIDRunes {
		add("userId", "is %d characters; the limit is %d", n, maxUserIDRunes)
	}
	switch r.Event {
	case EventSend:
		if len(r.Bubbles) != 1 {
			add("bubbles", "send needs exactly one text bubble, has %d", len(r.Bubbles))
		}
	case EventOpen:
		if len(r.Bubbles) > 1 {
			add("bubbles", "open takes at most one text bubble, has %d", len(r.Bubbles))
		}
	default:
		add("event", "must be send or open, not %q", r.Event)
	}
	for i, b := range r.Bubbles {
		if b.Data.Description == "" {
			add(fmt.Sprintf("bubbles[%d].data.description", i), "is required")
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// ChatbotResponse is the chatbot's answer.
type ChatbotResponse struct {
	Version   string `json:"version"`
	UserID    string `json:"userId"`
	SessionID string `json:"sessionId,omitempty"`
	Timestamp int64  `json:"timestamp"`
	// Bubbles are the answer's components; render them with [ToContent].
	Bubbles      Bubbles         `json:"bubbles"`
	Scenario     *Scenario       `json:"scenario,omitempty"`
	Entities     json.RawMessage `json:"entities,omitempty"`
	Keywords     json.RawMessage `json:"keywords,omitempty"`
	Conversation json.RawMessage `json:"conversation,omitempty"`
	Normalizer   json.RawMessage `json:"normalizer,omitempty"`
	Event        ChatbotEvent    `json:"event"`
	// Meta is the HTTP exchange's metadata.
	Meta Meta `json:"-"`
}

// Scenario names the conversation the chatbot matched.
type Scenario struct {
	Name               string          `json:"name"`
	ChatUtteranceSetID json.Number     `json:"chatUtteranceSetId,omitempty"`
	Intent             json.RawMessage `json:"intent,omitempty"`
}

// Meta is the metadata of an HTTP exchange.
type Meta struct {
	StatusCode int
	// RequestID is the API Gateway trace ID, if the answer carried one.
	RequestID string
	Header    http.Header
}

// SendOption adjusts one Send or Open request.
type SendOption func(*ChatbotRequest)

// WithUserIP sends the end user's IP address.
func WithUserIP(ip string) SendOption { return func(r *ChatbotRequest) { r.UserIP = ip } }

// WithVersion overrides the API version ("v2").
func WithVersion(v string) SendOption { return func(r *ChatbotRequest) { r.Version = v } }

// Send asks the chatbot text on behalf of userID (a stable ID of at most
// 256 characters) and returns its answer. To follow a postback button the
// chatbot sent, Send the button's postback text ([ChatbotAction.PostbackText]).
func (c *Chatbot) Send(ctx context.Context, userID, text string, opts ...SendOption) (*ChatbotResponse, error) {
	r := c.newRequest(userID, EventSend, opts)
	r.Bubbles = []TextBubble{{Data: TextData{Description: text}}}
	return c.Do(ctx, r)
}

// Open asks for the welcome message.
func (c *Chatbot) Open(ctx context.Context, userID string, opts ...SendOption) (*ChatbotResponse, error) {
	return c.Do(ctx, c.newRequest(userID, EventOpen, opts))
}

// OpenWith sends an open event carrying postback text, as a welcome
// action's button does.
func (c *Chatbot) OpenWith(ctx context.Context, userID, postback string, opts ...SendOption) (*ChatbotResponse, error) {
	r := c.newRequest(userID, EventOpen, opts)
	r.Bubbles = []TextBubble{{Data: TextData{Description: postback}}}
	return c.Do(ctx, r)
}

func (c *Chatbot) newRequest(userID string, ev ChatbotEvent, opts []SendOption) *ChatbotRequest {
	r := &ChatbotRequest{Version: "v2", UserID: userID, Timestamp: c.now().UnixMilli(), Bubbles: []TextBubble{}, Event: ev}
	for _, o := range opts {
		if o != nil {
			o(r)
		}
	}
	return r
}

// Do validates and sends r as is: the body is encoded once, signed, and
// those exact bytes are sent.
func (c *Chatbot) Do(ctx context.Context, r *ChatbotRequest) (*ChatbotResponse, error) {
	if r == nil {
		return nil, errors.New("clova: nil chatbot request")
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("clova: encoding chatbot request: %w", err)
	}
	h := http.Header{}
	h.Set(ChatbotSignatureHeader, signature.SignHMACSHA256(c.secret.Reveal(), body))
	res, err := c.rc.Do(ctx, &rest.Request{
		Method:      http.MethodPost,
		Path:        c.rc.BaseURL.String(),
		Header:      h,
		Body:        body,
		ContentType: "application/json; charset=UTF-8",
	})
	if err != nil {
		var ae *APIError
		if !errors.As(err, &ae) {
			err = fmt.Errorf("clova: chatbot %s: %w", r.Event, err)
		}
		return nil, err
	}
	out := new(ChatbotResponse)
	if err := json.Unmarshal(res.Body, out); err != nil {
		return nil, &APIError{StatusCode: res.StatusCode, Message: "response does not decode: " + wire.JSONError(err).Error(), RequestID: requestID(res.Header), Body: rest.Truncate(res.Body, rest.MaxErrorBody)}
	}
	out.Meta = Meta{StatusCode: res.StatusCode, RequestID: requestID(res.Header), Header: res.Header}
	return out, nil
}

// VerifyChatbotSignature reports whether sig is the base64 HMAC-SHA256 of
// body keyed with secretKey: the X-NCP-CHATBOT_SIGNATURE scheme. CLOVA's
// documentation describes it for requests sent to the chatbot; it describes
// no signed webhook from the builder to you, so this is for code that
// receives custom-API requests itself (a proxy in front of the invoke URL,
// a fake in tests). Errors wrap [signature.ErrMissing] or
// [signature.ErrMismatch].
func VerifyChatbotSignature(secretKey string, body []byte, sig string) error {
	if secretKey == "" {
		return fmt.Errorf("clova: %w (empty secret key)", signature.ErrMismatch)
	}
	if err := signature.VerifyHMACSHA256([]byte(secretKey), body, sig); err != nil {
		return fmt.Errorf("clova: %w", err)
	}
	return nil
}

// SignChatbotBody returns the X-NCP-CHATBOT_SIGNATURE value for body.
func SignChatbotBody(secretKey string, body []byte) string {
	return signature.SignHMACSHA256([]byte(secretKey), body)
}

func requestID(h http.Header) string {
	for _, k := range []string{"X-Ncp-Trace-Id", "X-Request-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// checkChatbot turns a non-2xx answer into an *APIError. API Gateway errors
// look like {"error":{"errorCode":"200","message":"Authentication Failed"}};
// other shapes are read leniently.
func checkChatbot(r *rest.Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	e := &APIError{StatusCode: r.StatusCode, RequestID: requestID(r.Header), Body: rest.Truncate(r.Body, rest.MaxErrorBody)}
	var w struct {
		Error *struct {
			ErrorCode json.RawMessage `json:"errorCode"`
			Message   string          `json:"message"`
		} `json:"error"`
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(r.Body, &w) == nil {
		if w.Error != nil {
			e.Code, e.Message = flexCode(w.Error.ErrorCode), w.Error.Message
		} else {
			e.Code, e.Message = flexCode(w.Code), w.Message
		}
	}
	if r.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = rest.ParseRetryAfter(r.Header, time.Now())
	}
	return e
}

func flexCode(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}
