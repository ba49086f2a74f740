package naverworks

import (
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/redact"
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

// TokenCache is the caching token source [TokenSource] returns.
//
// It holds a "generation": an [oauth2.ReuseTokenSourceWithExpiry] around
// the JWT exchange, with the refresh margin as its early expiry. The reuse
// source serializes Token calls under its mutex, so concurrent callers with
// a cold or expired cache cause exactly one exchange. Invalidate replaces
// the generation with a fresh one (compare-and-swap, only if the stale token
// is the one the current generation issued), which forces the next Token
// call to exchange again. With [WithTokenClock] the cache also checks expiry
// against that clock.
//
// A TokenCache prints as naverworks.TokenCache{} with every fmt verb and in
// slog: neither its tokens nor the credentials behind them.
type TokenCache struct {
	// Hidden: the fetcher holds the Credentials and the key, which fmt
	// would print through the pointer for a verb like %s.
	fetch  redact.Hidden[oauth2.TokenSource]
	margin time.Duration
	now    func() time.Time // nil: the reuse source's own check only
	cur    atomic.Pointer[tokenGen]
}

type tokenGen struct {
	src  oauth2.TokenSource
	last atomic.Pointer[oauth2.Token]
}

// genSource records the token each exchange of a generation returns.
type genSource struct {
	fetch oauth2.TokenSource
	g     *tokenGen
}

func (s genSource) Token() (*oauth2.Token, error) {
	t, err := s.fetch.Token()
	if err == nil {
		s.g.last.Store(t)
	}
	return t, err
}

func (c *TokenCache) newGen() *tokenGen {
	g := &tokenGen{}
	g.src = oauth2.ReuseTokenSourceWithExpiry(nil, genSource{fetch: c.fetch.Reveal(), g: g}, c.margin)
	return g
}

// Token returns the cached token, exchanging a new one when there is none
// or it expires within the refresh margin.
func (c *TokenCache) Token() (*oauth2.Token, error) {
	for i := 0; ; i++ {
		g := c.cur.Load()
		t, err := g.src.Token()
		if err != nil || c.now == nil || i > 0 {
			return t, err
		}
		if t.Expiry.IsZero() || c.now().Before(t.Expiry.Add(-c.margin)) {
			return t, nil
		}
		// Expired by the injected clock: start a new generation (once,
		// whoever wins the swap) and ask again.
		c.cur.CompareAndSwap(g, c.newGen())
	}
}

// Invalidate implements [Invalidator].
func (c *TokenCache) Invalidate(stale *oauth2.Token) bool {
	if stale == nil {
		return false
	}
	g := c.cur.Load()
	t := g.last.Load()
	if t == nil || t.AccessToken != stale.AccessToken {
		return false
	}
	return c.cur.CompareAndSwap(g, c.newGen())
}

var tokenCacheForm = redact.Form{Type: "naverworks.TokenCache"}

// String never shows a token.
func (c *TokenCache) String() string { return tokenCacheForm.String() }

// GoString is String.
func (c *TokenCache) GoString() string { return c.String() }

// Format writes String for every verb.
func (c *TokenCache) Format(f fmt.State, verb rune) { tokenCacheForm.Format(f, verb) }

// LogValue logs String.
func (c *TokenCache) LogValue() slog.Value { return tokenCacheForm.LogValue() }
