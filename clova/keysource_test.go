package clova_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
)

// TestPublicKeyURLBackoff walks the fetch schedule on the handler's clock: a
// failed fetch is retried 1 s later, then after 2, 4, 8 and at most 10 s
// (never longer than the refresh interval), and one request after the wait
// fetches once, whether a key is cached or not.
func TestPublicKeyURLBackoff(t *testing.T) {
	t.Parallel()
	type step struct {
		name        string
		advance     time.Duration // clock advance before the request
		status      int           // the key server's answer from this step on
		wantCode    int
		wantFetches int32
	}
	tests := []struct {
		name    string
		refresh time.Duration
		steps   []step
	}{
		{name: "recovers one backoff after a failed first fetch", refresh: time.Hour, steps: []step{
			{"first fetch fails closed", 0, 500, 503, 1},
			{"no fetch within the backoff", time.Second - time.Millisecond, 200, 503, 1},
			{"one fetch once the backoff has passed", time.Millisecond, 200, 200, 2},
			{"the key is cached", time.Second, 200, 200, 2},
		}},
		{name: "backoff doubles up to 10 s", refresh: time.Hour, steps: []step{
			{"first fetch fails", 0, 500, 503, 1},
			{"retry after 1 s", time.Second, 500, 503, 2},
			{"not again before 2 s", 2*time.Second - time.Millisecond, 500, 503, 2},
			{"retry after 2 s", time.Millisecond, 500, 503, 3},
			{"retry after 4 s", 4 * time.Second, 500, 503, 4},
			{"retry after 8 s", 8 * time.Second, 500, 503, 5},
			{"not before 10 s", 10*time.Second - time.Millisecond, 500, 503, 5},
			{"retry after 10 s", time.Millisecond, 500, 503, 6},
			{"still 10 s, key server back", 10 * time.Second, 200, 200, 7},
			{"the key is cached", 10 * time.Second, 200, 200, 7},
		}},
		{name: "backoff never exceeds the refresh interval", refresh: 3 * time.Second, steps: []step{
			{"first fetch fails", 0, 500, 503, 1},
			{"retry after 1 s", time.Second, 500, 503, 2},
			{"retry after 2 s", 2 * time.Second, 500, 503, 3},
			{"not before 3 s", 3*time.Second - time.Millisecond, 500, 503, 3},
			{"retry after 3 s, not 4", time.Millisecond, 200, 200, 4},
		}},
		{name: "failed refreshes keep the cached key and retry on the backoff", refresh: time.Hour, steps: []step{
			{"first fetch", 0, 200, 200, 1},
			{"refresh fails, cached key serves", time.Hour, 500, 200, 2},
			{"no fetch within the backoff", time.Second - time.Millisecond, 500, 200, 2},
			{"retry after 1 s", time.Millisecond, 500, 200, 3},
			{"not again before 2 s", 2*time.Second - time.Millisecond, 200, 200, 3},
			{"retry after 2 s succeeds", time.Millisecond, 200, 200, 4},
			{"the new key is cached", 10 * time.Second, 200, 200, 4},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ks := newKeyServer(t, clovatest.PublicKey())
			clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
			var gotErr error
			h, err := clova.NewWebhookHandler(clovatest.ApplicationID, echo,
				clova.WithPublicKeyURL(ks.srv.URL, tc.refresh), clova.WithKeyHTTPClient(ks.srv.Client()), clova.WithClock(clock.Now),
				clova.WithErrorHandler(func(_ *http.Request, err error) { gotErr = err }))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.steps {
				clock.Add(s.advance)
				ks.fail(s.status)
				gotErr = nil
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, clovatest.NewRequest(t, nil, clovatest.Launch()))
				if rec.Code != s.wantCode {
					t.Errorf("%s: status %d, want %d (error: %v)", s.name, rec.Code, s.wantCode, gotErr)
				}
				if s.wantCode == http.StatusServiceUnavailable && !errors.Is(gotErr, clova.ErrKeyUnavailable) {
					t.Errorf("%s: error %v, want ErrKeyUnavailable", s.name, gotErr)
				}
				if got := ks.fetches.Load(); got != s.wantFetches {
					t.Errorf("%s: %d fetches, want %d", s.name, got, s.wantFetches)
				}
			}
		})
	}
}

// TestPublicKeyURLOneFetchDuringFailure: requests that arrive while a fetch
// is failing wait for it (or, with a cached key, keep using that key) and
// start no fetch of their own, even when the failing fetch took longer than
// any backoff.
func TestPublicKeyURLOneFetchDuringFailure(t *testing.T) {
	t.Parallel()
	const n = 16
	tests := []struct {
		name     string
		cached   bool          // a key was fetched before the key server broke
		slow     time.Duration // clock advance while the failing fetch is in flight
		wantCode int
	}{
		{name: "no key, fast failure", wantCode: 503},
		{name: "no key, failure slower than any backoff", slow: time.Minute, wantCode: 503},
		{name: "cached key, fast failure", cached: true, wantCode: 200},
		{name: "cached key, failure slower than any backoff", cached: true, slow: time.Minute, wantCode: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var (
				fetches atomic.Int32
				broken  atomic.Bool
				arrived = make(chan struct{}, 1)
				release = make(chan struct{})
			)
			pem := pemOf(clovatest.PublicKey())
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if fetches.Add(1); !broken.Load() {
					_, _ = w.Write(pem)
					return
				}
				select {
				case arrived <- struct{}{}:
				default:
				}
				<-release
				w.WriteHeader(http.StatusInternalServerError)
			}))
			t.Cleanup(srv.Close)
			clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
			h, err := clova.NewWebhookHandler(clovatest.ApplicationID, echo,
				clova.WithPublicKeyURL(srv.URL, time.Hour), clova.WithKeyHTTPClient(srv.Client()), clova.WithClock(clock.Now))
			if err != nil {
				t.Fatal(err)
			}
			body := launchBody(t)
			sig := clovatest.Sign(nil, body)
			serve := func() int {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, withSig(body, sig))
				return rec.Code
			}
			var before int32
			if tc.cached {
				if code := serve(); code != 200 {
					t.Fatalf("first request: status %d", code)
				}
				clock.Add(2 * time.Hour) // the key is due for a refresh
				before = fetches.Load()
			}
			broken.Store(true)

			codes := make(chan int, n+1)
			var started, done sync.WaitGroup
			done.Add(1)
			go func() { defer done.Done(); codes <- serve() }()
			<-arrived // the failing fetch is in flight
			for range n {
				started.Add(1)
				done.Add(1)
				go func() {
					defer done.Done()
					started.Done()
					codes <- serve()
				}()
			}
			started.Wait()
			clock.Add(tc.slow)
			close(release)
			done.Wait()
			close(codes)
			for code := range codes {
				if code != tc.wantCode {
					t.Errorf("status %d, want %d", code, tc.wantCode)
				}
			}
			if got := fetches.Load() - before; got != 1 {
				t.Errorf("%d fetches for %d requests during a failure, want 1", got, n+1)
			}
		})
	}
}
