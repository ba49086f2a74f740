package clova_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

const (
	extA = "com.example.extension.a"
	extB = "com.example.extension.b"
)

// errSink collects what an error handler receives.
type errSink struct {
	mu   sync.Mutex
	errs []error
}

func (s *errSink) add(_ *http.Request, err error) {
	s.mu.Lock()
	s.errs = append(s.errs, err)
	s.mu.Unlock()
}

func (s *errSink) take() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.errs
	s.errs = nil
	return out
}

// countingBots is a resolver over bots that counts its calls per ID and
// fails with fail (when set) instead of answering.
type countingBots struct {
	mu    sync.Mutex
	bots  map[string]*clova.Bot
	calls map[string]int
	fail  error
}

func newCountingBots(ids ...string) *countingBots {
	c := &countingBots{bots: map[string]*clova.Bot{}, calls: map[string]int{}}
	for _, id := range ids {
		c.bots[id] = &clova.Bot{ID: id}
	}
	return c
}

func (c *countingBots) ResolveBot(_ context.Context, id string) (*clova.Bot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[id]++
	if c.fail != nil {
		return nil, c.fail
	}
	if b, ok := c.bots[id]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("no extension %q: %w", id, clova.ErrUnknownBot)
}

func (c *countingBots) count(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[id]
}

func (c *countingBots) set(fail error, revoke ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fail = fail
	for _, id := range revoke {
		delete(c.bots, id)
	}
}

func staticBots(t testing.TB, ids ...string) clova.BotResolver {
	t.Helper()
	var bots []*clova.Bot
	for _, id := range ids {
		bots = append(bots, &clova.Bot{ID: id})
	}
	r, err := clova.StaticBots(bots...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// serve posts req to h and returns the recorder.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func spokenBody(t *testing.T, rec *httptest.ResponseRecorder) []string {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200", rec.Code)
	}
	resp := new(clova.Response)
	if err := json.Unmarshal(rec.Body.Bytes(), resp); err != nil {
		t.Fatal(err)
	}
	return spoken(resp)
}

func TestMultiBotHandlerServesEachBot(t *testing.T) {
	t.Parallel()
	type seen struct{ BotID, CtxID, Data string }
	var mu sync.Mutex
	var got []seen
	h, err := clova.NewMultiBotHandler(staticBots(t, extA, extB),
		message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			b, ok := clova.BotFromContext(ctx)
			if !ok {
				return errors.New("no bot in the context")
			}
			mu.Lock()
			got = append(got, seen{in.BotID, b.ID, in.Data})
			mu.Unlock()
			_, err := r.Reply(ctx, text("this is "+b.ID))
			return err
		}), clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{extA, extB, extA} {
		rec := serve(h, clovatest.NewRequest(t, nil, clovatest.Intent("Hi", clovatest.WithApplicationID(id))))
		if diff := cmp.Diff([]string{"this is " + id}, spokenBody(t, rec)); diff != "" {
			t.Errorf("%s answered (-want +got):\n%s", id, diff)
		}
	}
	want := []seen{{extA, extA, "Hi"}, {extB, extB, "Hi"}, {extA, extA, "Hi"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the Handler saw (-want +got):\n%s", diff)
	}
}

func TestMultiWebhookHandlerServesEachBot(t *testing.T) {
	t.Parallel()
	h, err := clova.NewMultiWebhookHandler(staticBots(t, extA, extB),
		func(ctx context.Context, req *clova.Request) (*clova.Response, error) {
			b, ok := clova.BotFromContext(ctx)
			if !ok {
				return nil, errors.New("no bot in the context")
			}
			return clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.English, b.ID+" "+req.ApplicationID()))), nil
		}, clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{extA, extB} {
		rec := serve(h, clovatest.NewRequest(t, nil, clovatest.Launch(clovatest.WithApplicationID(id))))
		if diff := cmp.Diff([]string{id + " " + id}, spokenBody(t, rec)); diff != "" {
			t.Errorf("%s answered (-want +got):\n%s", id, diff)
		}
	}
}

func TestBotFromContextSingleBot(t *testing.T) {
	t.Parallel()
	var found atomic.Bool
	h := newHandler(t, func(ctx context.Context, _ *clova.Request) (*clova.Response, error) {
		_, ok := clova.BotFromContext(ctx)
		found.Store(ok)
		return nil, nil
	})
	h.ForgetBot(clovatest.ApplicationID) // a no-op
	if rec := serve(h, clovatest.NewRequest(t, nil, clovatest.Launch())); rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if found.Load() {
		t.Error("BotFromContext found a bot in a single-bot handler's context")
	}
	if _, ok := clova.BotFromContext(context.Background()); ok {
		t.Error("BotFromContext found a bot in an empty context")
	}
}

// TestMultiHandlerRefuses: what a multi-bot handler refuses, with which
// status and error, and that every refusal has an empty body.
func TestMultiHandlerRefuses(t *testing.T) {
	t.Parallel()
	bodyOf := func(id string) []byte {
		b, err := json.Marshal(clovatest.Intent("Hi", clovatest.WithApplicationID(id)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	bodyA, bodyB := bodyOf(extA), bodyOf(extB)
	// bodyA retargeted to extB after CLOVA signed it.
	retargeted := bytes.Replace(bodyA, []byte(extA), []byte(extB), 1)
	withPath := func(path string, body []byte, sig string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		r.Header.Set(clova.SignatureHeader, sig)
		return r
	}
	tests := []struct {
		name     string
		botPath  bool
		r        *http.Request
		wantCode int
		wantErr  error
	}{
		{"bot A's body with bot B's signature", false, withSig(bodyA, clovatest.Sign(nil, bodyB)), 401, signature.ErrMismatch},
		{"signed body retargeted to another bot", false, withSig(retargeted, clovatest.Sign(nil, bodyA)), 401, signature.ErrMismatch},
		{"signed by another key", false, withSig(bodyA, clovatest.Sign(otherKey(), bodyA)), 401, signature.ErrMismatch},
		{"unknown extension", false, clovatest.NewRequest(t, nil, clovatest.Intent("Hi", clovatest.WithApplicationID("com.example.unknown"))), 401, clova.ErrUnknownBot},
		{"no application", false, clovatest.NewRequest(t, nil, clovatest.Intent("Hi", func(r *clova.Request) { r.Context.System.Application = nil })), 401, clova.ErrUnknownBot},
		{"over-long extension ID", false, clovatest.NewRequest(t, nil, clovatest.Intent("Hi", clovatest.WithApplicationID(strings.Repeat("x", 300)))), 401, clova.ErrUnknownBot},
		{"path names B, CLOVA signed for A", true, withPath("/clova/"+extB, bodyA, clovatest.Sign(nil, bodyA)), 403, clova.ErrApplicationID},
		// A body CLOVA signed for A, replayed to paths: refused the same
		// way whether the path names a served extension or not, so that
		// guessing paths tells nothing.
		{"path names an unknown bot, CLOVA signed for A", true, withPath("/clova/com.example.unknown", bodyA, clovatest.Sign(nil, bodyA)), 403, clova.ErrApplicationID},
		{"path names an unknown bot, CLOVA signed for it", true, withPath("/clova/com.example.unknown", bodyOf("com.example.unknown"), clovatest.Sign(nil, bodyOf("com.example.unknown"))), 401, clova.ErrUnknownBot},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var sink errSink
			var ran atomic.Bool
			opts := []clova.HandlerOption{clova.WithPublicKey(clovatest.PublicKey()), clova.WithErrorHandler(sink.add)}
			if tc.botPath {
				opts = append(opts, clova.WithBotPath("bot"))
			}
			h, err := clova.NewMultiWebhookHandler(staticBots(t, extA, extB), func(context.Context, *clova.Request) (*clova.Response, error) {
				ran.Store(true)
				return nil, nil
			}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			var handler http.Handler = h
			if tc.botPath {
				mux := http.NewServeMux()
				mux.Handle("POST /clova/{bot}", h)
				handler = mux
			}
			rec := serve(handler, tc.r)
			if rec.Code != tc.wantCode || rec.Body.Len() != 0 {
				t.Errorf("answered %d %q, want %d and an empty body", rec.Code, rec.Body.String(), tc.wantCode)
			}
			if ran.Load() {
				t.Error("the function ran")
			}
			errs := sink.take()
			if len(errs) != 1 || !errors.Is(errs[0], tc.wantErr) {
				t.Errorf("error handler got %v, want one error wrapping %v", errs, tc.wantErr)
			}
		})
	}
}

// TestMultiHandlerUnknownLooksLikeWrongSignature: a caller cannot tell an
// unknown extension from a bad signature by the response.
func TestMultiHandlerUnknownLooksLikeWrongSignature(t *testing.T) {
	t.Parallel()
	h, err := clova.NewMultiBotHandler(staticBots(t, extA), message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil }),
		clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		t.Fatal(err)
	}
	unknown, err := json.Marshal(clovatest.Intent("Hi", clovatest.WithApplicationID("com.example.unknown")))
	if err != nil {
		t.Fatal(err)
	}
	known, err := json.Marshal(clovatest.Intent("Hi", clovatest.WithApplicationID(extA)))
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		Code   int
		Header http.Header
		Body   string
	}
	of := func(rec *httptest.ResponseRecorder) answer {
		return answer{rec.Code, rec.Header(), rec.Body.String()}
	}
	a := of(serve(h, withSig(unknown, clovatest.Sign(nil, unknown))))
	b := of(serve(h, withSig(known, clovatest.Sign(otherKey(), known))))
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("unknown bot vs wrong signature (-unknown +wrong):\n%s", diff)
	}
	if a.Code != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", a.Code)
	}
}

// TestMultiHandlerCaches: one lookup per ID within the TTL, a failed
// lookup answered 500 and not cached, ForgetBot and the TTL make the next
// request ask again, and a revoked bot stops being served.
func TestMultiHandlerCaches(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	bots := newCountingBots(extA, extB)
	var sink errSink
	h, err := clova.NewMultiWebhookHandler(bots, echo, clova.WithPublicKey(clovatest.PublicKey()),
		clova.WithClock(clock.Now), clova.WithBotCacheTTL(time.Minute), clova.WithErrorHandler(sink.add))
	if err != nil {
		t.Fatal(err)
	}
	post := func(id string) int {
		return serve(h, clovatest.NewRequest(t, nil, clovatest.Launch(clovatest.WithApplicationID(id)))).Code
	}
	step := func(name, id string, wantCode, wantCalls int) {
		t.Helper()
		if got := post(id); got != wantCode {
			t.Errorf("%s: status %d, want %d", name, got, wantCode)
		}
		if got := bots.count(id); got != wantCalls {
			t.Errorf("%s: resolver called %d times for %s, want %d", name, got, id, wantCalls)
		}
	}
	step("first A", extA, 200, 1)
	step("cached A", extA, 200, 1)
	step("first B", extB, 200, 1)
	step("cached B", extB, 200, 1)

	h.ForgetBot(extA)
	step("A after ForgetBot", extA, 200, 2)
	step("A cached again", extA, 200, 2)

	clock.Add(time.Minute)
	bots.set(errors.New("database down"))
	step("A expired, lookup fails", extA, 500, 3)
	step("the failure is not cached", extA, 500, 4)
	if errs := sink.take(); len(errs) != 2 || !strings.Contains(errs[0].Error(), "database down") || errors.Is(errs[0], clova.ErrUnknownBot) {
		t.Errorf("error handler got %v, want the resolver's two failures", errs)
	}

	bots.set(nil)
	step("B expired, looked up again", extB, 200, 2)
	bots.set(nil, extB)
	step("B still cached after revocation", extB, 200, 2)
	clock.Add(time.Minute)
	step("B revoked, TTL over", extB, 401, 3)
	step("unknown B is cached", extB, 401, 3)
}

func TestMultiHandlerNoCache(t *testing.T) {
	t.Parallel()
	bots := newCountingBots(extA)
	h, err := clova.NewMultiWebhookHandler(bots, echo, clova.WithPublicKey(clovatest.PublicKey()), clova.WithBotCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if rec := serve(h, clovatest.NewRequest(t, nil, clovatest.Launch(clovatest.WithApplicationID(extA)))); rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
		if got := bots.count(extA); got != i {
			t.Errorf("after %d requests the resolver ran %d times", i, got)
		}
	}
}

// TestMultiHandlerResolverPanicsOrReturnsNil: a resolver that panics, or
// answers no bot, or a bot of another (or no) ID, is a failed lookup:
// 500, and not cached, so the next request asks again. A bot of another
// ID would otherwise merge two extensions' conversation state.
func TestMultiHandlerResolverPanicsOrReturnsNil(t *testing.T) {
	t.Parallel()
	for name, bot := range map[string]func() *clova.Bot{
		"panics":      func() *clova.Bot { panic("boom") },
		"returns nil": func() *clova.Bot { return nil },
		"wrong bot":   func() *clova.Bot { return &clova.Bot{ID: extB} },
		"empty ID":    func() *clova.Bot { return &clova.Bot{} },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			res := clova.BotResolverFunc(func(context.Context, string) (*clova.Bot, error) {
				calls.Add(1)
				return bot(), nil
			})
			var sink errSink
			h, err := clova.NewMultiWebhookHandler(res, echo, clova.WithPublicKey(clovatest.PublicKey()), clova.WithErrorHandler(sink.add))
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				rec := serve(h, clovatest.NewRequest(t, nil, clovatest.Launch(clovatest.WithApplicationID(extA))))
				if rec.Code != http.StatusInternalServerError || rec.Body.Len() != 0 {
					t.Errorf("answered %d %q, want 500 and an empty body", rec.Code, rec.Body.String())
				}
			}
			if n := calls.Load(); n != 2 {
				t.Errorf("resolver asked %d times, want 2 (a bad answer is not cached)", n)
			}
			if errs := sink.take(); len(errs) != 2 || errors.Is(errs[0], clova.ErrUnknownBot) {
				t.Errorf("error handler got %v, want two failed lookups", errs)
			}
		})
	}
}

// TestMultiHandlerNoSecretsInErrorsOrLogs: the error handler and the log
// of a refused request hold neither the access token nor the body.
func TestMultiHandlerNoSecretsInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	const token = "tok-SECRET-multi-0123456789"
	var logs bytes.Buffer
	var sink errSink
	h, err := clova.NewMultiWebhookHandler(BotResolverFailing("lookup failed"), echo, clova.WithPublicKey(clovatest.PublicKey()),
		clova.WithLogger(slogTo(&logs)), clova.WithErrorHandler(sink.add))
	if err != nil {
		t.Fatal(err)
	}
	unknown := clovatest.NewRequest(t, nil, clovatest.Intent("Hi", clovatest.WithAccessToken(token), clovatest.WithApplicationID("com.example.unknown")))
	failing := clovatest.NewRequest(t, nil, clovatest.Intent("Hi", clovatest.WithAccessToken(token), clovatest.WithApplicationID(extA)))
	sig := failing.Header.Get(clova.SignatureHeader)
	serve(h, unknown)
	serve(h, failing)
	errs := sink.take()
	if len(errs) != 2 {
		t.Fatalf("got %d errors, want 2", len(errs))
	}
	all := logs.String()
	for _, e := range errs {
		all += "\n" + e.Error()
	}
	for _, secret := range []string{token, sig, sig[:20], `"version"`, `"userId"`} {
		if strings.Contains(all, secret) {
			t.Errorf("errors or logs contain %q:\n%s", secret, all)
		}
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if got, want := fmt.Sprintf(verb, &clova.Bot{ID: extA}), `clova.Bot{ID:"`+extA+`"}`; got != want {
			t.Errorf("%s of a Bot = %s, want %s", verb, got, want)
		}
	}
}

// BotResolverFailing answers an unknown bot for IDs under
// "com.example.unknown" and fails every other lookup with msg.
func BotResolverFailing(msg string) clova.BotResolver {
	return clova.BotResolverFunc(func(_ context.Context, id string) (*clova.Bot, error) {
		if strings.HasPrefix(id, "com.example.unknown") {
			return nil, clova.ErrUnknownBot
		}
		return nil, errors.New(msg)
	})
}

func TestStaticBots(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		bots  []*clova.Bot
		paths []string
	}{
		{"valid", []*clova.Bot{{ID: extA}, {ID: extB}}, nil},
		{"none", nil, nil},
		{"nil bot", []*clova.Bot{{ID: extA}, nil}, []string{"bots[1]"}},
		{"empty ID", []*clova.Bot{{}}, []string{"bots[0].ID"}},
		{"duplicate", []*clova.Bot{{ID: extA}, {ID: extB}, {ID: extA}}, []string{"bots[2].ID"}},
		{"all at once", []*clova.Bot{nil, {}, {ID: extA}, {ID: extA}}, []string{"bots[0]", "bots[1].ID", "bots[3].ID"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := clova.StaticBots(tc.bots...)
			var paths []string
			var ve *clova.ValidationError
			var ves clova.ValidationErrors
			switch {
			case errors.As(err, &ves):
				for _, e := range ves {
					paths = append(paths, e.Path)
				}
			case errors.As(err, &ve):
				paths = []string{ve.Path}
			case err != nil:
				t.Fatalf("StaticBots error %T %v, want a validation error", err, err)
			}
			if diff := cmp.Diff(tc.paths, paths); diff != "" {
				t.Errorf("error paths (-want +got):\n%s", diff)
			}
			if err != nil {
				if !errors.Is(err, clova.ErrInvalid) {
					t.Errorf("error %v does not wrap ErrInvalid", err)
				}
				return
			}
			for _, b := range tc.bots {
				got, err := r.ResolveBot(context.Background(), b.ID)
				if err != nil || got != b {
					t.Errorf("ResolveBot(%q) = %v, %v; want the bot", b.ID, got, err)
				}
			}
			if _, err := r.ResolveBot(context.Background(), "com.example.unknown"); !errors.Is(err, clova.ErrUnknownBot) {
				t.Errorf("ResolveBot(unknown) error = %v, want ErrUnknownBot", err)
			}
		})
	}
}

func TestMultiHandlerConstructors(t *testing.T) {
	t.Parallel()
	bots := staticBots(t, extA)
	bot := message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
	multiWH := func(opts ...clova.HandlerOption) error {
		_, err := clova.NewMultiWebhookHandler(bots, echo, opts...)
		return err
	}
	multiBH := func(opts ...clova.HandlerOption) error {
		_, err := clova.NewMultiBotHandler(bots, bot, opts...)
		return err
	}
	tests := []struct {
		name string
		err  error
		want string // "" means no error
	}{
		{"multi webhook", multiWH(clova.WithBotPath("bot"), clova.WithBotCacheTTL(0)), ""},
		{"multi bot", multiBH(clova.WithBotPath("bot"), clova.WithBotCacheTTL(time.Hour), clova.WithRenderOptions(message.RenderOptions{Strict: true})), ""},
		{"nil resolver", func() error { _, err := clova.NewMultiWebhookHandler(nil, echo); return err }(), "bots: is nil"},
		{"nil fn", func() error { _, err := clova.NewMultiWebhookHandler(bots, nil); return err }(), "fn: is nil"},
		{"nil resolver (bot)", func() error { _, err := clova.NewMultiBotHandler(nil, bot); return err }(), "bots: is nil"},
		{"nil handler", func() error { _, err := clova.NewMultiBotHandler(bots, nil); return err }(), "h: is nil"},
		{"empty path name", multiWH(clova.WithBotPath("")), "name: is empty"},
		{"negative TTL", multiBH(clova.WithBotCacheTTL(-time.Second)), "d: is negative"},
		{"render options on a webhook handler", multiWH(clova.WithRenderOptions(message.RenderOptions{})), "WithRenderOptions only configures a BotHandler"},
		{"nil option", multiWH(nil), "nil HandlerOption"},
		{"bot path on a single webhook handler", func() error {
			_, err := clova.NewWebhookHandler(extA, echo, clova.WithBotPath("bot"))
			return err
		}(), "WithBotPath only configures a multi-bot handler"},
		{"cache TTL on a single bot handler", func() error {
			_, err := clova.NewBotHandler(extA, bot, clova.WithBotCacheTTL(time.Second))
			return err
		}(), "WithBotCacheTTL only configures a multi-bot handler"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			switch {
			case tc.want == "" && tc.err != nil:
				t.Errorf("error %v, want none", tc.err)
			case tc.want != "" && (tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) || !errors.Is(tc.err, clova.ErrInvalid)):
				t.Errorf("error %v, want an ErrInvalid containing %q", tc.err, tc.want)
			}
		})
	}
}

// TestMultiBotHandlerStateKeys: the same user talking to two extensions
// through a state store has two conversations.
func TestMultiBotHandlerStateKeys(t *testing.T) {
	t.Parallel()
	st := message.NewMemoryState(100)
	h, err := clova.NewMultiBotHandler(staticBots(t, extA, extB), message.Conversations(st, time.Hour)(
		message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			c := message.ConversationFrom(ctx)
			n := len(c.Value()) + 1
			c.Set(append(c.Value(), 'x'))
			_, err := r.Reply(ctx, text(fmt.Sprintf("%s turn %d", in.BotID, n)))
			return err
		})), clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, id := range []string{extA, extA, extB} {
		got = append(got, spokenBody(t, serve(h, clovatest.NewRequest(t, nil, clovatest.Intent("Hi", clovatest.WithApplicationID(id)))))...)
	}
	want := []string{extA + " turn 1", extA + " turn 2", extB + " turn 1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestMultiBotHandlerConcurrent serves both bots at once, under -race.
func TestMultiBotHandlerConcurrent(t *testing.T) {
	t.Parallel()
	h, err := clova.NewMultiBotHandler(staticBots(t, extA, extB),
		message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			_, err := r.Reply(ctx, text(in.BotID))
			return err
		}), clova.WithPublicKey(clovatest.PublicKey()), clova.WithBotCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		id := []string{extA, extB}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			hr, err := clovatest.NewSignedRequest(nil, srv.URL, clovatest.Intent("Hi", clovatest.WithApplicationID(id)))
			if err != nil {
				errs <- err
				return
			}
			res, err := srv.Client().Do(hr)
			if err != nil {
				errs <- err
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 || !bytes.Contains(b, []byte(`"value":"`+id+`"`)) {
				errs <- fmt.Errorf("%s answered %d %s", id, res.StatusCode, b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
