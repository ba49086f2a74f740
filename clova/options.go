package clova

import (
	"crypto/rsa"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
)

// DefaultMaxBodyBytes is the default limit on a CEK request body: 1 MiB.
// [WithMaxBodyBytes] changes it for a [WebhookHandler]; [ParseRequest]
// always uses it.
const DefaultMaxBodyBytes = 1 << 20

// Option configures a [Client]; pass it to [New].
type Option interface{ applyClient(*config) error }

// HandlerOption configures a [WebhookHandler] or a [BotHandler]; pass it
// to [NewWebhookHandler] or [NewBotHandler], or to their many-bot forms
// [NewMultiWebhookHandler] and [NewMultiBotHandler]. [WithRenderOptions]
// only configures a BotHandler, and the webhook constructors refuse it;
// [WithBotPath] and [WithBotCacheTTL] only configure a many-bot handler,
// and the single-bot constructors refuse them.
type HandlerOption interface{ applyHandler(*handlerConfig) error }

// SharedOption is an option both [New] and [NewWebhookHandler] accept:
// [WithLogger], [WithErrorHandler] and [WithClock].
type SharedOption interface {
	Option
	HandlerOption
}

// common is what the shared options set, in a client's and a handler's
// configuration alike.
type common struct {
	log   *slog.Logger
	onErr webhookio.ErrorFunc
	now   func() time.Time
	// clock: now is WithClock's, which a multi-bot handler's cache reads
	// on every hit; without it the cache's timers expire bots and a hit
	// reads no clock.
	clock bool
}

type config struct {
	common
	http  *http.Client
	retry rest.Retry
	ua    string
}

type handlerConfig struct {
	common
	key         *rsa.PublicKey
	keyURL      string
	refresh     time.Duration
	keyHTTP     *http.Client
	insecure    bool
	maxBody     int64
	maxInFlight int
	keySetBy    string
	// render and botOnly are set by options only NewBotHandler takes;
	// botOnly names the first, which NewWebhookHandler refuses.
	render  message.RenderOptions
	botOnly string
	// botPath, botTTL and botTTLSet are set by options only the multi-bot
	// constructors take; multiOnly names the first, which the single-bot
	// constructors refuse.
	botPath   string
	botTTL    time.Duration
	botTTLSet bool
	multiOnly string
}

// clientOption is an [Option] that only a client takes.
type clientOption func(*config) error

func (o clientOption) applyClient(c *config) error { return o(c) }

// handlerOption is a [HandlerOption] that only a handler takes.
type handlerOption func(*handlerConfig) error

func (o handlerOption) applyHandler(c *handlerConfig) error { return o(c) }

// sharedOption is a [SharedOption]: it sets what clients and handlers have
// in common.
type sharedOption func(*common) error

func (o sharedOption) applyClient(c *config) error         { return o(&c.common) }
func (o sharedOption) applyHandler(c *handlerConfig) error { return o(&c.common) }

// WithLogger logs at Debug level: a [Client]'s retries, a
// [WebhookHandler]'s failed requests. The default discards everything.
// Secret keys, signatures, access tokens and bodies are never logged. A nil
// logger is an error.
func WithLogger(l *slog.Logger) SharedOption {
	return sharedOption(func(c *common) error {
		if l == nil {
			return argError("WithLogger", "logger", "is nil")
		}
		c.log = l
		return nil
	})
}

// WithErrorHandler receives failures that are not returned to a caller.
//
// A [WebhookHandler] calls it with the request for every request it
// refuses or fails (the status it answered follows from the error: see
// [WebhookHandler]). A [Client] calls it with a nil *http.Request (a
// client never hands its outgoing request, which carries the signature,
// to user code) for each failed attempt it then retries; the failure of
// the last attempt is returned to the caller instead.
//
// No error holds a body, a signature, a secret key or an access token. A
// nil function is an error.
func WithErrorHandler(fn func(*http.Request, error)) SharedOption {
	return sharedOption(func(c *common) error {
		if fn == nil {
			return argError("WithErrorHandler", "fn", "is nil")
		}
		c.onErr = fn
		return nil
	})
}

// WithClock makes a [Client] stamp requests' timestamp, and a
// [WebhookHandler] age its [WithPublicKeyURL] key, time its fetch backoff
// and (serving many bots) expire its cached bots, with now instead of
// time.Now, for tests. A nil clock is an error.
func WithClock(now func() time.Time) SharedOption {
	return sharedOption(func(c *common) error {
		if now == nil {
			return argError("WithClock", "now", "is nil")
		}
		c.now, c.clock = now, true
		return nil
	})
}

// WithHTTPClient sets the HTTP client (default: a 30 s timeout). It is
// copied; a nil client is an error.
func WithHTTPClient(hc *http.Client) Option {
	return clientOption(func(c *config) error {
		cc, err := rest.CopyHTTPClient(hc)
		if err != nil {
			return argError("WithHTTPClient", "client", err.Error())
		}
		c.http = cc
		return nil
	})
}

// WithRetry sets the retry policy (default 3 attempts, 200 ms doubling up
// to 10 s). Every CLOVA Chatbot call moves the conversation on, so a call
// is retried only when the request provably never reached the server (dial
// errors).
func WithRetry(maxAttempts int, baseDelay, maxDelay time.Duration) Option {
	return clientOption(func(c *config) error {
		r := rest.Retry{MaxAttempts: maxAttempts, BaseDelay: baseDelay, MaxDelay: maxDelay}
		if err := r.Validate(); err != nil {
			return argError("WithRetry", "policy", err.Error())
		}
		c.retry = r
		return nil
	})
}

// WithUserAgent sets the User-Agent header. An empty one is an error.
func WithUserAgent(ua string) Option {
	return clientOption(func(c *config) error {
		if ua == "" {
			return argError("WithUserAgent", "ua", "is empty")
		}
		c.ua = ua
		return nil
	})
}

// WithPublicKey verifies with pub instead of the embedded production key
// (for CLOVA's development key, or a test key).
func WithPublicKey(pub *rsa.PublicKey) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if pub == nil || pub.N == nil {
			return argError("WithPublicKey", "pub", "is nil")
		}
		if pub.N.BitLen() < minKeyBits {
			return argError("WithPublicKey", "pub", fmt.Sprintf("key has %d bits, want at least %d", pub.N.BitLen(), minKeyBits))
		}
		if c.keySetBy != "" {
			return argError("WithPublicKey", "pub", "conflicts with "+c.keySetBy)
		}
		c.key, c.keySetBy = pub, "WithPublicKey"
		return nil
	})
}

// WithPublicKeyURL verifies with the PEM key served at keyURL (for example
// https://clova-cek-requests.line.me/.well-known/signature-public-key.pem).
// The key is fetched on the first request, not by the constructor, cached,
// and fetched again once it is older than refresh (0 means 24 hours). At
// most one fetch is in flight: requests that arrive meanwhile wait for it,
// or keep using the cached key.
//
// A failed fetch is retried by the first request after a backoff that
// starts at 1 s and doubles with each consecutive failure up to 10 s (1, 2,
// 4, 8, 10, 10, … s; never longer than refresh), so a key server that comes
// back is used within seconds. Until then a cached key stays in use; if no
// key was ever fetched, requests fail closed with [ErrKeyUnavailable] (503).
// A signature that does not verify with the cached key triggers at most one
// early re-fetch per minute, to follow a key rotation.
func WithPublicKeyURL(keyURL string, refresh time.Duration) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if _, err := rest.ParseBaseURL(keyURL); err != nil {
			return argError("WithPublicKeyURL", "keyURL", err.Error())
		}
		if refresh < 0 {
			return argError("WithPublicKeyURL", "refresh", "is negative")
		}
		if c.keySetBy != "" {
			return argError("WithPublicKeyURL", "keyURL", "conflicts with "+c.keySetBy)
		}
		if refresh == 0 {
			refresh = 24 * time.Hour
		}
		c.keyURL, c.refresh, c.keySetBy = keyURL, refresh, "WithPublicKeyURL"
		return nil
	})
}

// WithKeyHTTPClient sets the client that fetches the [WithPublicKeyURL] key
// (default: a client with a 30 s timeout). The client is copied; a nil
// client is an error.
func WithKeyHTTPClient(hc *http.Client) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		cc, err := rest.CopyHTTPClient(hc)
		if err != nil {
			return argError("WithKeyHTTPClient", "client", err.Error())
		}
		c.keyHTTP = cc
		return nil
	})
}

// InsecureSkipVerify turns off signature verification. It exists only for
// local testing with tools that cannot sign (a curl session, a simulator
// without CLOVA's private key). Never use it in production: anyone could
// then call the extension as any user. The application ID is still checked.
func InsecureSkipVerify() HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		c.insecure = true
		return nil
	})
}

// WithMaxBodyBytes bounds the request body (default [DefaultMaxBodyBytes]);
// a longer body is answered 413. The limit must be positive.
func WithMaxBodyBytes(n int64) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if n <= 0 {
			return argError("WithMaxBodyBytes", "n", "must be positive")
		}
		c.maxBody = n
		return nil
	})
}

// WithMaxInFlight caps how many calls of the handler's function run at once
// (default 1024). A request beyond the cap waits for a free slot; if it
// ends first (CLOVA gave up, the server shut down) it is answered 503 and
// its error wraps [ErrBusy]. n must be positive.
func WithMaxInFlight(n int) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if n <= 0 {
			return argError("WithMaxInFlight", "n", "must be positive")
		}
		c.maxInFlight = n
		return nil
	})
}

// WithRenderOptions makes a [BotHandler]'s Responder render with o
// (default: best effort). With o.Strict, a reply that would lose anything
// is not spoken, and Reply returns an error wrapping [message.ErrLossy].
// Only NewBotHandler takes it.
func WithRenderOptions(o message.RenderOptions) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		c.render = o
		if c.botOnly == "" {
			c.botOnly = "WithRenderOptions"
		}
		return nil
	})
}
