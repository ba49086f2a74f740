package talktalk_test

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
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// Two partners' credentials: distinctive, so that finding one in an
// error or a log can only mean a leak.
const (
	partnerA, partnerB = "partner-a", "partner-b"
	pathTokA, pathTokB = "path-token-of-partner-a", "path-token-of-partner-b"
	keyA, keyB         = "authorization-key-of-partner-a", "authorization-key-of-partner-b"
	multiMarker        = "multi-body-marker-text"
)

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

func (r *recorder) opts() []talktalk.HandlerOption {
	return []talktalk.HandlerOption{talktalk.WithErrorHandler(r.onErr), talktalk.WithBotPath("bot"),
		talktalk.WithLogger(slog.New(slog.NewTextHandler(r, &slog.HandlerOptions{Level: slog.LevelDebug})))}
}

func (r *recorder) taken() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	errs := r.errs
	r.errs = nil
	return errs
}

// leaks fails t if a token, key or the body marker reached an error (any
// verb) or a log line.
func (r *recorder) leaks(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []string{r.logs.String()}
	for _, err := range r.errs {
		out = append(out, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	}
	for _, o := range out {
		for _, s := range []string{pathTokA, pathTokB, keyA, keyB, multiMarker} {
			if strings.Contains(o, s) {
				t.Errorf("%q leaked into %.200q", s, o)
			}
		}
	}
}

func twoPartners(t testing.TB, clA, clB *talktalk.Client) talktalk.BotResolver {
	t.Helper()
	bots, err := talktalk.StaticBots(
		&talktalk.Bot{ID: partnerA, Tokens: signature.MustSecretSet(pathTokA), Client: clA},
		&talktalk.Bot{ID: partnerB, Tokens: signature.MustSecretSet(pathTokB), Client: clB},
	)
	if err != nil {
		t.Fatal(err)
	}
	return bots
}

// mounted serves h as a webhook URL per partner: /talktalk/{bot}/{token}.
func mounted(h http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("POST /talktalk/{bot}/{token}", h)
	mux.Handle("POST /talktalk/{bot}", h)
	return mux
}

func post(t testing.TB, mux http.Handler, target, text string, opts ...talktalktest.RequestOption) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, talktalktest.NewEvent(t, talktalktest.Text("user-1", text), append([]talktalktest.RequestOption{talktalktest.WithTarget(target)}, opts...)...))
	return w
}

// TestMultiBotHandlerAnswersThroughEachBot: the first reply goes in each
// partner's webhook response, the second through that partner's own
// authorization key; the Incoming names the bot.
func TestMultiBotHandlerAnswersThroughEachBot(t *testing.T) {
	t.Parallel()
	fakeA := talktalktest.NewServer(t, talktalktest.WithAuthorizationKey(keyA))
	fakeB := talktalktest.NewServer(t, talktalktest.WithAuthorizationKey(keyB))
	var rec recorder
	bh, err := talktalk.NewMultiBotHandler(twoPartners(t, fakeA.Client(), fakeB.Client()), message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		bot, ok := talktalk.BotFromContext(ctx)
		if !ok || bot.ID != in.BotID {
			return fmt.Errorf("BotFromContext = %v, %v; Incoming.BotID %q", bot, ok, in.BotID)
		}
		_, err := r.Reply(ctx, &message.Text{Text: "first from " + in.BotID}, &message.Text{Text: "second from " + in.BotID})
		return err
	}), rec.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	mux := mounted(bh)
	var wg sync.WaitGroup
	bodies := make([]string, 2)
	for i, c := range []struct{ id, tok string }{{partnerA, pathTokA}, {partnerB, pathTokB}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := post(t, mux, "/talktalk/"+c.id+"/"+c.tok, "hi")
			bodies[i] = fmt.Sprintf("%d %s", w.Code, w.Body.String())
		}()
	}
	wg.Wait()
	if err := bh.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{partnerA, partnerB} {
		if !strings.HasPrefix(bodies[i], "200 ") || !strings.Contains(bodies[i], "first from "+id) {
			t.Errorf("%s answered %s", id, bodies[i])
		}
	}
	for _, f := range []struct {
		fake     *talktalktest.Server
		key, bot string
	}{{fakeA, keyA, partnerA}, {fakeB, keyB, partnerB}} {
		var got []string
		for _, c := range f.fake.Calls() {
			got = append(got, c.Header.Get("Authorization")+" "+c.Path)
		}
		if diff := cmp.Diff([]string{f.key + " /chatbot/v1/event"}, got); diff != "" {
			t.Errorf("calls to %s's fake (-want +got):\n%s", f.bot, diff)
		}
		sent := f.fake.Sent()
		if len(sent) != 1 || sent[0].Content.Text == nil || sent[0].Content.Text.Text != "second from "+f.bot {
			t.Errorf("%s's fake got %v", f.bot, sent)
		}
	}
	if errs := rec.taken(); len(errs) != 0 {
		t.Errorf("errors reported: %v", errs)
	}
}

// TestMultiWebhookHandlerRefuses: another partner's token, an unknown
// partner, no partner and a sender outside the allow-list are refused
// before the function runs; an unknown partner and a wrong token look
// the same to the caller.
func TestMultiWebhookHandlerRefuses(t *testing.T) {
	t.Parallel()
	var rec recorder
	ran := 0
	h, err := talktalk.NewMultiWebhookHandler(twoPartners(t, nil, nil), func(context.Context, talktalk.Event) (talktalk.Event, error) {
		ran++
		return nil, nil
	}, rec.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	mux := mounted(h)
	answer := func(w *httptest.ResponseRecorder) string {
		return fmt.Sprintf("%d %v %q", w.Code, w.Header(), w.Body.String())
	}
	for _, c := range []struct {
		name, target string
		opts         []talktalktest.RequestOption
		status       int
		is           []error
	}{
		{"A with B's token", "/talktalk/" + partnerA + "/" + pathTokB, nil, 401, []error{signature.ErrMismatch, signature.ErrForbidden}},
		{"A without token", "/talktalk/" + partnerA, nil, 401, []error{signature.ErrMismatch}},
		{"unknown partner", "/talktalk/partner-z/" + pathTokA, nil, 401, []error{talktalk.ErrUnknownBot}},
		{"over-long partner", "/talktalk/" + strings.Repeat("p", 300) + "/" + pathTokA, nil, 401, []error{talktalk.ErrUnknownBot}},
		{"outside the allow-list", "/talktalk/" + partnerA + "/" + pathTokA, []talktalktest.RequestOption{talktalktest.WithRemoteAddr("203.0.113.9:5555"), talktalktest.WithForwardedFor("203.0.113.9")}, 403, []error{signature.ErrForbidden}},
		{"A with A's token", "/talktalk/" + partnerA + "/" + pathTokA, nil, 200, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			ran = 0
			w := post(t, mux, c.target, multiMarker, c.opts...)
			if w.Code != c.status || w.Body.Len() != 0 {
				t.Errorf("answered %s, want %d and no body", answer(w), c.status)
			}
			errs := rec.taken()
			if c.is == nil {
				if len(errs) != 0 || ran != 1 {
					t.Errorf("errors %v, function ran %d times; want none and once", errs, ran)
				}
				return
			}
			if ran != 0 || len(errs) != 1 {
				t.Fatalf("function ran %d times, errors %v; want 0 and one error", ran, errs)
			}
			for _, is := range c.is {
				if !errors.Is(errs[0], is) {
					t.Errorf("reported %v, want it to wrap %v", errs[0], is)
				}
			}
			rec.mu.Lock()
			rec.errs = errs
			rec.mu.Unlock()
			rec.leaks(t)
			rec.taken()
		})
	}
	unknown := answer(post(t, mux, "/talktalk/partner-z/"+pathTokA, "x"))
	wrong := answer(post(t, mux, "/talktalk/"+partnerA+"/"+pathTokB, "x"))
	if unknown != wrong {
		t.Errorf("an unknown partner is answered %s, a wrong token %s", unknown, wrong)
	}
}

type countingResolver struct {
	next  talktalk.BotResolver
	mu    sync.Mutex
	calls map[string]int
	fail  error
	gone  map[string]bool
}

func (c *countingResolver) ResolveBot(ctx context.Context, id string) (*talktalk.Bot, error) {
	c.mu.Lock()
	c.calls[id]++
	fail, gone := c.fail, c.gone[id]
	c.mu.Unlock()
	switch {
	case fail != nil:
		return nil, fail
	case gone:
		return nil, fmt.Errorf("revoked: %w", talktalk.ErrUnknownBot)
	}
	return c.next.ResolveBot(ctx, id)
}

func (c *countingResolver) set(fn func(c *countingResolver)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fn(c)
}

// TestMultiResolverCache: one lookup per partner within the TTL; a failed
// lookup is answered 500 and not cached; ForgetBot asks again; a revoked
// partner is served until the TTL runs out.
func TestMultiResolverCache(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	res := &countingResolver{next: twoPartners(t, nil, nil), calls: map[string]int{}, gone: map[string]bool{}}
	var rec recorder
	h, err := talktalk.NewMultiWebhookHandler(res, func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil },
		append(rec.opts(), talktalk.WithBotCacheTTL(time.Minute), talktalk.WithBotClock(clock))...)
	if err != nil {
		t.Fatal(err)
	}
	mux := mounted(h)
	type state struct{ Status, CallsA, CallsB int }
	for _, s := range []struct {
		name string
		do   func()
		bot  string
		want state
	}{
		{"first asks", nil, partnerA, state{200, 1, 0}},
		{"second cached", nil, partnerA, state{200, 1, 0}},
		{"other partner", nil, partnerB, state{200, 1, 1}},
		{"resolver down", func() {
			res.set(func(c *countingResolver) { c.fail = errors.New("database down") })
			h.ForgetBot(partnerA)
		}, partnerA, state{500, 2, 1}},
		{"failure not cached", nil, partnerA, state{500, 3, 1}},
		{"resolver back", func() { res.set(func(c *countingResolver) { c.fail = nil }) }, partnerA, state{200, 4, 1}},
		{"ForgetBot asks again", func() { h.ForgetBot(partnerA) }, partnerA, state{200, 5, 1}},
		{"revoked: still cached", func() { res.set(func(c *countingResolver) { c.gone[partnerA] = true }) }, partnerA, state{200, 5, 1}},
		{"just before the TTL", func() { advance(time.Minute - time.Nanosecond) }, partnerA, state{200, 5, 1}},
		{"after the TTL", func() { advance(time.Nanosecond) }, partnerA, state{401, 6, 1}},
	} {
		if s.do != nil {
			s.do()
		}
		tok := map[string]string{partnerA: pathTokA, partnerB: pathTokB}[s.bot]
		w := post(t, mux, "/talktalk/"+s.bot+"/"+tok, "x")
		res.mu.Lock()
		got := state{w.Code, res.calls[partnerA], res.calls[partnerB]}
		res.mu.Unlock()
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
	}
	rec.leaks(t)
}

// TestMultiBotWithoutTokens: a partner without Tokens is served on the
// allow-list alone, and its function finds it in the context.
func TestMultiBotWithoutTokens(t *testing.T) {
	t.Parallel()
	bots, err := talktalk.StaticBots(&talktalk.Bot{ID: "open-partner"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := talktalk.NewMultiWebhookHandler(bots, func(ctx context.Context, _ talktalk.Event) (talktalk.Event, error) {
		if b, ok := talktalk.BotFromContext(ctx); !ok || b.ID != "open-partner" {
			return nil, fmt.Errorf("bot %v, %v", b, ok)
		}
		return nil, nil
	}, talktalk.WithBotPath("bot"))
	if err != nil {
		t.Fatal(err)
	}
	if w := post(t, mounted(h), "/talktalk/open-partner", "x"); w.Code != http.StatusOK {
		t.Errorf("a partner without tokens: %d, want 200", w.Code)
	}
}

// TestMultiConstructorErrors: a multi-bot handler needs WithBotPath and
// refuses the options that fix one partner's credentials; single-bot
// handlers refuse the multi-bot options.
func TestMultiConstructorErrors(t *testing.T) {
	t.Parallel()
	bots := twoPartners(t, nil, nil)
	cl, err := talktalk.New("key")
	if err != nil {
		t.Fatal(err)
	}
	fn := func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil }
	h := message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
	path := talktalk.WithBotPath("bot")
	toks := signature.MustSecretSet("t")
	for _, c := range []struct {
		name string
		make func() error
		want string
	}{
		{"nil resolver", func() error { _, err := talktalk.NewMultiWebhookHandler(nil, fn, path); return err }, "bots"},
		{"nil resolver (bot)", func() error { _, err := talktalk.NewMultiBotHandler(nil, h, path); return err }, "bots"},
		{"nil fn", func() error { _, err := talktalk.NewMultiWebhookHandler(bots, nil, path); return err }, "fn"},
		{"nil h", func() error { _, err := talktalk.NewMultiBotHandler(bots, nil, path); return err }, "h"},
		{"no WithBotPath", func() error { _, err := talktalk.NewMultiWebhookHandler(bots, fn); return err }, "WithBotPath"},
		{"no WithBotPath (bot)", func() error { _, err := talktalk.NewMultiBotHandler(bots, h); return err }, "WithBotPath"},
		{"empty path name", func() error {
			_, err := talktalk.NewMultiWebhookHandler(bots, fn, talktalk.WithBotPath(""))
			return err
		}, "WithBotPath"},
		{"negative TTL", func() error {
			_, err := talktalk.NewMultiWebhookHandler(bots, fn, path, talktalk.WithBotCacheTTL(-time.Second))
			return err
		}, "WithBotCacheTTL"},
		{"WithPathToken", func() error {
			_, err := talktalk.NewMultiWebhookHandler(bots, fn, path, talktalk.WithPathToken(toks))
			return err
		}, "WithPathToken"},
		{"WithHeaderToken", func() error {
			_, err := talktalk.NewMultiBotHandler(bots, h, path, talktalk.WithHeaderToken("X-T", toks))
			return err
		}, "WithHeaderToken"},
		{"WithLateReplyClient", func() error {
			_, err := talktalk.NewMultiWebhookHandler(bots, fn, path, talktalk.WithLateReplyClient(cl))
			return err
		}, "WithLateReplyClient"},
		{"WithClient", func() error {
			_, err := talktalk.NewMultiBotHandler(bots, h, path, talktalk.WithClient(cl))
			return err
		}, "WithClient"},
		{"WithRenderOptions on webhook", func() error {
			_, err := talktalk.NewMultiWebhookHandler(bots, fn, path, talktalk.WithRenderOptions(message.RenderOptions{}))
			return err
		}, "WithRenderOptions"},
		{"WithBotPath on single", func() error { _, err := talktalk.NewWebhookHandler(fn, path); return err }, "WithBotPath"},
		{"WithBotCacheTTL on single bot", func() error { _, err := talktalk.NewBotHandler(h, talktalk.WithBotCacheTTL(0)); return err }, "WithBotCacheTTL"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.make()
			if !errors.Is(err, talktalk.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want ErrInvalid naming %s", err, c.want)
			}
		})
	}
	if _, err := talktalk.NewMultiBotHandler(bots, h, path, talktalk.WithBotCacheTTL(0), talktalk.WithRenderOptions(message.RenderOptions{Strict: true})); err != nil {
		t.Error(err)
	}
}

// TestStaticBots: every problem is named by its path.
func TestStaticBots(t *testing.T) {
	t.Parallel()
	_, err := talktalk.StaticBots(&talktalk.Bot{ID: "a"}, nil, &talktalk.Bot{}, &talktalk.Bot{ID: "a"}, &talktalk.Bot{ID: strings.Repeat("x", 257)})
	var verrs talktalk.ValidationErrors
	if !errors.As(err, &verrs) {
		t.Fatalf("error %v, want ValidationErrors", err)
	}
	var paths []string
	for _, e := range verrs {
		paths = append(paths, e.Path)
	}
	if diff := cmp.Diff([]string{"bots[1]", "bots[2].ID", "bots[3].ID", "bots[4].ID"}, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}

// TestBotPrints: a Bot prints no token and no key.
func TestBotPrints(t *testing.T) {
	t.Parallel()
	cl, err := talktalk.New(keyA)
	if err != nil {
		t.Fatal(err)
	}
	b := &talktalk.Bot{ID: partnerA, Tokens: signature.MustSecretSet(pathTokA), Client: cl}
	want := `talktalk.Bot{ID:"partner-a", Tokens:signature.SecretSet{Len:1}, Client:talktalk.Client{BaseURL:"https://gw.talk.naver.com/chatbot/v1/"}}`
	if got := fmt.Sprintf("%+v", b); got != want {
		t.Errorf("%%+v:\n got %s\nwant %s", got, want)
	}
}

// TestBotFromContextSingle: a single-bot handler has no bot in the
// context.
func TestBotFromContextSingle(t *testing.T) {
	t.Parallel()
	found := true
	h, err := talktalk.NewWebhookHandler(func(ctx context.Context, _ talktalk.Event) (talktalk.Event, error) {
		_, found = talktalk.BotFromContext(ctx)
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, talktalktest.NewEvent(t, talktalktest.Text("u", "x")))
	h.ForgetBot("anything")
	if w.Code != http.StatusOK || found {
		t.Errorf("status %d, BotFromContext found %v; want 200 and false", w.Code, found)
	}
}
