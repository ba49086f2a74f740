package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
)

// fakeEnv returns the environment of a bot whose credentials the fake
// accepts, with the private key inline or in a file.
func fakeEnv(t *testing.T, srv *naverworkstest.Server, keyInFile bool) map[string]string {
	t.Helper()
	creds := srv.Credentials()
	env := map[string]string{
		"NAVERWORKS_CLIENT_ID":       creds.ClientID,
		"NAVERWORKS_CLIENT_SECRET":   creds.ClientSecret,
		"NAVERWORKS_SERVICE_ACCOUNT": creds.ServiceAccount,
		"NAVERWORKS_BOT_ID":          naverworkstest.BotID,
		"NAVERWORKS_BOT_SECRET":      naverworkstest.BotSecret,
	}
	if keyInFile {
		path := filepath.Join(t.TempDir(), "private.key")
		if err := os.WriteFile(path, []byte(naverworkstest.PrivateKeyPEM()), 0o600); err != nil {
			t.Fatal(err)
		}
		env["NAVERWORKS_PRIVATE_KEY_FILE"] = path
	} else {
		env["NAVERWORKS_PRIVATE_KEY"] = naverworkstest.PrivateKeyPEM()
	}
	return env
}

// newTestBot builds the bot from env, as main does, pointed at srv.
func newTestBot(t *testing.T, srv *naverworkstest.Server, env map[string]string) *naverworks.WebhookHandler {
	t.Helper()
	cfg, err := loadConfig(func(k string) string { return env[k] }, os.ReadFile)
	if err != nil {
		t.Fatalf("loadConfig: %v", err)
	}
	h, err := newBot(cfg, slog.New(slog.DiscardHandler),
		[]naverworks.TokenOption{naverworks.WithTokenURL(srv.TokenURL()), naverworks.WithTokenHTTPClient(srv.HTTPClient())},
		[]naverworks.Option{naverworks.WithBaseURL(srv.BaseURL()), naverworks.WithHTTPClient(srv.HTTPClient())})
	if err != nil {
		t.Fatalf("newBot: %v", err)
	}
	return h
}

func TestLoadConfigNamesMissingVariables(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string // substrings of the error
	}{
		{
			name: "nothing set",
			env:  map[string]string{},
			want: []string{"NAVERWORKS_CLIENT_ID", "NAVERWORKS_CLIENT_SECRET", "NAVERWORKS_SERVICE_ACCOUNT", "NAVERWORKS_BOT_ID", "NAVERWORKS_BOT_SECRET", "NAVERWORKS_PRIVATE_KEY"},
		},
		{
			name: "no key",
			env:  map[string]string{"NAVERWORKS_CLIENT_ID": "c", "NAVERWORKS_CLIENT_SECRET": "s", "NAVERWORKS_SERVICE_ACCOUNT": "a", "NAVERWORKS_BOT_ID": "1", "NAVERWORKS_BOT_SECRET": "b"},
			want: []string{"missing environment variables: NAVERWORKS_PRIVATE_KEY (or NAVERWORKS_PRIVATE_KEY_FILE)"},
		},
		{
			name: "both key forms",
			env:  map[string]string{"NAVERWORKS_PRIVATE_KEY": "k", "NAVERWORKS_PRIVATE_KEY_FILE": "f"},
			want: []string{"only one of NAVERWORKS_PRIVATE_KEY and NAVERWORKS_PRIVATE_KEY_FILE"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(func(k string) string { return tt.env[k] }, os.ReadFile)
			if err == nil {
				t.Fatal("loadConfig succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadConfigKeyFile(t *testing.T) {
	srv := naverworkstest.NewServer(t)
	env := fakeEnv(t, srv, true)
	env["NAVERWORKS_SCOPES"] = "bot.message, bot.read"
	cfg, err := loadConfig(func(k string) string { return env[k] }, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.creds.PrivateKey != naverworkstest.PrivateKeyPEM() {
		t.Error("private key was not read from NAVERWORKS_PRIVATE_KEY_FILE")
	}
	if diff := cmp.Diff([]string{"bot.message", "bot.read"}, cfg.creds.Scopes); diff != "" {
		t.Errorf("scopes (-want +got):\n%s", diff)
	}

	env["NAVERWORKS_PRIVATE_KEY_FILE"] = filepath.Join(t.TempDir(), "absent.key")
	if _, err := loadConfig(func(k string) string { return env[k] }, os.ReadFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing key file: error = %v, want fs.ErrNotExist", err)
	}
}

func TestRunRefusesToStartWithoutCredentials(t *testing.T) {
	err := run(context.Background(), func(string) string { return "" }, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "NAVERWORKS_BOT_SECRET") {
		t.Fatalf("run error = %v, want one naming the missing variables", err)
	}
}

func TestEcho(t *testing.T) {
	user := naverworks.Source{UserID: "user-1", DomainID: "40029600"}
	room := naverworks.Source{UserID: "user-1", ChannelID: "room-9", DomainID: "40029600"}
	tests := []struct {
		name  string
		event naverworks.Event
		want  []naverworkstest.Message
	}{
		{
			name:  "text from a user",
			event: &naverworks.MessageEvent{Envelope: naverworks.Envelope{Source: user}, Content: &naverworks.TextContent{Text: "안녕"}},
			want:  []naverworkstest.Message{{BotID: naverworkstest.BotID, UserID: "user-1", Type: "text", Text: "echo: 안녕"}},
		},
		{
			name:  "text in a room",
			event: &naverworks.MessageEvent{Envelope: naverworks.Envelope{Source: room}, Content: &naverworks.TextContent{Text: "hi all"}},
			want:  []naverworkstest.Message{{BotID: naverworkstest.BotID, ChannelID: "room-9", Type: "text", Text: "echo: hi all"}},
		},
		{
			name:  "sticker",
			event: &naverworks.MessageEvent{Envelope: naverworks.Envelope{Source: user}, Content: &naverworks.StickerContent{PackageID: "1", StickerID: "2"}},
			want:  []naverworkstest.Message{{BotID: naverworkstest.BotID, UserID: "user-1", Type: "text", Text: "nice sticker! I can only echo text."}},
		},
		{
			name:  "postback",
			event: &naverworks.PostbackEvent{Envelope: naverworks.Envelope{Source: user}, Data: "size=L"},
			want:  []naverworkstest.Message{{BotID: naverworkstest.BotID, UserID: "user-1", Type: "text", Text: "you chose: size=L"}},
		},
		{
			name:  "bot joined a room",
			event: &naverworks.JoinEvent{Envelope: naverworks.Envelope{Source: naverworks.Source{ChannelID: "room-9"}}},
			want:  []naverworkstest.Message{{BotID: naverworkstest.BotID, ChannelID: "room-9", Type: "text", Text: "Hello, everyone! Say something and I will echo it."}},
		},
		{
			name:  "user left",
			event: &naverworks.LeaveEvent{Envelope: naverworks.Envelope{Source: user}},
			want:  nil,
		},
	}

	srv := naverworkstest.NewServer(t)
	h := newTestBot(t, srv, fakeEnv(t, srv, false))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Reset()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, naverworkstest.NewRequest(t, naverworkstest.BotSecret, tt.event))
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", rec.Code)
			}
			if err := h.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, srv.Messages(), cmpIgnoreContent); diff != "" {
				t.Errorf("messages sent (-want +got):\n%s", diff)
			}
		})
	}
	// Every send above shared one Service Account token.
	if n := srv.TokenRequests(); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
}

var cmpIgnoreContent = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Content" }, cmp.Ignore())

func TestRefusesForgedCallbacks(t *testing.T) {
	srv := naverworkstest.NewServer(t)
	h := newTestBot(t, srv, fakeEnv(t, srv, true))
	ev := &naverworks.MessageEvent{Envelope: naverworks.Envelope{Source: naverworks.Source{UserID: "user-1"}}, Content: &naverworks.TextContent{Text: "hi"}}

	tests := []struct {
		name   string
		req    *http.Request
		status int
	}{
		{"unsigned", func() *http.Request {
			r := naverworkstest.NewRequest(t, naverworkstest.BotSecret, ev)
			r.Header.Del(naverworks.SignatureHeader)
			return r
		}(), http.StatusUnauthorized},
		{"wrong bot secret", naverworkstest.NewRequest(t, "not-the-secret", ev), http.StatusUnauthorized},
		{"another bot", func() *http.Request {
			r := naverworkstest.NewRequest(t, naverworkstest.BotSecret, ev)
			r.Header.Set("X-WORKS-BotId", "9999")
			return r
		}(), http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req)
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
		})
	}
	if err := h.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if msgs := srv.Messages(); len(msgs) != 0 {
		t.Errorf("bot answered a forged callback: %+v", msgs)
	}
}

// TestServe runs the server on a real socket: a signed callback over
// HTTP is echoed, then the server shuts down when the context ends.
func TestServe(t *testing.T) {
	srv := naverworkstest.NewServer(t)
	h := newTestBot(t, srv, fakeEnv(t, srv, false))
	mux := http.NewServeMux()
	mux.Handle("POST /naverworks/callback", h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, mux, slog.New(slog.DiscardHandler), h.Wait) }()

	body := []byte(`{"type":"message","source":{"userId":"user-1","domainId":40029600},"issuedTime":"2026-04-29T00:00:00.000Z","content":{"type":"text","text":"over the wire"}}`)
	req, err := naverworkstest.NewHTTPRequest("http://"+ln.Addr().String()+"/naverworks/callback", naverworkstest.BotSecret, naverworkstest.BotID, body)
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
	// serve drained the handler, so the echo has been sent.
	want := []naverworkstest.Message{{BotID: naverworkstest.BotID, UserID: "user-1", Type: "text", Text: "echo: over the wire"}}
	if diff := cmp.Diff(want, srv.Messages(), cmpIgnoreContent); diff != "" {
		t.Errorf("messages sent (-want +got):\n%s", diff)
	}
}
