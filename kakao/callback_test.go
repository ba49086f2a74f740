package kakao_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/google/go-cmp/cmp"
)

// manualTimer is an injected budget timer the test fires by hand.
type manualTimer struct {
	c     chan time.Time
	ready func() // called when the handler starts the timer, before it waits
}

func newManualTimer() *manualTimer { return &manualTimer{c: make(chan time.Time, 1)} }

func (m *manualTimer) after(time.Duration) (<-chan time.Time, func() bool) {
	if m.ready != nil {
		m.ready()
	}
	return m.c, func() bool { return true }
}

func (m *manualTimer) fire() { m.c <- time.Now() }

// tokenOf returns the secret part of a fake callback URL.
func tokenOf(u string) string { return u[strings.LastIndex(u, "/")+1:] }

func newCallbackHandler(t *testing.T, fn kakao.SkillFunc, timer *manualTimer, rec *errRecorder, opts ...kakao.Option) *kakao.SkillHandler {
	t.Helper()
	opts = append([]kakao.Option{
		kakao.WithCallback(0, &kakao.Response{Data: map[string]any{"text": "잠시만 기다려 주세요"}}),
		kakao.WithErrorHandler(rec.handle),
	}, opts...)
	h, err := kakao.NewSkillHandler(fn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	kakao.SetTimer(h, timer.after)
	return h
}

func final(text string) *kakao.Response { return kakao.NewResponse(kakao.Text(text)) }

func TestCallbackFnBeforeBudget(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewCallbackServer(t)
	var rec errRecorder
	timer := newManualTimer() // never fires
	h := newCallbackHandler(t, func(context.Context, *kakao.Request) (*kakao.Response, error) {
		return final("빠른 답"), nil
	}, timer, &rec)
	res := kakaotest.Post(t, h, kakaotest.WithCallbackURL(cb.NewCallbackURL()))
	h.Wait(context.Background())
	if res.StatusCode != 200 || res.Response.UseCallback {
		t.Fatalf("status %d, response %+v", res.StatusCode, res.Response)
	}
	if diff := cmp.Diff(final("빠른 답"), res.Response); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if n := cb.Requests(); n != 0 {
		t.Errorf("callback endpoint got %d requests, want 0", n)
	}
	if errs := rec.all(); len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
}

func TestCallbackFnAfterBudget(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewCallbackServer(t)
	var rec errRecorder
	timer := newManualTimer()
	timer.fire() // the budget is already spent when the handler looks
	release := make(chan struct{})
	ctxErr := make(chan error, 1)
	h := newCallbackHandler(t, func(ctx context.Context, _ *kakao.Request) (*kakao.Response, error) {
		<-release
		ctxErr <- ctx.Err()
		return final("느린 답"), nil
	}, timer, &rec)

	ctx, cancel := context.WithCancel(context.Background())
	req := kakaotest.NewRequest(t, kakaotest.WithCallbackURL(cb.NewCallbackURL())).WithContext(ctx)
	res := kakaotest.Do(t, h, req)
	want := &kakao.Response{UseCallback: true, Data: map[string]any{"text": "잠시만 기다려 주세요"}}
	if diff := cmp.Diff(want, res.Response); diff != "" {
		t.Errorf("waiting answer (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(res.Body), `"useCallback":true`) || !strings.Contains(string(res.Body), `"version":"2.0"`) {
		t.Errorf("waiting body %s", res.Body)
	}
	cancel() // the skill request ends; fn must keep running
	close(release)
	h.Wait(context.Background())
	if err := <-ctxErr; err != nil {
		t.Errorf("fn's context ended with the request: %v", err)
	}
	ds := cb.Deliveries()
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
	cb := kakaotest.NewCallbackServer(t)
	const runs = 200
	var syncAnswers, callbacks int
	for i := range runs {
		var rec errRecorder
		returned := make(chan struct{})
		timer := newManualTimer()
		// Fire the budget only once fn has returned, so both are ready
		// when the handler chooses.
		timer.ready = func() {
			<-returned
			timer.fire()
		}
		h := newCallbackHandler(t, func(context.Context, *kakao.Request) (*kakao.Response, error) {
			defer close(returned)
			return final("답"), nil
		}, timer, &rec)
		u := cb.NewCallbackURL()
		res := kakaotest.Post(t, h, kakaotest.WithCallbackURL(u))
		h.Wait(context.Background())
		var delivered int
		for _, d := range cb.Deliveries() {
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
		opts     []kakao.Option
		want     *kakao.Response // delivered; nil means nothing
		response *kakao.Response
		err      error
	}{
		{"error_no_fallback", nil, nil, nil, errors.New("model timeout")},
		{"error_fallback", []kakao.Option{kakao.WithFallback(fallback)}, fallback, nil, errors.New("model timeout")},
		{"invalid_fallback", []kakao.Option{kakao.WithFallback(fallback)}, fallback, kakao.NewResponse(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cb := kakaotest.NewCallbackServer(t)
			var rec errRecorder
			timer := newManualTimer()
			timer.fire()
			h := newCallbackHandler(t, func(context.Context, *kakao.Request) (*kakao.Response, error) {
				return tt.response, tt.err
			}, timer, &rec, tt.opts...)
			res := kakaotest.Post(t, h, kakaotest.WithCallbackURL(cb.NewCallbackURL()))
			h.Wait(context.Background())
			if res.StatusCode != 200 {
				t.Fatalf("status %d", res.StatusCode)
			}
			ds := cb.Deliveries()
			if tt.want == nil {
				if len(ds) != 0 {
					t.Errorf("%d deliveries, want 0", len(ds))
				}
			} else if len(ds) != 1 {
				t.Fatalf("%d deliveries, want 1", len(ds))
			} else if res.Response.UseCallback {
				if diff := cmp.Diff(tt.want, ds[0].Response); diff != "" {
					t.Errorf("delivered (-want +got):\n%s", diff)
				}
			}
			if errs := rec.all(); len(errs) != 1 {
				t.Errorf("errors %v, want 1", errs)
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
		prepare func(cb *kakaotest.CallbackServer)
		code    string
		message string
	}{
		{"expired", func(*kakaotest.CallbackServer) { advance(kakao.CallbackValidity) }, "FAIL", kakaotest.MsgInvalidToken},
		{"queued_fail", func(cb *kakaotest.CallbackServer) {
			cb.FailNext(kakao.CallbackFail, "Invalid bot ID. Check your Bot ID.")
		}, "FAIL", "Invalid bot ID. Check your Bot ID."},
		{"queued_error", func(cb *kakaotest.CallbackServer) {
			cb.FailNext(kakao.CallbackError, "Internal server error occured. Please contact technical support. 501")
		}, "ERROR", "Internal server error occured. Please contact technical support. 501"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: the subtests share the clock.
			cb := kakaotest.NewCallbackServer(t, kakaotest.WithClock(clock))
			var rec errRecorder
			timer := newManualTimer()
			timer.fire()
			release := make(chan struct{})
			var logs bytes.Buffer
			cc, err := kakao.NewCallbackClient(kakao.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			if err != nil {
				t.Fatal(err)
			}
			h := newCallbackHandler(t, func(context.Context, *kakao.Request) (*kakao.Response, error) {
				<-release
				return final("답"), nil
			}, timer, &rec, kakao.WithCallbackClient(cc))
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
			if len(cb.Deliveries()) != 1 {
				t.Errorf("deliveries %d, want 1", len(cb.Deliveries()))
			}
		})
	}
}

func TestCallbackContextDeadline(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewCallbackServer(t)
	var rec errRecorder
	timer := newManualTimer()
	timer.fire()
	t0 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	got := make(chan time.Time, 1)
	h := newCallbackHandler(t, func(ctx context.Context, _ *kakao.Request) (*kakao.Response, error) {
		d, _ := ctx.Deadline()
		got <- d
		return nil, ctx.Err()
	}, timer, &rec)
	kakao.SetClock(h, func() time.Time { return t0 })
	kakaotest.Post(t, h, kakaotest.WithCallbackURL(cb.NewCallbackURL()))
	h.Wait(context.Background())
	if d := <-got; !d.Equal(t0.Add(kakao.CallbackValidity)) {
		t.Errorf("fn deadline %v, want %v", d, t0.Add(kakao.CallbackValidity))
	}
	// The URL expired long ago by the handler's clock: fn sees an ended
	// context and nothing is delivered.
	if n := cb.Requests(); n != 0 {
		t.Errorf("%d callback requests, want 0", n)
	}
	if errs := rec.all(); len(errs) != 1 || !errors.Is(errs[0], context.DeadlineExceeded) {
		t.Errorf("errors %v", errs)
	}
}

func TestNoCallbackURLIsSynchronous(t *testing.T) {
	t.Parallel()
	var rec errRecorder
	timer := newManualTimer()
	timer.fire()
	h := newCallbackHandler(t, func(context.Context, *kakao.Request) (*kakao.Response, error) {
		return final("동기"), nil
	}, timer, &rec)
	res := kakaotest.Post(t, h)
	if res.Response.UseCallback || res.Response.Template == nil {
		t.Errorf("answer %s", res.Body)
	}
}

func TestCallbackClientSend(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewCallbackServer(t)
	cc, err := kakao.NewCallbackClient()
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
	if !strings.Contains(string(cb.Deliveries()[0].Body), `"version":"2.0"`) || strings.Contains(string(cb.Deliveries()[0].Body), "useCallback") {
		t.Errorf("body %s", cb.Deliveries()[0].Body)
	}
}

func TestCallbackClientRejectsBeforeSending(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewCallbackServer(t)
	cc, err := kakao.NewCallbackClient(kakao.WithAllowedHosts("bot-api.kakao.com"))
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
		{"invalid_response", "https://bot-api.kakao.com/secret-token", kakao.NewResponse(kakao.Text("")), kakao.ErrInvalidResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cc.Send(context.Background(), tt.url, tt.resp)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if tt.url != "" && strings.Contains(err.Error(), tokenOf(tt.url)) {
				t.Errorf("error leaks the URL: %v", err)
			}
		})
	}
	if n := cb.Requests(); n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

func TestCallbackClientRetries(t *testing.T) {
	t.Parallel()
	var sleeps atomic.Int32
	sleep := func(context.Context, time.Duration) error { sleeps.Add(1); return nil }
	newClient := func(t *testing.T) *kakao.CallbackClient {
		cc, err := kakao.NewCallbackClient(kakao.WithRetry(3, time.Millisecond, time.Millisecond), kakao.WithSleep(sleep))
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
		_, err := newClient(t).Send(context.Background(), u, final("a"))
		if err == nil {
			t.Fatal("send to a closed port succeeded")
		}
		if got := sleeps.Load() - before; got != 2 {
			t.Errorf("%d retries, want 2 (3 attempts)", got)
		}
		if strings.Contains(err.Error(), "dead-secret-token") {
			t.Errorf("error leaks the URL: %v", err)
		}
	})

	t.Run("status_500_not_retried", func(t *testing.T) {
		cb := kakaotest.NewCallbackServer(t)
		cb.InjectHTTPStatus(500, []byte(`{"status":"ERROR","message":"Internal server error occured. Please contact technical support. 999"}`))
		_, err := newClient(t).Send(context.Background(), cb.NewCallbackURL(), final("a"))
		var apiErr *kakao.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Code != "ERROR" {
			t.Fatalf("error %v", err)
		}
		if n := cb.Requests(); n != 1 {
			t.Errorf("%d requests, want 1: a POST Kakao may have seen is never repeated", n)
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

func TestNewCallbackClientOptionErrors(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]kakao.ClientOption{
		"http_client": kakao.WithHTTPClient(nil),
		"retry":       kakao.WithRetry(3, 0, 0),
		"user_agent":  kakao.WithUserAgent(""),
		"logger":      kakao.WithLogger(nil),
		"hosts":       kakao.WithAllowedHosts(),
		"empty_host":  kakao.WithAllowedHosts(""),
	} {
		if _, err := kakao.NewCallbackClient(opt); err == nil {
			t.Errorf("%s: NewCallbackClient succeeded", name)
		}
	}
}

func TestCallbackRequestEndsBeforeBudget(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewCallbackServer(t)
	var rec errRecorder
	timer := newManualTimer() // never fires
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	h := newCallbackHandler(t, func(context.Context, *kakao.Request) (*kakao.Response, error) {
		cancel() // Kakao hangs up while fn works
		<-release
		return final("늦은 답"), nil
	}, timer, &rec)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, kakaotest.NewRequest(t, kakaotest.WithCallbackURL(cb.NewCallbackURL())).WithContext(ctx))
	close(release)
	h.Wait(context.Background())
	if n := cb.Requests(); n != 0 {
		t.Errorf("%d callback requests; nothing was promised, so nothing may be sent", n)
	}
	if errs := rec.all(); len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("errors %v", errs)
	}
}
