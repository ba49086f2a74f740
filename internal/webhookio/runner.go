package webhookio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The runner: how every channelkit webhook handler calls the user's
// function.
//
// Without a budget the function runs on the request's own goroutine and
// its result is the answer. With a budget the request ends with the
// acknowledgement: a zero budget acknowledges, hands the function to a
// goroutine the runner owns and returns at once; a positive budget runs
// the function on such a goroutine and waits for it until the budget, then
// answers with its result or, when the budget ran out first,
// acknowledges and returns while the function goes on. A result that
// comes after the acknowledgement is "late" and goes to the platform's
// late path (a push, a callback URL, the error handler). The request
// returns to net/http as soon as it is answered, so a platform that reuses
// keep-alive connections sends its next webhook on the same connection
// while this one's work still runs. The runner writes the ResponseWriter
// only before Run returns (on the request's goroutine, or on the budget
// timer's while the request's waits for it); a job whose Run
// writes it too (a reply held for the response) holds a lock of its own,
// which its Ack and Answer take as well.

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
	// acknowledges at the budget otherwise. With a budget (0 included),
	// the request ends with the acknowledgement and the function goes on
	// in a goroutine of the runner's.
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
	// wrapping ErrPanic. With a budget it runs on a goroutine of the
	// runner's, not the request's.
	Run func(ctx context.Context) (T, error)
	// Answer writes the response from Run's result when Run returned
	// within the budget (always, with NoBudget). It runs on the request's
	// goroutine.
	Answer func(w http.ResponseWriter, v T, err error)
	// Ack writes the acknowledgement when the budget ran out first (on
	// the budget timer's goroutine, while the request's waits) or at
	// once, with a zero budget; the request returns right after it. It
	// must write a complete response ([WriteAck] does), and hold whatever
	// lock Run's own writes to w hold, since Run may still be running.
	// Its error goes to the runner's OnError.
	Ack func(w http.ResponseWriter) error
	// Late receives Run's result after Ack was written, on the runner's
	// goroutine, after the request has ended: it must not touch the
	// ResponseWriter or the request's Body (the request's other fields
	// may be read). Its ctx is Run's. nil drops late results. Every error
	// it reports wraps [ErrLate].
	Late func(ctx context.Context, v T, err error)
	// Done, when not nil, is called once the runner is done with the
	// job: after Answer or Late has returned, or before Run returns an
	// error. A job reused from a pool goes back to it there, not when
	// Run returns, since the work may outlive Run.
	Done func()
	// Key and Value, when Key is not nil, are a value Run's context
	// carries (a multi-bot handler's resolved bot), as context.WithValue
	// would add it but without an allocation of its own: Run's context
	// is detached from the request's anyway, and the value rides on
	// that.
	Key, Value any
}

// Turn states: with a positive budget, the function's goroutine and the
// budget timer's race to settle the request. The function, done first,
// moves pending to answered and wakes the request, which answers. The
// timer, first, moves pending to acking, acknowledges (the request's
// goroutine is blocked until it is woken, so the ResponseWriter is the
// timer's), moves acking to acked and wakes the request, which returns;
// the function, done after that, calls Late. Done between the two, it
// moves acking to finished, and the timer's goroutine calls Late.
const (
	turnPending = iota
	turnAnswered
	turnAcking
	turnAcked
	turnFinished
)

// turn is one request's function run with a positive budget.
type turn[T any] struct {
	state  atomic.Int32
	wake   chan bool // true: the function answered; false: acknowledged
	w      http.ResponseWriter
	rn     *Runner
	r      *http.Request
	job    *Job[T]
	ctx    context.Context
	cancel context.CancelFunc
	v      T
	err    error
}

// fire is the budget timer's side: it acknowledges unless the function
// has returned.
func (t *turn[T]) fire() {
	if !t.state.CompareAndSwap(turnPending, turnAcking) {
		return
	}
	t.rn.ack(t.r, func() error { return t.job.Ack(t.w) })
	if t.state.CompareAndSwap(turnAcking, turnAcked) {
		t.wake <- false // the function goes on, and calls Late
		return
	}
	// The function returned while the acknowledgement was being written:
	// its result is late all the same.
	t.wake <- false
	t.late()
}

// work runs the function on the runner's goroutine.
func (t *turn[T]) work() {
	t.v, t.err = call(t.ctx, t.job.Run)
	if t.state.CompareAndSwap(turnPending, turnAnswered) {
		t.wake <- true // the request answers, and ends the job
		return
	}
	if t.state.CompareAndSwap(turnAcking, turnFinished) {
		return // the timer, still acknowledging, calls Late
	}
	t.late()
}

// late hands the result to Late and ends the job.
func (t *turn[T]) late() {
	defer t.rn.end(t.r, t.job.Done, t.cancel)
	if t.job.Late != nil {
		t.job.Late(t.ctx, t.v, t.err)
	}
}

// Run calls job for request r under rn's cap and budget. It returns an
// error only when no slot came free before r's context ended (the error
// wraps ErrBusy and nothing was written: answer it with [Fail]). With a
// budget (0 included) it returns once r is answered, and the function
// may go on after it: job stays in use until its Done.
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
		rn.ack(r, func() error { return job.Ack(w) })
		go runLate(rn, r, job, ctx, cancel)
		return nil
	}
	t := &turn[T]{wake: make(chan bool, 1), w: w, rn: rn, r: r, job: job, ctx: ctx, cancel: cancel}
	timer := rn.cfg.Clock.AfterFunc(rn.cfg.Budget, t.fire)
	go t.work()
	if !<-t.wake {
		return nil // acknowledged: the function goes on
	}
	timer.Stop()
	defer rn.end(nil, job.Done, cancel)
	job.Answer(w, t.v, t.err)
	return nil
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

// ack runs job's acknowledgement and reports its failure.
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
// with its Content-Length and contentType when body is not empty. The
// connection stays open: the request ends right after the acknowledgement
// and net/http finishes the response, while the function goes on in a
// goroutine of the runner's. Its error is the body's write failure.
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
