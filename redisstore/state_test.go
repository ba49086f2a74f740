package redisstore_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/redisstore"
	"github.com/redis/go-redis/v9"
)

func newState(t *testing.T, rdb redis.UniversalClient, opts ...redisstore.Option) *redisstore.State {
	t.Helper()
	st, err := redisstore.NewState(rdb, append([]redisstore.Option{redisstore.WithPrefix(prefix(t))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStateLoadSave(t *testing.T) {
	t.Parallel()
	rdb := newClient(t)
	a, b := newState(t, rdb), newState(t, newClient(t))
	ctx := t.Context()
	if _, ok, err := a.Load(ctx, "c1"); err != nil || ok {
		t.Fatalf("Load of nothing: ok %v, err %v", ok, err)
	}
	if err := a.Save(ctx, "c1", []byte("hello"), time.Hour); err != nil {
		t.Fatal(err)
	}
	v, ok, err := b.Load(ctx, "c1")
	if err != nil || !ok || string(v) != "hello" {
		t.Fatalf("Load on the other replica: %q, %v, %v", v, ok, err)
	}
	if err := a.Save(ctx, "c1", nil, 0); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := b.Load(ctx, "c1"); ok {
		t.Fatal("Load after Save(nil): ok, want deleted")
	}
	if err := a.Save(ctx, "c1", []byte("v"), -time.Second); err == nil {
		t.Fatal("negative TTL: nil error")
	}

	// Conversation IDs with the key layout's own characters stay apart.
	for _, id := range []string{"{x}", "%7Bx%7D", "}", "a:lock"} {
		if err := a.Save(ctx, id, []byte(id), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"{x}", "%7Bx%7D", "}", "a:lock"} {
		if v, _, _ := b.Load(ctx, id); string(v) != id {
			t.Errorf("Load(%q) = %q", id, v)
		}
	}

	// A short TTL: Redis expires the value by its own clock.
	if err := a.Save(ctx, "short", []byte("v"), 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	until(t, "value expired", func() bool { _, ok, _ := b.Load(ctx, "short"); return !ok })
}

// TestLockExclusion: 50 goroutines on two replicas each lock one
// conversation, read a counter, write it plus one, and unlock. At most one
// holds the lock at a time and no increment is lost.
func TestLockExclusion(t *testing.T) {
	t.Parallel()
	sts := []*redisstore.State{newState(t, newClient(t)), newState(t, newClient(t))}
	const n = 50
	var holders, maxHolders atomic.Int32
	var wg sync.WaitGroup
	var tokens sync.Map
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := sts[i%2]
			ctx := context.Background()
			l, err := st.Acquire(ctx, "conv")
			if err != nil {
				t.Error(err)
				return
			}
			if _, dup := tokens.LoadOrStore(l.Token(), true); dup {
				t.Errorf("fencing token %d handed out twice", l.Token())
			}
			h := holders.Add(1)
			for {
				m := maxHolders.Load()
				if h <= m || maxHolders.CompareAndSwap(m, h) {
					break
				}
			}
			v, _, err := st.Load(ctx, "conv")
			if err != nil {
				t.Error(err)
			}
			c, _ := strconv.Atoi(string(v))
			if err := l.Save(ctx, []byte(strconv.Itoa(c+1)), time.Hour); err != nil {
				t.Error(err)
			}
			holders.Add(-1)
			if err := l.Unlock(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	v, _, err := sts[0].Load(t.Context(), "conv")
	if err != nil {
		t.Fatal(err)
	}
	if string(v) != strconv.Itoa(n) {
		t.Errorf("counter %q after %d locked increments: an update was lost", v, n)
	}
	if m := maxHolders.Load(); m != 1 {
		t.Errorf("at most %d holders at once, want 1", m)
	}
	t.Logf("%d increments on 2 replicas, counter %s, max holders %d", n, v, maxHolders.Load())
}

// TestLockDeadHolder: a holder that never unlocks (it died) keeps the lock
// only for its lease; the next holder gets a greater fencing token, and the
// dead holder can no longer unlock, extend or save.
func TestLockDeadHolder(t *testing.T) {
	t.Parallel()
	dead := newState(t, newClient(t), redisstore.WithLease(50*time.Millisecond))
	live := newState(t, newClient(t))
	l1, err := dead.Acquire(t.Context(), "conv")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	l2, err := live.Acquire(ctx, "conv") // waits for the lease to run out
	if err != nil {
		t.Fatalf("lock after a dead holder's lease: %v", err)
	}
	if l2.Token() <= l1.Token() {
		t.Errorf("tokens %d then %d, want increasing", l1.Token(), l2.Token())
	}
	if err := l1.Save(t.Context(), []byte("stale"), 0); !errors.Is(err, redisstore.ErrNotHeld) {
		t.Errorf("stale holder's Save: %v, want ErrNotHeld", err)
	}
	if err := l1.Extend(t.Context(), time.Minute); !errors.Is(err, redisstore.ErrNotHeld) {
		t.Errorf("stale holder's Extend: %v, want ErrNotHeld", err)
	}
	if err := l1.Unlock(t.Context()); !errors.Is(err, redisstore.ErrNotHeld) {
		t.Errorf("stale holder's Unlock: %v, want ErrNotHeld", err)
	}
	// The refused unlock left l2's lock in place: a third caller waits
	// until its wait bound.
	third := newState(t, newClient(t), redisstore.WithWait(30*time.Millisecond))
	if _, err := third.Acquire(t.Context(), "conv"); !errors.Is(err, redisstore.ErrLocked) {
		t.Errorf("Acquire while held: %v, want ErrLocked", err)
	}
	if err := l2.Unlock(t.Context()); err != nil {
		t.Errorf("holder's Unlock: %v", err)
	}
	if err := l2.Unlock(t.Context()); err != nil {
		t.Errorf("second Unlock: %v, want the first's nil", err)
	}
	l3, err := third.Acquire(t.Context(), "conv")
	if err != nil {
		t.Fatalf("Acquire after unlock: %v", err)
	}
	_ = l3.Unlock(t.Context())
}

// TestLockContext: a wait ends with the caller's context.
func TestLockContext(t *testing.T) {
	t.Parallel()
	st := newState(t, newClient(t))
	l, err := st.Acquire(t.Context(), "conv")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock(context.Background())
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := st.Lock(ctx, "conv"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock with an ending context: %v, want DeadlineExceeded", err)
	}
}

// TestConversationsMiddleware runs message.Conversations on
// redisstore.State: 40 events of one conversation on two replicas, each
// appending to the conversation's value; none is lost.
func TestConversationsMiddleware(t *testing.T) {
	t.Parallel()
	const n = 40
	var handlers []message.Handler
	for range 2 {
		st := newState(t, newClient(t))
		handlers = append(handlers, message.Conversations(st, time.Hour)(message.HandlerFunc(func(ctx context.Context, in *message.Incoming, _ message.Responder) error {
			c := message.ConversationFrom(ctx)
			if c == nil {
				return errors.New("no conversation in the context")
			}
			k, _ := strconv.Atoi(string(c.Value()))
			c.Set([]byte(strconv.Itoa(k + 1)))
			return nil
		})))
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := &message.Incoming{Platform: "test", Kind: message.KindMessage, ConversationID: "room"}
			if err := handlers[i%2].Handle(context.Background(), in, nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	v, _, err := newState(t, newClient(t)).Load(t.Context(), "room")
	if err != nil {
		t.Fatal(err)
	}
	if string(v) != strconv.Itoa(n) {
		t.Fatalf("value %q after %d events, want %d", v, n, n)
	}
}

// TestLockWaitBoundsOnlyTheWaiting: the wait bound limits how long a
// caller waits for a held lock, not the attempt on a free one: a wait
// shorter than a round trip still gets a free lock, where it used to give
// ErrLocked (the bound's deadline ended the first attempt) on a loaded
// machine.
func TestLockWaitBoundsOnlyTheWaiting(t *testing.T) {
	t.Parallel()
	st := newState(t, newClient(t), redisstore.WithWait(time.Nanosecond))
	l, err := st.Acquire(t.Context(), "free")
	if err != nil {
		t.Fatalf("Acquire of a free lock with a 1 ns wait bound: %v", err)
	}
	if err := l.Unlock(t.Context()); err != nil {
		t.Fatal(err)
	}
}
