package message

import (
	"context"
	"errors"
	"hash/maphash"
	"slices"
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

// MemoryDeduper is an in-process [Deduper] that remembers each key for a
// TTL and holds at most a fixed number of keys. The bound is exact: a deduper of
// size max remembers the last max distinct keys it recorded (leaving out
// those expired or taken back with Forget), and recording one more forgets
// the oldest of them. No key is forgotten to make room before then, however
// the keys are spread internally.
//
// It is safe for concurrent use. Lookups are spread over 16 independently
// locked shards, so that parallel webhook handlers rarely contend; recording
// a new key also takes one short lock shared by the shards, which keeps the
// order keys are forgotten in. While calls run concurrently, a key being
// forgotten to make room may still be reported as seen until the call that
// made room returns.
type MemoryDeduper struct {
	ttl    time.Duration
	now    func() time.Time
	seed   maphash.Seed
	shards [dedupeShards]dedupeShard

	mu    sync.Mutex // guards order; taken after a shard's lock, never before
	order dedupeOrder
}

// A dedupeShard maps the keys that hash to it to their recordings.
type dedupeShard struct {
	mu   sync.Mutex
	seen map[string]dedupeEntry
	_    [48]byte // keep neighbouring shards off one cache line
}

// A dedupeEntry is a key's recording as its shard sees it.
type dedupeEntry struct {
	expiry time.Time
	node   int    // the recording's node in order
	seq    uint64 // equals order.nodes[node].seq while that node holds this recording
}

// dedupeOrder lists every remembered key, oldest recording first, in a
// doubly linked list over a slice of nodes that grows up to max.
type dedupeOrder struct {
	nodes      []dedupeNode
	head, tail int // oldest and newest node, -1 when empty
	free       int // first free node (linked through next), -1 when none
	n          int // nodes in the list
	max        int
	seq        uint64 // numbers recordings; 0 marks a free node
}

type dedupeNode struct {
	key        string
	expiry     time.Time
	seq        uint64
	prev, next int
	shard      uint8
}

// A dedupeEvicted is a recording dropped from order whose key must still
// be deleted from its shard's map (once the caller holds no other lock).
type dedupeEvicted struct {
	key   string
	seq   uint64
	shard uint8
}

// A DeduperOption configures a [MemoryDeduper].
type DeduperOption func(*MemoryDeduper)

// WithClock makes the deduper read time from now instead of time.Now; tests
// use it to move time forward without sleeping.
func WithClock(now func() time.Time) DeduperOption {
	return func(d *MemoryDeduper) { d.now = now }
}

const (
	dedupeShards = 16
	// dedupeSweep is how many expired keys each recording drops at most,
	// oldest first, besides the one it forgets to make room.
	dedupeSweep = 2
)

// NewMemoryDeduper returns a deduper that remembers each key for ttl and
// holds at most max keys. It is an error for ttl or max to be zero or
// negative. Memory grows with the keys held, up to max.
func NewMemoryDeduper(ttl time.Duration, max int, opts ...DeduperOption) (*MemoryDeduper, error) {
	if ttl <= 0 {
		return nil, errors.New("message: deduper TTL must be positive")
	}
	if max <= 0 {
		return nil, errors.New("message: deduper size must be positive")
	}
	d := &MemoryDeduper{ttl: ttl, now: time.Now, seed: maphash.MakeSeed(), order: dedupeOrder{head: -1, tail: -1, free: -1, max: max}}
	for i := range d.shards {
		d.shards[i].seen = make(map[string]dedupeEntry)
	}
	for _, o := range opts {
		o(d)
	}
	return d, nil
}

// Seen implements [Deduper]. It never returns an error.
func (d *MemoryDeduper) Seen(_ context.Context, key string) (bool, error) {
	now := d.now()
	si := uint8(maphash.String(d.seed, key) % dedupeShards)
	s := &d.shards[si]
	s.mu.Lock()
	e, found := s.seen[key]
	if found && now.Before(e.expiry) {
		s.mu.Unlock()
		return true, nil
	}
	var evicted [dedupeSweep + 1]dedupeEvicted
	expiry := now.Add(d.ttl)
	d.mu.Lock()
	if found {
		d.order.remove(e) // expired: its recording gives its place back
	}
	drops := d.order.sweep(now, evicted[:0])
	if d.order.n == d.order.max {
		drops = append(drops, d.order.evict(d.order.head))
	}
	node, seq := d.order.push(key, expiry, si)
	d.mu.Unlock()
	s.seen[key] = dedupeEntry{expiry: expiry, node: node, seq: seq}
	s.mu.Unlock()
	for _, ev := range drops {
		d.drop(ev)
	}
	return false, nil
}

// Forget implements [Forgetter]: key is no longer remembered, and its place
// is free for another key. It never returns an error.
func (d *MemoryDeduper) Forget(_ context.Context, key string) error {
	s := &d.shards[maphash.String(d.seed, key)%dedupeShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.seen[key]; ok {
		delete(s.seen, key)
		d.mu.Lock()
		d.order.remove(e)
		d.mu.Unlock()
	}
	return nil
}

// Len reports how many keys are remembered: at most max once concurrent
// calls have returned. Expired keys count until they are swept: each call
// that records a key first drops up to two expired keys, oldest first, and
// recording a key when max are held forgets the oldest, expired or not.
func (d *MemoryDeduper) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.order.n
}

// drop deletes an evicted recording's key from its shard, unless the key
// has been recorded again since.
func (d *MemoryDeduper) drop(ev dedupeEvicted) {
	s := &d.shards[ev.shard]
	s.mu.Lock()
	if e, ok := s.seen[ev.key]; ok && e.seq == ev.seq {
		delete(s.seen, ev.key)
	}
	s.mu.Unlock()
}

// push appends a recording of key as the newest node.
func (o *dedupeOrder) push(key string, expiry time.Time, shard uint8) (node int, seq uint64) {
	if o.free >= 0 {
		node = o.free
		o.free = o.nodes[node].next
	} else {
		if len(o.nodes) == cap(o.nodes) {
			// Grow by doubling, but never past max.
			o.nodes = slices.Grow(o.nodes, min(max(len(o.nodes), 16), o.max-len(o.nodes)))
		}
		node = len(o.nodes)
		o.nodes = append(o.nodes, dedupeNode{})
	}
	o.seq++
	o.nodes[node] = dedupeNode{key: key, expiry: expiry, seq: o.seq, prev: o.tail, next: -1, shard: shard}
	if o.tail >= 0 {
		o.nodes[o.tail].next = node
	} else {
		o.head = node
	}
	o.tail = node
	o.n++
	return node, o.seq
}

// remove unlinks e's node, if it still holds e's recording.
func (o *dedupeOrder) remove(e dedupeEntry) {
	if e.node < len(o.nodes) && o.nodes[e.node].seq == e.seq {
		o.evict(e.node)
	}
}

// sweep evicts up to dedupeSweep expired recordings from the head and
// appends them to out.
func (o *dedupeOrder) sweep(now time.Time, out []dedupeEvicted) []dedupeEvicted {
	for range dedupeSweep {
		if o.head < 0 || now.Before(o.nodes[o.head].expiry) {
			break
		}
		out = append(out, o.evict(o.head))
	}
	return out
}

// evict unlinks node i, frees it and returns what its shard must delete.
func (o *dedupeOrder) evict(i int) dedupeEvicted {
	nd := &o.nodes[i]
	ev := dedupeEvicted{key: nd.key, seq: nd.seq, shard: nd.shard}
	if nd.prev >= 0 {
		o.nodes[nd.prev].next = nd.next
	} else {
		o.head = nd.next
	}
	if nd.next >= 0 {
		o.nodes[nd.next].prev = nd.prev
	} else {
		o.tail = nd.prev
	}
	*nd = dedupeNode{next: o.free, prev: -1}
	o.free = i
	o.n--
	return ev
}
