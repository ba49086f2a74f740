package redisstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/benchpair"
	"github.com/channelkit/channelkit/internal/tokencache"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/redisstore"
)

// What line's and naverworks' clients look for in a token source.
var (
	_ line.ContextTokenSource       = ctxSource(nil)
	_ line.Invalidator              = ctxSource(nil)
	_ naverworks.ContextTokenSource = ctxSource(nil)
	_ naverworks.Invalidator        = ctxSource(nil)
)

// ctxSource is the set of methods a TokenSource's value has.
type ctxSource interface {
	oauth2.TokenSource
	TokenContext(ctx context.Context) (*oauth2.Token, error)
	Invalidate(stale *oauth2.Token) bool
}

// asCtx returns ts's context form, failing tb when it has none.
func asCtx(tb testing.TB, ts oauth2.TokenSource) ctxSource {
	tb.Helper()
	c, ok := ts.(ctxSource)
	if !ok {
		tb.Fatalf("%T has no TokenContext and Invalidate", ts)
	}
	return c
}

// testClock is a clock moved by hand, starting at the real time so that
// the tokens' expiries (real time) and Redis's TTLs agree with it.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Now()} }

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// gatedSource is an exchange a test holds open: each call counts, signals
// started, and waits for release before it answers with token-<n> (or
// err, when set).
type gatedSource struct {
	fetches atomic.Int32
	started chan struct{}
	release chan struct{}
	err     error
}

func newGatedSource() *gatedSource {
	return &gatedSource{started: make(chan struct{}, 100), release: make(chan struct{})}
}

func (g *gatedSource) Token() (*oauth2.Token, error) {
	n := g.fetches.Add(1)
	g.started <- struct{}{}
	<-g.release
	if g.err != nil {
		return nil, g.err
	}
	return &oauth2.Token{AccessToken: fmt.Sprintf("secret-access-%d", n), RefreshToken: "secret-refresh", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
}

// callAll runs fn in n goroutines started at once, and returns their
// results once all have returned.
func callAll(n int, fn func() (*oauth2.Token, error)) ([]*oauth2.Token, []error) {
	toks, errs := make([]*oauth2.Token, n), make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			toks[i], errs[i] = fn()
		}()
	}
	start.Done()
	done.Wait()
	return toks, errs
}

// TestTokenSourceColdCallersShareOneExchange: 50 callers of TokenContext
// on a cold cache, while the exchange is held open, cause one exchange,
// and all of them get its token.
func TestTokenSourceColdCallersShareOneExchange(t *testing.T) {
	t.Parallel()
	src := newGatedSource()
	ts := asCtx(t, redisstore.TokenSource(newClient(t), "k", src, redisstore.WithPrefix(prefix(t))))
	go func() { <-src.started; close(src.release) }()
	const n = 50
	toks, errs := callAll(n, func() (*oauth2.Token, error) { return ts.TokenContext(t.Context()) })
	got := map[string]int{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
		got[toks[i].AccessToken]++
	}
	if diff := cmp.Diff(map[string]int{"secret-access-1": n}, got); diff != "" {
		t.Errorf("tokens handed out (-want +got)\n%s", diff)
	}
	if f := src.fetches.Load(); f != 1 {
		t.Errorf("%d exchanges, want 1", f)
	}
}

// TestTokenSourceFailureShared: a failing exchange's error goes to every
// caller waiting for it, and within a second (the injected clock stands
// still) the next call gets it again without a new exchange; after the
// pause it exchanges again.
func TestTokenSourceFailureShared(t *testing.T) {
	t.Parallel()
	boom := errors.New("exchange refused")
	src := newGatedSource()
	src.err = boom
	clk := newTestClock()
	ts := asCtx(t, redisstore.TokenSource(newClient(t), "k", src, redisstore.WithPrefix(prefix(t)), redisstore.WithTokenClock(clk.now)))
	go func() { <-src.started; close(src.release) }()
	const n = 50
	_, errs := callAll(n, func() (*oauth2.Token, error) { return ts.TokenContext(t.Context()) })
	withErr := 0
	for _, err := range errs {
		if errors.Is(err, boom) {
			withErr++
		}
	}
	got := map[string]int{"exchanges": int(src.fetches.Load()), "callers with the error": withErr}
	if diff := cmp.Diff(map[string]int{"exchanges": 1, "callers with the error": n}, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}

	clk.advance(tokencache.Backoff - time.Millisecond)
	if _, err := ts.Token(); !errors.Is(err, boom) {
		t.Errorf("within the pause: %v, want the exchange's error", err)
	}
	if f := src.fetches.Load(); f != 1 {
		t.Errorf("within the pause: %d exchanges, want still 1", f)
	}

	src.err = nil // read by the next exchange, which starts after this write
	clk.advance(time.Millisecond)
	tok, err := ts.Token()
	if err != nil || tok.AccessToken != "secret-access-2" {
		t.Fatalf("after the pause: %v, %v; want secret-access-2", tok, err)
	}
}

// TestTokenSourceCallerGivesUp: a caller whose ctx ends while a slow
// exchange runs returns ctx's error at once; the exchange goes on, and
// its token goes to a patient caller and is cached.
func TestTokenSourceCallerGivesUp(t *testing.T) {
	t.Parallel()
	src := newGatedSource()
	ts := asCtx(t, redisstore.TokenSource(newClient(t), "k", src, redisstore.WithPrefix(prefix(t))))
	defer func() {
		select {
		case <-src.release:
		default:
			close(src.release)
		}
	}()
	patient := make(chan error, 1)
	go func() {
		tok, err := ts.TokenContext(context.Background())
		if err == nil && tok.AccessToken != "secret-access-1" {
			err = fmt.Errorf("got %q", tok.AccessToken)
		}
		patient <- err
	}()
	<-src.started // the exchange is under way and held

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ts.TokenContext(ctx) // returns while the exchange is held
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("impatient caller: %v, want one wrapping context.Canceled", err)
	}
	if !strings.HasPrefix(err.Error(), "redisstore: ") {
		t.Errorf("impatient caller: %q, want the package's prefix", err)
	}

	close(src.release)
	if err := <-patient; err != nil {
		t.Fatalf("patient caller: %v", err)
	}
	tok, err := ts.Token()
	if err != nil || tok.AccessToken != "secret-access-1" || src.fetches.Load() != 1 {
		t.Fatalf("after: %v, %v, %d exchanges; want the cached secret-access-1 and 1 exchange", tok, err, src.fetches.Load())
	}
}

// TestTokenSourceTwoReplicas: two replicas (own client, own TokenSource),
// 25 callers each, while the winner's exchange is held open: one
// exchange, one token for all.
func TestTokenSourceTwoReplicas(t *testing.T) {
	t.Parallel()
	src := newGatedSource()
	a := asCtx(t, redisstore.TokenSource(newClient(t), "k", src, redisstore.WithPrefix(prefix(t))))
	b := asCtx(t, redisstore.TokenSource(newClient(t), "k", src, redisstore.WithPrefix(prefix(t))))
	go func() { <-src.started; close(src.release) }()
	var i atomic.Int32
	toks, errs := callAll(50, func() (*oauth2.Token, error) {
		if i.Add(1)%2 == 0 {
			return a.TokenContext(t.Context())
		}
		return b.TokenContext(t.Context())
	})
	got := map[string]int{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
		got[toks[i].AccessToken]++
	}
	if diff := cmp.Diff(map[string]int{"secret-access-1": 50}, got); diff != "" {
		t.Errorf("tokens handed out (-want +got)\n%s", diff)
	}
	if f := src.fetches.Load(); f != 1 {
		t.Errorf("%d exchanges for two replicas, want 1", f)
	}
}

// storedToken returns the access token Redis holds under key k in the
// namespace p.
func storedToken(tb testing.TB, p, k string) string {
	tb.Helper()
	b, err := newClient(tb).Get(tb.Context(), p+":token:{"+k+"}").Bytes()
	if err != nil {
		tb.Fatalf("reading the shared token: %v", err)
	}
	var tok oauth2.Token
	if err := json.Unmarshal(b, &tok); err != nil {
		tb.Fatal(err)
	}
	return tok.AccessToken
}

// TestTokenSourceInvalidate: a refused token invalidated on one replica is
// replaced once, in memory and in Redis; another replica that invalidates
// the same token then reads the new one without an exchange and without
// deleting it.
func TestTokenSourceInvalidate(t *testing.T) {
	t.Parallel()
	var src countingToken
	ns := prefix(t)
	a := asCtx(t, redisstore.TokenSource(newClient(t), "k", countingSource(&src), redisstore.WithPrefix(ns)))
	b := asCtx(t, redisstore.TokenSource(newClient(t), "k", countingSource(&src), redisstore.WithPrefix(ns)))
	tok1, err := a.Token()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Token(); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name      string
		ts        ctxSource
		stale     *oauth2.Token
		wantInval bool
		wantTok   string
		exchanges int32
	}{
		{"a: the refused token is replaced", a, tok1, true, "token-2", 2},
		{"a: again with the old token: nothing to do", a, tok1, false, "token-2", 2},
		{"b: the newer token in Redis is read, not deleted", b, tok1, true, "token-2", 2},
		{"b: nil", b, nil, false, "token-2", 2},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if got := st.ts.Invalidate(st.stale); got != st.wantInval {
				t.Errorf("Invalidate = %t, want %t", got, st.wantInval)
			}
			tok, err := st.ts.TokenContext(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			got := []any{tok.AccessToken, src.fetches.Load(), storedToken(t, ns, "k")}
			want := []any{st.wantTok, st.exchanges, st.wantTok}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("[token, exchanges, in Redis] (-want +got)\n%s", diff)
			}
		})
	}
}

// TestTokenSourceNAVERWORKS401: two replicas' naverworks clients over
// redisstore.TokenSource; the fake refuses every token issued so far.
// Each client's next send gets 401, invalidates through the TokenSource
// and succeeds on its retry; the fleet exchanges once more, not once per
// replica.
func TestTokenSourceNAVERWORKS401(t *testing.T) {
	t.Parallel()
	fake := naverworkstest.NewServer(t)
	var clients []*naverworks.Client
	for range 2 {
		src, err := fake.TokenSource()
		if err != nil {
			t.Fatal(err)
		}
		shared := redisstore.TokenSource(newClient(t), "naverworks:"+naverworkstest.BotID, src, redisstore.WithPrefix(prefix(t)))
		c, err := naverworks.New(naverworkstest.BotID, shared, naverworks.WithBaseURL(fake.BaseURL()), naverworks.WithHTTPClient(fake.HTTPClient()))
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	send := func(c *naverworks.Client) {
		t.Helper()
		if _, err := c.SendToUser(t.Context(), "user-1", &naverworks.Text{Text: "hello"}); err != nil {
			t.Fatalf("SendToUser: %v", err)
		}
	}
	for _, c := range clients {
		send(c)
	}
	if n := fake.TokenRequests(); n != 1 {
		t.Fatalf("%d exchanges before the refusal, want 1", n)
	}
	fake.ExpireTokens()
	for _, c := range clients {
		send(c)
	}
	if n := fake.TokenRequests(); n != 2 {
		t.Errorf("%d exchanges after the refusal, want 2 (one for the fleet)", n)
	}
}

// TestTokenSourceNoToken: a source that returns neither a token nor an
// error is an error, not a panic.
func TestTokenSourceNoToken(t *testing.T) {
	t.Parallel()
	ts := redisstore.TokenSource(newClient(t), "k", sourceFunc(func() (*oauth2.Token, error) { return nil, nil }), redisstore.WithPrefix(prefix(t)))
	if _, err := ts.Token(); err == nil || !strings.Contains(err.Error(), "no token") {
		t.Fatalf("Token: %v, want the no-token error", err)
	}
}

// TestTokenSourceNilContext: a nil ctx is an argument error.
func TestTokenSourceNilContext(t *testing.T) {
	t.Parallel()
	ts := asCtx(t, redisstore.TokenSource(newClient(t), "k", countingSource(&countingToken{}), redisstore.WithPrefix(prefix(t))))
	//lint:ignore SA1012 a nil context is what this tests
	if _, err := ts.TokenContext(nil); err == nil || !strings.Contains(err.Error(), "ctx") { //nolint:staticcheck
		t.Fatalf("TokenContext(nil): %v, want an argument error", err)
	}
}

// TestTokenSourceRedacted: neither the value (every fmt verb, slog) nor
// the errors of the new paths (a caller giving up, the refused token's
// deletion failing) show the access or refresh token.
func TestTokenSourceRedacted(t *testing.T) {
	t.Parallel()
	rdb := newClient(t)
	src := newGatedSource()
	close(src.release)
	ts := asCtx(t, redisstore.TokenSource(rdb, "k", src, redisstore.WithPrefix(prefix(t)), redisstore.WithWait(time.Second)))
	tok, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		outs = append(outs, fmt.Sprintf(verb, ts))
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("source", "ts", ts)
	outs = append(outs, logged.String())

	// The refused token's deletion fails on a closed client.
	ts.Invalidate(tok)
	_ = rdb.Close()
	_, err = ts.Token()
	if err == nil || !strings.Contains(err.Error(), "replacing the shared token") {
		t.Fatalf("Token on a closed client after an invalidation: %v, want the replacing error", err)
	}
	outs = append(outs, err.Error())
	// A caller giving up while the exchange is held open.
	held := newGatedSource()
	defer close(held.release)
	hts := asCtx(t, redisstore.TokenSource(newClient(t), "k2", held, redisstore.WithPrefix(prefix(t))))
	go func() { _, _ = hts.Token() }()
	<-held.started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = hts.TokenContext(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("TokenContext with a cancelled ctx during an exchange: %v, want context.Canceled", err)
	}
	outs = append(outs, err.Error())
	for _, out := range outs {
		for _, secret := range []string{tok.AccessToken, tok.RefreshToken} {
			if strings.Contains(out, secret) {
				t.Errorf("%q shows %q", out, secret)
			}
		}
	}
	if want := "redisstore.TokenSource{}"; outs[0] != want {
		t.Errorf("%%v = %q, want %q", outs[0], want)
	}
}

// warmSources returns a warm TokenSource and, for comparison, the
// in-process layer TokenSource used before (oauth2.ReuseTokenSource with
// the same 10 s reuse margin), warm over the same token.
func warmSources(tb testing.TB) (ours, reuse oauth2.TokenSource) {
	tb.Helper()
	var src countingToken
	ours = redisstore.TokenSource(newClient(tb), "k", countingSource(&src), redisstore.WithPrefix(prefix(tb)))
	tok, err := ours.Token()
	if err != nil {
		tb.Fatal(err)
	}
	reuse = oauth2.ReuseTokenSourceWithExpiry(tok, countingSource(&src), 10*time.Second)
	if _, err := reuse.Token(); err != nil {
		tb.Fatal(err)
	}
	return ours, reuse
}

// TestTokenSourceWarmAllocs: a warm Token call allocates nothing.
func TestTokenSourceWarmAllocs(t *testing.T) {
	ours, _ := warmSources(t)
	if n := testing.AllocsPerRun(1000, func() { _, _ = ours.Token() }); n != 0 {
		t.Errorf("%v allocations per warm Token call, want 0", n)
	}
}

// BenchmarkTokenSourceWarm: a warm Token call, alone (allocations) and
// alternated call by call with oauth2.ReuseTokenSource's warm path (the
// in-process layer before), reported as medians and their ratio.
func BenchmarkTokenSourceWarm(b *testing.B) {
	ours, reuse := warmSources(b)
	b.Run("alone", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = ours.Token()
		}
	})
	b.Run("pair", func(b *testing.B) {
		benchpair.Medians(b, "reuse", func() { _, _ = reuse.Token() }, "redisstore", func() { _, _ = ours.Token() })
	})
}
