package main

import (
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

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
)

// newTestExtension builds the extension as main does, except that it
// trusts the clovatest key instead of CLOVA's.
func newTestExtension(t *testing.T) *clova.WebhookHandler {
	t.Helper()
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"CLOVA_EXTENSION_ID": clovatest.ApplicationID}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.publicKey = clovatest.PublicKey()
	h, err := newExtension(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// said is what a response makes CLOVA do, in a comparable form.
type said struct {
	Speech     []string
	Reprompt   []string
	EndSession bool
}

func speech(s *clova.OutputSpeech) []string {
	if s == nil {
		return nil
	}
	var out []string
	for _, v := range s.Values {
		out = append(out, v.Value)
	}
	return out
}

func decode(t *testing.T, body []byte) said {
	t.Helper()
	var resp clova.Response
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("answer is not a CEK response: %v\n%s", err, body)
	}
	if err := resp.Validate(); err != nil {
		t.Errorf("answer is not valid: %v", err)
	}
	out := said{Speech: speech(resp.Response.OutputSpeech), EndSession: resp.Response.ShouldEndSession}
	if resp.Response.Reprompt != nil {
		out.Reprompt = speech(resp.Response.Reprompt.OutputSpeech)
	}
	return out
}

func TestLoadConfig(t *testing.T) {
	_, err := loadConfig(func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "missing environment variables: CLOVA_EXTENSION_ID") {
		t.Fatalf("loadConfig error = %v, want one naming CLOVA_EXTENSION_ID", err)
	}
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"CLOVA_EXTENSION_ID": "com.example.pizza", "CLOVA_PUBLIC_KEY_URL": "https://clova.ai/.well-known/signature-public-key.pem"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.extensionID != "com.example.pizza" || cfg.keyURL == "" || cfg.publicKey != nil {
		t.Errorf("config = %+v", cfg)
	}
	if _, err := newExtension(cfg, slog.New(slog.DiscardHandler)); err != nil {
		t.Errorf("newExtension with a key URL: %v", err)
	}
}

func TestRunRefusesToStartWithoutExtensionID(t *testing.T) {
	err := run(context.Background(), func(string) string { return "" }, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "CLOVA_EXTENSION_ID") {
		t.Fatalf("run error = %v, want one naming CLOVA_EXTENSION_ID", err)
	}
}

func TestConversation(t *testing.T) {
	const (
		welcome = "피자 가게입니다. 어떤 피자를 드릴까요?"
		which   = "어떤 피자를 드릴까요?"
	)
	tests := []struct {
		name string
		req  *clova.Request
		want said
	}{
		{
			name: "launch",
			req:  clovatest.Launch(),
			want: said{Speech: []string{welcome}, Reprompt: []string{welcome}},
		},
		{
			name: "order with type and count",
			req:  clovatest.Intent("OrderPizza", clovatest.WithSlot("pizzaType", "페퍼로니"), clovatest.WithSlot("count", 2)),
			want: said{Speech: []string{"페퍼로니 피자 2판 주문했어요. 감사합니다."}, EndSession: true},
		},
		{
			name: "order without count",
			req:  clovatest.Intent("OrderPizza", clovatest.WithSlot("pizzaType", "치즈")),
			want: said{Speech: []string{"치즈 피자 1판 주문했어요. 감사합니다."}, EndSession: true},
		},
		{
			name: "order without type asks again",
			req:  clovatest.Intent("OrderPizza", clovatest.WithSlot("count", 3)),
			want: said{Speech: []string{which}, Reprompt: []string{which}},
		},
		{
			name: "null type asks again",
			req:  clovatest.Intent("OrderPizza", clovatest.WithSlot("pizzaType", nil)),
			want: said{Speech: []string{which}, Reprompt: []string{which}},
		},
		{
			name: "guide",
			req:  clovatest.Intent("Clova.GuideIntent"),
			want: said{Speech: []string{"페퍼로니 피자 두 판, 처럼 말씀해 주세요."}, Reprompt: []string{"페퍼로니 피자 두 판, 처럼 말씀해 주세요."}},
		},
		{
			name: "session end",
			req:  clovatest.SessionEnded(),
			want: said{EndSession: true},
		},
	}
	h := newTestExtension(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, clovatest.NewRequest(t, nil, tt.req))
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200", rec.Code)
			}
			if diff := cmp.Diff(tt.want, decode(t, rec.Body.Bytes())); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRefusesRequestsNotFromCLOVA(t *testing.T) {
	h := newTestExtension(t)
	tests := []struct {
		name   string
		req    func(t *testing.T) *http.Request
		status int
	}{
		{"unsigned", func(t *testing.T) *http.Request {
			r := clovatest.NewRequest(t, nil, clovatest.Launch())
			r.Header.Del("SignatureCEK")
			return r
		}, http.StatusUnauthorized},
		{"signature over another body", func(t *testing.T) *http.Request {
			r := clovatest.NewRequest(t, nil, clovatest.Launch())
			r.Header.Set("SignatureCEK", clovatest.Sign(nil, []byte(`{"forged":true}`)))
			return r
		}, http.StatusUnauthorized},
		{"another extension", func(t *testing.T) *http.Request {
			return clovatest.NewRequest(t, nil, clovatest.Launch(clovatest.WithApplicationID("com.example.someone.else")))
		}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req(t))
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
		})
	}
}

// TestServe runs the server on a real socket: a signed intent over HTTP is
// answered, then the server shuts down when the context ends.
func TestServe(t *testing.T) {
	h := newTestExtension(t)
	mux := http.NewServeMux()
	mux.Handle("POST /clova", h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, mux, slog.New(slog.DiscardHandler)) }()

	req, err := clovatest.NewSignedRequest(nil, "http://"+ln.Addr().String()+"/clova",
		clovatest.Intent("OrderPizza", clovatest.WithSlot("pizzaType", "불고기"), clovatest.WithSlot("count", 1)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("answer = %d (%v)", resp.StatusCode, err)
	}
	want := said{Speech: []string{"불고기 피자 1판 주문했어요. 감사합니다."}, EndSession: true}
	if diff := cmp.Diff(want, decode(t, body)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after shutdown: %v", err)
	}
}
