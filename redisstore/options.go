package redisstore

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultPrefix is the key prefix when no [WithPrefix] is given.
const DefaultPrefix = "channelkit"

// Defaults of the lease and wait options.
const (
	// DefaultLease is how long a [State] lock is held when its holder
	// neither unlocks nor extends it.
	DefaultLease = 30 * time.Second
	// DefaultTokenLease is how long the [TokenSource] fetch lock is held
	// when its holder dies while fetching.
	DefaultTokenLease = 10 * time.Second
	// DefaultWait bounds how long [State.Lock] and a [TokenSource]'s
	// Token wait for another holder, whatever the context says.
	DefaultWait = 30 * time.Second
)

var (
	// ErrLocked is returned by [State.Lock] when the conversation was
	// still locked by another holder after the wait bound ([WithWait]),
	// and by a [TokenSource] whose fetch lock stayed taken that long.
	ErrLocked = errors.New("redisstore: still locked by another holder")
	// ErrNotHeld is returned by [Lease.Unlock], [Lease.Extend] and
	// [Lease.Save] when the lease is no longer this holder's: it expired,
	// and perhaps another holder has the lock now. Nothing was changed.
	ErrNotHeld = errors.New("redisstore: lease not held")
)

// An Option configures a [Deduper], a [State] or a [TokenSource]. Each
// type reads the options that concern it and ignores the others.
type Option func(*config) error

type config struct {
	prefix string
	lease  time.Duration // 0: the type's default
	wait   time.Duration
	queue  queueConfig
	now    func() time.Time // nil: time.Now; set by the package's tests
}

// WithPrefix puts every key under prefix (default [DefaultPrefix]), for
// example "channelkit:line:mybot", so that several bots or platforms can
// share one Redis without sharing de-dup keys, state or tokens. The prefix
// must be non-empty and must not contain '{' or '}' (the key layout uses
// Redis Cluster hash tags).
func WithPrefix(prefix string) Option {
	return func(c *config) error {
		if prefix == "" || strings.ContainsAny(prefix, "{}") {
			return argError("WithPrefix", "prefix", "empty or contains '{' or '}'")
		}
		c.prefix = prefix
		return nil
	}
}

// WithLease sets how long a lock is held before it expires on its own, so
// that a holder that died does not block the others for longer: the
// [State] conversation lock (default [DefaultLease]) and the
// [TokenSource] fetch lock (default [DefaultTokenLease]). It must be at
// least a millisecond.
func WithLease(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Millisecond {
			return argError("WithLease", "d", "shorter than a millisecond")
		}
		c.lease = d
		return nil
	}
}

// WithWait bounds how long [State.Lock] and [TokenSource]'s Token wait for
// another holder (default [DefaultWait]); the context can end the wait
// sooner. It must be positive.
func WithWait(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return argError("WithWait", "d", "not positive")
		}
		c.wait = d
		return nil
	}
}

func newConfig(fn string, rdb redis.UniversalClient, lease time.Duration, opts []Option) (config, error) {
	c := config{prefix: DefaultPrefix, lease: lease, wait: DefaultWait, queue: queueConfig{
		group:       DefaultGroup,
		visibility:  DefaultVisibility,
		maxAttempts: DefaultMaxAttempts,
		maxLen:      DefaultMaxLen,
		block:       DefaultBlock,
		concurrency: DefaultConcurrency,
	}}
	if rdb == nil {
		return c, argError(fn, "rdb", "nil client")
	}
	for _, o := range opts {
		if o == nil {
			return c, argError(fn, "opts", "nil option")
		}
		if err := o(&c); err != nil {
			return c, err
		}
	}
	return c, nil
}

func argError(fn, arg, msg string) error {
	return fmt.Errorf("redisstore: %s: %s: %s", fn, arg, msg)
}

// tagEscaper makes a name safe inside a Cluster hash tag, injectively.
var tagEscaper = strings.NewReplacer("%", "%25", "{", "%7B", "}", "%7D")

// tagged returns "{name}" with name escaped: all keys sharing it land in
// one Cluster slot, so one script may touch them together.
func tagged(name string) string {
	return "{" + tagEscaper.Replace(name) + "}"
}
