package webhookio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The runner: how every channelkit webhook handler calls the user's
// function.
//
// Without a budget the function runs on the request's own goroutine and
// its result is the answer.
//
// A zero budget acknowledges first: the acknowledgement is a complete
// response, the function goes on in a goroutine the runner owns, and the
// request returns at once, so net/http finishes the response and a
// platform that reuses keep-alive connections sends its next webhook on
// the same connection while this one's work still runs.
//
// A positive budget runs the function on the request's own goroutine,
// with a timer. A function that returns in time (the common case) is
// answered with its result, and costs one timer and nothing else: no
// goroutine, no hand-off. When the timer fires first, the timer's
// goroutine acknowledges for it, asking the client to close the
// connection (the request's goroutine is still busy with the function,
// so the server would read nothing more from that connection until it
// returns) and flushing the acknowledgement so the client sees it now;
// the function's result is then "late". The request returns when the
// function does.
//
// A late result goes to the platform's late path (a push, a callback
// URL, the error handler). A job whose Run writes the ResponseWriter too
// (a reply held for the response) holds a lock of its own, which its Ack
// and Answer take as well.

// NoBudget is the [RunnerConfig.Budget] of a handler that answers with
// whatever the function returns, however long it takes (LINE in
// synchronous mode, CLOVA, Kakao without useCallback).
const NoBudget time.Duration = -1

// DefaultMaxInFlight is the default cap on functions running at once in
// one handler.
const DefaultMaxInFlight = 1024

// ErrBusy is wrapped by the error of a request that waited for a free slot
// under the in-flight cap until its context ended. [Status] answers it 503,
// so the platform retries where it retries.
var ErrBusy = errors.New("too many requests in flight")

// ErrLate is wrapped by every error a handler reports after it
// acknowledged the request: the function's failure, or a late reply's,
// that the platform never sees in the answer. Platform packages re-export
// it as their own ErrLate.
var ErrLate = errors.New("function finished after the answer")

// ErrPanic is wrapped by the error of a function that panicked.
var ErrPanic = errors.New("function panicked")

// RunnerConfig configures a [Runner]. Note that the zero Budget
// acknowledges at once: synchronous handlers set [NoBudget].
type RunnerConfig struct {
	// Budget is how long the request waits for the function: NoBudget
	// waits for it, 0 acknowledges before calling it, and a positive
	// budget answers with the function's result if it comes in time and
	// acknowledges at the budget otherwise. With a zero budget the
	// request ends with the acknowledgement and the function goes on in a
	// goroutine of the runner's; with a positive one the function runs on
	// the request's goroutine, and an acknowledgement at the budget asks
	// to close the connection.
	Budget time.Duration
	// WorkTimeout bounds the context of a function that may outlive its
	// request (Budget ≥ 0): that context is detached from the request's
	// cancellation and ends after WorkTimeout (0: no bound of its own).
	WorkTimeout time.Duration
	// MaxInFlight caps the functions running at once (0:
	// DefaultMaxInFlight), those that outlived their request included. A
	// request beyond the cap waits for a slot until its context ends,
	// then fails with ErrBusy.
	MaxInFlight int
	// Share, when not nil, makes the runner take its slots from Share's
	// cap (MaxInFlight is then ignored) and count its functions in
	// Share's Wait: two runners of one handler (kakao's skill calls and
	// callback calls) that must be one cap and one shutdown.
	Share *Runner
	// Clock is the time source (nil: the wall clock).
	Clock Clock
	// OnError receives failures of the runner itself: an acknowledgement
	// that could not be written, a panic in a late path. nil drops them.
	OnError ErrorFunc
}

// Runner calls webhook functions for one handler. It is safe for
// concurrent use; create it with [NewRunner].
type Runner struct {
	cfg RunnerConfig
	*slots
}

// slots is the in-flight cap and the count Wait waits for, shared by
// runners made with RunnerConfig.Share.
type slots struct {
	sem chan struct{}
	wg  sync.WaitGroup
}

// NewRunner returns a runner for cfg.
func NewRunner(cfg RunnerConfig) *Runner {
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	if cfg.Share != nil {
		return &Runner{cfg: cfg, slots: cfg.Share.slots}
	}
	return &Runner{cfg: cfg, slots: &slots{sem: make(chan struct{}, cfg.MaxInFlight)}}
}

// Clock returns the runner's time source.
func (rn *Runner) Clock() Clock { return rn.cfg.Clock }

// Budget returns the runner's budget.
func (rn *Runner) Budget() time.Duration { return rn.cfg.Budget }

// Wait blocks until every function the runner started has returned (late
// paths included, and those of runners sharing its slots), or ctx is done.
// Handlers' Wait methods call it after http.Server.Shutdown: work that
// outlived its request is not the server's any more, and Shutdown does not
// wait for it.
func (rn *Runner) Wait(ctx context.Context) error { return Wait(ctx, &rn.wg) }

// Job is one call of the user's function for one request.
type Job[T any] struct {
	// Run calls the user's function. A panic in it becomes an error
	// wrapping ErrPanic. With a zero budget it runs on a goroutine of the
	// runner's, after the request has ended; otherwise on the request's.
	Run func(ctx context.Context) (T, error)
	// Answer writes the response from Run's result when Run returned
	// within the budget (always, with NoBudget). It runs on the request's
	// goroutine.
	Answer func(w http.ResponseWriter, v T, err error)
	// Ack writes the acknowledgement: at once with a zero budget (the
	// request returns right after it), or, when a positive budget ran out
	// first, on the budget timer's goroutine while Run still runs on the
	// request's. It must write a complete response ([WriteAck] does), and
	// hold whatever lock Run's own writes to w hold. On the budget path
	// the runner adds "Connection: close" to the header Ack writes and
	// flushes what it wrote; Ack need not care. Its error goes to the
	// runner's OnError.
	Ack func(w http.ResponseWriter) error
	// Late receives Run's result after Ack was written. With a zero
	// budget it runs on the runner's goroutine after the request has
	// ended: it must not touch the ResponseWriter or the request's Body
	// (the request's other fields may be read). Its ctx is Run's. nil
	// drops late results. Every error it reports wraps [ErrLate].
	Late func(ctx context.Context, v T, err error)
	// Done, when not nil, is called once the runner is done with the
	// job: after Answer or Late has returned, or before Run returns an
	// error. A job reused from a pool goes back to it there, not when
	// Run returns, since with a zero budget the work outlives Run.
	Done func()
	// Key and Value, when Key is not nil, are a value Run's context
	// carries (a multi-bot handler's resolved bot), as context.WithValue
	// would add it but without an allocation of its own: Run's context
	// is detached from the request's anyway, and the value rides on
	// that.
	Key, Value any
}

// Turn states: with a positive budget, the function (on the request's
// goroutine) and the budget timer race to move pending to answered or
// acked; whoever wins owns the ResponseWriter.
const (
	turnPending = iota
	turnAnswered
	turnAcked
)

// turn is the per-request race between the function and the budget.
type turn[T any] struct {
	mu    sync.Mutex
	state int
	w     closeOnAck
	rn    *Runner
	r     *http.Request
	job   *Job[T]
}

// fire is the budget timer's side of the race: it acknowledges, asking to
// close the connection, and flushes the acknowledgement.
func (t *turn[T]) fire() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state != turnPending {
		return
	}
	t.state = turnAcked
	t.rn.ack(t.r, func() error {
		err := t.job.Ack(&t.w)
		if t.w.wrote {
			if ferr := flushAck(t.w.ResponseWriter); err == nil {
				err = ferr
			}
		}
		return err
	})
}

// closeOnAck is the ResponseWriter a budget's acknowledgement writes to:
// it asks the client to close the connection when the header is written.
// The function still runs on the request's goroutine, so the server would
// read nothing more from the connection until it returns, and a platform
// that reuses keep-alive connections would see its next webhook wait for
// this one's work. It sets the header only as Ack writes it, under
// whatever lock Ack holds against Run's own writes to w.
type closeOnAck struct {
	http.ResponseWriter
	wrote bool
}

func (c *closeOnAck) WriteHeader(code int) {
	if !c.wrote && code >= 200 {
		c.wrote = true
		c.Header()["Connection"] = connectionClose
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *closeOnAck) Write(b []byte) (int, error) {
	if !c.wrote {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (c *closeOnAck) Unwrap() http.ResponseWriter { return c.ResponseWriter }

var connectionClose = []string{"close"}

// flushAck pushes a budget's acknowledgement to the client, which would
// otherwise see it only when the function returns. It fails when the
// ResponseWriter cannot flush (a buffering middleware or
// http.TimeoutHandler in front of the handler).
func flushAck(w http.ResponseWriter) error {
	if err := http.NewResponseController(w).Flush(); err != nil {
		return fmt.Errorf("webhook acknowledgement not flushed (a buffering middleware or http.TimeoutHandler in front of the handler?); the platform sees it only when the function returns: %w", err)
	}
	return nil
}

// Run calls job for request r under rn's cap and budget. It returns an
// error only when no slot came free before r's context ended (the error
// wraps ErrBusy and nothing was written: answer it with [Fail]). With a
// zero budget it returns once r is acknowledged, and the function goes on
// after it; otherwise it returns when the function (and its Answer or
// Late) has. job stays in use until its Done.
func Run[T any](rn *Runner, w http.ResponseWriter, r *http.Request, job *Job[T]) error {
	if err := rn.acquire(r.Context()); err != nil {
		if job.Done != nil {
			job.Done()
		}
		return err
	}
	rn.wg.Add(1)

	if rn.cfg.Budget < 0 {
		defer rn.end(nil, job.Done, nil)
		ctx := r.Context()
		if job.Key != nil {
			ctx = context.WithValue(ctx, job.Key, job.Value)
		}
		v, err := call(ctx, job.Run)
		job.Answer(w, v, err)
		return nil
	}
	ctx, cancel := rn.detach(r.Context(), job.Key, job.Value)
	if rn.cfg.Budget == 0 {
		acked := false
		defer func() {
			if !acked { // Ack panicked: give the slot, the count and the job back; the panic goes on
				rn.end(nil, job.Done, cancel)
			}
		}()
		rn.ack(r, func() error { return job.Ack(w) })
		acked = true
		go runLate(rn, r, job, ctx, cancel)
		return nil
	}
	t := &turn[T]{w: closeOnAck{ResponseWriter: w}, rn: rn, r: r, job: job}
	timer := rn.cfg.Clock.AfterFunc(rn.cfg.Budget, t.fire)
	v, err := call(ctx, job.Run)
	timer.Stop()
	t.mu.Lock()
	won := t.state == turnPending
	if won {
		t.state = turnAnswered
	}
	t.mu.Unlock()
	if won {
		defer rn.end(nil, job.Done, cancel)
		job.Answer(w, v, err)
		return nil
	}
	lateOnRequest(rn, r, job, ctx, cancel, v, err)
	return nil
}

// lateOnRequest hands a result that came after the budget's
// acknowledgement to Late, on the request's goroutine, and ends the job;
// a panic in Late (an error handler's) is reported like one on the
// runner's goroutine.
func lateOnRequest[T any](rn *Runner, r *http.Request, job *Job[T], ctx context.Context, cancel context.CancelFunc, v T, err error) {
	defer rn.end(r, job.Done, cancel)
	if job.Late != nil {
		job.Late(ctx, v, err)
	}
}

// runLate runs a zero-budget job's function after its acknowledgement,
// on the runner's goroutine.
func runLate[T any](rn *Runner, r *http.Request, job *Job[T], ctx context.Context, cancel context.CancelFunc) {
	defer rn.end(r, job.Done, cancel)
	v, err := call(ctx, job.Run)
	if job.Late != nil {
		job.Late(ctx, v, err)
	}
}

// end ends a job: its context, its slot, its Done. r is the request of a
// job whose late path ran on the runner's goroutine: a panic there (an
// error handler's) is reported, never let crash the process.
func (rn *Runner) end(r *http.Request, done func(), cancel context.CancelFunc) {
	if r != nil {
		if p := recover(); p != nil {
			rn.report(r, fmt.Errorf("%w: in the late path: %v", ErrPanic, p))
		}
	}
	if cancel != nil {
		cancel()
	}
	if done != nil {
		done()
	}
	rn.release()
}

// report hands err to OnError; a panic in OnError itself, on a goroutine
// of the runner's, is dropped.
func (rn *Runner) report(r *http.Request, err error) {
	if rn.cfg.OnError == nil {
		return
	}
	defer func() { _ = recover() }()
	rn.cfg.OnError(r, err)
}

// Do calls fn outside any request (a body taken from a durable queue):
// under rn's cap, counted by [Runner.Wait], with a panic turned into an
// error wrapping ErrPanic. fn's context is ctx, not detached (the caller's
// cancellation reaches fn), bounded by the work timeout. It returns an
// error wrapping ErrBusy, without calling fn, when no slot came free
// before ctx ended.
func (rn *Runner) Do(ctx context.Context, fn func(context.Context) error) error {
	if err := rn.acquire(ctx); err != nil {
		return err
	}
	rn.wg.Add(1)
	defer rn.release()
	if rn.cfg.WorkTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rn.cfg.WorkTimeout)
		defer cancel()
	}
	_, err := call(ctx, func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx) })
	return err
}

func (rn *Runner) acquire(ctx context.Context) error {
	select {
	case rn.sem <- struct{}{}:
		return nil
	default:
	}
	select {
	case rn.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrBusy, context.Cause(ctx))
	}
}

func (rn *Runner) release() {
	<-rn.sem
	rn.wg.Done()
}

func (rn *Runner) detach(ctx context.Context, key, val any) (context.Context, context.CancelFunc) {
	if key != nil {
		ctx = &detached{parent: ctx, key: key, val: val}
	} else {
		ctx = context.WithoutCancel(ctx)
	}
	if rn.cfg.WorkTimeout > 0 {
		return context.WithTimeout(ctx, rn.cfg.WorkTimeout)
	}
	return context.WithCancel(ctx)
}

// ack runs job's acknowledgement and reports its failure (through
// report: on the budget timer's goroutine a panicking OnError must not
// take the process down).
func (rn *Runner) ack(r *http.Request, write func() error) {
	if err := write(); err != nil {
		rn.report(r, err)
	}
}

// call runs fn, turning a panic into an error wrapping ErrPanic.
func call[T any](ctx context.Context, fn func(context.Context) (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			var zero T
			v, err = zero, fmt.Errorf("%w: %v", ErrPanic, p)
		}
	}()
	return fn(ctx)
}

// WriteAck writes a complete acknowledgement: the status, and the body
// with its Content-Length and contentType when body is not empty. With a
// zero budget the request ends right after it and net/http finishes the
// response on a connection that stays open; at a positive budget's end the
// runner adds "Connection: close" and flushes it (see [Job]). Its error is
// the body's write failure.
func WriteAck(w http.ResponseWriter, status int, contentType string, body []byte) error {
	h := w.Header()
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	if len(body) > 0 && contentType != "" {
		h["Content-Type"] = []string{contentType}
	}
	w.WriteHeader(status)
	if len(body) > 0 {
		if _, err := w.Write(body); err != nil {
			return fmt.Errorf("webhook acknowledgement not written: %w", err)
		}
	}
	return nil
}

// detached is context.WithoutCancel(parent) carrying one more value, in
// one allocation. It is only ever the parent of the context.WithTimeout
// or WithCancel that detach returns: its Value passes the context
// package's internal keys to parent, which context.Cause would misread on
// detached itself, but every context a job sees has its own cancelCtx
// below it, which answers those keys first.
type detached struct {
	parent   context.Context
	key, val any
}

func (*detached) Deadline() (time.Time, bool) { return time.Time{}, false }
func (*detached) Done() <-chan struct{}       { return nil }
func (*detached) Err() error                  { return nil }

func (d *detached) Value(key any) any {
	if key == d.key {
		return d.val
	}
	return d.parent.Value(key)
}
