package message_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/message"
)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func seen(t *testing.T, d message.Deduper, key string) bool {
	t.Helper()
	ok, err := d.Seen(context.Background(), key)
	if err != nil {
		t.Fatalf("Seen(%q): %v", key, err)
	}
	return ok
}

func TestMemoryDeduperTTL(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	d, err := message.NewMemoryDeduper(time.Minute, 100, message.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	if seen(t, d, "evt-1") {
		t.Fatal("first sighting reported as seen")
	}
	if !seen(t, d, "evt-1") {
		t.Fatal("redelivery not detected")
	}
	clock.Advance(59 * time.Second)
	if !seen(t, d, "evt-1") {
		t.Fatal("forgot before the TTL")
	}
	clock.Advance(2 * time.Second)
	if seen(t, d, "evt-1") {
		t.Fatal("remembered past the TTL")
	}
	if !seen(t, d, "evt-1") {
		t.Fatal("re-added key not remembered")
	}
}

// randomKeys returns n distinct keys shaped like webhook event IDs (26
// characters of Crockford base32), drawn from rng.
func randomKeys(rng *rand.Rand, n int) []string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	seen := make(map[string]bool, n)
	keys := make([]string, 0, n)
	b := make([]byte, 26)
	for len(keys) < n {
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if k := string(b); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// A deduper sized n remembers the last n distinct keys, however they fall
// into its shards, and the next distinct key forgets exactly the oldest.
func TestMemoryDeduperRemembersExactlyMax(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 15, 16, 17, 1000, 10_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
			d, err := message.NewMemoryDeduper(time.Hour, n, message.WithClock(clock.Now))
			if err != nil {
				t.Fatal(err)
			}
			keys := randomKeys(rand.New(rand.NewPCG(uint64(n), 1)), n+1)
			for i, k := range keys[:n] {
				if seen(t, d, k) {
					t.Fatalf("key %d reported seen on its first delivery", i)
				}
			}
			if got := d.Len(); got != n {
				t.Errorf("Len after %d distinct keys = %d", n, got)
			}
			forgotten := 0
			for _, k := range keys[:n] {
				if !seen(t, d, k) {
					forgotten++
				}
			}
			if forgotten > 0 {
				t.Fatalf("%d of the last %d distinct keys reported unseen", forgotten, n)
			}
			if got := d.Len(); got != n {
				t.Errorf("Len after presenting the keys again = %d, want %d", got, n)
			}
			if seen(t, d, keys[n]) {
				t.Fatal("key n+1 reported seen on its first delivery")
			}
			if got := d.Len(); got != n {
				t.Errorf("Len after key n+1 = %d, want %d", got, n)
			}
			if n > 1 && !seen(t, d, keys[1]) {
				t.Error("key n+1 forgot the second oldest key")
			}
			if seen(t, d, keys[0]) {
				t.Error("key n+1 did not forget the oldest key")
			}
		})
	}
}

// Len counts what is remembered: a key taken back with Forget gives its
// place back at once, and expired keys count until a recording sweeps
// them (two per recording, oldest first).
func TestMemoryDeduperLen(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	d, err := message.NewMemoryDeduper(time.Minute, 4, message.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	type step struct {
		do      func()
		wantLen int
	}
	record := func(k string) func() {
		return func() {
			if seen(t, d, k) {
				t.Errorf("%s reported seen on its first delivery", k)
			}
		}
	}
	expectSeen := func(k string, want bool) func() {
		return func() {
			if got := seen(t, d, k); got != want {
				t.Errorf("Seen(%s) = %v, want %v", k, got, want)
			}
		}
	}
	forget := func(k string) func() {
		return func() {
			if err := d.Forget(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []step{
		{record("a"), 1},
		{record("b"), 2},
		{record("c"), 3},
		{forget("b"), 2},
		{forget("never-recorded"), 2},
		{record("d"), 3},
		{record("e"), 4},
		// Full with a, c, d, e: the forgotten b took no place.
		{expectSeen("a", true), 4},
		{record("b"), 4}, // forgets a
		{expectSeen("c", true), 4},
		{expectSeen("a", false), 4}, // records a again, forgets c
		{func() { clock.Advance(2 * time.Minute) }, 4},
		{record("f"), 3}, // sweeps d and e, keeps expired b and a
		{record("g"), 2}, // sweeps b and a
		{expectSeen("f", true), 2},
		{expectSeen("b", false), 3},
	}
	for i, s := range steps {
		s.do()
		if got := d.Len(); got != s.wantLen {
			t.Fatalf("step %d: Len = %d, want %d", i, got, s.wantLen)
		}
	}
}

func TestMemoryDeduperBounded(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	d, err := message.NewMemoryDeduper(time.Hour, 64, message.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10_000 {
		seen(t, d, fmt.Sprintf("evt-%d", i))
	}
	if n := d.Len(); n > 64 {
		t.Fatalf("holds %d keys, bound is 64", n)
	}
	// The newest keys are still remembered; the oldest were forgotten.
	if !seen(t, d, "evt-9999") {
		t.Error("newest key forgotten")
	}
	if seen(t, d, "evt-0") {
		t.Error("oldest key still remembered past the bound")
	}
	// Expiry forgets what the bound kept, and sweeping frees the memory.
	clock.Advance(2 * time.Hour)
	if seen(t, d, "evt-9999") { // remembered until now (checked above)
		t.Error("key remembered past its TTL")
	}
	for i := range 256 {
		seen(t, d, fmt.Sprintf("sweep-%d", i))
	}
	if seen(t, d, "evt-9997") {
		t.Error("key remembered past its TTL after a sweep")
	}
	if n := d.Len(); n > 64 {
		t.Errorf("Len after expiry = %d", n)
	}
}

func TestMemoryDeduperConcurrent(t *testing.T) {
	t.Parallel()
	d, err := message.NewMemoryDeduper(time.Minute, 1<<16)
	if err != nil {
		t.Fatal(err)
	}
	// 8 goroutines race to record the same 500 keys: each key must be
	// reported new exactly once.
	var firsts atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				ok, _ := d.Seen(context.Background(), fmt.Sprintf("k%d", i))
				if !ok {
					firsts.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if got := firsts.Load(); got != 500 {
		t.Fatalf("%d keys reported new, want 500", got)
	}
}

func TestNewMemoryDeduperErrors(t *testing.T) {
	t.Parallel()
	if _, err := message.NewMemoryDeduper(0, 10); err == nil {
		t.Error("zero TTL accepted")
	}
	if _, err := message.NewMemoryDeduper(time.Second, 0); err == nil {
		t.Error("zero size accepted")
	}
}

// BenchmarkMemoryDeduperSeen measures Seen under parallel load, next to
// shardedDeduper (the previous implementation): "redelivered" presents
// 4,096 keys over and over to a deduper of 100,000 (nearly every call finds
// its key), "distinct" presents a new key on every call to a full deduper
// of 10,000 (every call records one and forgets the oldest).
func BenchmarkMemoryDeduperSeen(b *testing.B) {
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = fmt.Sprintf("01HZX%021d", i)
	}
	impls := []struct {
		name string
		new  func(ttl time.Duration, max int) message.Deduper
	}{
		{"impl=sharded", func(ttl time.Duration, max int) message.Deduper { return newShardedDeduper(ttl, max) }},
		{"impl=memory", func(ttl time.Duration, max int) message.Deduper {
			d, err := message.NewMemoryDeduper(ttl, max)
			if err != nil {
				b.Fatal(err)
			}
			return d
		}},
	}
	for _, load := range []struct {
		name string
		max  int
		keys []string
	}{
		{"redelivered", 100_000, keys[:4096]},
		{"distinct", 10_000, keys},
	} {
		for _, impl := range impls {
			b.Run(load.name+"/"+impl.name, func(b *testing.B) {
				d := impl.new(5*time.Minute, load.max)
				for _, k := range load.keys { // warm up: full, or holding every key
					_, _ = d.Seen(context.Background(), k)
				}
				var goroutines atomic.Uint64
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					// Each goroutine walks the keys from its own offset, so
					// that parallel walkers rarely present the same key.
					i := int(goroutines.Add(1)) * 7919
					for pb.Next() {
						_, _ = d.Seen(context.Background(), load.keys[i%len(load.keys)])
						i++
					}
				})
			})
		}
	}
}

func TestMemoryDeduperForget(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	d, err := message.NewMemoryDeduper(time.Minute, 16, message.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	var f message.Forgetter = d
	seen(t, d, "evt-1")
	if err := f.Forget(context.Background(), "evt-1"); err != nil {
		t.Fatal(err)
	}
	if seen(t, d, "evt-1") {
		t.Fatal("forgotten key still reported as seen")
	}
	if !seen(t, d, "evt-1") {
		t.Fatal("key re-recorded after Forget is not remembered")
	}
	if err := f.Forget(context.Background(), "never-seen"); err != nil {
		t.Fatal(err)
	}
}
