package line

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/message"
)

// The Messaging API hosts.
const (
	DefaultBaseURL     = "https://api.line.me/"
	DefaultDataBaseURL = "https://api-data.line.me/"
)

// DefaultMaxBodyBytes is the default limit on a webhook body (1 MiB).
const DefaultMaxBodyBytes = 1 << 20

// DefaultWorkTimeout bounds the context the handler's function runs with
// after an asynchronous handler has answered ([WithAsync], [NewBotHandler]).
const DefaultWorkTimeout = 30 * time.Second

// Option configures a [Client]; pass it to [New].
type Option interface{ applyClient(*config) error }

// HandlerOption configures a [WebhookHandler] or a [BotHandler]; pass it
// to [NewWebhookHandler] or [NewBotHandler]. [WithClient],
// [WithRenderOptions] and [WithPushFallback] are for NewBotHandler only.
type HandlerOption interface{ applyHandler(*handlerConfig) error }

// SharedOption is an option both [New] and [NewWebhookHandler] accept.
type SharedOption interface {
	Option
	HandlerOption
}

// clientOption adapts a function to [Option].
type clientOption func(*config) error

func (o clientOption) applyClient(c *config) error { return o(c) }

// handlerOption adapts a function to [HandlerOption].
type handlerOption func(*handlerConfig) error

func (o handlerOption) applyHandler(c *handlerConfig) error { return o(c) }

// sharedOption is both.
type sharedOption struct {
	clientOption
	handlerOption
}

type config struct {
	http      *http.Client
	baseURL   *url.URL
	dataURL   *url.URL
	logger    *slog.Logger
	onErr     func(*http.Request, error)
	retry     rest.Retry
	userAgent string
	ts        oauth2.TokenSource
	// for tests
	sleep func(context.Context, time.Duration) error
	rand  func(int64) int64
}

type handlerConfig struct {
	maxBody     int64
	maxInFlight int
	onErr       func(*http.Request, error)
	dedupe      message.Deduper
	queue       message.Queue
	async       bool
	workTimeout time.Duration
	logger      *slog.Logger
	bot         botConfig
	multi       multiConfig
}

// WithLogger logs at Debug level: a client its retries, a handler the
// requests it refuses and the failures of your function. Tokens, secrets,
// signatures and bodies are never logged. The default logs nothing; a nil
// logger is an error.
func WithLogger(l *slog.Logger) SharedOption {
	set := func(dst **slog.Logger) error {
		if l == nil {
			return argError("WithLogger", "l", "nil logger")
		}
		*dst = l
		return nil
	}
	return sharedOption{
		func(c *config) error { return set(&c.logger) },
		func(c *handlerConfig) error { return set(&c.logger) },
	}
}

// WithErrorHandler receives the failures nobody else hears of; a nil
// function is an error.
//
// A handler passes it every failure with the request it belongs to:
// refused requests, the errors your function returns (also after an
// asynchronous handler has answered), panics, and de-duplication store
// errors. For a body taken from a [WithQueue] queue, which belongs to no
// request, the *http.Request is nil.
//
// A client passes it the failures it does not return to a caller: each
// failed attempt that is then retried. The *http.Request is always nil
// there: a client never hands its outgoing request, which carries the
// channel access token, to other code.
func WithErrorHandler(fn func(*http.Request, error)) SharedOption {
	set := func(dst *func(*http.Request, error)) error {
		if fn == nil {
			return argError("WithErrorHandler", "fn", "nil error handler")
		}
		*dst = fn
		return nil
	}
	return sharedOption{
		func(c *config) error { return set(&c.onErr) },
		func(c *handlerConfig) error { return set(&c.onErr) },
	}
}

// WithHTTPClient sends requests through a copy of c; a nil c is an error.
// The default client has a 30-second timeout.
func WithHTTPClient(c *http.Client) Option {
	return clientOption(func(cfg *config) error {
		cc, err := rest.CopyHTTPClient(c)
		if err != nil {
			return argError("WithHTTPClient", "c", "nil HTTP client")
		}
		cfg.http = cc
		return nil
	})
}

// WithBaseURL sends API requests to base instead of https://api.line.me
// (a proxy, or a [linetest] server). Unless [WithDataBaseURL] is also given,
// content downloads go there too.
//
// [linetest]: https://pkg.go.dev/github.com/channelkit/channelkit/line/linetest
func WithBaseURL(base string) Option {
	return clientOption(func(cfg *config) error {
		u, err := rest.ParseBaseURL(base)
		if err != nil {
			return argError("WithBaseURL", "base", "not an absolute http(s) URL")
		}
		cfg.baseURL = u
		return nil
	})
}

// WithDataBaseURL sends content downloads to base instead of
// https://api-data.line.me.
func WithDataBaseURL(base string) Option {
	return clientOption(func(cfg *config) error {
		u, err := rest.ParseBaseURL(base)
		if err != nil {
			return argError("WithDataBaseURL", "base", "not an absolute http(s) URL")
		}
		cfg.dataURL = u
		return nil
	})
}

// WithRetry sets the retry policy: maxAttempts in total (1 disables
// retries), waits of full-jitter exponential backoff from baseDelay up to
// maxDelay. A 429 whose Retry-After exceeds maxDelay is returned at once.
// The default is 3 attempts, 200 ms, 10 s.
//
// Only requests that are safe to repeat are retried after the server may
// have seen them: push, multicast and broadcast (which carry a retry key),
// and reads. A reply is retried only when the connection failed before
// anything was sent, because a reply token works once.
func WithRetry(maxAttempts int, baseDelay, maxDelay time.Duration) Option {
	return clientOption(func(cfg *config) error {
		switch {
		case maxAttempts < 0:
			return argError("WithRetry", "maxAttempts", "must not be negative")
		case baseDelay < 0:
			return argError("WithRetry", "baseDelay", "must not be negative")
		case maxDelay < 0:
			return argError("WithRetry", "maxDelay", "must not be negative")
		case maxAttempts > 1 && baseDelay == 0:
			return argError("WithRetry", "baseDelay", "must be positive when maxAttempts is above 1")
		}
		r := rest.Retry{MaxAttempts: maxAttempts, BaseDelay: baseDelay, MaxDelay: maxDelay}
		if err := r.Validate(); err != nil {
			return argError("WithRetry", "maxAttempts, baseDelay, maxDelay", err.Error())
		}
		cfg.retry = r
		return nil
	})
}

// WithTokenSource makes the client take its channel access tokens from
// ts, once per attempt, instead of the static token given to [New] (which
// must then be ""). Use [TokenSource] for tokens that renew themselves, or
// a shared one (redisstore.TokenSource) for many replicas. ts must be
// safe for concurrent use and fast when warm: it is called on every
// request. When ts implements [ContextTokenSource] the client calls
// TokenContext with the request's context instead of Token. A nil ts is an
// error.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return clientOption(func(cfg *config) error {
		if ts == nil {
			return argError("WithTokenSource", "ts", "nil token source")
		}
		cfg.ts = ts
		return nil
	})
}

// WithUserAgent replaces the User-Agent header; an empty ua is an error.
func WithUserAgent(ua string) Option {
	return clientOption(func(cfg *config) error {
		if ua == "" {
			return argError("WithUserAgent", "ua", "empty user agent")
		}
		cfg.userAgent = ua
		return nil
	})
}

// WithMaxBodyBytes sets the webhook body size limit (default
// [DefaultMaxBodyBytes], 1 MiB). A larger body is answered 413.
func WithMaxBodyBytes(n int64) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if n <= 0 {
			return argError("WithMaxBodyBytes", "n", "body limit must be positive")
		}
		c.maxBody = n
		return nil
	})
}

// WithMaxInFlight caps how many calls of your function run at once
// (default 1024), in either mode. A request arriving when all are busy
// waits for a slot; if its own context ends first it is answered 503 (an
// error wrapping [ErrBusy] goes to the error handler) and a [WithDeduper]
// store takes its events back, so LINE's redelivery is processed.
func WithMaxInFlight(n int) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if n <= 0 {
			return argError("WithMaxInFlight", "n", "cap must be positive")
		}
		c.maxInFlight = n
		return nil
	})
}

// WithDeduper drops events whose webhookEventId d has already seen; your
// function never hears of them, and a batch left empty is not passed on at
// all. Events without an ID are always passed on, and so is an event whose
// lookup fails (the error goes to the error handler). A nil d is an error.
//
// Events are recorded when they arrive. When the handler then answers 500
// (your function failed in the default synchronous mode) or 503 (no slot
// came free under [WithMaxInFlight]), it takes the events back if d
// implements [message.Forgetter] (the in-memory deduper does), so LINE's
// redelivery is processed rather than dropped as a duplicate.
func WithDeduper(d message.Deduper) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if d == nil {
			return argError("WithDeduper", "d", "nil deduper")
		}
		c.dedupe = d
		return nil
	})
}

// WithAsync makes the handler answer 200 as soon as a request is verified
// and decoded, and run your function afterwards, with a context that is
// not cancelled when the request ends (what LINE recommends: it wants the
// answer within about 2 seconds). That context ends after the work timeout
// instead ([WithWorkTimeout], default [DefaultWorkTimeout], 30 s), so that
// a function that hangs gives up its slot and [WebhookHandler.Wait]
// returns. The request ends with the answer (the connection stays open for
// LINE's next webhook) and the function runs afterwards on a goroutine of
// the handler's, under the [WithMaxInFlight] cap; its
// errors and panics go to the error handler. Call [WebhookHandler.Wait] on
// shutdown to let running calls finish.
func WithAsync() HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		c.async = true
		return nil
	})
}

// WithWorkTimeout bounds the handler's function: its context, detached
// from the request's, is cancelled after d (default
// [DefaultWorkTimeout]), although LINE was answered long before. It
// applies with [WithAsync] and to [NewBotHandler]; in the default
// synchronous mode the function runs with the request's own context,
// which this option does not change.
func WithWorkTimeout(d time.Duration) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if d <= 0 {
			return argError("WithWorkTimeout", "d", "must be positive")
		}
		c.workTimeout = d
		return nil
	})
}
