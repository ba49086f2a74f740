package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

const (
	secret     = "test-channel-secret"
	oldSecret  = "test-channel-secret-before-rotation"
	testUserID = "U4af4980629f3f6ea2e6a4c3b1e1f3c3c"
)

// newTestBot builds the bot from env, as main does, pointed at a fake LINE.
func newTestBot(t *testing.T) (*line.WebhookHandler, *linetest.Server) {
	t.Helper()
	srv := linetest.NewServer(t)
	env := map[string]string{
		"LINE_CHANNEL_SECRET":          secret,
		"LINE_CHANNEL_SECRET_PREVIOUS": oldSecret,
		"LINE_CHANNEL_TOKEN":           linetest.ChannelToken,
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	h, err := newBot(cfg, slog.New(slog.DiscardHandler), []line.Option{line.WithBaseURL(srv.URL()), line.WithHTTPClient(srv.HTTPClient())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Wait(context.Background()) })
	return h, srv
}

// post serves a webhook request and waits for the bot's background work.
func post(t *testing.T, h *line.WebhookHandler, r *http.Request) int {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if err := h.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	return rec.Code
}

// sent is a call to LINE in comparable form.
type sent struct {
	ReplyToken string
	To         []string
	Texts      []string
}

func calls(cs []linetest.Call) []sent {
	var out []sent
	for _, c := range cs {
		s := sent{ReplyToken: c.ReplyToken, To: c.To}
		for _, m := range c.Messages {
			text, _ := m["text"].(string)
			s.Texts = append(s.Texts, text)
		}
		out = append(out, s)
	}
	return out
}

func TestLoadConfig(t *testing.T) {
	_, err := loadConfig(func(string) string { return "" })
	want := "missing environment variables: LINE_CHANNEL_SECRET, LINE_CHANNEL_TOKEN"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("loadConfig error = %v, want %q", err, want)
	}
	err = run(context.Background(), func(k string) string { return map[string]string{"LINE_CHANNEL_SECRET": "s"}[k] }, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "LINE_CHANNEL_TOKEN") {
		t.Fatalf("run error = %v, want one naming LINE_CHANNEL_TOKEN", err)
	}
}

func TestEcho(t *testing.T) {
	tests := []struct {
		name   string
		events func() []line.Event
		want   []string // the texts of the one reply; nil for no reply
	}{
		{"text", func() []line.Event { return []line.Event{linetest.TextMessage(testUserID, "안녕하세요 👋")} }, []string{"안녕하세요 👋"}},
		{"sticker", func() []line.Event { return []line.Event{linetest.StickerMessage(testUserID, "446", "1988")} }, []string{"I can only echo text."}},
		{"follow", func() []line.Event { return []line.Event{linetest.Follow(testUserID)} }, []string{"Thanks for adding me! Send me a message and I will echo it."}},
		{"postback", func() []line.Event { return []line.Event{linetest.Postback(testUserID, "action=buy&item=1")} }, []string{"you chose: action=buy&item=1"}},
		{"unfollow", func() []line.Event { return []line.Event{linetest.Unfollow(testUserID)} }, nil},
		{"webhook URL check", func() []line.Event { return nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, srv := newTestBot(t)
			evs := tt.events()
			if code := post(t, h, linetest.NewRequest(t, secret, evs...)); code != http.StatusOK {
				t.Fatalf("status = %d, want 200", code)
			}
			var want []sent
			if tt.want != nil {
				want = []sent{{ReplyToken: line.ReplyToken(evs[0]), Texts: tt.want}}
			}
			if diff := cmp.Diff(want, calls(srv.Calls())); diff != "" {
				t.Errorf("calls to LINE (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRotatedSecretIsStillAccepted(t *testing.T) {
	h, srv := newTestBot(t)
	if code := post(t, h, linetest.NewRequest(t, oldSecret, linetest.TextMessage(testUserID, "old"))); code != http.StatusOK {
		t.Fatalf("status = %d, want 200", code)
	}
	if n := len(srv.Replies()); n != 1 {
		t.Errorf("got %d replies, want 1", n)
	}
}

func TestRedeliveryIsAnsweredOnce(t *testing.T) {
	h, srv := newTestBot(t)
	ev := linetest.TextMessage(testUserID, "once")
	if code := post(t, h, linetest.NewRequest(t, secret, ev)); code != http.StatusOK {
		t.Fatalf("status = %d, want 200", code)
	}
	if code := post(t, h, linetest.NewRequest(t, secret, linetest.Redelivered(ev))); code != http.StatusOK {
		t.Fatalf("redelivery status = %d, want 200", code)
	}
	want := []sent{{ReplyToken: ev.ReplyToken, Texts: []string{"once"}}}
	if diff := cmp.Diff(want, calls(srv.Calls())); diff != "" {
		t.Errorf("calls to LINE (-want +got):\n%s", diff)
	}
}

func TestExpiredReplyTokenFallsBackToPush(t *testing.T) {
	h, srv := newTestBot(t)
	srv.InvalidReplyToken(1)
	ev := linetest.TextMessage(testUserID, "late")
	if code := post(t, h, linetest.NewRequest(t, secret, ev)); code != http.StatusOK {
		t.Fatalf("status = %d, want 200", code)
	}
	want := []sent{{To: []string{testUserID}, Texts: []string{"late"}}}
	if diff := cmp.Diff(want, calls(srv.Pushes())); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestForgedWebhookIsRefused(t *testing.T) {
	tests := []struct {
		name string
		req  func(t *testing.T) *http.Request
	}{
		{"unsigned", func(t *testing.T) *http.Request {
			r := linetest.NewRequest(t, secret, linetest.TextMessage(testUserID, "hi"))
			r.Header.Del("X-Line-Signature")
			return r
		}},
		{"signed with another secret", func(t *testing.T) *http.Request {
			return linetest.NewRequest(t, "not-the-secret", linetest.TextMessage(testUserID, "hi"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, srv := newTestBot(t)
			if code := post(t, h, tt.req(t)); code != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", code)
			}
			if cs := srv.Calls(); len(cs) != 0 {
				t.Errorf("bot answered a forged webhook: %+v", calls(cs))
			}
		})
	}
}

// TestServe runs the server on a real socket: a signed webhook over HTTP
// is echoed, then the server shuts down when the context ends.
func TestServe(t *testing.T) {
	h, srv := newTestBot(t)
	mux := http.NewServeMux()
	mux.Handle("POST /line", h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, mux, slog.New(slog.DiscardHandler), h.Wait) }()

	ev := linetest.TextMessage(testUserID, "over the wire")
	req, err := linetest.NewHTTPRequest("http://"+ln.Addr().String()+"/line", secret, ev)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after shutdown: %v", err)
	}
	want := []sent{{ReplyToken: ev.ReplyToken, Texts: []string{"over the wire"}}}
	if diff := cmp.Diff(want, calls(srv.Replies())); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
}

// TestRichMenuIsCreatedOnce starts the bot's set-up twice against one
// fake, with tokens from the token source rather than a pasted token: the
// menu is created, given its image, aliased and made default once; the
// second start finds it by its alias.
func TestRichMenuIsCreatedOnce(t *testing.T) {
	srv := linetest.NewServer(t)
	env := map[string]string{
		"LINE_CHANNEL_SECRET": linetest.ChannelSecret,
		"LINE_CHANNEL_ID":     linetest.ChannelID,
		"LINE_ASSERTION_KID":  linetest.AssertionKeyID,
		"LINE_ASSERTION_KEY":  linetest.PrivateKeyJWK(),
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.tokenOpts = []line.TokenOption{line.WithTokenBaseURL(srv.URL()), line.WithTokenHTTPClient(srv.HTTPClient())}
	var ids []string
	for range 2 {
		client, err := newClient(cfg, slog.New(slog.DiscardHandler), []line.Option{line.WithBaseURL(srv.URL()), line.WithHTTPClient(srv.HTTPClient())})
		if err != nil {
			t.Fatal(err)
		}
		id, err := ensureRichMenu(context.Background(), client)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if ids[0] == "" || ids[0] != ids[1] {
		t.Errorf("menu IDs %q: want one menu found again", ids)
	}
	if got := len(srv.CallsTo("/v2/bot/richmenu")); got != 1 {
		t.Errorf("%d menus created, want 1", got)
	}
	if got := srv.DefaultRichMenu(); got != ids[0] {
		t.Errorf("default menu %q, want %q", got, ids[0])
	}
	if got := srv.TokenIssuances(); got != 2 {
		t.Errorf("%d tokens issued, want 2 (one per start)", got)
	}
	if env["LINE_ASSERTION_KEY"] == "" || strings.Contains(fmt.Sprint(cfg), env["LINE_ASSERTION_KEY"]) {
		t.Error("the config prints the assertion key")
	}
}
