package message

import (
	"context"
	"errors"
	"time"
)

// A Queue holds webhook bodies that a handler has acknowledged to the
// platform but not yet handled, so that an acknowledged event survives a
// crash or a restart: the handler verifies a request, enqueues its body
// and answers only after Enqueue returned nil; workers (on any replica)
// take the bodies from the queue and hand them back to the handler.
// Implementations must be safe for concurrent use; the redisstore module
// has one on Redis Streams.
type Queue interface {
	// Enqueue stores body and returns nil only once the body is durable
	// (it survives the process that called Enqueue). On an error the
	// body may or may not be stored; the handler then answers with an
	// error status, so that the platform redelivers, and a body stored
	// twice is de-duplicated by event ID when it is handled. Enqueue
	// must not keep body after it returns.
	Enqueue(ctx context.Context, body []byte) error
}

// A ClaimState is what [Claimer.Claim] found recorded for a key.
type ClaimState int

const (
	// ClaimNew: nothing was recorded; the key is now claimed by the
	// caller, who handles the event and then settles the claim.
	ClaimNew ClaimState = iota
	// ClaimHeld: another holder claimed the key and its lease has not run
	// out; the event may or may not be handled yet. Try again later.
	ClaimHeld
	// ClaimDone: the event was handled (the claim was settled as done, or
	// the key was recorded by [Deduper.Seen]). Skip it.
	ClaimDone
)

// String returns "new", "held" or "done".
func (s ClaimState) String() string {
	switch s {
	case ClaimNew:
		return "new"
	case ClaimHeld:
		return "held"
	case ClaimDone:
		return "done"
	}
	return "unknown"
}

// ErrClaimLost is returned by [Claimer.Settle] when the claim is no
// longer the caller's: its lease ran out, and another holder may have
// claimed the key since. Nothing was changed.
var ErrClaimLost = errors.New("message: claim lost: its lease ran out")

// A Claimer is a [Deduper] whose records tell an event being handled
// from an event handled. A handler that takes events from a [Queue]
// needs that difference: an event claimed by a worker that then died
// must be handled again once the claim's lease has run out, while an
// event already handled must be skipped. With a plain [Deduper], the
// record a dead worker left would make its event look handled, and the
// event would be lost.
//
// A claim is a lease: Claim records the key as held for lease; Settle
// turns it into a done record (kept for the deduper's TTL) when the event
// was handled, or deletes it when it was not, so that the next Claim
// handles it. Implementations must be safe for concurrent use.
type Claimer interface {
	Deduper
	// Claim records key as held by the caller for at most lease, unless
	// something is recorded for it already, and reports what it found.
	// With [ClaimNew] it returns a token that identifies this claim, to
	// pass to Settle. An error means nothing is known.
	Claim(ctx context.Context, key string, lease time.Duration) (token string, state ClaimState, err error)
	// Settle ends the claim that token identifies: handled records key as
	// done, for the deduper's TTL; !handled deletes the record. When the
	// claim is no longer token's it changes nothing and returns an error
	// wrapping [ErrClaimLost].
	Settle(ctx context.Context, key, token string, handled bool) error
}
