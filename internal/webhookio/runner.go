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
// The function runs on the request's own goroutine. When the platform
// wants an answer sooner than the function may take (a budget), a timer
// answers for it at the budget, writing a complete acknowledgement and
// flushing it, while the function goes on; its result is then "late" and
// handed to the platform's late path (a push, a callback URL, the error
// handler). A request whose function finishes in time pays for one timer
// and nothing else: no goroutine, no channel hand-off.

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
	// acknowledges at the budget otherwise.
	Budget time.Duration
	// WorkTimeout bounds the context of a function that may outlive its
	// request (Budget ≥ 0): that context is detached from the request's
	// cancellation and ends after WorkTimeout (0: no bound of its own).
	WorkTimeout time.Duration
	// MaxInFlight caps the functions running at once (0:
	// DefaultMaxInFlight). A request beyond the cap waits for a slot
	// until its context ends, then fails with ErrBusy.
	MaxInFlight int
	// Clock is the time source (nil: the wall clock).
	Clock Clock
	// OnError receives failures of the runner itself: an acknowledgement
	// that could not be flushed. nil drops them.
	OnError ErrorFunc
}

// Runner calls webhook functions for one handler. It is safe for
// concurrent use; create it with [NewRunner].
type Runner struct {
	cfg RunnerConfig
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
	return &Runner{cfg: cfg, sem: make(chan struct{}, cfg.MaxInFlight)}
}

// Clock returns the runner's time source.
func (rn *Runner) Clock() Clock { return rn.cfg.Clock }

// Budget returns the runner's budget.
func (rn *Runner) Budget() time.Duration { return rn.cfg.Budget }

// Wait blocks until every function the runner started has returned (late
// paths included), or ctx is done. Handlers' Wait methods call it after
// http.Server.Shutdown. Work after an acknowledgement runs inside its
// request, so Shutdown itself also waits for it: give Shutdown a deadline
// at least as long as the longest work timeout.
func (rn *Runner) Wait(ctx context.Context) error { return Wait(ctx, &rn.wg) }

// Job is one call of the user's function for one request.
type Job[T any] struct {
	// Run calls the user's function. A panic in it becomes an error
	// wrapping ErrPanic.
	Run func(ctx context.Context) (T, error)
	// Answer writes the response from Run's result when Run returned
	// within the budget (always, with NoBudget).
	Answer func(w http.ResponseWriter, v T, err error)
	// Ack writes the acknowledgement when the budget ran out first (or at
	// once, with a zero budget). It runs on another goroutine than Run, so
	// it must hold whatever lock the job's own writes to w hold, and write
	// a complete response that asks to close the connection and is
	// flushed: [WriteAck] does all three (or [AckHeader] and [FlushAck]
	// around a response of the job's own). Its error, a failed flush, goes
	// to the runner's OnError.
	Ack func(w http.ResponseWriter) error
	// Late receives Run's result after Ack was written. Its ctx is Run's.
	// nil drops late results. Every error it reports wraps [ErrLate].
	Late func(ctx context.Context, v T, err error)
	// Key and Value, when Key is not nil, are a value Run's context
	// carries (a multi-bot handler's resolved bot), as context.WithValue
	// would add it but without an allocation of its own: Run's context
	// is detached from the request's anyway, and the value rides on
	// that.
	Key, Value any
}

// Turn states: the function and the budget timer race to move pending to
// answered or acked; whoever wins owns the ResponseWriter.
const (
	turnPending = iota
	turnAnswered
	turnAcked
)

// turn is the per-request race between the function and the budget.
type turn[T any] struct {
	mu    sync.Mutex
	state int
	w     http.ResponseWriter
	rn    *Runner
	r     *http.Request
	job   *Job[T]
}

// fire is the budget timer's side of the race.
func (t *turn[T]) fire() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state != turnPending {
		return
	}
	t.state = turnAcked
	t.rn.ack(t.r, func() error { return t.job.Ack(t.w) })
}

// Run calls job for request r under rn's cap and budget. It returns an
// error only when no slot came free before r's context ended (the error
// wraps ErrBusy and nothing was written: answer it with [Fail]).
func Run[T any](rn *Runner, w http.ResponseWriter, r *http.Request, job *Job[T]) error {
	if err := rn.acquire(r.Context()); err != nil {
		return err
	}
	rn.wg.Add(1)
	defer rn.release()

	if rn.cfg.Budget < 0 {
		ctx := r.Context()
		if job.Key != nil {
			ctx = context.WithValue(ctx, job.Key, job.Value)
		}
		v, err := call(ctx, job.Run)
		job.Answer(w, v, err)
		return nil
	}
	ctx, cancel := rn.detach(r.Context(), job.Key, job.Value)
	defer cancel()
	if rn.cfg.Budget == 0 {
		rn.ack(r, func() error { return job.Ack(w) })
		v, err := call(ctx, job.Run)
		if job.Late != nil {
			job.Late(ctx, v, err)
		}
		return nil
	}
	t := &turn[T]{w: w, rn: rn, r: r, job: job}
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
		job.Answer(w, v, err)
	} else if job.Late != nil {
		job.Late(ctx, v, err)
	}
	return nil
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

// ack runs job's acknowledgement and reports a failure to flush it.
func (rn *Runner) ack(r *http.Request, write func() error) {
	if err := write(); err != nil && rn.cfg.OnError != nil {
		rn.cfg.OnError(r, err)
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
// with its Content-Length and contentType when body is not empty, asking
// the client to close the connection ([AckHeader]), and flushes it
// ([FlushAck]), so that the client sees it whole although the handler has
// not returned.
func WriteAck(w http.ResponseWriter, status int, contentType string, body []byte) error {
	h := w.Header()
	AckHeader(w)
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	if len(body) > 0 && contentType != "" {
		h["Content-Type"] = []string{contentType}
	}
	w.WriteHeader(status)
	if len(body) > 0 {
		_, _ = w.Write(body)
	}
	return FlushAck(w)
}

// AckHeader asks the client to close the connection after the response:
// the function still runs on this request's goroutine, so the server would
// read nothing more from the connection until it returns, and a platform
// that reuses keep-alive connections would see its next webhook wait for
// this one's work. Call it before writing the header.
func AckHeader(w http.ResponseWriter) {
	w.Header()["Connection"] = []string{"close"}
}

// FlushAck pushes a written acknowledgement to the client. It fails when
// the ResponseWriter cannot flush (a buffering middleware or
// http.TimeoutHandler in front of the handler): the platform then sees the
// answer only when the function returns.
func FlushAck(w http.ResponseWriter) error {
	if err := http.NewResponseController(w).Flush(); err != nil {
		return fmt.Errorf("webhook acknowledgement not flushed (a buffering middleware or http.TimeoutHandler in front of the handler?); the platform sees it only when the function returns: %w", err)
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
