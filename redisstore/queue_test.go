package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/redisstore"
	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
)

// TestDeduperClaim walks a key through the claim states on two replicas:
// new, held by the other, done after Settle, interoperating with Seen; a
// lost claim changes nothing; a released claim is new again; an expired
// claim (its holder died) is new again.
func TestDeduperClaim(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	rdb := newClient(t)
	a, b := newDeduper(t, rdb, time.Hour), newDeduper(t, newClient(t), time.Hour)
	claim := func(d *redisstore.Deduper, key string) (string, message.ClaimState) {
		t.Helper()
		tok, st, err := d.Claim(ctx, key, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return tok, st
	}
	tok, st := claim(a, "ev")
	if st != message.ClaimNew || tok == "" {
		t.Fatalf("first Claim: %v %q, want new with a token", st, tok)
	}
	if _, st := claim(b, "ev"); st != message.ClaimHeld {
		t.Fatalf("Claim on b while a holds it: %v, want held", st)
	}
	if !seen(t, b, "ev") {
		t.Fatal("Seen while claimed: false, want true")
	}
	if err := b.Settle(ctx, "ev", "not-the-token", true); !errors.Is(err, message.ErrClaimLost) {
		t.Fatalf("Settle with another token: %v, want ErrClaimLost", err)
	}
	if err := a.Settle(ctx, "ev", tok, true); err != nil {
		t.Fatal(err)
	}
	if _, st := claim(b, "ev"); st != message.ClaimDone {
		t.Fatalf("Claim after Settle(done): %v, want done", st)
	}
	if pttl := rdb.PTTL(ctx, prefix(t)+":dedupe:ev").Val(); pttl <= 59*time.Minute {
		t.Fatalf("done record's PTTL %v, want the deduper's TTL (1h)", pttl)
	}
	if err := a.Settle(ctx, "ev", tok, true); !errors.Is(err, message.ErrClaimLost) {
		t.Fatalf("Settle twice: %v, want ErrClaimLost", err)
	}

	seen(t, a, "seen-first")
	if _, st := claim(b, "seen-first"); st != message.ClaimDone {
		t.Fatalf("Claim of a key Seen recorded: %v, want done", st)
	}

	tok, _ = claim(a, "fails")
	if err := a.Settle(ctx, "fails", tok, false); err != nil {
		t.Fatal(err)
	}
	if _, st := claim(b, "fails"); st != message.ClaimNew {
		t.Fatalf("Claim after a release: %v, want new", st)
	}

	// A holder that dies leaves its claim to run out.
	if _, st, err := a.Claim(ctx, "dies", 20*time.Millisecond); err != nil || st != message.ClaimNew {
		t.Fatalf("short Claim: %v %v", st, err)
	}
	until(t, "claim ran out", func() bool { return rdb.Exists(ctx, prefix(t)+":dedupe:dies").Val() == 0 })
	if _, st := claim(b, "dies"); st != message.ClaimNew {
		t.Fatalf("Claim after the dead holder's lease: %v, want new", st)
	}
	if _, _, err := a.Claim(ctx, "k", 0); err == nil {
		t.Fatal("Claim with a zero lease: nil error")
	}
}

func newQueue(t *testing.T, rdb redis.UniversalClient, stream string, opts ...redisstore.Option) *redisstore.Queue {
	t.Helper()
	q, err := redisstore.NewQueue(rdb, stream, append([]redisstore.Option{redisstore.WithPrefix(prefix(t))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// runQueue runs q.Run in a goroutine and returns its result channel.
func runQueue(ctx context.Context, q *redisstore.Queue, handle func(context.Context, []byte) error) <-chan error {
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx, handle) }()
	return done
}

// recorder is a handler that records the bodies it was given.
type recorder struct {
	mu  sync.Mutex
	got []string
}

func (r *recorder) handle(_ context.Context, body []byte) error {
	r.mu.Lock()
	r.got = append(r.got, string(body))
	r.mu.Unlock()
	return nil
}

func (r *recorder) bodies() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]string(nil), r.got...)
	sort.Strings(out)
	return out
}

func pendingCount(t *testing.T, rdb redis.UniversalClient, stream, group string) int64 {
	t.Helper()
	p, err := rdb.XPending(t.Context(), stream, group).Result()
	if err != nil {
		t.Fatal(err)
	}
	return p.Count
}

// TestQueueRoundTrip: bodies enqueued before any worker started and while
// it runs are each handled once and acknowledged; Close makes Run return
// nil, and Wait returns.
func TestQueueRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	rdb := newClient(t)
	q := newQueue(t, rdb, "rt", redisstore.WithBlock(20*time.Millisecond), redisstore.WithConcurrency(4))
	var want []string
	for i := range 10 {
		b := fmt.Sprintf("body-%02d", i)
		want = append(want, b)
		if err := q.Enqueue(ctx, []byte(b)); err != nil {
			t.Fatal(err)
		}
	}
	var rec recorder
	done := runQueue(ctx, q, rec.handle)
	for i := 10; i < 20; i++ {
		b := fmt.Sprintf("body-%02d", i)
		want = append(want, b)
		if err := q.Enqueue(ctx, []byte(b)); err != nil {
			t.Fatal(err)
		}
	}
	until(t, "20 bodies handled", func() bool { return len(rec.bodies()) >= 20 })
	q.Close()
	if err := <-done; err != nil {
		t.Fatalf("Run after Close: %v, want nil", err)
	}
	if err := q.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, rec.bodies()); diff != "" {
		t.Errorf("handled (-want +got):\n%s", diff)
	}
	stream := prefix(t) + ":queue:{rt}"
	if n := pendingCount(t, rdb, stream, redisstore.DefaultGroup); n != 0 {
		t.Errorf("%d entries pending after every body was handled, want 0", n)
	}
	if got := q.Stats(); got.Handled != 20 {
		t.Errorf("Stats %+v, want 20 handled", got)
	}
	if err := q.Run(ctx, rec.handle); !errors.Is(err, redisstore.ErrClosed) {
		t.Errorf("Run after Close: %v, want ErrClosed", err)
	}
}

// TestQueueDeadLetter: a body whose handler always fails is delivered
// WithMaxAttempts times (reclaimed after each visibility timeout), then
// moved to the dead-letter stream with its attempt count and the error's
// kind; the log names IDs, attempts and kinds, never the body or the
// error's text. A good body beside it is handled once (the visibility
// timeout is far longer than its handling, even on a loaded machine).
func TestQueueDeadLetter(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	rdb := newClient(t)
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	q := newQueue(t, rdb, "dl", redisstore.WithBlock(10*time.Millisecond), redisstore.WithVisibility(500*time.Millisecond),
		redisstore.WithMaxAttempts(3), redisstore.WithLogger(logger))
	const poison = "poison-body-with-a-token-looking-part"
	var mu sync.Mutex
	attempts := map[string]int{}
	handle := func(_ context.Context, body []byte) error {
		mu.Lock()
		attempts[string(body)]++
		mu.Unlock()
		if string(body) == poison {
			return errors.New("downstream said: secret-detail")
		}
		return nil
	}
	for _, b := range []string{poison, "good"} {
		if err := q.Enqueue(ctx, []byte(b)); err != nil {
			t.Fatal(err)
		}
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := runQueue(runCtx, q, handle)
	untilWithin(t, 20*time.Second, "dead-lettered", func() bool { return q.Stats().DeadLettered == 1 })
	cancel()
	<-done

	mu.Lock()
	if diff := cmp.Diff(map[string]int{poison: 3, "good": 1}, attempts); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	mu.Unlock()
	dead, err := rdb.XRange(ctx, prefix(t)+":queue:{dl}:dead", "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 {
		t.Fatalf("%d dead-letter entries, want 1", len(dead))
	}
	v := dead[0].Values
	delete(v, "id")
	if diff := cmp.Diff(map[string]any{"body": poison, "attempts": "3", "error": "error"}, v); diff != "" {
		t.Errorf("dead-letter entry (-want +got):\n%s", diff)
	}
	if n := rdb.XLen(ctx, prefix(t)+":queue:{dl}").Val(); n != 1 {
		t.Errorf("%d entries left in the stream, want 1 (the good one; the poison one deleted)", n)
	}
	if n := pendingCount(t, rdb, prefix(t)+":queue:{dl}", redisstore.DefaultGroup); n != 0 {
		t.Errorf("%d entries pending, want 0", n)
	}
	logMu.Lock()
	out := logs.String()
	logMu.Unlock()
	if !strings.Contains(out, "dead-lettered") || !strings.Contains(out, "kind=error") {
		t.Errorf("log lacks the dead-letter line:\n%s", out)
	}
	for _, leak := range []string{"poison-body", "secret-detail"} {
		if strings.Contains(out, leak) {
			t.Errorf("log contains %q:\n%s", leak, out)
		}
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestQueueReclaimsFromDeadWorker: a worker whose context ends while it
// holds entries leaves them pending under its name; another worker
// reclaims them after the visibility timeout and handles them.
func TestQueueReclaimsFromDeadWorker(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	stream := prefix(t) + ":queue:{rc}"
	opts := []redisstore.Option{redisstore.WithBlock(10 * time.Millisecond), redisstore.WithVisibility(500 * time.Millisecond)}
	dying := newQueue(t, newClient(t), "rc", append(opts, redisstore.WithConsumer("dying"))...)
	for i := range 3 {
		if err := dying.Enqueue(ctx, fmt.Appendf(nil, "b%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	entered := make(chan struct{}, 3)
	dctx, kill := context.WithCancel(ctx)
	done := runQueue(dctx, dying, func(ctx context.Context, _ []byte) error {
		entered <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	})
	for range 3 {
		<-entered
	}
	kill()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after its context ended: %v, want context.Canceled", err)
	}
	rdb := newClient(t)
	p, err := rdb.XPending(ctx, stream, redisstore.DefaultGroup).Result()
	if err != nil {
		t.Fatal(err)
	}
	if p.Consumers["dying"] != 3 {
		t.Fatalf("pending per consumer %v, want 3 for the dead worker", p.Consumers)
	}
	survivor := newQueue(t, rdb, "rc", append(opts, redisstore.WithConsumer("survivor"))...)
	var rec recorder
	done = runQueue(ctx, survivor, rec.handle)
	untilWithin(t, 20*time.Second, "reclaimed", func() bool { return len(rec.bodies()) == 3 })
	survivor.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"b0", "b1", "b2"}, rec.bodies()); diff != "" {
		t.Errorf("handled (-want +got):\n%s", diff)
	}
	if got := survivor.Stats().Reclaimed; got != 3 {
		t.Errorf("Reclaimed %d, want 3", got)
	}
	if n := pendingCount(t, rdb, stream, redisstore.DefaultGroup); n != 0 {
		t.Errorf("%d pending after the survivor handled them, want 0", n)
	}
}

// TestQueueCloseFinishesHeldWork: after Close, Run stops reading but
// waits for the handler it started, acknowledges its entry and returns
// nil; Wait returns only then.
func TestQueueCloseFinishesHeldWork(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	rdb := newClient(t)
	q := newQueue(t, rdb, "cl", redisstore.WithBlock(10*time.Millisecond))
	if err := q.Enqueue(ctx, []byte("slow")); err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	done := runQueue(ctx, q, func(ctx context.Context, _ []byte) error {
		close(entered)
		<-release
		return ctx.Err() // nil: Close does not cancel handlers
	})
	<-entered
	q.Close()
	short, cancel := context.WithCancel(ctx)
	cancel()
	if err := q.Wait(short); err == nil {
		t.Fatal("Wait returned nil while a handler was running")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if err := q.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if n := pendingCount(t, rdb, prefix(t)+":queue:{cl}", redisstore.DefaultGroup); n != 0 {
		t.Errorf("%d pending after a graceful close, want 0", n)
	}
}

// TestQueueErrors: invalid arguments are constructor errors; a closed
// client makes Enqueue and Run return errors, not panic.
func TestQueueErrors(t *testing.T) {
	t.Parallel()
	rdb := newClient(t)
	for _, c := range []struct {
		name string
		opts []redisstore.Option
		rdb  redis.UniversalClient
		s    string
	}{
		{"nil client", nil, nil, "s"},
		{"empty stream", nil, rdb, ""},
		{"empty group", []redisstore.Option{redisstore.WithGroup("")}, rdb, "s"},
		{"bad consumer", []redisstore.Option{redisstore.WithConsumer("a b")}, rdb, "s"},
		{"zero visibility", []redisstore.Option{redisstore.WithVisibility(0)}, rdb, "s"},
		{"zero attempts", []redisstore.Option{redisstore.WithMaxAttempts(0)}, rdb, "s"},
		{"zero max length", []redisstore.Option{redisstore.WithMaxLen(0)}, rdb, "s"},
		{"zero block", []redisstore.Option{redisstore.WithBlock(0)}, rdb, "s"},
		{"zero concurrency", []redisstore.Option{redisstore.WithConcurrency(0)}, rdb, "s"},
		{"nil logger", []redisstore.Option{redisstore.WithLogger(nil)}, rdb, "s"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := redisstore.NewQueue(c.rdb, c.s, c.opts...); err == nil {
				t.Fatal("nil error")
			}
		})
	}
	closed := newClient(t)
	q := newQueue(t, closed, "e")
	if err := q.Run(t.Context(), nil); err == nil {
		t.Error("Run(nil): nil error")
	}
	if err := closed.Close(); err != nil {
		t.Fatal(err)
	}
	if err := q.Enqueue(t.Context(), []byte("x")); err == nil {
		t.Error("Enqueue on a closed client: nil error")
	}
	if err := q.Run(t.Context(), func(context.Context, []byte) error { return nil }); err == nil {
		t.Error("Run on a closed client: nil error")
	}
}
