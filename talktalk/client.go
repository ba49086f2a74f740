package talktalk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/channelkit/channelkit/internal/invalid"
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
// added or removed. New does no I/O. An empty key, a nil option or an
// option given a value it cannot take is an [*ArgumentError].
func New(authorizationKey string, opts ...Option) (*Client, error) {
	if authorizationKey == "" {
		return nil, invalid.Arg(pkg, "New", "authorizationKey", "empty")
	}
	base, _ := rest.ParseBaseURL(DefaultBaseURL)
	cfg := config{baseURL: base, retry: rest.DefaultRetry, logger: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		if o == nil {
			return nil, invalid.Arg(pkg, "New", "opts", "nil option")
		}
		if err := o.applyClient(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.http == nil {
		cfg.http = rest.NewHTTPClient()
	}
	// One shared header value: nothing in net/http modifies it.
	auth := []string{authorizationKey}
	c := &Client{log: cfg.logger}
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
	if onErr := cfg.onErr; onErr != nil {
		c.rest.OnError = func(_ context.Context, err error) {
			onErr(nil, fmt.Errorf("talktalk: attempt failed and was retried: %w", err))
		}
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
	Meta Meta
	// ResultCode is "00" on success.
	ResultCode    string
	ResultMessage string
}

// UploadResult is a successful image upload.
type UploadResult struct {
	Meta Meta
	// ResultCode is "00" on success.
	ResultCode    string
	ResultMessage string
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

// checkInto is checkResponse that leaves the decoded result in out.
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

// post sends body to the endpoint at path (relative to the base URL) and
// returns the response with its decoded result.
func (c *Client) post(ctx context.Context, path string, body []byte, idempotent bool) (*rest.Response, apiResult, error) {
	req := &rest.Request{
		Method:      http.MethodPost,
		Path:        path,
		Body:        body,
		ContentType: "application/json;charset=UTF-8",
		Idempotent:  idempotent,
	}
	resp, err := c.rest.Do(ctx, req)
	var res apiResult
	if err != nil {
		var ae *APIError
		if errors.As(err, &ae) {
			return nil, res, err
		}
		return nil, res, fmt.Errorf("talktalk: %w", err)
	}
	// The check accepted the body; decode it once more for its fields
	// (free for the usual plain success).
	_ = checkInto(resp, &res)
	return resp, res, nil
}

func newMeta(resp *rest.Response) Meta {
	return Meta{StatusCode: resp.StatusCode, RequestID: requestID(resp.Header), Header: resp.Header}
}

// checkUser returns the ArgumentError of method fn called without a user.
func checkUser(fn, user string) error {
	if user == "" {
		return invalid.Arg(pkg, fn, "user", "empty")
	}
	return nil
}

// Post validates ev and sends it to the send API. It is the general form
// of every call below; use it for events without a helper (product
// messages, raw *UnknownEvent bodies, which go out byte for byte). ev must
// name a user, except a persistentMenu event or a raw body: an event
// without one is a [*ValidationError] at path "user". A nil ev is an
// [*ArgumentError].
//
// Post retries only failures that prove the request never reached the
// server, unless ev is a typing action or a persistent menu, whose
// repetition is harmless. A send is not idempotent:
// TalkTalk has no idempotency key, so a retried send after a timeout can
// show the user the message twice.
func (c *Client) Post(ctx context.Context, ev Event) (*Result, error) {
	if ev == nil {
		return nil, invalid.Arg(pkg, "Client.Post", "ev", "nil event")
	}
	return c.postEvent(ctx, ev)
}

func (c *Client) postEvent(ctx context.Context, ev Event) (*Result, error) {
	if err := Validate(ev); err != nil {
		return nil, err
	}
	switch ev.(type) {
	case *PersistentMenuEvent, *UnknownEvent:
		// No user, or a raw body the caller owns.
	default:
		if ev.UserID() == "" {
			return nil, invalid.New(pkg, "user", "required")
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
	c.log.DebugContext(ctx, "talktalk: posting event", "event", ev.Type())
	resp, res, err := c.post(ctx, "event", body, idempotent)
	if err != nil {
		return nil, err
	}
	return &Result{Meta: newMeta(resp), ResultCode: res.ResultCode, ResultMessage: res.ResultMessage}, nil
}

// Send validates and sends a message. ev.User is required. A send is not
// retried once it may have reached TalkTalk (see [Client.Post]).
func (c *Client) Send(ctx context.Context, ev *SendEvent) (*Result, error) {
	if ev == nil {
		return nil, invalid.Arg(pkg, "Client.Send", "ev", "nil event")
	}
	return c.postEvent(ctx, ev)
}

// SendText sends a plain text message to user.
func (c *Client) SendText(ctx context.Context, user, text string) (*Result, error) {
	if err := checkUser("Client.SendText", user); err != nil {
		return nil, err
	}
	return c.postEvent(ctx, &SendEvent{User: user, Content: Content{Text: &TextContent{Text: text}}})
}

// Typing shows (on) or hides the typing indicator for user. TalkTalk shows
// it for 10 seconds; any send hides it.
func (c *Client) Typing(ctx context.Context, user string, on bool) (*Result, error) {
	if err := checkUser("Client.Typing", user); err != nil {
		return nil, err
	}
	a := TypingOff
	if on {
		a = TypingOn
	}
	return c.postEvent(ctx, &ActionEvent{User: user, Options: ActionOptions{Action: a}})
}

// UploadImage asks TalkTalk to fetch imageURL (JPG, JPEG, PNG or GIF, at
// most 20 MB, within 10 seconds) and returns an image ID to send instead of
// the URL. An imageURL that is not an http(s) URL is an [*ArgumentError].
// Failures unwrap to ErrImageFormat, ErrImageTimeout, ErrImageTooLarge or
// ErrImageUpload. Uploads are retried on server errors: a repeated upload
// only yields another ID.
func (c *Client) UploadImage(ctx context.Context, imageURL string) (*UploadResult, error) {
	var v validator
	v.url(root("imageUrl"), imageURL, false)
	if len(v.errs) > 0 {
		return nil, invalid.Arg(pkg, "Client.UploadImage", "imageURL", v.errs[0].Reason)
	}
	body, err := json.Marshal(struct {
		ImageURL string `json:"imageUrl"`
	}{imageURL})
	if err != nil {
		return nil, err
	}
	c.log.DebugContext(ctx, "talktalk: uploading image")
	resp, res, err := c.post(ctx, "imageUpload", body, true)
	if err != nil {
		return nil, err
	}
	if res.ImageID == "" {
		return nil, &APIError{StatusCode: resp.StatusCode, Code: res.ResultCode, Message: "success without imageId", Body: rest.Truncate(resp.Body, rest.MaxErrorBody)}
	}
	return &UploadResult{Meta: newMeta(resp), ResultCode: res.ResultCode, ResultMessage: res.ResultMessage, ImageID: res.ImageID}, nil
}

// SetPersistentMenu replaces the account's persistent menu (at most 4
// items, 3 levels). It is retried like any idempotent call. Empty menus
// are an [*ArgumentError]: use DeletePersistentMenu to remove the menu.
func (c *Client) SetPersistentMenu(ctx context.Context, menus MenuList) (*Result, error) {
	if len(menus) == 0 {
		return nil, invalid.Arg(pkg, "Client.SetPersistentMenu", "menus", "empty (use DeletePersistentMenu to remove the menu)")
	}
	return c.postEvent(ctx, &PersistentMenuEvent{MenuContent: []MenuContent{{Menus: menus}}})
}

// DeletePersistentMenu removes the persistent menu.
func (c *Client) DeletePersistentMenu(ctx context.Context) (*Result, error) {
	return c.postEvent(ctx, &PersistentMenuEvent{MenuContent: []MenuContent{}})
}

// PassThread passes the conversation with user to the human agent
// (targetId 1): the chat moves to the agent's waiting list, and the bot
// receives user messages with Standby set until the agent passes it back.
// Hand-over must be enabled in Partner Center. It is not retried once it
// may have reached TalkTalk.
func (c *Client) PassThread(ctx context.Context, user string) (*Result, error) {
	if err := checkUser("Client.PassThread", user); err != nil {
		return nil, err
	}
	return c.postEvent(ctx, &HandoverEvent{User: user, Options: HandoverOptions{Control: PassThread, TargetID: 1}})
}

// TakeThread takes the conversation with user back from the agent.
func (c *Client) TakeThread(ctx context.Context, user string) (*Result, error) {
	if err := checkUser("Client.TakeThread", user); err != nil {
		return nil, err
	}
	return c.postEvent(ctx, &HandoverEvent{User: user, Options: HandoverOptions{Control: TakeThread}})
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
	if err := checkUser("Client.RequestProfile", user); err != nil {
		return nil, err
	}
	return c.postEvent(ctx, &ProfileEvent{User: user, Options: ProfileOptions{Field: field, Agreements: agreements}})
}
