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

	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/internal/wire"
	"github.com/channelkit/channelkit/signature"
)

// ChatbotSignatureHeader carries the CLOVA Chatbot request signature:
// base64 HMAC-SHA256 of the exact body, keyed with the domain's secret key.
const ChatbotSignatureHeader = "X-NCP-CHATBOT_SIGNATURE"

// Client is a client of one CLOVA Chatbot domain's custom API, reached
// through its API Gateway invoke URL. Create it with [New]. It is
// immutable and safe for concurrent use.
//
// A Client prints as clova.Client{InvokeURL:"…"} with every fmt verb and
// in slog, never the secret key.
type Client struct {
	rc     rest.Client
	secret redact.Hidden[[]byte]
	now    func() time.Time
}

func (c Client) form() redact.Form {
	return redact.Form{Type: "clova.Client", Fields: []redact.Field{{Name: "InvokeURL", Value: c.rc.BaseURL.Redacted()}}}
}

// Format writes the client's invoke URL, for every verb.
func (c Client) Format(f fmt.State, verb rune) { c.form().Format(f, verb) }

// LogValue logs the client's invoke URL.
func (c Client) LogValue() slog.Value { return c.form().LogValue() }

// New returns a client for the CLOVA Chatbot domain whose API Gateway
// invoke URL is invokeURL ("https://xxxx.apigw.ntruss.com/custom/v1/1234/abcd"),
// signing with secretKey (Chatbot builder → messenger linkage → custom).
// The invoke URL is the endpoint itself, so there is no WithBaseURL. New
// does no I/O. An empty secret key, a bad URL and a nil or failing option
// are errors.
func New(invokeURL, secretKey string, opts ...Option) (*Client, error) {
	if secretKey == "" {
		return nil, argError("New", "secretKey", "is empty")
	}
	u, err := rest.ParseBaseURL(invokeURL)
	if err != nil {
		return nil, argError("New", "invokeURL", err.Error())
	}
	// The invoke URL is the endpoint itself: do not add a trailing slash
	// that API Gateway would treat as another resource.
	u.Path = strings.TrimSuffix(u.Path, "/")
	if u.Path == "" {
		u.Path = "/"
	}
	c := config{common: common{now: time.Now}, retry: rest.DefaultRetry}
	for _, o := range opts {
		if o == nil {
			return nil, argError("New", "opts", "holds a nil Option")
		}
		if err := o.applyClient(&c); err != nil {
			return nil, err
		}
	}
	if c.http == nil {
		c.http = rest.NewHTTPClient()
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	cb := &Client{secret: redact.Hide([]byte(secretKey)), now: c.now}
	cb.rc = rest.Client{HTTP: c.http, BaseURL: u, UserAgent: c.ua, Logger: c.log, Retry: c.retry, Check: checkChatbot, Now: c.now}
	if onErr := c.onErr; onErr != nil {
		cb.rc.OnError = func(_ context.Context, err error) {
			onErr(nil, fmt.Errorf("clova: chatbot attempt failed, retrying: %w", err))
		}
	}
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

// Validate checks the request against the documented constraints. It
// returns nil, the one broken constraint as a *[ValidationError], or
// [ValidationErrors] listing them all; every one names its JSON path
// ("bubbles[0].data.description") and wraps [ErrInvalid].
func (r *ChatbotRequest) Validate() error {
	var errs []*ValidationError
	add := func(p, format string, a ...any) {
		errs = append(errs, invalid.New("clova", p, fmt.Sprintf(format, a...)))
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
	return invalid.Join(errs)
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
func (c *Client) Send(ctx context.Context, userID, text string, opts ...SendOption) (*ChatbotResponse, error) {
	r := c.newRequest(userID, EventSend, opts)
	r.Bubbles = []TextBubble{{Data: TextData{Description: text}}}
	return c.Do(ctx, r)
}

// Open asks for the welcome message.
func (c *Client) Open(ctx context.Context, userID string, opts ...SendOption) (*ChatbotResponse, error) {
	return c.Do(ctx, c.newRequest(userID, EventOpen, opts))
}

// OpenWith sends an open event carrying postback text, as a welcome
// action's button does.
func (c *Client) OpenWith(ctx context.Context, userID, postback string, opts ...SendOption) (*ChatbotResponse, error) {
	r := c.newRequest(userID, EventOpen, opts)
	r.Bubbles = []TextBubble{{Data: TextData{Description: postback}}}
	return c.Do(ctx, r)
}

func (c *Client) newRequest(userID string, ev ChatbotEvent, opts []SendOption) *ChatbotRequest {
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
func (c *Client) Do(ctx context.Context, r *ChatbotRequest) (*ChatbotResponse, error) {
	if r == nil {
		return nil, argError("Client.Do", "r", "is nil")
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
