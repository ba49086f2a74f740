package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/message"
)

// The demo is the end-to-end test: every platform's real handler, driven
// by signed requests, answered by the bot, delivered to the fake platform.
func TestDemo(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-demo"}, &out, &out, func(string) string { return "" }); code != 0 {
		t.Fatalf("demo exited %d:\n%s", code, out.String())
	}
	transcript := out.String()
	for _, want := range []string{
		"━━ LINE", "━━ Kakao", "━━ TalkTalk", "━━ NAVER WORKS", "━━ CLOVA",
		"LINE received POST /v2/bot/message/reply",
		"Kakao got the answer in the webhook response",
		"TalkTalk got the answer in the webhook response",
		"NAVER WORKS received POST /bots/",
		"CLOVA got the answer in the webhook response",
		`"carousel"`,                      // a carousel reached at least one platform as one
		"loss: clova: [0].Image: dropped", // speech-only platforms report what they drop
		"loss: line: [0].Text: split",
		// 7 texts: 5 with the reply token, the rest pushed.
		"LINE received POST /v2/bot/message/push",
		// slower than the budget: useCallback, then one callback POST.
		"Kakao got useCallback in the webhook response",
		"Kakao received POST /v1/callback/",
		"every platform round trip worked",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	if strings.Contains(transcript, "FAILED") {
		t.Errorf("transcript reports a failure:\n%s", transcript)
	}
}

// A bot that stops answering must fail the demo: it checks every step.
func TestDemoFailsWhenTheBotIsSilent(t *testing.T) {
	var out bytes.Buffer
	silent := func(d demoBot) (*rig, error) {
		d.bot = message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
		return lineRig(d)
	}
	if runDemo(context.Background(), &out, demoOptions{}, []rigFunc{silent}) {
		t.Fatalf("demo succeeded although the bot never answered:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "the bot did not answer") {
		t.Errorf("transcript does not say what failed:\n%s", out.String())
	}
}

// A platform that never receives the bot's answer must fail the demo,
// whether the answer goes through the platform's API (LINE, Kakao's
// callback) or back in the webhook response (Kakao).
func TestDemoFailsWhenAPlatformGetsNothing(t *testing.T) {
	tests := map[string]rigFunc{
		"api_call_lost": func(d demoBot) (*rig, error) {
			r, err := lineRig(d)
			if err == nil {
				r.received = func() []call { return nil }
			}
			return r, err
		},
		"callback_lost": func(d demoBot) (*rig, error) {
			r, err := kakaoRig(d)
			if err == nil {
				r.received = func() []call { return nil }
			}
			return r, err
		},
		"webhook_response_lost": func(d demoBot) (*rig, error) {
			r, err := kakaoRig(d)
			if err == nil {
				inner := r.handler
				r.handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
					inner.ServeHTTP(httptest.NewRecorder(), req) // the answer goes nowhere
					w.WriteHeader(http.StatusOK)
				})
			}
			return r, err
		},
	}
	for name, rf := range tests {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if runDemo(context.Background(), &out, demoOptions{}, []rigFunc{rf}) {
				t.Fatalf("demo succeeded although the platform received nothing:\n%s", out.String())
			}
			if !strings.Contains(out.String(), "received nothing") {
				t.Errorf("transcript does not say what failed:\n%s", out.String())
			}
		})
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// recorder is a Responder that keeps what the bot replies.
type recorder struct {
	message.Responder // nil: the bot uses Reply only
	got               []message.Content
}

func (r *recorder) Reply(_ context.Context, contents ...message.Content) (message.Report, error) {
	r.got = append(r.got, contents...)
	return message.Report{}, nil
}

func TestBot(t *testing.T) {
	t.Parallel()
	text := func(s string) message.Incoming {
		return message.Incoming{Kind: message.KindMessage, Content: &message.Text{Text: s}}
	}
	tests := []struct {
		name string
		in   message.Incoming
		want []message.Type // nil: no answer
	}{
		{"follow", message.Incoming{Kind: message.KindFollow}, []message.Type{message.TypeCard}},
		{"start", text("시작하기"), []message.Type{message.TypeCard}},
		{"menu", text(" Menu "), []message.Type{message.TypeCarousel}},
		{"photo", text("photo"), []message.Type{message.TypeImage}},
		{"where", text("where"), []message.Type{message.TypeLocation}},
		{"long", text("long"), []message.Type{message.TypeText}},
		{"hours", text("hours"), slices.Repeat([]message.Type{message.TypeText}, 7)},
		{"slow", text("slow"), []message.Type{message.TypeText}},
		{"echo", text("hello"), []message.Type{message.TypeText}},
		{"postback", message.Incoming{Kind: message.KindPostback, Data: "order=latte"}, []message.Type{message.TypeText}},
		{"sticker", message.Incoming{Kind: message.KindMessage, Content: &message.Sticker{}}, []message.Type{message.TypeText}},
		{"unfollow", message.Incoming{Kind: message.KindUnfollow}, nil},
		{"standby", message.Incoming{Kind: message.KindMessage, Content: &message.Text{Text: "hello"}, Standby: true}, nil},
	}
	bot := NewBot(time.Millisecond)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var r recorder
			in := tt.in
			if err := bot.Handle(context.Background(), &in, &r); err != nil {
				t.Fatal(err)
			}
			var got []message.Type
			for _, c := range r.got {
				got = append(got, c.Type())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("bot answered %v, want %v", got, tt.want)
			}
		})
	}
}

// The bot gives up a slow answer when its context ends.
func TestBotSlowStopsWithItsContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var r recorder
	in := message.Incoming{Kind: message.KindMessage, Content: &message.Text{Text: "slow"}}
	if err := NewBot(time.Hour).Handle(ctx, &in, &r); !errors.Is(err, context.Canceled) || len(r.got) != 0 {
		t.Errorf("Handle = %v with %d replies, want context.Canceled and none", err, len(r.got))
	}
}

func TestServeRefusesIncompleteConfiguration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"nothing", nil, []string{"no platform configured", "LINE_CHANNEL_SECRET", "KAKAO_SKILL_SECRET", "TALKTALK_AUTHORIZATION_KEY", "TALKTALK_PATH_TOKEN", "NAVERWORKS_BOT_ID", "CLOVA_EXTENSION_ID"}},
		{"half_line", map[string]string{"LINE_CHANNEL_SECRET": "s"}, []string{"LINE: set LINE_CHANNEL_TOKEN"}},
		{"half_works", map[string]string{"NAVERWORKS_BOT_ID": "1", "NAVERWORKS_BOT_SECRET": "s"}, []string{"NAVERWORKS_CLIENT_ID", "NAVERWORKS_PRIVATE_KEY or NAVERWORKS_PRIVATE_KEY_FILE"}},
		{"kakao_options_only", map[string]string{"KAKAO_BOT_IDS": "s"}, []string{"Kakao: set KAKAO_SKILL_SECRET"}},
		{"both_works_keys", map[string]string{
			"NAVERWORKS_CLIENT_ID": "s", "NAVERWORKS_CLIENT_SECRET": "s", "NAVERWORKS_SERVICE_ACCOUNT": "s",
			"NAVERWORKS_PRIVATE_KEY": "s", "NAVERWORKS_PRIVATE_KEY_FILE": "s", "NAVERWORKS_BOT_ID": "s", "NAVERWORKS_BOT_SECRET": "s",
		}, []string{"set only one of NAVERWORKS_PRIVATE_KEY and NAVERWORKS_PRIVATE_KEY_FILE"}},
		{"path_token_with_a_slash", map[string]string{"TALKTALK_AUTHORIZATION_KEY": "s", "TALKTALK_PATH_TOKEN": "s/s"}, []string{"TALKTALK_PATH_TOKEN"}},
		{"previous_path_token_with_a_slash", map[string]string{"TALKTALK_AUTHORIZATION_KEY": "s", "TALKTALK_PATH_TOKEN": "s", "TALKTALK_PATH_TOKEN_PREVIOUS": "s/s"}, []string{"TALKTALK_PATH_TOKEN_PREVIOUS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stderr bytes.Buffer
			// A cancelled context: a server that starts anyway stops at
			// once, and exits 0.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			env := func(k string) string {
				if k == "ADDR" {
					return "127.0.0.1:0"
				}
				return tt.env[k]
			}
			code := run(ctx, nil, &stderr, &stderr, env)
			if code == 0 {
				t.Fatal("server started with an incomplete configuration")
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("message %q does not mention %q", stderr.String(), w)
				}
			}
			if strings.Contains(stderr.String(), `"s"`) || strings.Contains(stderr.String(), "s/s") {
				t.Errorf("message leaks a secret value: %q", stderr.String())
			}
		})
	}
}

func TestServeMountsConfiguredPlatforms(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"LINE_CHANNEL_SECRET": "line-secret", "LINE_CHANNEL_TOKEN": "line-token",
		"KAKAO_SKILL_SECRET": "kakao-secret", "CLOVA_EXTENSION_ID": "com.example.ext",
	}
	mux, mounts, err := buildMux(context.Background(), func(k string) string { return env[k] }, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range mounts {
		names = append(names, m.name)
	}
	if got := strings.Join(names, ","); got != "LINE,Kakao,CLOVA" {
		t.Errorf("mounted %s, want LINE,Kakao,CLOVA", got)
	}
	if mux == nil {
		t.Fatal("nil mux")
	}
}

// TestServe runs the server on a real socket: a Kakao skill request with
// the header secret is answered over HTTP, then the server shuts down when
// the context ends.
func TestServe(t *testing.T) {
	t.Parallel()
	env := map[string]string{"KAKAO_SKILL_SECRET": testKakaoSecret, "CLOVA_EXTENSION_ID": "com.example.ext"}
	mux, mounts, err := buildMux(context.Background(), func(k string) string { return env[k] }, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, mux, discardLogger(), mounts) }()

	body := kakaotest.NewBody(t, kakaotest.WithUtterance("over the wire"))
	req, err := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/kakao/skill", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Skill-Token", testKakaoSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("answer = %d %s (%v)", resp.StatusCode, got, err)
	}
	if !strings.Contains(string(got), "You said: over the wire") {
		t.Errorf("answer %s does not echo the text", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after shutdown: %v", err)
	}
}
