package naverworks_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
)

// TestMultiHandlerNoSignatureAsksNoResolver: a request without
// X-WORKS-Signature is refused before the resolver is asked.
func TestMultiHandlerNoSignatureAsksNoResolver(t *testing.T) {
	t.Parallel()
	rig := newMultiRig(t)
	res := &countingResolver{bots: map[string]*naverworks.Bot{botA: rig.bots[0]}, calls: map[string]int{}}
	h, err := naverworks.NewMultiWebhookHandler(res, func(context.Context, naverworks.Event) error { return nil }, naverworks.WithErrorHandler(rig.onErr))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	var codes []int
	for _, id := range []string{botA, "guess-1", "guess-2", "guess-3", "guess-4"} {
		req := callback(t, id, secretA, textFrom("user", "hi"))
		req.Header.Del(naverworks.SignatureHeader)
		req.RequestURI, req.URL.Scheme, req.URL.Host = "", "http", srv.Listener.Addr().String()
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	if diff := cmp.Diff([]int{401, 401, 401, 401, 401}, codes); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	res.mu.Lock()
	n := len(res.calls)
	res.mu.Unlock()
	if n != 0 {
		t.Errorf("the resolver was asked for %d IDs, want none", n)
	}
	for _, err := range rig.errs() {
		if !errors.Is(err, signature.ErrMissing) {
			t.Errorf("reported %v, want signature.ErrMissing", err)
		}
	}
}

// TestMultiHandlerUnknownBotText: an unknown bot, or a repeated
// X-WORKS-BotId, is reported as "naverworks: unknown bot" and nothing
// more.
func TestMultiHandlerUnknownBotText(t *testing.T) {
	t.Parallel()
	rig := newMultiRig(t)
	res := &countingResolver{bots: map[string]*naverworks.Bot{}, calls: map[string]int{}}
	h, err := naverworks.NewMultiWebhookHandler(res, func(context.Context, naverworks.Event) error { return nil }, naverworks.WithErrorHandler(rig.onErr))
	if err != nil {
		t.Fatal(err)
	}
	h.ServeHTTP(httptest.NewRecorder(), callback(t, "attacker-chosen", secretA, textFrom("user", "hi")))
	twice := callback(t, botA, secretA, textFrom("user", "hi"))
	twice.Header.Add(naverworks.BotIDHeader, botB)
	h.ServeHTTP(httptest.NewRecorder(), twice)
	var got []string
	for _, err := range rig.errs() {
		got = append(got, err.Error())
	}
	if diff := cmp.Diff([]string{"naverworks: unknown bot", "naverworks: unknown bot"}, got); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
}

// TestMultiHandlerUnknownBotCostsAVerification: a request for an unknown
// bot is verified with a dummy secret, as a known bot's is with its own,
// so that a wrong signature costs the same whichever bot it names.
func TestMultiHandlerUnknownBotCostsAVerification(t *testing.T) {
	t.Parallel()
	rig := newMultiRig(t)
	resolver, err := naverworks.StaticBots(rig.bots...)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		id    string
		dummy bool
	}{
		{"unknown bot", "3000003", true},
		{"no bot ID", "", true},
		{"known bot, wrong signature", botA, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, err := naverworks.NewMultiWebhookHandler(resolver, func(context.Context, naverworks.Event) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var got []string
			naverworks.SetUnknownVerify(h, func(body []byte, sig string) error {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, string(body)+" "+sig)
				return signature.ErrMismatch
			})
			req := callback(t, tc.id, secretB, textFrom("user", "hi"))
			var want []string
			if tc.dummy {
				body, err := json.Marshal(textFrom("user", "hi"))
				if err != nil {
					t.Fatal(err)
				}
				want = []string{string(body) + " " + req.Header.Get(naverworks.SignatureHeader)}
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", w.Code)
			}
			mu.Lock()
			defer mu.Unlock()
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("dummy verifications (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSingleBotRefusesBotCacheTTL: WithBotCacheTTL configures the
// multi-bot handlers only; the single-bot constructors refuse it, as
// every platform package's do.
func TestSingleBotRefusesBotCacheTTL(t *testing.T) {
	t.Parallel()
	rig := newMultiRig(t)
	secrets := signature.MustSecretSet(secretA)
	fn := func(context.Context, naverworks.Event) error { return nil }
	mh := message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
	for name, build := range map[string]func() error{
		"NewWebhookHandler": func() error {
			_, err := naverworks.NewWebhookHandler(secrets, fn, naverworks.WithBotCacheTTL(time.Minute))
			return err
		},
		"NewBotHandler": func() error {
			_, err := naverworks.NewBotHandler(secrets, mh, naverworks.WithClient(rig.bots[0].Client), naverworks.WithBotCacheTTL(time.Minute))
			return err
		},
	} {
		if err := build(); !errors.Is(err, naverworks.ErrInvalid) {
			t.Errorf("%s with WithBotCacheTTL: %v, want an error wrapping ErrInvalid", name, err)
		}
	}
}

// TestBotFromContextNil: a nil context holds no bot.
func TestBotFromContextNil(t *testing.T) {
	t.Parallel()
	//nolint:staticcheck // a nil context is the point
	if b, ok := naverworks.BotFromContext(nil); b != nil || ok {
		t.Errorf("BotFromContext(nil) = %v, %v; want nil, false", b, ok)
	}
}
