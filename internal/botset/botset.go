// Package botset is the resolution every channelkit multi-bot handler
// shares: it finds the credentials of the bot a webhook request is for,
// through the user's resolver, and caches the answer.
//
// A bot ID comes from the request before anything in it is verified (a
// path segment, a header, a body field), so an unverified request chooses
// which IDs are looked up. The cache bounds what that costs: IDs are
// length-checked before any lookup, unknown IDs are cached (as long as
// known ones, so that a second probe of an ID cannot tell the two apart by
// its speed), unknown IDs hold at most a quarter of the cache and never
// evict a known bot, and eviction never scans the cache. It does not
// bound the rate of lookups: every new ID reaches the resolver once, so a
// resolver that is expensive to ask needs its own rate limit.
//
// A hit reads no clock: every webhook request of a multi-bot handler is a
// lookup, and reading the time (tens to hundreds of nanoseconds on some
// machines) would be a fixed cost per request that a single-bot handler
// does not pay. Instead each entry has a timer that removes it when its
// TTL is up, so an entry still in the map is live. A cache given a clock
// (Config.Now) to test with checks it on every hit instead.
package botset

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
)

// ErrUnknownBot is wrapped by the error of a request for a bot the
// resolver does not know (or an ID no bot can have). Handlers answer it
// with the same status as a failed signature check, 401, so that a caller
// cannot tell an unknown bot from a wrong secret. Platform packages
// re-export it as their own ErrUnknownBot.
var ErrUnknownBot = errors.New("unknown bot")

// MaxIDLen is the longest bot ID looked up. Longer IDs are unknown without
// a lookup: no platform's bot, channel or extension ID comes near it.
const MaxIDLen = 256

// DefaultTTL is how long a resolved bot is served from the cache before
// the resolver is asked again: a revoked bot stops being served at most
// this long after the resolver stops returning it.
const DefaultTTL = time.Minute

// DefaultMaxEntries caps the cache (known and unknown IDs together).
const DefaultMaxEntries = 10000

// Config configures a [Cache].
type Config struct {
	// TTL is how long a resolved bot is cached. 0 turns caching off: every
	// request asks the resolver (concurrent lookups of one ID still share
	// one call).
	TTL time.Duration
	// NegativeTTL is how long an unknown ID is cached (0: TTL, so that
	// the answers for known and unknown IDs age alike; a bot added while
	// its ID is cached as unknown is served once that entry ends, or at
	// once after Forget).
	NegativeTTL time.Duration
	// MaxEntries caps the entries held (0: DefaultMaxEntries); unknown
	// IDs take at most a quarter of it. A known bot that does not fit
	// evicts one entry, whichever the map yields first; an unknown ID
	// that does not fit is not cached.
	MaxEntries int
	// Now is the clock (nil: time.Now). A cache given a clock and no
	// AfterFunc checks the clock on every hit, so that a test can move the
	// clock past an entry's TTL; without a clock, timers remove entries
	// when their TTL is up and hits read no clock.
	Now func() time.Time
	// AfterFunc schedules f to run after d and returns a function that
	// cancels it, reporting whether it did (nil: time.AfterFunc, unless
	// Now is set). Tests set it to fire timers themselves.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
}

// Resolve finds a bot by ID. It returns an error wrapping ErrUnknownBot
// for an ID it does not serve; any other error is a failed lookup (a
// database down), which is not cached.
type Resolve[B any] func(ctx context.Context, id string) (B, error)

// Cache caches a resolver's answers per bot ID. It is safe for concurrent
// use; concurrent lookups of one ID that is not cached share one call of
// the resolver.
type Cache[B any] struct {
	resolve Resolve[B]
	ttl     time.Duration
	negTTL  time.Duration
	max     int
	now     func() time.Time
	// checkClock: hits compare the clock with an entry's expiry (a clock
	// was injected without timers).
	checkClock bool
	afterFunc  func(d time.Duration, f func()) func() bool // nil: no timers

	mu      sync.RWMutex
	entries map[string]entry[B]
	unknown int // entries that hold an unknown ID
	flights map[string]*flight[B]
	gen     map[string]uint64 // bumped by Forget, so an in-flight lookup does not cache a revoked answer
	seq     uint64            // numbers entries, so that a late timer does not remove a newer one
}

// entry is a cached answer, held by value so that a hit reads the map
// slot and nothing else; what only a store, a removal or a test clock
// needs is behind life, so that the slots a hit reads stay small (with
// a thousand bots the map no longer fits the CPU's nearest caches, and
// every cache line a hit touches is a likely miss).
type entry[B any] struct {
	bot   B
	known bool
	*life
}

// life is an entry's expiry and its timer.
type life struct {
	expires time.Time
	seq     uint64
	stop    func() bool // cancels the timer that removes the entry; nil without timers
}

type flight[B any] struct {
	done    chan struct{}
	bot     B
	err     error
	waiters int // lookups waiting for this one (for tests)
}

// New returns a cache in front of resolve.
func New[B any](resolve Resolve[B], cfg Config) *Cache[B] {
	c := &Cache[B]{
		resolve: resolve,
		ttl:     cfg.TTL,
		negTTL:  cfg.NegativeTTL,
		max:     cfg.MaxEntries,
		now:     cfg.Now,
		entries: make(map[string]entry[B]),
		flights: make(map[string]*flight[B]),
		gen:     make(map[string]uint64),
	}
	if c.max <= 0 {
		c.max = DefaultMaxEntries
	}
	switch {
	case cfg.AfterFunc != nil:
		c.afterFunc = cfg.AfterFunc
	case cfg.Now != nil:
		c.checkClock = true
	default:
		c.afterFunc = realAfterFunc
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.negTTL <= 0 {
		c.negTTL = c.ttl
	}
	return c
}

// Get returns the bot with the given ID: from the cache while its entry
// lasts, else from the resolver. An empty or over-long ID is unknown
// without a lookup. The error wraps ErrUnknownBot for an unknown bot; any
// other error is the resolver's (or ctx's) and is not cached.
func (c *Cache[B]) Get(ctx context.Context, id string) (B, error) {
	var zero B
	if id == "" || len(id) > MaxIDLen {
		return zero, ErrUnknownBot
	}
	if c.ttl > 0 {
		c.mu.RLock()
		e, ok := c.entries[id]
		c.mu.RUnlock()
		if ok && (!c.checkClock || c.now().Before(e.expires)) {
			if !e.known {
				return zero, ErrUnknownBot
			}
			return e.bot, nil
		}
	}
	return c.lookup(ctx, id)
}

// lookup asks the resolver, one call per ID at a time.
func (c *Cache[B]) lookup(ctx context.Context, id string) (B, error) {
	c.mu.Lock()
	for {
		f, ok := c.flights[id]
		if !ok {
			break
		}
		f.waiters++
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			var zero B
			return zero, ctx.Err()
		}
		// The leader's request may have ended while ours goes on: its
		// context error is not our answer, so look again.
		if !isContextErr(f.err) || ctx.Err() != nil {
			return f.bot, f.err
		}
		c.mu.Lock()
	}
	// A lookup that ended while we waited for the lock may have cached
	// the answer: take it rather than ask again.
	if e, ok := c.entries[id]; ok && c.ttl > 0 && (!c.checkClock || c.now().Before(e.expires)) {
		c.mu.Unlock()
		if !e.known {
			var zero B
			return zero, ErrUnknownBot
		}
		return e.bot, nil
	}
	f := &flight[B]{done: make(chan struct{})}
	c.flights[id] = f
	gen := c.gen[id]
	c.mu.Unlock()

	f.bot, f.err = c.call(ctx, id)

	c.mu.Lock()
	current := c.flights[id] == f // false when Forget cut this lookup loose
	if current {
		delete(c.flights, id)
	}
	if c.ttl > 0 && current && c.gen[id] == gen {
		switch {
		case f.err == nil:
			c.store(id, entry[B]{bot: f.bot, known: true}, c.ttl)
		case errors.Is(f.err, ErrUnknownBot):
			c.store(id, entry[B]{known: false}, c.negTTL)
		}
	}
	if _, running := c.flights[id]; !running {
		delete(c.gen, id)
	}
	c.mu.Unlock()
	close(f.done)
	return f.bot, f.err
}

// call runs the resolver, turning a panic into an error: a resolver is
// user code, and one bad bot must not take the handler down.
func (c *Cache[B]) call(ctx context.Context, id string) (bot B, err error) {
	defer func() {
		if p := recover(); p != nil {
			var zero B
			bot, err = zero, errResolverPanic
		}
	}()
	return c.resolve(ctx, id)
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

var errResolverPanic = errors.New("bot resolver panicked")

// realAfterFunc is the production timer.
func realAfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// store adds e under id for ttl; c.mu is held. It never scans the map:
// an unknown ID that does not fit is not cached, and a known bot that does
// not fit evicts one entry.
func (c *Cache[B]) store(id string, e entry[B], ttl time.Duration) {
	// The ID is often a piece of the request (its path, a header, a
	// body held in a pooled buffer): keep a copy of its own.
	id = strings.Clone(id)
	if old, ok := c.entries[id]; ok {
		c.drop(id, old)
	}
	if !e.known && (c.unknown >= max(c.max/4, 1) || len(c.entries) >= c.max) {
		return
	}
	if len(c.entries) >= c.max {
		for k, old := range c.entries {
			c.drop(k, old)
			break
		}
	}
	c.seq++
	e.life = &life{expires: c.now().Add(ttl), seq: c.seq}
	if c.afterFunc != nil {
		seq := e.seq
		e.stop = c.afterFunc(ttl, func() { c.expire(id, seq) })
	}
	if !e.known {
		c.unknown++
	}
	c.entries[id] = e
}

// drop removes e, held under id, and cancels its timer; c.mu is held.
func (c *Cache[B]) drop(id string, e entry[B]) {
	if e.stop != nil {
		e.stop()
	}
	c.remove(id, e)
}

// remove deletes e, held under id; c.mu is held.
func (c *Cache[B]) remove(id string, e entry[B]) {
	if !e.known {
		c.unknown--
	}
	delete(c.entries, id)
}

// expire is an entry's timer: it removes the entry numbered seq, unless
// a newer entry for id took its place.
func (c *Cache[B]) expire(id string, seq uint64) {
	c.mu.Lock()
	if e, ok := c.entries[id]; ok && e.seq == seq {
		c.remove(id, e)
	}
	c.mu.Unlock()
}

// Forget drops what the cache holds for id, and cuts a lookup already
// running loose: its answer is not cached, and requests after Forget do
// not wait for it but ask the resolver again. Use it when a bot is added,
// revoked or its secret rotated.
func (c *Cache[B]) Forget(id string) {
	c.mu.Lock()
	if e, ok := c.entries[id]; ok {
		c.drop(id, e)
	}
	if _, ok := c.flights[id]; ok {
		c.gen[id]++
		delete(c.flights, id)
	}
	c.mu.Unlock()
}

// Len reports how many IDs the cache holds (for tests and metrics).
func (c *Cache[B]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
