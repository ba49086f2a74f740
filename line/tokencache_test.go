package line_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

// tokenEndpoint is a channel access token API whose answers a test
// controls: it counts issuance requests, refuses them while failing is
// set, and, with block set, holds each request until block is closed.
type tokenEndpoint struct {
	srv      *httptest.Server
	requests atomic.Int64
	failing  atomic.Bool
	block    chan struct{} // nil: answer at once
	clock    func() time.Time
	// upstream, when set, answers in e's place once a request is let
	// through: its tokens are ones its API accepts.
	upstream http.Handler
}

func newTokenEndpoint(t *testing.T, block chan struct{}, clock func() time.Time) *tokenEndpoint {
	t.Helper()
	e := &tokenEndpoint{block: block, clock: clock}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth2/v2.1/token" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		n := e.requests.Add(1)
		if e.block != nil {
			select {
			case <-e.block:
			case <-r.Context().Done():
				return
			}
		}
		if e.upstream != nil {
			e.upstream.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if e.failing.Load() {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_client","error_description":"the key is not registered"}`)
			return
		}
		fmt.Fprintf(w, `{"access_token":"tok-%d","expires_in":3600,"token_type":"Bearer","key_id":"k1"}`, n)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

// cache returns a token cache that issues from e, with linetest's
// credentials (a real RSA key signs each assertion).
func (e *tokenEndpoint) cache(t *testing.T, creds line.Credentials) *line.TokenCache {
	t.Helper()
	opts := []line.TokenOption{line.WithTokenBaseURL(e.srv.URL), line.WithTokenHTTPClient(e.srv.Client())}
	if e.clock != nil {
		opts = append(opts, line.WithTokenClock(e.clock))
	}
	c, err := line.NewTokenCache(context.Background(), creds, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkNoSecrets fails when err's text holds a credential.
func checkNoSecrets(t *testing.T, err error, creds line.Credentials) {
	t.Helper()
	for _, s := range []string{creds.ChannelSecret, creds.PrivateKey, "tok-"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q shows a secret", err)
		}
	}
}

func TestTokenCacheSharesFailedIssuance(t *testing.T) {
	const n = 20
	clk := newClock() // stands still: the pause after the failure never ends
	e := newTokenEndpoint(t, nil, clk.now)
	e.failing.Store(true)
	creds := linetest.NewServer(t).Credentials()
	cache := e.cache(t, creds)
	errs := concurrently(n, func(int) error {
		_, err := cache.Token()
		return err
	})
	codes := 0
	for i, err := range errs {
		var te *line.TokenError
		if !errors.As(err, &te) {
			t.Fatalf("caller %d: err = %v, want a *TokenError", i, err)
		}
		if te.Code == "invalid_client" {
			codes++
		}
		checkNoSecrets(t, err, creds)
	}
	got := map[string]int64{"issuance requests": e.requests.Load(), "callers with the error": int64(codes)}
	want := map[string]int64{"issuance requests": 1, "callers with the error": n}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestTokenCacheWaitHonoursCallerDeadline(t *testing.T) {
	release := make(chan struct{})
	api := linetest.NewServer(t)
	e := newTokenEndpoint(t, release, nil)
	apiURL, err := url.Parse(api.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(apiURL)
	proxy.Transport = api.HTTPClient().Transport
	e.upstream = proxy
	creds := api.Credentials()
	cache := e.cache(t, creds)
	defer func() {
		select {
		case <-release:
		default:
			close(release) // lets the hung issuance end before e closes
		}
	}()
	c := tokenClient(t, api, cache)

	// A caller without a deadline waits for the issuance that hangs.
	patient := make(chan error, 1)
	go func() {
		_, err := cache.Token()
		patient <- err
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.ShowLoading(ctx, "U1", 5)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ShowLoading behind a hung renewal: err = %v, want one wrapping context.DeadlineExceeded", err)
	}
	checkNoSecrets(t, err, creds)
	if got := len(api.Calls()); got != 0 {
		t.Errorf("API calls = %d, want 0 (no token to send)", got)
	}
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if _, err := cache.TokenContext(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("TokenContext(cancelled): err = %v, want one wrapping context.Canceled", err)
	}

	// The issuance outlives the callers that gave up, and its token is
	// everyone's.
	close(release)
	if err := <-patient; err != nil {
		t.Fatalf("the patient caller: %v", err)
	}
	if _, err := c.ShowLoading(context.Background(), "U1", 5); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{"issuance requests": int(e.requests.Load()), "issued": api.TokenIssuances()}
	if diff := cmp.Diff(map[string]int{"issuance requests": 1, "issued": 1}, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestTokenCacheFailureBackoff(t *testing.T) {
	clk := newClock()
	e := newTokenEndpoint(t, nil, clk.now)
	cache := e.cache(t, linetest.NewServer(t).Credentials())
	var held string // the token last handed out
	steps := []struct {
		name       string
		advance    time.Duration
		failing    bool
		invalidate bool // Invalidate(held) first, as the client does on 401
		wantErr    bool
		requests   int64
	}{
		{"first issuance fails", 0, true, false, true, 1},
		{"within the pause: the same error, no request", 999 * time.Millisecond, false, false, true, 1},
		{"after the pause: issues again", time.Millisecond, false, false, false, 2},
		{"warm", 30 * time.Minute, true, false, false, 2},
		{"due, renewal fails", 26 * time.Minute, true, false, true, 3},
		{"due, within the pause", 500 * time.Millisecond, false, false, true, 3},
		{"a 401 invalidation lifts the pause", 0, false, true, false, 4},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clk.advance(st.advance)
			e.failing.Store(st.failing)
			if st.invalidate {
				if !cache.Invalidate(&oauth2.Token{AccessToken: held}) {
					t.Fatal("Invalidate of the current token returned false")
				}
			}
			tok, err := cache.Token()
			if (err != nil) != st.wantErr {
				t.Fatalf("err = %v, want error %v", err, st.wantErr)
			}
			if err == nil {
				held = tok.AccessToken
			}
			if got := e.requests.Load(); got != st.requests {
				t.Errorf("issuance requests = %d, want %d", got, st.requests)
			}
		})
	}
}
