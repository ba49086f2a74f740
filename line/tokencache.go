package line

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/redact"
)

// Invalidator is implemented by token sources that can drop a token LINE
// refused. [Client] calls Invalidate with the token of a request that got
// HTTP 401, then sends the request once more.
type Invalidator interface {
	// Invalidate drops stale if it is still the cached token and reports
	// whether it did. A token already replaced is left alone, so that many
	// callers refused with the same token cause one issuance between them.
	Invalidate(stale *oauth2.Token) bool
}

// TokenCache is the caching token source [TokenSource] returns. It is
// safe for concurrent use.
//
// A warm Token call is one atomic load and one atomic flag, without locks,
// clock reads or allocations: a timer set when a token is cached marks it
// due for renewal at its expiry less the refresh margin. (With
// [WithTokenClock] the injected clock is read instead, on every call.)
// When there is no token, or it is due, callers queue on one mutex and the
// first issues a new token; the others then find it cached, so any number
// of concurrent callers cause one issuance. Invalidate forgets the cached
// token by compare-and-swap, only if it is the stale one.
//
// The timer runs on the monotonic clock, which on some systems stops while
// the machine sleeps; a token found expired after a resume is refused with
// 401, and [Client] then invalidates it and retries once.
//
// A TokenCache prints as line.TokenCache{} with every fmt verb and in
// slog: neither its tokens nor the credentials behind them.
type TokenCache struct {
	// Hidden: the issuer holds the Credentials and the key.
	issue  redact.Hidden[func() (*oauth2.Token, error)]
	margin time.Duration
	now    func() time.Time // nil: time.Now, with renewal timers
	mu     sync.Mutex       // held while issuing
	cur    atomic.Pointer[cachedToken]
}

type cachedToken struct {
	tok *oauth2.Token
	// renew is when the token is due for renewal: its expiry less the
	// margin (zero: never, for a token without expiry).
	renew time.Time
	// due is set by the renewal timer (without an injected clock) and by
	// Invalidate.
	due   atomic.Bool
	timer *time.Timer
}

// valid reports whether e can be handed out.
func (c *TokenCache) valid(e *cachedToken) bool {
	if e == nil || e.due.Load() {
		return false
	}
	return c.now == nil || e.renew.IsZero() || c.now().Before(e.renew)
}

// Token returns the cached token, issuing a new one when there is none or
// it expires within the refresh margin. An issuance failure is a
// [*TokenError] or a network error, returned to every caller waiting for
// that issuance; the next call tries again.
func (c *TokenCache) Token() (*oauth2.Token, error) {
	if e := c.cur.Load(); c.valid(e) {
		return e.tok, nil
	}
	return c.renewToken()
}

func (c *TokenCache) renewToken() (*oauth2.Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.cur.Load()
	if c.valid(old) {
		return old.tok, nil // issued while this caller waited
	}
	t, err := c.issue.Reveal()()
	if err != nil {
		return nil, err
	}
	now := time.Now
	if c.now != nil {
		now = c.now
	}
	e := &cachedToken{tok: t}
	if !t.Expiry.IsZero() {
		life := t.Expiry.Sub(now())
		m := c.margin
		if life < 2*m {
			// A token that lives less than twice the margin would be
			// renewed on every call: renew it at half its life instead.
			m = life / 2
		}
		e.renew = t.Expiry.Add(-m)
		if c.now == nil {
			e.timer = time.AfterFunc(e.renew.Sub(now()), func() { e.due.Store(true) })
		}
	}
	if old != nil && old.timer != nil {
		old.timer.Stop()
	}
	c.cur.Store(e)
	return t, nil
}

// Invalidate implements [Invalidator].
func (c *TokenCache) Invalidate(stale *oauth2.Token) bool {
	if stale == nil {
		return false
	}
	e := c.cur.Load()
	if e == nil || e.tok.AccessToken != stale.AccessToken {
		return false
	}
	// Marked due rather than dropped: the next issuance replaces it and
	// stops its timer.
	return e.due.CompareAndSwap(false, true)
}

var tokenCacheForm = redact.Form{Type: "line.TokenCache"}

// String never shows a token.
func (c *TokenCache) String() string { return tokenCacheForm.String() }

// GoString is String.
func (c *TokenCache) GoString() string { return c.String() }

// Format writes String for every verb.
func (c *TokenCache) Format(f fmt.State, verb rune) { tokenCacheForm.Format(f, verb) }

// LogValue logs String.
func (c *TokenCache) LogValue() slog.Value { return tokenCacheForm.LogValue() }
