package clova_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/signature"
)

var otherKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func launchBody(t *testing.T) []byte {
	t.Helper()
	b, err := json.Marshal(clovatest.Launch())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifySignatureRejects(t *testing.T) {
	t.Parallel()
	body := launchBody(t)
	good := clovatest.Sign(nil, body)
	tampered := bytes.Replace(body, []byte("LaunchRequest"), []byte("IntentRequest"), 1)
	tests := []struct {
		name string
		pub  *rsa.PublicKey
		body []byte
		sig  string
		want error
	}{
		{"tampered body", clovatest.PublicKey(), tampered, good, signature.ErrMismatch},
		{"wrong key", &otherKey().PublicKey, body, good, signature.ErrMismatch},
		{"signed by other key", clovatest.PublicKey(), body, clovatest.Sign(otherKey(), body), signature.ErrMismatch},
		{"production key", clova.ProductionPublicKey(), body, good, signature.ErrMismatch},
		{"missing header", clovatest.PublicKey(), body, "", signature.ErrMissing},
		{"truncated signature", clovatest.PublicKey(), body, good[:len(good)-8], signature.ErrMismatch},
		{"truncated by one byte", clovatest.PublicKey(), body, good[:len(good)-4] + "AA==", signature.ErrMismatch},
		{"non-base64", clovatest.PublicKey(), body, "not*base64!" + good[11:], signature.ErrMismatch},
		{"url alphabet", clovatest.PublicKey(), body, strings.NewReplacer("+", "-", "/", "_").Replace(good) + "-_", signature.ErrMismatch},
		{"nil key", nil, body, good, signature.ErrMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := clova.VerifySignature(tc.pub, tc.body, tc.sig)
			if !errors.Is(err, tc.want) {
				t.Fatalf("VerifySignature = %v, want %v", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "clova: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if tc.sig != "" && strings.Contains(err.Error(), tc.sig) {
				t.Errorf("error %q echoes the signature", err)
			}
			// Through the handler, the same failures are 401.
			h := newHandler(t, echo)
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(tc.body))
			if tc.sig != "" {
				r.Header.Set("SignatureCEK", tc.sig)
			}
			if tc.pub != clovatest.PublicKey() {
				return // handler keys are fixed; covered by the rows that use the test key
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("handler status = %d, want 401", rec.Code)
			}
			if rec.Body.Len() != 0 {
				t.Errorf("failure response has a body: %q", rec.Body)
			}
		})
	}
}

func TestVerifySignatureAccepts(t *testing.T) {
	t.Parallel()
	body := launchBody(t)
	sig := clovatest.Sign(nil, body)
	if err := clova.VerifySignature(clovatest.PublicKey(), body, sig); err != nil {
		t.Fatalf("valid signature: %v", err)
	}
	if err := clova.VerifySignature(clovatest.PublicKey(), body, " "+sig+"\n"); err != nil {
		t.Fatalf("signature with surrounding space: %v", err)
	}
}

func TestSignatureFromIsCaseInsensitive(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"SignatureCEK", "signaturecek", "SIGNATURECEK", "Signaturecek"} {
		h := http.Header{}
		h[name] = []string{"sig"} // as a hand-built map, not canonicalised
		if got := clova.SignatureFrom(h); got != "sig" {
			t.Errorf("SignatureFrom(%q) = %q", name, got)
		}
	}
}

func echo(_ context.Context, req *clova.Request) (*clova.Response, error) {
	text := req.Request.Type()
	if ir, ok := req.Request.(*clova.IntentRequest); ok {
		text = ir.Intent.Name
	}
	return clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.English, text))), nil
}

func newHandler(t *testing.T, fn clova.HandlerFunc, opts ...clova.HandlerOption) *clova.WebhookHandler {
	t.Helper()
	opts = append([]clova.HandlerOption{clova.WithPublicKey(clovatest.PublicKey())}, opts...)
	h, err := clova.NewWebhookHandler(clovatest.ApplicationID, fn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestWebhookHandler(t *testing.T) {
	t.Parallel()
	tooBig := clovatest.Intent("Big", clovatest.WithSlot("x", strings.Repeat("a", 2000)))
	tests := []struct {
		name     string
		fn       clova.HandlerFunc
		opts     []clova.HandlerOption
		req      func(t *testing.T) *http.Request
		want     int
		wantBody string
		wantErr  error
	}{
		{name: "launch", fn: echo, req: func(t *testing.T) *http.Request { return clovatest.NewRequest(t, nil, clovatest.Launch()) }, want: 200,
			wantBody: `{"version":"1.0","sessionAttributes":{},"response":{"outputSpeech":{"type":"SimpleSpeech","values":{"type":"PlainText","lang":"en","value":"LaunchRequest"}},"card":{},"directives":[],"shouldEndSession":true}}`},
		{name: "intent", fn: echo, req: func(t *testing.T) *http.Request {
			return clovatest.NewRequest(t, nil, clovatest.Intent("OrderPizza", clovatest.WithVersion("0.1.0")))
		}, want: 200,
			wantBody: `{"version":"0.1.0","sessionAttributes":{},"response":{"outputSpeech":{"type":"SimpleSpeech","values":{"type":"PlainText","lang":"en","value":"OrderPizza"}},"card":{},"directives":[],"shouldEndSession":true}}`},
		{name: "nil response ends the session", fn: func(context.Context, *clova.Request) (*clova.Response, error) { return nil, nil },
			req:  func(t *testing.T) *http.Request { return clovatest.NewRequest(t, nil, clovatest.SessionEnded()) },
			want: 200, wantBody: `{"version":"1.0","sessionAttributes":{},"response":{"outputSpeech":{},"card":{},"directives":[],"shouldEndSession":true}}`},
		{name: "other extension", fn: echo, req: func(t *testing.T) *http.Request {
			return clovatest.NewRequest(t, nil, clovatest.Launch(clovatest.WithApplicationID("com.example.other")))
		}, want: 403, wantErr: clova.ErrApplicationID},
		{name: "no application", fn: echo, req: func(t *testing.T) *http.Request {
			r := clovatest.Launch()
			r.Context.System.Application = nil
			return clovatest.NewRequest(t, nil, r)
		}, want: 403, wantErr: signature.ErrForbidden},
		{name: "wrong method", fn: echo, req: func(t *testing.T) *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) }, want: 405},
		{name: "body over limit", fn: echo, opts: []clova.HandlerOption{clova.WithMaxBodyBytes(1024)},
			req: func(t *testing.T) *http.Request { return clovatest.NewRequest(t, nil, tooBig) }, want: 413},
		{name: "malformed JSON, validly signed", fn: echo, req: func(t *testing.T) *http.Request {
			return clovatest.NewRawRequest(t, nil, []byte(`{"version":"1.0","request":`))
		}, want: 400, wantErr: clova.ErrMalformed},
		{name: "no request type", fn: echo, req: func(t *testing.T) *http.Request {
			return clovatest.NewRawRequest(t, nil, []byte(`{"version":"1.0","request":{}}`))
		}, want: 400, wantErr: clova.ErrMalformed},
		{name: "unsigned malformed JSON is 401 first", fn: echo, req: func(t *testing.T) *http.Request {
			return httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{`))
		}, want: 401, wantErr: signature.ErrMissing},
		{name: "callback error", fn: func(context.Context, *clova.Request) (*clova.Response, error) { return nil, errors.New("boom") },
			req: func(t *testing.T) *http.Request { return clovatest.NewRequest(t, nil, clovatest.Launch()) }, want: 500},
		{name: "invalid response", fn: func(context.Context, *clova.Request) (*clova.Response, error) {
			return clova.NewResponse(clova.SimpleSpeech(clova.PlainText("de", "Hallo"))), nil
		}, req: func(t *testing.T) *http.Request { return clovatest.NewRequest(t, nil, clovatest.Launch()) }, want: 500},
		{name: "insecure skip verify", fn: echo, opts: []clova.HandlerOption{clova.InsecureSkipVerify()}, req: func(t *testing.T) *http.Request {
			b, _ := json.Marshal(clovatest.Launch())
			return httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(b))
		}, want: 200},
		{name: "insecure skip verify still checks the application", fn: echo, opts: []clova.HandlerOption{clova.InsecureSkipVerify()}, req: func(t *testing.T) *http.Request {
			b, _ := json.Marshal(clovatest.Launch(clovatest.WithApplicationID("x")))
			return httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(b))
		}, want: 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var gotErr error
			opts := append([]clova.HandlerOption{clova.WithErrorHandler(func(_ *http.Request, err error) { gotErr = err })}, tc.opts...)
			h := newHandler(t, tc.fn, opts...)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tc.req(t))
			if rec.Code != tc.want {
				t.Fatalf("status = %d, want %d (error: %v)", rec.Code, tc.want, gotErr)
			}
			if tc.wantBody != "" && rec.Body.String() != tc.wantBody {
				t.Errorf("body:\n got %s\nwant %s", rec.Body, tc.wantBody)
			}
			if tc.want == 200 {
				if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("Content-Type = %q", ct)
				}
				if gotErr != nil {
					t.Errorf("error handler called on success: %v", gotErr)
				}
				return
			}
			if gotErr == nil {
				t.Fatal("error handler not called")
			}
			if tc.wantErr != nil && !errors.Is(gotErr, tc.wantErr) {
				t.Errorf("error = %v, want %v", gotErr, tc.wantErr)
			}
			if rec.Body.Len() != 0 {
				t.Errorf("failure response has a body: %q", rec.Body)
			}
		})
	}
}

func TestNewWebhookHandlerOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		id   string
		fn   clova.HandlerFunc
		opts []clova.HandlerOption
	}{
		{"empty extension ID", "", echo, nil},
		{"nil func", "x", nil, nil},
		{"nil key", "x", echo, []clova.HandlerOption{clova.WithPublicKey(nil)}},
		{"bad key URL", "x", echo, []clova.HandlerOption{clova.WithPublicKeyURL("ftp://x/key.pem", 0)}},
		{"key and key URL", "x", echo, []clova.HandlerOption{clova.WithPublicKey(clovatest.PublicKey()), clova.WithPublicKeyURL("https://x/key.pem", 0)}},
		{"nil HTTP client", "x", echo, []clova.HandlerOption{clova.WithKeyHTTPClient(nil)}},
		{"zero body limit", "x", echo, []clova.HandlerOption{clova.WithMaxBodyBytes(0)}},
		{"nil logger", "x", echo, []clova.HandlerOption{clova.WithLogger(nil)}},
		{"nil clock", "x", echo, []clova.HandlerOption{clova.WithClock(nil)}},
		{"nil error handler", "x", echo, []clova.HandlerOption{clova.WithErrorHandler(nil)}},
		{"zero in-flight cap", "x", echo, []clova.HandlerOption{clova.WithMaxInFlight(0)}},
		{"nil option", "x", echo, []clova.HandlerOption{nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := clova.NewWebhookHandler(tc.id, tc.fn, tc.opts...)
			if err == nil {
				t.Fatal("NewWebhookHandler succeeded; want an error")
			}
			var ae *clova.ArgumentError
			if !errors.As(err, &ae) || !errors.Is(err, clova.ErrInvalid) || !strings.HasPrefix(err.Error(), "clova: ") {
				t.Errorf("error %q is not a clova *ArgumentError", err)
			}
		})
	}
}

func TestDefaultKeyIsProduction(t *testing.T) {
	t.Parallel()
	// A request signed with the test key is refused by a handler with no
	// key option: the embedded production key is the default.
	h, err := clova.NewWebhookHandler(clovatest.ApplicationID, echo)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, clovatest.NewRequest(t, nil, clovatest.Launch()))
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401", rec.Code)
	}
	if clova.ProductionPublicKey().N.BitLen() != 2048 {
		t.Errorf("production key has %d bits", clova.ProductionPublicKey().N.BitLen())
	}
}

// keyServer serves a PEM key that the test can swap or break.
type keyServer struct {
	srv     *httptest.Server
	fetches atomic.Int32
	mu      sync.Mutex
	pem     []byte
	status  int
}

func newKeyServer(t *testing.T, pub *rsa.PublicKey) *keyServer {
	ks := &keyServer{status: 200}
	ks.set(pub)
	ks.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ks.fetches.Add(1)
		ks.mu.Lock()
		defer ks.mu.Unlock()
		w.WriteHeader(ks.status)
		_, _ = w.Write(ks.pem)
	}))
	t.Cleanup(ks.srv.Close)
	return ks
}

func (ks *keyServer) set(pub *rsa.PublicKey) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.pem = pemOf(pub)
}

func (ks *keyServer) fail(status int) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.status = status
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestPublicKeyURL(t *testing.T) {
	t.Parallel()
	ks := newKeyServer(t, clovatest.PublicKey())
	clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	h, err := clova.NewWebhookHandler(clovatest.ApplicationID, echo,
		clova.WithPublicKeyURL(ks.srv.URL+"/key.pem", time.Hour), clova.WithKeyHTTPClient(ks.srv.Client()), clova.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	if n := ks.fetches.Load(); n != 0 {
		t.Fatalf("constructor fetched the key %d times; want lazy", n)
	}
	serve := func(key *rsa.PrivateKey) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, clovatest.NewRequest(t, key, clovatest.Launch()))
		return rec.Code
	}
	step := func(name string, key *rsa.PrivateKey, wantCode int, wantFetches int32) {
		t.Helper()
		if got := serve(key); got != wantCode {
			t.Errorf("%s: status %d, want %d", name, got, wantCode)
		}
		if got := ks.fetches.Load(); got != wantFetches {
			t.Errorf("%s: %d fetches, want %d", name, got, wantFetches)
		}
	}
	step("first request fetches", nil, 200, 1)
	step("second request uses the cache", nil, 200, 1)
	clock.Add(2 * time.Hour)
	ks.fail(500)
	step("failed refresh keeps the cached key", nil, 200, 2)
	step("no refetch right after a failure", nil, 200, 2)
	clock.Add(2 * time.Minute)
	ks.fail(200)
	ks.set(&otherKey().PublicKey)
	step("rotated key is picked up on a mismatch", otherKey(), 200, 3)
	step("old key no longer verifies, and no refetch storm", nil, 401, 3)
}

func TestPublicKeyURLFailsClosed(t *testing.T) {
	t.Parallel()
	ks := newKeyServer(t, clovatest.PublicKey())
	ks.fail(404)
	clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	var gotErr error
	h, err := clova.NewWebhookHandler(clovatest.ApplicationID, echo,
		clova.WithPublicKeyURL(ks.srv.URL, 0), clova.WithKeyHTTPClient(ks.srv.Client()), clova.WithClock(clock.Now),
		clova.WithErrorHandler(func(_ *http.Request, err error) { gotErr = err }))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int32{1, 1} { // the second attempt is throttled
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, clovatest.NewRequest(t, nil, clovatest.Launch()))
		if rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("request %d: status %d, want 503", i, rec.Code)
		}
		if !errors.Is(gotErr, clova.ErrKeyUnavailable) {
			t.Errorf("request %d: error %v, want ErrKeyUnavailable", i, gotErr)
		}
		if got := ks.fetches.Load(); got != want {
			t.Errorf("request %d: %d fetches, want %d", i, got, want)
		}
	}
	// Garbage is not a key either.
	ks.fail(200)
	ks.mu.Lock()
	ks.pem = []byte("not a key")
	ks.mu.Unlock()
	clock.Add(time.Minute)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, clovatest.NewRequest(t, nil, clovatest.Launch()))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("garbage key: status %d, want 503", rec.Code)
	}
	ks.set(clovatest.PublicKey())
	clock.Add(time.Minute)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, clovatest.NewRequest(t, nil, clovatest.Launch()))
	if rec.Code != http.StatusOK {
		t.Fatalf("after recovery: status %d, want 200", rec.Code)
	}
}

func TestPublicKeyURLConcurrent(t *testing.T) {
	t.Parallel()
	ks := newKeyServer(t, clovatest.PublicKey())
	h, err := clova.NewWebhookHandler(clovatest.ApplicationID, echo,
		clova.WithPublicKeyURL(ks.srv.URL, time.Hour), clova.WithKeyHTTPClient(ks.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	body := launchBody(t)
	sig := clovatest.Sign(nil, body)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.Header.Set("SignatureCEK", sig)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != 200 {
				t.Errorf("status %d", rec.Code)
			}
		}()
	}
	wg.Wait()
	if n := ks.fetches.Load(); n != 1 {
		t.Errorf("%d fetches for 16 concurrent cold requests, want 1", n)
	}
}

func TestParseRequest(t *testing.T) {
	t.Parallel()
	r := clovatest.NewRequest(t, nil, clovatest.Intent("Hello", clovatest.WithSlot("n", 3)))
	req, err := clova.ParseRequest(clovatest.PublicKey(), r)
	if err != nil {
		t.Fatal(err)
	}
	if err := req.CheckApplicationID(clovatest.ApplicationID); err != nil {
		t.Errorf("CheckApplicationID: %v", err)
	}
	if err := req.CheckApplicationID("other"); !errors.Is(err, clova.ErrApplicationID) {
		t.Errorf("CheckApplicationID(other) = %v", err)
	}
	big := httptest.NewRequest(http.MethodPost, "/", io.LimitReader(zeros{}, 2<<20))
	var mbe *http.MaxBytesError
	if _, err := clova.ParseRequest(clovatest.PublicKey(), big); !errors.As(err, &mbe) {
		t.Errorf("oversized body: %v, want *http.MaxBytesError", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestNoSecretsInErrorsOrLogs drives failures that involve the access token,
// the signature and the body, and checks none of them leaks.
func TestNoSecretsInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	const token = "tok-SECRET-0123456789"
	req := clovatest.Intent("X", clovatest.WithAccessToken(token))
	var logs bytes.Buffer
	var errs []string
	h := newHandler(t, func(_ context.Context, r *clova.Request) (*clova.Response, error) {
		return nil, fmt.Errorf("user code saw %v and %+v", r.AccessToken(), r.Session)
	}, clova.WithLogger(slogTo(&logs)), clova.WithErrorHandler(func(_ *http.Request, err error) { errs = append(errs, err.Error()) }))
	body, _ := json.Marshal(req)
	sig := clovatest.Sign(nil, body)
	for _, r := range []*http.Request{
		clovatest.NewRawRequest(t, nil, body), // callback failure
		withSig(body[:len(body)-1], sig),      // tampered
		withSig(append(bytes.Clone(body), []byte(`x`)...), clovatest.Sign(nil, append(bytes.Clone(body), 'x'))), // malformed
	} {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	all := logs.String() + strings.Join(errs, "\n")
	if len(errs) != 3 {
		t.Fatalf("got %d errors, want 3", len(errs))
	}
	// The callback's own error prints the session, user ID included: body
	// markers are JSON keys, which no printed form holds.
	for _, secret := range []string{token, sig, sig[:20], `"version"`, `"userId"`} {
		if strings.Contains(all, secret) {
			t.Errorf("errors or logs contain %q:\n%s", secret, all)
		}
	}
	if got := fmt.Sprintf("%v %s %q %#v %x", req.AccessToken(), req.AccessToken(), req.AccessToken(), req.AccessToken(), req.AccessToken()); strings.Contains(got, token) {
		t.Errorf("formatting leaks the token: %s", got)
	}
	if got := fmt.Sprintf("%+v", *req.Session.User); strings.Contains(got, token) {
		t.Errorf("formatting a User leaks the token: %s", got)
	}
	if string(req.AccessToken()) != token {
		t.Errorf("string(token) = %q", string(req.AccessToken()))
	}
}

func withSig(body []byte, sig string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("SignatureCEK", sig)
	return r
}

func TestPublicKeyURLSurvivesCancelledCaller(t *testing.T) {
	t.Parallel()
	ks := newKeyServer(t, clovatest.PublicKey())
	h, err := clova.NewWebhookHandler(clovatest.ApplicationID, echo,
		clova.WithPublicKeyURL(ks.srv.URL, time.Hour), clova.WithKeyHTTPClient(ks.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := clovatest.NewRequest(t, nil, clovatest.Launch()).WithContext(ctx)
	h.ServeHTTP(httptest.NewRecorder(), r)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, clovatest.NewRequest(t, nil, clovatest.Launch()))
	if rec.Code != 200 || ks.fetches.Load() != 1 {
		t.Errorf("after a cancelled first caller: status %d, %d fetches; want 200 and 1", rec.Code, ks.fetches.Load())
	}
}

// TestParseRequestWithoutBody: a request built with a nil body (as
// http.NewRequest does) or no request at all is an error, never a panic.
func TestParseRequestWithoutBody(t *testing.T) {
	t.Parallel()
	r, err := http.NewRequest(http.MethodPost, "http://ext.example/cek", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("SignatureCEK", clovatest.Sign(nil, []byte("{}")))
	if _, err := clova.ParseRequest(clovatest.PublicKey(), r); !errors.Is(err, signature.ErrMismatch) {
		t.Errorf("nil body: %v; want signature.ErrMismatch", err)
	}
	if _, err := clova.ParseRequest(clovatest.PublicKey(), nil); err == nil {
		t.Error("nil request: no error")
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines to write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestWebhookHandlerRecoversPanic: a panicking HandlerFunc answers 500
// with an empty body and reports an error wrapping ErrCallback, as the
// other platforms' handlers do, instead of dropping the connection (the
// client would see EOF and net/http would log a stack trace).
func TestWebhookHandlerRecoversPanic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fn      clova.HandlerFunc
		wantErr string
	}{
		{"string", func(context.Context, *clova.Request) (*clova.Response, error) { panic("boom") }, "panicked: boom"},
		{"error", func(context.Context, *clova.Request) (*clova.Response, error) { panic(errors.New("bad state")) }, "panicked: bad state"},
		{"runtime error", func(_ context.Context, req *clova.Request) (*clova.Response, error) {
			var m map[string]int
			m[req.Request.Type()]++
			return nil, nil
		}, "panicked: assignment to entry in nil map"},
		{"nil", func(context.Context, *clova.Request) (*clova.Response, error) { panic(nil) }, "panic called with nil argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reported := make(chan error, 1)
			h := newHandler(t, tc.fn, clova.WithErrorHandler(func(_ *http.Request, err error) { reported <- err }))
			srv := httptest.NewUnstartedServer(h)
			var serverLog syncBuffer
			srv.Config.ErrorLog = log.New(&serverLog, "", 0)
			srv.Start()
			defer srv.Close()

			const token = "tok-SECRET-panic"
			req, err := clovatest.NewSignedRequest(nil, srv.URL, clovatest.Launch(clovatest.WithAccessToken(token)))
			if err != nil {
				t.Fatal(err)
			}
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatalf("POST: %v; want a 500 answer", err)
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusInternalServerError || len(body) != 0 {
				t.Errorf("answer = %d %q; want 500 with an empty body", res.StatusCode, body)
			}
			got := <-reported
			if !errors.Is(got, clova.ErrCallback) || !errors.Is(got, webhookio.ErrPanic) {
				t.Errorf("reported %v; want it to wrap ErrCallback and ErrPanic", got)
			}
			if !strings.Contains(got.Error(), tc.wantErr) {
				t.Errorf("reported %q; want it to contain %q", got, tc.wantErr)
			}
			for _, leak := range []string{token, "goroutine ", ".go:", req.Header.Get(clova.SignatureHeader)[:20]} {
				if strings.Contains(got.Error(), leak) {
					t.Errorf("reported error %q contains %q", got, leak)
				}
			}
			srv.Close() // waits for the connection, so its log is complete
			if s := serverLog.String(); s != "" {
				t.Errorf("net/http logged %q; want nothing", s)
			}
		})
	}
}

// TestRepeatedSignatureRefused: a SignatureCEK header sent twice, under
// the same spelling or two, is refused whichever copy is genuine, by the
// handler (401) and by ParseRequest.
func TestRepeatedSignatureRefused(t *testing.T) {
	t.Parallel()
	body := launchBody(t)
	good, bad := clovatest.Sign(nil, body), clovatest.Sign(otherKey(), body)
	tests := []struct {
		name   string
		header http.Header
	}{
		{"twice, genuine first", http.Header{"Signaturecek": {good, bad}}},
		{"twice, genuine last", http.Header{"Signaturecek": {bad, good}}},
		{"both genuine", http.Header{"Signaturecek": {good, good}}},
		{"two spellings", http.Header{"Signaturecek": {good}, "SIGNATURECEK": {good}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := func() *http.Request {
				r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
				for k, vs := range tc.header {
					r.Header[k] = vs
				}
				return r
			}
			if _, err := clova.ParseRequest(clovatest.PublicKey(), req()); !errors.Is(err, signature.ErrMismatch) || !errors.Is(err, webhookio.ErrRepeatedHeader) {
				t.Errorf("ParseRequest = %v, want ErrMismatch and ErrRepeatedHeader", err)
			}
			rec := httptest.NewRecorder()
			newHandler(t, echo).ServeHTTP(rec, req())
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("handler answered %d, want 401", rec.Code)
			}
		})
	}
	// One copy, under any spelling, is read.
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header["SIGNATURECEK"] = []string{good}
	if _, err := clova.ParseRequest(clovatest.PublicKey(), r); err != nil {
		t.Errorf("one copy, upper case: %v", err)
	}
}
