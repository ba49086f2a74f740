package line_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// TestMultiBadResolverAnswer: a resolver answer that cannot be served (no
// bot, a bot of another ID, no secret, no Client for a bot handler) is a
// failed lookup: 500, and not cached, so the next request asks again.
func TestMultiBadResolverAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		bot  *line.Bot
		bh   bool
	}{
		{"nil bot", nil, false},
		{"empty ID", &line.Bot{Secrets: signature.MustSecretSet(secretA), Client: testClient(t)}, true},
		{"another bot's ID", &line.Bot{ID: botB, Secrets: signature.MustSecretSet(secretA), Client: testClient(t)}, true},
		{"no secret", &line.Bot{ID: botA, Client: testClient(t)}, false},
		{"no client on a bot handler", &line.Bot{ID: botA, Secrets: signature.MustSecretSet(secretA)}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := &countingResolver{calls: map[string]int{}, next: line.BotResolverFunc(func(context.Context, string) (*line.Bot, error) {
				return tc.bot, nil
			})}
			var rec recorder
			var h http.Handler
			if tc.bh {
				bh, err := line.NewMultiBotHandler(res, message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error {
					t.Error("the handler ran")
					return nil
				}), rec.opts()...)
				if err != nil {
					t.Fatal(err)
				}
				h = bh
			} else {
				wh, err := line.NewMultiWebhookHandler(res, func(context.Context, *line.Callback) error {
					t.Error("the function ran")
					return nil
				}, rec.opts()...)
				if err != nil {
					t.Fatal(err)
				}
				h = wh
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			var got []int
			for range 2 {
				req := signed(multiBody(t, botA, "Uuser", multiMarker), secretA)
				req.RequestURI, req.URL.Scheme, req.URL.Host = "", "http", strings.TrimPrefix(srv.URL, "http://")
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				got = append(got, resp.StatusCode)
			}
			if diff := cmp.Diff([]int{500, 500}, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if n := res.count(botA); n != 2 {
				t.Errorf("resolver asked %d times, want 2 (a bad answer is not cached)", n)
			}
			errs := rec.taken()
			if len(errs) != 2 || !strings.HasPrefix(errs[0].Error(), "line: resolving the bot: ") || errors.Is(errs[0], line.ErrUnknownBot) {
				t.Errorf("reported %v, want two failed lookups", errs)
			}
			rec.leaks(t)
		})
	}
}

// TestMultiUnknownBotText: an unknown bot is reported as "line: unknown
// bot" and nothing more; the resolver's text may quote the ID a caller
// chose. Its other errors keep their text.
func TestMultiUnknownBotText(t *testing.T) {
	t.Parallel()
	var rec recorder
	res := line.BotResolverFunc(func(_ context.Context, id string) (*line.Bot, error) {
		if id == botB {
			return nil, errors.New("database down")
		}
		return nil, fmt.Errorf("no row for %q in bots: %w", id, line.ErrUnknownBot)
	})
	h, err := line.NewMultiWebhookHandler(res, func(context.Context, *line.Callback) error { return nil }, rec.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, dest := range []string{unknownDestination, botB} {
		h.ServeHTTP(httptest.NewRecorder(), signed(multiBody(t, dest, "Uuser", "x"), secretA))
	}
	var got []string
	for _, err := range rec.taken() {
		got = append(got, err.Error())
	}
	want := []string{"line: unknown bot", "line: resolving the bot: database down"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
}

// TestMultiUnknownBotCostsAVerification: a request for an unknown bot is
// verified (with a dummy secret) as a known bot's is, so that a wrong
// signature costs the same whichever bot the request names.
func TestMultiUnknownBotCostsAVerification(t *testing.T) {
	t.Parallel()
	type call struct{ Body, Sig string }
	var mu sync.Mutex
	var calls []call
	watch := line.WithUnknownVerify(func(body []byte, sig string) error {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, call{string(body), sig})
		return signature.ErrMismatch
	})
	noDest := []byte(`{"events":[]}`)
	tests := []struct {
		name    string
		path    bool
		target  string
		body    []byte
		want401 bool
		dummy   bool
	}{
		{"unknown destination", false, "/callback", multiBody(t, unknownDestination, "Uuser", "x"), true, true},
		{"no destination", false, "/callback", noDest, true, true},
		{"unknown path", true, "/line/" + unknownDestination, multiBody(t, botA, "Uuser", "x"), true, true},
		{"known bot, wrong signature", false, "/callback", multiBody(t, botA, "Uuser", "x"), true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			calls = nil
			mu.Unlock()
			opts := []line.HandlerOption{watch}
			if tc.path {
				opts = append(opts, line.WithBotPath("bot"))
			}
			wh, err := line.NewMultiWebhookHandler(twoBots(t, nil, nil), func(context.Context, *line.Callback) error { return nil }, opts...)
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			mux.Handle("POST /line/{bot}", wh)
			mux.Handle("POST /callback", wh)
			req := signed(tc.body, secretB)
			req.URL.Path, req.RequestURI = tc.target, tc.target
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, req)
			if w.Code != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", w.Code)
			}
			var want []call
			if tc.dummy {
				want = []call{{string(tc.body), req.Header.Get(line.SignatureHeader)}}
			}
			mu.Lock()
			defer mu.Unlock()
			if diff := cmp.Diff(want, calls); diff != "" {
				t.Errorf("dummy verifications (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBotFromContextNil: a nil context holds no bot (and does not panic).
func TestBotFromContextNil(t *testing.T) {
	t.Parallel()
	//nolint:staticcheck // a nil context is the point
	if b, ok := line.BotFromContext(nil); b != nil || ok {
		t.Errorf("BotFromContext(nil) = %v, %v; want nil, false", b, ok)
	}
}

// testClient is a client that is never called.
func testClient(t *testing.T) *line.Client {
	t.Helper()
	c, err := line.New(tokenA)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMultiNoSignatureAsksNoResolver: a request without X-Line-Signature
// is refused before the resolver is asked.
func TestMultiNoSignatureAsksNoResolver(t *testing.T) {
	t.Parallel()
	res := &countingResolver{calls: map[string]int{}, next: twoBots(t, nil, nil)}
	var rec recorder
	h, err := line.NewMultiWebhookHandler(res, func(context.Context, *line.Callback) error { return nil }, rec.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	var codes []int
	for _, dest := range []string{botA, botB, unknownDestination} {
		req := signed(multiBody(t, dest, "Uuser", "x"), secretA)
		req.Header.Del(line.SignatureHeader)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		codes = append(codes, w.Code)
	}
	if diff := cmp.Diff([]int{401, 401, 401}, codes); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if n := res.count(botA) + res.count(botB) + res.count(unknownDestination); n != 0 {
		t.Errorf("the resolver was asked %d times, want 0", n)
	}
	for _, err := range rec.taken() {
		if !errors.Is(err, signature.ErrMissing) {
			t.Errorf("reported %v, want signature.ErrMissing", err)
		}
	}
}
