package naverworks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
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
	ts   redact.Hidden[oauth2.TokenSource]
	api  *rest.Client // no redirects followed
	base *url.URL
	log  *slog.Logger
}

// New returns a client for the bot botID that authenticates with ts,
// normally the [TokenSource] of the app's Service Account. New does no I/O.
//
// When a call is refused with HTTP 401 (or 403 with code UNAUTHORIZED, as
// the official samples treat it) and ts implements [Invalidator], the
// client invalidates the token it used and retries the call once.
func New(botID string, ts oauth2.TokenSource, opts ...Option) (*Client, error) {
	if botID == "" {
		return nil, errors.New("naverworks: empty bot ID")
	}
	if strings.ContainsAny(botID, "/?#") {
		return nil, errors.New("naverworks: bot ID holds a URL delimiter")
	}
	if ts == nil {
		return nil, errors.New("naverworks: nil token source")
	}
	base, _ := url.Parse(DefaultBaseURL)
	cfg := config{baseURL: base, retry: rest.DefaultRetry}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("naverworks: nil Option")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.http == nil {
		cfg.http = rest.NewHTTPClient()
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	// Attachment downloads answer 302; we follow the redirect ourselves so
	// that the bearer token goes only where we decide.
	hc := *cfg.http
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c := &Client{
		botID: botID,
		ts:    redact.Hide(ts),
		base:  cfg.baseURL,
		log:   cfg.logger,
		api: &rest.Client{
			HTTP:       &hc,
			BaseURL:    cfg.baseURL,
			UserAgent:  cfg.userAgent,
			Logger:     cfg.logger,
			Retry:      cfg.retry,
			Check:      check,
			RetryAfter: retryAfter,
			Sleep:      cfg.sleep,
		},
	}
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

func unauthorized(err error) bool {
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

// do sends req with a bearer token; on 401 it invalidates the token and
// retries once.
func (c *Client) do(ctx context.Context, req *rest.Request) (*rest.Response, error) {
	return c.doWith(ctx, req, func(r *rest.Request) (*rest.Response, error) { return c.api.Do(ctx, r) })
}

func (c *Client) doWith(ctx context.Context, req *rest.Request, send func(*rest.Request) (*rest.Response, error)) (*rest.Response, error) {
	if ctx == nil {
		return nil, errors.New("naverworks: nil context")
	}
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tok, err := c.ts.Reveal().Token()
		if err != nil {
			return nil, fmt.Errorf("naverworks: access token: %w", err)
		}
		r := *req
		r.Header = make(http.Header, len(req.Header)+1)
		for k, v := range req.Header {
			r.Header[k] = v
		}
		r.Header["Authorization"] = []string{tok.Type() + " " + tok.AccessToken}
		resp, err := send(&r)
		if err == nil || attempt > 0 || !unauthorized(err) {
			return resp, err
		}
		inv, ok := c.ts.Reveal().(Invalidator)
		if !ok {
			return resp, err
		}
		inv.Invalidate(tok)
		c.log.DebugContext(ctx, "naverworks: access token refused, refreshing once", "method", req.Method)
	}
}

// SendResult is the result of a send.
type SendResult struct {
	Meta Meta
}

// SendToUser sends content to a user in the 1:1 room with the bot. userID
// is the user's ID or login ID (e-mail). The content is validated first; a
// violation is a [*ValidationError] and nothing is sent.
func (c *Client) SendToUser(ctx context.Context, userID string, content Content) (*SendResult, error) {
	if userID == "" {
		return nil, errors.New("naverworks: empty user ID")
	}
	return c.send(ctx, c.botPath("users", userID, "messages"), content)
}

// SendToChannel sends content into a message room (channel) the bot
// belongs to.
func (c *Client) SendToChannel(ctx context.Context, channelID string, content Content) (*SendResult, error) {
	if channelID == "" {
		return nil, errors.New("naverworks: empty channel ID")
	}
	return c.send(ctx, c.botPath("channels", channelID, "messages"), content)
}

// Reply sends content to where ev came from: its channel if it has one,
// else its user.
func (c *Client) Reply(ctx context.Context, ev Event, content Content) (*SendResult, error) {
	if ev == nil {
		return nil, errors.New("naverworks: nil event")
	}
	ch, user := ev.EventSource().ReplyTarget()
	if ch != "" {
		return c.SendToChannel(ctx, ch, content)
	}
	return c.SendToUser(ctx, user, content)
}

type sendBody struct {
	Content Content `json:"content"`
}

func (c *Client) send(ctx context.Context, path string, content Content) (*SendResult, error) {
	if err := Validate(content); err != nil {
		return nil, err
	}
	body, err := json.Marshal(sendBody{content})
	if err != nil {
		return nil, fmt.Errorf("naverworks: encoding content: %w", err)
	}
	resp, err := c.do(ctx, &rest.Request{
		Method: http.MethodPost, Path: path, Body: body, ContentType: "application/json",
		Idempotent: true, RetryOn: retrySend,
	})
	if err != nil {
		return nil, err
	}
	return &SendResult{Meta: metaOf(resp)}, nil
}

func jsonValid(b []byte) bool { return len(b) > 0 && json.Valid(b) }

// readJSON decodes a successful response body into v.
func readJSON(resp *rest.Response, v any) error {
	if len(resp.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return fmt.Errorf("naverworks: decoding response (HTTP %d): %w", resp.StatusCode, err)
	}
	return nil
}

// getJSON, postJSON and del are the non-send calls: all idempotent except
// creations.
func (c *Client) call(ctx context.Context, method, path string, in, out any, idempotent bool) (Meta, error) {
	req := &rest.Request{Method: method, Path: path, Idempotent: idempotent}
	if in != nil {
		req.JSON = in
	}
	resp, err := c.do(ctx, req)
	if err != nil {
		return Meta{}, err
	}
	if out != nil {
		if err := readJSON(resp, out); err != nil {
			return metaOf(resp), err
		}
	}
	return metaOf(resp), nil
}

// Download is a streamed attachment. Close Body.
type Download struct {
	Meta          Meta
	Body          io.ReadCloser
	ContentType   string
	ContentLength int64
	// FileName comes from Content-Disposition, when the server sends one.
	FileName string
}

// Download fetches a file users sent (the fileId of an image, file, audio
// or video content). The API answers 302 with the file's location; the
// client follows it, sending the bearer token only to NAVER WORKS hosts
// (and to the API host itself).
func (c *Client) Download(ctx context.Context, fileID string) (*Download, error) {
	if fileID == "" {
		return nil, errors.New("naverworks: empty file ID")
	}
	// The first answer is normally a 302 with an empty body; a server that
	// answers 200 with the file directly is buffered (up to 16 MiB).
	first, err := c.do(ctx, &rest.Request{Method: http.MethodGet, Path: c.botPath("attachments", fileID), Idempotent: true})
	if err != nil {
		return nil, err
	}
	if first.StatusCode < 300 {
		return newDownload(&rest.Stream{StatusCode: first.StatusCode, Header: first.Header, Body: io.NopCloser(bytes.NewReader(first.Body))}), nil
	}
	location := first.Header.Get("Location")
	loc, err := url.Parse(location)
	if err != nil || location == "" {
		return nil, fmt.Errorf("naverworks: download: HTTP %d without a usable Location", first.StatusCode)
	}
	target := c.base.ResolveReference(loc)
	if target.Scheme != "https" && target.Scheme != "http" {
		return nil, errors.New("naverworks: download: redirect to a non-HTTP location")
	}
	// DoStream streams only 2xx answers; any other answer the check lets
	// pass (a further redirect, 304) is a *rest.StatusError.
	var (
		stream *rest.Stream
		status int
	)
	req2 := &rest.Request{Method: http.MethodGet, Path: target.String(), Idempotent: true}
	send := func(r *rest.Request) (*rest.Response, error) {
		s, err := c.api.DoStream(ctx, r)
		var se *rest.StatusError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("naverworks: download: unexpected HTTP %d from the file location", se.StatusCode)
		}
		if err != nil {
			return nil, err
		}
		stream, status = s, s.StatusCode
		return &rest.Response{StatusCode: s.StatusCode, Header: s.Header}, nil
	}
	if c.trusted(target) {
		_, err = c.doWith(ctx, req2, send)
	} else {
		_, err = send(req2)
	}
	if err != nil {
		return nil, err
	}
	if stream == nil || status >= 300 {
		if stream != nil {
			stream.Body.Close()
		}
		return nil, errors.New("naverworks: download: the file location did not answer with the file")
	}
	return newDownload(stream), nil
}

func newDownload(s *rest.Stream) *Download {
	d := &Download{
		Meta:          Meta{StatusCode: s.StatusCode, RequestID: requestID(s.Header), Header: s.Header},
		Body:          s.Body,
		ContentType:   s.Header.Get("Content-Type"),
		ContentLength: -1,
	}
	if n := s.Header.Get("Content-Length"); n != "" {
		if v, err := strconv.ParseInt(n, 10, 64); err == nil {
			d.ContentLength = v
		}
	}
	if cd := s.Header.Get("Content-Disposition"); cd != "" {
		if _, params, err := mime.ParseMediaType(cd); err == nil {
			d.FileName = params["filename"]
		}
	}
	return d
}

// trusted reports whether the bearer token may be sent to u: the API host,
// or a NAVER WORKS host over HTTPS.
func (c *Client) trusted(u *url.URL) bool {
	if u.Host == c.base.Host && u.Scheme == c.base.Scheme {
		return true
	}
	h := u.Hostname()
	return u.Scheme == "https" && (strings.HasSuffix(h, ".worksmobile.com") || strings.HasSuffix(h, ".worksapis.com"))
}
