package message

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// An eviction deletes its key from the shard after every lock is released;
// by then the key may have been forgotten and recorded again, and that
// newer recording must survive the delete.
func TestEvictionSparesNewerRecording(t *testing.T) {
	t.Parallel()
	d, err := NewMemoryDeduper(time.Minute, 4)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d.Seen(ctx, "evt-1")
	d.mu.Lock()
	ev := d.order.evict(d.order.head) // as Seen does to make room
	d.mu.Unlock()
	d.Forget(ctx, "evt-1")
	if dup, _ := d.Seen(ctx, "evt-1"); dup {
		t.Fatal("forgotten key reported seen")
	}
	d.drop(ev) // the delayed delete of the first recording
	if dup, _ := d.Seen(ctx, "evt-1"); !dup {
		t.Fatal("deleting the evicted recording forgot the newer one")
	}
	checkDeduper(t, d)
}

// refDeduper is the documented behaviour of MemoryDeduper, written the
// simplest way: one list of keys, oldest recording first.
type refDeduper struct {
	ttl  time.Duration
	max  int
	keys []refKey
}

type refKey struct {
	key    string
	expiry time.Time
}

func (r *refDeduper) index(key string) int {
	return slices.IndexFunc(r.keys, func(k refKey) bool { return k.key == key })
}

func (r *refDeduper) seen(now time.Time, key string) bool {
	i := r.index(key)
	if i >= 0 && now.Before(r.keys[i].expiry) {
		return true
	}
	if i >= 0 {
		r.keys = slices.Delete(r.keys, i, i+1)
	}
	for range dedupeSweep {
		if len(r.keys) == 0 || now.Before(r.keys[0].expiry) {
			break
		}
		r.keys = r.keys[1:]
	}
	if len(r.keys) == r.max {
		r.keys = r.keys[1:]
	}
	r.keys = append(r.keys, refKey{key, now.Add(r.ttl)})
	return false
}

func (r *refDeduper) forget(key string) {
	if i := r.index(key); i >= 0 {
		r.keys = slices.Delete(r.keys, i, i+1)
	}
}

// checkDeduper checks the internal invariants of an idle deduper: the list
// is well linked and holds exactly the keys the shards map, each entry
// pointing at the node that holds its recording.
func checkDeduper(t *testing.T, d *MemoryDeduper) {
	t.Helper()
	o := &d.order
	n, prev := 0, -1
	for i := o.head; i >= 0; i = o.nodes[i].next {
		nd := o.nodes[i]
		if nd.prev != prev || nd.seq == 0 {
			t.Fatalf("node %d: prev %d (want %d), seq %d", i, nd.prev, prev, nd.seq)
		}
		e, ok := d.shards[nd.shard].seen[nd.key]
		if !ok || e.node != i || e.seq != nd.seq || !e.expiry.Equal(nd.expiry) {
			t.Fatalf("node %d (%q) is not its shard's entry %+v", i, nd.key, e)
		}
		prev = i
		if n++; n > o.max {
			t.Fatal("list longer than max (or a cycle)")
		}
	}
	if prev != o.tail || n != o.n {
		t.Fatalf("tail %d, walked %d nodes; order says tail %d, n %d", prev, n, o.tail, o.n)
	}
	mapped := 0
	for i := range d.shards {
		mapped += len(d.shards[i].seen)
	}
	if mapped != n {
		t.Fatalf("shards map %d keys, list holds %d", mapped, n)
	}
	free := 0
	for i := o.free; i >= 0; i = o.nodes[i].next {
		if free++; free > len(o.nodes) {
			t.Fatal("free list cycles")
		}
	}
	if n+free != len(o.nodes) || len(o.nodes) > o.max {
		t.Fatalf("%d listed + %d free nodes of %d allocated (max %d)", n, free, len(o.nodes), o.max)
	}
}

// FuzzMemoryDeduper runs a random sequence of recordings, Forget calls and
// clock steps against the deduper and refDeduper, and checks that they
// agree call by call, that Len never exceeds the bound, and that the
// internal structure stays consistent. The first byte chooses max (1-40);
// each later byte is one operation.
func FuzzMemoryDeduper(f *testing.F) {
	f.Add([]byte{0, 1, 2, 1, 2})
	f.Add([]byte{3, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5})
	f.Add([]byte{15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 0, 1})
	f.Add([]byte{2, 1, 0x81, 1, 2, 3, 1})       // forget then record again
	f.Add([]byte{4, 1, 2, 3, 0xff, 4, 5, 1, 6}) // a clock step past the TTL
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) == 0 {
			return
		}
		const ttl = 60 * time.Second
		size := 1 + int(ops[0])%40
		now := time.Unix(1_700_000_000, 0)
		d, err := NewMemoryDeduper(ttl, size, WithClock(func() time.Time { return now }))
		if err != nil {
			t.Fatal(err)
		}
		ref := &refDeduper{ttl: ttl, max: size}
		ctx := context.Background()
		for i, op := range ops[1:] {
			key := fmt.Sprintf("evt-%d", op&0x3f)
			switch op >> 6 {
			case 0, 1: // record (keys 0-127 by the low 7 bits)
				key = fmt.Sprintf("evt-%d", op&0x7f)
				got, _ := d.Seen(ctx, key)
				if want := ref.seen(now, key); got != want {
					t.Fatalf("op %d: Seen(%s) = %v, want %v", i, key, got, want)
				}
			case 2:
				if err := d.Forget(ctx, key); err != nil {
					t.Fatal(err)
				}
				ref.forget(key)
			case 3: // advance the clock by 1-64 s
				now = now.Add(time.Duration(op&0x3f+1) * time.Second)
			}
			if got, want := d.Len(), len(ref.keys); got != want || got > size {
				t.Fatalf("op %d: Len = %d, want %d (max %d)", i, got, want, size)
			}
		}
		checkDeduper(t, d)
	})
}
