package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

const (
	pathToken = "0123456789abcdef0123456789abcdef"
	target    = "/talktalk/" + pathToken
	user      = "al-2eGuGr5WQOnco1_V-FQ"
)

// newTestBot builds the bot from env, as main does, pointed at a fake
// send API.
func newTestBot(t *testing.T, extraEnv map[string]string) (*talktalk.WebhookHandler, *talktalktest.Server) {
	t.Helper()
	srv := talktalktest.NewServer(t)
	env := map[string]string{
		"TALKTALK_AUTHORIZATION_KEY": srv.AuthorizationKey(),
		"TALKTALK_PATH_TOKEN":        pathToken,
	}
	for k, v := range extraEnv {
		env[k] = v
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	h, err := newBot(cfg, slog.New(slog.DiscardHandler), []talktalk.Option{talktalk.WithBaseURL(srv.BaseURL()), talktalk.WithHTTPClient(srv.HTTPClient())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.Wait(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return h, srv
}

// reply is the synchronous answer's text ("" for an empty 200).
func reply(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	if rec.Body.Len() == 0 {
		return ""
	}
	ev, err := talktalk.Decode(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("answer is not a TalkTalk event: %v\n%s", err, rec.Body)
	}
	send, ok := ev.(*talktalk.SendEvent)
	if !ok || send.Text == nil {
		t.Fatalf("answer is %T, want a text send event: %s", ev, rec.Body)
	}
	return send.Text.Text
}

// apiCall is what the bot sent through the send API, in comparable form.
type apiCall struct {
	Event string
	User  string
	Text  string // for send
	// Control and TargetID are for handover.
	Control  string
	TargetID int64
}

func apiCalls(srv *talktalktest.Server) []apiCall {
	var out []apiCall
	for _, ev := range srv.Events() {
		switch ev := ev.(type) {
		case *talktalk.SendEvent:
			c := apiCall{Event: "send", User: ev.User}
			if ev.Text != nil {
				c.Text = ev.Text.Text
			}
			out = append(out, c)
		case *talktalk.HandoverEvent:
			out = append(out, apiCall{Event: "handover", User: ev.User, Control: ev.Options.Control, TargetID: ev.Options.TargetID})
		default:
			out = append(out, apiCall{Event: ev.Type()})
		}
	}
	return out
}

func TestLoadConfig(t *testing.T) {
	_, err := loadConfig(func(string) string { return "" })
	want := "missing environment variables: TALKTALK_AUTHORIZATION_KEY, TALKTALK_PATH_TOKEN"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("loadConfig error = %v, want %q", err, want)
	}
	for _, env := range []map[string]string{
		{"TALKTALK_AUTHORIZATION_KEY": "k"},
		{"TALKTALK_AUTHORIZATION_KEY": "k", "TALKTALK_PATH_TOKEN": "not/one-segment"},
		{"TALKTALK_AUTHORIZATION_KEY": "k", "TALKTALK_PATH_TOKEN": "k", "TALKTALK_PATH_TOKEN_PREVIOUS": "not/one-segment"},
	} {
		err = run(context.Background(), func(k string) string { return env[k] }, slog.New(slog.DiscardHandler))
		if err == nil || !strings.Contains(err.Error(), "TALKTALK_PATH_TOKEN") {
			t.Fatalf("run error = %v, want one naming TALKTALK_PATH_TOKEN", err)
		}
		if strings.Contains(err.Error(), "not/one-segment") {
			t.Errorf("run error %q shows the path token", err)
		}
	}
}

// TestPathTokenRotation: while TALKTALK_PATH_TOKEN_PREVIOUS is set, the
// URL with the previous token still works; one with neither token is 403.
func TestPathTokenRotation(t *testing.T) {
	const previous = "fedcba9876543210fedcba9876543210"
	h, _ := newTestBot(t, map[string]string{"TALKTALK_PATH_TOKEN_PREVIOUS": previous})
	for _, tt := range []struct {
		name   string
		target string
		want   int
	}{
		{"current", target, http.StatusOK},
		{"previous", "/talktalk/" + previous, http.StatusOK},
		{"neither", "/talktalk/00000000000000000000000000000000", http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, talktalktest.NewEvent(t, talktalktest.Text(user, "hi"), talktalktest.WithTarget(tt.target)))
			if rec.Code != tt.want {
				t.Errorf("status = %d, want %d", rec.Code, tt.want)
			}
		})
	}
	if err := h.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestConversation(t *testing.T) {
	standby := talktalktest.Text(user, "상담원님 감사합니다")
	standby.Standby = true
	tests := []struct {
		name      string
		event     talktalk.Event
		wantReply string
		wantCalls []apiCall
	}{
		{
			name:      "text is echoed in the response",
			event:     talktalktest.Text(user, "안녕하세요"),
			wantReply: "안녕하세요",
		},
		{
			name:      "opening the chat is greeted",
			event:     talktalktest.Open(user),
			wantReply: welcome,
		},
		{
			name:      "an image cannot be echoed",
			event:     talktalktest.Image(user, "https://example.com/cat.jpg"),
			wantReply: textOnlyEcho,
		},
		{
			name:  "the keyword hands over to an agent",
			event: talktalktest.Text(user, "상담원 연결해 주세요"),
			wantCalls: []apiCall{
				{Event: "send", User: user, Text: connecting},
				{Event: "handover", User: user, Control: "passThread", TargetID: 1},
			},
		},
		{
			name:  "silent while the agent holds the thread",
			event: standby,
		},
		{
			name:      "back when the agent passes the thread back",
			event:     &talktalk.HandoverEvent{User: user, Options: talktalk.HandoverOptions{Control: "passThread", Metadata: `{"managerNickname":"김상담","autoEnd":false}`}},
			wantCalls: []apiCall{{Event: "send", User: user, Text: botIsBack}},
		},
		{
			name:  "echoes of its own messages are ignored",
			event: &talktalk.EchoEvent{User: user, EchoedEvent: "send", Content: talktalk.Content{Text: &talktalk.TextContent{Text: "안녕하세요"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, srv := newTestBot(t, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, talktalktest.NewEvent(t, tt.event, talktalktest.WithTarget(target)))
			if got := reply(t, rec); got != tt.wantReply {
				t.Errorf("reply = %q, want %q", got, tt.wantReply)
			}
			if err := h.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantCalls, apiCalls(srv)); diff != "" {
				t.Errorf("send API calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHandoverRefused(t *testing.T) {
	h, srv := newTestBot(t, nil)
	// Hand-over is switched off in Partner Center: TalkTalk refuses the
	// handover event (inside HTTP 200), while sends still work.
	srv.Handle("POST /chatbot/v1/event", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/json")
		if bytes.Contains(body, []byte(`"handover"`)) {
			_, _ = io.WriteString(w, `{"success":false,"resultCode":"03","resultMessage":"권한 없는 파트너에 대한 요청"}`)
			return
		}
		_, _ = io.WriteString(w, `{"success":true,"resultCode":"00"}`)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, talktalktest.NewEvent(t, talktalktest.Text(user, "상담원"), talktalktest.WithTarget(target)))
	if got := reply(t, rec); got != noAgent {
		t.Errorf("reply = %q, want %q", got, noAgent)
	}
}

func TestRefusesCallersThatAreNotTalkTalk(t *testing.T) {
	tests := []struct {
		name string
		opts []talktalktest.RequestOption
	}{
		{"no path token", []talktalktest.RequestOption{talktalktest.WithTarget("/talktalk/")}},
		{"wrong path token", []talktalktest.RequestOption{talktalktest.WithTarget("/talktalk/guessed")}},
		{"outside TalkTalk's addresses", []talktalktest.RequestOption{talktalktest.WithTarget(target), talktalktest.WithRemoteAddr("203.0.113.7:4000")}},
		{"forwarded-for from an untrusted peer", []talktalktest.RequestOption{talktalktest.WithTarget(target), talktalktest.WithRemoteAddr("203.0.113.7:4000"), talktalktest.WithForwardedFor("211.249.40.10")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, srv := newTestBot(t, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, talktalktest.NewEvent(t, talktalktest.Text(user, "상담원"), tt.opts...))
			if rec.Code != http.StatusForbidden {
				t.Errorf("status = %d, want 403", rec.Code)
			}
			if n := len(srv.Calls()); n != 0 {
				t.Errorf("bot acted on a refused request: %d send API calls", n)
			}
		})
	}
}

// TestServe runs the server on a real socket, behind a "proxy" on
// loopback that TALKTALK_TRUSTED_PROXIES names: an event over HTTP is
// echoed, then the server shuts down when the context ends.
func TestServe(t *testing.T) {
	h, _ := newTestBot(t, map[string]string{"TALKTALK_TRUSTED_PROXIES": "127.0.0.1/32"})
	mux := http.NewServeMux()
	mux.Handle("POST /talktalk/", h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, mux, slog.New(slog.DiscardHandler), h.Wait) }()

	body, err := json.Marshal(talktalktest.Text(user, "over the wire"))
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("X-Forwarded-For", "211.249.40.10")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("answer = %d (%v)", resp.StatusCode, err)
	}
	ev, err := talktalk.Decode(got)
	if err != nil {
		t.Fatalf("answer is not a TalkTalk event: %v\n%s", err, got)
	}
	if s, ok := ev.(*talktalk.SendEvent); !ok || s.Text == nil || s.Text.Text != "over the wire" {
		t.Errorf("answer = %s, want the text echoed", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after shutdown: %v", err)
	}
}
