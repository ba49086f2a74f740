package redisstore

import (
	"context"
	crand "crypto/rand"
	"math/rand/v2"
	"time"
)

// Polling backoff while another holder has a lock.
const (
	minPoll = 2 * time.Millisecond
	maxPoll = 100 * time.Millisecond
)

// poller waits between attempts, doubling the pause (with jitter) up to
// maxPoll.
type poller struct{ next time.Duration }

// wait pauses, or returns ctx's error when it ends first.
func (p *poller) wait(ctx context.Context) error {
	if p.next == 0 {
		p.next = minPoll
	}
	d := p.next/2 + rand.N(p.next/2+1)
	p.next = min(2*p.next, maxPoll)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// nonce returns an unguessable value that identifies one holder of a lock.
func nonce() string { return crand.Text() }
