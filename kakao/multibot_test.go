package kakao_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
	"github.com/google/go-cmp/cmp"
)

const (
	botA, botB       = "64e9a0b1c2d3e4f5a6b7c8d9", "65f0b1c2d3e4f5a6b7c8d9e0"
	secretA, secretB = "PLANTED-secret-of-bot-a", "PLANTED-secret-of-bot-b"
	bodyMarker       = "PLANTED-utterance-marker"
)

// twoBots returns bots A and B, each with its own header secret and a
// client of its own (told apart by User-Agent) wired to cb.
func twoBots(t *testing.T, cb *kakaotest.Server) (a, b *kakao.Bot) {
	t.Helper()
	client := func(ua string) *kakao.Client {
		cl, err := kakao.New(kakao.WithHTTPClient(cb.HTTPClient()), kakao.WithUserAgent(ua))
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	a = &kakao.Bot{ID: botA, HeaderSecrets: signature.MustSecretSet(secretA), Client: client("client-of-bot-a")}
	b = &kakao.Bot{ID: botB, HeaderSecrets: signature.MustSecretSet(secretB), Client: client("client-of-bot-b")}
	return a, b
}

func static(t *testing.T, bots ...*kakao.Bot) kakao.BotResolver {
	t.Helper()
	r, err := kakao.StaticBots(bots...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// whoAnswers answers with the ID of the bot in its context.
func whoAnswers(ctx context.Context, _ *kakao.Request) (*kakao.Response, error) {
	b, ok := kakao.BotFromContext(ctx)
	if !ok {
		return kakao.NewResponse(kakao.Text("no bot")), nil
	}
	return kakao.NewResponse(kakao.Text("bot " + b.ID)), nil
}

func answerText(t *testing.T, res *kakaotest.Result) string {
	t.Helper()
	if res.Response == nil || res.Response.Template == nil || len(res.Response.Template.Outputs) == 0 {
		t.Fatalf("status %d, no answer: %s", res.StatusCode, res.Body)
	}
	st := res.Response.Template.Outputs[0].SimpleText
	if st == nil {
		t.Fatalf("output is not simpleText: %s", res.Body)
	}
	return st.Text
}

// TestMultiBotsVerifiedEach: each bot's request is checked with its own
// secret and answered in its context; a request with another bot's
// secret, a wrong one or none is refused 401.
func TestMultiBotsVerifiedEach(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewServer(t)
	a, b := twoBots(t, cb)
	var rec errRecorder
	h, err := kakao.NewMultiWebhookHandler(static(t, a, b), whoAnswers, kakao.WithErrorHandler(rec.handle))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		opts       []kakaotest.RequestOption
		wantStatus int
		wantText   string
		wantErr    error
	}{
		{"bot_a", []kakaotest.RequestOption{kakaotest.WithBotID(botA), kakaotest.WithSecret(secretA)}, 200, "bot " + botA, nil},
		{"bot_b", []kakaotest.RequestOption{kakaotest.WithBotID(botB), kakaotest.WithSecret(secretB)}, 200, "bot " + botB, nil},
		{"a_with_b_secret", []kakaotest.RequestOption{kakaotest.WithBotID(botA), kakaotest.WithSecret(secretB)}, 401, "", signature.ErrMismatch},
		{"b_with_a_secret", []kakaotest.RequestOption{kakaotest.WithBotID(botB), kakaotest.WithSecret(secretA)}, 401, "", signature.ErrMismatch},
		{"no_secret", []kakaotest.RequestOption{kakaotest.WithBotID(botA)}, 401, "", signature.ErrMissing},
		{"secret_twice", []kakaotest.RequestOption{kakaotest.WithBotID(botA), kakaotest.WithSecret(secretA), kakaotest.WithSecret(secretA)}, 401, "", webhookio.ErrRepeatedHeader},
		{"unknown_bot", []kakaotest.RequestOption{kakaotest.WithBotID("someone-elses-bot"), kakaotest.WithSecret(secretA)}, 401, "", kakao.ErrUnknownBot},
		{"no_bot_id", []kakaotest.RequestOption{kakaotest.WithBotID(""), kakaotest.WithSecret(secretA)}, 401, "", kakao.ErrUnknownBot},
		{"over_long_id", []kakaotest.RequestOption{kakaotest.WithBotID(strings.Repeat("x", 257)), kakaotest.WithSecret(secretA)}, 401, "", kakao.ErrUnknownBot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(rec.all())
			res := kakaotest.Post(t, h, tt.opts...)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.wantStatus)
			}
			errs := rec.all()[before:]
			if tt.wantErr == nil {
				if got := answerText(t, res); got != tt.wantText {
					t.Errorf("answer %q, want %q", got, tt.wantText)
				}
				if len(errs) != 0 {
					t.Errorf("errors: %v", errs)
				}
				return
			}
			if len(res.Body) != 0 {
				t.Errorf("refusal has a body: %q", res.Body)
			}
			if len(errs) != 1 || !errors.Is(errs[0], tt.wantErr) {
				t.Errorf("errors %v, want one wrapping %v", errs, tt.wantErr)
			}
		})
	}
}

// TestMultiUnknownLooksLikeWrongSecret: an unknown bot and a wrong
// secret get the very same answer.
func TestMultiUnknownLooksLikeWrongSecret(t *testing.T) {
	t.Parallel()
	a, b := twoBots(t, kakaotest.NewServer(t))
	h, err := kakao.NewMultiWebhookHandler(static(t, a, b), whoAnswers)
	if err != nil {
		t.Fatal(err)
	}
	unknown := kakaotest.Post(t, h, kakaotest.WithBotID("no-such-bot"), kakaotest.WithSecret(secretA))
	wrong := kakaotest.Post(t, h, kakaotest.WithBotID(botA), kakaotest.WithSecret("a-wrong-secret"))
	if unknown.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown bot: status %d, want 401", unknown.StatusCode)
	}
	if diff := cmp.Diff(wrong, unknown); diff != "" {
		t.Errorf("unknown bot and wrong secret answered differently (-wrong +unknown):\n%s", diff)
	}
}

// TestMultiCallbackThroughBotClient: a late answer is delivered through
// the client of the bot the request was for.
func TestMultiCallbackThroughBotClient(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewServer(t)
	a, b := twoBots(t, cb)
	for _, tt := range []struct {
		name, id, secret, wantUA string
	}{
		{"bot_a", botA, secretA, "client-of-bot-a"},
		{"bot_b", botB, secretB, "client-of-bot-b"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clk := webhookio.NewManualClock(time.Now())
			release := make(chan struct{})
			var rec errRecorder
			h, err := kakao.NewMultiWebhookHandler(static(t, a, b), func(ctx context.Context, r *kakao.Request) (*kakao.Response, error) {
				<-release
				return whoAnswers(ctx, r)
			}, kakao.WithCallback(0, nil), kakao.WithErrorHandler(rec.handle))
			if err != nil {
				t.Fatal(err)
			}
			kakao.SetClock(h, clk)
			before := len(cb.Calls())
			go func() {
				clk.WaitForTimer(1)
				clk.Advance(budget)
			}()
			res := kakaotest.Post(t, h, kakaotest.WithBotID(tt.id), kakaotest.WithSecret(tt.secret), kakaotest.WithCallbackURL(cb.NewCallbackURL()))
			if res.StatusCode != 200 || !res.Response.UseCallback {
				t.Fatalf("status %d, body %s", res.StatusCode, res.Body)
			}
			close(release)
			if err := h.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			calls := cb.Calls()[before:]
			if len(calls) != 1 {
				t.Fatalf("%d deliveries, want 1", len(calls))
			}
			if got := calls[0].Header.Get("User-Agent"); got != tt.wantUA {
				t.Errorf("delivered with User-Agent %q, want %q", got, tt.wantUA)
			}
			if diff := cmp.Diff(final("bot "+tt.id), calls[0].Response); diff != "" {
				t.Errorf("delivered (-want +got):\n%s", diff)
			}
			if errs := rec.all(); len(errs) != 0 {
				t.Errorf("errors: %v", errs)
			}
		})
	}
}

// countingResolver serves bots and counts its calls per ID; fail makes it
// fail as a database that is down would.
type countingResolver struct {
	mu    sync.Mutex
	bots  map[string]*kakao.Bot
	calls map[string]int
	fail  bool
}

func newCounting(bots ...*kakao.Bot) *countingResolver {
	r := &countingResolver{bots: map[string]*kakao.Bot{}, calls: map[string]int{}}
	for _, b := range bots {
		r.bots[b.ID] = b
	}
	return r
}

var errDatabaseDown = errors.New("database down")

func (r *countingResolver) ResolveBot(_ context.Context, id string) (*kakao.Bot, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls[id]++
	if r.fail {
		return nil, errDatabaseDown
	}
	b, ok := r.bots[id]
	if !ok {
		return nil, fmt.Errorf("bot %s: %w", id, kakao.ErrUnknownBot)
	}
	return b, nil
}

func (r *countingResolver) set(f func(r *countingResolver)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

func (r *countingResolver) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[id]
}

// TestMultiResolverCaching: the resolver is asked once per ID within the
// TTL; a failed lookup is 500 and not cached; ForgetBot and the TTL make
// the next request ask again, so a revoked bot stops being served.
func TestMultiResolverCaching(t *testing.T) {
	t.Parallel()
	a, _ := twoBots(t, kakaotest.NewServer(t))
	res := newCounting(a)
	var rec errRecorder
	h, err := kakao.NewMultiWebhookHandler(res, whoAnswers, kakao.WithErrorHandler(rec.handle), kakao.WithBotCacheTTL(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	clk := webhookio.NewManualClock(time.Now())
	kakao.SetClock(h, clk)
	post := func() int {
		return kakaotest.Post(t, h, kakaotest.WithBotID(botA), kakaotest.WithSecret(secretA)).StatusCode
	}
	steps := []struct {
		name       string
		do         func()
		wantStatus int
		wantCalls  int
	}{
		{"database_down", func() { res.set(func(r *countingResolver) { r.fail = true }) }, 500, 1},
		{"failure_not_cached", func() {}, 500, 2},
		{"database_back", func() { res.set(func(r *countingResolver) { r.fail = false }) }, 200, 3},
		{"cached", func() {}, 200, 3},
		{"cached_until_ttl", func() { clk.Advance(time.Minute - time.Second) }, 200, 3},
		{"asked_after_ttl", func() { clk.Advance(time.Second) }, 200, 4},
		{"revoked_still_cached", func() { res.set(func(r *countingResolver) { delete(r.bots, botA) }) }, 200, 4},
		{"revoked_after_ttl", func() { clk.Advance(time.Minute) }, 401, 5},
		{"unknown_cached", func() {}, 401, 5},
		{"restored_but_unknown_cached", func() { res.set(func(r *countingResolver) { r.bots[botA] = a }) }, 401, 5},
		{"forget_asks_again", func() { h.ForgetBot(botA) }, 200, 6},
		{"forget_revoked", func() {
			res.set(func(r *countingResolver) { delete(r.bots, botA) })
			h.ForgetBot(botA)
		}, 401, 7},
	}
	for _, s := range steps {
		s.do()
		if got := post(); got != s.wantStatus {
			t.Errorf("%s: status %d, want %d", s.name, got, s.wantStatus)
		}
		if got := res.count(botA); got != s.wantCalls {
			t.Errorf("%s: resolver called %d times, want %d", s.name, got, s.wantCalls)
		}
	}
	errs := rec.all()
	if len(errs) == 0 || !errors.Is(errs[0], errDatabaseDown) || errors.Is(errs[0], kakao.ErrUnknownBot) {
		t.Errorf("first error %v, want the resolver's", errs)
	}
}

// TestMultiCacheOff: WithBotCacheTTL(0) asks the resolver every time.
func TestMultiCacheOff(t *testing.T) {
	t.Parallel()
	a, _ := twoBots(t, kakaotest.NewServer(t))
	res := newCounting(a)
	h, err := kakao.NewMultiWebhookHandler(res, whoAnswers, kakao.WithBotCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if got := kakaotest.Post(t, h, kakaotest.WithBotID(botA), kakaotest.WithSecret(secretA)).StatusCode; got != 200 {
			t.Fatalf("request %d: status %d", i, got)
		}
	}
	if got := res.count(botA); got != 3 {
		t.Errorf("resolver called %d times, want 3", got)
	}
}

// TestMultiResolverMisbehaves: a resolver that panics or returns no bot
// fails the request (500) without taking the handler down.
func TestMultiResolverMisbehaves(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fn   kakao.BotResolverFunc
	}{
		{"panics", func(context.Context, string) (*kakao.Bot, error) { panic("resolver bug") }},
		{"nil_bot", func(context.Context, string) (*kakao.Bot, error) { return nil, nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec errRecorder
			h, err := kakao.NewMultiWebhookHandler(tt.fn, whoAnswers, kakao.WithErrorHandler(rec.handle))
			if err != nil {
				t.Fatal(err)
			}
			if got := kakaotest.Post(t, h, kakaotest.WithBotID(botA)).StatusCode; got != 500 {
				t.Errorf("status %d, want 500", got)
			}
			if errs := rec.all(); len(errs) != 1 || errors.Is(errs[0], kakao.ErrUnknownBot) {
				t.Errorf("errors %v, want one resolver failure", errs)
			}
		})
	}
}

// TestMultiHeaderSecretDefaults: a bot without HeaderSecrets is checked
// against WithHeaderSecret's secrets, in WithHeaderSecret's header, and
// without those serves unauthenticated requests.
func TestMultiHeaderSecretDefaults(t *testing.T) {
	t.Parallel()
	open := &kakao.Bot{ID: botA}
	own := &kakao.Bot{ID: botB, HeaderSecrets: signature.MustSecretSet(secretB)}
	tests := []struct {
		name       string
		opts       []kakao.HandlerOption
		req        []kakaotest.RequestOption
		wantStatus int
	}{
		{"open_bot_no_secret", nil, []kakaotest.RequestOption{kakaotest.WithBotID(botA)}, 200},
		{"own_secret_default_header", nil, []kakaotest.RequestOption{kakaotest.WithBotID(botB), kakaotest.WithSecret(secretB)}, 200},
		{"own_secret_in_named_header", []kakao.HandlerOption{kakao.WithHeaderSecret("X-Bot-Key", signature.MustSecretSet("handler-secret"))},
			[]kakaotest.RequestOption{kakaotest.WithBotID(botB), kakaotest.WithHeader("X-Bot-Key", secretB)}, 200},
		{"own_secret_in_other_header", []kakao.HandlerOption{kakao.WithHeaderSecret("X-Bot-Key", signature.MustSecretSet("handler-secret"))},
			[]kakaotest.RequestOption{kakaotest.WithBotID(botB), kakaotest.WithSecret(secretB)}, 401},
		{"own_secret_not_handler_secret", []kakao.HandlerOption{kakao.WithHeaderSecret("X-Bot-Key", signature.MustSecretSet("handler-secret"))},
			[]kakaotest.RequestOption{kakaotest.WithBotID(botB), kakaotest.WithHeader("X-Bot-Key", "handler-secret")}, 401},
		{"open_bot_gets_handler_secret", []kakao.HandlerOption{kakao.WithHeaderSecret("X-Bot-Key", signature.MustSecretSet("handler-secret"))},
			[]kakaotest.RequestOption{kakaotest.WithBotID(botA), kakaotest.WithHeader("X-Bot-Key", "handler-secret")}, 200},
		{"open_bot_refused_without_it", []kakao.HandlerOption{kakao.WithHeaderSecret("X-Bot-Key", signature.MustSecretSet("handler-secret"))},
			[]kakaotest.RequestOption{kakaotest.WithBotID(botA)}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := kakao.NewMultiWebhookHandler(static(t, open, own), whoAnswers, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got := kakaotest.Post(t, h, tt.req...).StatusCode; got != tt.wantStatus {
				t.Errorf("status %d, want %d", got, tt.wantStatus)
			}
		})
	}
}

// TestMultiBotPath: WithBotPath names the bot by the path wildcard, and
// the bot is checked before the body is read.
func TestMultiBotPath(t *testing.T) {
	t.Parallel()
	a, b := twoBots(t, kakaotest.NewServer(t))
	var rec errRecorder
	h, err := kakao.NewMultiWebhookHandler(static(t, a, b), whoAnswers, kakao.WithBotPath("bot"), kakao.WithErrorHandler(rec.handle))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /kakao/{bot}", h)
	mux.Handle("POST /kakao/", h) // no wildcard: an empty value
	tests := []struct {
		name, path, secret string
		body               []byte
		wantStatus         int
		wantText           string
	}{
		{"path_names_a", "/kakao/" + botA, secretA, kakaotest.NewBody(t, kakaotest.WithBotID("whatever-the-body-says")), 200, "bot " + botA},
		{"path_names_b", "/kakao/" + botB, secretB, kakaotest.NewBody(t, kakaotest.WithBotID(botA)), 200, "bot " + botB},
		{"path_a_secret_b", "/kakao/" + botA, secretB, kakaotest.NewBody(t, kakaotest.WithBotID(botB)), 401, ""},
		{"unknown_path", "/kakao/nobody", secretA, kakaotest.NewBody(t), 401, ""},
		{"empty_path_value", "/kakao/", secretA, kakaotest.NewBody(t), 401, ""},
		{"checked_before_body", "/kakao/" + botA, "wrong", []byte("not json"), 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, tt.path, bytes.NewReader(tt.body))
			r.Header.Set(kakao.DefaultSecretHeader, tt.secret)
			res := kakaotest.Do(t, mux, r)
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if tt.wantText != "" {
				if got := answerText(t, res); got != tt.wantText {
					t.Errorf("answer %q, want %q", got, tt.wantText)
				}
			}
		})
	}
}

// TestMultiBotHandler: the conversation handler sees each bot's ID in
// Incoming.BotID and the bot in its context; a single-bot handler's
// Incoming has none.
func TestMultiBotHandler(t *testing.T) {
	t.Parallel()
	a, b := twoBots(t, kakaotest.NewServer(t))
	var mu sync.Mutex
	var seen []string
	h := message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		bot, ok := kakao.BotFromContext(ctx)
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%s/%v/%t", in.BotID, bot != nil && bot.ID == in.BotID, ok))
		mu.Unlock()
		_, err := r.Reply(ctx, &message.Text{Text: "hi from " + in.BotID})
		return err
	})
	mb, err := kakao.NewMultiBotHandler(static(t, a, b), h)
	if err != nil {
		t.Fatal(err)
	}
	single, err := kakao.NewBotHandler(h)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		h      http.Handler
		id, sc string
		want   string
	}{
		{mb, botA, secretA, "hi from " + botA},
		{mb, botB, secretB, "hi from " + botB},
		{single, botA, "", "hi from "},
	} {
		res := kakaotest.Post(t, c.h, kakaotest.WithBotID(c.id), kakaotest.WithSecret(c.sc))
		if got := answerText(t, res); got != c.want {
			t.Errorf("answer %q, want %q", got, c.want)
		}
	}
	want := []string{botA + "/true/true", botB + "/true/true", "/false/false"}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("handler saw (-want +got):\n%s", diff)
	}
	mb.ForgetBot(botA) // callable; the next request asks again
	if got := kakaotest.Post(t, mb, kakaotest.WithBotID(botA), kakaotest.WithSecret(secretA)).StatusCode; got != 200 {
		t.Errorf("after ForgetBot: status %d", got)
	}
	single.ForgetBot(botA) // a no-op
}

// TestMultiConstructorErrors: what configures one bot, or nothing, is
// refused where it does not apply.
func TestMultiConstructorErrors(t *testing.T) {
	t.Parallel()
	bots := static(t, &kakao.Bot{ID: botA})
	cl, err := kakao.New()
	if err != nil {
		t.Fatal(err)
	}
	noop := message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
	multi := func(opts ...kakao.HandlerOption) error {
		_, err := kakao.NewMultiWebhookHandler(bots, whoAnswers, opts...)
		return err
	}
	multiBot := func(opts ...kakao.HandlerOption) error {
		_, err := kakao.NewMultiBotHandler(bots, noop, opts...)
		return err
	}
	single := func(opts ...kakao.HandlerOption) error {
		_, err := kakao.NewWebhookHandler(whoAnswers, opts...)
		return err
	}
	singleBot := func(opts ...kakao.HandlerOption) error {
		_, err := kakao.NewBotHandler(noop, opts...)
		return err
	}
	tests := []struct {
		name string
		err  error
	}{
		{"multi_nil_resolver", func() error { _, err := kakao.NewMultiWebhookHandler(nil, whoAnswers); return err }()},
		{"multi_nil_fn", func() error { _, err := kakao.NewMultiWebhookHandler(bots, nil); return err }()},
		{"multibot_nil_resolver", func() error { _, err := kakao.NewMultiBotHandler(nil, noop); return err }()},
		{"multibot_nil_handler", func() error { _, err := kakao.NewMultiBotHandler(bots, nil); return err }()},
		{"multi_WithBotIDs", multi(kakao.WithBotIDs(botA))},
		{"multi_WithClient", multi(kakao.WithClient(cl))},
		{"multibot_WithBotIDs", multiBot(kakao.WithBotIDs(botA))},
		{"multibot_WithClient", multiBot(kakao.WithClient(cl))},
		{"multi_WithWelcomeBlock", multi(kakao.WithWelcomeBlock("웰컴 블록"))},
		{"single_WithBotPath", single(kakao.WithBotPath("bot"))},
		{"single_WithBotCacheTTL", single(kakao.WithBotCacheTTL(time.Second))},
		{"singlebot_WithBotPath", singleBot(kakao.WithBotPath("bot"))},
		{"empty_path_name", multi(kakao.WithBotPath(""))},
		{"negative_ttl", multi(kakao.WithBotCacheTTL(-time.Second))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, kakao.ErrInvalid) {
				t.Errorf("error %v, want one wrapping ErrInvalid", tt.err)
			}
		})
	}
	if err := multiBot(kakao.WithWelcomeBlock("웰컴 블록"), kakao.WithBotPath("bot"), kakao.WithBotCacheTTL(0)); err != nil {
		t.Errorf("NewMultiBotHandler refused its options: %v", err)
	}
}

func TestStaticBots(t *testing.T) {
	t.Parallel()
	a := &kakao.Bot{ID: botA}
	tests := []struct {
		name      string
		bots      []*kakao.Bot
		wantPaths []string
	}{
		{"ok", []*kakao.Bot{a, {ID: botB}}, nil},
		{"nil_bot", []*kakao.Bot{a, nil}, []string{"bots[1]"}},
		{"empty_id", []*kakao.Bot{{}}, []string{"bots[0].ID"}},
		{"duplicate", []*kakao.Bot{a, {ID: botB}, {ID: botA}}, []string{"bots[2].ID"}},
		{"too_long", []*kakao.Bot{{ID: strings.Repeat("x", 257)}}, []string{"bots[0].ID"}},
		{"several", []*kakao.Bot{nil, {}, a, a}, []string{"bots[0]", "bots[1].ID", "bots[3].ID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := kakao.StaticBots(tt.bots...)
			var paths []string
			var ves kakao.ValidationErrors
			var ve *kakao.ValidationError
			switch {
			case err == nil:
			case errors.As(err, &ves):
				for _, e := range ves {
					paths = append(paths, e.Path)
				}
			case errors.As(err, &ve):
				paths = []string{ve.Path}
			default:
				t.Fatalf("error %v is not a validation error", err)
			}
			if diff := cmp.Diff(tt.wantPaths, paths); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			got, err := r.ResolveBot(context.Background(), botA)
			if err != nil || got != a {
				t.Errorf("ResolveBot(a) = %v, %v", got, err)
			}
			if _, err := r.ResolveBot(context.Background(), "nobody"); !errors.Is(err, kakao.ErrUnknownBot) {
				t.Errorf("ResolveBot(nobody) error %v, want ErrUnknownBot", err)
			}
		})
	}
	// No bots is an empty set, as in every platform package: a builder
	// may start with none.
	none, err := kakao.StaticBots()
	if err != nil {
		t.Fatalf("no bots: error %v", err)
	}
	if _, err := none.ResolveBot(context.Background(), botA); !errors.Is(err, kakao.ErrUnknownBot) {
		t.Errorf("empty set: ResolveBot error %v, want ErrUnknownBot", err)
	}
}

// TestMultiNothingLeaks: what the error handler and the logger get for
// every failed request holds no secret and no body content, and a Bot
// prints no secret.
func TestMultiNothingLeaks(t *testing.T) {
	t.Parallel()
	a, b := twoBots(t, kakaotest.NewServer(t))
	var rec errRecorder
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var fails atomic.Bool
	res := kakao.BotResolverFunc(func(ctx context.Context, id string) (*kakao.Bot, error) {
		if fails.Load() {
			return nil, errDatabaseDown
		}
		return static(t, a, b).ResolveBot(ctx, id)
	})
	h, err := kakao.NewMultiWebhookHandler(res, func(context.Context, *kakao.Request) (*kakao.Response, error) {
		return nil, errors.New("skill failed")
	}, kakao.WithErrorHandler(rec.handle), kakao.WithLogger(logger), kakao.WithBotCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	u := kakaotest.WithUtterance(bodyMarker)
	for _, opts := range [][]kakaotest.RequestOption{
		{u, kakaotest.WithBotID(botA), kakaotest.WithSecret(secretB)},
		{u, kakaotest.WithBotID(botA), kakaotest.WithSecret(secretA + "x")},
		{u, kakaotest.WithBotID("no-such-bot"), kakaotest.WithSecret(secretA)},
		{u, kakaotest.WithBotID(botA), kakaotest.WithSecret(secretA)},
	} {
		kakaotest.Post(t, h, opts...)
	}
	fails.Store(true)
	kakaotest.Post(t, h, u, kakaotest.WithBotID(botA), kakaotest.WithSecret(secretA))
	errs := rec.all()
	if len(errs) != 5 {
		t.Errorf("%d errors, want 5: %v", len(errs), errs)
	}
	var texts []string
	for _, e := range errs {
		texts = append(texts, e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
	}
	logMu.Lock()
	texts = append(texts, logs.String())
	logMu.Unlock()
	for _, v := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		texts = append(texts, fmt.Sprintf(v, a), fmt.Sprintf(v, *a))
	}
	for _, text := range texts {
		for _, bad := range []string{secretA, secretB, bodyMarker} {
			if strings.Contains(text, bad) {
				t.Errorf("%q leaks %q", text, bad)
			}
		}
	}
	if got, want := fmt.Sprintf("%+v", a), `kakao.Bot{ID:"`+botA+`", HeaderSecrets:signature.SecretSet{Len:1}, Client:kakao.Client{}}`; got != want {
		t.Errorf("%%+v of a bot:\n got %s\nwant %s", got, want)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestMultiBotWelcomeBlock: WithWelcomeBlock applies on a multi-bot
// handler: the welcome block's request is a follow, for the right bot.
func TestMultiBotWelcomeBlock(t *testing.T) {
	t.Parallel()
	a, b := twoBots(t, kakaotest.NewServer(t))
	var mu sync.Mutex
	var got []message.Incoming
	h, err := kakao.NewMultiBotHandler(static(t, a, b), message.HandlerFunc(func(_ context.Context, in *message.Incoming, _ message.Responder) error {
		mu.Lock()
		got = append(got, *in)
		mu.Unlock()
		return nil
	}), kakao.WithWelcomeBlock("웰컴 블록"))
	if err != nil {
		t.Fatal(err)
	}
	kakaotest.Post(t, h, kakaotest.WithBotID(botB), kakaotest.WithSecret(secretB), kakaotest.WithBlock("w-id", "웰컴 블록"))
	kakaotest.Post(t, h, kakaotest.WithBotID(botA), kakaotest.WithSecret(secretA), kakaotest.WithBlock("o-id", "주문"), kakaotest.WithUtterance("주문"))
	type seen struct {
		Kind  message.Kind
		BotID string
	}
	var gotSeen []seen
	for _, in := range got {
		gotSeen = append(gotSeen, seen{in.Kind, in.BotID})
	}
	want := []seen{{message.KindFollow, botB}, {message.KindMessage, botA}}
	if diff := cmp.Diff(want, gotSeen); diff != "" {
		t.Errorf("incoming (-want +got):\n%s", diff)
	}
}
