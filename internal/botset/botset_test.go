package botset

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// counting is a resolver over a map that counts its calls.
type counting struct {
	mu    sync.Mutex
	bots  map[string]string
	calls atomic.Int64
}

func (r *counting) resolve(_ context.Context, id string) (string, error) {
	r.calls.Add(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.bots[id]
	if !ok {
		return "", fmt.Errorf("no bot %q: %w", id, ErrUnknownBot)
	}
	return b, nil
}

func TestCacheServesFromCacheUntilTTL(t *testing.T) {
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	r := &counting{bots: map[string]string{"a": "bot-a"}}
	c := New(r.resolve, Config{TTL: time.Minute, Now: clk.Now})
	ctx := context.Background()

	for i := range 3 {
		got, err := c.Get(ctx, "a")
		if err != nil || got != "bot-a" {
			t.Fatalf("Get #%d = %q, %v; want bot-a", i, got, err)
		}
	}
	if n := r.calls.Load(); n != 1 {
		t.Fatalf("resolver calls = %d, want 1 within the TTL", n)
	}
	clk.Add(time.Minute)
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if n := r.calls.Load(); n != 2 {
		t.Fatalf("resolver calls = %d, want 2 after the TTL", n)
	}
}

func TestCacheRevokedBotStopsAfterTTL(t *testing.T) {
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	r := &counting{bots: map[string]string{"a": "bot-a"}}
	c := New(r.resolve, Config{TTL: time.Minute, Now: clk.Now})
	ctx := context.Background()
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	delete(r.bots, "a")
	r.mu.Unlock()
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatalf("within the TTL the cached bot is served; got %v", err)
	}
	clk.Add(time.Minute)
	if _, err := c.Get(ctx, "a"); !errors.Is(err, ErrUnknownBot) {
		t.Fatalf("after the TTL: err = %v, want ErrUnknownBot", err)
	}
}

func TestCacheForgetDropsAtOnce(t *testing.T) {
	r := &counting{bots: map[string]string{"a": "bot-a"}}
	c := New(r.resolve, Config{TTL: time.Hour})
	ctx := context.Background()
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.bots["a"] = "bot-a-rotated"
	r.mu.Unlock()
	c.Forget("a")
	got, err := c.Get(ctx, "a")
	if err != nil || got != "bot-a-rotated" {
		t.Fatalf("after Forget: %q, %v; want the rotated bot", got, err)
	}
}

func TestCacheForgetDuringLookupIsNotCached(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	var calls atomic.Int64
	c := New(func(ctx context.Context, id string) (string, error) {
		if calls.Add(1) == 1 {
			close(started)
			<-release
			return "old", nil
		}
		return "new", nil
	}, Config{TTL: time.Hour})
	ctx := context.Background()
	done := make(chan string)
	go func() { b, _ := c.Get(ctx, "a"); done <- b }()
	<-started
	c.Forget("a")
	close(release)
	if b := <-done; b != "old" {
		t.Fatalf("the running lookup returns %q, want old", b)
	}
	if b, _ := c.Get(ctx, "a"); b != "new" {
		t.Fatalf("after a Forget during the lookup: %q, want new (the old answer must not be cached)", b)
	}
}

// TestCacheUnknownIsCachedAsLong: an unknown ID is cached for the TTL of
// a known bot, so that a second probe cannot tell the two apart by its
// speed; a bot added meanwhile is served once that entry ends.
func TestCacheUnknownIsCachedAsLong(t *testing.T) {
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	r := &counting{bots: map[string]string{}}
	c := New(r.resolve, Config{TTL: time.Minute, Now: clk.Now})
	ctx := context.Background()
	for range 3 {
		if _, err := c.Get(ctx, "x"); !errors.Is(err, ErrUnknownBot) {
			t.Fatalf("err = %v, want ErrUnknownBot", err)
		}
	}
	if n := r.calls.Load(); n != 1 {
		t.Fatalf("resolver calls = %d, want 1 (unknown IDs are cached)", n)
	}
	r.mu.Lock()
	r.bots["x"] = "bot-x"
	r.mu.Unlock()
	clk.Add(time.Minute - time.Nanosecond)
	if _, err := c.Get(ctx, "x"); !errors.Is(err, ErrUnknownBot) {
		t.Fatalf("just before the TTL: err = %v, want the cached ErrUnknownBot", err)
	}
	clk.Add(time.Nanosecond)
	if b, err := c.Get(ctx, "x"); err != nil || b != "bot-x" {
		t.Fatalf("a bot added after its ID was unknown: %q, %v; want it served after the TTL", b, err)
	}
}

func TestCacheRefusesIDsWithoutLookup(t *testing.T) {
	r := &counting{bots: map[string]string{"": "empty", strings.Repeat("a", MaxIDLen+1): "long"}}
	c := New(r.resolve, Config{TTL: time.Minute})
	for _, id := range []string{"", strings.Repeat("a", MaxIDLen+1)} {
		if _, err := c.Get(context.Background(), id); !errors.Is(err, ErrUnknownBot) {
			t.Errorf("Get(len %d) err = %v, want ErrUnknownBot", len(id), err)
		}
	}
	if n := r.calls.Load(); n != 0 {
		t.Fatalf("resolver calls = %d, want 0", n)
	}
}

func TestCacheLookupErrorIsNotCached(t *testing.T) {
	var calls atomic.Int64
	down := errors.New("database down")
	c := New(func(context.Context, string) (string, error) {
		calls.Add(1)
		return "", down
	}, Config{TTL: time.Minute})
	for range 2 {
		if _, err := c.Get(context.Background(), "a"); !errors.Is(err, down) || errors.Is(err, ErrUnknownBot) {
			t.Fatalf("err = %v, want the resolver's error", err)
		}
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("resolver calls = %d, want 2 (failures are not cached)", n)
	}
}

func TestCacheSingleFlight(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int64
	c := New(func(context.Context, string) (string, error) {
		calls.Add(1)
		<-release
		return "bot", nil
	}, Config{TTL: time.Minute})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if b, err := c.Get(context.Background(), "a"); err != nil || b != "bot" {
				errs <- fmt.Errorf("Get = %q, %v", b, err)
			}
		}()
	}
	// Let the goroutines pile up on the one lookup, then release it.
	for c.waiting("a") == 0 {
		runtimeGosched()
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("resolver calls = %d, want 1", n)
	}
}

func TestCacheFollowerOutlivesLeadersContext(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int64
	c := New(func(ctx context.Context, _ string) (string, error) {
		if calls.Add(1) == 1 {
			<-release
			return "", ctx.Err()
		}
		return "bot", nil
	}, Config{TTL: time.Minute})
	leaderCtx, cancel := context.WithCancel(context.Background())
	leader := make(chan error)
	go func() { _, err := c.Get(leaderCtx, "a"); leader <- err }()
	for c.waiting("a") == 0 {
		runtimeGosched()
	}
	follower := make(chan string)
	go func() { b, _ := c.Get(context.Background(), "a"); follower <- b }()
	for c.waiters("a") == 0 { // the follower waits for the leader's lookup
		runtimeGosched()
	}
	cancel()
	close(release)
	if err := <-leader; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader err = %v, want context.Canceled", err)
	}
	if b := <-follower; b != "bot" {
		t.Fatalf("follower got %q, want bot: the leader's cancellation is not its answer", b)
	}
}

// TestCacheForgetCutsALookupLoose: a request after Forget does not wait
// for the lookup that started before it (which may return the revoked
// bot) but asks the resolver itself.
func TestCacheForgetCutsALookupLoose(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int64
	c := New(func(context.Context, string) (string, error) {
		if calls.Add(1) == 1 {
			<-release
			return "revoked-bot", nil
		}
		return "new-bot", nil
	}, Config{TTL: time.Minute})
	old := make(chan string)
	go func() { b, _ := c.Get(context.Background(), "a"); old <- b }()
	for c.waiting("a") == 0 {
		runtimeGosched()
	}
	c.Forget("a")
	got := make(chan string, 1)
	go func() { b, _ := c.Get(context.Background(), "a"); got <- b }()
	var b string
wait:
	for {
		select {
		case b = <-got:
			break wait
		default:
		}
		if c.waiters("a") > 0 {
			close(release)
			t.Fatalf("a request after Forget waited for the lookup that started before it (and got %q)", <-got)
		}
		runtimeGosched()
	}
	if b != "new-bot" {
		t.Fatalf("after Forget: %q; want new-bot from a lookup of its own", b)
	}
	close(release)
	if b := <-old; b != "revoked-bot" {
		t.Fatalf("the lookup cut loose returned %q", b)
	}
	if b, _ := c.Get(context.Background(), "a"); b != "new-bot" {
		t.Fatalf("cached %q after both lookups, want new-bot (the cut-loose answer must not be cached)", b)
	}
}

// TestCacheUnknownFloodKeepsKnownBots: with the cache full of known bots,
// unknown IDs are not cached at their expense, and they never take more
// than a quarter of the cache.
func TestCacheUnknownFloodKeepsKnownBots(t *testing.T) {
	bots := map[string]string{}
	for i := range 100 {
		bots[fmt.Sprint("bot-", i)] = "b"
	}
	r := &counting{bots: bots}
	c := New(r.resolve, Config{TTL: time.Minute, MaxEntries: 100})
	ctx := context.Background()
	for id := range bots {
		if _, err := c.Get(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 1000 {
		_, _ = c.Get(ctx, fmt.Sprint("unknown-", i))
	}
	before := r.calls.Load()
	for id := range bots {
		if _, err := c.Get(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if n := r.calls.Load() - before; n != 0 {
		t.Fatalf("%d known bots were asked again: a flood of unknown IDs evicted them", n)
	}

	c = New(r.resolve, Config{TTL: time.Minute, MaxEntries: 100})
	for i := range 1000 {
		_, _ = c.Get(ctx, fmt.Sprint("unknown-", i))
	}
	if c.Len() > 25 {
		t.Fatalf("%d unknown IDs cached, want at most a quarter of 100", c.Len())
	}
}

func TestCacheRecoversResolverPanic(t *testing.T) {
	c := New(func(context.Context, string) (string, error) { panic("boom") }, Config{TTL: time.Minute})
	_, err := c.Get(context.Background(), "a")
	if err == nil || errors.Is(err, ErrUnknownBot) {
		t.Fatalf("err = %v, want a resolver failure", err)
	}
}

func TestCacheIsBounded(t *testing.T) {
	r := &counting{bots: map[string]string{"known": "bot"}}
	c := New(r.resolve, Config{TTL: time.Minute, MaxEntries: 100})
	ctx := context.Background()
	if _, err := c.Get(ctx, "known"); err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		_, _ = c.Get(ctx, fmt.Sprint("unknown-", i))
	}
	if n := c.Len(); n > 100 {
		t.Fatalf("Len = %d, want at most 100", n)
	}
	before := r.calls.Load()
	if _, err := c.Get(ctx, "known"); err != nil {
		t.Fatal(err)
	}
	if r.calls.Load() != before {
		t.Fatal("a flood of unknown IDs evicted the known bot")
	}
}

func TestCacheTTLZeroAsksEveryTime(t *testing.T) {
	r := &counting{bots: map[string]string{"a": "bot"}}
	c := New(r.resolve, Config{})
	for range 3 {
		if _, err := c.Get(context.Background(), "a"); err != nil {
			t.Fatal(err)
		}
	}
	if n := r.calls.Load(); n != 3 {
		t.Fatalf("resolver calls = %d, want 3 with caching off", n)
	}
	if c.Len() != 0 {
		t.Fatalf("Len = %d, want 0", c.Len())
	}
}

func BenchmarkCacheHit(b *testing.B) {
	r := &counting{bots: map[string]string{"a": "bot"}}
	c := New(r.resolve, Config{TTL: time.Hour})
	ctx := context.Background()
	if _, err := c.Get(ctx, "a"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Get(ctx, "a"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCacheHitSerial(b *testing.B) {
	r := &counting{bots: map[string]string{"a": "bot"}}
	c := New(r.resolve, Config{TTL: time.Hour})
	ctx := context.Background()
	if _, err := c.Get(ctx, "a"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Get(ctx, "a"); err != nil {
			b.Fatal(err)
		}
	}
}

// timers is an AfterFunc whose timers fire when the test says.
type timers struct {
	mu sync.Mutex
	ts []*timer
}

type timer struct {
	d       time.Duration
	f       func()
	stopped bool
}

func (tt *timers) AfterFunc(d time.Duration, f func()) func() bool {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	t := &timer{d: d, f: f}
	tt.ts = append(tt.ts, t)
	return func() bool {
		tt.mu.Lock()
		defer tt.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// get returns the i-th timer started.
func (tt *timers) get(t *testing.T, i int) *timer {
	t.Helper()
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if i >= len(tt.ts) {
		t.Fatalf("%d timers started, want at least %d", len(tt.ts), i+1)
	}
	return tt.ts[i]
}

func (tt *timers) len() int {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	return len(tt.ts)
}

// fire runs a timer's function, as the runtime would (stopped or not:
// a timer can start running just as it is stopped).
func (tm *timer) fire() { tm.f() }

func TestCacheTimerExpiresEntries(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		wantTTL time.Duration
		wantErr error
	}{
		{"known bot after the TTL", "a", time.Minute, nil},
		{"unknown ID after the TTL, as long as a known one", "nobody", time.Minute, ErrUnknownBot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reads atomic.Int64
			now := func() time.Time { reads.Add(1); return time.Unix(1_700_000_000, 0) }
			tm := &timers{}
			r := &counting{bots: map[string]string{"a": "bot-a"}}
			c := New(r.resolve, Config{TTL: time.Minute, Now: now, AfterFunc: tm.AfterFunc})
			ctx := context.Background()
			get := func() {
				t.Helper()
				if _, err := c.Get(ctx, tt.id); !errors.Is(err, tt.wantErr) && err != tt.wantErr {
					t.Fatalf("Get(%q) error = %v, want %v", tt.id, err, tt.wantErr)
				}
			}
			get()
			readsAfterMiss := reads.Load()
			for range 3 {
				get()
			}
			if n := r.calls.Load(); n != 1 {
				t.Fatalf("resolver calls = %d, want 1 before the timer fires", n)
			}
			if n := reads.Load(); n != readsAfterMiss {
				t.Fatalf("hits read the clock %d times, want 0", n-readsAfterMiss)
			}
			first := tm.get(t, 0)
			if first.d != tt.wantTTL {
				t.Fatalf("timer set for %v, want %v", first.d, tt.wantTTL)
			}
			first.fire()
			if c.Len() != 0 {
				t.Fatalf("Len = %d after the timer fired, want 0", c.Len())
			}
			get()
			if n := r.calls.Load(); n != 2 {
				t.Fatalf("resolver calls = %d, want 2 after the timer fired", n)
			}
		})
	}
}

func TestCacheTimerRevokedBotStops(t *testing.T) {
	tm := &timers{}
	r := &counting{bots: map[string]string{"a": "bot-a"}}
	c := New(r.resolve, Config{TTL: time.Minute, AfterFunc: tm.AfterFunc})
	ctx := context.Background()
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	delete(r.bots, "a")
	r.mu.Unlock()
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatalf("before the timer fires the cached bot is served; got %v", err)
	}
	tm.get(t, 0).fire()
	if _, err := c.Get(ctx, "a"); !errors.Is(err, ErrUnknownBot) {
		t.Fatalf("after the TTL a revoked bot must be unknown; got %v", err)
	}
}

// TestCacheLateTimerKeepsNewerEntry: a timer that runs after its entry
// was forgotten and looked up again must not remove the new entry.
func TestCacheLateTimerKeepsNewerEntry(t *testing.T) {
	tm := &timers{}
	r := &counting{bots: map[string]string{"a": "bot-a"}}
	c := New(r.resolve, Config{TTL: time.Minute, AfterFunc: tm.AfterFunc})
	ctx := context.Background()
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	c.Forget("a")
	if !tm.get(t, 0).stopped {
		t.Fatal("Forget did not stop the entry's timer")
	}
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	tm.get(t, 0).fire() // late: the first entry's timer
	if _, err := c.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if n := r.calls.Load(); n != 2 {
		t.Fatalf("resolver calls = %d, want 2: the late timer removed the newer entry", n)
	}
	if tm.get(t, 1).stopped {
		t.Fatal("the newer entry's timer was stopped")
	}
}

func TestCacheEvictionStopsTimers(t *testing.T) {
	tm := &timers{}
	r := &counting{bots: map[string]string{"known": "bot"}}
	c := New(r.resolve, Config{TTL: time.Minute, MaxEntries: 10, AfterFunc: tm.AfterFunc})
	ctx := context.Background()
	for i := range 100 {
		_, _ = c.Get(ctx, fmt.Sprint("unknown-", i))
	}
	if n := c.Len(); n > 10 {
		t.Fatalf("Len = %d, want at most 10", n)
	}
	running := 0
	for i := range tm.len() {
		if !tm.get(t, i).stopped {
			running++
		}
	}
	if running != c.Len() {
		t.Fatalf("%d timers running for %d entries: evicted entries must stop theirs", running, c.Len())
	}
}

// TestCacheTimersRace fires timers while other goroutines hit, miss and
// forget: for -race.
func TestCacheTimersRace(t *testing.T) {
	tm := &timers{}
	r := &counting{bots: map[string]string{"a": "bot-a", "b": "bot-b"}}
	c := New(r.resolve, Config{TTL: time.Minute, AfterFunc: tm.AfterFunc})
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				id := []string{"a", "b", "c"}[(g+i)%3]
				if _, err := c.Get(ctx, id); err != nil && !errors.Is(err, ErrUnknownBot) {
					t.Error(err)
					return
				}
				if i%50 == 0 {
					c.Forget(id)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 400; i++ {
			if n := tm.len(); n > 0 {
				tm.get(t, i%n).fire()
			}
			runtimeGosched()
		}
	}()
	wg.Wait()
	for _, id := range []string{"a", "b"} {
		if _, err := c.Get(ctx, id); err != nil {
			t.Fatalf("Get(%q) after the storm: %v", id, err)
		}
	}
}

// TestCacheRealTimers: without an injected clock the cache runs real
// timers, long enough here that none fires during the test.
func TestCacheRealTimers(t *testing.T) {
	r := &counting{bots: map[string]string{"a": "bot-a"}}
	c := New(r.resolve, Config{TTL: time.Hour})
	ctx := context.Background()
	for range 3 {
		if _, err := c.Get(ctx, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if n := r.calls.Load(); n != 1 {
		t.Fatalf("resolver calls = %d, want 1", n)
	}
	c.mu.RLock()
	stop := c.entries["a"].stop
	c.mu.RUnlock()
	if stop == nil {
		t.Fatal("no timer for the entry")
	}
	c.Forget("a")
	if stop() {
		t.Fatal("Forget left the entry's timer running")
	}
}

// TestCacheKeepsItsOwnCopyOfTheID: an ID that is a view of a buffer the
// caller reuses (a zero-copy decoder's string over a pooled body) is
// cached under a copy, so that reusing the buffer changes no key.
func TestCacheKeepsItsOwnCopyOfTheID(t *testing.T) {
	r := &counting{bots: map[string]string{"bot-a": "A", "bot-b": "B"}}
	c := New(r.resolve, Config{TTL: time.Minute, AfterFunc: func(time.Duration, func()) func() bool { return func() bool { return true } }})
	ctx := context.Background()
	buf := []byte("bot-a")
	if got, err := c.Get(ctx, unsafe.String(&buf[0], len(buf))); err != nil || got != "A" {
		t.Fatalf("Get(bot-a) = %q, %v; want A", got, err)
	}
	copy(buf, "bot-b") // the buffer is reused for another request
	for _, tc := range []struct{ id, want string }{{"bot-a", "A"}, {"bot-b", "B"}, {"bot-a", "A"}} {
		if got, err := c.Get(ctx, tc.id); err != nil || got != tc.want {
			t.Fatalf("Get(%s) = %q, %v; want %s", tc.id, got, err, tc.want)
		}
	}
	if n := r.calls.Load(); n != 2 {
		t.Fatalf("resolver calls = %d, want 2 (one per bot)", n)
	}
}
