package kakao_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

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

func TestSkillHandlerStatuses(t *testing.T) {
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
		fn      kakao.SkillFunc
		opts    []kakao.Option
		req     func(t *testing.T) *http.Request
		want    int
		wantErr error // reported to the error handler; nil means none
	}{
		{"ok", echo, nil, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 200, nil},
		{"get", echo, nil, func(t *testing.T) *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) }, 405, webhookio.ErrMethod},
		{"too_large", echo, []kakao.Option{kakao.WithMaxBodyBytes(100)}, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 413, nil},
		{"malformed", echo, nil, func(t *testing.T) *http.Request {
			return httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"userRequest":`))
		}, 400, kakao.ErrMalformed},
		{"not_skill", echo, nil, func(t *testing.T) *http.Request {
			return httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"hello":"world"}`))
		}, 400, kakao.ErrMalformed},
		{"secret_ok", echo, []kakao.Option{secretOpt}, func(t *testing.T) *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithHeader("X-Skill-Secret", secret))
		}, 200, nil},
		{"secret_rotated", echo, []kakao.Option{secretOpt}, func(t *testing.T) *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithHeader("x-skill-secret", "new-secret"))
		}, 200, nil},
		{"secret_missing", echo, []kakao.Option{secretOpt}, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 403, signature.ErrForbidden},
		{"secret_wrong", echo, []kakao.Option{secretOpt}, func(t *testing.T) *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithHeader("X-Skill-Secret", secret+"x"))
		}, 403, signature.ErrForbidden},
		{"secret_prefix", echo, []kakao.Option{secretOpt}, func(t *testing.T) *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithHeader("X-Skill-Secret", secret[:5]))
		}, 403, signature.ErrForbidden},
		{"secret_nul_padding", echo, []kakao.Option{secretOpt}, func(t *testing.T) *http.Request {
			r := kakaotest.NewRequest(t)
			r.Header["X-Skill-Secret"] = []string{secret + "\x00"} // an equivalent HMAC key
			return r
		}, 403, signature.ErrForbidden},
		{"bot_allowed", echo, []kakao.Option{kakao.WithBotIDs("bot-1", "bot-2")}, func(t *testing.T) *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithBotID("bot-2"))
		}, 200, nil},
		{"bot_refused", echo, []kakao.Option{kakao.WithBotIDs("bot-1")}, func(t *testing.T) *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithBotID("bot-3"))
		}, 403, signature.ErrForbidden},
		{"fn_error", failing, nil, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 500, webhookio.ErrCallback},
		{"fn_invalid_response", invalid, nil, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 500, kakao.ErrInvalidResponse},
		{"fn_nil_response", nilResp, nil, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 500, webhookio.ErrCallback},
		{"fn_panic", panics, nil, func(t *testing.T) *http.Request { return kakaotest.NewRequest(t) }, 500, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rec errRecorder
			h, err := kakao.NewSkillHandler(tt.fn, append(tt.opts, kakao.WithErrorHandler(rec.handle))...)
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

func TestSkillHandlerFallback(t *testing.T) {
	t.Parallel()
	fallback := kakao.NewResponse(kakao.Text("잠시 후 다시 시도해 주세요."))
	var rec errRecorder
	h, err := kakao.NewSkillHandler(func(context.Context, *kakao.Request) (*kakao.Response, error) {
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

func TestNewSkillHandlerOptionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fn   kakao.SkillFunc
		opts []kakao.Option
	}{
		{"nil_fn", nil, nil},
		{"max_body", echo, []kakao.Option{kakao.WithMaxBodyBytes(0)}},
		{"error_handler", echo, []kakao.Option{kakao.WithErrorHandler(nil)}},
		{"header_name", echo, []kakao.Option{kakao.WithHeaderSecret("", signature.MustSecretSet("x"))}},
		{"empty_set", echo, []kakao.Option{kakao.WithHeaderSecret("X-A", signature.SecretSet{})}},
		{"bot_ids", echo, []kakao.Option{kakao.WithBotIDs()}},
		{"empty_bot_id", echo, []kakao.Option{kakao.WithBotIDs("")}},
		{"invalid_fallback", echo, []kakao.Option{kakao.WithFallback(kakao.NewResponse())}},
		{"budget", echo, []kakao.Option{kakao.WithCallback(kakao.SkillTimeout, nil)}},
		{"invalid_waiting", echo, []kakao.Option{kakao.WithCallback(0, &kakao.Response{Template: &kakao.Template{}})}},
		{"nil_client", echo, []kakao.Option{kakao.WithCallbackClient(nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := kakao.NewSkillHandler(tt.fn, tt.opts...); err == nil {
				t.Error("NewSkillHandler succeeded")
			} else if !strings.HasPrefix(err.Error(), "kakao: ") {
				t.Errorf("error %q lacks prefix", err)
			}
		})
	}
}

func TestSkillHandlerThroughHTTP(t *testing.T) {
	t.Parallel()
	h, err := kakao.NewSkillHandler(echo)
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
	h, err := kakao.NewSkillHandler(func(context.Context, *kakao.Request) (*kakao.Response, error) {
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
