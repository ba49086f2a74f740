package kakao

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// Option configures a [Client]; pass it to [New]. Options report invalid
// values, nil included, as errors from New.
type Option interface{ applyClient(*config) error }

// HandlerOption configures a [WebhookHandler] or a [BotHandler]; pass it
// to [NewWebhookHandler] or [NewBotHandler]. Options report invalid
// values, nil included, as errors from the constructor; the bot's own
// options ([WithRenderOptions], [WithWelcomeBlock]) are an error from
// NewWebhookHandler.
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

type sharedOption struct {
	client  clientOption
	handler handlerOption
}

func (o sharedOption) applyClient(c *config) error         { return o.client(c) }
func (o sharedOption) applyHandler(c *handlerConfig) error { return o.handler(c) }

// config is what the Options set.
type config struct {
	hc    *http.Client
	retry rest.Retry
	ua    string
	log   *slog.Logger
	onErr func(*http.Request, error)
	hosts map[string]bool
	sleep func(context.Context, time.Duration) error // tests
	// The Event API's key and base URL.
	restKey   redact.Hidden[string]
	eventBase string
}

// handlerConfig is what the HandlerOptions set.
type handlerConfig struct {
	maxBody     int64
	maxInFlight int
	log         *slog.Logger
	onErr       func(*http.Request, error)
	headerName  string
	secrets     signature.SecretSet
	botIDs      map[string]bool
	fallback    *Response
	callback    bool
	budget      time.Duration
	waiting     *Response
	client      *Client
	clientSet   bool // WithClient, which a multi-bot handler refuses
	// The multi-bot handlers' options; multiOnly names the last one set,
	// which the single-bot constructors refuse.
	botPath   string
	botTTL    time.Duration
	botTTLSet bool
	multiOnly string
	// NewBotHandler's options; botOnly names the last one set, which
	// NewWebhookHandler refuses.
	render  message.RenderOptions
	welcome string
	botOnly string
}

// DefaultMaxBodyBytes is the default limit on a skill request body: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// DefaultSecretHeader is the header [ParseRequest] reads the shared secret
// from, and the name the examples register under "헤더값 입력" in the skill
// settings.
const DefaultSecretHeader = "X-Skill-Token"

// WithLogger sets the logger (default: none). A client logs each delivery
// at Debug level; a handler logs each failed request and each failure
// after its answer at Debug level. Logs never hold a callback URL, a
// secret or a body.
func WithLogger(l *slog.Logger) SharedOption {
	return sharedOption{
		client: func(c *config) error {
			if l == nil {
				return argErr("WithLogger", "l", "nil logger")
			}
			c.log = l
			return nil
		},
		handler: func(c *handlerConfig) error {
			if l == nil {
				return argErr("WithLogger", "l", "nil logger")
			}
			c.log = l
			return nil
		},
	}
}

// WithErrorHandler sets a function that receives failures nobody else
// sees. A handler hands it the details of every failed request and every
// failure after its answer (a late function error, a failed callback
// delivery), with the skill request; it may be called from another
// goroutine. A client hands it each failed delivery attempt that it then
// retries, with a nil *http.Request: a client never hands its outgoing
// request, whose URL is the callback credential, to user code. No error
// holds a callback URL, a secret or a body.
func WithErrorHandler(fn func(*http.Request, error)) SharedOption {
	return sharedOption{
		client: func(c *config) error {
			if fn == nil {
				return argErr("WithErrorHandler", "fn", "nil function")
			}
			c.onErr = fn
			return nil
		},
		handler: func(c *handlerConfig) error {
			if fn == nil {
				return argErr("WithErrorHandler", "fn", "nil function")
			}
			c.onErr = fn
			return nil
		},
	}
}

// Client options.

// WithHTTPClient sets the HTTP client (copied; nil is an error). Its
// redirect policy is replaced: a callback is never followed to another URL.
func WithHTTPClient(hc *http.Client) Option {
	return clientOption(func(c *config) error {
		if hc == nil {
			return argErr("WithHTTPClient", "hc", "nil client")
		}
		cp, err := rest.CopyHTTPClient(hc)
		if err != nil {
			return fmt.Errorf("kakao: WithHTTPClient: %w", err)
		}
		c.hc = cp
		return nil
	})
}

// WithRetry sets the retry policy (default 3 attempts, 200 ms doubling,
// at most 10 s per wait). Whatever the policy, a callback is retried only
// after a failure that proves Kakao never saw it (the connection could not
// be made): a callback URL is single-use, so a POST that may have arrived is
// never repeated.
func WithRetry(maxAttempts int, baseDelay, maxDelay time.Duration) Option {
	return clientOption(func(c *config) error {
		r := rest.Retry{MaxAttempts: maxAttempts, BaseDelay: baseDelay, MaxDelay: maxDelay}
		if err := r.Validate(); err != nil {
			return argErr("WithRetry", "policy", err.Error())
		}
		c.retry = r
		return nil
	})
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return clientOption(func(c *config) error {
		if ua == "" {
			return argErr("WithUserAgent", "ua", "empty user agent")
		}
		c.ua = ua
		return nil
	})
}

// WithAllowedHosts restricts callback URLs to the given host names
// (exact match, port ignored). Skill requests are not signed, so without a
// header secret anyone who can reach the skill server can choose the URL
// the bot's answer is POSTed to; listing Kakao's callback host closes that.
// Default: any host.
func WithAllowedHosts(hosts ...string) Option {
	return clientOption(func(c *config) error {
		if len(hosts) == 0 {
			return argErr("WithAllowedHosts", "hosts", "no host")
		}
		c.hosts = make(map[string]bool, len(hosts))
		for _, h := range hosts {
			if h == "" {
				return argErr("WithAllowedHosts", "hosts", "empty host")
			}
			c.hosts[strings.ToLower(h)] = true
		}
		return nil
	})
}

// Handler options.

// WithMaxBodyBytes bounds the request body (default [DefaultMaxBodyBytes]);
// a longer body is answered 413.
func WithMaxBodyBytes(n int64) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if n <= 0 {
			return argErr("WithMaxBodyBytes", "n", "limit must be positive")
		}
		c.maxBody = n
		return nil
	})
}

// WithMaxInFlight caps how many skill functions run at once (default
// webhookio's 1024), callbacks still being worked on included. A request
// beyond the cap waits for a free slot; if it ends first (Kakao gives up
// after [SkillTimeout]) it is answered 503 and its error wraps [ErrBusy].
func WithMaxInFlight(n int) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if n <= 0 {
			return argErr("WithMaxInFlight", "n", "cap must be positive")
		}
		c.maxInFlight = n
		return nil
	})
}

// WithHeaderSecret requires every request to carry header name with a value
// equal to one of secrets (the "헤더값 입력" of the skill settings; list
// the old and the new value while rotating). The comparison is
// constant-time. A missing or wrong header, or one sent more than once, is
// answered 403 (see the package doc, Authentication).
// [DefaultSecretHeader] is the name the examples use. On a multi-bot
// handler, name is where every bot's HeaderSecrets are read, and secrets
// check the bots that have none of their own.
func WithHeaderSecret(name string, secrets signature.SecretSet) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if name == "" {
			return argErr("WithHeaderSecret", "name", "empty header name")
		}
		if secrets.Len() == 0 {
			return argErr("WithHeaderSecret", "secrets", "empty secret set")
		}
		c.headerName = http.CanonicalHeaderKey(name)
		c.secrets = secrets
		return nil
	})
}

// WithBotIDs accepts only requests whose bot.id is one of ids; others are
// answered 403. A multi-bot handler refuses it: its resolver says which
// bots it serves.
func WithBotIDs(ids ...string) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if len(ids) == 0 {
			return argErr("WithBotIDs", "ids", "no bot ID")
		}
		c.botIDs = make(map[string]bool, len(ids))
		for _, id := range ids {
			if id == "" {
				return argErr("WithBotIDs", "ids", "empty bot ID")
			}
			c.botIDs[id] = true
		}
		return nil
	})
}

// WithFallback makes the handler answer resp (200) instead of 500 when fn
// fails or returns an invalid response, and deliver it through the
// callback when fn fails after a useCallback answer. resp must be valid.
func WithFallback(resp *Response) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if resp == nil {
			return argErr("WithFallback", "resp", "nil response")
		}
		if err := resp.Validate(); err != nil {
			return fmt.Errorf("kakao: WithFallback: %w", err)
		}
		c.fallback = resp
		return nil
	})
}

// WithCallback enables the AI-chatbot callback flow: when a request carries
// userRequest.callbackUrl and fn has not returned within budget (0 means
// [DefaultCallbackBudget]), the handler answers waiting with useCallback set
// (nil waiting means {"version":"2.0","useCallback":true}), lets fn run on,
// and POSTs its response to the callback URL exactly once. fn's context is
// then detached from the request and ends when the URL expires, one minute
// after the request arrived. Requests without a callback URL are answered
// synchronously as usual.
func WithCallback(budget time.Duration, waiting *Response) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if budget < 0 || budget >= SkillTimeout {
			return argErr("WithCallback", "budget", fmt.Sprintf("must be between 0 and %v", SkillTimeout))
		}
		if budget == 0 {
			budget = DefaultCallbackBudget
		}
		w := Response{UseCallback: true}
		if waiting != nil {
			w = *waiting
			w.UseCallback = true
			if err := w.Validate(); err != nil {
				return fmt.Errorf("kakao: WithCallback: waiting response: %w", err)
			}
		}
		c.callback = true
		c.budget = budget
		c.waiting = &w
		return nil
	})
}

// WithClient sets the client that delivers callback responses (default:
// [New] with the handler's logger and error handler). A multi-bot handler
// refuses it: each [Bot] carries its Client.
func WithClient(cl *Client) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if cl == nil {
			return argErr("WithClient", "cl", "nil client")
		}
		c.client, c.clientSet = cl, true
		return nil
	})
}
