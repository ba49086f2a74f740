package naverworks

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

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
)

// Meta is the HTTP metadata of a completed call.
type Meta struct {
	StatusCode int
	// RequestID is the response's request ID header, if the server sent
	// one (NAVER WORKS documents none).
	RequestID string
	Header    http.Header
}

// RateLimit reads the rateLimit-* headers of the response.
func (m Meta) RateLimit() RateLimit { return ParseRateLimit(m.Header) }

func metaOf(r *rest.Response) Meta {
	return Meta{StatusCode: r.StatusCode, RequestID: requestID(r.Header), Header: r.Header}
}

func requestID(h http.Header) string {
	if v := h.Get("X-Request-Id"); v != "" {
		return v
	}
	return h.Get("X-Works-Request-Id")
}

// Client calls the NAVER WORKS Bot API as one bot. It is immutable and safe
// for concurrent use.
//
// A Client prints as naverworks.Client{BotID:"…", BaseURL:"…"} with every
// fmt verb and in slog, never a token.
type Client struct {
	botID string
	// Hidden: a caller's token source may hold its token in a field.
	ts redact.Hidden[oauth2.TokenSource]
	// api sends with the bearer token, anon without (to hosts that must
	// not see it); neither follows redirects.
	api, anon *rest.Client
	base      *url.URL
}

// New returns a client for the bot botID that authenticates with ts,
// normally the [TokenSource] of the app's Service Account. New does no I/O.
// Each attempt asks ts for a token; a ts that implements
// [ContextTokenSource] (as [*TokenCache] does) is asked with the call's
// context, so the call's deadline bounds the wait for a token.
//
// When a call is refused with HTTP 401 (or 403 with code UNAUTHORIZED, as
// the official samples treat it) and ts implements [Invalidator], the
// client invalidates the token it used and sends the call once more with a
// fresh one; a second refusal is returned.
func New(botID string, ts oauth2.TokenSource, opts ...Option) (*Client, error) {
	if botID == "" {
		return nil, argError("New", "botID", "empty")
	}
	if strings.ContainsAny(botID, "/?#") {
		return nil, argError("New", "botID", "holds a URL delimiter")
	}
	if ts == nil {
		return nil, argError("New", "ts", "nil")
	}
	base, _ := url.Parse(DefaultBaseURL)
	cfg := config{baseURL: base, retry: rest.DefaultRetry}
	for _, o := range opts {
		if o == nil {
			return nil, argError("New", "opts", "nil Option")
		}
		if err := o.applyClient(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.http == nil {
		cfg.http = rest.NewHTTPClient()
	}
	// Attachment downloads answer 302; we follow the redirect ourselves so
	// that the bearer token goes only where we decide.
	hc := *cfg.http
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c := &Client{
		botID: botID,
		ts:    redact.Hide(ts),
		base:  cfg.baseURL,
		anon: &rest.Client{
			HTTP:       &hc,
			BaseURL:    cfg.baseURL,
			UserAgent:  cfg.userAgent,
			Logger:     cfg.log(),
			Retry:      cfg.retry,
			Check:      check,
			RetryAfter: retryAfter,
			Sleep:      cfg.sleep,
		},
	}
	if onErr := cfg.onErr; onErr != nil {
		// The outgoing request carries the token: user code gets nil.
		c.anon.OnError = func(_ context.Context, err error) { onErr(nil, err) }
	}
	api := *c.anon
	api.Auth, api.Refresh, api.Unauthorized = c.authorize, c.refresh, unauthorized
	c.api = &api
	return c, nil
}

func (c Client) form() redact.Form {
	return redact.Form{Type: "naverworks.Client", Fields: []redact.Field{
		{Name: "BotID", Value: c.botID},
		{Name: "BaseURL", Value: c.base.Redacted()},
	}}
}

// Format writes the client's bot ID and base URL, for every verb.
func (c Client) Format(f fmt.State, verb rune) { c.form().Format(f, verb) }

// LogValue logs the client's bot ID and base URL.
func (c Client) LogValue() slog.Value { return c.form().LogValue() }

// BotID returns the bot the client acts as.
func (c *Client) BotID() string { return c.botID }

// check turns a non-2xx response into an *APIError. 3xx passes: only the
// download call sees one, and handles it.
func check(r *rest.Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 400 {
		return nil
	}
	e := &APIError{
		StatusCode: r.StatusCode,
		RequestID:  requestID(r.Header),
		RateLimit:  ParseRateLimit(r.Header),
		Body:       rest.Truncate(r.Body, rest.MaxErrorBody),
	}
	var body struct {
		Code        string `json:"code"`
		Description string `json:"description"`
	}
	if json.Unmarshal(r.Body, &body) == nil {
		e.Code = clip(body.Code, 100)
		e.Message = clip(body.Description, 500)
	}
	if r.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = retryAfter(r, time.Now())
	}
	return e
}

// unauthorized reports whether a failure means that the token was
// refused: HTTP 401, or 403 with code UNAUTHORIZED.
func unauthorized(_ *rest.Response, err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.StatusCode == http.StatusUnauthorized || (ae.StatusCode == http.StatusForbidden && ae.Code == "UNAUTHORIZED")
}

// retrySend allows a retry of a send only when the server cannot have
// accepted it.
func retrySend(r *rest.Response, _ error) bool {
	if r == nil {
		return false // a network error after sending: the message may have been posted
	}
	return r.StatusCode == http.StatusTooManyRequests || r.StatusCode == http.StatusServiceUnavailable
}

// path builds an absolute URL from path segments, escaping each one (IDs
// may hold '/', '=' or '@').
func (c *Client) path(segs ...string) string {
	u := *c.base
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(u.EscapedPath(), "/"))
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	u.RawPath = b.String()
	u.Path, _ = url.PathUnescape(u.RawPath)
	return u.String()
}

func (c *Client) botPath(segs ...string) string {
	return c.path(append([]string{"bots", c.botID}, segs...)...)
}

// authorize sets the bearer token on one attempt; a token source that
// implements [ContextTokenSource] waits for it under the attempt's ctx.
func (c *Client) authorize(ctx context.Context, h http.Header) error {
	var tok *oauth2.Token
	var err error
	if cts, ok := c.ts.Reveal().(ContextTokenSource); ok {
		tok, err = cts.TokenContext(ctx)
	} else {
		tok, err = c.ts.Reveal().Token()
	}
	if err != nil {
		return fmt.Errorf("naverworks: access token: %w", err)
	}
	h["Authorization"] = []string{tok.Type() + " " + tok.AccessToken}
	return nil
}

// refresh drops the token a refused attempt carried, when the token
// source can do that, and reports whether it could.
func (c *Client) refresh(_ context.Context, refused http.Header) bool {
	inv, ok := c.ts.Reveal().(Invalidator)
	if !ok {
		return false
	}
	typ, tok, _ := strings.Cut(refused.Get("Authorization"), " ")
	inv.Invalidate(&oauth2.Token{AccessToken: tok, TokenType: typ})
	return true
}

// checkCtx refuses a nil context, which net/http would panic on.
func checkCtx(ctx context.Context, fn string) error {
	if ctx == nil {
		return argError(fn, "ctx", "nil context")
	}
	return nil
}

// Result is the result of a call that returns no data: a send, a
// deletion, a menu change.
type Result struct {
	Meta Meta
}

// SendToUser sends content to a user in the 1:1 room with the bot. userID
// is the user's ID or login ID (e-mail). The content is validated first; a
// violation is a [*ValidationError] (or [ValidationErrors]) and nothing is
// sent.
func (c *Client) SendToUser(ctx context.Context, userID string, content Content) (*Result, error) {
	if userID == "" {
		return nil, argError("Client.SendToUser", "userID", "empty")
	}
	return c.send(ctx, "Client.SendToUser", c.botPath("users", userID, "messages"), content)
}

// SendToChannel sends content into a message room (channel) the bot
// belongs to.
func (c *Client) SendToChannel(ctx context.Context, channelID string, content Content) (*Result, error) {
	if channelID == "" {
		return nil, argError("Client.SendToChannel", "channelID", "empty")
	}
	return c.send(ctx, "Client.SendToChannel", c.botPath("channels", channelID, "messages"), content)
}

// Reply sends content to where ev came from: its channel if it has one,
// else its user.
func (c *Client) Reply(ctx context.Context, ev Event, content Content) (*Result, error) {
	if ev == nil {
		return nil, argError("Client.Reply", "ev", "nil event")
	}
	ch, user := ev.EventSource().ReplyTarget()
	if ch != "" {
		return c.send(ctx, "Client.Reply", c.botPath("channels", ch, "messages"), content)
	}
	if user == "" {
		return nil, argError("Client.Reply", "ev", "event has neither a channel nor a user")
	}
	return c.send(ctx, "Client.Reply", c.botPath("users", user, "messages"), content)
}

type sendBody struct {
	Content Content `json:"content"`
}

func (c *Client) send(ctx context.Context, fn, path string, content Content) (*Result, error) {
	if err := checkCtx(ctx, fn); err != nil {
		return nil, err
	}
	if err := Validate(content); err != nil {
		return nil, err
	}
	body, err := json.Marshal(sendBody{content})
	if err != nil {
		return nil, fmt.Errorf("naverworks: encoding content: %w", err)
	}
	resp, err := c.api.Do(ctx, &rest.Request{
		Method: http.MethodPost, Path: path, Body: body, ContentType: "application/json",
		Idempotent: true, RetryOn: retrySend,
	})
	if err != nil {
		return nil, err
	}
	return &Result{Meta: metaOf(resp)}, nil
}

func jsonValid(b []byte) bool { return len(b) > 0 && json.Valid(b) }

// call sends one non-send call with the bearer token: in, if not nil, as
// its JSON body; a successful answer decoded into out, if not nil. fn
// names the method in argument errors.
func (c *Client) call(ctx context.Context, fn, method, path string, in, out any, idempotent bool) (Meta, error) {
	if err := checkCtx(ctx, fn); err != nil {
		return Meta{}, err
	}
	req := &rest.Request{Method: method, Path: path, Idempotent: idempotent}
	if in != nil {
		req.JSON = in
	}
	resp, err := c.api.DoJSON(ctx, req, out)
	var de *rest.DecodeError
	if errors.As(err, &de) {
		return metaOf(resp), fmt.Errorf("naverworks: %w", err)
	}
	if err != nil {
		return Meta{}, err
	}
	return metaOf(resp), nil
}

// result is call for methods that return no data.
func (c *Client) result(ctx context.Context, fn, method, path string, in any) (*Result, error) {
	meta, err := c.call(ctx, fn, method, path, in, nil, true)
	if err != nil {
		return nil, err
	}
	return &Result{Meta: meta}, nil
}
