package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
		`"carousel"`,                  // a carousel reached at least one platform as one
		"loss: clova: Image: dropped", // speech-only platforms report what they drop
		"loss: line: Text: split",
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
	silent := func(obs Observer) (*rig, error) {
		r, err := lineRig(silentObserver{obs})
		return r, err
	}
	if runDemo(context.Background(), &out, demoOptions{}, []rigFunc{silent}) {
		t.Fatalf("demo succeeded although answers were never delivered:\n%s", out.String())
	}
}

// A platform that never receives the bot's answer must fail the demo,
// whether the answer goes through the platform's API (LINE) or back in the
// webhook response (Kakao).
func TestDemoFailsWhenAPlatformGetsNothing(t *testing.T) {
	tests := map[string]rigFunc{
		"api_call_lost": func(obs Observer) (*rig, error) {
			r, err := lineRig(obs)
			if err == nil {
				r.received = func() []call { return nil }
			}
			return r, err
		},
		"webhook_response_lost": func(obs Observer) (*rig, error) {
			r, err := kakaoRig(obs)
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

// silentObserver hides every answer, as if the bot had said nothing.
type silentObserver struct{ Observer }

func (silentObserver) Observe(Answer) {}

func TestBot(t *testing.T) {
	t.Parallel()
	text := func(s string) message.Incoming {
		return message.Incoming{Kind: message.KindMessage, Content: &message.Text{Text: s}}
	}
	tests := []struct {
		name string
		in   message.Incoming
		want message.Type
	}{
		{"follow", message.Incoming{Kind: message.KindFollow}, message.TypeCard},
		{"start", text("시작하기"), message.TypeCard},
		{"menu", text(" Menu "), message.TypeCarousel},
		{"photo", text("photo"), message.TypeImage},
		{"where", text("where"), message.TypeLocation},
		{"long", text("long"), message.TypeText},
		{"echo", text("hello"), message.TypeText},
		{"postback", message.Incoming{Kind: message.KindPostback, Data: "order=latte"}, message.TypeText},
		{"sticker", message.Incoming{Kind: message.KindMessage, Content: &message.Sticker{}}, message.TypeText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Bot(tt.in)
			if got == nil || got.Type() != tt.want {
				t.Fatalf("Bot = %v, want a %s", got, tt.want)
			}
		})
	}
	if Bot(message.Incoming{Kind: message.KindUnfollow}) != nil {
		t.Error("Bot answered an unfollow")
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
	mux, mounts, err := buildMux(context.Background(), func(k string) string { return env[k] }, logObserver{log: discardLogger()})
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
	mux, mounts, err := buildMux(context.Background(), func(k string) string { return env[k] }, logObserver{log: discardLogger()})
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
