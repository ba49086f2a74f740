package message

import (
	"context"
	"fmt"
	"hash/maphash"
	"testing"
	"time"
)

// A key forgotten and recorded again at the same instant has two ring
// slots with equal expiry; evicting the older slot must not forget the
// newer recording.
func TestForgetThenRecordSurvivesEvictionOfStaleSlot(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	d, err := NewMemoryDeduper(time.Minute, 2*dedupeShards, WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	shard := func(k string) uint64 { return maphash.String(d.seed, k) % dedupeShards }
	key := "evt-1"
	var sameShard string
	for i := 0; sameShard == ""; i++ {
		if k := fmt.Sprintf("other-%d", i); shard(k) == shard(key) {
			sameShard = k
		}
	}
	d.Seen(ctx, key)       // slot A
	d.Forget(ctx, key)     //
	d.Seen(ctx, key)       // slot B; the shard (2 slots) is full
	d.Seen(ctx, sameShard) // evicts A
	if dup, _ := d.Seen(ctx, key); !dup {
		t.Fatal("evicting the stale slot forgot the newer recording")
	}
}
