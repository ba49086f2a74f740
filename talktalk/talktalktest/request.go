package talktalktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/channelkit/channelkit/talktalk"
)

// RemoteAddr is the TCP peer address webhook requests are given: inside
// TalkTalk's published range 211.249.40.0/27.
const RemoteAddr = "211.249.40.10:48210"

// RequestOption adjusts a webhook request.
type RequestOption func(*http.Request)

// WithTarget sets the request URL (default "/"), for path tokens.
func WithTarget(target string) RequestOption {
	return func(r *http.Request) {
		u := httptest.NewRequest(http.MethodPost, target, nil).URL
		r.URL, r.RequestURI, r.Host = u, u.RequestURI(), u.Host
		if r.Host == "" {
			r.Host = "example.com"
		}
	}
}

// WithRemoteAddr sets the TCP peer address (default [RemoteAddr]); use an
// address outside TalkTalk's ranges to test the 403 path.
func WithRemoteAddr(addr string) RequestOption {
	return func(r *http.Request) { r.RemoteAddr = addr }
}

// WithForwardedFor sets X-Forwarded-For, as a proxy in front of the
// handler would.
func WithForwardedFor(addrs string) RequestOption {
	return func(r *http.Request) { r.Header.Set("X-Forwarded-For", addrs) }
}

// WithHeader sets a header (a gateway's shared token).
func WithHeader(name, value string) RequestOption {
	return func(r *http.Request) { r.Header.Set(name, value) }
}

// NewEvent returns a webhook request carrying ev, as TalkTalk sends it:
// POST, JSON with TalkTalk's headers, from [RemoteAddr]. It is meant for
// handler.ServeHTTP with an httptest.ResponseRecorder. It fails t if ev
// does not encode.
func NewEvent(t testing.TB, ev talktalk.Event, opts ...RequestOption) *http.Request {
	t.Helper()
	r, err := BuildEvent(ev, opts...)
	if err != nil {
		t.Fatalf("talktalktest: %v", err)
	}
	return r
}

// NewRequest returns a webhook request with body as is (for malformed or
// recorded bodies), otherwise like [NewEvent].
func NewRequest(t testing.TB, body []byte, opts ...RequestOption) *http.Request {
	t.Helper()
	return BuildRequest(body, opts...)
}

// BuildEvent is NewEvent for programs without a testing.TB (demos).
func BuildEvent(ev talktalk.Event, opts ...RequestOption) (*http.Request, error) {
	body, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("encoding event: %w", err)
	}
	return BuildRequest(body, opts...), nil
}

// BuildRequest is NewRequest for programs without a testing.TB. To send
// such a request over a real connection (whose peer is then loopback),
// trust the loopback proxy on the handler's allow-list:
// signature.NewTalkTalkAllowList(signature.WithTrustedProxies("127.0.0.1"))
// — the request carries X-Forwarded-For: 211.249.40.10.
func BuildRequest(body []byte, opts ...RequestOption) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json;charset=UTF-8")
	r.Header.Set("Accept", "application/json")
	r.Header.Set("X-Forwarded-For", "211.249.40.10")
	r.RemoteAddr = RemoteAddr
	for _, o := range opts {
		o(r)
	}
	return r
}

// Text returns a user's text message event.
func Text(user, text string) *talktalk.SendEvent {
	mobile := true
	return &talktalk.SendEvent{User: user, Content: talktalk.Content{
		Text: &talktalk.TextContent{Text: text, InputType: talktalk.InputTyping},
	}, Options: talktalk.SendOptions{Mobile: &mobile}}
}

// ButtonPress returns the event of a user pressing a TEXT button (or quick
// reply) titled title with code.
func ButtonPress(user, title, code string) *talktalk.SendEvent {
	return &talktalk.SendEvent{User: user, Content: talktalk.Content{
		Text: &talktalk.TextContent{Text: title, Code: code, InputType: talktalk.InputButton},
	}}
}

// Image returns a user's image message event.
func Image(user, imageURL string) *talktalk.SendEvent {
	return &talktalk.SendEvent{User: user, Content: talktalk.Content{Image: &talktalk.ImageContent{ImageURL: imageURL}}}
}

// Open returns the event of a user opening the chat window.
func Open(user string) *talktalk.OpenEvent {
	return &talktalk.OpenEvent{User: user, Options: talktalk.OpenOptions{Inflow: "none", Friend: false, Under14: false}}
}
