package webhookio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/channelkit/channelkit/internal/botset"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/channelkit/channelkit/signature"
)

func TestStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want int
	}{
		{nil, 200},
		{ErrMethod, 405},
		{&http.MaxBytesError{Limit: 10}, 413},
		{fmt.Errorf("line: %w", &http.MaxBytesError{Limit: 10}), 413},
		{fmt.Errorf("line: %w", signature.ErrMissing), 401},
		{signature.ErrMismatch, 401},
		{fmt.Errorf("line: %w", botset.ErrUnknownBot), 401},
		{fmt.Errorf("x: %w", signature.ErrForbidden), 403},
		{Malformed("kakao", errors.New("unexpected end of JSON input")), 400},
		{fmt.Errorf("%w: boom", ErrCallback), 500},
		// What the callback's error wraps does not matter: the request was fine.
		{fmt.Errorf("line: %w: %w", ErrCallback, signature.ErrMismatch), 500},
		{fmt.Errorf("line: %w: %w", ErrCallback, &http.MaxBytesError{Limit: 1}), 500},
		{fmt.Errorf("kakao: %w: %w", ErrCallback, Malformed("kakao", nil)), 500},
		{fmt.Errorf("x: %w: %w", ErrCallback, ErrMethod), 500},
		{errors.New("anything else"), 500},
	}
	for _, tt := range tests {
		if got := Status(tt.err); got != tt.want {
			t.Errorf("Status(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestMalformedText(t *testing.T) {
	t.Parallel()
	if got := Malformed("line", errors.New("bad")).Error(); got != "line: malformed payload: bad" {
		t.Errorf("got %q", got)
	}
	if got := Malformed("line", nil).Error(); got != "line: malformed payload" {
		t.Errorf("got %q", got)
	}
}

func TestReadBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		length  int64 // Content-Length; -1 for chunked
		limit   int64
		wantErr bool
	}{
		{name: "small", body: "hello", length: 5, limit: 10},
		{name: "exact", body: "0123456789", length: 10, limit: 10},
		{name: "declared_too_big", body: "0123456789x", length: 11, limit: 10, wantErr: true},
		{name: "chunked_too_big", body: strings.Repeat("x", 5000), length: -1, limit: 4096, wantErr: true},
		{name: "chunked_ok", body: strings.Repeat("y", 3000), length: -1, limit: 4096},
		{name: "default_limit", body: "ok", length: 2, limit: 0},
		{name: "empty", body: "", length: 0, limit: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			r.ContentLength = tt.length
			w := httptest.NewRecorder()
			got, err := ReadBody(w, r, tt.limit)
			if tt.wantErr {
				var mbe *http.MaxBytesError
				if !errors.As(err, &mbe) || Status(err) != 413 {
					t.Fatalf("err = %v, want *http.MaxBytesError", err)
				}
				return
			}
			if err != nil || string(got) != tt.body {
				t.Fatalf("ReadBody = %q, %v", got, err)
			}
		})
	}
}

func TestReadAll(t *testing.T) {
	t.Parallel()
	if b, err := ReadAll(strings.NewReader("abc"), 3); err != nil || string(b) != "abc" {
		t.Errorf("ReadAll = %q, %v", b, err)
	}
	var mbe *http.MaxBytesError
	if _, err := ReadAll(strings.NewReader("abcd"), 3); !errors.As(err, &mbe) || mbe.Limit != 3 {
		t.Errorf("over limit: err = %v", err)
	}
	if _, err := ReadAll(bytes.NewReader(make([]byte, DefaultMaxBody+1)), 0); !errors.As(err, &mbe) {
		t.Errorf("default limit: err = %v", err)
	}
}

func TestFailAndCheckMethod(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "/", nil)
	err := CheckMethod(r)
	var got error
	w := httptest.NewRecorder()
	Fail(w, r, err, func(_ *http.Request, e error) { got = e })
	if w.Code != 405 || w.Header().Get("Allow") != "POST" || w.Body.Len() != 0 {
		t.Errorf("Fail wrote %d %v %q", w.Code, w.Header(), w.Body)
	}
	if !errors.Is(got, ErrMethod) {
		t.Errorf("error handler got %v", got)
	}
	if CheckMethod(httptest.NewRequest("POST", "/", nil)) != nil {
		t.Error("POST rejected")
	}
	w = httptest.NewRecorder()
	Fail(w, r, Malformed("x", nil), nil)
	if w.Code != 400 {
		t.Errorf("malformed: %d", w.Code)
	}
	w = httptest.NewRecorder()
	WriteJSON(w, []byte(`{"ok":true}`))
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json; charset=utf-8" || w.Body.String() != `{"ok":true}` {
		t.Errorf("WriteJSON: %d %v %q", w.Code, w.Header(), w.Body)
	}
}

func TestWait(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	if err := Wait(context.Background(), &wg); err != nil {
		t.Fatalf("idle Wait = %v", err)
	}
	wg.Add(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Wait(ctx, &wg); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait on a busy group with a done context = %v", err)
	}
	release := make(chan struct{})
	go func() { <-release; wg.Done() }()
	close(release)
	if err := Wait(context.Background(), &wg); err != nil {
		t.Fatalf("Wait = %v", err)
	}
}

func TestReadNilBody(t *testing.T) {
	t.Parallel()
	r, err := http.NewRequest("POST", "http://example.com/", nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := ReadBody(httptest.NewRecorder(), r, 10); err != nil || len(b) != 0 {
		t.Errorf("ReadBody(nil body) = %q, %v", b, err)
	}
	if b, err := ReadAll(nil, 10); err != nil || len(b) != 0 {
		t.Errorf("ReadAll(nil) = %q, %v", b, err)
	}
}

func TestReporter(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	var got []error
	rp := &Reporter{Pkg: "demo", Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		OnError: func(_ *http.Request, err error) { got = append(got, err) }}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	w := httptest.NewRecorder()
	err := fmt.Errorf("demo: %w", ErrMethod)
	rp.Fail(w, r, err)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != http.MethodPost || w.Body.Len() != 0 {
		t.Errorf("Fail answered %d, Allow %q, body %q", w.Code, w.Header().Get("Allow"), w.Body.String())
	}
	rp.Report(r, fmt.Errorf("demo: %w: boom", ErrCallback))
	if len(got) != 2 || got[0] != err {
		t.Errorf("error handler got %v", got)
	}
	for i, want := range []string{`msg="demo: webhook request failed" status=405 error="demo: method not allowed"`,
		`msg="demo: webhook request failed" status=500 error="demo: callback failed: boom"`} {
		if lines := strings.Split(logs.String(), "\n"); len(lines) < 2 || !strings.Contains(lines[i], want) {
			t.Errorf("log line %d: %q, want it to hold %s", i, logs.String(), want)
		}
	}
	var zero Reporter // drops the report
	zero.Fail(httptest.NewRecorder(), r, err)
}

// TestReportAfterTheRequestEnded: the error handler of a failure reported
// after its request ended (late work) gets a context that is not done,
// with the request's values; a live request is passed as it is.
func TestReportAfterTheRequestEnded(t *testing.T) {
	t.Parallel()
	type key struct{}
	var gotErr error
	var gotVal any
	var gotR *http.Request
	rp := &Reporter{OnError: func(r *http.Request, _ error) { gotR, gotErr, gotVal = r, r.Context().Err(), r.Context().Value(key{}) }}
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/callback", nil)
	rp.Report(r, ErrCallback)
	if gotR != r {
		t.Error("a live request was not passed as it is")
	}
	cancel()
	rp.Report(r, ErrCallback)
	if gotErr != nil || gotVal != "v" || gotR.URL.Path != "/callback" {
		t.Errorf("after the request ended: ctx.Err %v, value %v, path %q; want nil, v, /callback", gotErr, gotVal, gotR.URL.Path)
	}
}
