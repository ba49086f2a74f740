package naverworks_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
)

// staticTokens is a token source without Invalidate.
type staticTokens struct{}

func (staticTokens) Token() (*oauth2.Token, error) { return &oauth2.Token{AccessToken: "t"}, nil }

// Every option refuses nil and out-of-range values through the
// constructor, with the package's prefix; the shared options work with
// both constructors.
func TestOptionsRefuseBadValues(t *testing.T) {
	t.Parallel()
	clientTests := []struct {
		name string
		opt  naverworks.Option
	}{
		{"nil option", nil},
		{"nil logger", naverworks.WithLogger(nil)},
		{"nil error handler", naverworks.WithErrorHandler(nil)},
		{"nil HTTP client", naverworks.WithHTTPClient(nil)},
		{"relative base URL", naverworks.WithBaseURL("/v1.0/")},
		{"no attempts", naverworks.WithRetry(0, time.Second, time.Second)},
		{"retries without delay", naverworks.WithRetry(3, 0, 0)},
		{"empty user agent", naverworks.WithUserAgent("")},
	}
	for _, tt := range clientTests {
		t.Run("New/"+tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := naverworks.New("bot", staticTokens{}, tt.opt)
			var ae *naverworks.ArgumentError
			if c != nil || !errors.As(err, &ae) || !strings.HasPrefix(err.Error(), "naverworks: ") {
				t.Errorf("New = %v, %v; want a naverworks *ArgumentError", c, err)
			}
		})
	}
	fn := func(context.Context, naverworks.Event) error { return nil }
	handlerTests := []struct {
		name string
		opt  naverworks.HandlerOption
	}{
		{"nil option", nil},
		{"nil logger", naverworks.WithLogger(nil)},
		{"nil error handler", naverworks.WithErrorHandler(nil)},
		{"zero body limit", naverworks.WithMaxBodyBytes(0)},
		{"zero in-flight cap", naverworks.WithMaxInFlight(0)},
		{"negative budget", naverworks.WithBudget(-time.Second)},
		{"zero work timeout", naverworks.WithWorkTimeout(0)},
		{"empty bot ID", naverworks.WithBotID("")},
	}
	for _, tt := range handlerTests {
		t.Run("NewWebhookHandler/"+tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := naverworks.NewWebhookHandler(secrets, fn, tt.opt)
			var ae *naverworks.ArgumentError
			if h != nil || !errors.As(err, &ae) || !strings.HasPrefix(err.Error(), "naverworks: ") {
				t.Errorf("NewWebhookHandler = %v, %v; want a naverworks *ArgumentError", h, err)
			}
		})
	}
	shared := []naverworks.SharedOption{
		naverworks.WithLogger(slog.New(slog.DiscardHandler)),
		naverworks.WithErrorHandler(func(*http.Request, error) {}),
	}
	for _, o := range shared {
		if _, err := naverworks.New("bot", staticTokens{}, o); err != nil {
			t.Errorf("New with a shared option: %v", err)
		}
		if _, err := naverworks.NewWebhookHandler(secrets, fn, o); err != nil {
			t.Errorf("NewWebhookHandler with a shared option: %v", err)
		}
	}
}

// A bad argument is an *ArgumentError wrapping ErrInvalid that names the
// method and the argument, and nothing is sent.
func TestArgumentErrors(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()
	text := &naverworks.Text{Text: "x"}
	var nilCtx context.Context
	tests := []struct {
		name     string
		call     func() error
		fn, arg  string
		contains string
	}{
		{"empty user", func() error { _, err := c.SendToUser(ctx, "", text); return err }, "Client.SendToUser", "userID", ""},
		{"empty channel", func() error { _, err := c.SendToChannel(ctx, "", text); return err }, "Client.SendToChannel", "channelID", ""},
		{"nil event", func() error { _, err := c.Reply(ctx, nil, text); return err }, "Client.Reply", "ev", ""},
		{"event without source", func() error { _, err := c.Reply(ctx, &naverworks.JoinEvent{}, text); return err }, "Client.Reply", "ev", ""},
		{"nil context", func() error { _, err := c.SendToUser(nilCtx, "u", text); return err }, "Client.SendToUser", "ctx", ""},
		{"members of no channel", func() error { _, err := c.ChannelMembers(ctx, "", ""); return err }, "Client.ChannelMembers", "channelID", ""},
		{"leave no channel", func() error { _, err := c.LeaveChannel(ctx, ""); return err }, "Client.LeaveChannel", "channelID", ""},
		{"rich menu image without menu", func() error { _, err := c.SetRichMenuImage(ctx, "", "f"); return err }, "Client.SetRichMenuImage", "richMenuID", ""},
		{"rich menu image without file", func() error { _, err := c.SetRichMenuImage(ctx, "m", ""); return err }, "Client.SetRichMenuImage", "fileID", ""},
		{"user rich menu without user", func() error { _, err := c.SetUserRichMenu(ctx, "m", ""); return err }, "Client.SetUserRichMenu", "userID", ""},
		{"delete no rich menu", func() error { _, err := c.DeleteRichMenu(ctx, ""); return err }, "Client.DeleteRichMenu", "richMenuID", ""},
		{"rich menu count", func() error { _, err := c.RichMenus(ctx, "", 101); return err }, "Client.RichMenus", "count", "between 0 and 100"},
		{"attachment without name", func() error { _, err := c.CreateAttachment(ctx, "", 1); return err }, "Client.CreateAttachment", "fileName", ""},
		{"upload to a relative URL", func() error { _, err := c.Upload(ctx, "/upload", "f", "", strings.NewReader("x")); return err }, "Client.Upload", "uploadURL", ""},
		{"upload of nil", func() error { _, err := c.Upload(ctx, srv.URL()+"/upload/x", "f", "", nil); return err }, "Client.Upload", "r", ""},
		{"download of nothing", func() error { _, err := c.Download(ctx, ""); return err }, "Client.Download", "fileID", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ae *naverworks.ArgumentError
			if !errors.As(err, &ae) || !errors.Is(err, naverworks.ErrInvalid) {
				t.Fatalf("err = %v, want an *ArgumentError wrapping ErrInvalid", err)
			}
			if ae.Pkg != "naverworks" || ae.Func != tt.fn || ae.Arg != tt.arg || !strings.Contains(ae.Reason, tt.contains) {
				t.Errorf("ArgumentError = %+v, want %s %s", ae, tt.fn, tt.arg)
			}
		})
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

// A client's error handler gets the failed attempts it retried (and the
// token refusal it recovered from), with a nil request; the error it
// returns is the caller's alone.
func TestClientErrorHandler(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	var mu sync.Mutex
	var got []string
	var reqs []*http.Request
	c, err := srv.NewClient(naverworks.WithSleep(func(context.Context, time.Duration) error { return nil }),
		naverworks.WithErrorHandler(func(r *http.Request, err error) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, err.Error())
			reqs = append(reqs, r)
		}))
	if err != nil {
		t.Fatal(err)
	}
	// A token refusal, then a 503 that is retried, then success.
	srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: http.StatusUnauthorized})
	srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: http.StatusServiceUnavailable})
	if _, err := c.SendToUser(t.Context(), "u", &naverworks.Text{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	// A 500 on a send is not retried: returned, not reported.
	srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: http.StatusInternalServerError})
	if _, err := c.SendToUser(t.Context(), "u", &naverworks.Text{Text: "x"}); err == nil {
		t.Fatal("want the 500")
	}
	want := []string{
		"naverworks: API error (HTTP 401, UNAUTHORIZED): injected by naverworkstest",
		"naverworks: API error (HTTP 503, SERVICE_UNAVAILABLE): injected by naverworkstest",
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("error handler got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range reqs {
		if r != nil {
			t.Errorf("error handler got a request (it carries the token): %v", r.URL)
		}
	}
}

// A response that does not decode is an error that quotes nothing from
// the body, with the call's Meta kept where the method returns one.
func TestUndecodableResponse(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	c := srv.Client()
	srv.Handle("GET /v1.0/bots/{botId}/channels/{channelId}/members", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"members":[4815162342],"responseMetaData":{"nextCursor":"secret-cursor"}}`))
	}))
	srv.Handle("GET /v1.0/bots/{botId}/persistentmenu", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"content":{"actions":[{"type":"message","label":31337}]}}`))
	}))
	_, err := c.ChannelMembers(t.Context(), "c1", "")
	if err == nil || !strings.HasPrefix(err.Error(), "naverworks: ") || strings.Contains(err.Error(), "4815162342") || strings.Contains(err.Error(), "secret-cursor") {
		t.Errorf("members: err = %v; want a naverworks error quoting nothing", err)
	}
	_, err = c.PersistentMenu(t.Context())
	if err == nil || strings.Contains(err.Error(), "31337") {
		t.Errorf("persistent menu: err = %v; want an error quoting nothing", err)
	}
}

// The token source's HTTP client is WithTokenHTTPClient's (or the
// default): an *http.Client in the context, under oauth2.HTTPClient, is
// not used.
func TestTokenSourceIgnoresContextHTTPClient(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	var used sync.Mutex
	usedCount := 0
	spy := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used.Lock()
		usedCount++
		used.Unlock()
		return nil, errors.New("the context's client was used")
	})}
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, spy)
	ts, err := naverworks.TokenSource(ctx, srv.Credentials(), naverworks.WithTokenURL(srv.TokenURL()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Token(); err != nil {
		t.Fatalf("Token: %v", err)
	}
	used.Lock()
	defer used.Unlock()
	if usedCount != 0 || srv.TokenRequests() != 1 {
		t.Errorf("context client used %d times, fake saw %d token requests; want 0 and 1", usedCount, srv.TokenRequests())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The handler's SharedOption logger sees failures, never a secret.
func TestHandlerLogger(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := naverworks.NewWebhookHandler(signature.MustSecretSet(secret), func(context.Context, naverworks.Event) error { return nil }, naverworks.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	r := naverworkstest.NewRequest(t, "another-secret", &naverworks.JoinEvent{})
	sig := r.Header.Get(naverworks.SignatureHeader)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	mu.Lock()
	defer mu.Unlock()
	if rec.Code != http.StatusUnauthorized || !strings.Contains(logs.String(), "naverworks: webhook request failed") {
		t.Errorf("status %d, logs %q", rec.Code, logs.String())
	}
	if strings.Contains(logs.String(), sig) || strings.Contains(logs.String(), secret) {
		t.Errorf("logs leak the signature or the secret: %q", logs.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
