package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/internal/uuid"
	"github.com/channelkit/channelkit/internal/wire"
	"github.com/channelkit/channelkit/message"
)

// Client calls the LINE Messaging API. It is immutable after [New] and safe
// for concurrent use; every call takes its own context.
//
// A Client prints as line.Client{BaseURL:"…", DataBaseURL:"…"} with every
// fmt verb and in slog, never the channel access token.
type Client struct {
	api  rest.Client
	data rest.Client
}

func (c Client) form() redact.Form {
	return redact.Form{Type: "line.Client", Fields: []redact.Field{
		{Name: "BaseURL", Value: c.api.BaseURL.Redacted()},
		{Name: "DataBaseURL", Value: c.data.BaseURL.Redacted()},
	}}
}

// Format writes the client's base URLs, for every verb.
func (c Client) Format(f fmt.State, verb rune) { c.form().Format(f, verb) }

// LogValue logs the client's base URLs.
func (c Client) LogValue() slog.Value { return c.form().LogValue() }

var _ message.Handover = (*Client)(nil)

// New returns a client that authenticates with a channel access token:
// the static channelToken (a long-lived token pasted from the console), or,
// with channelToken empty, the tokens of [WithTokenSource] (one that
// renews itself, such as [TokenSource]'s). Giving both, or neither, is an
// error. New does no I/O.
//
// With a token source, a call LINE refuses with HTTP 401 is sent once
// more: if the source implements [Invalidator], the refused token is
// dropped first, so the second attempt carries a fresh one. A second 401
// is returned. Many calls refused with the same token cause one issuance.
func New(channelToken string, opts ...Option) (*Client, error) {
	cfg := config{retry: rest.DefaultRetry}
	for _, o := range opts {
		if o == nil {
			return nil, argError("New", "opts", "nil option")
		}
		if err := o.applyClient(&cfg); err != nil {
			return nil, err
		}
	}
	switch {
	case channelToken == "" && cfg.ts == nil:
		return nil, argError("New", "channelToken", "missing channel access token (or WithTokenSource)")
	case channelToken != "" && cfg.ts != nil:
		return nil, argError("New", "channelToken", "give a channel access token or WithTokenSource, not both")
	}
	if cfg.http == nil {
		cfg.http = rest.NewHTTPClient()
	}
	if cfg.baseURL == nil {
		cfg.baseURL, _ = url.Parse(DefaultBaseURL)
		if cfg.dataURL == nil {
			cfg.dataURL, _ = url.Parse(DefaultDataBaseURL)
		}
	}
	if cfg.dataURL == nil {
		cfg.dataURL = cfg.baseURL
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	bearer := "Bearer " + channelToken // unused with a token source
	base := rest.Client{
		HTTP:      cfg.http,
		BaseURL:   cfg.baseURL,
		UserAgent: cfg.userAgent,
		Logger:    cfg.logger,
		Retry:     cfg.retry,
		Check:     check,
		Auth: func(_ context.Context, h http.Header) error {
			h.Set("Authorization", bearer)
			return nil
		},
		Sleep: cfg.sleep,
		Rand:  cfg.rand,
	}
	if cfg.ts != nil {
		ts := redact.Hide(cfg.ts)
		base.Auth = func(_ context.Context, h http.Header) error {
			tok, err := ts.Reveal().Token()
			if err != nil {
				return fmt.Errorf("line: channel access token: %w", err)
			}
			h["Authorization"] = []string{"Bearer " + tok.AccessToken}
			return nil
		}
		base.Refresh = func(_ context.Context, refused http.Header) bool {
			if inv, ok := ts.Reveal().(Invalidator); ok {
				tok, _ := strings.CutPrefix(refused.Get("Authorization"), "Bearer ")
				inv.Invalidate(&oauth2.Token{AccessToken: tok})
			}
			return true
		}
	}
	if onErr := cfg.onErr; onErr != nil {
		base.OnError = func(_ context.Context, err error) { onErr(nil, fmt.Errorf("line: %w", err)) }
	}
	data := base
	data.BaseURL = cfg.dataURL
	return &Client{api: base, data: data}, nil
}

// Meta describes the HTTP exchange behind a result.
type Meta struct {
	StatusCode int
	// RequestID is the x-line-request-id header.
	RequestID string
	Header    http.Header
	// Attempts is how many times the request was sent (0 for content
	// downloads, where it is not recorded).
	Attempts int
}

func metaOf(r *rest.Response) Meta {
	return Meta{StatusCode: r.StatusCode, RequestID: r.Header.Get("X-Line-Request-Id"), Header: r.Header, Attempts: r.Attempts}
}

// Result is the outcome of a call that returns no data (the loading
// animation, chat control): what the HTTP exchange said.
type Result struct {
	Meta Meta
}

func resultOf(r *rest.Response) *Result { return &Result{Meta: metaOf(r)} }

// SentMessage is one message LINE accepted.
type SentMessage struct {
	ID string `json:"id"`
	// QuoteToken lets a later message quote this one.
	QuoteToken string `json:"quoteToken,omitempty"`
}

// SendResult is the outcome of Reply, Push, Multicast or Broadcast.
type SendResult struct {
	// SentMessages lists the accepted messages (reply and push only; LINE
	// sends none for multicast and broadcast, nor for a duplicate).
	SentMessages []SentMessage
	// RetryKey is the X-Line-Retry-Key the request carried (push,
	// multicast, broadcast).
	RetryKey string
	// Duplicate is true when LINE answered 409: a request with the same
	// retry key had already been accepted (by an earlier attempt of this
	// call, or by an earlier call given the same key). The messages were
	// sent once; nothing is wrong.
	Duplicate bool
	// AcceptedRequestID is, for a duplicate, the request ID of the request
	// that was accepted.
	AcceptedRequestID string
	Meta              Meta
}

// SendOption adjusts one send call.
type SendOption func(*sendConfig) error

type sendConfig struct {
	notificationDisabled bool
	retryKey             string
	units                []string
}

// NotificationDisabled sends without a push notification on the user's
// device.
func NotificationDisabled() SendOption {
	return func(c *sendConfig) error { c.notificationDisabled = true; return nil }
}

// RetryKey sets the X-Line-Retry-Key of a push, multicast or broadcast
// (a UUID) instead of a generated one: use it to make a send idempotent
// across process restarts. LINE remembers a key for 24 hours.
func RetryKey(key string) SendOption {
	return func(c *sendConfig) error {
		if !uuid.Valid(key) {
			return argError("RetryKey", "key", "must be a UUID")
		}
		c.retryKey = key
		return nil
	}
}

// AggregationUnits names the unit for LINE's per-unit statistics (push and
// multicast only; at most 1 unit of at most 30 characters).
func AggregationUnits(units ...string) SendOption {
	return func(c *sendConfig) error { c.units = units; return nil }
}

type sendBody struct {
	ReplyToken             string            `json:"replyToken,omitempty"`
	To                     any               `json:"to,omitempty"`
	Messages               []json.RawMessage `json:"messages"`
	NotificationDisabled   bool              `json:"notificationDisabled,omitempty"`
	CustomAggregationUnits []string          `json:"customAggregationUnits,omitempty"`
}

func sendOptions(fn string, opts []SendOption) (sendConfig, error) {
	var c sendConfig
	for _, o := range opts {
		if o == nil {
			return c, argError(fn, "opts", "nil send option")
		}
		if err := o(&c); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Reply answers an event with its reply token: 1–5 messages, within about
// a minute of the event, once per token. Messages are checked against
// LINE's limits before anything is sent.
//
// A reply is never repeated once LINE may have received it (a reply token
// works once, and LINE does not accept a retry key on replies): it is
// retried only when the connection failed before the request was sent.
// An expired or used token is an *APIError whose InvalidReplyToken
// reports true.
func (c *Client) Reply(ctx context.Context, replyToken string, msgs []messaging_api.MessageInterface, opts ...SendOption) (*SendResult, error) {
	const fn = "Client.Reply"
	sc, err := sendOptions(fn, opts)
	if err != nil {
		return nil, err
	}
	if replyToken == "" {
		return nil, argError(fn, "replyToken", "must not be empty")
	}
	if sc.retryKey != "" || len(sc.units) > 0 {
		return nil, argError(fn, "opts", "a reply takes no retry key or aggregation unit")
	}
	enc, err := encodeMessages(fn, msgs)
	if err != nil {
		return nil, err
	}
	body := sendBody{ReplyToken: replyToken, Messages: enc, NotificationDisabled: sc.notificationDisabled}
	resp, err := c.api.Do(ctx, &rest.Request{Method: http.MethodPost, Path: "v2/bot/message/reply", JSON: &body})
	if err != nil {
		return nil, err
	}
	return sentResult(resp, "")
}

// Push sends messages to a user, group or room ID at any time. It carries
// an X-Line-Retry-Key, generated per call (or given with [RetryKey]) and
// reused on every retry, so a retried push is delivered at most once; a
// 409 answer means an earlier attempt was accepted and is reported as
// success with Duplicate set.
func (c *Client) Push(ctx context.Context, to string, msgs []messaging_api.MessageInterface, opts ...SendOption) (*SendResult, error) {
	const fn = "Client.Push"
	if to == "" {
		return nil, argError(fn, "to", "must not be empty")
	}
	return c.sendKeyed(ctx, fn, "v2/bot/message/push", to, msgs, opts)
}

// Multicast sends messages to up to 500 user IDs, with a retry key as
// [Client.Push] does.
func (c *Client) Multicast(ctx context.Context, to []string, msgs []messaging_api.MessageInterface, opts ...SendOption) (*SendResult, error) {
	const fn = "Client.Multicast"
	switch {
	case len(to) == 0:
		return nil, argError(fn, "to", "needs at least one user ID")
	case len(to) > limits.multicastTo:
		return nil, argError(fn, "to", fmt.Sprintf("%d user IDs exceed %d", len(to), limits.multicastTo))
	}
	for i, id := range to {
		if id == "" {
			return nil, argError(fn, fmt.Sprintf("to[%d]", i), "must not be empty")
		}
	}
	return c.sendKeyed(ctx, fn, "v2/bot/message/multicast", to, msgs, opts)
}

// Broadcast sends messages to every friend of the bot, with a retry key as
// [Client.Push] does.
func (c *Client) Broadcast(ctx context.Context, msgs []messaging_api.MessageInterface, opts ...SendOption) (*SendResult, error) {
	return c.sendKeyed(ctx, "Client.Broadcast", "v2/bot/message/broadcast", nil, msgs, opts)
}

func (c *Client) sendKeyed(ctx context.Context, fn, path string, to any, msgs []messaging_api.MessageInterface, opts []SendOption) (*SendResult, error) {
	sc, err := sendOptions(fn, opts)
	if err != nil {
		return nil, err
	}
	if to == nil && len(sc.units) > 0 {
		return nil, argError(fn, "opts", "broadcast takes no aggregation unit")
	}
	if len(sc.units) > 1 {
		return nil, argError(fn, "opts", "at most 1 aggregation unit")
	}
	enc, err := encodeMessages(fn, msgs)
	if err != nil {
		return nil, err
	}
	body := sendBody{To: to, Messages: enc, NotificationDisabled: sc.notificationDisabled, CustomAggregationUnits: sc.units}
	return c.postKeyed(ctx, path, sc.retryKey, &body)
}

// postKeyed sends body with an X-Line-Retry-Key (key, or a new one),
// retrying as the key makes safe, and reports a 409 as a duplicate.
func (c *Client) postKeyed(ctx context.Context, path, key string, body any) (*SendResult, error) {
	if key == "" {
		key = uuid.New()
	}
	resp, err := c.api.Do(ctx, &rest.Request{
		Method:     http.MethodPost,
		Path:       path,
		JSON:       body,
		Header:     http.Header{"X-Line-Retry-Key": {key}},
		Idempotent: true,
		RetryOn:    retryKeyed,
	})
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict && resp != nil {
			return &SendResult{
				SentMessages:      apiErr.SentMessages,
				RetryKey:          key,
				Duplicate:         true,
				AcceptedRequestID: apiErr.AcceptedRequestID,
				Meta:              metaOf(resp),
			}, nil
		}
		return nil, err
	}
	return sentResult(resp, key)
}

// retryKeyed retries 429 and 5xx; 409 and other 4xx are final.
func retryKeyed(r *rest.Response, _ error) bool {
	if r == nil {
		return true // a network error: the retry key makes a resend safe
	}
	return r.StatusCode == http.StatusTooManyRequests || r.StatusCode >= 500
}

func sentResult(resp *rest.Response, key string) (*SendResult, error) {
	res := &SendResult{RetryKey: key, Meta: metaOf(resp)}
	if len(resp.Body) > 0 {
		var w struct {
			SentMessages []SentMessage `json:"sentMessages"`
		}
		if err := json.Unmarshal(resp.Body, &w); err != nil {
			return nil, fmt.Errorf("line: decoding response: %w", wire.JSONError(err))
		}
		res.SentMessages = w.SentMessages
	}
	return res, nil
}

// ShowLoading shows the loading animation in a one-to-one chat with
// chatID (a user ID) for seconds (5–60, a multiple of 5) or until the next
// message from the bot.
func (c *Client) ShowLoading(ctx context.Context, chatID string, seconds int) (*Result, error) {
	const fn = "Client.ShowLoading"
	if chatID == "" {
		return nil, argError(fn, "chatID", "must not be empty")
	}
	if seconds < 5 || seconds > 60 || seconds%5 != 0 {
		return nil, argError(fn, "seconds", "must be 5 to 60, a multiple of 5")
	}
	body := struct {
		ChatID  string `json:"chatId"`
		Seconds int    `json:"loadingSeconds"`
	}{chatID, seconds}
	resp, err := c.api.Do(ctx, &rest.Request{Method: http.MethodPost, Path: "v2/bot/chat/loading/start", JSON: &body, Idempotent: true})
	if err != nil {
		return nil, err
	}
	return resultOf(resp), nil
}

// Profile is a user's LINE profile.
type Profile struct {
	DisplayName   string `json:"displayName"`
	UserID        string `json:"userId"`
	PictureURL    string `json:"pictureUrl,omitempty"`
	StatusMessage string `json:"statusMessage,omitempty"`
	Language      string `json:"language,omitempty"`
	Meta          Meta   `json:"-"`
}

// GetProfile returns the profile of a user who is a friend of the bot.
func (c *Client) GetProfile(ctx context.Context, userID string) (*Profile, error) {
	if userID == "" {
		return nil, argError("Client.GetProfile", "userID", "must not be empty")
	}
	resp, err := c.api.Do(ctx, &rest.Request{Method: http.MethodGet, Path: "v2/bot/profile/" + url.PathEscape(userID), Idempotent: true})
	if err != nil {
		return nil, err
	}
	p := new(Profile)
	if err := json.Unmarshal(resp.Body, p); err != nil {
		return nil, fmt.Errorf("line: decoding profile: %w", wire.JSONError(err))
	}
	p.Meta = metaOf(resp)
	return p, nil
}

// Download is the binary content of a message (image, video, audio or
// file). Close Body when done.
type Download struct {
	// ContentType is the Content-Type header, e.g. "image/jpeg".
	ContentType string
	// Length is the Content-Length, or -1 when unknown.
	Length int64
	Body   io.ReadCloser
	Meta   Meta
}

// GetContent downloads the image, video, audio or file a user sent
// (messages whose contentProvider.type is "line"), from the data host.
// Video and audio may need a moment of transcoding after the event; until
// then LINE answers with an error.
func (c *Client) GetContent(ctx context.Context, messageID string) (*Download, error) {
	if messageID == "" {
		return nil, argError("Client.GetContent", "messageID", "must not be empty")
	}
	s, err := c.data.DoStream(ctx, &rest.Request{Method: http.MethodGet, Path: "v2/bot/message/" + url.PathEscape(messageID) + "/content", Idempotent: true})
	if err != nil {
		return nil, err
	}
	n := int64(-1)
	if v := s.Header.Get("Content-Length"); v != "" {
		if k, err := strconv.ParseInt(v, 10, 64); err == nil {
			n = k
		}
	}
	return &Download{
		ContentType: s.Header.Get("Content-Type"),
		Length:      n,
		Body:        s.Body,
		Meta:        Meta{StatusCode: s.StatusCode, RequestID: s.Header.Get("X-Line-Request-Id"), Header: s.Header},
	}, nil
}
