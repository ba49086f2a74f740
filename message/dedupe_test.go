package message_test

import (
	"context"
	"fmt"
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

func BenchmarkMemoryDeduperSeen(b *testing.B) {
	d, err := message.NewMemoryDeduper(5*time.Minute, 100_000)
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprintf("01HZX%021d", i)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			_, _ = d.Seen(context.Background(), keys[i%len(keys)])
			i++
		}
	})
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
