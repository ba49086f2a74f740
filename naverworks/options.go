package naverworks

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/message"
)

// DefaultBaseURL is the NAVER WORKS API base.
const DefaultBaseURL = "https://www.worksapis.com/v1.0/"

// DefaultMaxBodyBytes is the default callback body limit: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// DefaultBudget is how long the handler waits for its function before
// answering 200 and letting the function finish in the background.
const DefaultBudget = 2 * time.Second

// DefaultWorkTimeout bounds the context the handler's function runs with.
const DefaultWorkTimeout = 30 * time.Second

// Option configures a [Client]; pass it to [New].
type Option interface{ applyClient(*config) error }

// HandlerOption configures a [WebhookHandler] or a [BotHandler]; pass it
// to [NewWebhookHandler] or [NewBotHandler], or to their multi-bot forms
// [NewMultiWebhookHandler] and [NewMultiBotHandler]. [WithClient] and
// [WithRenderOptions] are for the bot handlers only, [WithClient] and
// [WithBotID] for single-bot handlers, [WithBotPath] for multi-bot ones.
type HandlerOption interface{ applyHandler(*handlerConfig) error }

// SharedOption is an option both [New] and [NewWebhookHandler] accept.
type SharedOption interface {
	Option
	HandlerOption
}

type clientOption func(*config) error

func (o clientOption) applyClient(c *config) error { return o(c) }

type handlerOption func(*handlerConfig) error

func (o handlerOption) applyHandler(c *handlerConfig) error { return o(c) }

// sharedOption sets what a client and a handler both have.
type sharedOption func(*common) error

func (o sharedOption) applyClient(c *config) error         { return o(&c.common) }
func (o sharedOption) applyHandler(c *handlerConfig) error { return o(&c.common) }

// common is what [SharedOption] values set.
type common struct {
	logger *slog.Logger
	onErr  func(*http.Request, error)
}

func (c *common) log() *slog.Logger {
	if c.logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.logger
}

type config struct {
	common
	http      *http.Client
	baseURL   *url.URL
	retry     rest.Retry
	userAgent string
	// sleep replaces the retry wait in tests.
	sleep func(ctx context.Context, d time.Duration) error
}

type handlerConfig struct {
	common
	maxBody     int64
	maxInFlight int
	botID       string
	botPath     string // WithBotPath
	botTTL      time.Duration
	botTTLSet   bool
	budget      time.Duration
	workTimeout time.Duration

	// What only [NewBotHandler] takes; botOnly names the first such option
	// given, so that [NewWebhookHandler] can refuse it.
	botOnly string
	client  *Client
	render  message.RenderOptions
}

// WithLogger logs at Debug level. A client logs its requests (method,
// host, retries, token refreshes), a handler its failures; tokens,
// signatures and bodies are never logged. nil is an error; the default
// discards everything.
func WithLogger(l *slog.Logger) SharedOption {
	return sharedOption(func(c *common) error {
		if l == nil {
			return argError("WithLogger", "l", "nil")
		}
		c.logger = l
		return nil
	})
}

// WithErrorHandler receives failures nobody else sees. A handler reports
// every failed callback to it: a bad signature or bot ID, a malformed body,
// a function that failed or panicked (also after the handler answered). A
// client reports each failed attempt that it then retries, or refreshes
// its token after; the request is then nil, since the outgoing request
// carries the bearer token and never reaches user code. The errors a
// client returns are not reported. nil is an error.
func WithErrorHandler(fn func(*http.Request, error)) SharedOption {
	return sharedOption(func(c *common) error {
		if fn == nil {
			return argError("WithErrorHandler", "fn", "nil")
		}
		c.onErr = fn
		return nil
	})
}

// WithHTTPClient sets the HTTP client (copied; nil is an error). The
// default has a 30 s timeout.
func WithHTTPClient(hc *http.Client) Option {
	return clientOption(func(c *config) error {
		if hc == nil {
			return argError("WithHTTPClient", "hc", "nil")
		}
		c.http, _ = rest.CopyHTTPClient(hc)
		return nil
	})
}

// WithBaseURL sends API calls to u instead of [DefaultBaseURL] (a test
// server, a proxy). Paths such as "bots/{botId}/…" resolve under it.
func WithBaseURL(u string) Option {
	return clientOption(func(c *config) error {
		p, err := rest.ParseBaseURL(u)
		if err != nil {
			return argError("WithBaseURL", "u", "not an absolute http(s) URL")
		}
		c.baseURL = p
		return nil
	})
}

// WithRetry sets the retry policy: at most maxAttempts attempts in total,
// full-jitter exponential backoff from baseDelay, no wait longer than
// maxDelay (a 429 asking for longer returns the error at once). Idempotent
// calls are retried on 429, 5xx and network errors; sends are retried on
// 429 and 503 only, since the platform has no idempotency key and a retried
// send after a 500 may post twice. WithRetry(1, 0, 0) disables retries.
func WithRetry(maxAttempts int, baseDelay, maxDelay time.Duration) Option {
	return clientOption(func(c *config) error {
		r := rest.Retry{MaxAttempts: maxAttempts, BaseDelay: baseDelay, MaxDelay: maxDelay}
		if maxAttempts < 1 {
			return argError("WithRetry", "maxAttempts", "below 1")
		}
		if err := r.Validate(); err != nil {
			return argError("WithRetry", "baseDelay, maxDelay", err.Error())
		}
		c.retry = r
		return nil
	})
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return clientOption(func(c *config) error {
		if ua == "" {
			return argError("WithUserAgent", "ua", "empty")
		}
		c.userAgent = ua
		return nil
	})
}

// WithMaxBodyBytes sets the callback body limit (default
// [DefaultMaxBodyBytes]); a larger body is answered 413.
func WithMaxBodyBytes(n int64) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if n <= 0 {
			return argError("WithMaxBodyBytes", "n", "not positive")
		}
		c.maxBody = n
		return nil
	})
}

// WithMaxInFlight caps the handler's functions running at once, answered
// or not (default 1024). A callback beyond the cap waits for a
// free slot; one whose request ends first is answered 503 ([ErrBusy]).
func WithMaxInFlight(n int) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if n <= 0 {
			return argError("WithMaxInFlight", "n", "not positive")
		}
		c.maxInFlight = n
		return nil
	})
}

// WithBotID makes the handler refuse (403, [ErrBotID]) callbacks whose
// X-WORKS-BotId header is not id, or is sent more than once.
func WithBotID(id string) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if id == "" {
			return argError("WithBotID", "id", "empty")
		}
		c.botID = id
		return nil
	})
}

// WithBudget sets how long the handler waits for its function before it
// answers 200 and lets the function go on in the background (default
// [DefaultBudget]). Zero makes the handler answer at once and always run
// the function after answering.
func WithBudget(d time.Duration) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if d < 0 {
			return argError("WithBudget", "d", "negative")
		}
		c.budget = d
		return nil
	})
}

// WithWorkTimeout bounds the handler's function: its context, detached
// from the request's, is cancelled after d (default
// [DefaultWorkTimeout]), whether or not the callback was answered.
func WithWorkTimeout(d time.Duration) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if d <= 0 {
			return argError("WithWorkTimeout", "d", "not positive")
		}
		c.workTimeout = d
		return nil
	})
}
