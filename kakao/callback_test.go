package kakao_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/google/go-cmp/cmp"
)

// tokenOf returns the secret part of a fake callback URL.
func tokenOf(u string) string { return u[strings.LastIndex(u, "/")+1:] }

// budget is the callback budget newCallbackHandler sets (WithCallback's
// default); advancing the handler's clock by it fires the budget.
const budget = kakao.DefaultCallbackBudget

// newCallbackHandler returns a callback-enabled handler on clk, the clock
// its budget and callback validity run on.
func newCallbackHandler(t *testing.T, clk *webhookio.ManualClock, fn kakao.HandlerFunc, rec *errRecorder, opts ...kakao.HandlerOption) *kakao.WebhookHandler {
	t.Helper()
	opts = append([]kakao.HandlerOption{
		kakao.WithCallback(0, &kakao.Response{Data: map[string]any{"text": "잠시만 기다려 주세요"}}),
		kakao.WithErrorHandler(rec.handle),
	}, opts...)
	h, err := kakao.NewWebhookHandler(fn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	kakao.SetClock(h, clk)
	return h
}

func final(text string) *kakao.Response { return kakao.NewResponse(kakao.Text(text)) }

func TestCallbackFnBeforeBudget(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewServer(t)
	var rec errRecorder
	clk := webhookio.NewManualClock(time.Now()) // never advanced
	h := newCallbackHandler(t, clk, func(context.Context, *kakao.Request) (*kakao.Response, error) {
		return final("빠른 답"), nil
	}, &rec)
	res := kakaotest.Post(t, h, kakaotest.WithCallbackURL(cb.NewCallbackURL()))
	h.Wait(context.Background())
	if res.StatusCode != 200 || res.Response.UseCallback {
		t.Fatalf("status %d, response %+v", res.StatusCode, res.Response)
	}
	if diff := cmp.Diff(final("빠른 답"), res.Response); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if n := len(cb.Calls()); n != 0 {
		t.Errorf("callback endpoint got %d requests, want 0", n)
	}
	if n := clk.Pending(); n != 0 {
		t.Errorf("%d budget timers still pending after the answer", n)
	}
	if errs := rec.all(); len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
}

func TestCallbackFnAfterBudget(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewServer(t)
	var rec errRecorder
	clk := webhookio.NewManualClock(time.Now())
	release := make(chan struct{})
	ctxErr := make(chan error, 1)
	h := newCallbackHandler(t, clk, func(ctx context.Context, _ *kakao.Request) (*kakao.Response, error) {
		<-release
		ctxErr <- ctx.Err()
		return final("느린 답"), nil
	}, &rec)

	ctx, cancel := context.WithCancel(context.Background())
	req := kakaotest.NewRequest(t, kakaotest.WithCallbackURL(cb.NewCallbackURL())).WithContext(ctx)
	go func() {
		clk.WaitForTimer(1)
		clk.Advance(budget)
	}()
	res := kakaotest.Do(t, h, req) // returns with the flushed waiting answer
	want := &kakao.Response{UseCallback: true, Data: map[string]any{"text": "잠시만 기다려 주세요"}}
	if diff := cmp.Diff(want, res.Response); diff != "" {
		t.Errorf("waiting answer (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(res.Body), `"useCallback":true`) || !strings.Contains(string(res.Body), `"version":"2.0"`) {
		t.Errorf("waiting body %s", res.Body)
	}
	if got, want := res.Header.Get("Content-Length"), strconv.Itoa(len(res.Body)); got != want {
		t.Errorf("waiting answer Content-Length %q, want %q (a complete answer)", got, want)
	}
	cancel() // the skill request ends; fn must keep running
	close(release)
	h.Wait(context.Background())
	if err := <-ctxErr; err != nil {
		t.Errorf("fn's context ended with the request: %v", err)
	}
	ds := cb.Calls()
	if len(ds) != 1 {
		t.Fatalf("%d deliveries, want exactly 1", len(ds))
	}
	if ds[0].Status != kakao.CallbackSuccess {
		t.Errorf("delivery answered %s %s", ds[0].Status, ds[0].Message)
	}
	if diff := cmp.Diff(final("느린 답"), ds[0].Response); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
	if strings.Contains(string(ds[0].Body), "useCallback") {
		t.Errorf("final body carries useCallback: %s", ds[0].Body)
	}
	if errs := rec.all(); len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
}

// TestCallbackRace makes fn finish and the budget expire at the same
// moment, many times: whichever the handler sees first, the final response
// reaches Kakao exactly once (in the HTTP answer or by callback, never both,
// never neither).
func TestCallbackRace(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewServer(t)
	const runs = 200
	var syncAnswers, callbacks int
	for i := range runs {
		var rec errRecorder
		clk := webhookio.NewManualClock(time.Now())
		// fn returns as the budget fires: both are ready when the
		// handler chooses.
		start := make(chan struct{})
		go func() {
			clk.WaitForTimer(1)
			close(start)
			clk.Advance(budget)
		}()
		h := newCallbackHandler(t, clk, func(context.Context, *kakao.Request) (*kakao.Response, error) {
			<-start
			return final("답"), nil
		}, &rec)
		u := cb.NewCallbackURL()
		res := kakaotest.Post(t, h, kakaotest.WithCallbackURL(u))
		h.Wait(context.Background())
		var delivered int
		for _, d := range cb.Calls() {
			if d.Token == tokenOf(u) {
				delivered++
			}
		}
		inAnswer := res.Response != nil && res.Response.Template != nil && !res.Response.UseCallback
		switch {
		case inAnswer && delivered == 0:
			syncAnswers++
		case !inAnswer && res.Response.UseCallback && delivered == 1:
			callbacks++
		default:
			t.Fatalf("run %d: answer %s and %d deliveries; want exactly one delivery in total", i, res.Body, delivered)
		}
		if errs := rec.all(); len(errs) != 0 {
			t.Fatalf("run %d: errors %v", i, errs)
		}
	}
	t.Logf("%d runs: %d answered synchronously, %d by callback", runs, syncAnswers, callbacks)
}

func TestCallbackFnFails(t *testing.T) {
	t.Parallel()
	fallback := final("죄송해요, 다시 물어봐 주세요.")
	tests := []struct {
		name     string
		opts     []kakao.HandlerOption
		want     *kakao.Response // delivered; nil means nothing
		response *kakao.Response
		err      error
		panics   bool
	}{
		{"error_no_fallback", nil, nil, nil, errors.New("model timeout"), false},
		{"error_fallback", []kakao.HandlerOption{kakao.WithFallback(fallback)}, fallback, nil, errors.New("model timeout"), false},
		{"invalid_fallback", []kakao.HandlerOption{kakao.WithFallback(fallback)}, fallback, kakao.NewResponse(), nil, false},
		{"panic_fallback", []kakao.HandlerOption{kakao.WithFallback(fallback)}, fallback, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cb := kakaotest.NewServer(t)
			var rec errRecorder
			clk := webhookio.NewManualClock(time.Now())
			h := newCallbackHandler(t, clk, func(context.Context, *kakao.Request) (*kakao.Response, error) {
				clk.Advance(budget) // the budget runs out while fn works
				if tt.panics {
					panic("model exploded")
				}
				return tt.response, tt.err
			}, &rec, tt.opts...)
			res := kakaotest.Post(t, h, kakaotest.WithCallbackURL(cb.NewCallbackURL()))
			h.Wait(context.Background())
			if res.StatusCode != 200 || !res.Response.UseCallback {
				t.Fatalf("status %d %s, want the waiting answer", res.StatusCode, res.Body)
			}
			ds := cb.Calls()
			if tt.want == nil {
				if len(ds) != 0 {
					t.Errorf("%d deliveries, want 0", len(ds))
				}
			} else if len(ds) != 1 {
				t.Fatalf("%d deliveries, want 1", len(ds))
			} else if diff := cmp.Diff(tt.want, ds[0].Response); diff != "" {
				t.Errorf("delivered (-want +got):\n%s", diff)
			}
			errs := rec.all()
			if len(errs) != 1 {
				t.Fatalf("errors %v, want 1", errs)
			}
			if !errors.Is(errs[0], kakao.ErrCallback) {
				t.Errorf("error %v does not wrap ErrCallback", errs[0])
			}
			if tt.panics && !errors.Is(errs[0], webhookio.ErrPanic) {
				t.Errorf("error %v does not wrap ErrPanic", errs[0])
			}
		})
	}
}

func TestCallbackFailureReported(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	tests := []struct {
		name    string
		prepare func(cb *kakaotest.Server)
		code    string
		message string
	}{
		{"expired", func(*kakaotest.Server) { advance(kakao.CallbackValidity) }, "FAIL", kakaotest.MsgInvalidToken},
		{"queued_fail", func(cb *kakaotest.Server) {
			cb.RejectNext(kakao.CallbackFail, "Invalid bot ID. Check your Bot ID.")
		}, "FAIL", "Invalid bot ID. Check your Bot ID."},
		{"queued_error", func(cb *kakaotest.Server) {
			cb.RejectNext(kakao.CallbackError, "Internal server error occured. Please contact technical support. 501")
		}, "ERROR", "Internal server error occured. Please contact technical support. 501"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: the subtests share the fake's clock.
			cb := kakaotest.NewServer(t, kakaotest.WithClock(clock))
			var rec errRecorder
			clk := webhookio.NewManualClock(time.Now())
			release := make(chan struct{})
			var logs syncBuffer
			cc, err := kakao.New(kakao.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			if err != nil {
				t.Fatal(err)
			}
			h := newCallbackHandler(t, clk, func(context.Context, *kakao.Request) (*kakao.Response, error) {
				clk.Advance(budget)
				<-release
				return final("답"), nil
			}, &rec, kakao.WithClient(cc))
			u := cb.NewCallbackURL()
			kakaotest.Post(t, h, kakaotest.WithCallbackURL(u))
			tt.prepare(cb)
			close(release)
			h.Wait(context.Background())
			errs := rec.all()
			if len(errs) != 1 {
				t.Fatalf("errors %v, want 1", errs)
			}
			var apiErr *kakao.APIError
			if !errors.As(errs[0], &apiErr) {
				t.Fatalf("error %v is not *APIError", errs[0])
			}
			if apiErr.Code != tt.code || apiErr.Message != tt.message || apiErr.StatusCode != 200 || apiErr.TaskID == "" {
				t.Errorf("APIError = %+v", apiErr)
			}
			for _, s := range []string{errs[0].Error(), logs.String()} {
				if strings.Contains(s, tokenOf(u)) {
					t.Errorf("callback URL leaked: %s", s)
				}
			}
			if len(cb.Calls()) != 1 {
				t.Errorf("deliveries %d, want 1", len(cb.Calls()))
			}
		})
	}
}

// syncBuffer is a log sink safe for the handler's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestCallbackContextDeadline(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewServer(t)
	var rec errRecorder
	t0 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	clk := webhookio.NewManualClock(t0)
	got := make(chan time.Time, 1)
	h := newCallbackHandler(t, clk, func(ctx context.Context, _ *kakao.Request) (*kakao.Response, error) {
		clk.Advance(budget)
		d, _ := ctx.Deadline()
		got <- d
		return nil, ctx.Err()
	}, &rec)
	kakaotest.Post(t, h, kakaotest.WithCallbackURL(cb.NewCallbackURL()))
	h.Wait(context.Background())
	if d := <-got; !d.Equal(t0.Add(kakao.CallbackValidity)) {
		t.Errorf("fn deadline %v, want %v", d, t0.Add(kakao.CallbackValidity))
	}
	// The URL expired long ago by the handler's clock: fn sees an ended
	// context and nothing is delivered.
	if n := len(cb.Calls()); n != 0 {
		t.Errorf("%d callback requests, want 0", n)
	}
	if errs := rec.all(); len(errs) != 1 || !errors.Is(errs[0], context.DeadlineExceeded) {
		t.Errorf("errors %v", errs)
	}
}

func TestNoCallbackURLIsSynchronous(t *testing.T) {
	t.Parallel()
	var rec errRecorder
	clk := webhookio.NewManualClock(time.Now())
	h := newCallbackHandler(t, clk, func(context.Context, *kakao.Request) (*kakao.Response, error) {
		clk.Advance(budget) // would fire a budget, had one been armed
		return final("동기"), nil
	}, &rec)
	res := kakaotest.Post(t, h)
	if res.Response.UseCallback || res.Response.Template == nil {
		t.Errorf("answer %s", res.Body)
	}
	if errs := rec.all(); len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
}

func TestCallbackClientSend(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewServer(t)
	cc, err := kakao.New()
	if err != nil {
		t.Fatal(err)
	}
	u := cb.NewCallbackURL()
	resp := final("완료")
	resp.UseCallback = true // stripped before sending
	res, err := cc.Send(context.Background(), u, resp)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != kakao.CallbackSuccess || res.TaskID == "" || res.Meta.StatusCode != 200 || time.Since(res.Time()) > time.Hour {
		t.Errorf("result %+v", res)
	}
	// Single use: the same URL fails the second time.
	_, err = cc.Send(context.Background(), u, final("again"))
	var apiErr *kakao.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "FAIL" || apiErr.Message != kakaotest.MsgInvalidToken {
		t.Errorf("second send: %v", err)
	}
	if strings.Contains(err.Error(), tokenOf(u)) {
		t.Errorf("error leaks the URL: %v", err)
	}
	if !strings.Contains(string(cb.Calls()[0].Body), `"version":"2.0"`) || strings.Contains(string(cb.Calls()[0].Body), "useCallback") {
		t.Errorf("body %s", cb.Calls()[0].Body)
	}
}

func TestCallbackClientRejectsBeforeSending(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewServer(t)
	cc, err := kakao.New(kakao.WithAllowedHosts("bot-api.kakao.com"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		url  string
		resp *kakao.Response
		want error
	}{
		{"host_not_allowed", cb.NewCallbackURL(), final("a"), kakao.ErrCallbackURL},
		{"empty", "", final("a"), kakao.ErrCallbackURL},
		{"relative", "/callback/secret-token", final("a"), kakao.ErrCallbackURL},
		{"scheme", "ftp://bot-api.kakao.com/secret-token", final("a"), kakao.ErrCallbackURL},
		{"userinfo", "https://u:p@bot-api.kakao.com/secret-token", final("a"), kakao.ErrCallbackURL},
		{"bad_escape", "https://bot-api.kakao.com/%zz/secret-token", final("a"), kakao.ErrCallbackURL},
		{"invalid_response", "https://bot-api.kakao.com/secret-token", kakao.NewResponse(kakao.Text("")), kakao.ErrInvalid},
		{"nil_response", "https://bot-api.kakao.com/secret-token", nil, kakao.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cc.Send(context.Background(), tt.url, tt.resp)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if !errors.Is(err, kakao.ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid: nothing was sent", err)
			}
			var ae *kakao.ArgumentError
			if (tt.want == kakao.ErrCallbackURL || tt.resp == nil) && !errors.As(err, &ae) {
				t.Errorf("error %v is not an *ArgumentError", err)
			}
			if tt.url != "" && strings.Contains(err.Error(), tokenOf(tt.url)) {
				t.Errorf("error leaks the URL: %v", err)
			}
		})
	}
	if n := len(cb.Calls()); n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

func TestCallbackClientRetries(t *testing.T) {
	t.Parallel()
	var sleeps atomic.Int32
	sleep := func(context.Context, time.Duration) error { sleeps.Add(1); return nil }
	newClient := func(t *testing.T, opts ...kakao.Option) *kakao.Client {
		cc, err := kakao.New(append([]kakao.Option{kakao.WithRetry(3, time.Millisecond, time.Millisecond), kakao.WithSleep(sleep)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return cc
	}

	t.Run("dial_error_retried", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		u := dead.URL + "/v1/callback/dead-secret-token"
		dead.Close()
		before := sleeps.Load()
		var mu sync.Mutex
		var attempts []error
		_, err := newClient(t, kakao.WithErrorHandler(func(r *http.Request, err error) {
			if r != nil {
				t.Errorf("error handler got a request: a client hands none to user code")
			}
			mu.Lock()
			attempts = append(attempts, err)
			mu.Unlock()
		})).Send(context.Background(), u, final("a"))
		if err == nil {
			t.Fatal("send to a closed port succeeded")
		}
		if got := sleeps.Load() - before; got != 2 {
			t.Errorf("%d retries, want 2 (3 attempts)", got)
		}
		if strings.Contains(err.Error(), "dead-secret-token") {
			t.Errorf("error leaks the URL: %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(attempts) != 2 {
			t.Errorf("error handler got %d failed attempts, want the 2 retried ones: %v", len(attempts), attempts)
		}
		for _, a := range attempts {
			if strings.Contains(a.Error(), "dead-secret-token") || !strings.HasPrefix(a.Error(), "kakao: ") {
				t.Errorf("attempt error %q leaks the URL or lacks the prefix", a)
			}
		}
	})

	t.Run("status_500_not_retried", func(t *testing.T) {
		cb := kakaotest.NewServer(t)
		cb.FailNext(kakaotest.Fault{Path: kakaotest.CallbackPath, Status: 500,
			Body: []byte(`{"status":"ERROR","message":"Internal server error occured. Please contact technical support. 999"}`)})
		_, err := newClient(t).Send(context.Background(), cb.NewCallbackURL(), final("a"))
		var apiErr *kakao.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Code != "ERROR" {
			t.Fatalf("error %v", err)
		}
		if n := len(cb.Calls()); n != 1 {
			t.Errorf("%d requests, want 1: a POST Kakao may have seen is never repeated", n)
		}
	})

	t.Run("fault_with_kakaos_own_body", func(t *testing.T) {
		cb := kakaotest.NewServer(t)
		cb.FailNext(kakaotest.Fault{Path: kakaotest.CallbackPath, Status: http.StatusBadGateway})
		_, err := newClient(t).Send(context.Background(), cb.NewCallbackURL(), final("a"))
		var apiErr *kakao.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway || apiErr.Code != "ERROR" ||
			apiErr.Message != kakaotest.MsgInternalError || apiErr.TaskID == "" {
			t.Fatalf("error %v (%+v)", err, apiErr)
		}
		if n := len(cb.Calls()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})

	t.Run("connection_dropped_after_body_not_retried", func(t *testing.T) {
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			_, _ = io.ReadAll(r.Body)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		}))
		defer srv.Close()
		_, err := newClient(t).Send(context.Background(), srv.URL+"/v1/callback/drop-secret-token", final("a"))
		if err == nil {
			t.Fatal("send succeeded")
		}
		if n := hits.Load(); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
		if strings.Contains(err.Error(), "drop-secret-token") {
			t.Errorf("error leaks the URL: %v", err)
		}
	})
}

func TestNewOptionErrors(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]kakao.Option{
		"http_client":   kakao.WithHTTPClient(nil),
		"retry":         kakao.WithRetry(3, 0, 0),
		"user_agent":    kakao.WithUserAgent(""),
		"logger":        kakao.WithLogger(nil),
		"error_handler": kakao.WithErrorHandler(nil),
		"hosts":         kakao.WithAllowedHosts(),
		"empty_host":    kakao.WithAllowedHosts(""),
		"nil_option":    nil,
	} {
		_, err := kakao.New(opt)
		var ae *kakao.ArgumentError
		if !errors.As(err, &ae) {
			t.Errorf("%s: New = %v, want an *ArgumentError", name, err)
		} else if !strings.HasPrefix(err.Error(), "kakao: ") {
			t.Errorf("%s: error %q lacks the prefix", name, err)
		}
	}
}

// TestCallbackRequestEndsBeforeBudget: Kakao hangs up while fn works.
// Whether the budget then runs out or fn returns first, nothing was
// promised, so nothing is written and nothing is sent; the dropped answer
// is reported.
func TestCallbackRequestEndsBeforeBudget(t *testing.T) {
	t.Parallel()
	for _, budgetFires := range []bool{true, false} {
		cb := kakaotest.NewServer(t)
		var rec errRecorder
		clk := webhookio.NewManualClock(time.Now())
		ctx, cancel := context.WithCancel(context.Background())
		h := newCallbackHandler(t, clk, func(context.Context, *kakao.Request) (*kakao.Response, error) {
			cancel() // Kakao hangs up while fn works
			if budgetFires {
				clk.Advance(budget)
			}
			return final("늦은 답"), nil
		}, &rec)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, kakaotest.NewRequest(t, kakaotest.WithCallbackURL(cb.NewCallbackURL())).WithContext(ctx))
		h.Wait(context.Background())
		if n := len(cb.Calls()); n != 0 {
			t.Errorf("budget fires %v: %d callback requests; nothing was promised, so nothing may be sent", budgetFires, n)
		}
		if w.Body.Len() != 0 {
			t.Errorf("budget fires %v: answer %s written to a request that had ended", budgetFires, w.Body)
		}
		if errs := rec.all(); len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
			t.Errorf("budget fires %v: errors %v", budgetFires, errs)
		}
	}
}
