package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/channelkit/channelkit/message"
	"github.com/redis/go-redis/v9"
)

var _ message.Claimer = (*Deduper)(nil)

// claimPrefix starts the value of a key claimed and not yet settled; a
// done key holds "1", as Seen records it.
const claimPrefix = "claim:"

// claimScript: KEYS key; ARGV nonce, lease ms. It returns 0 when it
// claimed the key, 1 when another claim holds it, 2 when it is done.
var claimScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v then
  if string.sub(v, 1, 6) == 'claim:' then return 1 end
  return 2
end
redis.call('SET', KEYS[1], 'claim:' .. ARGV[1], 'PX', ARGV[2])
return 0
`)

// Claim implements [message.Claimer]: one script sets the key to a claim
// with a new nonce for lease, unless the key exists, and reports what it
// found: [message.ClaimHeld] for another claim, [message.ClaimDone] for a
// settled key or one recorded by Seen. The token it returns is the nonce.
// lease must be at least a millisecond.
func (d *Deduper) Claim(ctx context.Context, key string, lease time.Duration) (string, message.ClaimState, error) {
	if lease < time.Millisecond {
		return "", 0, errors.New("redisstore: claim: lease shorter than a millisecond")
	}
	n := nonce()
	r, err := claimScript.Run(ctx, d.rdb, []string{d.prefix + key}, n, lease.Milliseconds()).Int64()
	if err != nil {
		return "", 0, fmt.Errorf("redisstore: claim: %w", err)
	}
	switch r {
	case 0:
		return n, message.ClaimNew, nil
	case 1:
		return "", message.ClaimHeld, nil
	default:
		return "", message.ClaimDone, nil
	}
}

// settleScript: KEYS key; ARGV nonce, "1" when handled, TTL ms. It
// returns 0 when the key no longer holds the claim.
var settleScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= 'claim:' .. ARGV[1] then return 0 end
if ARGV[2] == '1' then redis.call('SET', KEYS[1], '1', 'PX', ARGV[3]) else redis.call('DEL', KEYS[1]) end
return 1
`)

// Settle implements [message.Claimer]: while key still holds token's
// claim, handled makes it a done record for the deduper's TTL and
// !handled deletes it, in one script. Otherwise (the lease ran out) it
// changes nothing and returns an error wrapping [message.ErrClaimLost].
func (d *Deduper) Settle(ctx context.Context, key, token string, handled bool) error {
	h := "0"
	if handled {
		h = "1"
	}
	r, err := settleScript.Run(ctx, d.rdb, []string{d.prefix + key}, token, h, d.ttl.Milliseconds()).Int64()
	if err != nil {
		return fmt.Errorf("redisstore: settle: %w", err)
	}
	if r == 0 {
		return fmt.Errorf("redisstore: settle: %w", message.ErrClaimLost)
	}
	return nil
}
