package naverworks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/tokencache"
)

// Invalidator is implemented by token sources that can drop a token the
// API refused. [Client] calls Invalidate with the token of a request that
// got HTTP 401 (or 403 UNAUTHORIZED), then retries once.
type Invalidator interface {
	// Invalidate drops stale if it is still the cached token and reports
	// whether it did. A token already replaced is left alone, so that many
	// callers refused with the same token cause one refresh between them.
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

// TokenCache is the caching token source [TokenSource] returns. It is
// safe for concurrent use.
//
// A warm Token call is one atomic load and one atomic flag, without locks,
// clock reads or allocations: a timer set when a token is cached marks it
// due for renewal at its expiry less the refresh margin, or at half its
// life when it lives less than twice the margin. (With
// [WithTokenClock] the injected clock is read instead, on every call.)
//
// When there is no token, or it is due, the first caller starts one
// exchange in a goroutine of its own and every caller, the first
// included, waits for it: any number of concurrent callers cause one
// exchange, and its token or its error goes to all of them. A caller
// whose context ends first (TokenContext) stops waiting and gets the
// context's error; the exchange goes on, under the context given to
// [NewTokenCache] without its cancellation, and its token is cached for
// the next caller. After a failed exchange, callers get the same error
// for one second without a new exchange, so that a failing token
// endpoint is not asked again by every caller in turn; a token
// invalidated by [TokenCache.Invalidate] lifts that pause. Invalidate
// forgets the cached token by compare-and-swap, only if it is the stale
// one.
//
// A TokenCache prints as naverworks.TokenCache{} with every fmt verb and in
// slog: neither its tokens nor the credentials behind them.
type TokenCache struct {
	eng tokencache.Cache
}

// Token returns the cached token, exchanging a new one when there is none
// or it expires within the refresh margin. It is TokenContext without a
// deadline.
func (c *TokenCache) Token() (*oauth2.Token, error) {
	if t, ok := c.eng.Cached(); ok {
		return t, nil
	}
	return c.eng.Renew(context.Background())
}

// TokenContext returns the cached token, exchanging a new one when there
// is none or it expires within the refresh margin, and implements
// [ContextTokenSource]. Concurrent callers share one exchange and its
// result. An exchange failure is a [*TokenError] or a network error,
// returned to every caller waiting for that exchange and, for one second
// after it, to later callers without a new exchange. When ctx ends before
// the token is at hand the error wraps ctx.Err()
// (context.DeadlineExceeded or context.Canceled).
func (c *TokenCache) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if t, ok := c.eng.Cached(); ok {
		return t, nil
	}
	if ctx == nil {
		return nil, argError("TokenCache.TokenContext", "ctx", "nil context")
	}
	return c.eng.Renew(ctx)
}

// Invalidate implements [Invalidator].
func (c *TokenCache) Invalidate(stale *oauth2.Token) bool { return c.eng.Invalidate(stale) }

var tokenCacheForm = redact.Form{Type: "naverworks.TokenCache"}

// String never shows a token.
func (c *TokenCache) String() string { return tokenCacheForm.String() }

// GoString is String.
func (c *TokenCache) GoString() string { return c.String() }

// Format writes String for every verb.
func (c *TokenCache) Format(f fmt.State, verb rune) { tokenCacheForm.Format(f, verb) }

// LogValue logs String.
func (c *TokenCache) LogValue() slog.Value { return tokenCacheForm.LogValue() }

// newTokenCache returns a TokenCache whose tokens come from fetch, renewed
// margin before they expire (at half their life when they live less than
// twice margin); now, when not nil, is the clock read on every call.
func newTokenCache(fetch func() (*oauth2.Token, error), margin time.Duration, now func() time.Time) *TokenCache {
	c := &TokenCache{}
	c.eng.Init(tokencache.Config{
		Fetch:   fetch,
		Margin:  margin,
		Now:     now,
		Waiting: "naverworks: waiting for an access token",
		NoToken: errors.New("naverworks: the token fetcher returned no token"),
	})
	return c
}
