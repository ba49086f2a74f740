package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/channelkit/channelkit/redisstore"
	"github.com/redis/go-redis/v9"
)

func newDeduper(t *testing.T, rdb redis.UniversalClient, ttl time.Duration) *redisstore.Deduper {
	t.Helper()
	d, err := redisstore.NewDeduper(rdb, ttl, redisstore.WithPrefix(prefix(t)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func seen(t *testing.T, d *redisstore.Deduper, key string) bool {
	t.Helper()
	ok, err := d.Seen(t.Context(), key)
	if err != nil {
		t.Fatalf("Seen(%q): %v", key, err)
	}
	return ok
}

// TestDeduperAcrossReplicas: two deduper instances on two clients (two
// replicas) see one key as new exactly once; Forget on one is seen by the
// other.
func TestDeduperAcrossReplicas(t *testing.T) {
	t.Parallel()
	a, b := newDeduper(t, newClient(t), time.Hour), newDeduper(t, newClient(t), time.Hour)
	if seen(t, a, "ev1") {
		t.Fatal("first Seen on replica a: true, want false")
	}
	if !seen(t, b, "ev1") {
		t.Fatal("Seen on replica b after a: false, want true")
	}
	if !seen(t, a, "ev1") {
		t.Fatal("second Seen on replica a: false, want true")
	}
	if seen(t, b, "ev2") {
		t.Fatal("another key: true, want false")
	}
	if err := b.Forget(t.Context(), "ev1"); err != nil {
		t.Fatal(err)
	}
	if seen(t, a, "ev1") {
		t.Fatal("Seen on a after Forget on b: true, want false")
	}
	if !seen(t, b, "ev1") {
		t.Fatal("Seen on b after a recorded again: false, want true")
	}
}

// TestDeduperConcurrent: 50 goroutines on two replicas race for one key;
// exactly one sees it as new.
func TestDeduperConcurrent(t *testing.T) {
	t.Parallel()
	ds := []*redisstore.Deduper{newDeduper(t, newClient(t), time.Hour), newDeduper(t, newClient(t), time.Hour)}
	results := make(chan bool, 50)
	for i := range 50 {
		go func() {
			ok, err := ds[i%2].Seen(context.Background(), "race")
			if err != nil {
				t.Error(err)
			}
			results <- ok
		}()
	}
	fresh := 0
	for range 50 {
		if !<-results {
			fresh++
		}
	}
	if fresh != 1 {
		t.Fatalf("%d of 50 saw the key as new, want 1", fresh)
	}
}

// TestDeduperTTL: the key carries the TTL (PTTL), and once Redis expires
// it (the expiry is brought forward with PEXPIRE, and the test polls
// Redis's own clock) the key is new again.
func TestDeduperTTL(t *testing.T) {
	t.Parallel()
	rdb := newClient(t)
	d := newDeduper(t, rdb, time.Hour)
	seen(t, d, "ev")
	key := prefix(t) + ":dedupe:ev"
	pttl, err := rdb.PTTL(t.Context(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	if pttl <= 59*time.Minute || pttl > time.Hour {
		t.Fatalf("PTTL %v, want just under 1h", pttl)
	}
	if err := rdb.PExpire(t.Context(), key, time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	until(t, "key expired", func() bool { return rdb.Exists(t.Context(), key).Val() == 0 })
	if seen(t, d, "ev") {
		t.Fatal("Seen after expiry: true, want false")
	}

	// A real short TTL: Redis forgets the key by itself.
	short := newDeduper(t, rdb, 20*time.Millisecond)
	seen(t, short, "short")
	until(t, "short key expired", func() bool { return rdb.Exists(t.Context(), prefix(t)+":dedupe:short").Val() == 0 })
	if seen(t, short, "short") {
		t.Fatal("Seen after a 20ms TTL ran out: true, want false")
	}
}

// TestPrefixIsolates: the same key under two prefixes is two keys.
func TestPrefixIsolates(t *testing.T) {
	t.Parallel()
	rdb := newClient(t)
	a, err := redisstore.NewDeduper(rdb, time.Hour, redisstore.WithPrefix(prefix(t)+":bot-a"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := redisstore.NewDeduper(rdb, time.Hour, redisstore.WithPrefix(prefix(t)+":bot-b"))
	if err != nil {
		t.Fatal(err)
	}
	if seen(t, a, "ev") || seen(t, b, "ev") {
		t.Fatal("a key recorded under one prefix was seen under another")
	}
}

// TestClosedClient: every operation on a closed client returns an error,
// and nothing panics.
func TestClosedClient(t *testing.T) {
	t.Parallel()
	rdb := newClient(t)
	d := newDeduper(t, rdb, time.Hour)
	st := newState(t, rdb)
	ts := redisstore.TokenSource(rdb, "tok", countingSource(new(countingToken)), redisstore.WithPrefix(prefix(t)))
	if err := rdb.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, c := range []struct {
		name string
		err  func() error
	}{
		{"Seen", func() error { _, err := d.Seen(ctx, "k"); return err }},
		{"Forget", func() error { return d.Forget(ctx, "k") }},
		{"Load", func() error { _, _, err := st.Load(ctx, "c"); return err }},
		{"Save", func() error { return st.Save(ctx, "c", []byte("v"), 0) }},
		{"Lock", func() error { _, err := st.Lock(ctx, "c"); return err }},
		{"Token", func() error { _, err := ts.Token(); return err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.err()
			if err == nil {
				t.Fatal("nil error on a closed client")
			}
			t.Log(err)
		})
	}
}

// TestUnreachable: a client of a port where nothing listens gets errors
// within its context.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	newClient(t) // skip without a server, like the others
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, ContextTimeoutEnabled: true})
	defer rdb.Close()
	d := newDeduper(t, rdb, time.Hour)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := d.Seen(ctx, "k"); err == nil {
		t.Fatal("Seen against a closed port: nil error")
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	for _, c := range []struct {
		name string
		err  func() error
	}{
		{"nil client", func() error { _, err := redisstore.NewDeduper(nil, time.Hour); return err }},
		{"zero TTL", func() error { _, err := redisstore.NewDeduper(rdb, 0); return err }},
		{"empty prefix", func() error { _, err := redisstore.NewState(rdb, redisstore.WithPrefix("")); return err }},
		{"brace in prefix", func() error { _, err := redisstore.NewState(rdb, redisstore.WithPrefix("a{b")); return err }},
		{"short lease", func() error { _, err := redisstore.NewState(rdb, redisstore.WithLease(0)); return err }},
		{"zero wait", func() error { _, err := redisstore.NewState(rdb, redisstore.WithWait(0)); return err }},
		{"nil option", func() error { _, err := redisstore.NewState(rdb, nil); return err }},
		{"token: empty key", func() error {
			_, err := redisstore.TokenSource(rdb, "", countingSource(new(countingToken))).Token()
			return err
		}},
		{"token: nil src", func() error { _, err := redisstore.TokenSource(rdb, "k", nil).Token(); return err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.err(); err == nil {
				t.Fatal("nil error")
			}
		})
	}
}
