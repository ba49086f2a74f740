package tokencache_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/tokencache"
)

const waiting = "test: waiting for a token"

var (
	errNoToken = errors.New("test: no token")
	errRefused = errors.New("test: the endpoint refused")
)

// source is a token endpoint a test controls: it counts fetches, fails
// while failing is set, and, with block set, holds each fetch until
// block is closed. Its tokens live life from clock's now.
type source struct {
	fetches atomic.Int64
	failing atomic.Bool
	nilTok  atomic.Bool
	block   chan struct{} // nil: answer at once
	started chan struct{} // when not nil, gets a value as each fetch starts
	life    time.Duration // zero: tokens without expiry
	clock   func() time.Time
}

func (s *source) fetch() (*oauth2.Token, error) {
	n := s.fetches.Add(1)
	if s.started != nil {
		s.started <- struct{}{}
	}
	if s.block != nil {
		<-s.block
	}
	if s.failing.Load() {
		return nil, errRefused
	}
	if s.nilTok.Load() {
		return nil, nil
	}
	t := &oauth2.Token{AccessToken: fmt.Sprintf("secret-tok-%d", n), TokenType: "Bearer"}
	if s.life != 0 {
		now := time.Now
		if s.clock != nil {
			now = s.clock
		}
		t.Expiry = now().Add(s.life)
	}
	return t, nil
}

// cache returns a cache over s with margin m, reading s.clock if set.
func (s *source) cache(m time.Duration) *tokencache.Cache {
	return tokencache.New(tokencache.Config{Fetch: s.fetch, Margin: m, Now: s.clock, Waiting: waiting, NoToken: errNoToken})
}

// clock is a clock moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// concurrently runs fn(i) for i in [0, n) in n goroutines started at once
// and returns their tokens and errors.
func concurrently(n int, fn func() (*oauth2.Token, error)) ([]*oauth2.Token, []error) {
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

func TestConcurrentCallersShareOneFetch(t *testing.T) {
	const n = 20
	release := make(chan struct{})
	s := &source{block: release, started: make(chan struct{}, n), life: time.Hour}
	c := s.cache(5 * time.Minute)
	go func() {
		<-s.started // a fetch is under way; let it end
		close(release)
	}()
	toks, errs := concurrently(n, func() (*oauth2.Token, error) { return c.Token(context.Background()) })
	got := map[string]int{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
		got[toks[i].AccessToken]++
	}
	want := map[string]int{"secret-tok-1": n}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tokens handed out (-want +got)\n%s", diff)
	}
	if f := s.fetches.Load(); f != 1 {
		t.Errorf("fetches = %d, want 1", f)
	}
}

func TestFailureSharedByAllWaiters(t *testing.T) {
	const n = 20
	clk := newClock() // stands still: the pause after the failure never ends
	s := &source{clock: clk.now, life: time.Hour}
	s.failing.Store(true)
	c := s.cache(5 * time.Minute)
	_, errs := concurrently(n, func() (*oauth2.Token, error) { return c.Token(context.Background()) })
	refused := 0
	for _, err := range errs {
		if errors.Is(err, errRefused) {
			refused++
		}
	}
	got := map[string]int64{"fetches": s.fetches.Load(), "callers with the error": int64(refused)}
	want := map[string]int64{"fetches": 1, "callers with the error": n}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestFailureBackoff(t *testing.T) {
	clk := newClock()
	s := &source{clock: clk.now, life: time.Hour}
	c := s.cache(5 * time.Minute)
	var held *oauth2.Token // the token last handed out
	steps := []struct {
		name       string
		advance    time.Duration
		failing    bool
		invalidate bool // Invalidate(held) first, as a client does on 401
		wantErr    error
		fetches    int64
	}{
		{"first fetch fails", 0, true, false, errRefused, 1},
		{"within the pause: the same error, no fetch", tokencache.Backoff - time.Millisecond, false, false, errRefused, 1},
		{"after the pause: fetches again", time.Millisecond, false, false, nil, 2},
		{"warm", 30 * time.Minute, true, false, nil, 2},
		{"due, renewal fails", 25 * time.Minute, true, false, errRefused, 3},
		{"due, within the pause", 500 * time.Millisecond, false, false, errRefused, 3},
		{"an invalidation lifts the pause", 0, false, true, nil, 4},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clk.advance(st.advance)
			s.failing.Store(st.failing)
			if st.invalidate && !c.Invalidate(held) {
				t.Fatal("Invalidate of the current token returned false")
			}
			tok, err := c.Token(context.Background())
			if !errors.Is(err, st.wantErr) || (st.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, st.wantErr)
			}
			if err == nil {
				held = tok
			}
			if got := s.fetches.Load(); got != st.fetches {
				t.Errorf("fetches = %d, want %d", got, st.fetches)
			}
		})
	}
}

func TestWaitHonoursCallerContext(t *testing.T) {
	release := make(chan struct{})
	s := &source{block: release, started: make(chan struct{}, 1), life: time.Hour}
	c := s.cache(5 * time.Minute)
	defer func() {
		select {
		case <-release:
		default:
			close(release) // lets the hung fetch end
		}
	}()

	// A caller without a deadline waits for the fetch that hangs.
	patient := make(chan error, 1)
	go func() {
		_, err := c.Token(context.Background())
		patient <- err
	}()
	<-s.started

	for _, tt := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled},
		{"deadline passed", func() (context.Context, context.CancelFunc) {
			return context.WithDeadline(context.Background(), time.Unix(0, 0))
		}, context.DeadlineExceeded},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			_, err := c.Token(ctx)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want one wrapping %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), waiting+": ") {
				t.Errorf("err = %q, want the prefix %q", err, waiting)
			}
		})
	}

	// The fetch outlives the callers that gave up, and its token is
	// everyone's.
	close(release)
	if err := <-patient; err != nil {
		t.Fatalf("the patient caller: %v", err)
	}
	tok, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{"fetches": s.fetches.Load(), "token": tok.AccessToken}
	if diff := cmp.Diff(map[string]any{"fetches": int64(1), "token": "secret-tok-1"}, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestRenewalTimerMarksTokenDue(t *testing.T) {
	s := &source{life: time.Hour} // real clock: a renewal timer is armed
	c := s.cache(5 * time.Minute)
	first, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := c.Token(context.Background()); again != first || s.fetches.Load() != 1 {
		t.Fatal("a warm cache fetched again")
	}
	if !c.FireRenewal() {
		t.Fatal("no renewal timer armed")
	}
	if _, ok := c.Cached(); ok {
		t.Fatal("Cached after the timer fired: want not ok")
	}
	second, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if second.AccessToken == first.AccessToken || s.fetches.Load() != 2 {
		t.Errorf("after the timer: same token %v, fetches %d; want a new token, 2", second.AccessToken == first.AccessToken, s.fetches.Load())
	}
}

func TestInvalidate(t *testing.T) {
	s := &source{life: time.Hour}
	c := s.cache(5 * time.Minute)
	if c.Invalidate(&oauth2.Token{AccessToken: "x"}) {
		t.Error("Invalidate on an empty cache returned true")
	}
	first, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := []bool{
		c.Invalidate(nil),
		c.Invalidate(&oauth2.Token{AccessToken: "another"}),
		c.Invalidate(&oauth2.Token{AccessToken: first.AccessToken}), // a copy: compared by AccessToken
		c.Invalidate(first), // already marked: many refused callers, one renewal
	}
	if diff := cmp.Diff([]bool{false, false, true, false}, got); diff != "" {
		t.Errorf("Invalidate results (-want +got)\n%s", diff)
	}
	second, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if second.AccessToken == first.AccessToken || s.fetches.Load() != 2 {
		t.Errorf("after Invalidate: same token %v, fetches %d; want a new token, 2", second.AccessToken == first.AccessToken, s.fetches.Load())
	}
	if c.Invalidate(first) {
		t.Error("invalidated a token already replaced")
	}
}

func TestRenewAt(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		life   time.Duration
		margin time.Duration
		want   time.Duration // after now
	}{
		{"long-lived: expiry less margin", time.Hour, 5 * time.Minute, 55 * time.Minute},
		{"exactly twice the margin", 10 * time.Minute, 5 * time.Minute, 5 * time.Minute},
		{"short-lived: half its life", time.Minute, 5 * time.Minute, 30 * time.Second},
		{"zero margin: at expiry", time.Hour, 0, time.Hour},
		{"already expired: at once", -time.Minute, 5 * time.Minute, -30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tokencache.RenewAt(now, now.Add(tt.life), tt.margin).Sub(now)
			if got != tt.want {
				t.Errorf("RenewAt = now%+v, want now%+v", got, tt.want)
			}
		})
	}
}

func TestShortLivedTokenRenewedAtHalfLifeWithTrueExpiry(t *testing.T) {
	clk := newClock()
	start := clk.now()
	s := &source{clock: clk.now, life: time.Minute}
	c := s.cache(5 * time.Minute)
	steps := []struct {
		name       string
		advance    time.Duration
		fetches    int64
		wantExpiry time.Time
	}{
		{"first fetch", 0, 1, start.Add(time.Minute)},
		{"before half its life: warm", 30*time.Second - time.Nanosecond, 1, start.Add(time.Minute)},
		{"at half its life: renewed", time.Nanosecond, 2, start.Add(90 * time.Second)},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clk.advance(st.advance)
			tok, err := c.Token(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]any{"fetches": s.fetches.Load(), "expiry": tok.Expiry}
			want := map[string]any{"fetches": st.fetches, "expiry": st.wantExpiry}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestTokenWithoutExpiryNeverRenews(t *testing.T) {
	clk := newClock()
	s := &source{clock: clk.now} // no expiry
	c := s.cache(5 * time.Minute)
	for range 3 {
		if _, err := c.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.advance(1000 * time.Hour)
	}
	if f := s.fetches.Load(); f != 1 {
		t.Errorf("fetches = %d, want 1", f)
	}
}

func TestNoTokenIsAnError(t *testing.T) {
	s := &source{}
	s.nilTok.Store(true)
	tok, err := s.cache(time.Minute).Token(context.Background())
	if tok != nil || !errors.Is(err, errNoToken) {
		t.Errorf("Token = %v, %v; want nil, %v", tok, err, errNoToken)
	}
}

func TestPrintingShowsNoToken(t *testing.T) {
	const secret = "fetcher-held-secret"
	held := secret
	s := &source{life: time.Hour}
	c := tokencache.New(tokencache.Config{
		Fetch: func() (*oauth2.Token, error) {
			_ = held // the fetcher holds a secret, as the platforms' do
			return s.fetch()
		},
		Margin: time.Minute,
	})
	if _, err := c.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, c)
		if strings.Contains(out, "secret-tok-") || strings.Contains(out, secret) {
			t.Errorf("Sprintf(%s) = %q shows a secret", verb, out)
		}
	}
}

// BenchmarkCached is the warm path every request takes.
func BenchmarkCached(b *testing.B) {
	s := &source{life: time.Hour}
	c := s.cache(5 * time.Minute)
	if _, err := c.Token(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.Cached(); !ok {
			b.Fatal("cold")
		}
	}
}
