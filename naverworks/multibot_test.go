package naverworks_test

import (
	"bytes"
	"context"
	"encoding/json"
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

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
)

// Two bots of one app: bot A is the fake's own, bot B another.
const (
	botA, secretA = naverworkstest.BotID, "PLANTED-secret-of-bot-A"
	botB, secretB = "2000002", "PLANTED-secret-of-bot-B"
	bodyMarker    = "PLANTED-body-text"
)

// multiRig is a multi-bot handler for bots A and B, whose clients share
// one token source of the fake.
type multiRig struct {
	srv  *naverworkstest.Server
	bots []*naverworks.Bot

	mu       sync.Mutex
	reported []error
}

func newMultiRig(t *testing.T) *multiRig {
	t.Helper()
	rig := &multiRig{srv: naverworkstest.NewServer(t, naverworkstest.WithBotIDs(botB))}
	ts, err := rig.srv.TokenSource() // one Service Account: one token cache
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []struct{ id, secret string }{{botA, secretA}, {botB, secretB}} {
		cl, err := rig.srv.NewBotClient(b.id, ts)
		if err != nil {
			t.Fatal(err)
		}
		rig.bots = append(rig.bots, &naverworks.Bot{ID: b.id, Secrets: signature.MustSecretSet(b.secret), Client: cl})
	}
	return rig
}

func (rig *multiRig) onErr(_ *http.Request, err error) {
	rig.mu.Lock()
	defer rig.mu.Unlock()
	rig.reported = append(rig.reported, err)
}

func (rig *multiRig) errs() []error {
	rig.mu.Lock()
	defer rig.mu.Unlock()
	return append([]error(nil), rig.reported...)
}

// callback is a signed callback request: body signed with secret, naming
// botID in X-WORKS-BotId (none when empty).
func callback(t *testing.T, botID, secret string, ev naverworks.Event) *http.Request {
	t.Helper()
	body, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/callback", bytes.NewReader(body))
	req.Header.Set(naverworks.SignatureHeader, signature.SignHMACSHA256([]byte(secret), body))
	if botID != "" {
		req.Header.Set(naverworks.BotIDHeader, botID)
	}
	return req
}

func textFrom(user, text string) *naverworks.MessageEvent {
	return &naverworks.MessageEvent{
		Envelope: naverworks.Envelope{Source: naverworks.Source{UserID: user, DomainID: "40029600"}},
		Content:  &naverworks.TextContent{Text: text},
	}
}

// TestMultiBotHandlerAnswersThroughEachBot: each bot's callbacks are
// verified with its secret and answered through its client (the fake
// records the bot ID of the URL), every Incoming carries BotID, and the
// two clients, sharing one Service Account's token source, cause one
// token exchange between them.
func TestMultiBotHandlerAnswersThroughEachBot(t *testing.T) {
	t.Parallel()
	rig := newMultiRig(t)
	resolver, err := naverworks.StaticBots(rig.bots...)
	if err != nil {
		t.Fatal(err)
	}
	h, err := naverworks.NewMultiBotHandler(resolver, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		bot, ok := naverworks.BotFromContext(ctx)
		if !ok || bot.ID != in.BotID {
			return fmt.Errorf("BotFromContext = %v, %v; Incoming.BotID %q", bot, ok, in.BotID)
		}
		text, _ := in.Content.(*message.Text)
		_, err := r.Reply(ctx, &message.Text{Text: "for " + in.BotID + ": " + text.Text})
		return err
	}), naverworks.WithErrorHandler(rig.onErr))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ bot, secret, user string }{
		{botA, secretA, "user-a"}, {botB, secretB, "user-b"}, {botA, secretA, "user-a"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, callback(t, c.bot, c.secret, textFrom(c.user, "hi")))
		if rec.Code != http.StatusOK {
			t.Fatalf("bot %s: status %d, errors %v", c.bot, rec.Code, rig.errs())
		}
	}
	if err := h.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	type sent struct{ Bot, User, Text string }
	var got []sent
	for _, m := range rig.srv.Messages() {
		got = append(got, sent{m.BotID, m.UserID, m.Text})
	}
	want := []sent{
		{botA, "user-a", "for " + botA + ": hi"},
		{botB, "user-b", "for " + botB + ": hi"},
		{botA, "user-a", "for " + botA + ": hi"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	if n := rig.srv.TokenRequests(); n != 1 {
		t.Errorf("two bots on one service account: %d token exchanges, want 1", n)
	}
	if errs := rig.errs(); len(errs) != 0 {
		t.Errorf("errors reported: %v", errs)
	}
}

// TestMultiWebhookHandlerRefuses: the statuses of requests a multi-bot
// handler must not serve, and the error each reports.
func TestMultiWebhookHandlerRefuses(t *testing.T) {
	t.Parallel()
	ev := textFrom("u", bodyMarker)
	tests := []struct {
		name   string
		req    func(t *testing.T) *http.Request
		status int
		is     error
	}{
		{"bot A signed with bot B's secret", func(t *testing.T) *http.Request { return callback(t, botA, secretB, ev) }, 401, signature.ErrMismatch},
		{"bot B signed with bot A's secret", func(t *testing.T) *http.Request { return callback(t, botB, secretA, ev) }, 401, signature.ErrMismatch},
		{"unknown bot", func(t *testing.T) *http.Request { return callback(t, "2000999", secretA, ev) }, 401, naverworks.ErrUnknownBot},
		{"no bot header", func(t *testing.T) *http.Request { return callback(t, "", secretA, ev) }, 401, naverworks.ErrUnknownBot},
		{"over-long bot ID", func(t *testing.T) *http.Request { return callback(t, strings.Repeat("9", 300), secretA, ev) }, 401, naverworks.ErrUnknownBot},
		{"bot header twice", func(t *testing.T) *http.Request {
			r := callback(t, botA, secretA, ev)
			r.Header.Add(naverworks.BotIDHeader, botA)
			return r
		}, 401, naverworks.ErrUnknownBot},
		{"no signature", func(t *testing.T) *http.Request {
			r := callback(t, botA, secretA, ev)
			r.Header.Del(naverworks.SignatureHeader)
			return r
		}, 401, signature.ErrMissing},
		{"GET", func(t *testing.T) *http.Request {
			r := callback(t, botA, secretA, ev)
			r.Method = http.MethodGet
			return r
		}, 405, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rig := newMultiRig(t)
			resolver, err := naverworks.StaticBots(rig.bots...)
			if err != nil {
				t.Fatal(err)
			}
			ran := false
			h, err := naverworks.NewMultiWebhookHandler(resolver, func(context.Context, naverworks.Event) error { ran = true; return nil },
				naverworks.WithErrorHandler(rig.onErr))
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req(t))
			if rec.Code != tt.status || rec.Body.Len() != 0 || ran {
				t.Errorf("status %d, body %q, ran %v; want %d, empty, not run", rec.Code, rec.Body, ran, tt.status)
			}
			errs := rig.errs()
			if len(errs) != 1 {
				t.Fatalf("reported %v, want one error", errs)
			}
			if tt.is != nil && !errors.Is(errs[0], tt.is) {
				t.Errorf("reported %v, want one wrapping %v", errs[0], tt.is)
			}
			for _, s := range []string{secretA, secretB, bodyMarker} {
				if strings.Contains(errs[0].Error(), s) {
					t.Errorf("reported error %q holds %q", errs[0], s)
				}
			}
		})
	}
}

// TestMultiHandlerUnknownLooksLikeWrongSignature: an unknown bot and a
// known bot with a wrong signature get byte-identical answers.
func TestMultiHandlerUnknownLooksLikeWrongSignature(t *testing.T) {
	t.Parallel()
	rig := newMultiRig(t)
	resolver, err := naverworks.StaticBots(rig.bots...)
	if err != nil {
		t.Fatal(err)
	}
	h, err := naverworks.NewMultiWebhookHandler(resolver, func(context.Context, naverworks.Event) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		Status int
		Header http.Header
		Body   string
	}
	serve := func(r *http.Request) answer {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return answer{rec.Code, rec.Header(), rec.Body.String()}
	}
	ev := textFrom("u", "hi")
	unknown := serve(callback(t, "2000999", secretA, ev))
	wrong := serve(callback(t, botA, "not-the-secret", ev))
	if diff := cmp.Diff(wrong, unknown); diff != "" {
		t.Errorf("unknown bot vs wrong signature (-wrong +unknown):\n%s", diff)
	}
	if unknown.Status != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", unknown.Status)
	}
}

// countingResolver serves bots, counts lookups per ID, and fails or
// revokes on demand.
type countingResolver struct {
	mu      sync.Mutex
	bots    map[string]*naverworks.Bot
	calls   map[string]int
	failing bool
}

func (c *countingResolver) ResolveBot(_ context.Context, id string) (*naverworks.Bot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[id]++
	if c.failing {
		return nil, errors.New("bot database unreachable")
	}
	if b, ok := c.bots[id]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("no bot %q: %w", id, naverworks.ErrUnknownBot)
}

func (c *countingResolver) count(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[id]
}

func (c *countingResolver) set(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f()
}

// TestMultiHandlerCachesResolution: one lookup per ID within the TTL;
// failures are answered 500 and not cached; ForgetBot and the TTL (on the
// handler's clock) make the next request ask again; a revoked bot stops
// being served once its entry expires.
func TestMultiHandlerCachesResolution(t *testing.T) {
	t.Parallel()
	rig := newMultiRig(t)
	res := &countingResolver{bots: map[string]*naverworks.Bot{botA: rig.bots[0], botB: rig.bots[1]}, calls: map[string]int{}}
	h, err := naverworks.NewMultiWebhookHandler(res, func(context.Context, naverworks.Event) error { return nil },
		naverworks.WithErrorHandler(rig.onErr), naverworks.WithBotCacheTTL(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	clock := webhookio.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	naverworks.SetClock(h, clock)
	ev := textFrom("u", "hi")
	post := func(bot, secret string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, callback(t, bot, secret, ev))
		return rec.Code
	}
	type step struct {
		name   string
		do     func()
		bot    string
		status int
		calls  int // the resolver's calls for bot after the step
	}
	steps := []step{
		{"first request asks", nil, botA, 200, 1},
		{"second is a cache hit", nil, botA, 200, 1},
		{"third too", nil, botA, 200, 1},
		{"another bot asks once", nil, botB, 200, 1},
		{"ForgetBot asks again", func() { h.ForgetBot(botA) }, botA, 200, 2},
		{"within the TTL: hit", func() { clock.Advance(59 * time.Second) }, botA, 200, 2},
		{"after the TTL: asks", func() { clock.Advance(2 * time.Second) }, botA, 200, 3},
		{"revoked: still cached", func() { res.set(func() { delete(res.bots, botA) }) }, botA, 200, 3},
		{"revoked: gone after the TTL", func() { clock.Advance(time.Minute) }, botA, 401, 4},
		{"unknown is cached briefly", nil, botA, 401, 4},
		{"B expired; a failed lookup is 500", func() { res.set(func() { res.failing = true }) }, botB, 500, 2},
		{"failure is not cached", nil, botB, 500, 3},
		{"recovered", func() { res.set(func() { res.failing = false }) }, botB, 200, 4},
	}
	for _, s := range steps {
		if s.do != nil {
			s.do()
		}
		secret := secretA
		if s.bot == botB {
			secret = secretB
		}
		if got := post(s.bot, secret); got != s.status {
			t.Errorf("%s: status %d, want %d", s.name, got, s.status)
		}
		if got := res.count(s.bot); got != s.calls {
			t.Errorf("%s: resolver called %d times for %s, want %d", s.name, got, s.bot, s.calls)
		}
	}
	for _, err := range rig.errs() {
		if !errors.Is(err, naverworks.ErrUnknownBot) && !strings.Contains(err.Error(), "bot database unreachable") {
			t.Errorf("unexpected report %v", err)
		}
	}
}

// TestMultiHandlerBadResolverAnswers: a resolver that panics or answers
// with a bot the handler cannot use is a failed lookup (500), reported
// without the bot's secrets.
func TestMultiHandlerBadResolverAnswers(t *testing.T) {
	t.Parallel()
	good := func(id string) *naverworks.Bot {
		return &naverworks.Bot{ID: id, Secrets: signature.MustSecretSet(secretA)}
	}
	tests := []struct {
		name    string
		resolve func(id string) (*naverworks.Bot, error)
		bot     bool // NewMultiBotHandler (a Client is required)
		want    string
	}{
		{"panics", func(string) (*naverworks.Bot, error) { panic("boom " + secretA) }, false, "panicked"},
		{"nil bot", func(string) (*naverworks.Bot, error) { return nil, nil }, false, "no bot and no error"},
		{"another bot", func(string) (*naverworks.Bot, error) { return good(botB), nil }, false, "another ID"},
		{"no secrets", func(id string) (*naverworks.Bot, error) { return &naverworks.Bot{ID: id}, nil }, false, "no Secrets"},
		{"no client for a BotHandler", func(id string) (*naverworks.Bot, error) { return good(id), nil }, true, "no Client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var reported []error
			var logs bytes.Buffer
			opts := []naverworks.HandlerOption{
				naverworks.WithErrorHandler(func(_ *http.Request, err error) { reported = append(reported, err) }),
				naverworks.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
			}
			res := naverworks.BotResolverFunc(func(_ context.Context, id string) (*naverworks.Bot, error) { return tt.resolve(id) })
			var h http.Handler
			var err error
			if tt.bot {
				h, err = naverworks.NewMultiBotHandler(res, message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil }), opts...)
			} else {
				h, err = naverworks.NewMultiWebhookHandler(res, func(context.Context, naverworks.Event) error { return nil }, opts...)
			}
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, callback(t, botA, secretA, textFrom("u", bodyMarker)))
			if h, ok := h.(interface{ Wait(context.Context) error }); ok {
				_ = h.Wait(context.Background())
			}
			if rec.Code != http.StatusInternalServerError || rec.Body.Len() != 0 {
				t.Errorf("status %d, body %q; want 500, empty", rec.Code, rec.Body)
			}
			if len(reported) != 1 || !strings.Contains(reported[0].Error(), tt.want) {
				t.Fatalf("reported %v, want one error saying %q", reported, tt.want)
			}
			for _, s := range []string{secretA, bodyMarker} {
				if strings.Contains(reported[0].Error(), s) || strings.Contains(logs.String(), s) {
					t.Errorf("report or log holds %q:\n%v\n%s", s, reported[0], logs.String())
				}
			}
		})
	}
}

// TestMultiHandlerBotPath: WithBotPath takes the ID from the path
// wildcard; the header is then not consulted.
func TestMultiHandlerBotPath(t *testing.T) {
	t.Parallel()
	rig := newMultiRig(t)
	resolver, err := naverworks.StaticBots(rig.bots...)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var served []string
	h, err := naverworks.NewMultiWebhookHandler(resolver, func(ctx context.Context, _ naverworks.Event) error {
		b, _ := naverworks.BotFromContext(ctx)
		mu.Lock()
		served = append(served, b.ID)
		mu.Unlock()
		return nil
	}, naverworks.WithBotPath("bot"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /works/{bot}", h)
	tests := []struct {
		name, path, header, secret string
		status                     int
	}{
		{"path names A", "/works/" + botA, "", secretA, 200},
		{"path names B, header A", "/works/" + botB, botA, secretB, 200},
		{"path B, signed with A", "/works/" + botB, botB, secretA, 401},
		{"unknown in path", "/works/nobody", botA, secretA, 401},
	}
	for _, tt := range tests {
		r := callback(t, tt.header, tt.secret, textFrom("u", "hi"))
		r.URL.Path = tt.path
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		if rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, rec.Code, tt.status)
		}
	}
	if diff := cmp.Diff([]string{botA, botB}, served); diff != "" {
		t.Errorf("bots served (-want +got):\n%s", diff)
	}
}

func TestMultiHandlerConstructorErrors(t *testing.T) {
	t.Parallel()
	rig := newMultiRig(t)
	resolver, err := naverworks.StaticBots(rig.bots...)
	if err != nil {
		t.Fatal(err)
	}
	noClient, err := naverworks.StaticBots(&naverworks.Bot{ID: botA, Secrets: signature.MustSecretSet(secretA)})
	if err != nil {
		t.Fatal(err)
	}
	fn := func(context.Context, naverworks.Event) error { return nil }
	mh := message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
	tests := []struct {
		name  string
		build func() error
	}{
		{"nil resolver", func() error { _, err := naverworks.NewMultiWebhookHandler(nil, fn); return err }},
		{"nil fn", func() error { _, err := naverworks.NewMultiWebhookHandler(resolver, nil); return err }},
		{"nil message handler", func() error { _, err := naverworks.NewMultiBotHandler(resolver, nil); return err }},
		{"WithBotID", func() error {
			_, err := naverworks.NewMultiWebhookHandler(resolver, fn, naverworks.WithBotID(botA))
			return err
		}},
		{"WithClient", func() error {
			_, err := naverworks.NewMultiBotHandler(resolver, mh, naverworks.WithClient(rig.bots[0].Client))
			return err
		}},
		{"WithRenderOptions on the webhook handler", func() error {
			_, err := naverworks.NewMultiWebhookHandler(resolver, fn, naverworks.WithRenderOptions(message.RenderOptions{}))
			return err
		}},
		{"empty WithBotPath", func() error {
			_, err := naverworks.NewMultiWebhookHandler(resolver, fn, naverworks.WithBotPath(""))
			return err
		}},
		{"negative TTL", func() error {
			_, err := naverworks.NewMultiWebhookHandler(resolver, fn, naverworks.WithBotCacheTTL(-time.Second))
			return err
		}},
		{"WithBotPath on a single-bot handler", func() error {
			_, err := naverworks.NewWebhookHandler(signature.MustSecretSet(secretA), fn, naverworks.WithBotPath("bot"))
			return err
		}},
		{"WithBotPath on a single-bot BotHandler", func() error {
			_, err := naverworks.NewBotHandler(signature.MustSecretSet(secretA), mh, naverworks.WithClient(rig.bots[0].Client), naverworks.WithBotPath("bot"))
			return err
		}},
		{"static bot without a Client", func() error { _, err := naverworks.NewMultiBotHandler(noClient, mh); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.build(); !errors.Is(err, naverworks.ErrInvalid) {
				t.Errorf("err = %v, want one wrapping ErrInvalid", err)
			}
		})
	}
	// Accepted: caching off, and the options a single-bot handler takes.
	if _, err := naverworks.NewMultiBotHandler(resolver, mh, naverworks.WithBotCacheTTL(0), naverworks.WithBotPath("bot"),
		naverworks.WithMaxBodyBytes(1024), naverworks.WithRenderOptions(message.RenderOptions{})); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

func TestStaticBots(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	set := signature.MustSecretSet(secretA)
	tests := []struct {
		name string
		bots []*naverworks.Bot
		want []string // the paths of the violations; nil: valid
	}{
		{"valid", []*naverworks.Bot{{ID: botA, Secrets: set, Client: srv.Client()}, {ID: botB, Secrets: set}}, nil},
		{"nil bot", []*naverworks.Bot{nil}, []string{"bots[0]"}},
		{"empty ID and secrets", []*naverworks.Bot{{}}, []string{"bots[0].ID", "bots[0].Secrets"}},
		{"duplicate", []*naverworks.Bot{{ID: botA, Secrets: set}, {ID: botA, Secrets: set}}, []string{"bots[1].ID"}},
		{"too long", []*naverworks.Bot{{ID: strings.Repeat("1", 257), Secrets: set}}, []string{"bots[0].ID"}},
		{"another bot's client", []*naverworks.Bot{{ID: botB, Secrets: set, Client: srv.Client()}}, []string{"bots[0].Client"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := naverworks.StaticBots(tt.bots...)
			var got []string
			var ve naverworks.ValidationErrors
			var one *naverworks.ValidationError
			switch {
			case errors.As(err, &ve):
				for _, e := range ve {
					got = append(got, e.Path)
				}
			case errors.As(err, &one):
				got = []string{one.Path}
			case err != nil:
				t.Fatalf("err = %v, not a validation error", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			if err == nil {
				b, err := r.ResolveBot(context.Background(), botA)
				if err != nil || b != tt.bots[0] {
					t.Errorf("ResolveBot(A) = %v, %v", b, err)
				}
				if _, err := r.ResolveBot(context.Background(), "nobody"); !errors.Is(err, naverworks.ErrUnknownBot) {
					t.Errorf("ResolveBot(unknown) err = %v", err)
				}
			}
		})
	}
}

// TestBotPrintsNoSecret: every verb and slog.
func TestBotPrintsNoSecret(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	b := &naverworks.Bot{ID: botA, Secrets: signature.MustSecretSet(secretA, secretB), Client: srv.Client()}
	want := `naverworks.Bot{ID:"2000001", Secrets:signature.SecretSet{Len:2}, Client:naverworks.Client{BotID:"2000001", BaseURL:"` + srv.BaseURL() + `"}}`
	if got := fmt.Sprintf("%+v", b); got != want {
		t.Errorf("%%+v:\n got %s\nwant %s", got, want)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("bot", "bot", b)
	for _, out := range []string{fmt.Sprintf("%v %s %#v %q %x", b, b, *b, b, b), logs.String()} {
		if strings.Contains(out, secretA) || strings.Contains(out, secretB) {
			t.Errorf("printed a secret: %s", out)
		}
	}
	if _, ok := naverworks.BotFromContext(context.Background()); ok {
		t.Error("BotFromContext of a plain context reports a bot")
	}
}

// TestSingleBotHandlerHasNoBot: a single-bot handler puts no bot in the
// context, and ForgetBot is a no-op on it.
func TestSingleBotHandlerHasNoBot(t *testing.T) {
	t.Parallel()
	var found bool
	h, _ := newHandler(t, func(ctx context.Context, _ naverworks.Event) error {
		_, found = naverworks.BotFromContext(ctx)
		return nil
	})
	h.ForgetBot(botA)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, callback(t, botA, secret, textFrom("u", "hi")))
	if rec.Code != 200 || found {
		t.Errorf("status %d, bot in context %v; want 200, false", rec.Code, found)
	}
}
