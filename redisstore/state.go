package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/channelkit/channelkit/message"
	"github.com/redis/go-redis/v9"
)

// fenceTTL is how long a conversation's fencing counter outlives its last
// lock. Tokens only need to grow while a stale holder may still act, which
// is at most a lease; a day is far beyond any lease.
const fenceTTL = 24 * time.Hour

// State is a [message.State] on Redis: values with a TTL, and a
// per-conversation lock held as a lease. Every replica sharing the Redis
// and the prefix sees the same values and the same locks. It is safe for
// concurrent use.
type State struct {
	rdb    redis.UniversalClient
	prefix string
	lease  time.Duration
	wait   time.Duration
}

var _ message.State = (*State)(nil)

// NewState returns a state in rdb. It does no I/O. Options: [WithPrefix],
// [WithLease] (how long a lock lasts if its holder dies), [WithWait] (how
// long Lock waits at most).
func NewState(rdb redis.UniversalClient, opts ...Option) (*State, error) {
	c, err := newConfig("NewState", rdb, DefaultLease, opts)
	if err != nil {
		return nil, err
	}
	return &State{rdb: rdb, prefix: c.prefix + ":state:", lease: c.lease, wait: c.wait}, nil
}

// keys returns a conversation's value, lock and fencing-counter keys, all
// in one Cluster slot.
func (s *State) keys(conversation string) (value, lock, fence string) {
	base := s.prefix + tagged(conversation)
	return base, base + ":lock", base + ":fence"
}

// Load implements [message.State].
func (s *State) Load(ctx context.Context, conversation string) ([]byte, bool, error) {
	value, _, _ := s.keys(conversation)
	b, err := s.rdb.Get(ctx, value).Bytes()
	switch {
	case err == nil:
		return b, true, nil
	case errors.Is(err, redis.Nil):
		return nil, false, nil
	default:
		return nil, false, fmt.Errorf("redisstore: load: %w", err)
	}
}

// Save implements [message.State]. A ttl of 0 keeps the value until Redis
// evicts it (under its maxmemory policy); a nil value deletes. Save does
// not check the lock: [Lease.Save] does.
func (s *State) Save(ctx context.Context, conversation string, value []byte, ttl time.Duration) error {
	if ttl < 0 {
		return errors.New("redisstore: save: negative TTL")
	}
	key, _, _ := s.keys(conversation)
	ttl = roundTTL(ttl)
	var err error
	if value == nil {
		err = s.rdb.Del(ctx, key).Err()
	} else {
		err = s.rdb.Set(ctx, key, value, ttl).Err()
	}
	if err != nil {
		return fmt.Errorf("redisstore: save: %w", err)
	}
	return nil
}

// Lock implements [message.State] with [State.Acquire]: the returned
// function is the lease's Unlock.
func (s *State) Lock(ctx context.Context, conversation string) (func(context.Context) error, error) {
	l, err := s.Acquire(ctx, conversation)
	if err != nil {
		return nil, err
	}
	return l.Unlock, nil
}

// acquireScript takes the lock if it is free: KEYS lock, fence; ARGV
// nonce, lease ms, fence TTL ms. It returns the fencing token, or 0.
var acquireScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local t = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SET', KEYS[1], t .. ':' .. ARGV[1], 'PX', ARGV[2])
return t
`)

// Acquire waits until the conversation's lock is free and takes it, as a
// lease that expires after [WithLease] unless it is extended. It polls with
// a growing pause (2 ms to 100 ms) and gives up when ctx ends (returning
// ctx's error) or after [WithWait] (returning [ErrLocked]). A network
// error ends the wait at once.
func (s *State) Acquire(ctx context.Context, conversation string) (*Lease, error) {
	_, lock, fence := s.keys(conversation)
	n := nonce()
	wctx, cancel := context.WithTimeout(ctx, s.wait)
	defer cancel()
	var p poller
	for {
		// Each attempt runs under the caller's context; the wait bound
		// limits only the pauses between attempts, so that ErrLocked
		// means the lock was seen held, never that a round trip was slow.
		t, err := acquireScript.Run(ctx, s.rdb, []string{lock, fence}, n, s.lease.Milliseconds(), fenceTTL.Milliseconds()).Int64()
		if err == nil && t > 0 {
			return &Lease{st: s, conversation: conversation, lock: lock, value: strconv.FormatInt(t, 10) + ":" + n, token: t}, nil
		}
		if err == nil {
			err = p.wait(wctx)
		}
		if err != nil {
			if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
				return nil, ErrLocked
			}
			return nil, fmt.Errorf("redisstore: lock: %w", err)
		}
	}
}

// A Lease is one holder's hold on a conversation's lock. It ends when the
// holder unlocks it or when it expires; after that, another holder may
// have the lock, and the lease's methods return [ErrNotHeld].
type Lease struct {
	st           *State
	conversation string
	lock         string
	value        string // "token:nonce", the lock key's value while held
	token        int64

	once sync.Once
	err  error
}

// Token returns the lease's fencing token: it is greater than the token of
// every earlier lease on the same conversation (within a day of the last
// one). Pass it to a system that rejects writes with a smaller token than
// it has seen, so that a holder whose lease expired unnoticed (a long
// pause) cannot overwrite its successor's work.
func (l *Lease) Token() int64 { return l.token }

// releaseScript deletes KEYS[1] only if it still holds ARGV[1].
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// Unlock frees the lock if this lease still holds it, and returns
// [ErrNotHeld] (changing nothing) if it does not. Calls after the first
// return the first one's result.
func (l *Lease) Unlock(ctx context.Context) error {
	l.once.Do(func() {
		n, err := releaseScript.Run(ctx, l.st.rdb, []string{l.lock}, l.value).Int64()
		switch {
		case err != nil:
			l.err = fmt.Errorf("redisstore: unlock: %w", err)
		case n == 0:
			l.err = ErrNotHeld
		}
	})
	return l.err
}

// extendScript sets KEYS[1]'s expiry to ARGV[2] ms if it holds ARGV[1].
var extendScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`)

// Extend makes the lease last d (at least a millisecond) from now, if it
// is still held; else it returns [ErrNotHeld].
func (l *Lease) Extend(ctx context.Context, d time.Duration) error {
	if d < time.Millisecond {
		return errors.New("redisstore: extend: shorter than a millisecond")
	}
	n, err := extendScript.Run(ctx, l.st.rdb, []string{l.lock}, l.value, d.Milliseconds()).Int64()
	if err != nil {
		return fmt.Errorf("redisstore: extend: %w", err)
	}
	if n == 0 {
		return ErrNotHeld
	}
	return nil
}

// fencedSaveScript writes KEYS[2] only while KEYS[1] holds ARGV[1]: ARGV
// value, ttl ms (0: none), "1" to delete.
var fencedSaveScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[4] == '1' then redis.call('DEL', KEYS[2]) return 1 end
if ARGV[3] == '0' then redis.call('SET', KEYS[2], ARGV[2]) else redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
return 1
`)

// Save is [State.Save] checked against the lease in the same step: the
// value is written only while this lease holds the lock, else it returns
// [ErrNotHeld] and nothing is written.
func (l *Lease) Save(ctx context.Context, value []byte, ttl time.Duration) error {
	if ttl < 0 {
		return errors.New("redisstore: save: negative TTL")
	}
	key, _, _ := l.st.keys(l.conversation)
	del := "0"
	if value == nil {
		del = "1"
	}
	n, err := fencedSaveScript.Run(ctx, l.st.rdb, []string{l.lock, key}, l.value, value, roundTTL(ttl).Milliseconds(), del).Int64()
	if err != nil {
		return fmt.Errorf("redisstore: save: %w", err)
	}
	if n == 0 {
		return ErrNotHeld
	}
	return nil
}

// roundTTL rounds a positive TTL under a millisecond up to one, Redis's
// smallest.
func roundTTL(ttl time.Duration) time.Duration {
	if ttl > 0 && ttl < time.Millisecond {
		return time.Millisecond
	}
	return ttl
}
