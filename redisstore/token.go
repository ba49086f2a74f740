package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"
)

// refreshEarly is how long before its expiry a shared token is fetched
// anew; tokenReuse is how long before expiry the in-process cache stops
// handing it out. refreshEarly is longer, so that a token read from Redis
// is always fresh enough for the in-process cache.
const (
	refreshEarly = time.Minute
	tokenReuse   = 10 * time.Second
)

// TokenSource returns an [oauth2.TokenSource] that N replicas share: it
// reads the token cached in rdb under key (inside the [WithPrefix]
// namespace), and when it is absent or expires within a minute, one
// replica takes a short lock in Redis ([WithLease], default
// [DefaultTokenLease]), calls src once and stores the new token until its
// expiry; the others wait (at most [WithWait]) and read it. Within a
// process, calls are single-flight through [oauth2.ReuseTokenSource], which
// keeps the token in memory until 10 seconds before it expires.
//
// The stored token (access and refresh token) is readable by anything that
// can read the Redis: protect it as the credential it is. A Redis error is
// returned from Token, never hidden by calling src behind the others' backs.
// Invalid arguments (a nil rdb or src, an empty key, a bad option) make
// every Token call return the error.
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
	k := c.prefix + ":token:" + tagged(key)
	s := &sharedSource{rdb: rdb, src: src, key: k, lock: k + ":lock", lease: c.lease, wait: c.wait}
	return oauth2.ReuseTokenSourceWithExpiry(nil, s, tokenReuse)
}

type errorSource struct{ err error }

func (e errorSource) Token() (*oauth2.Token, error) { return nil, e.err }

// sharedSource is the Redis-backed source under the in-process cache.
type sharedSource struct {
	rdb       redis.UniversalClient
	src       oauth2.TokenSource
	key, lock string
	lease     time.Duration
	wait      time.Duration
}

// Token implements oauth2.TokenSource. oauth2 gives it no context; the
// whole call is bounded by the wait.
func (s *sharedSource) Token() (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.wait)
	defer cancel()
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
	b, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("redisstore: token: %w", err)
	}
	var ttl time.Duration // zero expiry: the token never expires
	if !t.Expiry.IsZero() {
		ttl = roundTTL(time.Until(t.Expiry))
		if ttl <= 0 {
			return t, nil // already expired: nothing worth sharing
		}
	}
	if err := s.rdb.Set(ctx, s.key, b, ttl).Err(); err != nil {
		return nil, s.fail("storing", err)
	}
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
	if !t.Expiry.IsZero() && time.Until(t.Expiry) < refreshEarly {
		return nil, nil
	}
	return &t, nil
}

func (s *sharedSource) fail(what string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("redisstore: token: %s the shared token: %w (%w)", what, ErrLocked, err)
	}
	return fmt.Errorf("redisstore: token: %s the shared token: %w", what, err)
}
