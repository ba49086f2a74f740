package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/channelkit/channelkit/message"
	"github.com/redis/go-redis/v9"
)

// ErrClosed is returned by [Queue.Run] when [Queue.Close] was called
// before it started.
var ErrClosed = errors.New("redisstore: queue closed")

// bodyField is the stream entry field that holds the body.
const bodyField = "body"

// Queue is a [message.Queue] on a Redis stream, with the workers that
// handle what it holds: Enqueue appends a body (XADD, the stream bounded
// with MAXLEN ~); [Queue.Run] reads new entries as a member of a consumer
// group (XREADGROUP), acknowledges each (XACK) after its handler returned
// nil, takes over entries another worker has held longer than the
// visibility timeout (XPENDING then XCLAIM), and moves an entry that has
// had its maximum number of deliveries to the dead-letter stream.
//
// Delivery is at least once: a body is handed to a handler again after a
// failure, a timeout or a worker's death, so the handler must
// de-duplicate (LINE's HandleQueued does, with a [message.Claimer] such as
// [Deduper]). It is safe for concurrent use.
type Queue struct {
	rdb          redis.UniversalClient
	stream, dead string
	cfg          queueConfig
	log          *slog.Logger

	closeOnce sync.Once
	closed    chan struct{}
	running   atomic.Bool
	wg        sync.WaitGroup // Run loops and their handlers

	handled, failed, reclaimed, deadLettered atomic.Int64
}

var _ message.Queue = (*Queue)(nil)

// NewQueue returns the queue stream in rdb: the stream key is
// "<prefix>:queue:{<stream>}" and its dead-letter stream the same with
// ":dead" after it. It does no I/O. Options: [WithPrefix], [WithGroup],
// [WithConsumer], [WithVisibility], [WithMaxAttempts], [WithMaxLen],
// [WithBlock], [WithConcurrency], [WithLogger].
func NewQueue(rdb redis.UniversalClient, stream string, opts ...Option) (*Queue, error) {
	c, err := newConfig("NewQueue", rdb, 0, opts)
	if err != nil {
		return nil, err
	}
	if stream == "" {
		return nil, argError("NewQueue", "stream", "empty")
	}
	qc := c.queue
	if qc.consumer == "" {
		host, _ := os.Hostname()
		qc.consumer = strings.Join(strings.Fields(host), "_") + "-" + strconv.Itoa(os.Getpid()) + "-" + nonce()[:8]
	}
	log := qc.logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	key := c.prefix + ":queue:" + tagged(stream)
	return &Queue{rdb: rdb, stream: key, dead: key + ":dead", cfg: qc, log: log, closed: make(chan struct{})}, nil
}

// Consumer returns this queue's consumer name in its group.
func (q *Queue) Consumer() string { return q.cfg.consumer }

// Enqueue implements [message.Queue]: it appends body to the stream
// (XADD … MAXLEN ~ n) and returns nil once Redis has it. The body is then
// as durable as the Redis: with no persistence it survives the process
// but not the Redis; with AOF and appendfsync everysec, a Redis crash can
// lose the last second of writes. Errors (the network, ctx) are returned
// wrapped; the body may then be stored or not.
func (q *Queue) Enqueue(ctx context.Context, body []byte) error {
	err := q.rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: q.stream, MaxLen: q.cfg.maxLen, Approx: true, Values: []any{bodyField, body},
	}).Err()
	if err != nil {
		return fmt.Errorf("redisstore: enqueue: %w", err)
	}
	return nil
}

// QueueStats counts what a [Queue]'s Run loops did, since NewQueue.
type QueueStats struct {
	// Handled bodies were acknowledged after their handler returned nil.
	Handled int64
	// Failed counts handler calls that returned an error; their entries
	// were left for another delivery (or dead-lettered).
	Failed int64
	// Reclaimed entries were taken over after another worker (or this
	// one, after a failure) had held them past the visibility timeout.
	Reclaimed int64
	// DeadLettered entries were moved to the dead-letter stream.
	DeadLettered int64
}

// Stats returns the counts so far.
func (q *Queue) Stats() QueueStats {
	return QueueStats{Handled: q.handled.Load(), Failed: q.failed.Load(), Reclaimed: q.reclaimed.Load(), DeadLettered: q.deadLettered.Load()}
}

// Close makes Run stop taking new work: a read in progress ends within
// the block time ([WithBlock]), and Run returns nil once the bodies it
// holds are handled and acknowledged. Close does not wait; [Queue.Wait]
// does. It does not close rdb. Calls after the first do nothing.
func (q *Queue) Close() {
	q.closeOnce.Do(func() { close(q.closed) })
}

// Wait blocks until every Run has returned, or ctx is done (returning
// ctx's error). Call it after [Queue.Close] on shutdown.
func (q *Queue) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		q.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run is the worker loop: it joins the consumer group (creating the group
// and the stream if needed, the group reading from the stream's start)
// and hands each body to handle, at most [WithConcurrency] at once, each
// with a context derived from ctx. An entry is acknowledged when handle
// returns nil. When it returns an error the entry stays pending: it is
// reclaimed after the visibility timeout and handled again, by this
// worker or another, until its deliveries reach [WithMaxAttempts]; then it
// moves to the dead-letter stream with its attempt count and the kind of
// the last failure ("error", "timeout", "canceled", or "abandoned" when
// its worker stopped answering), never the error's text.
//
// Stopping: after [Queue.Close], Run stops taking work, waits for the
// handlers it started and returns nil. When ctx ends, Run returns ctx's
// error as soon as its handlers returned (they see ctx end), without
// waiting for anything else: the entries it held and did not acknowledge
// stay pending, and another worker reclaims them after the visibility
// timeout, as it would after a crash.
//
// A Redis failure while reading, reclaiming or acknowledging is logged
// and retried with a growing pause (2 ms to 100 ms): an entry whose
// acknowledgement failed is delivered again. Run returns an error when the
// group cannot be created, and [ErrClosed] after Close. One Run at a time
// per Queue; give each worker process its own Queue (its own consumer).
func (q *Queue) Run(ctx context.Context, handle func(ctx context.Context, body []byte) error) error {
	if handle == nil {
		return argError("Run", "handle", "nil function")
	}
	select {
	case <-q.closed:
		return ErrClosed
	default:
	}
	if !q.running.CompareAndSwap(false, true) {
		return errors.New("redisstore: Run: already running on this queue")
	}
	defer q.running.Store(false)
	q.wg.Add(1)
	defer q.wg.Done()

	err := q.rdb.XGroupCreateMkStream(ctx, q.stream, q.cfg.group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("redisstore: queue: creating the consumer group: %w", err)
	}

	// readCtx ends the reads on Close or when ctx ends; handlers get ctx.
	readCtx, stopReads := context.WithCancel(ctx)
	defer stopReads()
	go func() {
		select {
		case <-q.closed:
			stopReads()
		case <-readCtx.Done():
		}
	}()

	w := &worker{q: q, ctx: ctx, handle: handle, slots: make(chan struct{}, q.cfg.concurrency)}
	defer w.wg.Wait()
	var p poller
	for readCtx.Err() == nil {
		free := w.acquire(readCtx)
		if free == 0 {
			break
		}
		n, err := w.fill(readCtx, free)
		w.release(free - n)
		switch {
		case err == nil:
			p = poller{}
		case readCtx.Err() != nil:
		default:
			q.log.LogAttrs(ctx, slog.LevelDebug, "redisstore: queue: reading failed; retrying", slog.String("error", err.Error()))
			_ = p.wait(readCtx)
		}
	}
	w.wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return nil
}

// worker is one Run's state.
type worker struct {
	q           *Queue
	ctx         context.Context
	handle      func(context.Context, []byte) error
	slots       chan struct{}
	wg          sync.WaitGroup
	lastReclaim time.Time
}

// acquire waits for at least one free slot and takes every free one; it
// returns how many it took, 0 when ctx ended.
func (w *worker) acquire(ctx context.Context) int {
	select {
	case w.slots <- struct{}{}:
	case <-ctx.Done():
		return 0
	}
	n := 1
	for n < cap(w.slots) {
		select {
		case w.slots <- struct{}{}:
			n++
			continue
		default:
		}
		break
	}
	return n
}

func (w *worker) release(n int) {
	for range n {
		<-w.slots
	}
}

// fill starts up to free handlers: first on entries to reclaim (at most
// every quarter of the visibility timeout), then on new ones. It returns
// how many it started.
func (w *worker) fill(ctx context.Context, free int) (int, error) {
	started := 0
	if time.Since(w.lastReclaim) >= w.q.cfg.visibility/4 {
		n, err := w.reclaim(ctx, free)
		started += n
		if err != nil {
			return started, err
		}
		if n < free {
			w.lastReclaim = time.Now()
		}
	}
	if started == free {
		return started, nil
	}
	streams, err := w.q.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: w.q.cfg.group, Consumer: w.q.cfg.consumer, Streams: []string{w.q.stream, ">"},
		Count: int64(free - started), Block: w.q.cfg.block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return started, nil
	}
	if err != nil {
		return started, fmt.Errorf("redisstore: queue: read: %w", err)
	}
	for _, s := range streams {
		for _, m := range s.Messages {
			w.start(m, 1)
			started++
		}
	}
	return started, nil
}

// reclaim takes over up to n entries idle past the visibility timeout
// and starts their handlers, or dead-letters those out of attempts.
func (w *worker) reclaim(ctx context.Context, n int) (int, error) {
	q := w.q
	pending, err := q.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: q.stream, Group: q.cfg.group, Idle: q.cfg.visibility, Start: "-", End: "+", Count: int64(n),
	}).Result()
	if err != nil || len(pending) == 0 {
		if err != nil {
			err = fmt.Errorf("redisstore: queue: pending: %w", err)
		}
		return 0, err
	}
	ids := make([]string, len(pending))
	attempts := make(map[string]int64, len(pending))
	owner := make(map[string]string, len(pending))
	for i, p := range pending {
		ids[i] = p.ID
		attempts[p.ID] = p.RetryCount + 1 // XCLAIM counts this delivery
		owner[p.ID] = p.Consumer
	}
	// MinIdle again: of two workers claiming one entry, only one gets it.
	msgs, err := q.rdb.XClaim(ctx, &redis.XClaimArgs{
		Stream: q.stream, Group: q.cfg.group, Consumer: q.cfg.consumer, MinIdle: q.cfg.visibility, Messages: ids,
	}).Result()
	if err != nil {
		return 0, fmt.Errorf("redisstore: queue: claim: %w", err)
	}
	started := 0
	for _, m := range msgs {
		q.reclaimed.Add(1)
		a := attempts[m.ID]
		q.log.LogAttrs(w.ctx, slog.LevelDebug, "redisstore: queue: reclaimed an entry",
			slog.String("id", m.ID), slog.String("from", owner[m.ID]), slog.Int64("attempt", a))
		if a > int64(q.cfg.maxAttempts) {
			w.deadLetter(m, a-1, "abandoned")
			continue
		}
		w.start(m, a)
		started++
	}
	// Slots of entries dead-lettered or gone are given back by the caller.
	return started, nil
}

// start runs handle on m in a slot already taken.
func (w *worker) start(m redis.XMessage, attempt int64) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer func() { <-w.slots }()
		w.run(m, attempt)
	}()
}

func (w *worker) run(m redis.XMessage, attempt int64) {
	q := w.q
	body, ok := m.Values[bodyField].(string)
	if !ok {
		w.deadLetter(m, attempt, "malformed")
		return
	}
	err := w.call([]byte(body))
	if err == nil {
		q.handled.Add(1)
		if err := q.rdb.XAck(context.WithoutCancel(w.ctx), q.stream, q.cfg.group, m.ID).Err(); err != nil {
			q.log.LogAttrs(w.ctx, slog.LevelDebug, "redisstore: queue: acknowledging failed; the entry will be delivered again",
				slog.String("id", m.ID), slog.String("error", err.Error()))
		}
		return
	}
	q.failed.Add(1)
	kind := errKind(err)
	q.log.LogAttrs(w.ctx, slog.LevelDebug, "redisstore: queue: handling failed",
		slog.String("id", m.ID), slog.Int64("attempt", attempt), slog.String("kind", kind))
	if attempt >= int64(q.cfg.maxAttempts) {
		w.deadLetter(m, attempt, kind)
	}
}

// call runs handle, turning a panic into an error.
func (w *worker) call(body []byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errPanic
		}
	}()
	return w.handle(w.ctx, body)
}

var errPanic = errors.New("redisstore: queue: handler panicked")

// errKind names the kind of a handler's error for the dead-letter entry
// and the log, without its text.
func errKind(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, errPanic):
		return "panic"
	}
	return "error"
}

// deadLetter moves m to the dead-letter stream in one transaction: XADD
// there (the body, the original ID, the attempts, the kind of the last
// failure), XACK and XDEL here.
func (w *worker) deadLetter(m redis.XMessage, attempts int64, kind string) {
	q := w.q
	ctx, cancel := context.WithTimeout(context.WithoutCancel(w.ctx), 5*time.Second)
	defer cancel()
	body, _ := m.Values[bodyField].(string)
	_, err := q.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAdd(ctx, &redis.XAddArgs{Stream: q.dead, MaxLen: q.cfg.maxLen, Approx: true, Values: []any{
			bodyField, body, "id", m.ID, "attempts", attempts, "error", kind,
		}})
		p.XAck(ctx, q.stream, q.cfg.group, m.ID)
		p.XDel(ctx, q.stream, m.ID)
		return nil
	})
	if err != nil {
		q.log.LogAttrs(w.ctx, slog.LevelDebug, "redisstore: queue: dead-lettering failed; the entry stays pending",
			slog.String("id", m.ID), slog.String("error", err.Error()))
		return
	}
	q.deadLettered.Add(1)
	q.log.LogAttrs(w.ctx, slog.LevelDebug, "redisstore: queue: dead-lettered an entry",
		slog.String("id", m.ID), slog.Int64("attempts", attempts), slog.String("kind", kind))
}
