package message

import (
	"context"
	"errors"
	"hash/maphash"
	"sync"
	"time"
)

// A Deduper remembers event IDs so that a redelivered webhook event is
// handled once. Implementations must be safe for concurrent use.
type Deduper interface {
	// Seen records key and reports whether it had already been recorded
	// (and not yet forgotten). An error means the store could not answer;
	// callers should then process the event rather than drop it.
	Seen(ctx context.Context, key string) (bool, error)
}

// A Forgetter is a [Deduper] that can take a key back. A webhook handler
// that recorded an event and then failed to process it (and so asked the
// platform to redeliver) calls Forget, so that the redelivery is processed
// instead of being dropped as a duplicate.
type Forgetter interface {
	Forget(ctx context.Context, key string) error
}

// MemoryDeduper is an in-process [Deduper] that forgets keys after a TTL and
// never holds more than a fixed number of them: when full it forgets the
// oldest first. It is safe for concurrent use; keys are spread over shards
// so that parallel webhook handlers rarely contend.
type MemoryDeduper struct {
	ttl    time.Duration
	now    func() time.Time
	seed   maphash.Seed
	shards []dedupeShard
}

type dedupeShard struct {
	mu    sync.Mutex
	seen  map[string]dedupeEntry // key -> its live entry
	order []dedupeEntry          // ring buffer in insertion (= expiry) order
	head  int                    // index of the oldest entry
	n     int                    // live entries in order
	seq   uint64                 // numbers entries, so a stale ring slot never evicts a newer recording
	_     [32]byte               // keep neighbouring shards off one cache line
}

type dedupeEntry struct {
	key    string
	expiry time.Time
	seq    uint64
}

// A DeduperOption configures a [MemoryDeduper].
type DeduperOption func(*MemoryDeduper)

// WithClock makes the deduper read time from now instead of time.Now; tests
// use it to move time forward without sleeping.
func WithClock(now func() time.Time) DeduperOption {
	return func(d *MemoryDeduper) { d.now = now }
}

const dedupeShards = 16

// NewMemoryDeduper returns a deduper that remembers each key for ttl and
// holds at most max keys (rounded up to a multiple of 16). It is an error
// for ttl or max to be zero or negative.
func NewMemoryDeduper(ttl time.Duration, max int, opts ...DeduperOption) (*MemoryDeduper, error) {
	if ttl <= 0 {
		return nil, errors.New("message: deduper TTL must be positive")
	}
	if max <= 0 {
		return nil, errors.New("message: deduper size must be positive")
	}
	per := (max + dedupeShards - 1) / dedupeShards
	d := &MemoryDeduper{ttl: ttl, now: time.Now, seed: maphash.MakeSeed(), shards: make([]dedupeShard, dedupeShards)}
	for i := range d.shards {
		d.shards[i].seen = make(map[string]dedupeEntry)
		d.shards[i].order = make([]dedupeEntry, per)
	}
	for _, o := range opts {
		o(d)
	}
	return d, nil
}

// Seen implements [Deduper]. It never returns an error.
func (d *MemoryDeduper) Seen(_ context.Context, key string) (bool, error) {
	now := d.now()
	s := &d.shards[maphash.String(d.seed, key)%dedupeShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	if e, ok := s.seen[key]; ok && now.Before(e.expiry) {
		return true, nil
	}
	if s.n == len(s.order) {
		s.evictOldest()
	}
	s.seq++
	e := dedupeEntry{key: key, expiry: now.Add(d.ttl), seq: s.seq}
	s.seen[key] = e
	s.order[(s.head+s.n)%len(s.order)] = e
	s.n++
	return false, nil
}

// Forget implements [Forgetter]: key is no longer remembered. It never
// returns an error.
func (d *MemoryDeduper) Forget(_ context.Context, key string) error {
	s := &d.shards[maphash.String(d.seed, key)%dedupeShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	// The ring keeps its entry; evicting it later finds no matching map
	// entry and deletes nothing.
	delete(s.seen, key)
	return nil
}

// Len reports how many keys are remembered (including expired ones not yet
// swept).
func (d *MemoryDeduper) Len() int {
	n := 0
	for i := range d.shards {
		s := &d.shards[i]
		s.mu.Lock()
		n += len(s.seen)
		s.mu.Unlock()
	}
	return n
}

func (s *dedupeShard) expire(now time.Time) {
	for s.n > 0 && !now.Before(s.order[s.head].expiry) {
		s.evictOldest()
	}
}

func (s *dedupeShard) evictOldest() {
	e := s.order[s.head]
	// Only delete if the map still points at this entry: a key forgotten and
	// recorded again has a newer entry later in the ring.
	if live, ok := s.seen[e.key]; ok && live.seq == e.seq {
		delete(s.seen, e.key)
	}
	s.order[s.head] = dedupeEntry{}
	s.head = (s.head + 1) % len(s.order)
	s.n--
}
