package line

import (
	"context"
	"errors"
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

// ContextTokenSource is an [oauth2.TokenSource] that can also wait for a
// token under a context. [Client] calls TokenContext with each request's
// context when its token source has it, so that a request's deadline
// bounds the wait for a token too; other sources are called through
// Token. [*TokenCache] implements it.
type ContextTokenSource interface {
	oauth2.TokenSource
	// TokenContext is Token, except that it returns ctx's error (wrapped)
	// when ctx is done before a token is at hand.
	TokenContext(ctx context.Context) (*oauth2.Token, error)
}

// renewalBackoff is how long a failed issuance's error is returned to
// later callers before the next one issues again.
const renewalBackoff = time.Second

// TokenCache is the caching token source [TokenSource] returns. It is
// safe for concurrent use.
//
// A warm Token call is one atomic load and one atomic flag, without locks,
// clock reads or allocations: a timer set when a token is cached marks it
// due for renewal at its expiry less the refresh margin. (With
// [WithTokenClock] the injected clock is read instead, on every call.)
//
// When there is no token, or it is due, the first caller starts one
// issuance in a goroutine of its own and every caller, the first
// included, waits for it: any number of concurrent callers cause one
// issuance, and its token or its error goes to all of them. A caller
// whose context ends first (TokenContext) stops waiting and gets the
// context's error; the issuance goes on, under the context given to
// [NewTokenCache] without its cancellation, and its token is cached for
// the next caller. After a failed issuance, callers get the same error
// for one second without a new issuance, so that a failing token
// endpoint is not asked again by every caller in turn; a token
// invalidated by [TokenCache.Invalidate] lifts that pause. Invalidate
// forgets the cached token by compare-and-swap, only if it is the stale
// one.
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
	cur    atomic.Pointer[cachedToken]

	mu     sync.Mutex   // guards flight and failed
	flight *tokenFlight // the issuance under way, or nil
	failed *failedIssue // the last issuance's failure, or nil
}

// tokenFlight is one issuance; done is closed once tok or err is set.
type tokenFlight struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// failedIssue is an issuance's error, returned without a new issuance
// until until.
type failedIssue struct {
	err   error
	until time.Time
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

func (c *TokenCache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// Token returns the cached token, issuing a new one when there is none or
// it is due for renewal. It is TokenContext without a deadline.
func (c *TokenCache) Token() (*oauth2.Token, error) {
	if e := c.cur.Load(); c.valid(e) {
		return e.tok, nil
	}
	return c.renewToken(context.Background())
}

// TokenContext returns the cached token, issuing a new one when there is
// none or it is due for renewal, and implements [ContextTokenSource].
// Concurrent callers share one issuance and its result. An issuance
// failure is a [*TokenError] or a network error, returned to every caller
// waiting for that issuance and, for one second after it, to later callers
// without a new issuance. When ctx ends before the token is at hand the
// error wraps ctx.Err() (context.DeadlineExceeded or context.Canceled).
func (c *TokenCache) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if e := c.cur.Load(); c.valid(e) {
		return e.tok, nil
	}
	if ctx == nil {
		return nil, argError("TokenCache.TokenContext", "ctx", "nil context")
	}
	return c.renewToken(ctx)
}

func (c *TokenCache) renewToken(ctx context.Context) (*oauth2.Token, error) {
	c.mu.Lock()
	if e := c.cur.Load(); c.valid(e) {
		c.mu.Unlock()
		return e.tok, nil // issued while this caller waited for mu
	}
	f := c.flight
	if f == nil {
		if fl := c.failed; fl != nil && c.clock().Before(fl.until) {
			c.mu.Unlock()
			return nil, fl.err
		}
		f = &tokenFlight{done: make(chan struct{})}
		c.flight = f
		go c.run(f)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, fmt.Errorf("line: waiting for a channel access token: %w", ctx.Err())
	}
}

// run performs f's issuance, caches its token or remembers its failure,
// and releases f's waiters.
func (c *TokenCache) run(f *tokenFlight) {
	t, err := c.issue.Reveal()()
	if err == nil && t == nil {
		err = errors.New("line: the token issuer returned no token")
	}
	c.mu.Lock()
	defer func() {
		c.flight = nil
		c.mu.Unlock()
		close(f.done)
	}()
	if err != nil {
		f.err = err
		c.failed = &failedIssue{err: err, until: c.clock().Add(renewalBackoff)}
		return
	}
	c.failed = nil
	f.tok = t
	e := &cachedToken{tok: t}
	if !t.Expiry.IsZero() {
		now := c.clock()
		life := t.Expiry.Sub(now)
		m := c.margin
		if life < 2*m {
			// A token that lives less than twice the margin would be
			// renewed on every call: renew it at half its life instead.
			m = life / 2
		}
		e.renew = t.Expiry.Add(-m)
		if c.now == nil {
			e.timer = time.AfterFunc(e.renew.Sub(now), func() { e.due.Store(true) })
		}
	}
	if old := c.cur.Load(); old != nil && old.timer != nil {
		old.timer.Stop()
	}
	c.cur.Store(e)
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
	if !e.due.CompareAndSwap(false, true) {
		return false
	}
	// The server refused this token: a pause after an earlier failure
	// must not keep the next caller from issuing a new one.
	c.mu.Lock()
	c.failed = nil
	c.mu.Unlock()
	return true
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
