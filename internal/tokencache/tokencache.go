// Package tokencache is the engine behind line.TokenCache and
// naverworks.TokenCache: an OAuth access token cached until it is due
// for renewal, renewed by one fetch at a time for any number of callers.
//
// A warm [Cache.Cached] call is one atomic load and one atomic flag,
// without locks, clock reads or allocations: a timer set when a token is
// cached marks it due for renewal. (With an injected clock, [Config.Now],
// the clock is read instead, on every call, and no timer is set.)
//
// A token is due at its expiry less the margin, or, when it lives less
// than twice the margin, at half its life. The token handed out keeps the
// expiry its source gave it.
//
// When there is no token, or it is due, the first caller of [Cache.Renew]
// starts one fetch in a goroutine of its own and every caller, the first
// included, waits for it; its token or its error goes to all of them. A
// caller whose context ends first stops waiting; the fetch goes on and
// its token is cached for the next caller. After a failed fetch, callers
// get the same error for [Backoff] without a new fetch; a token
// invalidated by [Cache.Invalidate] lifts that pause.
package tokencache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/redact"
)

// Backoff is how long a failed fetch's error is returned to later callers
// before the next one fetches again.
const Backoff = time.Second

// Config is what [New] builds a [Cache] from.
type Config struct {
	// Fetch gets one new token. It is called from a goroutine of the
	// cache's, one call at a time; it is never shown by any printing.
	Fetch func() (*oauth2.Token, error)
	// Margin is how long before its expiry a token is renewed.
	Margin time.Duration
	// Now, when set, is the clock read on every call; nil is time.Now,
	// with a renewal timer per token.
	Now func() time.Time
	// Waiting prefixes the error of a caller whose context ended first,
	// as in "line: waiting for a channel access token".
	Waiting string
	// NoToken is the error when Fetch returns neither a token nor an
	// error.
	NoToken error
}

// Cache is a caching token source. The zero Cache is not usable; make one
// with [New]. It is safe for concurrent use and must not be copied after
// first use.
type Cache struct {
	// Hidden: the fetcher holds the credentials and the key, which fmt
	// would print through the pointer for a verb like %s.
	fetch   redact.Hidden[func() (*oauth2.Token, error)]
	margin  time.Duration
	now     func() time.Time // nil: time.Now, with renewal timers
	waiting string
	noToken error
	cur     atomic.Pointer[entry]

	mu     sync.Mutex // guards flight and failed
	flight *flight    // the fetch under way, or nil
	failed *failure   // the last fetch's failure, or nil
}

// flight is one fetch; done is closed once tok or err is set.
type flight struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// failure is a fetch's error, returned without a new fetch until until.
type failure struct {
	err   error
	until time.Time
}

type entry struct {
	tok *oauth2.Token
	// renew is when the token is due for renewal (zero: never, for a
	// token without expiry).
	renew time.Time
	// due is set by the renewal timer (without an injected clock) and by
	// Invalidate.
	due   atomic.Bool
	timer *time.Timer
}

// New returns a Cache that gets its tokens from cfg.Fetch. It does no I/O.
func New(cfg Config) *Cache {
	c := &Cache{}
	c.Init(cfg)
	return c
}

// Init makes c, a zero Cache (typically a field of a larger value), usable
// as [New]'s result would be. It must be called once, before any other
// method.
func (c *Cache) Init(cfg Config) {
	noToken := cfg.NoToken
	if noToken == nil {
		noToken = errors.New("tokencache: the fetcher returned no token")
	}
	c.fetch = redact.Hide(cfg.Fetch)
	c.margin = cfg.Margin
	c.now = cfg.Now
	c.waiting = cfg.Waiting
	c.noToken = noToken
}

// Cached returns the cached token and true when there is one not due for
// renewal; otherwise nil and false. It never blocks.
func (c *Cache) Cached() (*oauth2.Token, bool) {
	e := c.cur.Load()
	if e == nil || e.due.Load() || (c.now != nil && c.dueByClock(e)) {
		return nil, false
	}
	return e.tok, true
}

// dueByClock reports whether the injected clock has reached e's renewal
// time; out of Cached's line so that Cached stays inlinable.
func (c *Cache) dueByClock(e *entry) bool {
	return !e.renew.IsZero() && !c.now().Before(e.renew)
}

// Token is Cached, and Renew under ctx when there is no token at hand.
// ctx must not be nil.
func (c *Cache) Token(ctx context.Context) (*oauth2.Token, error) {
	if t, ok := c.Cached(); ok {
		return t, nil
	}
	return c.Renew(ctx)
}

func (c *Cache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// Renew returns the cached token if one was cached while the caller got
// here, and otherwise waits for a fetch: the one under way, or one it
// starts. Within [Backoff] of a failed fetch it returns that fetch's error
// without a new fetch. When ctx ends first the error wraps ctx.Err(),
// prefixed with [Config.Waiting]; the fetch goes on. ctx must not be nil.
func (c *Cache) Renew(ctx context.Context) (*oauth2.Token, error) {
	c.mu.Lock()
	if t, ok := c.Cached(); ok {
		c.mu.Unlock()
		return t, nil // fetched while this caller waited for mu
	}
	f := c.flight
	if f == nil {
		if fl := c.failed; fl != nil && c.clock().Before(fl.until) {
			c.mu.Unlock()
			return nil, fl.err
		}
		f = &flight{done: make(chan struct{})}
		c.flight = f
		go c.run(f)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", c.waiting, ctx.Err())
	}
}

// run performs f's fetch, caches its token or remembers its failure, and
// releases f's waiters.
func (c *Cache) run(f *flight) {
	t, err := c.fetch.Reveal()()
	if err == nil && t == nil {
		err = c.noToken
	}
	c.mu.Lock()
	defer func() {
		c.flight = nil
		c.mu.Unlock()
		close(f.done)
	}()
	if err != nil {
		f.err = err
		c.failed = &failure{err: err, until: c.clock().Add(Backoff)}
		return
	}
	c.failed = nil
	f.tok = t
	e := &entry{tok: t}
	if !t.Expiry.IsZero() {
		now := c.clock()
		e.renew = RenewAt(now, t.Expiry, c.margin)
		if c.now == nil {
			e.timer = time.AfterFunc(e.renew.Sub(now), func() { e.due.Store(true) })
		}
	}
	if old := c.cur.Load(); old != nil && old.timer != nil {
		old.timer.Stop()
	}
	c.cur.Store(e)
}

// RenewAt is when a token fetched at now and expiring at expiry is due
// for renewal: expiry less margin, or, for a token that lives less than
// twice margin (which would otherwise be renewed on every call), half
// its life.
func RenewAt(now, expiry time.Time, margin time.Duration) time.Time {
	life := expiry.Sub(now)
	if life < 2*margin {
		margin = life / 2
	}
	return expiry.Add(-margin)
}

// Invalidate marks stale due for renewal if it is still the cached token
// (compared by AccessToken) and not already marked, and reports whether
// it did; it also lifts the pause after a failed fetch, since the server
// refused the token. A token already replaced is left alone, so that
// many callers refused with the same token cause one fetch between them.
func (c *Cache) Invalidate(stale *oauth2.Token) bool {
	if stale == nil {
		return false
	}
	e := c.cur.Load()
	if e == nil || e.tok.AccessToken != stale.AccessToken {
		return false
	}
	// Marked due rather than dropped: the next fetch replaces it and
	// stops its timer.
	if !e.due.CompareAndSwap(false, true) {
		return false
	}
	c.mu.Lock()
	c.failed = nil
	c.mu.Unlock()
	return true
}

// FireRenewal runs the cached token's renewal timer now, as if the token
// had reached its renewal time, and reports whether a timer was armed
// and had not fired. Tests use it to reach the timer's path without
// waiting.
func (c *Cache) FireRenewal() bool {
	e := c.cur.Load()
	if e == nil || e.timer == nil {
		return false
	}
	if e.timer.Stop() {
		e.due.Store(true)
		return true
	}
	return false
}
