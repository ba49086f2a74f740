package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

const (
	chatbotKey    = "test-chatbot-secret-key"
	lineSecret    = "test-line-channel-secret"
	oldLineSecret = "test-line-channel-secret-before-rotation"
)

// rig is the bridge between a fake LINE and a fake CLOVA Chatbot domain.
type rig struct {
	logs    *syncBuffer
	h       *line.WebhookHandler
	line    *linetest.Server
	chatbot *clovatest.Server
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{logs: new(syncBuffer), line: linetest.NewServer(t), chatbot: clovatest.NewServer(t, clovatest.WithSecretKey(chatbotKey))}
	env := map[string]string{
		"LINE_CHANNEL_SECRET":          lineSecret,
		"LINE_CHANNEL_SECRET_PREVIOUS": oldLineSecret,
		"LINE_CHANNEL_TOKEN":           linetest.ChannelToken,
		"CLOVA_CHATBOT_INVOKE_URL":     r.chatbot.URL(),
		"CLOVA_CHATBOT_SECRET_KEY":     chatbotKey,
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	r.h, err = newBridge(cfg, slog.New(slog.NewTextHandler(r.logs, nil)),
		[]line.Option{line.WithBaseURL(r.line.URL()), line.WithHTTPClient(r.line.HTTPClient())},
		[]clova.Option{clova.WithHTTPClient(r.chatbot.HTTPClient())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.h.Wait(context.Background()) })
	return r
}

// syncBuffer is a log sink safe for the handler's background goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// deliver posts a signed webhook carrying ev and waits until the bridge
// has answered it.
func (r *rig) deliver(t *testing.T, ev line.Event) {
	t.Helper()
	rec := httptest.NewRecorder()
	r.h.ServeHTTP(rec, linetest.NewRequest(t, lineSecret, ev))
	if rec.Code != http.StatusOK {
		t.Fatalf("webhook status = %d, want 200", rec.Code)
	}
	if err := r.h.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// sent is a LINE message in comparable form: its type and, for text, its
// text.
type sent struct{ Type, Text string }

func replies(t *testing.T, s *linetest.Server) [][]sent {
	t.Helper()
	var out [][]sent
	for _, c := range s.Replies() {
		var msgs []sent
		for _, m := range c.Messages {
			typ, _ := m["type"].(string)
			text, _ := m["text"].(string)
			msgs = append(msgs, sent{typ, text})
		}
		out = append(out, msgs)
	}
	return out
}

// asked is what the chatbot was asked: the event and the text.
type asked struct{ Event, UserID, Text string }

func questions(t *testing.T, s *clovatest.Server) []asked {
	t.Helper()
	var out []asked
	for _, c := range s.Calls() {
		if !c.SignatureValid {
			t.Errorf("chatbot call was not signed with the secret key")
		}
		a := asked{Event: string(c.Request.Event), UserID: c.Request.UserID}
		if len(c.Request.Bubbles) > 0 {
			a.Text = c.Request.Bubbles[0].Data.Description
		}
		out = append(out, a)
	}
	return out
}

func TestLoadConfig(t *testing.T) {
	_, err := loadConfig(func(k string) string { return map[string]string{"LINE_CHANNEL_TOKEN": "t"}[k] })
	want := "missing environment variables: LINE_CHANNEL_SECRET, CLOVA_CHATBOT_INVOKE_URL, CLOVA_CHATBOT_SECRET_KEY"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("loadConfig error = %v, want %q", err, want)
	}
}

func TestRunRefusesToStartWithoutCredentials(t *testing.T) {
	err := run(context.Background(), func(string) string { return "" }, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "CLOVA_CHATBOT_SECRET_KEY") {
		t.Fatalf("run error = %v, want one naming the missing variables", err)
	}
}

func TestBridge(t *testing.T) {
	tests := []struct {
		name        string
		script      func(*clovatest.Server)
		event       line.Event
		wantAsked   []asked
		wantReplies [][]sent
		wantLog     string // in the logs, if set
	}{
		{
			name: "text is asked and answered",
			script: func(s *clovatest.Server) {
				s.ReplyText("영업시간", "매일 10시부터 22시까지 열어요.")
			},
			event:       linetest.TextMessage("U1", "영업시간"),
			wantAsked:   []asked{{"send", "U1", "영업시간"}},
			wantReplies: [][]sent{{{"text", "매일 10시부터 22시까지 열어요."}}},
		},
		{
			name: "a new friend gets the welcome message",
			script: func(s *clovatest.Server) {
				s.Welcome(&clova.TextBubble{Data: clova.TextData{Description: "반가워요!"}})
			},
			event:       linetest.Follow("U1"),
			wantAsked:   []asked{{"open", "U1", ""}},
			wantReplies: [][]sent{{{"text", "반가워요!"}}},
		},
		{
			name:        "a tapped postback goes back to the chatbot",
			script:      func(s *clovatest.Server) { s.ReplyText("order:pizza", "피자 한 판 주문했어요.") },
			event:       linetest.Postback("U1", "order:pizza"),
			wantAsked:   []asked{{"send", "U1", "order:pizza"}},
			wantReplies: [][]sent{{{"text", "피자 한 판 주문했어요."}}},
		},
		{
			name: "several bubbles, one LINE cannot show",
			script: func(s *clovatest.Server) {
				s.Reply("메뉴", &clova.TextBubble{Data: clova.TextData{Description: "오늘의 메뉴예요."}},
					&clova.UnknownBubble{Type: "flex", Raw: json.RawMessage(`{"type":"flex","data":{}}`)},
					&clova.ImageBubble{Data: clova.ImageData{ImageURL: "https://example.com/pizza.png"}})
			},
			event:       linetest.TextMessage("U1", "메뉴"),
			wantAsked:   []asked{{"send", "U1", "메뉴"}},
			wantReplies: [][]sent{{{"text", "오늘의 메뉴예요."}, {"image", ""}}},
			wantLog:     "LINE could not show all of the answer",
		},
		{
			name:        "the chatbot fails",
			script:      func(s *clovatest.Server) { s.FailNext(clovatest.Fault{Status: http.StatusInternalServerError}) },
			event:       linetest.TextMessage("U1", "안녕"),
			wantAsked:   []asked{{"send", "U1", "안녕"}},
			wantReplies: [][]sent{{{"text", sorryText}}},
			wantLog:     "asking the chatbot",
		},
		{
			name:        "not text",
			script:      func(*clovatest.Server) {},
			event:       linetest.ImageMessage("U1", "m1"),
			wantAsked:   nil,
			wantReplies: [][]sent{{{"text", textOnly}}},
		},
		{
			name:        "an event without a reply token",
			script:      func(*clovatest.Server) {},
			event:       linetest.Unfollow("U1"),
			wantAsked:   nil,
			wantReplies: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			tt.script(r.chatbot)
			r.deliver(t, tt.event)
			if diff := cmp.Diff(tt.wantAsked, questions(t, r.chatbot)); diff != "" {
				t.Errorf("chatbot was asked (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantReplies, replies(t, r.line)); diff != "" {
				t.Errorf("LINE replies (-want +got):\n%s", diff)
			}
			if tt.wantLog != "" && !strings.Contains(r.logs.String(), tt.wantLog) {
				t.Errorf("logs do not say %q:\n%s", tt.wantLog, r.logs)
			}
		})
	}
}

// TestForgedWebhookIsRefused: a webhook without a valid X-Line-Signature
// is refused and never reaches the chatbot; one signed with the previous
// secret, while it is being rotated, is answered.
func TestForgedWebhookIsRefused(t *testing.T) {
	tests := []struct {
		name       string
		req        func(t *testing.T) *http.Request
		wantStatus int
		wantAsked  []asked
	}{
		{"unsigned", func(t *testing.T) *http.Request {
			r := linetest.NewRequest(t, lineSecret, linetest.TextMessage("U1", "영업시간"))
			r.Header.Del("X-Line-Signature")
			return r
		}, http.StatusUnauthorized, nil},
		{"signed with another secret", func(t *testing.T) *http.Request {
			return linetest.NewRequest(t, "not-the-secret", linetest.TextMessage("U1", "영업시간"))
		}, http.StatusUnauthorized, nil},
		{"signed with the previous secret", func(t *testing.T) *http.Request {
			return linetest.NewRequest(t, oldLineSecret, linetest.TextMessage("U1", "영업시간"))
		}, http.StatusOK, []asked{{"send", "U1", "영업시간"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.chatbot.ReplyText("영업시간", "매일 10시부터 22시까지 열어요.")
			rec := httptest.NewRecorder()
			r.h.ServeHTTP(rec, tt.req(t))
			if err := r.h.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantAsked, questions(t, r.chatbot)); diff != "" {
				t.Errorf("chatbot was asked (-want +got):\n%s", diff)
			}
		})
	}
}

// TestButtonsRoundTrip follows a whole exchange: the chatbot answers with
// a template whose button carries a postback, LINE shows it, the user taps
// it, and the postback's data is what the chatbot is asked next.
func TestButtonsRoundTrip(t *testing.T) {
	r := newRig(t)
	r.chatbot.Reply("주문", &clova.TemplateBubble{Data: clova.TemplateData{
		Cover: &clova.TextBubble{Data: clova.TextData{Description: "무엇을 드릴까요?"}},
		ContentTable: [][]clova.TableCell{{
			{ColSpan: 1, RowSpan: 1, Data: &clova.ButtonBubble{Title: "피자", Data: clova.ButtonData{Type: "basic", Action: clova.PostbackAction("피자", "order:pizza")}}},
		}},
	}})
	r.chatbot.ReplyText("order:pizza", "피자 한 판 주문했어요.")

	r.deliver(t, linetest.TextMessage("U1", "주문"))
	first := r.line.Replies()
	if len(first) != 1 || len(first[0].Messages) != 1 {
		t.Fatalf("replies = %+v, want one reply of one message", first)
	}
	if !strings.Contains(string(first[0].Body), `"data":"order:pizza"`) {
		t.Fatalf("the menu sent to LINE has no postback order:pizza:\n%s", first[0].Body)
	}

	r.deliver(t, linetest.Postback("U1", "order:pizza"))
	want := []asked{{"send", "U1", "주문"}, {"send", "U1", "order:pizza"}}
	if diff := cmp.Diff(want, questions(t, r.chatbot)); diff != "" {
		t.Errorf("chatbot was asked (-want +got):\n%s", diff)
	}
	got := replies(t, r.line)
	if len(got) != 2 || !cmp.Equal(got[1], []sent{{"text", "피자 한 판 주문했어요."}}) {
		t.Errorf("LINE replies = %+v, want the order confirmed second", got)
	}
}

// TestExpiredReplyTokenFallsBackToPush: when LINE refuses the reply token
// (the chatbot took too long), the answer is pushed to the user instead of
// being lost.
func TestExpiredReplyTokenFallsBackToPush(t *testing.T) {
	r := newRig(t)
	r.chatbot.ReplyText("영업시간", "매일 10시부터 22시까지 열어요.")
	r.line.InvalidReplyToken(1)
	r.deliver(t, linetest.TextMessage("U1", "영업시간"))

	pushes := r.line.Pushes()
	if len(pushes) != 1 {
		t.Fatalf("got %d pushes, want 1", len(pushes))
	}
	if diff := cmp.Diff([]string{"U1"}, pushes[0].To); diff != "" {
		t.Errorf("pushed to (-want +got):\n%s", diff)
	}
	var got []string
	for _, m := range pushes[0].Messages {
		text, _ := m["text"].(string)
		got = append(got, text)
	}
	if diff := cmp.Diff([]string{"매일 10시부터 22시까지 열어요."}, got); diff != "" {
		t.Errorf("pushed texts (-want +got):\n%s", diff)
	}
}

// TestServe runs the server on a real socket: a signed webhook over HTTP
// is answered, then the server shuts down when the context ends.
func TestServe(t *testing.T) {
	r := newRig(t)
	r.chatbot.ReplyText("hello", "hi there")
	mux := http.NewServeMux()
	mux.Handle("POST /line", r.h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, mux, slog.New(slog.DiscardHandler), r.h.Wait) }()

	req, err := linetest.NewHTTPRequest("http://"+ln.Addr().String()+"/line", lineSecret, linetest.TextMessage("U1", "hello"))
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
	if diff := cmp.Diff([][]sent{{{"text", "hi there"}}}, replies(t, r.line)); diff != "" {
		t.Errorf("LINE replies (-want +got):\n%s", diff)
	}
}
