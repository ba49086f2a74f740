package webhookio

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// outcome records what a job's callbacks saw.
type outcome struct {
	mu       sync.Mutex
	answered int
	acked    int
	late     int
	lateErr  error
	lateV    string
	ansErr   error
	lateDone chan struct{}
}

func newOutcome() *outcome { return &outcome{lateDone: make(chan struct{}, 16)} }

func (o *outcome) job(run func(ctx context.Context) (string, error)) *Job[string] {
	return &Job[string]{
		Run: run,
		Answer: func(w http.ResponseWriter, v string, err error) {
			o.mu.Lock()
			o.answered++
			o.ansErr = err
			o.mu.Unlock()
			if err != nil {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			WriteAck(w, http.StatusOK, "text/plain", []byte("answer:"+v))
		},
		Ack: func(w http.ResponseWriter) error {
			o.mu.Lock()
			o.acked++
			o.mu.Unlock()
			return WriteAck(w, http.StatusAccepted, "text/plain", []byte("ack"))
		},
		Late: func(ctx context.Context, v string, err error) {
			o.mu.Lock()
			o.late++
			o.lateV, o.lateErr = v, err
			o.mu.Unlock()
			o.lateDone <- struct{}{}
		},
	}
}

func (o *outcome) counts() (answered, acked, late int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.answered, o.acked, o.late
}

// serve starts a loopback server that runs job for every request.
func serve(t *testing.T, rn *Runner, job func() *Job[string]) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := Run(rn, w, r, job()); err != nil {
			Fail(w, r, err, nil)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestRunSynchronous(t *testing.T) {
	rn := NewRunner(RunnerConfig{Budget: NoBudget})
	o := newOutcome()
	srv := serve(t, rn, func() *Job[string] {
		return o.job(func(ctx context.Context) (string, error) { return "ok", nil })
	})
	if code, body := get(t, srv.URL); code != 200 || body != "answer:ok" {
		t.Fatalf("got %d %q, want 200 answer:ok", code, body)
	}
	if a, k, l := o.counts(); a != 1 || k != 0 || l != 0 {
		t.Fatalf("answered/acked/late = %d/%d/%d, want 1/0/0", a, k, l)
	}
}

func TestRunPanicBecomesError(t *testing.T) {
	for _, budget := range []time.Duration{NoBudget, time.Hour} {
		rn := NewRunner(RunnerConfig{Budget: budget})
		o := newOutcome()
		srv := serve(t, rn, func() *Job[string] {
			return o.job(func(ctx context.Context) (string, error) { panic("boom") })
		})
		if code, body := get(t, srv.URL); code != 500 || body != "" {
			t.Fatalf("budget %v: got %d %q, want 500 and no body", budget, code, body)
		}
		o.mu.Lock()
		err := o.ansErr
		o.mu.Unlock()
		if !errors.Is(err, ErrPanic) {
			t.Fatalf("budget %v: answer error %v, want one wrapping ErrPanic", budget, err)
		}
	}
}

func TestRunAnswersWithinBudget(t *testing.T) {
	clk := NewManualClock(time.Unix(0, 0))
	rn := NewRunner(RunnerConfig{Budget: time.Second, Clock: clk})
	o := newOutcome()
	srv := serve(t, rn, func() *Job[string] {
		return o.job(func(ctx context.Context) (string, error) {
			if _, ok := ctx.Deadline(); ok {
				t.Error("no work timeout was set, yet ctx has a deadline")
			}
			return "fast", nil
		})
	})
	if code, body := get(t, srv.URL); code != 200 || body != "answer:fast" {
		t.Fatalf("got %d %q, want 200 answer:fast", code, body)
	}
	if clk.Pending() != 0 {
		t.Fatalf("%d budget timers still pending after the answer", clk.Pending())
	}
	if a, k, l := o.counts(); a != 1 || k != 0 || l != 0 {
		t.Fatalf("answered/acked/late = %d/%d/%d, want 1/0/0", a, k, l)
	}
}

// TestRunAcksAtBudget: the client gets the acknowledgement, whole, while
// the function is still running; the result then goes to Late.
func TestRunAcksAtBudget(t *testing.T) {
	clk := NewManualClock(time.Unix(0, 0))
	rn := NewRunner(RunnerConfig{Budget: time.Second, WorkTimeout: time.Minute, Clock: clk})
	o := newOutcome()
	release := make(chan struct{})
	var detached atomic.Bool
	srv := serve(t, rn, func() *Job[string] {
		return o.job(func(ctx context.Context) (string, error) {
			<-release
			_, hasDeadline := ctx.Deadline()
			detached.Store(ctx.Err() == nil && hasDeadline)
			return "slow", nil
		})
	})
	type res struct {
		code int
		body string
	}
	got := make(chan res, 1)
	go func() {
		resp, err := http.Post(srv.URL, "text/plain", nil)
		if err != nil {
			got <- res{body: err.Error()}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- res{resp.StatusCode, string(b)}
	}()
	clk.WaitForTimer(1)
	clk.Advance(time.Second)
	r := <-got // arrives although the function has not returned
	if r.code != http.StatusAccepted || r.body != "ack" {
		t.Fatalf("got %d %q, want 202 ack", r.code, r.body)
	}
	close(release)
	<-o.lateDone
	if a, k, l := o.counts(); a != 0 || k != 1 || l != 1 {
		t.Fatalf("answered/acked/late = %d/%d/%d, want 0/1/1", a, k, l)
	}
	if o.lateV != "slow" || o.lateErr != nil {
		t.Fatalf("late got (%q, %v), want (slow, nil)", o.lateV, o.lateErr)
	}
	if !detached.Load() {
		t.Fatal("late function's context was cancelled with the request or had no work deadline")
	}
	if err := rn.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestRunZeroBudgetAcksFirst(t *testing.T) {
	rn := NewRunner(RunnerConfig{Budget: 0})
	o := newOutcome()
	release := make(chan struct{})
	srv := serve(t, rn, func() *Job[string] {
		return o.job(func(ctx context.Context) (string, error) {
			<-release
			return "", errors.New("failed later")
		})
	})
	if code, body := get(t, srv.URL); code != http.StatusAccepted || body != "ack" {
		t.Fatalf("got %d %q, want 202 ack", code, body)
	}
	close(release)
	<-o.lateDone
	if o.lateErr == nil {
		t.Fatal("the late error was lost")
	}
}

// TestRunRaceOneOwner fires the budget as the function returns, many
// times: exactly one of Answer and Ack writes, and Late runs exactly when
// Ack did.
func TestRunRaceOneOwner(t *testing.T) {
	for i := range 200 {
		clk := NewManualClock(time.Unix(0, 0))
		rn := NewRunner(RunnerConfig{Budget: time.Second, Clock: clk})
		o := newOutcome()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		start := make(chan struct{})
		go func() {
			clk.WaitForTimer(1)
			close(start)
			clk.Advance(time.Second)
		}()
		job := o.job(func(ctx context.Context) (string, error) {
			<-start
			return "v", nil
		})
		if err := Run(rn, rec, req, job); err != nil {
			t.Fatal(err)
		}
		if err := rn.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		a, k, l := o.counts()
		if a+k != 1 || l != k {
			t.Fatalf("run %d: answered/acked/late = %d/%d/%d", i, a, k, l)
		}
	}
}

func TestRunCapWaitsThenBusy(t *testing.T) {
	rn := NewRunner(RunnerConfig{Budget: NoBudget, MaxInFlight: 2})
	release := make(chan struct{})
	var running atomic.Int32
	started := make(chan struct{}, 8)
	var maxRunning atomic.Int32
	job := func() *Job[string] {
		return newOutcome().job(func(ctx context.Context) (string, error) {
			n := running.Add(1)
			for {
				m := maxRunning.Load()
				if n <= m || maxRunning.CompareAndSwap(m, n) {
					break
				}
			}
			started <- struct{}{}
			<-release
			running.Add(-1)
			return "x", nil
		})
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest(http.MethodPost, "/", nil)
			if err := Run(rn, httptest.NewRecorder(), req, job()); err != nil {
				t.Error(err)
			}
		}()
	}
	<-started
	<-started
	// A third request waits; its context ends: 503, and fn never ran.
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/", nil)
	errc := make(chan error, 1)
	rec := httptest.NewRecorder()
	go func() { errc <- Run(rn, rec, req, job()) }()
	cancel()
	err := <-errc
	if !errors.Is(err, ErrBusy) || Status(err) != http.StatusServiceUnavailable {
		t.Fatalf("got %v (status %d), want ErrBusy and 503", err, Status(err))
	}
	// A fourth waits and gets its turn once one finishes.
	wg.Add(1)
	go func() {
		defer wg.Done()
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		if err := Run(rn, httptest.NewRecorder(), req, job()); err != nil {
			t.Error(err)
		}
	}()
	close(release)
	wg.Wait()
	if m := maxRunning.Load(); m != 2 {
		t.Fatalf("at most %d ran at once, want exactly the cap 2", m)
	}
}

// failWrite is a ResponseWriter whose writes fail, as after the client
// hung up.
type failWrite struct{ h http.Header }

func (f *failWrite) Header() http.Header     { return f.h }
func (*failWrite) Write([]byte) (int, error) { return 0, errors.New("connection reset") }
func (*failWrite) WriteHeader(int)           {}

// TestRunReportsAckWriteFailure: an acknowledgement that could not be
// written goes to OnError, without the body it carried.
func TestRunReportsAckWriteFailure(t *testing.T) {
	var got error
	rn := NewRunner(RunnerConfig{Budget: 0, OnError: func(_ *http.Request, err error) { got = err }})
	job := &Job[string]{
		Run: func(context.Context) (string, error) { return "", nil },
		Ack: func(w http.ResponseWriter) error {
			return WriteAck(w, http.StatusOK, "text/plain", []byte("body-s3cr3t"))
		},
	}
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	if err := Run(rn, &failWrite{h: http.Header{}}, req, job); err != nil {
		t.Fatal(err)
	}
	if err := rn.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got == nil || strings.Contains(got.Error(), "s3cr3t") {
		t.Fatalf("OnError got %v, want the write failure without the body", got)
	}
}

func TestManualClockOrder(t *testing.T) {
	clk := NewManualClock(time.Unix(0, 0))
	var mu sync.Mutex
	var fired []int
	for i, d := range []time.Duration{3, 1, 2} {
		clk.AfterFunc(d*time.Second, func() {
			mu.Lock()
			fired = append(fired, i)
			mu.Unlock()
		})
	}
	stopped := clk.AfterFunc(time.Second, func() { t.Error("a stopped timer fired") })
	if !stopped.Stop() {
		t.Fatal("Stop of a pending timer reported false")
	}
	clk.Advance(1500 * time.Millisecond)
	if len(fired) != 1 || fired[0] != 1 {
		t.Fatalf("after 1.5 s fired %v, want [1]", fired)
	}
	clk.Advance(10 * time.Second)
	if len(fired) != 3 || clk.Pending() != 0 {
		t.Fatalf("after 11.5 s fired %v with %d pending", fired, clk.Pending())
	}
}

// TestRunAckKeepsConnection: with a zero budget the acknowledgement ends
// its request, so a platform that reuses keep-alive connections sends its
// next webhook on the same connection, and has it answered, while the
// first one's work is still blocked.
func TestRunAckKeepsConnection(t *testing.T) {
	rn := NewRunner(RunnerConfig{Budget: 0})
	release := make(chan struct{})
	var n atomic.Int32
	o := newOutcome()
	srv := serve(t, rn, func() *Job[string] {
		first := n.Add(1) == 1
		return o.job(func(ctx context.Context) (string, error) {
			if first {
				<-release
			}
			return "second", nil
		})
	})
	client := srv.Client()
	post := func() (*http.Response, bool) {
		t.Helper()
		var reused bool
		trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) { reused = ci.Reused }}
		// The deadline only keeps a regression from hanging the test.
		ctx, cancel := context.WithTimeout(httptrace.WithClientTrace(context.Background(), trace), 10*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("webhook: %v", err)
		}
		_, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, reused
	}
	defer func() {
		close(release)
		if err := rn.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}()
	resp, _ := post()
	if resp.Close || resp.Header.Get("Connection") != "" || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("acknowledgement: status %d, Close %v, Connection %q; want 202 on a kept connection", resp.StatusCode, resp.Close, resp.Header.Get("Connection"))
	}
	resp, reused := post()
	if !reused {
		t.Error("the second webhook did not reuse the first one's connection")
	}
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("second webhook: status %d", resp.StatusCode)
	}
	<-o.lateDone // the second webhook's work
	if _, k, l := o.counts(); k != 2 || l != 1 {
		t.Errorf("acked/late = %d/%d while the first one's work is blocked, want 2/1", k, l)
	}
}

// TestRunBudgetAckClosesConnection: when a positive budget runs out, the
// function is still running on the request's goroutine, so the
// acknowledgement asks to close the connection and is flushed: the client
// has it whole while ServeHTTP has not returned. The result then goes to
// Late, on the request's goroutine (ServeHTTP returns after it), and Done
// comes once, after Late.
func TestRunBudgetAckClosesConnection(t *testing.T) {
	clk := NewManualClock(time.Unix(0, 0))
	rn := NewRunner(RunnerConfig{Budget: time.Second, Clock: clk})
	o := newOutcome()
	release := make(chan struct{})
	var done, lateBeforeDone atomic.Int32
	served := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		job := o.job(func(ctx context.Context) (string, error) {
			<-release
			return "slow", nil
		})
		job.Done = func() {
			if _, _, l := o.counts(); l == 1 {
				lateBeforeDone.Add(1)
			}
			done.Add(1)
		}
		if err := Run(rn, w, r, job); err != nil {
			t.Error(err)
		}
		if _, _, l := o.counts(); l != 1 || done.Load() != 1 {
			t.Errorf("Run returned with late %d, Done %d; want both after the function, on the request", l, done.Load())
		}
		served <- struct{}{}
	}))
	defer srv.Close()
	go func() {
		clk.WaitForTimer(1)
		clk.Advance(time.Second)
	}()
	// The deadline only keeps a regression from hanging the test.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		close(release)
		t.Fatalf("acknowledgement not received while the function runs: %v", err)
	}
	body, _ := io.ReadAll(resp.Body) // whole: flushed, although the handler has not returned
	resp.Body.Close()
	select {
	case <-served:
		close(release)
		t.Fatal("ServeHTTP returned before the function")
	default:
	}
	if !resp.Close || resp.StatusCode != http.StatusAccepted || string(body) != "ack" {
		t.Errorf("acknowledgement: %d %q, Close %v; want 202 ack asking to close the connection", resp.StatusCode, body, resp.Close)
	}
	if _, _, l := o.counts(); l != 0 || done.Load() != 0 {
		t.Errorf("late %d, Done %d before the function returned", l, done.Load())
	}
	close(release)
	<-served
	if a, k, l := o.counts(); a != 0 || k != 1 || l != 1 || o.lateV != "slow" {
		t.Fatalf("answered/acked/late = %d/%d/%d (late %q), want 0/1/1 (slow)", a, k, l, o.lateV)
	}
	if done.Load() != 1 || lateBeforeDone.Load() != 1 {
		t.Fatalf("Done called %d times (%d after Late), want once, after Late", done.Load(), lateBeforeDone.Load())
	}
}

// TestRunWithinBudgetOnRequest: a function within a positive budget runs
// on the request's goroutine: Run does not return while it is blocked,
// and nothing is written until it returns and Answer writes its result.
func TestRunWithinBudgetOnRequest(t *testing.T) {
	clk := NewManualClock(time.Unix(0, 0))
	rn := NewRunner(RunnerConfig{Budget: time.Second, Clock: clk})
	o := newOutcome()
	entered, release := make(chan struct{}), make(chan struct{})
	job := o.job(func(context.Context) (string, error) {
		close(entered)
		<-release
		return "fast", nil
	})
	var done atomic.Int32
	job.Done = func() { done.Add(1) }
	rec := httptest.NewRecorder()
	returned := make(chan error, 1)
	go func() { returned <- Run(rn, rec, httptest.NewRequest(http.MethodPost, "/", nil), job) }()
	<-entered
	clk.WaitForTimer(1)
	clk.Advance(time.Second - time.Nanosecond)
	select {
	case <-returned:
		t.Fatal("Run returned while the function within the budget was blocked")
	default:
	}
	if a, k, _ := o.counts(); a != 0 || k != 0 || done.Load() != 0 {
		t.Fatalf("answered/acked %d/%d, Done %d while the function runs within the budget", a, k, done.Load())
	}
	close(release)
	if err := <-returned; err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusOK || rec.Body.String() != "answer:fast" || rec.Header().Get("Connection") != "" {
		t.Fatalf("got %d %q, Connection %q; want 200 answer:fast on a kept connection", rec.Code, rec.Body, rec.Header().Get("Connection"))
	}
	if a, k, l := o.counts(); a != 1 || k != 0 || l != 0 || done.Load() != 1 || clk.Pending() != 0 {
		t.Fatalf("answered/acked/late = %d/%d/%d, Done %d, %d timers pending; want 1/0/0, 1, 0", a, k, l, done.Load(), clk.Pending())
	}
}

// maxWithinBudgetAllocs is what a within-budget Run cost before the
// zero-budget path moved its work off the request's goroutine: the
// positive budget's path must not cost more.
const maxWithinBudgetAllocs = 6

// discard is a ResponseWriter that keeps nothing, for allocation counts.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// TestRunWithinBudgetAllocs: a pooled job answered within a positive
// budget costs no more than it did when the function always ran on the
// request's goroutine (its timer, its race state, its detached context):
// no goroutine, no hand-off.
func TestRunWithinBudgetAllocs(t *testing.T) {
	rn := NewRunner(RunnerConfig{Budget: time.Hour})
	w := &discard{h: http.Header{}}
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	job := &Job[struct{}]{
		Run:    func(context.Context) (struct{}, error) { return struct{}{}, nil },
		Answer: func(w http.ResponseWriter, _ struct{}, _ error) { w.WriteHeader(http.StatusOK) },
		Ack:    func(w http.ResponseWriter) error { return WriteAck(w, http.StatusOK, "", nil) },
		Done:   func() {},
	}
	got := testing.AllocsPerRun(100, func() {
		if err := Run(rn, w, r, job); err != nil {
			t.Fatal(err)
		}
	})
	if got > maxWithinBudgetAllocs {
		t.Fatalf("%v allocations per within-budget Run, want at most %d", got, maxWithinBudgetAllocs)
	}
}

// TestRunCapCountsDetachedWork: work that outlived its request holds its
// slot: the next request waits for it, and fails with ErrBusy when its
// context ends first, its Done called and its function never run.
func TestRunCapCountsDetachedWork(t *testing.T) {
	rn := NewRunner(RunnerConfig{Budget: 0, MaxInFlight: 1})
	release := make(chan struct{})
	o := newOutcome()
	if err := Run(rn, httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), o.job(func(context.Context) (string, error) {
		<-release
		return "", nil
	})); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ran, done := false, 0
	job := o.job(func(context.Context) (string, error) { ran = true; return "", nil })
	job.Done = func() { done++ }
	err := Run(rn, httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, http.MethodPost, "/", nil), job)
	if !errors.Is(err, ErrBusy) || ran || done != 1 {
		t.Fatalf("second request while the first one's work holds the slot: %v (ran %v, Done %d), want ErrBusy, not run, Done once", err, ran, done)
	}
	// A request that can wait gets the slot when the work ends.
	errc := make(chan error, 1)
	go func() {
		errc <- Run(rn, httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), o.job(func(context.Context) (string, error) { return "", nil }))
	}()
	close(release)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if err := rn.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, k, l := o.counts(); k != 2 || l != 2 {
		t.Fatalf("acked/late = %d/%d, want 2/2", k, l)
	}
}

// TestRunDetachedPanic: a panic in a function that outlived its request
// reaches Late as an error wrapping ErrPanic; a panic in Late itself (an
// error handler's) goes to OnError, and the slot and Done are released.
func TestRunDetachedPanic(t *testing.T) {
	var reported atomic.Value
	rn := NewRunner(RunnerConfig{Budget: 0, MaxInFlight: 1, OnError: func(_ *http.Request, err error) { reported.Store(err) }})
	o := newOutcome()
	if err := Run(rn, httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), o.job(func(context.Context) (string, error) {
		panic("boom")
	})); err != nil {
		t.Fatal(err)
	}
	<-o.lateDone
	if err := rn.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(o.lateErr, ErrPanic) {
		t.Fatalf("Late got %v, want an error wrapping ErrPanic", o.lateErr)
	}
	var done int
	job := &Job[string]{
		Run:  func(context.Context) (string, error) { return "", nil },
		Ack:  func(w http.ResponseWriter) error { return WriteAck(w, http.StatusOK, "", nil) },
		Late: func(context.Context, string, error) { panic("in the error handler") },
		Done: func() { done++ },
	}
	if err := Run(rn, httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), job); err != nil {
		t.Fatal(err)
	}
	if err := rn.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err, _ := reported.Load().(error); !errors.Is(err, ErrPanic) || done != 1 {
		t.Fatalf("OnError got %v, Done %d; want ErrPanic and Done once", err, done)
	}
	// The slot is free again (MaxInFlight 1): a request with an ended
	// context still gets it without waiting.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := Run(rn, httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, http.MethodPost, "/", nil), o.job(func(context.Context) (string, error) { return "", nil })); err != nil {
		t.Fatalf("slot not released after a panic in Late: %v", err)
	}
	if err := rn.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// TestRunShare: runners sharing slots are one cap and one Wait.
func TestRunShare(t *testing.T) {
	a := NewRunner(RunnerConfig{Budget: NoBudget, MaxInFlight: 1})
	b := NewRunner(RunnerConfig{Budget: 0, Share: a})
	release := make(chan struct{})
	if err := Run(b, httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), newOutcome().job(func(context.Context) (string, error) {
		<-release
		return "", nil
	})); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := Run(a, httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, http.MethodPost, "/", nil), newOutcome().job(func(context.Context) (string, error) { return "", nil })); !errors.Is(err, ErrBusy) {
		t.Fatalf("a request on the other runner while the shared slot is held: %v, want ErrBusy", err)
	}
	if err := a.Wait(ctx); err == nil {
		t.Fatal("the sharing runner's Wait did not wait for the other's work")
	}
	close(release)
	if err := a.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// TestRunLateWorkOutlivesRequestAndWait: the late function's context is
// not cancelled with its request, and Wait waits for it.
func TestRunLateWorkOutlivesRequestAndWait(t *testing.T) {
	rn := NewRunner(RunnerConfig{Budget: 0, WorkTimeout: time.Hour})
	acked := make(chan struct{})
	release := make(chan struct{})
	ctxErr := make(chan error, 1)
	job := &Job[string]{
		Run: func(ctx context.Context) (string, error) {
			<-release
			ctxErr <- ctx.Err()
			return "", nil
		},
		Answer: func(http.ResponseWriter, string, error) { t.Error("Answer with a zero budget") },
		Ack: func(w http.ResponseWriter) error {
			err := WriteAck(w, http.StatusOK, "", nil)
			close(acked)
			return err
		},
	}
	reqCtx, cancelReq := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(reqCtx, http.MethodPost, "/", nil)
	done := make(chan error, 1)
	go func() { done <- Run(rn, httptest.NewRecorder(), req, job) }()
	<-acked
	cancelReq() // the platform hangs up after the acknowledgement
	waitCtx, cancelWait := context.WithCancel(context.Background())
	cancelWait()
	if err := rn.Wait(waitCtx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with the work still running returned %v, want it to wait (context.Canceled)", err)
	}
	close(release)
	if err := <-ctxErr; err != nil {
		t.Fatalf("the late function's context ended with its request: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := rn.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestDo: a call outside a request runs under the cap (a second call
// waits for the slot, and gives up with ErrBusy when its context ends),
// is bounded by the work timeout, sees its caller's cancellation, turns a
// panic into ErrPanic, and is counted by Wait.
func TestDo(t *testing.T) {
	t.Parallel()
	rn := NewRunner(RunnerConfig{MaxInFlight: 1, WorkTimeout: time.Hour})

	t.Run("result and deadline", func(t *testing.T) {
		boom := errors.New("boom")
		var deadline time.Time
		err := rn.Do(t.Context(), func(ctx context.Context) error {
			deadline, _ = ctx.Deadline()
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Do: %v, want the function's error", err)
		}
		if deadline.IsZero() {
			t.Fatal("the function's context has no deadline; want the work timeout")
		}
	})
	t.Run("panic", func(t *testing.T) {
		err := rn.Do(t.Context(), func(context.Context) error { panic("oops") })
		if !errors.Is(err, ErrPanic) {
			t.Fatalf("Do: %v, want ErrPanic", err)
		}
	})
	t.Run("cancellation reaches the function", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		var got error
		if err := rn.Do(ctx, func(ctx context.Context) error { got = ctx.Err(); return nil }); err != nil {
			// The slot was free: acquire takes it before looking at ctx.
			t.Fatalf("Do: %v", err)
		}
		if !errors.Is(got, context.Canceled) {
			t.Fatalf("the function saw %v, want context.Canceled", got)
		}
	})
	t.Run("cap, busy and Wait", func(t *testing.T) {
		entered, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- rn.Do(context.Background(), func(context.Context) error {
				close(entered)
				<-release
				return nil
			})
		}()
		<-entered
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		called := false
		if err := rn.Do(ctx, func(context.Context) error { called = true; return nil }); !errors.Is(err, ErrBusy) || called {
			t.Fatalf("Do beyond the cap with an ended context: %v (called %v), want ErrBusy and no call", err, called)
		}
		waitCtx, cancelWait := context.WithCancel(t.Context())
		cancelWait()
		if err := rn.Wait(waitCtx); err == nil {
			t.Fatal("Wait returned nil while a call was running")
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if err := rn.Wait(t.Context()); err != nil {
			t.Fatalf("Wait after the call returned: %v", err)
		}
	})
}

type valueKey struct{}

// TestRunContextValue: a job's Key and Value reach Run's context and
// Late's in every budget mode, beside the request's own values; with a
// budget the context is still detached from the request's cancellation
// and ends by the work timeout, and context.Cause reports that timeout,
// not the request's end.
func TestRunContextValue(t *testing.T) {
	type reqKey struct{}
	for _, tc := range []struct {
		name   string
		budget time.Duration
	}{
		{"no budget", NoBudget},
		{"zero budget", 0},
		{"budget", time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rn := NewRunner(RunnerConfig{Budget: tc.budget, WorkTimeout: time.Hour})
			var got, fromReq any
			var deadline bool
			var errAfterCancel, cause error
			reqCtx, cancelReq := context.WithCancel(context.WithValue(context.Background(), reqKey{}, "request"))
			defer cancelReq()
			job := &Job[string]{
				Run: func(ctx context.Context) (string, error) {
					got, fromReq = ctx.Value(valueKey{}), ctx.Value(reqKey{})
					_, deadline = ctx.Deadline()
					if tc.budget >= 0 {
						cancelReq()
						errAfterCancel, cause = ctx.Err(), context.Cause(ctx)
					}
					return "", nil
				},
				Answer: func(http.ResponseWriter, string, error) {},
				Ack:    func(w http.ResponseWriter) error { return WriteAck(w, http.StatusOK, "", nil) },
				Key:    valueKey{},
				Value:  "bot-1",
			}
			req := httptest.NewRequestWithContext(reqCtx, http.MethodPost, "/", nil)
			if err := Run(rn, httptest.NewRecorder(), req, job); err != nil {
				t.Fatal(err)
			}
			// With a budget, Run may return before the function ran.
			if err := rn.Wait(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got != "bot-1" || fromReq != "request" {
				t.Errorf("Run's context: job value %v, request value %v; want bot-1, request", got, fromReq)
			}
			if tc.budget >= 0 {
				if !deadline {
					t.Error("Run's context has no deadline; want the work timeout")
				}
				if errAfterCancel != nil || cause != nil {
					t.Errorf("after the request ended: Err %v, Cause %v; want nil, nil (detached)", errAfterCancel, cause)
				}
			}
		})
	}
}

// TestDetachedValue: the detached context answers its own key, passes
// other keys to its parent, and has no deadline, no Done and no error
// whatever its parent's state.
func TestDetachedValue(t *testing.T) {
	type parentKey struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), parentKey{}, "p"))
	cancel()
	d := &detached{parent: parent, key: valueKey{}, val: "v"}
	if d.Value(valueKey{}) != "v" || d.Value(parentKey{}) != "p" || d.Value("other") != nil {
		t.Errorf("Value: %v %v %v; want v p <nil>", d.Value(valueKey{}), d.Value(parentKey{}), d.Value("other"))
	}
	if _, ok := d.Deadline(); ok || d.Done() != nil || d.Err() != nil {
		t.Error("detached context reports its parent's cancellation")
	}
}

// TestRunZeroBudgetAckPanics: a panic while acknowledging (a panicking
// ResponseWriter wrapper) goes on to the caller, as any handler panic,
// but the job's slot, its count for Wait and its Done are given back:
// the next request gets the only slot, and Wait returns.
func TestRunZeroBudgetAckPanics(t *testing.T) {
	rn := NewRunner(RunnerConfig{Budget: 0, MaxInFlight: 1, WorkTimeout: time.Hour})
	var done atomic.Int32
	job := &Job[string]{
		Run:    func(context.Context) (string, error) { t.Error("Run after a failed acknowledgement"); return "", nil },
		Answer: func(http.ResponseWriter, string, error) {},
		Ack:    func(http.ResponseWriter) error { panic("wrapper broke") },
		Done:   func() { done.Add(1) },
	}
	func() {
		defer func() {
			if p := recover(); p != "wrapper broke" {
				t.Errorf("recovered %v, want the Ack's panic", p)
			}
		}()
		_ = Run(rn, httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), job)
	}()
	if n := done.Load(); n != 1 {
		t.Errorf("Done called %d times, want 1", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rn.Wait(ctx); err != nil {
		t.Fatalf("Wait after the panic: %v", err)
	}
	ok := &Job[string]{
		Run:    func(context.Context) (string, error) { return "", nil },
		Answer: func(http.ResponseWriter, string, error) {},
		Ack:    func(w http.ResponseWriter) error { return WriteAck(w, http.StatusOK, "", nil) },
	}
	busy, cancelBusy := context.WithCancel(context.Background())
	cancelBusy() // a request that cannot wait: the slot must be free now
	if err := Run(rn, httptest.NewRecorder(), httptest.NewRequestWithContext(busy, http.MethodPost, "/", nil), ok); err != nil {
		t.Fatalf("Run after the panic: %v (the slot was not given back)", err)
	}
	if err := rn.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}
