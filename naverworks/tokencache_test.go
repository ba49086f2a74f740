package naverworks_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
)

// tokenGateway stands in front of a fake's token endpoint: it counts the
// requests, refuses them while failing is set, holds each until block is
// closed (when block is set), and passes the rest to the fake, which
// checks the signed assertion and issues tokens its Bot API accepts.
type tokenGateway struct {
	srv      *httptest.Server
	requests atomic.Int64
	failing  atomic.Bool
	block    chan struct{}
}

func newTokenGateway(t *testing.T, fake *naverworkstest.Server, block chan struct{}) *tokenGateway {
	t.Helper()
	u, err := url.Parse(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.Transport = fake.HTTPClient().Transport
	g := &tokenGateway{block: block}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.requests.Add(1)
		if g.block != nil {
			select {
			case <-g.block:
			case <-r.Context().Done():
				return
			}
		}
		if g.failing.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"the assertion is not accepted"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *tokenGateway) cache(t *testing.T, fake *naverworkstest.Server, opts ...naverworks.TokenOption) *naverworks.TokenCache {
	t.Helper()
	all := append([]naverworks.TokenOption{naverworks.WithTokenURL(g.srv.URL + naverworkstest.TokenPath), naverworks.WithTokenHTTPClient(g.srv.Client())}, opts...)
	c, err := naverworks.NewTokenCache(context.Background(), fake.Credentials(), all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testClock is a clock moved by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func checkNoCredentials(t *testing.T, err error, creds naverworks.Credentials) {
	t.Helper()
	for _, s := range []string{creds.ClientSecret, creds.PrivateKey, "fake-access-token-"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q shows a secret", err)
		}
	}
}

func TestTokenCacheSharesFailedExchange(t *testing.T) {
	t.Parallel()
	const n = 20
	fake := naverworkstest.NewServer(t)
	g := newTokenGateway(t, fake, nil)
	g.failing.Store(true)
	clk := &testClock{t: time.Now()} // stands still: the pause never ends
	cache := g.cache(t, fake, naverworks.WithTokenClock(clk.now))
	errs := make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			_, errs[i] = cache.Token()
		}()
	}
	start.Done()
	done.Wait()
	codes := 0
	for i, err := range errs {
		var te *naverworks.TokenError
		if !errors.As(err, &te) {
			t.Fatalf("caller %d: err = %v, want a *TokenError", i, err)
		}
		if te.Code == "invalid_grant" {
			codes++
		}
		checkNoCredentials(t, err, fake.Credentials())
	}
	got := map[string]int64{"token requests": g.requests.Load(), "callers with the error": int64(codes)}
	want := map[string]int64{"token requests": 1, "callers with the error": n}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestTokenCacheWaitHonoursCallerDeadline(t *testing.T) {
	t.Parallel()
	fake := naverworkstest.NewServer(t)
	release := make(chan struct{})
	g := newTokenGateway(t, fake, release)
	cache := g.cache(t, fake)
	released := false
	defer func() {
		if !released {
			close(release) // lets the hung exchange end before g closes
		}
	}()
	c, err := fake.NewBotClient(naverworkstest.BotID, cache)
	if err != nil {
		t.Fatal(err)
	}

	patient := make(chan error, 1)
	go func() {
		_, err := cache.Token()
		patient <- err
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.SendToUser(ctx, "u", &naverworks.Text{Text: "x"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("send behind a hung exchange: err = %v, want one wrapping context.DeadlineExceeded", err)
	}
	checkNoCredentials(t, err, fake.Credentials())
	if got := len(fake.Messages()); got != 0 {
		t.Errorf("messages = %d, want 0 (no token to send)", got)
	}
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if _, err := cache.TokenContext(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("TokenContext(cancelled): err = %v, want one wrapping context.Canceled", err)
	}

	// The exchange outlives the callers that gave up, and its token is
	// everyone's.
	released = true
	close(release)
	if err := <-patient; err != nil {
		t.Fatalf("the patient caller: %v", err)
	}
	if _, err := c.SendToUser(context.Background(), "u", &naverworks.Text{Text: "x"}); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{"token requests": int(g.requests.Load()), "issued": fake.TokenRequests()}
	if diff := cmp.Diff(map[string]int{"token requests": 1, "issued": 1}, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestTokenCacheFailureBackoff(t *testing.T) {
	t.Parallel()
	clk := &testClock{t: time.Now()}
	fake := naverworkstest.NewServer(t, naverworkstest.WithClock(clk.now), naverworkstest.WithTokenLifetime(time.Hour))
	g := newTokenGateway(t, fake, nil)
	cache := g.cache(t, fake, naverworks.WithTokenClock(clk.now))
	var held string // the token last handed out
	steps := []struct {
		name       string
		advance    time.Duration
		failing    bool
		invalidate bool // Invalidate(held) first, as the client does on 401
		wantErr    bool
		requests   int64
	}{
		{"first exchange fails", 0, true, false, true, 1},
		{"within the pause: the same error, no request", 999 * time.Millisecond, false, false, true, 1},
		{"after the pause: exchanges again", time.Millisecond, false, false, false, 2},
		{"warm", 30 * time.Minute, true, false, false, 2},
		{"due, renewal fails", 26 * time.Minute, true, false, true, 3},
		{"due, within the pause", 500 * time.Millisecond, false, false, true, 3},
		{"a 401 invalidation lifts the pause", 0, false, true, false, 4},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clk.advance(st.advance)
			g.failing.Store(st.failing)
			if st.invalidate && !cache.Invalidate(&oauth2.Token{AccessToken: held}) {
				t.Fatal("Invalidate of the current token returned false")
			}
			tok, err := cache.Token()
			if (err != nil) != st.wantErr {
				t.Fatalf("err = %v, want error %v", err, st.wantErr)
			}
			if err == nil {
				held = tok.AccessToken
			}
			if got := g.requests.Load(); got != st.requests {
				t.Errorf("token requests = %d, want %d", got, st.requests)
			}
		})
	}
}

// A token that lives less than twice the margin is renewed at half its
// life, and the cache hands it out with the expiry the endpoint gave it,
// never a later one.
func TestTokenCacheShortLivedTokenKeepsTrueExpiry(t *testing.T) {
	t.Parallel()
	clk := &testClock{t: time.Now()}
	start := clk.now()
	fake := naverworkstest.NewServer(t, naverworkstest.WithClock(clk.now), naverworkstest.WithTokenLifetime(time.Minute))
	g := newTokenGateway(t, fake, nil)
	cache := g.cache(t, fake, naverworks.WithTokenClock(clk.now))
	steps := []struct {
		name       string
		advance    time.Duration
		requests   int64
		wantExpiry time.Time
	}{
		{"first exchange", 0, 1, start.Add(time.Minute)},
		{"before half its life: warm", 29 * time.Second, 1, start.Add(time.Minute)},
		{"at half its life: renewed", time.Second, 2, start.Add(90 * time.Second)},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clk.advance(st.advance)
			tok, err := cache.Token()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]any{"token requests": g.requests.Load(), "expiry": tok.Expiry.Truncate(time.Second)}
			want := map[string]any{"token requests": st.requests, "expiry": st.wantExpiry.Truncate(time.Second)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
