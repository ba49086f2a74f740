package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/tokencache"
)

// refreshEarly is how long before its expiry a shared token is fetched
// anew; tokenReuse is how long before expiry the in-process cache stops
// handing it out. refreshEarly is longer, so that a token read from Redis
// is always fresh enough for the in-process cache.
const (
	refreshEarly = time.Minute
	tokenReuse   = 10 * time.Second
)

// errNoToken is the error when the wrapped source returns neither a token
// nor an error.
var errNoToken = errors.New("redisstore: token: the source returned no token")

// TokenSource returns an [oauth2.TokenSource] that N replicas share: it
// reads the token cached in rdb under key (inside the [WithPrefix]
// namespace), and when it is absent or expires within a minute, one
// replica takes a short lock in Redis ([WithLease], default
// [DefaultTokenLease]), calls src once and stores the new token until its
// expiry; the others wait (at most [WithWait]) and read it.
//
// Within a process it renews as line's and naverworks' TokenCache do. A
// warm Token call is an atomic load and an atomic flag, without locks,
// Redis or allocations; the token is handed out until 10 seconds before
// it expires. When there is none, or it is due, the first caller starts
// one fetch (the Redis read, and on a miss the locked exchange) in a
// goroutine of its own, and every concurrent caller waits for that fetch
// and gets its token or its error. After a failed fetch, callers get the
// same error for one second without a new fetch.
//
// The value returned also has the methods line's and naverworks' clients
// look for (line.ContextTokenSource, line.Invalidator and naverworks'
// interfaces of the same names), so that those clients use them without
// being told:
//
//	TokenContext(ctx context.Context) (*oauth2.Token, error)
//	Invalidate(stale *oauth2.Token) bool
//
// TokenContext is Token, except that a caller whose ctx ends before the
// token is at hand stops waiting and gets an error wrapping ctx.Err(); the
// fetch goes on for the others and its token is cached. A nil ctx is an
// error. Invalidate, called by those clients with a token the platform
// refused (HTTP 401), marks it due if it is still the cached one and
// reports whether it did; the next fetch then deletes it from Redis, only
// if Redis still holds that exact token (compare-and-delete, so that a
// newer token another replica stored stays), and takes the lock to
// exchange a new one. An invalidation also ends the pause after a failed
// fetch, and is passed on to src when src has an Invalidate method of
// the same form (line's and naverworks' TokenCache do): a src that caches
// without one may hand the refused token out again. Invalidate does no
// I/O.
//
// The stored token (access and refresh token) is readable by anything that
// can read the Redis: protect it as the credential it is. A Redis error is
// returned from Token, never hidden by calling src behind the others' backs.
// Invalid arguments (a nil rdb or src, an empty key, a bad option) make
// every Token call return the error. The value is safe for concurrent use
// and prints as redisstore.TokenSource{} with every fmt verb and in slog.
func TokenSource(rdb redis.UniversalClient, key string, src oauth2.TokenSource, opts ...Option) oauth2.TokenSource {
	c, err := newConfig("TokenSource", rdb, DefaultTokenLease, opts)
	switch {
	case err != nil:
	case key == "":
		err = argError("TokenSource", "key", "empty key")
	case src == nil:
		err = argError("TokenSource", "src", "nil token source")
	}
	if err != nil {
		return errorSource{err}
	}
	now := c.now
	if now == nil {
		now = time.Now
	}
	k := c.prefix + ":token:" + tagged(key)
	s := &sharedSource{rdb: rdb, src: src, key: k, lock: k + ":lock", lease: c.lease, wait: c.wait, now: now}
	ts := &tokenSource{shared: s}
	ts.eng.Init(tokencache.Config{
		Fetch:   s.Token,
		Margin:  tokenReuse,
		Now:     c.now, // nil: time.Now, with a renewal timer per token
		Waiting: "redisstore: waiting for the shared token",
		NoToken: errNoToken,
	})
	return ts
}

// tokenSource is what [TokenSource] returns: the core's token cache over
// the Redis-backed fleet fetch.
type tokenSource struct {
	eng    tokencache.Cache
	shared *sharedSource
}

// Token implements oauth2.TokenSource: TokenContext without a deadline.
func (s *tokenSource) Token() (*oauth2.Token, error) {
	if t, ok := s.eng.Cached(); ok {
		return t, nil
	}
	return s.eng.Renew(context.Background())
}

// TokenContext returns the cached token, or waits under ctx for the fetch
// that renews it; see [TokenSource].
func (s *tokenSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if t, ok := s.eng.Cached(); ok {
		return t, nil
	}
	if ctx == nil {
		return nil, argError("TokenSource.TokenContext", "ctx", "nil context")
	}
	return s.eng.Renew(ctx)
}

// Invalidate marks stale due if it is the cached token; see [TokenSource].
func (s *tokenSource) Invalidate(stale *oauth2.Token) bool {
	if stale == nil {
		return false
	}
	// Noted before the cache marks it due, so that the fetch the mark
	// lets start deletes it from Redis rather than reading it back; and
	// passed on to a wrapped source that caches too (line's and
	// naverworks' TokenCache), which would hand it out again otherwise.
	s.shared.refused(stale.AccessToken)
	if inv, ok := s.shared.src.(invalidator); ok {
		inv.Invalidate(stale)
	}
	return s.eng.Invalidate(stale)
}

// invalidator is line.Invalidator and naverworks.Invalidator.
type invalidator interface {
	Invalidate(stale *oauth2.Token) bool
}

var tokenSourceForm = redact.Form{Type: "redisstore.TokenSource"}

// String never shows a token.
func (s *tokenSource) String() string { return tokenSourceForm.String() }

// GoString is String.
func (s *tokenSource) GoString() string { return s.String() }

// Format writes String for every verb.
func (s *tokenSource) Format(f fmt.State, verb rune) { tokenSourceForm.Format(f, verb) }

// LogValue logs String.
func (s *tokenSource) LogValue() slog.Value { return tokenSourceForm.LogValue() }

type errorSource struct{ err error }

func (e errorSource) Token() (*oauth2.Token, error) { return nil, e.err }

// sharedSource is the Redis-backed fetch under the in-process cache. Its
// Token is called by the cache one call at a time.
type sharedSource struct {
	rdb       redis.UniversalClient
	src       oauth2.TokenSource
	key, lock string
	lease     time.Duration
	wait      time.Duration
	now       func() time.Time

	mu sync.Mutex // guards last and stale
	// last is the token the last fetch handed out, as stored in Redis.
	last stored
	// stale is a refused token, as stored in Redis, still to be deleted
	// from there; nil when there is none.
	stale []byte
}

// stored is a token's access token and its JSON as Redis holds it.
type stored struct {
	access string
	raw    []byte
}

// refused notes that the platform refused access, when it is the token
// the last fetch handed out, so that the next fetch deletes it from Redis.
func (s *sharedSource) refused(access string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last.raw != nil && s.last.access == access {
		s.stale = s.last.raw
	}
}

// Token fetches the fleet's token: oauth2 gives it no context, and the
// whole call is bounded by the wait.
func (s *sharedSource) Token() (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.wait)
	defer cancel()
	if err := s.dropStale(ctx); err != nil {
		return nil, err
	}
	var p poller
	for {
		if t, err := s.read(ctx); err != nil || t != nil {
			return t, err
		}
		n := nonce()
		ok, err := s.rdb.SetArgs(ctx, s.lock, n, redis.SetArgs{Mode: "NX", TTL: s.lease}).Result()
		switch {
		case err == nil && ok == "OK":
			return s.fetch(ctx, n)
		case err != nil && !errors.Is(err, redis.Nil):
			return nil, s.fail("locking", err)
		}
		if err := p.wait(ctx); err != nil {
			return nil, ErrLocked
		}
	}
}

// dropStale deletes a refused token from Redis if Redis still holds
// exactly that token: a newer one, stored by another replica after its
// own 401, stays.
func (s *sharedSource) dropStale(ctx context.Context) error {
	s.mu.Lock()
	raw := s.stale
	s.mu.Unlock()
	if raw == nil {
		return nil
	}
	if err := releaseScript.Run(ctx, s.rdb, []string{s.key}, raw).Err(); err != nil {
		return s.fail("replacing", err) // kept: the next fetch tries again
	}
	s.mu.Lock()
	if string(s.stale) == string(raw) {
		s.stale = nil
	}
	s.mu.Unlock()
	return nil
}

// fetch runs under the lock: it reads once more (another replica may have
// stored a token just before the lock was free), calls src, stores.
func (s *sharedSource) fetch(ctx context.Context, n string) (*oauth2.Token, error) {
	defer func() {
		// The lock expires on its own if this fails.
		_ = releaseScript.Run(context.WithoutCancel(ctx), s.rdb, []string{s.lock}, n).Err()
	}()
	if t, err := s.read(ctx); err != nil || t != nil {
		return t, err
	}
	t, err := s.src.Token()
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, errNoToken
	}
	b, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("redisstore: token: %w", err)
	}
	var ttl time.Duration // zero expiry: the token never expires
	if !t.Expiry.IsZero() {
		ttl = roundTTL(t.Expiry.Sub(s.now()))
		if ttl <= 0 {
			return t, nil // already expired: nothing worth sharing
		}
	}
	if err := s.rdb.Set(ctx, s.key, b, ttl).Err(); err != nil {
		return nil, s.fail("storing", err)
	}
	s.handedOut(t, b)
	return t, nil
}

// read returns the stored token when it is fresh, nil when there is none
// or it expires within refreshEarly.
func (s *sharedSource) read(ctx context.Context) (*oauth2.Token, error) {
	b, err := s.rdb.Get(ctx, s.key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail("reading", err)
	}
	var t oauth2.Token
	if err := json.Unmarshal(b, &t); err != nil || t.AccessToken == "" {
		return nil, nil // not a token of ours: replace it
	}
	if !t.Expiry.IsZero() && t.Expiry.Sub(s.now()) < refreshEarly {
		return nil, nil
	}
	s.handedOut(&t, b)
	return &t, nil
}

// handedOut remembers t, stored in Redis as raw, as the last token
// fetched, for a later invalidation.
func (s *sharedSource) handedOut(t *oauth2.Token, raw []byte) {
	s.mu.Lock()
	s.last = stored{access: t.AccessToken, raw: raw}
	s.mu.Unlock()
}

func (s *sharedSource) fail(what string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("redisstore: token: %s the shared token: %w (%w)", what, ErrLocked, err)
	}
	return fmt.Errorf("redisstore: token: %s the shared token: %w", what, err)
}
