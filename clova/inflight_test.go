package clova_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/internal/webhookio"
)

// gate is a HandlerFunc that blocks until released, counting the calls
// running at once.
type gate struct {
	running, peak atomic.Int32
	entered       chan struct{}
	release       chan struct{}
}

func newGate(calls int) *gate {
	return &gate{entered: make(chan struct{}, calls), release: make(chan struct{})}
}

func (g *gate) fn(context.Context, *clova.Request) (*clova.Response, error) {
	n := g.running.Add(1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	g.entered <- struct{}{}
	<-g.release
	g.running.Add(-1)
	return nil, nil
}

// TestWebhookHandlerCapHolds runs many requests at once through a handler
// capped at a few calls: never more calls than the cap run, the requests
// beyond it wait on their own goroutines (the handler starts none), and
// every request is answered 200 once a slot comes free. Not parallel: it
// counts the process's goroutines.
func TestWebhookHandlerCapHolds(t *testing.T) {
	const limit, requests = 3, 40
	g := newGate(requests)
	h := newHandler(t, g.fn, clova.WithMaxInFlight(limit))
	clova.SetClock(h, webhookio.NewManualClock(time.Unix(0, 0)))
	body := launchBody(t)
	sig := clovatest.Sign(nil, body)

	base := runtime.NumGoroutine()
	codes := make(chan int, requests)
	var wg sync.WaitGroup
	for range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, withSig(body, sig))
			codes <- rec.Code
		}()
	}
	for range limit {
		<-g.entered
	}
	maxGoroutines := 0
	for i := range requests {
		maxGoroutines = max(maxGoroutines, runtime.NumGoroutine())
		if n := g.running.Load(); n != limit && i < requests-limit {
			t.Fatalf("step %d: %d calls running, want the cap, %d", i, n, limit)
		}
		g.release <- struct{}{} // one call returns, freeing its slot ...
		if i < requests-limit {
			<-g.entered // ... which a waiting request takes
		}
	}
	wg.Wait()
	close(codes)
	got := map[int]int{}
	for c := range codes {
		got[c]++
	}
	if d := cmp.Diff(map[int]int{http.StatusOK: requests}, got); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	if p := g.peak.Load(); p != limit {
		t.Errorf("peak of %d calls at once, want the cap, %d", p, limit)
	}
	// One goroutine per request, the test's own: the handler adds none.
	if maxGoroutines > base+requests {
		t.Errorf("%d goroutines with %d requests in flight over a base of %d: the handler started %d of its own",
			maxGoroutines, requests, base, maxGoroutines-base-requests)
	}
	if err := h.Wait(t.Context()); err != nil {
		t.Errorf("Wait after every request: %v", err)
	}
}

// TestWebhookHandlerBusy: a request that finds no free slot before it ends
// is answered 503 with an error wrapping ErrBusy, and the function is not
// called for it; Wait waits for the call in flight.
func TestWebhookHandlerBusy(t *testing.T) {
	t.Parallel()
	g := newGate(2)
	var reported []error
	var mu sync.Mutex
	h := newHandler(t, g.fn, clova.WithMaxInFlight(1), clova.WithErrorHandler(func(_ *http.Request, err error) {
		mu.Lock()
		defer mu.Unlock()
		reported = append(reported, err)
	}))
	body := launchBody(t)
	sig := clovatest.Sign(nil, body)

	first := make(chan int, 1)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, withSig(body, sig))
		first <- rec.Code
	}()
	<-g.entered

	ctx, cancel := context.WithCancel(t.Context())
	cancel() // CLOVA gave up on this one while it waited
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, withSig(body, sig).WithContext(ctx))

	if err := h.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait with a call in flight and a done context = %v, want context.Canceled", err)
	}
	g.release <- struct{}{}
	if code := <-first; code != http.StatusOK {
		t.Errorf("first request: %d, want 200", code)
	}
	if err := h.Wait(t.Context()); err != nil {
		t.Errorf("Wait: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	got := []any{rec.Code, rec.Body.Len(), len(reported), g.peak.Load()}
	if d := cmp.Diff([]any{http.StatusServiceUnavailable, 0, 1, int32(1)}, got); d != "" {
		t.Fatalf("busy request: status, body length, errors reported, peak calls (-want +got):\n%s", d)
	}
	if !errors.Is(reported[0], clova.ErrBusy) {
		t.Errorf("reported %v, want it to wrap ErrBusy", reported[0])
	}
}

// TestDecode: Decode reads trusted bytes without checking anything, as
// Parse does after verifying.
func TestDecode(t *testing.T) {
	t.Parallel()
	body := launchBody(t)
	tests := []struct {
		name    string
		body    []byte
		want    string
		wantErr error
	}{
		{"launch", body, clova.TypeLaunch, nil},
		{"intent", []byte(mustMarshal(t, clovatest.Intent("Order"))), clova.TypeIntent, nil},
		{"malformed", []byte(`{"request":`), "", clova.ErrMalformed},
		{"no type", []byte(`{"request":{}}`), "", clova.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := clova.Decode(tc.body)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Decode = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := clova.Parse(clovatest.PublicKey(), tc.body, clovatest.Sign(nil, tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if req.Request.Type() != tc.want {
				t.Errorf("type %s, want %s", req.Request.Type(), tc.want)
			}
			if d := cmp.Diff(mustMarshal(t, parsed), mustMarshal(t, req)); d != "" {
				t.Errorf("Decode differs from Parse (-parse +decode):\n%s", d)
			}
		})
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
