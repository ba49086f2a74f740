package kakao_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/signature"
	"github.com/google/go-cmp/cmp"
)

// errRecorder collects what a handler reports.
type errRecorder struct {
	mu   sync.Mutex
	errs []error
}

func (e *errRecorder) handle(_ *http.Request, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.errs = append(e.errs, err)
}

func (e *errRecorder) all() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}

func echo(_ context.Context, r *kakao.Request) (*kakao.Response, error) {
	return kakao.NewResponse(kakao.Text("you said " + r.UserRequest.Utterance)), nil
}

func TestWebhookHandlerStatuses(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-header-value"
	failing := func(context.Context, *kakao.Request) (*kakao.Response, error) {
		return nil, webhookio.ErrMalformed // an error that maps to 400 elsewhere: must still be 500
	}
	invalid := func(context.Context, *kakao.Request) (*kakao.Response, error) {
		return kakao.NewResponse(kakao.Text(strings.Repeat("가", 1001))), nil
	}
	nilResp := func(context.Context, *kakao.Request) (*kakao.Response, error) { return nil, nil }
	panics := func(context.Context, *kakao.Request) (*kakao.Response, error) { panic("boom") }
	secretOpt := kakao.WithHeaderSecret("X-Skill-Secret", signature.MustSecretSet("new-secret", secret))
	tests := []struct {
		name    string
		fn      kakao.HandlerFunc
		opts    []kakao.HandlerOption
		req     func(t *testing.T) *http.Request
		want    int
		wantErr error // reported to the error handler; nil means none
	}{
		{"ok", echo, nil, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 200, nil},
		{"get", echo, nil, func(t *testing.T) *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) }, 405, webhookio.ErrMethod},
		{"too_large", echo, []kakao.HandlerOption{kakao.WithMaxBodyBytes(100)}, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 413, nil},
		{"malformed", echo, nil, func(t *testing.T) *http.Request {
			return httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"userRequest":`))
		}, 400, kakao.ErrMalformed},
		{"not_skill", echo, nil, func(t *testing.T) *http.Request {
			return httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"hello":"world"}`))
		}, 400, kakao.ErrMalformed},
		{"secret_ok", echo, []kakao.HandlerOption{secretOpt}, func(t *testing.T) *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithHeader("X-Skill-Secret", secret))
		}, 200, nil},
		{"secret_rotated", echo, []kakao.HandlerOption{secretOpt}, func(t *testing.T) *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithHeader("x-skill-secret", "new-secret"))
		}, 200, nil},
		{"secret_missing", echo, []kakao.HandlerOption{secretOpt}, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 403, signature.ErrForbidden},
		{"secret_wrong", echo, []kakao.HandlerOption{secretOpt}, func(t *testing.T) *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithHeader("X-Skill-Secret", secret+"x"))
		}, 403, signature.ErrForbidden},
		{"secret_prefix", echo, []kakao.HandlerOption{secretOpt}, func(t *testing.T) *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithHeader("X-Skill-Secret", secret[:5]))
		}, 403, signature.ErrForbidden},
		{"secret_nul_padding", echo, []kakao.HandlerOption{secretOpt}, func(t *testing.T) *http.Request {
			r := kakaotest.NewRequest(t)
			r.Header["X-Skill-Secret"] = []string{secret + "\x00"} // an equivalent HMAC key
			return r
		}, 403, signature.ErrForbidden},
		{"bot_allowed", echo, []kakao.HandlerOption{kakao.WithBotIDs("bot-1", "bot-2")}, func(t *testing.T) *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithBotID("bot-2"))
		}, 200, nil},
		{"bot_refused", echo, []kakao.HandlerOption{kakao.WithBotIDs("bot-1")}, func(t *testing.T) *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithBotID("bot-3"))
		}, 403, signature.ErrForbidden},
		{"fn_error", failing, nil, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 500, webhookio.ErrCallback},
		{"fn_invalid_response", invalid, nil, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 500, kakao.ErrInvalid},
		{"fn_nil_response", nilResp, nil, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 500, webhookio.ErrCallback},
		{"fn_panic", panics, nil, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 500, webhookio.ErrPanic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rec errRecorder
			h, err := kakao.NewWebhookHandler(tt.fn, append(tt.opts, kakao.WithErrorHandler(rec.handle))...)
			if err != nil {
				t.Fatal(err)
			}
			res := kakaotest.Do(t, h, tt.req(t))
			if res.StatusCode != tt.want {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.want)
			}
			errs := rec.all()
			if tt.want == 200 {
				if len(errs) != 0 {
					t.Errorf("unexpected errors: %v", errs)
				}
				if res.Response == nil || res.Response.Template == nil {
					t.Fatalf("no response decoded: %s", res.Body)
				}
				return
			}
			if len(res.Body) != 0 {
				t.Errorf("failure body %q; want empty", res.Body)
			}
			if len(errs) != 1 {
				t.Fatalf("reported %d errors, want 1: %v", len(errs), errs)
			}
			if tt.wantErr != nil && !errors.Is(errs[0], tt.wantErr) {
				t.Errorf("reported %v, want it to wrap %v", errs[0], tt.wantErr)
			}
			if !strings.HasPrefix(errs[0].Error(), "kakao: ") {
				t.Errorf("error %q lacks the package prefix", errs[0])
			}
			if strings.Contains(errs[0].Error(), secret) || strings.Contains(errs[0].Error(), "new-secret") {
				t.Errorf("error leaks the secret: %v", errs[0])
			}
		})
	}
}

func TestWebhookHandlerFallback(t *testing.T) {
	t.Parallel()
	fallback := kakao.NewResponse(kakao.Text("잠시 후 다시 시도해 주세요."))
	var rec errRecorder
	h, err := kakao.NewWebhookHandler(func(context.Context, *kakao.Request) (*kakao.Response, error) {
		return nil, errors.New("database down")
	}, kakao.WithFallback(fallback), kakao.WithErrorHandler(rec.handle))
	if err != nil {
		t.Fatal(err)
	}
	res := kakaotest.Post(t, h)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if diff := cmp.Diff(fallback, res.Response); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if errs := rec.all(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "database down") {
		t.Errorf("errors = %v", errs)
	}
}

func TestNewWebhookHandlerOptionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fn   kakao.HandlerFunc
		opts []kakao.HandlerOption
	}{
		{"nil_fn", nil, nil},
		{"max_body", echo, []kakao.HandlerOption{kakao.WithMaxBodyBytes(0)}},
		{"error_handler", echo, []kakao.HandlerOption{kakao.WithErrorHandler(nil)}},
		{"header_name", echo, []kakao.HandlerOption{kakao.WithHeaderSecret("", signature.MustSecretSet("x"))}},
		{"empty_set", echo, []kakao.HandlerOption{kakao.WithHeaderSecret("X-A", signature.SecretSet{})}},
		{"bot_ids", echo, []kakao.HandlerOption{kakao.WithBotIDs()}},
		{"empty_bot_id", echo, []kakao.HandlerOption{kakao.WithBotIDs("")}},
		{"invalid_fallback", echo, []kakao.HandlerOption{kakao.WithFallback(kakao.NewResponse())}},
		{"budget", echo, []kakao.HandlerOption{kakao.WithCallback(kakao.SkillTimeout, nil)}},
		{"invalid_waiting", echo, []kakao.HandlerOption{kakao.WithCallback(0, &kakao.Response{Template: &kakao.Template{}})}},
		{"nil_client", echo, []kakao.HandlerOption{kakao.WithClient(nil)}},
		{"nil_logger", echo, []kakao.HandlerOption{kakao.WithLogger(nil)}},
		{"max_in_flight", echo, []kakao.HandlerOption{kakao.WithMaxInFlight(0)}},
		{"nil_fallback", echo, []kakao.HandlerOption{kakao.WithFallback(nil)}},
		{"nil_option", echo, []kakao.HandlerOption{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := kakao.NewWebhookHandler(tt.fn, tt.opts...); err == nil {
				t.Error("NewWebhookHandler succeeded")
			} else if !strings.HasPrefix(err.Error(), "kakao: ") {
				t.Errorf("error %q lacks prefix", err)
			}
		})
	}
}

func TestWebhookHandlerThroughHTTP(t *testing.T) {
	t.Parallel()
	h, err := kakao.NewWebhookHandler(echo)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	res, err := srv.Client().Post(srv.URL, "application/json", bytes.NewReader(kakaotest.NewBody(t, kakaotest.WithUtterance("하이"))))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, content type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestHandlerReportsErrCallback(t *testing.T) {
	t.Parallel()
	var reported error
	h, err := kakao.NewWebhookHandler(func(context.Context, *kakao.Request) (*kakao.Response, error) {
		return nil, errors.New("database down")
	}, kakao.WithErrorHandler(func(_ *http.Request, err error) { reported = err }))
	if err != nil {
		t.Fatal(err)
	}
	res := kakaotest.Do(t, h, kakaotest.NewRequest(t, kakaotest.WithUtterance("hi")))
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", res.StatusCode)
	}
	if !errors.Is(reported, kakao.ErrCallback) {
		t.Errorf("reported %v; want it to wrap kakao.ErrCallback", reported)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	const secret, rotated = "s3cr3t-header-value", "old-secret"
	secrets := signature.MustSecretSet(secret, rotated)
	body := kakaotest.NewBody(t, kakaotest.WithUtterance("안녕"))
	tests := []struct {
		name    string
		secrets signature.SecretSet
		body    []byte
		token   string
		want    error // nil: decodes
	}{
		{"ok", secrets, body, secret, nil},
		{"rotated", secrets, body, rotated, nil},
		{"missing", secrets, body, "", signature.ErrForbidden},
		{"wrong", secrets, body, secret + "x", signature.ErrForbidden},
		{"prefix", secrets, body, secret[:5], signature.ErrForbidden},
		{"empty_set_fails_closed", signature.SecretSet{}, body, secret, signature.ErrForbidden},
		{"malformed", secrets, []byte(`{"userRequest":`), secret, kakao.ErrMalformed},
		{"secret_before_body", secrets, []byte(`{"userRequest":`), "guess", signature.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := kakao.Parse(tt.secrets, tt.body, tt.token)
			if tt.want == nil {
				if err != nil || req.UserRequest.Utterance != "안녕" {
					t.Fatalf("Parse = %+v, %v", req, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse error %v, want %v", err, tt.want)
			}
			if webhookio.Status(err) == http.StatusUnauthorized {
				t.Errorf("error %v maps to 401; a header secret is refused with 403", err)
			}
			if !strings.HasPrefix(err.Error(), "kakao: ") || strings.Contains(err.Error(), secret) {
				t.Errorf("error %q lacks the prefix or leaks the secret", err)
			}
		})
	}
}

// countingBody counts the bytes read from it.
type countingBody struct {
	io.Reader
	n int
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	c.n += n
	return n, err
}

func (*countingBody) Close() error { return nil }

func TestParseRequest(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-header-value"
	secrets := signature.MustSecretSet(secret)
	body := kakaotest.NewBody(t, kakaotest.WithUtterance("안녕"))
	huge := strings.Repeat(" ", kakao.DefaultMaxBodyBytes+1)
	tests := []struct {
		name   string
		header []string // values of DefaultSecretHeader
		body   string
		want   error // nil: decodes
		read   bool  // whether the body may be read
	}{
		{"ok", []string{secret}, string(body), nil, true},
		{"missing", nil, string(body), signature.ErrForbidden, false},
		{"wrong", []string{"guess"}, string(body), signature.ErrForbidden, false},
		{"repeated", []string{secret, "guess"}, string(body), webhookio.ErrRepeatedHeader, false},
		{"repeated_genuine_last", []string{"guess", secret}, string(body), signature.ErrForbidden, false},
		{"oversize", []string{secret}, huge, nil, false},
		{"wrong_and_oversize", []string{"guess"}, huge, signature.ErrForbidden, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cb := &countingBody{Reader: strings.NewReader(tt.body)}
			r := httptest.NewRequest(http.MethodPost, "/skill", nil)
			r.Body, r.ContentLength = cb, int64(len(tt.body))
			r.Header[kakao.DefaultSecretHeader] = tt.header
			req, err := kakao.ParseRequest(secrets, r)
			switch {
			case tt.name == "oversize":
				var mbe *http.MaxBytesError
				if !errors.As(err, &mbe) {
					t.Fatalf("ParseRequest = %v, want an *http.MaxBytesError", err)
				}
			case tt.want == nil:
				if err != nil || req.UserRequest.Utterance != "안녕" {
					t.Fatalf("ParseRequest = %+v, %v", req, err)
				}
			default:
				if !errors.Is(err, tt.want) || !errors.Is(err, signature.ErrForbidden) {
					t.Fatalf("ParseRequest error %v, want %v and ErrForbidden", err, tt.want)
				}
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q leaks the secret", err)
				}
			}
			if !tt.read && cb.n != 0 {
				t.Errorf("read %d bytes of a body it had to refuse unread", cb.n)
			}
		})
	}
}

func TestWebhookHandlerLogs(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-header-value"
	var logs syncBuffer
	h, err := kakao.NewWebhookHandler(echo,
		kakao.WithHeaderSecret(kakao.DefaultSecretHeader, signature.MustSecretSet(secret)),
		kakao.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	if res := kakaotest.Post(t, h, kakaotest.WithSecret(secret+"x")); res.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d, want 403", res.StatusCode)
	}
	if res := kakaotest.Post(t, h, kakaotest.WithSecret(secret)); res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}
	got := logs.String()
	if !strings.Contains(got, "shared-secret header does not match") || strings.Count(got, "\n") != 1 {
		t.Errorf("logs %q; want the one refused request", got)
	}
	if strings.Contains(got, secret) {
		t.Errorf("logs leak the secret: %q", got)
	}
}

// TestWebhookHandlerCapHolds puts many more requests on a handler than its
// in-flight cap, in both modes: no more functions run at once than the
// cap, the handler starts no goroutine of its own for a request (a
// useCallback answer included: its function goes on on the request's
// goroutine), a request that ends while it waits for a slot is answered
// 503, and every other request is answered once its turn comes. Not
// parallel: it counts goroutines.
func TestWebhookHandlerCapHolds(t *testing.T) {
	const limit, load = 4, 64
	for _, callback := range []bool{false, true} {
		t.Run(map[bool]string{false: "skill", true: "callback"}[callback], func(t *testing.T) {
			cb := kakaotest.NewServer(t)
			clk := webhookio.NewManualClock(time.Now())
			var rec errRecorder
			var running, maxRunning atomic.Int32
			started := make(chan struct{}, load)
			release := make(chan struct{})
			fn := func(context.Context, *kakao.Request) (*kakao.Response, error) {
				n := running.Add(1)
				for m := maxRunning.Load(); n > m && !maxRunning.CompareAndSwap(m, n); m = maxRunning.Load() {
				}
				started <- struct{}{}
				<-release
				running.Add(-1)
				return kakao.NewResponse(kakao.Text("ok")), nil
			}
			opts := []kakao.HandlerOption{kakao.WithMaxInFlight(limit), kakao.WithErrorHandler(rec.handle)}
			var reqOpts []kakaotest.RequestOption
			if callback {
				opts = append(opts, kakao.WithCallback(0, nil), kakao.WithClient(cb.Client()))
			}
			h, err := kakao.NewWebhookHandler(fn, opts...)
			if err != nil {
				t.Fatal(err)
			}
			kakao.SetClock(h, clk)

			base := runtime.NumGoroutine()
			codes := make(chan int, load)
			var wg sync.WaitGroup
			for range load {
				if callback {
					reqOpts = []kakaotest.RequestOption{kakaotest.WithCallbackURL(cb.NewCallbackURL())}
				}
				r := kakaotest.NewRequest(t, reqOpts...)
				wg.Add(1)
				go func() {
					defer wg.Done()
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					codes <- w.Code
				}()
			}
			for range limit {
				<-started
			}
			if callback {
				// The running functions miss their budget: their requests
				// are answered useCallback and they go on.
				clk.WaitForTimer(limit)
				clk.Advance(budget)
			}
			if extra := runtime.NumGoroutine() - base - load; extra > 0 {
				t.Errorf("%d goroutines beyond the %d requests' own with %d requests in flight", extra, load, load)
			}

			// The cap is full: a request that ends while it waits is 503.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			w := httptest.NewRecorder()
			h.ServeHTTP(w, kakaotest.NewRequest(t).WithContext(ctx))
			if w.Code != http.StatusServiceUnavailable {
				t.Errorf("request that ended waiting for a slot: %d, want 503", w.Code)
			}
			if errs := rec.all(); len(errs) != 1 || !errors.Is(errs[0], kakao.ErrBusy) {
				t.Errorf("errors %v, want one wrapping ErrBusy", errs)
			}

			close(release)
			wg.Wait()
			if err := h.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			close(codes)
			for c := range codes {
				if c != http.StatusOK {
					t.Errorf("a request waiting for a slot was answered %d, want 200", c)
				}
			}
			if m := maxRunning.Load(); m != limit {
				t.Errorf("at most %d functions ran at once, want the cap %d", m, limit)
			}
			if callback {
				if n := len(cb.Calls()); n != limit {
					t.Errorf("%d callbacks, want %d: the functions that missed their budget", n, limit)
				}
			}
			if errs := rec.all(); len(errs) != 1 {
				t.Errorf("errors %v, want only the 503", errs)
			}
		})
	}
}
