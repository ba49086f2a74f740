package talktalk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/message"
)

// Client calls the TalkTalk send API and its extensions (image upload,
// persistent menu, hand-over, profile, product messages). It is immutable
// and safe for concurrent use.
//
// A Client prints as talktalk.Client{BaseURL:"…"} with every fmt verb and
// in slog, never the authorization key.
type Client struct {
	rest *rest.Client
	log  *slog.Logger
	// Absolute endpoint URLs, resolved once.
	eventURL, uploadURL string
}

func (c Client) form() redact.Form {
	var base string
	if c.rest != nil {
		base = c.rest.BaseURL.Redacted()
	}
	return redact.Form{Type: "talktalk.Client", Fields: []redact.Field{{Name: "BaseURL", Value: base}}}
}

// Format writes the client's base URL, for every verb.
func (c Client) Format(f fmt.State, verb rune) { c.form().Format(f, verb) }

// LogValue logs the client's base URL.
func (c Client) LogValue() slog.Value { return c.form().LogValue() }

var _ message.Handover = (*Client)(nil)

// New returns a client that authenticates with authorizationKey, the send
// API key issued in Partner Center (API 설정 → 보내기 API). The key is sent
// verbatim in the Authorization header: no "Bearer", and no "ct_" prefix
// added or removed. New does no I/O.
func New(authorizationKey string, opts ...Option) (*Client, error) {
	if authorizationKey == "" {
		return nil, errors.New("talktalk: empty authorization key")
	}
	base, _ := rest.ParseBaseURL(DefaultBaseURL)
	cfg := config{baseURL: base, retry: rest.DefaultRetry, logger: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, fmt.Errorf("talktalk: %w", err)
		}
	}
	if cfg.http == nil {
		cfg.http = rest.NewHTTPClient()
	}
	// One shared header value: nothing in net/http modifies it.
	auth := []string{authorizationKey}
	c := &Client{
		log:       cfg.logger,
		eventURL:  cfg.baseURL.ResolveReference(&url.URL{Path: "event"}).String(),
		uploadURL: cfg.baseURL.ResolveReference(&url.URL{Path: "imageUpload"}).String(),
	}
	c.rest = &rest.Client{
		HTTP:      cfg.http,
		BaseURL:   cfg.baseURL,
		UserAgent: cfg.userAgent,
		Logger:    cfg.logger,
		Retry:     cfg.retry,
		Check:     checkResponse,
		Auth: func(_ context.Context, h http.Header) error {
			h["Authorization"] = auth
			return nil
		},
	}
	return c, nil
}

// Meta describes the HTTP exchange behind a result.
type Meta struct {
	StatusCode int
	// RequestID is the gateway's request ID header, if it sent one;
	// TalkTalk documents none.
	RequestID string
	Header    http.Header
}

// Result is a successful API call.
type Result struct {
	Meta
	// ResultCode is "00" on success.
	ResultCode    string
	ResultMessage string
}

// UploadResult is a successful image upload.
type UploadResult struct {
	Result
	// ImageID goes in ImageContent.ImageID or Image.ImageID.
	ImageID string
}

type apiResult struct {
	Success       bool   `json:"success"`
	ResultCode    string `json:"resultCode"`
	ResultMessage string `json:"resultMessage"`
	ImageID       string `json:"imageId"`
}

// plainSuccess is the usual success body, recognised without decoding.
const plainSuccess = `{"success":true,"resultCode":"00"}`

var requestIDHeaders = []string{"X-Request-Id", "X-Naver-Request-Id"}

func requestID(h http.Header) string {
	for _, k := range requestIDHeaders {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// checkResponse turns both failure channels into *APIError: a non-2xx
// status, and {"success": false} inside an HTTP 200.
func checkResponse(r *rest.Response) error {
	var res apiResult
	return checkInto(r, &res)
}

// checkInto is checkResponse that leaves the decoded result in res.
func checkInto(r *rest.Response, out *apiResult) error {
	ok2xx := r.StatusCode >= 200 && r.StatusCode < 300
	if ok2xx && string(r.Body) == plainSuccess {
		*out = apiResult{Success: true, ResultCode: CodeSuccess}
		return nil
	}
	var res apiResult
	jerr := json.Unmarshal(r.Body, &res)
	*out = res
	if ok2xx && jerr == nil && res.Success {
		return nil
	}
	e := &APIError{StatusCode: r.StatusCode, RequestID: requestID(r.Header), Body: rest.Truncate(r.Body, rest.MaxErrorBody)}
	if jerr == nil {
		e.Code, e.Message = res.ResultCode, res.ResultMessage
	} else if ok2xx {
		e.Message = "response is not a TalkTalk result object"
	}
	if r.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = rest.ParseRetryAfter(r.Header, time.Now())
	}
	return e
}

func (c *Client) post(ctx context.Context, endpoint string, body []byte, idempotent bool) (*rest.Response, *apiResult, error) {
	// A per-call copy of the REST client whose check keeps the decoded
	// result, so the body is decoded once.
	var res apiResult
	rc := *c.rest
	rc.Check = func(r *rest.Response) error { return checkInto(r, &res) }
	resp, err := rc.Do(ctx, &rest.Request{
		Method:      http.MethodPost,
		Path:        endpoint,
		Body:        body,
		ContentType: "application/json;charset=UTF-8",
		Idempotent:  idempotent,
	})
	if err != nil {
		var ae *APIError
		if errors.As(err, &ae) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("talktalk: %w", err)
	}
	return resp, &res, nil
}

func result(resp *rest.Response, res *apiResult) *Result {
	return &Result{
		Meta:          Meta{StatusCode: resp.StatusCode, RequestID: requestID(resp.Header), Header: resp.Header},
		ResultCode:    res.ResultCode,
		ResultMessage: res.ResultMessage,
	}
}

// Post validates ev and sends it to the send API. It is the general form
// of every call below; use it for events without a helper (product
// messages, raw *UnknownEvent bodies, which go out byte for byte). ev must
// name a user, except a persistentMenu event or a raw body.
//
// Post retries only failures that prove the request never reached the
// server, unless ev is a typing action or a persistent menu, whose
// repetition is harmless. A send is not idempotent:
// TalkTalk has no idempotency key, so a retried send after a timeout can
// show the user the message twice.
func (c *Client) Post(ctx context.Context, ev Event) (*Result, error) {
	if err := Validate(ev); err != nil {
		return nil, err
	}
	switch ev.(type) {
	case *PersistentMenuEvent, *UnknownEvent:
		// No user, or a raw body the caller owns.
	default:
		if ev.UserID() == "" {
			return nil, &ValidationError{Path: "user", Reason: "required"}
		}
	}
	body, err := encodeEvent(ev)
	if err != nil {
		return nil, fmt.Errorf("talktalk: encoding %s event: %w", ev.Type(), err)
	}
	idempotent := false
	switch ev.(type) {
	case *ActionEvent, *PersistentMenuEvent:
		idempotent = true
	default:
		// a send may already have been shown: retried only if it never left
	}
	c.log.DebugContext(ctx, "talktalk: posting event", "event", string(ev.Type()))
	resp, res, err := c.post(ctx, c.eventURL, body, idempotent)
	if err != nil {
		return nil, err
	}
	return result(resp, res), nil
}

// Send validates and sends a message. ev.User is required. A send is not
// retried once it may have reached TalkTalk (see [Client.Post]).
func (c *Client) Send(ctx context.Context, ev *SendEvent) (*Result, error) {
	if ev == nil {
		return nil, &ValidationError{Reason: "nil event"}
	}
	return c.Post(ctx, ev)
}

// SendText sends a plain text message to user.
func (c *Client) SendText(ctx context.Context, user, text string) (*Result, error) {
	return c.Post(ctx, &SendEvent{User: user, Content: Content{Text: &TextContent{Text: text}}})
}

// Typing shows (on) or hides the typing indicator for user. TalkTalk shows
// it for 10 seconds; any send hides it.
func (c *Client) Typing(ctx context.Context, user string, on bool) (*Result, error) {
	a := TypingOff
	if on {
		a = TypingOn
	}
	return c.Post(ctx, &ActionEvent{User: user, Options: ActionOptions{Action: a}})
}

// UploadImage asks TalkTalk to fetch imageURL (JPG, JPEG, PNG or GIF, at
// most 20 MB, within 10 seconds) and returns an image ID to send instead of
// the URL. Failures unwrap to ErrImageFormat, ErrImageTimeout,
// ErrImageTooLarge or ErrImageUpload. Uploads are retried on server errors:
// a repeated upload only yields another ID.
func (c *Client) UploadImage(ctx context.Context, imageURL string) (*UploadResult, error) {
	var v validator
	v.url(root("imageUrl"), imageURL, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(struct {
		ImageURL string `json:"imageUrl"`
	}{imageURL})
	if err != nil {
		return nil, err
	}
	c.log.DebugContext(ctx, "talktalk: uploading image")
	resp, res, err := c.post(ctx, c.uploadURL, body, true)
	if err != nil {
		return nil, err
	}
	if res.ImageID == "" {
		return nil, &APIError{StatusCode: resp.StatusCode, Code: res.ResultCode, Message: "success without imageId", Body: rest.Truncate(resp.Body, rest.MaxErrorBody)}
	}
	return &UploadResult{Result: *result(resp, res), ImageID: res.ImageID}, nil
}

// SetPersistentMenu replaces the account's persistent menu (at most 4
// items, 3 levels). It is retried like any idempotent call.
func (c *Client) SetPersistentMenu(ctx context.Context, menus MenuList) (*Result, error) {
	if len(menus) == 0 {
		return nil, &ValidationError{Path: "menuContent[0].menus", Reason: "required (use DeletePersistentMenu to remove the menu)"}
	}
	return c.Post(ctx, &PersistentMenuEvent{MenuContent: []MenuContent{{Menus: menus}}})
}

// DeletePersistentMenu removes the persistent menu.
func (c *Client) DeletePersistentMenu(ctx context.Context) (*Result, error) {
	return c.Post(ctx, &PersistentMenuEvent{MenuContent: []MenuContent{}})
}

// PassThread passes the conversation with user to the human agent
// (targetId 1): the chat moves to the agent's waiting list, and the bot
// receives user messages with Standby set until the agent passes it back.
// Hand-over must be enabled in Partner Center. It is not retried once it
// may have reached TalkTalk.
func (c *Client) PassThread(ctx context.Context, user string) (*Result, error) {
	return c.Post(ctx, &HandoverEvent{User: user, Options: HandoverOptions{Control: PassThread, TargetID: 1}})
}

// TakeThread takes the conversation with user back from the agent.
func (c *Client) TakeThread(ctx context.Context, user string) (*Result, error) {
	return c.Post(ctx, &HandoverEvent{User: user, Options: HandoverOptions{Control: TakeThread}})
}

// PassToHuman implements [message.Handover] with [Client.PassThread].
func (c *Client) PassToHuman(ctx context.Context, userID string) error {
	_, err := c.PassThread(ctx, userID)
	return err
}

// TakeBack implements [message.Handover] with [Client.TakeThread].
func (c *Client) TakeBack(ctx context.Context, userID string) error {
	_, err := c.TakeThread(ctx, userID)
	return err
}

// RequestProfile asks user to consent to sharing field (ProfileNickname,
// ProfileCellphone or ProfileAddress), optionally collecting consent for
// more fields at once. The data arrives later as a *ProfileEvent webhook;
// while the consent screen is open, sends to the user fail.
func (c *Client) RequestProfile(ctx context.Context, user, field string, agreements ...string) (*Result, error) {
	return c.Post(ctx, &ProfileEvent{User: user, Options: ProfileOptions{Field: field, Agreements: agreements}})
}
