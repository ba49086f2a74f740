package line_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// Two bots' credentials: distinctive, so that finding one in an error or
// a log can only mean a leak.
const (
	botA, botB         = "Uaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Ubbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	secretA, secretB   = "multi-secret-of-bot-a", "multi-secret-of-bot-b"
	tokenA, tokenB     = "multi-token-of-bot-a", "multi-token-of-bot-b"
	multiMarker        = "multi-body-marker-text"
	unknownDestination = "Uffffffffffffffffffffffffffffffff"
)

// multiBody is a callback for destination with one text message from
// user.
func multiBody(t testing.TB, destination, user, text string) []byte {
	t.Helper()
	b, err := json.Marshal(&line.Callback{Destination: destination, Events: []line.Event{linetest.TextMessage(user, text)}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signed is a webhook request with body, signed with secret.
func signed(body []byte, secret string) *http.Request {
	return linetest.NewRequestBody(secret, body)
}

// recorder collects what a handler reports: errors and log lines.
type recorder struct {
	mu   sync.Mutex
	errs []error
	logs bytes.Buffer
}

func (r *recorder) onErr(_ *http.Request, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, err)
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.logs.Write(p)
}

func (r *recorder) opts() []line.HandlerOption {
	return []line.HandlerOption{line.WithErrorHandler(r.onErr),
		line.WithLogger(slog.New(slog.NewTextHandler(r, &slog.HandlerOptions{Level: slog.LevelDebug})))}
}

func (r *recorder) taken() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	errs := r.errs
	r.errs = nil
	return errs
}

// leaks fails t if a secret, token or the body marker reached an error
// (any verb) or a log line.
func (r *recorder) leaks(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []string{r.logs.String()}
	for _, err := range r.errs {
		out = append(out, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	}
	for _, o := range out {
		for _, s := range []string{secretA, secretB, tokenA, tokenB, multiMarker} {
			if strings.Contains(o, s) {
				t.Errorf("%q leaked into %.200q", s, o)
			}
		}
	}
}

// countingResolver counts the lookups of each ID; fail makes them fail.
type countingResolver struct {
	next  line.BotResolver
	mu    sync.Mutex
	calls map[string]int
	fail  error
}

func (c *countingResolver) ResolveBot(ctx context.Context, id string) (*line.Bot, error) {
	c.mu.Lock()
	c.calls[id]++
	fail := c.fail
	c.mu.Unlock()
	if fail != nil {
		return nil, fail
	}
	return c.next.ResolveBot(ctx, id)
}

func (c *countingResolver) count(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[id]
}

func twoBots(t testing.TB, clA, clB *line.Client) line.BotResolver {
	t.Helper()
	bots, err := line.StaticBots(
		&line.Bot{ID: botA, Secrets: signature.MustSecretSet(secretA), Client: clA},
		&line.Bot{ID: botB, Secrets: signature.MustSecretSet(secretB), Client: clB},
	)
	if err != nil {
		t.Fatal(err)
	}
	return bots
}

// TestMultiBotHandlerAnswersThroughEachBot: two bots on one handler, each
// verified with its own secret and answered with its own token; the
// Incoming names the bot, and so does BotFromContext.
func TestMultiBotHandlerAnswersThroughEachBot(t *testing.T) {
	t.Parallel()
	fakeA := linetest.NewServer(t, linetest.WithChannelToken(tokenA))
	fakeB := linetest.NewServer(t, linetest.WithChannelToken(tokenB))
	var rec recorder
	var mu sync.Mutex
	var seen []string
	h := message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		bot, ok := line.BotFromContext(ctx)
		text := ""
		if tc, is := in.Content.(*message.Text); is {
			text = tc.Text
		}
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%s/%v/%s", in.BotID, ok && bot.ID == in.BotID, text))
		mu.Unlock()
		_, err := r.Reply(ctx, &message.Text{Text: "from " + in.BotID})
		return err
	})
	bh, err := line.NewMultiBotHandler(twoBots(t, fakeA.Client(), fakeB.Client()), h, rec.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(bh)
	t.Cleanup(srv.Close)

	var wg sync.WaitGroup
	for _, c := range []struct{ dest, secret, text string }{{botA, secretA, "to a"}, {botB, secretB, "to b"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := signed(multiBody(t, c.dest, "Uuser", c.text), c.secret)
			req.RequestURI, req.URL.Scheme, req.URL.Host = "", "http", srv.Listener.Addr().String()
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d, want 200", c.dest, resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	if err := bh.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	got := map[string]bool{}
	for _, s := range seen {
		got[s] = true
	}
	mu.Unlock()
	if diff := cmp.Diff(map[string]bool{botA + "/true/to a": true, botB + "/true/to b": true}, got); diff != "" {
		t.Errorf("handler saw (-want +got):\n%s", diff)
	}
	for _, f := range []struct {
		fake         *linetest.Server
		token, reply string
	}{{fakeA, tokenA, "from " + botA}, {fakeB, tokenB, "from " + botB}} {
		var calls []string
		for _, c := range f.fake.Calls() {
			calls = append(calls, c.Header.Get("Authorization")+" "+c.Path+" "+fmt.Sprint(c.Messages[0]["text"]))
		}
		if diff := cmp.Diff([]string{"Bearer " + f.token + " /v2/bot/message/reply " + f.reply}, calls); diff != "" {
			t.Errorf("calls to the fake of %s (-want +got):\n%s", f.token, diff)
		}
	}
	if errs := rec.taken(); len(errs) != 0 {
		t.Errorf("errors reported: %v", errs)
	}
}

// TestMultiWebhookHandlerRefuses: a body for one bot signed with the
// other's secret, a body naming no bot or an unknown one, and a body
// whose scan and decode disagree on the destination are refused before
// the function runs, and nothing secret reaches an error or a log.
func TestMultiWebhookHandlerRefuses(t *testing.T) {
	t.Parallel()
	var rec recorder
	var ran atomic.Int32
	h, err := line.NewMultiWebhookHandler(twoBots(t, nil, nil), func(context.Context, *line.Callback) error {
		ran.Add(1)
		return nil
	}, rec.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	bodyA := multiBody(t, botA, "Uuser", multiMarker)
	for _, c := range []struct {
		name   string
		req    *http.Request
		status int
		is     error
	}{
		{"A's body signed by B", signed(bodyA, secretB), http.StatusUnauthorized, signature.ErrMismatch},
		{"B's body signed by A", signed(multiBody(t, botB, "Uuser", multiMarker), secretA), http.StatusUnauthorized, signature.ErrMismatch},
		{"unknown bot", signed(multiBody(t, unknownDestination, "Uuser", multiMarker), secretA), http.StatusUnauthorized, line.ErrUnknownBot},
		{"no destination", signed([]byte(`{"events":[]}`), secretA), http.StatusUnauthorized, line.ErrUnknownBot},
		{"not JSON", signed([]byte(multiMarker), secretA), http.StatusUnauthorized, line.ErrUnknownBot},
		{"over-long destination", signed(multiBody(t, strings.Repeat("U", 300), "Uuser", multiMarker), secretA), http.StatusUnauthorized, line.ErrUnknownBot},
		// encoding/json keeps the last of two keys; the scan, the first.
		{"two destinations", signed([]byte(`{"destination":"`+botA+`","destination":"`+botB+`","events":[]}`), secretA), http.StatusUnauthorized, signature.ErrMismatch},
		{"destination in another case", signed([]byte(`{"destination":"`+botA+`","Destination":"`+botB+`","events":[]}`), secretA), http.StatusUnauthorized, signature.ErrMismatch},
		{"signature missing", func() *http.Request { r := signed(bodyA, secretA); r.Header.Del(line.SignatureHeader); return r }(), http.StatusUnauthorized, signature.ErrMissing},
		{"A's body signed by A", signed(bodyA, secretA), http.StatusOK, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			ran.Store(0)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, c.req)
			if w.Code != c.status || w.Body.Len() != 0 {
				t.Errorf("answered %d %q, want %d and no body", w.Code, w.Body.String(), c.status)
			}
			errs := rec.taken()
			if c.is == nil {
				if len(errs) != 0 || ran.Load() != 1 {
					t.Errorf("errors %v, function ran %d times; want none and once", errs, ran.Load())
				}
				return
			}
			if len(errs) != 1 || !errors.Is(errs[0], c.is) {
				t.Errorf("reported %v, want one error wrapping %v", errs, c.is)
			}
			if ran.Load() != 0 {
				t.Error("the function ran")
			}
			rec.mu.Lock()
			rec.errs = errs
			rec.mu.Unlock()
			rec.leaks(t)
			rec.taken()
		})
	}
}

// TestMultiUnknownLooksLikeWrongSignature: a caller cannot tell an
// unknown bot from a wrong signature; both answers are byte for byte the
// same.
func TestMultiUnknownLooksLikeWrongSignature(t *testing.T) {
	t.Parallel()
	var rec recorder
	h, err := line.NewMultiWebhookHandler(twoBots(t, nil, nil), func(context.Context, *line.Callback) error { return nil }, rec.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	answer := func(body []byte, secret string) string {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/callback", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(line.SignatureHeader, linetest.SignBody(secret, body))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		resp.Header.Del("Date")
		return fmt.Sprintf("%d %v %q", resp.StatusCode, resp.Header, b)
	}
	unknown := answer(multiBody(t, unknownDestination, "Uuser", "x"), secretA)
	wrong := answer(multiBody(t, botA, "Uuser", "x"), secretB)
	if unknown != wrong {
		t.Errorf("unknown bot answered %s, wrong signature %s", unknown, wrong)
	}
	if !strings.HasPrefix(unknown, "401 ") {
		t.Errorf("answered %s, want 401", unknown)
	}
	errs := rec.taken()
	if len(errs) != 2 || !errors.Is(errs[0], line.ErrUnknownBot) || !errors.Is(errs[1], signature.ErrMismatch) || errors.Is(errs[1], line.ErrUnknownBot) {
		t.Errorf("reported %v, want ErrUnknownBot then ErrMismatch", errs)
	}
}

// TestMultiResolverCache: one lookup per bot within the TTL; a failed
// lookup is answered 500 and not cached; ForgetBot asks again; a bot the
// resolver stopped returning is served until the TTL runs out, then
// refused.
func TestMultiResolverCache(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	var revoked atomic.Bool
	static := twoBots(t, nil, nil)
	res := &countingResolver{calls: map[string]int{}, next: line.BotResolverFunc(func(ctx context.Context, id string) (*line.Bot, error) {
		if id == botA && revoked.Load() {
			return nil, fmt.Errorf("revoked: %w", line.ErrUnknownBot)
		}
		return static.ResolveBot(ctx, id)
	})}
	var rec recorder
	h, err := line.NewMultiWebhookHandler(res, func(context.Context, *line.Callback) error { return nil },
		append(rec.opts(), line.WithBotCacheTTL(time.Minute), line.WithBotClock(clock))...)
	if err != nil {
		t.Fatal(err)
	}
	send := func(dest, secret string) int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signed(multiBody(t, dest, "Uuser", "x"), secret))
		return w.Code
	}
	type state struct{ Status, CallsA, CallsB int }
	steps := []struct {
		name string
		do   func()
		dest string
		want state
	}{
		{"first request asks", nil, botA, state{200, 1, 0}},
		{"second is cached", nil, botA, state{200, 1, 0}},
		{"other bot asks once", nil, botB, state{200, 1, 1}},
		{"resolver down: 500", func() { res.mu.Lock(); res.fail = errors.New("database down"); res.mu.Unlock(); h.ForgetBot(botA) }, botA, state{500, 2, 1}},
		{"failure not cached", nil, botA, state{500, 3, 1}},
		{"resolver back", func() { res.mu.Lock(); res.fail = nil; res.mu.Unlock() }, botA, state{200, 4, 1}},
		{"ForgetBot asks again", func() { h.ForgetBot(botA) }, botA, state{200, 5, 1}},
		{"revoked: still cached", func() { revoked.Store(true) }, botA, state{200, 5, 1}},
		{"just before the TTL", func() { advance(time.Minute - time.Nanosecond) }, botA, state{200, 5, 1}},
		{"after the TTL: refused", func() { advance(time.Nanosecond) }, botA, state{401, 6, 1}},
		{"unknown is cached too", nil, botA, state{401, 6, 1}},
	}
	for _, s := range steps {
		if s.do != nil {
			s.do()
		}
		got := state{send(s.dest, map[string]string{botA: secretA, botB: secretB}[s.dest]), res.count(botA), res.count(botB)}
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
	}
	rec.leaks(t)
	for _, err := range rec.taken() {
		if strings.Contains(err.Error(), "database down") && !strings.Contains(err.Error(), "resolving the bot") {
			t.Errorf("resolver failure reported as %q", err)
		}
	}
}

// TestMultiBotPath: WithBotPath takes the ID from the path, whatever the
// body's destination; an empty segment is an unknown bot.
func TestMultiBotPath(t *testing.T) {
	t.Parallel()
	bots, err := line.StaticBots(&line.Bot{ID: "shop-1", Secrets: signature.MustSecretSet(secretA)}, &line.Bot{ID: "shop-2", Secrets: signature.MustSecretSet(secretB)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var mu sync.Mutex
	h, err := line.NewMultiWebhookHandler(bots, func(ctx context.Context, cb *line.Callback) error {
		bot, _ := line.BotFromContext(ctx)
		mu.Lock()
		got = append(got, bot.ID)
		mu.Unlock()
		return nil
	}, line.WithBotPath("bot"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /line/{bot}", h)
	mux.Handle("POST /line/", h)
	body := multiBody(t, linetest.Destination, "Uuser", "x")
	for _, c := range []struct {
		path, secret string
		want         int
	}{
		{"/line/shop-1", secretA, 200},
		{"/line/shop-2", secretB, 200},
		{"/line/shop-1", secretB, 401},
		{"/line/shop-3", secretA, 401},
		{"/line/", secretA, 401},
	} {
		r := signed(body, c.secret)
		r.URL.Path = c.path
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("%s signed with %s: %d, want %d", c.path, c.secret, w.Code, c.want)
		}
	}
	if diff := cmp.Diff([]string{"shop-1", "shop-2"}, got); diff != "" {
		t.Errorf("bots (-want +got):\n%s", diff)
	}
}

// TestMultiDedupePerBot: the same event ID delivered to two bots is two
// events; delivered twice to one bot, one.
func TestMultiDedupePerBot(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	counts := map[string]int{}
	d, err := message.NewMemoryDeduper(time.Hour, 100)
	if err != nil {
		t.Fatal(err)
	}
	h, err := line.NewMultiWebhookHandler(twoBots(t, nil, nil), func(ctx context.Context, cb *line.Callback) error {
		bot, _ := line.BotFromContext(ctx)
		mu.Lock()
		counts[bot.ID] += len(cb.Events)
		mu.Unlock()
		return nil
	}, line.WithDeduper(d))
	if err != nil {
		t.Fatal(err)
	}
	ev := linetest.TextMessage("Uuser", "x")
	for _, c := range []struct{ dest, secret string }{{botA, secretA}, {botB, secretB}, {botA, secretA}} {
		b, err := json.Marshal(&line.Callback{Destination: c.dest, Events: []line.Event{ev}})
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signed(b, c.secret))
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
	}
	if diff := cmp.Diff(map[string]int{botA: 1, botB: 1}, counts); diff != "" {
		t.Errorf("events per bot (-want +got):\n%s", diff)
	}
}

// TestMultiConstructorErrors: the options that fix one bot's credentials
// are refused by the multi-bot constructors, the multi-bot options by the
// single-bot ones.
func TestMultiConstructorErrors(t *testing.T) {
	t.Parallel()
	bots := twoBots(t, nil, nil)
	cl, err := line.New("token")
	if err != nil {
		t.Fatal(err)
	}
	fn := func(context.Context, *line.Callback) error { return nil }
	h := message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
	set := signature.MustSecretSet(secretA)
	for _, c := range []struct {
		name string
		make func() error
		want string // in the error
	}{
		{"nil resolver", func() error { _, err := line.NewMultiWebhookHandler(nil, fn); return err }, "bots"},
		{"nil resolver (bot)", func() error { _, err := line.NewMultiBotHandler(nil, h); return err }, "bots"},
		{"nil fn", func() error { _, err := line.NewMultiWebhookHandler(bots, nil); return err }, "fn"},
		{"nil h", func() error { _, err := line.NewMultiBotHandler(bots, nil); return err }, "h"},
		{"WithClient on multi", func() error { _, err := line.NewMultiBotHandler(bots, h, line.WithClient(cl)); return err }, "WithClient"},
		{"WithClient on multi webhook", func() error { _, err := line.NewMultiWebhookHandler(bots, fn, line.WithClient(cl)); return err }, "WithClient"},
		{"empty path name", func() error { _, err := line.NewMultiWebhookHandler(bots, fn, line.WithBotPath("")); return err }, "WithBotPath"},
		{"negative TTL", func() error { _, err := line.NewMultiWebhookHandler(bots, fn, line.WithBotCacheTTL(-1)); return err }, "WithBotCacheTTL"},
		{"WithBotPath on single", func() error { _, err := line.NewWebhookHandler(set, fn, line.WithBotPath("bot")); return err }, "WithBotPath"},
		{"WithBotCacheTTL on single bot", func() error {
			_, err := line.NewBotHandler(set, h, line.WithClient(cl), line.WithBotCacheTTL(time.Second))
			return err
		}, "WithBotCacheTTL"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.make()
			if !errors.Is(err, line.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want ErrInvalid naming %s", err, c.want)
			}
		})
	}
	for _, ttl := range []time.Duration{0, time.Second} {
		if _, err := line.NewMultiBotHandler(bots, h, line.WithBotCacheTTL(ttl), line.WithBotPath("bot"), line.WithPushFallback()); err != nil {
			t.Errorf("TTL %v: %v", ttl, err)
		}
	}
}

// TestStaticBots: every problem is named by its path, and no secret.
func TestStaticBots(t *testing.T) {
	t.Parallel()
	s := signature.MustSecretSet(secretA)
	_, err := line.StaticBots(
		&line.Bot{ID: "a", Secrets: s},
		nil,
		&line.Bot{ID: "", Secrets: s},
		&line.Bot{ID: "a", Secrets: s},
		&line.Bot{ID: "b"},
		&line.Bot{ID: strings.Repeat("x", 257), Secrets: s},
	)
	var verrs line.ValidationErrors
	if !errors.As(err, &verrs) {
		t.Fatalf("error %v, want ValidationErrors", err)
	}
	var paths []string
	for _, e := range verrs {
		paths = append(paths, e.Path)
	}
	if diff := cmp.Diff([]string{"bots[1]", "bots[2].ID", "bots[3].ID", "bots[4].Secrets", "bots[5].ID"}, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	if strings.Contains(err.Error(), secretA) {
		t.Error("the error holds a secret")
	}
	res, err := line.StaticBots(&line.Bot{ID: "a", Secrets: s})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := res.ResolveBot(t.Context(), "a"); err != nil || b.ID != "a" {
		t.Errorf("ResolveBot(a) = %v, %v", b, err)
	}
	if _, err := res.ResolveBot(t.Context(), "z"); !errors.Is(err, line.ErrUnknownBot) {
		t.Errorf("ResolveBot(z) error %v, want ErrUnknownBot", err)
	}
}

// TestMultiBotWithoutClient: a bot handler's resolved bot must carry a
// Client; one without is a failed lookup (500), not a silent drop.
func TestMultiBotWithoutClient(t *testing.T) {
	t.Parallel()
	var rec recorder
	bh, err := line.NewMultiBotHandler(twoBots(t, nil, nil), message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error {
		t.Error("the handler ran")
		return nil
	}), rec.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	bh.ServeHTTP(w, signed(multiBody(t, botA, "Uuser", multiMarker), secretA))
	if w.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", w.Code)
	}
	if errs := rec.taken(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "no Client") {
		t.Errorf("reported %v", errs)
	}
}

// TestBotFromContextSingle: a single-bot handler has no bot in the
// context.
func TestBotFromContextSingle(t *testing.T) {
	t.Parallel()
	var ok atomic.Bool
	ok.Store(true)
	h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(ctx context.Context, _ *line.Callback) error {
		_, found := line.BotFromContext(ctx)
		ok.Store(found)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, linetest.NewRequest(t, secret, linetest.TextMessage("Uuser", "x")))
	if w.Code != http.StatusOK || ok.Load() {
		t.Errorf("status %d, BotFromContext found %v; want 200 and false", w.Code, ok.Load())
	}
	h.ForgetBot("anything") // a no-op
	if _, found := line.BotFromContext(t.Context()); found {
		t.Error("BotFromContext found a bot in a bare context")
	}
}

// TestBotPrints: a Bot prints no secret and no token, with any verb.
func TestBotPrints(t *testing.T) {
	t.Parallel()
	cl, err := line.New(tokenA)
	if err != nil {
		t.Fatal(err)
	}
	b := &line.Bot{ID: botA, Secrets: signature.MustSecretSet(secretA), Client: cl}
	want := `line.Bot{ID:"` + botA + `", Secrets:signature.SecretSet{Len:1}, Client:line.Client{BaseURL:"https://api.line.me/", DataBaseURL:"https://api-data.line.me/"}}`
	if got := fmt.Sprintf("%+v", b); got != want {
		t.Errorf("%%+v:\n got %s\nwant %s", got, want)
	}
	if got := fmt.Sprintf("%v", line.Bot{ID: "x"}); got != `line.Bot{ID:"x", Secrets:signature.SecretSet{Len:0}, Client:<nil>}` {
		t.Errorf("a bot without client prints %s", got)
	}
}

// TestDestinationOf: the scan finds the top-level destination wherever
// it stands, and nothing nested or malformed.
func TestDestinationOf(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		body string
		want string
		ok   bool
	}{
		{`{"destination":"U1","events":[]}`, "U1", true},
		{" \n{ \"destination\" : \"U1\" }", "U1", true},
		{`{"events":[{"destination":"U2","x":"}"}],"n":-1.5e3,"t":true,"o":{"a":[1,{"b":"\""}]},"destination":"U1"}`, "U1", true},
		{`{"events":[{"destination":"U2"}]}`, "", false},
		{`{"x":"\"destination\":\"U3\"","y":1}`, "", false},
		{`{"destination":"U\u0031"}`, "", false},
		{`{"destination":1}`, "", false},
		{`{"destination":"U1`, "", false},
		{`{"x":{"a":1}`, "", false},
		{`["destination","U1"]`, "", false},
		{``, "", false},
		{`{"x" "destination":"U1"}`, "", false},
		{`{"destination":""}`, "", true},
		{"{\"destination\":\"U\x94\"}", "", false},
		{"{\"destination\":\"U\x01\"}", "", false},
	} {
		got, ok := line.DestinationOf([]byte(c.body))
		if got != c.want || ok != c.ok {
			t.Errorf("DestinationOf(%s) = %q, %v; want %q, %v", c.body, got, ok, c.want, c.ok)
		}
	}
}

// FuzzDestinationOf: the scan never panics, never yields bytes that are
// not UTF-8, and on a valid UTF-8 JSON body without escapes it finds what
// a JSON decoder finds first under the top-level key "destination" (when
// that is a string).
func FuzzDestinationOf(f *testing.F) {
	seedWebhooks(f)
	f.Add([]byte(`{"events":[{"destination":"U2"}],"destination":"U1"}`))
	f.Add([]byte(`{"destination":"U1","destination":"U2"}`))
	f.Add([]byte(`{"a":{"b":["}",{"c":"]"}]},"destination":"U1"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := line.DestinationOf(body)
		if ok && strings.ContainsAny(got, `"\`) {
			t.Fatalf("destination %q holds a quote or backslash", got)
		}
		if ok && (!utf8.ValidString(got) || strings.ContainsFunc(got, func(r rune) bool { return r < 0x20 })) {
			t.Fatalf("destination %q is not UTF-8 without control characters", got)
		}
		if bytes.IndexByte(body, '\\') >= 0 || !utf8.Valid(body) || !json.Valid(body) {
			return
		}
		want, wantOK := firstDestination(body)
		if got != want || ok != wantOK {
			t.Fatalf("DestinationOf = %q, %v; the decoder's first destination is %q, %v", got, ok, want, wantOK)
		}
	})
}

// firstDestination walks a valid JSON body's top level with a decoder
// and returns the value of the first "destination" key, if it is a
// string.
func firstDestination(body []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return "", false
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return "", false
		}
		if key == "destination" {
			var s string
			if json.Unmarshal(v, &s) != nil {
				return "", false
			}
			return s, true
		}
	}
	return "", false
}
