package message_test

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// shardedDeduper is the MemoryDeduper this package shipped before its
// bound became exact: 16 shards, each with its own ring of max/16 slots, so
// a shard that drew more than its share of keys forgot them early. It is
// kept, trimmed to Seen, as the reference for BenchmarkMemoryDeduperSeen.
type shardedDeduper struct {
	ttl    time.Duration
	now    func() time.Time
	seed   maphash.Seed
	shards []refShard
}

type refShard struct {
	mu    sync.Mutex
	seen  map[string]refEntry
	order []refEntry // ring buffer in insertion (= expiry) order
	head  int
	n     int
	seq   uint64
	_     [32]byte
}

type refEntry struct {
	key    string
	expiry time.Time
	seq    uint64
}

const refShardCount = 16

func newShardedDeduper(ttl time.Duration, max int) *shardedDeduper {
	per := (max + refShardCount - 1) / refShardCount
	d := &shardedDeduper{ttl: ttl, now: time.Now, seed: maphash.MakeSeed(), shards: make([]refShard, refShardCount)}
	for i := range d.shards {
		d.shards[i].seen = make(map[string]refEntry)
		d.shards[i].order = make([]refEntry, per)
	}
	return d
}

func (d *shardedDeduper) Seen(_ context.Context, key string) (bool, error) {
	now := d.now()
	s := &d.shards[maphash.String(d.seed, key)%refShardCount]
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.n > 0 && !now.Before(s.order[s.head].expiry) {
		s.evictOldest()
	}
	if e, ok := s.seen[key]; ok && now.Before(e.expiry) {
		return true, nil
	}
	if s.n == len(s.order) {
		s.evictOldest()
	}
	s.seq++
	e := refEntry{key: key, expiry: now.Add(d.ttl), seq: s.seq}
	s.seen[key] = e
	s.order[(s.head+s.n)%len(s.order)] = e
	s.n++
	return false, nil
}

func (s *refShard) evictOldest() {
	e := s.order[s.head]
	if live, ok := s.seen[e.key]; ok && live.seq == e.seq {
		delete(s.seen, e.key)
	}
	s.order[s.head] = refEntry{}
	s.head = (s.head + 1) % len(s.order)
	s.n--
}
