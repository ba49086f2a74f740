package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/signature"
)

const (
	testHeader = "X-Skill-Token"
	testSecret = "test-skill-secret"
)

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

func testConfig(think func(context.Context, string) (string, error)) config {
	return config{
		header:  testHeader,
		secrets: signature.MustSecretSet(testSecret),
		think:   think,
	}
}

func newTestHandler(t *testing.T, cfg config) (*kakao.WebhookHandler, *syncBuffer) {
	t.Helper()
	logs := new(syncBuffer)
	h, err := newSkillHandler(cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatalf("newSkillHandler: %v", err)
	}
	t.Cleanup(func() { _ = h.Wait(context.Background()) })
	return h, logs
}

func texts(t *testing.T, resp *kakao.Response) []string {
	t.Helper()
	if resp == nil || resp.Template == nil {
		t.Fatalf("response has no template: %+v", resp)
	}
	var out []string
	for _, o := range resp.Template.Outputs {
		if o.SimpleText == nil {
			t.Fatalf("output is %s, want simpleText", o.Kind())
		}
		out = append(out, o.SimpleText.Text)
	}
	return out
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string // substring; "" means success
		want    config
	}{
		{
			name:    "nothing set",
			env:     map[string]string{},
			wantErr: "missing environment variables: KAKAO_SKILL_SECRET",
		},
		{
			name: "secret only",
			env:  map[string]string{"KAKAO_SKILL_SECRET": "s"},
			want: config{header: "X-Skill-Token"},
		},
		{
			name: "everything",
			env: map[string]string{
				"KAKAO_SKILL_SECRET":   "s",
				"KAKAO_SKILL_HEADER":   "Authorization",
				"KAKAO_BOT_IDS":        "bot1, bot2,",
				"KAKAO_CALLBACK_HOSTS": "callback.example",
			},
			want: config{header: "Authorization", botIDs: []string{"bot1", "bot2"}, callbackHosts: []string{"callback.example"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := loadConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("loadConfig error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("loadConfig: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(config{}), cmp.Comparer(func(a, b signature.SecretSet) bool { return true })); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunRefusesToStartWithoutSecret(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"nothing set", nil},
		{"only the optional settings", map[string]string{"KAKAO_SKILL_HEADER": "X-Skill-Token", "KAKAO_BOT_IDS": "bot-ok", "KAKAO_CALLBACK_HOSTS": "callback.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), func(k string) string { return tt.env[k] }, slog.New(slog.DiscardHandler))
			if err == nil || !strings.Contains(err.Error(), "KAKAO_SKILL_SECRET") {
				t.Fatalf("run error = %v, want one naming KAKAO_SKILL_SECRET", err)
			}
		})
	}
}

// TestSkillFromEnvRefusesRequestsWithoutSecret builds the skill as main
// does, from the environment: the secret is expected in X-Skill-Token, and
// a request without it is refused.
func TestSkillFromEnvRefusesRequestsWithoutSecret(t *testing.T) {
	cfg, err := loadConfig(func(k string) string { return map[string]string{"KAKAO_SKILL_SECRET": testSecret}[k] })
	if err != nil {
		t.Fatal(err)
	}
	h, _ := newTestHandler(t, cfg)
	tests := []struct {
		name       string
		opts       []kakaotest.RequestOption
		wantStatus int
	}{
		{"secret in X-Skill-Token", []kakaotest.RequestOption{kakaotest.WithHeader("X-Skill-Token", testSecret)}, http.StatusOK},
		{"no secret", nil, http.StatusForbidden},
		{"wrong secret", []kakaotest.RequestOption{kakaotest.WithHeader("X-Skill-Token", "guess")}, http.StatusForbidden},
		{"secret under another header", []kakaotest.RequestOption{kakaotest.WithHeader("X-Skill-Secret", testSecret)}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if res := kakaotest.Post(t, h, tt.opts...); res.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
		})
	}
}

func TestSkillAnswers(t *testing.T) {
	cfg := testConfig(nil)
	cfg.botIDs = []string{"bot-ok"}
	h, _ := newTestHandler(t, cfg)

	tests := []struct {
		name       string
		opts       []kakaotest.RequestOption
		wantStatus int
		wantTexts  []string
	}{
		{
			name:       "echo",
			opts:       []kakaotest.RequestOption{kakaotest.WithUtterance("안녕"), kakaotest.WithHeader(testHeader, testSecret), kakaotest.WithBotID("bot-ok")},
			wantStatus: http.StatusOK,
			wantTexts:  []string{"you said: 안녕"},
		},
		{
			name:       "wrong secret",
			opts:       []kakaotest.RequestOption{kakaotest.WithHeader(testHeader, "guess"), kakaotest.WithBotID("bot-ok")},
			wantStatus: http.StatusForbidden,
		},
		{
			name:       "no secret",
			opts:       []kakaotest.RequestOption{kakaotest.WithBotID("bot-ok")},
			wantStatus: http.StatusForbidden,
		},
		{
			name:       "other bot",
			opts:       []kakaotest.RequestOption{kakaotest.WithHeader(testHeader, testSecret), kakaotest.WithBotID("bot-other")},
			wantStatus: http.StatusForbidden,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := kakaotest.Post(t, h, tt.opts...)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if tt.wantTexts == nil {
				return
			}
			if err := res.Response.Validate(); err != nil {
				t.Errorf("answer is not a valid skill response: %v", err)
			}
			if diff := cmp.Diff(tt.wantTexts, texts(t, res.Response)); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
}

// clock is a test clock for the fake callback endpoint.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestSlowAnswerIsDeliveredThroughCallback(t *testing.T) {
	tests := []struct {
		name string
		// thinking is how much time passes, on the callback endpoint's
		// clock, while the bot thinks.
		thinking   time.Duration
		wantStatus kakao.CallbackStatus
		wantText   string // the delivered answer, if accepted
		wantLog    string
	}{
		{name: "within a minute", thinking: 40 * time.Second, wantStatus: kakao.CallbackSuccess, wantText: "deep answer to: 오늘 날씨 어때?"},
		{name: "after the URL expired", thinking: kakao.CallbackValidity + time.Second, wantStatus: kakao.CallbackFail, wantLog: "skill request failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
			cb := kakaotest.NewServer(t, kakaotest.WithClock(clk.Now))

			release := make(chan struct{})
			cfg := testConfig(func(ctx context.Context, q string) (string, error) {
				select {
				case <-release:
				case <-ctx.Done():
					return "", ctx.Err()
				}
				clk.Advance(tt.thinking)
				return "deep answer to: " + q, nil
			})
			cfg.budget = 10 * time.Millisecond // the bot is held until the handler has answered
			cfg.callbackHTTPClient = cb.HTTPClient()
			h, logs := newTestHandler(t, cfg)

			res := kakaotest.Post(t, h,
				kakaotest.WithUtterance("오늘 날씨 어때?"),
				kakaotest.WithHeader(testHeader, testSecret),
				kakaotest.WithCallbackURL(cb.NewCallbackURL()))

			// Kakao is told to wait, with the waiting text in data.
			if res.StatusCode != http.StatusOK || !res.Response.UseCallback {
				t.Fatalf("answer = %d %s, want 200 with useCallback", res.StatusCode, res.Body)
			}
			if got := res.Response.Data["text"]; got == nil || got == "" {
				t.Errorf("waiting answer has no data.text: %s", res.Body)
			}
			if n := len(cb.Calls()); n != 0 {
				t.Fatalf("callback endpoint hit %d times before the answer was ready", n)
			}

			close(release)
			if err := h.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}

			ds := cb.Calls()
			if len(ds) != 1 {
				t.Fatalf("got %d deliveries, want exactly 1", len(ds))
			}
			if ds[0].Status != tt.wantStatus {
				t.Fatalf("delivery status = %s (%s), want %s", ds[0].Status, ds[0].Message, tt.wantStatus)
			}
			if tt.wantText != "" {
				if diff := cmp.Diff([]string{tt.wantText}, texts(t, ds[0].Response)); diff != "" {
					t.Errorf("delivered answer (-want +got):\n%s", diff)
				}
			}
			if tt.wantLog != "" && !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("logs %q do not report the failed delivery", logs.String())
			}
		})
	}
}

func TestQuickAnswerOnCallbackBlockIsSynchronous(t *testing.T) {
	cb := kakaotest.NewServer(t)
	cfg := testConfig(func(_ context.Context, q string) (string, error) { return "quick answer to: " + q, nil })
	cfg.callbackHTTPClient = cb.HTTPClient()
	h, _ := newTestHandler(t, cfg) // default budget, 3.5 s

	res := kakaotest.Post(t, h,
		kakaotest.WithUtterance("1+1?"),
		kakaotest.WithHeader(testHeader, testSecret),
		kakaotest.WithCallbackURL(cb.NewCallbackURL()))
	if res.StatusCode != http.StatusOK || res.Response.UseCallback {
		t.Fatalf("answer = %d %s, want a synchronous 200", res.StatusCode, res.Body)
	}
	if diff := cmp.Diff([]string{"quick answer to: 1+1?"}, texts(t, res.Response)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if err := h.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(cb.Calls()); n != 0 {
		t.Errorf("callback endpoint hit %d times for a synchronous answer", n)
	}
}

// TestServe runs the whole server on a real socket: an echo round trip,
// then a graceful shutdown when the context ends.
func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h, _ := newTestHandler(t, testConfig(nil))
	mux := http.NewServeMux()
	mux.Handle("POST /kakao/skill", h)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, mux, slog.New(slog.DiscardHandler), h.Wait) }()

	body, err := json.Marshal(kakaotest.NewPayload(kakaotest.WithUtterance("over the wire")))
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/kakao/skill", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(testHeader, testSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	var got kakao.Response
	if err := json.Unmarshal(raw, &got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("answer = %d %s (%v)", resp.StatusCode, raw, err)
	}
	if diff := cmp.Diff([]string{"you said: over the wire"}, texts(t, &got)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after shutdown: %v", err)
	}
}
