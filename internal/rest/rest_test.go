package rest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type apiError struct{ status int }

func (e *apiError) Error() string { return fmt.Sprintf("api error %d", e.status) }

func check(r *Response) error {
	if r.StatusCode/100 == 2 {
		return nil
	}
	return &apiError{r.StatusCode}
}

// newClient returns a client against h whose sleeps are recorded, not slept.
func newClient(t *testing.T, h http.Handler, retry Retry) (*Client, *[]time.Duration) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	base, err := ParseBaseURL(srv.URL + "/api")
	if err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	c := &Client{
		HTTP:    srv.Client(),
		BaseURL: base,
		Retry:   retry,
		Check:   check,
		Now:     func() time.Time { return time.Unix(1_700_000_000, 0) },
		Sleep: func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			return ctx.Err()
		},
		Rand: func(n int64) int64 { return n - 1 }, // the top of the jitter range
	}
	return c, &waits
}

func TestDoSendsJSONAndHeaders(t *testing.T) {
	t.Parallel()
	var got struct {
		method, path, query, ctype, ua, auth, custom, body string
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.path, got.query = r.Method, r.URL.Path, r.URL.RawQuery
		got.ctype, got.ua, got.auth, got.custom, got.body = r.Header.Get("Content-Type"), r.Header.Get("User-Agent"), r.Header.Get("Authorization"), r.Header.Get("X-Custom"), string(b)
		w.Header().Set("X-Request-Id", "req-1")
		fmt.Fprint(w, `{"ok":true}`)
	})
	c, _ := newClient(t, h, Retry{})
	c.Auth = func(_ context.Context, h http.Header) error { h.Set("Authorization", "Bearer tok"); return nil }
	resp, err := c.Do(context.Background(), &Request{
		Method: http.MethodPost, Path: "/v2/bot/message/push", Query: map[string][]string{"a": {"1"}},
		Header: http.Header{"X-Custom": {"yes"}}, JSON: map[string]string{"to": "U1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || string(resp.Body) != `{"ok":true}` || resp.Header.Get("X-Request-Id") != "req-1" || resp.Attempts != 1 {
		t.Errorf("response = %+v", resp)
	}
	want := struct{ method, path, query, ctype, ua, auth, custom, body string }{
		"POST", "/api/v2/bot/message/push", "a=1", "application/json", "channelkit-go/", "Bearer tok", "yes", `{"to":"U1"}`,
	}
	got.ua = got.ua[:len("channelkit-go/")]
	if got != want {
		t.Errorf("request = %+v\nwant      %+v", got, want)
	}
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		statuses   []int
		header     http.Header
		idempotent bool
		retry      Retry
		wantErr    bool
		wantCalls  int
		wantWaits  []time.Duration
	}{
		{name: "5xx_then_ok_idempotent", statuses: []int{503, 500, 200}, idempotent: true, retry: Retry{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second},
			wantCalls: 3, wantWaits: []time.Duration{100*time.Millisecond - 1, 200*time.Millisecond - 1}},
		{name: "5xx_not_idempotent_no_retry", statuses: []int{503, 200}, retry: Retry{MaxAttempts: 3, BaseDelay: time.Millisecond}, wantErr: true, wantCalls: 1},
		{name: "gives_up_after_max", statuses: []int{500, 500, 500, 500}, idempotent: true, retry: Retry{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Second}, wantErr: true, wantCalls: 3,
			wantWaits: []time.Duration{time.Millisecond - 1, 2*time.Millisecond - 1}},
		{name: "429_retry_after_seconds", statuses: []int{429, 200}, header: http.Header{"Retry-After": {"2"}}, idempotent: true, retry: Retry{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Second},
			wantCalls: 2, wantWaits: []time.Duration{2 * time.Second}},
		{name: "429_retry_after_date", statuses: []int{429, 200}, header: http.Header{"Retry-After": {time.Unix(1_700_000_003, 0).UTC().Format(http.TimeFormat)}}, idempotent: true, retry: Retry{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Second},
			wantCalls: 2, wantWaits: []time.Duration{3 * time.Second}},
		{name: "429_wait_too_long_returns_error", statuses: []int{429, 200}, header: http.Header{"Retry-After": {"3600"}}, idempotent: true, retry: Retry{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Second},
			wantErr: true, wantCalls: 1},
		{name: "4xx_never_retried", statuses: []int{400, 200}, idempotent: true, retry: Retry{MaxAttempts: 3, BaseDelay: time.Millisecond}, wantErr: true, wantCalls: 1},
		{name: "backoff_uncapped_still_doubles", statuses: []int{500, 500, 500, 200}, idempotent: true, retry: Retry{MaxAttempts: 4, BaseDelay: time.Second},
			wantCalls: 4, wantWaits: []time.Duration{time.Second - 1, 2*time.Second - 1, 4*time.Second - 1}},
		{name: "429_huge_retry_after_no_cap", statuses: []int{429, 200}, header: http.Header{"Retry-After": {"99999999999999999"}}, idempotent: true, retry: Retry{MaxAttempts: 2, BaseDelay: time.Millisecond},
			wantCalls: 2, wantWaits: []time.Duration{time.Duration(maxRetryAfterSeconds) * time.Second}},
		{name: "429_huge_retry_after_capped", statuses: []int{429, 200}, header: http.Header{"Retry-After": {"99999999999999999"}}, idempotent: true, retry: Retry{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Minute},
			wantErr: true, wantCalls: 1},
		{name: "backoff_capped", statuses: []int{500, 500, 500, 500, 200}, idempotent: true, retry: Retry{MaxAttempts: 5, BaseDelay: time.Second, MaxDelay: 3 * time.Second},
			wantCalls: 5, wantWaits: []time.Duration{time.Second - 1, 2*time.Second - 1, 3*time.Second - 1, 3*time.Second - 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1)) - 1
				for k, v := range tt.header {
					w.Header()[k] = v
				}
				w.WriteHeader(tt.statuses[n])
			})
			c, waits := newClient(t, h, tt.retry)
			resp, err := c.Do(context.Background(), &Request{Method: "POST", Path: "x", Body: []byte("body"), Idempotent: tt.idempotent})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			var ae *apiError
			if err != nil && !errors.As(err, &ae) {
				t.Errorf("error %v is not the Check error", err)
			}
			if got := int(calls.Load()); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
			if diff := cmp.Diff(tt.wantWaits, *waits); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if resp != nil && resp.Attempts != tt.wantCalls {
				t.Errorf("Attempts = %d, want %d", resp.Attempts, tt.wantCalls)
			}
		})
	}
}

func TestRetryOnOverridesClassification(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(401)
			return
		}
		w.WriteHeader(200)
	})
	c, _ := newClient(t, h, Retry{MaxAttempts: 2, BaseDelay: time.Millisecond})
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "x", Idempotent: true,
		RetryOn: func(r *Response, _ error) bool { return r.StatusCode == 401 }})
	if err != nil || calls.Load() != 2 {
		t.Fatalf("err = %v, calls = %d", err, calls.Load())
	}
}

func TestDialErrorRetriedEvenIfNotIdempotent(t *testing.T) {
	t.Parallel()
	// A port nobody listens on: the connection is refused before anything is sent.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base, _ := ParseBaseURL("http://" + addr)
	sleeps := 0
	c := &Client{HTTP: &http.Client{Timeout: 5 * time.Second}, BaseURL: base, Retry: Retry{MaxAttempts: 3, BaseDelay: time.Millisecond},
		Sleep: func(context.Context, time.Duration) error { sleeps++; return nil }}
	_, err = c.Do(context.Background(), &Request{Method: "POST", Path: "reply?token=secret-token", Body: []byte("x")})
	var ne *NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("err = %v, want *NetworkError", err)
	}
	if sleeps != 2 {
		t.Errorf("retried %d times, want 2", sleeps)
	}
	if strings.Contains(err.Error(), "secret-token") || strings.Contains(err.Error(), "reply") {
		t.Errorf("network error %q leaks the URL", err)
	}
}

func TestContextCancelStopsWaiting(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 5)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		w.WriteHeader(503)
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	base, _ := ParseBaseURL(srv.URL)
	// The real Sleep, and a jitter that always waits the full hour.
	c := &Client{HTTP: srv.Client(), BaseURL: base, Retry: Retry{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour}, Check: check,
		Rand: func(n int64) int64 { return n - 1 }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Do(ctx, &Request{Method: "GET", Path: "x", Idempotent: true})
		done <- err
	}()
	// Cancel only once the first attempt has been answered, so that Do is
	// (about to be) waiting out the hour-long backoff.
	<-arrived
	select {
	case err := <-done:
		t.Fatalf("Do returned before cancel: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-done:
		var ae *apiError
		if !errors.As(err, &ae) || ae.status != 503 {
			t.Fatalf("err = %v, want the last attempt's 503", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Do kept waiting after cancel")
	}
	if n := len(arrived); n != 0 {
		t.Errorf("%d more attempts after the first; want none", n)
	}
}

func TestSleep(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v", err)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep = %v", err)
	}
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep(0) on a cancelled context = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Sleep took %v", d)
	}
}

func TestStream(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/missing" {
			w.WriteHeader(404)
			fmt.Fprint(w, `{"message":"not found"}`)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		fmt.Fprint(w, "PNGDATA")
	})
	c, _ := newClient(t, h, Retry{})
	s, err := c.DoStream(context.Background(), &Request{Method: "GET", Path: "content"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(s.Body)
	s.Body.Close()
	if string(b) != "PNGDATA" || s.Header.Get("Content-Type") != "image/png" {
		t.Errorf("stream = %q %v", b, s.Header)
	}
	if _, err := c.DoStream(context.Background(), &Request{Method: "GET", Path: "missing"}); err == nil {
		t.Error("404 stream: want an error")
	}
}

func TestAbsolutePathAndErrors(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, r.URL.Path) })
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := &Client{HTTP: srv.Client()}
	resp, err := c.Do(context.Background(), &Request{Method: "GET", Path: srv.URL + "/elsewhere"})
	if err != nil || string(resp.Body) != "/elsewhere" {
		t.Fatalf("absolute path: %v %q", err, resp.Body)
	}
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "relative"}); err == nil {
		t.Error("relative path without base URL: want an error")
	}
	if _, err := c.Do(context.Background(), &Request{Method: "POST", Path: srv.URL, JSON: func() {}}); err == nil {
		t.Error("unencodable JSON: want an error")
	}
	var nilCtx context.Context
	if _, err := c.Do(nilCtx, &Request{Method: "GET", Path: srv.URL}); err == nil {
		t.Error("nil context: want an error")
	}
}

func TestParseBaseURL(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://api.line.me":        "https://api.line.me/",
		"http://127.0.0.1:8080/v1.0": "http://127.0.0.1:8080/v1.0/",
	} {
		u, err := ParseBaseURL(raw)
		if err != nil || u.String() != want {
			t.Errorf("ParseBaseURL(%q) = %v, %v; want %s", raw, u, err, want)
		}
	}
	for _, bad := range []string{"", "api.line.me", "ftp://x", "://"} {
		if _, err := ParseBaseURL(bad); err == nil {
			t.Errorf("ParseBaseURL(%q): want an error", bad)
		}
	}
}

func TestRetryValidate(t *testing.T) {
	t.Parallel()
	if err := (Retry{MaxAttempts: 3}).Validate(); err == nil {
		t.Error("retries without delay accepted")
	}
	if err := (Retry{MaxAttempts: -1}).Validate(); err == nil {
		t.Error("negative attempts accepted")
	}
	if err := DefaultRetry.Validate(); err != nil {
		t.Error(err)
	}
}

func TestCopyHTTPClient(t *testing.T) {
	t.Parallel()
	if _, err := CopyHTTPClient(nil); err == nil {
		t.Error("nil accepted")
	}
	orig := &http.Client{Timeout: time.Second}
	c, _ := CopyHTTPClient(orig)
	orig.Timeout = time.Hour
	if c.Timeout != time.Second {
		t.Error("copy shares state with the original")
	}
	if NewHTTPClient().Timeout == 0 || NewHTTPClient() == http.DefaultClient {
		t.Error("default client has no timeout")
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	tests := map[string]time.Duration{"": 0, "5": 5 * time.Second, "-1": 0, "soon": 0,
		"9223372036854775807": time.Duration(maxRetryAfterSeconds) * time.Second,
		now.Add(10 * time.Second).UTC().Format(http.TimeFormat):  10 * time.Second,
		now.Add(-10 * time.Second).UTC().Format(http.TimeFormat): 0}
	for v, want := range tests {
		h := http.Header{}
		if v != "" {
			h.Set("Retry-After", v)
		}
		if got := ParseRetryAfter(h, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestEscapedPathSurvives(t *testing.T) {
	t.Parallel()
	var got string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.URL.EscapedPath() })
	c, _ := newClient(t, h, Retry{})
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "bots/1/attachments/kmlkq%2FL7%2FaMVti8%3D"}); err != nil {
		t.Fatal(err)
	}
	if want := "/api/bots/1/attachments/kmlkq%2FL7%2FaMVti8%3D"; got != want {
		t.Errorf("server saw path %q, want %q", got, want)
	}
}

func TestNothingSecretInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	c, _ := newClient(t, h, Retry{MaxAttempts: 2, BaseDelay: time.Millisecond})
	c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "callback/secret-callback-token", Idempotent: true})
	if err == nil {
		t.Fatal("want an error")
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Fatalf("no retry logged: %q", logs.String())
	}
	for _, s := range []string{logs.String(), err.Error()} {
		if strings.Contains(s, "secret-callback-token") {
			t.Errorf("leaks the path: %q", s)
		}
	}
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "http://[::1%25en0/secret-path-token"})
	if err == nil || strings.Contains(err.Error(), "secret-path-token") {
		t.Errorf("unparsable path: err = %v", err)
	}
}

func TestRetryOnSeesNetworkErrors(t *testing.T) {
	t.Parallel()
	// A server that hangs up after reading the request: the request may
	// have been processed, so only a RetryOn that allows it retries.
	var calls atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("no hijacker")
			return
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			conn.Close()
		}
	})
	for _, tt := range []struct {
		name      string
		retryOn   func(*Response, error) bool
		wantCalls int32
	}{
		{"unsafe_send", func(r *Response, _ error) bool { return r != nil && r.StatusCode == 429 }, 1},
		{"keyed_send", func(r *Response, _ error) bool { return r == nil || r.StatusCode == 429 }, 3},
	} {
		calls.Store(0)
		c, _ := newClient(t, h, Retry{MaxAttempts: 3, BaseDelay: time.Millisecond})
		var seenNil bool
		_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "x", Body: []byte("b"), Idempotent: true,
			RetryOn: func(r *Response, err error) bool {
				if r == nil {
					seenNil = true
				}
				return tt.retryOn(r, err)
			}})
		var ne *NetworkError
		if !errors.As(err, &ne) {
			t.Fatalf("%s: err = %v, want a NetworkError", tt.name, err)
		}
		if !seenNil {
			t.Errorf("%s: RetryOn was not asked about the network error", tt.name)
		}
		if got := calls.Load(); got != tt.wantCalls {
			t.Errorf("%s: %d calls, want %d", tt.name, got, tt.wantCalls)
		}
	}
}

func TestStreamRejectsUnfollowedRedirect(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "https://storage.example/file")
		w.WriteHeader(http.StatusFound)
	})
	c, _ := newClient(t, h, Retry{})
	c.HTTP.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.Check = func(r *Response) error { // accepts the redirect, as a download's first step does
		if r.StatusCode < 400 {
			return nil
		}
		return &apiError{r.StatusCode}
	}
	s, err := c.DoStream(context.Background(), &Request{Method: "GET", Path: "file"})
	if err == nil || s != nil {
		t.Fatalf("DoStream on a 302 = %v, %v; want an error", s, err)
	}
}

func TestOversizedSuccessBodyIsAnError(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/big-error" {
			w.WriteHeader(500)
			w.Write(make([]byte, MaxErrorBody+10))
			return
		}
		w.Write(make([]byte, MaxBody+1))
	})
	c, _ := newClient(t, h, Retry{})
	if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "big"}); !errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("oversized success body: err = %v, want ErrBodyTooLarge", err)
	}
	resp, err := c.Do(context.Background(), &Request{Method: "GET", Path: "big-error"})
	var ae *apiError
	if !errors.As(err, &ae) || len(resp.Body) != MaxErrorBody {
		t.Errorf("oversized error body: err = %v, kept %d bytes; want the Check error and %d bytes", err, len(resp.Body), MaxErrorBody)
	}
}

// TestParseBaseURLQuotesNothing: a base URL may carry a password; no
// error may repeat it.
func TestParseBaseURLQuotesNothing(t *testing.T) {
	for _, raw := range []string{"https://user:pa%zzss@example.com/", "ftp://user:hunter2@example.com/", "//user:hunter2@example.com"} {
		_, err := ParseBaseURL(raw)
		if err == nil {
			t.Fatalf("ParseBaseURL(%q) accepted it", raw)
		}
		for _, secret := range []string{"pa%zzss", "hunter2", "user"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("ParseBaseURL error %q repeats %q", err, secret)
			}
		}
	}
}
