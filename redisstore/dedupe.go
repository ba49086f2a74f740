package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/channelkit/channelkit/message"
	"github.com/redis/go-redis/v9"
)

// Deduper is a [message.Deduper] and [message.Forgetter] on Redis: each
// key is recorded with SET NX PX, so of all the replicas sharing the Redis
// and the prefix, exactly one sees a key as new until its TTL runs out or
// it is forgotten. It is safe for concurrent use.
type Deduper struct {
	rdb    redis.UniversalClient
	ttl    time.Duration
	prefix string
}

var (
	_ message.Deduper   = (*Deduper)(nil)
	_ message.Forgetter = (*Deduper)(nil)
)

// NewDeduper returns a deduper that remembers each key for ttl (at least a
// millisecond) in rdb. It does no I/O. Options: [WithPrefix].
func NewDeduper(rdb redis.UniversalClient, ttl time.Duration, opts ...Option) (*Deduper, error) {
	c, err := newConfig("NewDeduper", rdb, 0, opts)
	if err != nil {
		return nil, err
	}
	if ttl < time.Millisecond {
		return nil, argError("NewDeduper", "ttl", "shorter than a millisecond")
	}
	return &Deduper{rdb: rdb, ttl: ttl, prefix: c.prefix + ":dedupe:"}, nil
}

// Seen implements [message.Deduper]: it records key and reports whether it
// was already recorded. An error (the network, a closed client, ctx) means
// nothing is known; the LINE handler then processes the event.
func (d *Deduper) Seen(ctx context.Context, key string) (bool, error) {
	err := d.rdb.SetArgs(ctx, d.prefix+key, "1", redis.SetArgs{Mode: "NX", TTL: d.ttl}).Err()
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, redis.Nil):
		return true, nil
	default:
		return false, fmt.Errorf("redisstore: dedupe: %w", err)
	}
}

// Forget implements [message.Forgetter]: key is no longer recorded, on
// every replica.
func (d *Deduper) Forget(ctx context.Context, key string) error {
	if err := d.rdb.Del(ctx, d.prefix+key).Err(); err != nil {
		return fmt.Errorf("redisstore: forget: %w", err)
	}
	return nil
}
