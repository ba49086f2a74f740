package redisstore_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/tokencache"
	"github.com/channelkit/channelkit/redisstore"
	"golang.org/x/oauth2"
)

// countingToken counts the fetches of a token source standing in for a
// platform's token exchange.
type countingToken struct {
	fetches atomic.Int32
	ttl     time.Duration // 0: an hour
	err     error
}

type sourceFunc func() (*oauth2.Token, error)

func (f sourceFunc) Token() (*oauth2.Token, error) { return f() }

func countingSource(c *countingToken) oauth2.TokenSource {
	return sourceFunc(func() (*oauth2.Token, error) {
		n := c.fetches.Add(1)
		if c.err != nil {
			return nil, c.err
		}
		ttl := c.ttl
		if ttl == 0 {
			ttl = time.Hour
		}
		return &oauth2.Token{AccessToken: fmt.Sprintf("token-%d", n), TokenType: "Bearer", Expiry: time.Now().Add(ttl)}, nil
	})
}

// TestTokenSourceOneFetch: 3 replicas (own client, own TokenSource) × 300
// concurrent Token calls with a cold cache fetch from src exactly once,
// and all get that token.
func TestTokenSourceOneFetch(t *testing.T) {
	t.Parallel()
	var src countingToken
	const replicas, calls = 3, 300
	var sources []oauth2.TokenSource
	for range replicas {
		sources = append(sources, redisstore.TokenSource(newClient(t), "naverworks:bot", countingSource(&src), redisstore.WithPrefix(prefix(t))))
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	var got sync.Map
	for r := range replicas {
		for range calls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				tok, err := sources[r].Token()
				if err != nil {
					t.Error(err)
					return
				}
				got.Store(tok.AccessToken, true)
			}()
		}
	}
	close(start)
	wg.Wait()
	if n := src.fetches.Load(); n != 1 {
		t.Errorf("%d fetches from src for %d replicas × %d calls, want exactly 1", n, replicas, calls)
	}
	distinct := 0
	got.Range(func(any, any) bool { distinct++; return true })
	if distinct != 1 {
		t.Errorf("%d distinct tokens handed out, want 1", distinct)
	}
	t.Logf("%d replicas × %d concurrent Token calls, cold cache: %d fetch from src", replicas, calls, src.fetches.Load())
}

// TestTokenSourceRefresh: a shared token about to expire is fetched anew,
// once, and a new replica reads the cached one without fetching.
func TestTokenSourceRefresh(t *testing.T) {
	t.Parallel()
	rdb := newClient(t)
	src := countingToken{ttl: 30 * time.Second} // inside the minute before expiry
	a := redisstore.TokenSource(rdb, "k", countingSource(&src), redisstore.WithPrefix(prefix(t)))
	if _, err := a.Token(); err != nil {
		t.Fatal(err)
	}
	b := redisstore.TokenSource(newClient(t), "k", countingSource(&src), redisstore.WithPrefix(prefix(t)))
	if _, err := b.Token(); err != nil {
		t.Fatal(err)
	}
	if n := src.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2 (the cached token expires within the refresh margin)", n)
	}
	src.ttl = time.Hour
	if _, err := b.Token(); err != nil { // b's in-process token is still valid
		t.Fatal(err)
	}
	c := redisstore.TokenSource(newClient(t), "k", countingSource(&src), redisstore.WithPrefix(prefix(t)))
	tok, err := c.Token()
	if err != nil {
		t.Fatal(err)
	}
	if n := src.fetches.Load(); n != 3 || tok.AccessToken != "token-3" {
		t.Fatalf("%d fetches and %q, want 3 and token-3", n, tok.AccessToken)
	}
	d := redisstore.TokenSource(newClient(t), "k", countingSource(&src), redisstore.WithPrefix(prefix(t)))
	if tok, err := d.Token(); err != nil || tok.AccessToken != "token-3" || src.fetches.Load() != 3 {
		t.Fatalf("a fresh replica: %v, %v, %d fetches; want the cached token-3 and no fetch", tok, err, src.fetches.Load())
	}
}

// TestTokenSourceError: src's error is returned, nothing is cached, and
// the lock is released for the next try, after the pause that follows a
// failure.
func TestTokenSourceError(t *testing.T) {
	t.Parallel()
	rdb := newClient(t)
	boom := errors.New("exchange failed")
	src := countingToken{err: boom}
	clk := newTestClock()
	ts := redisstore.TokenSource(rdb, "k", countingSource(&src), redisstore.WithPrefix(prefix(t)), redisstore.WithWait(time.Second), redisstore.WithTokenClock(clk.now))
	if _, err := ts.Token(); !errors.Is(err, boom) {
		t.Fatalf("Token: %v, want src's error", err)
	}
	src.err = nil
	clk.advance(tokencache.Backoff)
	if _, err := ts.Token(); err != nil {
		t.Fatalf("Token after the failure: %v", err)
	}
	if n := src.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
}

// TestTokenSourceDeadFetcher: a replica that took the fetch lock and died
// holds it only for the lease.
func TestTokenSourceDeadFetcher(t *testing.T) {
	t.Parallel()
	rdb := newClient(t)
	lock := prefix(t) + ":token:{k}:lock"
	if err := rdb.Set(t.Context(), lock, "dead", 50*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	var src countingToken
	ts := redisstore.TokenSource(rdb, "k", countingSource(&src), redisstore.WithPrefix(prefix(t)), redisstore.WithWait(5*time.Second))
	if _, err := ts.Token(); err != nil {
		t.Fatalf("Token after a dead fetcher: %v", err)
	}
	short := redisstore.TokenSource(rdb, "k2", countingSource(&src), redisstore.WithPrefix(prefix(t)), redisstore.WithWait(30*time.Millisecond))
	if err := rdb.Set(t.Context(), prefix(t)+":token:{k2}:lock", "held", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := short.Token(); !errors.Is(err, redisstore.ErrLocked) {
		t.Fatalf("Token while another fetches past the wait: %v, want ErrLocked", err)
	}
}
