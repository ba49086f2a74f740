package talktalk

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// DefaultBaseURL is the TalkTalk chatbot API base. The send API is
// DefaultBaseURL+"event" and the image upload API DefaultBaseURL+"imageUpload".
const DefaultBaseURL = "https://gw.talk.naver.com/chatbot/v1/"

// Defaults of [NewWebhookHandler].
const (
	// DefaultMaxBodyBytes is the default limit on a webhook body: 1 MiB.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultBudget is how long the handler waits for the function before
	// it acknowledges: well under TalkTalk's 5-second read timeout.
	DefaultBudget = 3 * time.Second
	// DefaultWorkTimeout bounds a function's whole run, including the part
	// after the acknowledgement.
	DefaultWorkTimeout = 30 * time.Second
	// maxBudget is TalkTalk's read timeout.
	maxBudget = 5 * time.Second
)

// Option configures a [Client]; pass it to [New].
type Option interface{ applyClient(*config) error }

// HandlerOption configures a [WebhookHandler]; pass it to
// [NewWebhookHandler].
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

// config is what the client options set.
type config struct {
	http      *http.Client
	baseURL   *url.URL
	logger    *slog.Logger
	onErr     func(*http.Request, error)
	retry     rest.Retry
	userAgent string
}

// handlerConfig is what the handler options set.
type handlerConfig struct {
	allow        *signature.AllowList
	pathTokens   signature.SecretSet // Len 0: no path token is checked
	headerName   string
	headerTokens signature.SecretSet // Len 0: no header token is checked
	maxBody      int64
	maxInFlight  int
	logger       *slog.Logger
	onErr        webhookio.ErrorFunc
	budget       time.Duration
	workTimeout  time.Duration
	late         *Client
	// The bot handler's: its client and render options, and the name of
	// the last such option given, which NewWebhookHandler refuses.
	client  *Client
	render  message.RenderOptions
	botOnly string
	multi   multiConfig
}

// optionError is the error of an option given a value it cannot take.
func optionError(fn, arg, reason string) error { return invalid.Arg(pkg, fn, arg, reason) }

// WithLogger logs at Debug level: a client its requests and retries, a
// handler the requests it refuses and the failures of your function. Keys,
// tokens and bodies are never logged. The default discards everything; nil
// is an error.
func WithLogger(l *slog.Logger) SharedOption {
	set := func(dst **slog.Logger) error {
		if l == nil {
			return optionError("WithLogger", "logger", "nil")
		}
		*dst = l
		return nil
	}
	return sharedOption{
		client:  func(c *config) error { return set(&c.logger) },
		handler: func(c *handlerConfig) error { return set(&c.logger) },
	}
}

// WithErrorHandler receives failures that are not returned to a caller.
//
// A handler passes it every failure: rejected requests, failures and
// panics of your function, invalid replies, and late results
// ([*LateError]); for late results the request's body has already been
// consumed. A client passes it each failed attempt of a call that it then
// retries (the call's final error is returned, not passed), always with a
// nil *http.Request: a client never hands its outgoing request, which
// carries the authorization key, to user code. Errors never hold a body, a
// key or a token. nil is an error.
func WithErrorHandler(fn func(*http.Request, error)) SharedOption {
	check := func() error {
		if fn == nil {
			return optionError("WithErrorHandler", "fn", "nil")
		}
		return nil
	}
	return sharedOption{
		client: func(c *config) error {
			c.onErr = fn
			return check()
		},
		handler: func(c *handlerConfig) error {
			c.onErr = fn
			return check()
		},
	}
}

// WithHTTPClient sends requests through a copy of c. nil is an error.
func WithHTTPClient(c *http.Client) Option {
	return clientOption(func(cfg *config) error {
		cc, err := rest.CopyHTTPClient(c)
		if err != nil {
			return optionError("WithHTTPClient", "client", "nil")
		}
		cfg.http = cc
		return nil
	})
}

// WithBaseURL replaces [DefaultBaseURL], for a proxy or a fake such as
// talktalktest.
func WithBaseURL(raw string) Option {
	return clientOption(func(cfg *config) error {
		u, err := rest.ParseBaseURL(raw)
		if err != nil {
			return optionError("WithBaseURL", "url", "not an absolute http(s) URL")
		}
		cfg.baseURL = u
		return nil
	})
}

// WithRetry sets the retry policy: at most maxAttempts attempts in all,
// with full-jitter exponential backoff from baseDelay up to maxDelay. Only
// calls that are safe to repeat are retried after the server may have seen
// them (see the package documentation); maxAttempts 1 disables retries.
func WithRetry(maxAttempts int, baseDelay, maxDelay time.Duration) Option {
	return clientOption(func(cfg *config) error {
		r := rest.Retry{MaxAttempts: maxAttempts, BaseDelay: baseDelay, MaxDelay: maxDelay}
		if err := r.Validate(); err != nil {
			return optionError("WithRetry", "policy", err.Error())
		}
		cfg.retry = r
		return nil
	})
}

// WithUserAgent replaces the User-Agent header. An empty one is an error.
func WithUserAgent(ua string) Option {
	return clientOption(func(cfg *config) error {
		if ua == "" {
			return optionError("WithUserAgent", "ua", "empty")
		}
		cfg.userAgent = ua
		return nil
	})
}

// WithAllowList replaces the default allow-list (the published TalkTalk
// ranges, [signature.NewTalkTalkAllowList]). Configure trusted proxies on
// the list itself ([signature.WithTrustedProxies]) when the handler sits
// behind a load balancer; add a relay's address if you run one. nil is an
// error: there is no way to switch the address check off.
func WithAllowList(a *signature.AllowList) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if a == nil {
			return optionError("WithAllowList", "list", "nil")
		}
		c.allow = a
		return nil
	})
}

// WithPathToken requires the last segment of the request path to be one of
// tokens: register https://bot.example.com/talktalk/<token> in Partner
// Center. It is compared in constant time ([signature.SecretSet.VerifyToken]).
// A request without it gets 403. To rotate the token without refusing a
// request, list the new token and the old one, register the URL with the
// new one, then drop the old one. An empty set is an error. A token must be
// one path segment: a [signature.SecretSet] does not reveal its secrets, so
// a token containing a slash cannot be refused here, and it never matches.
func WithPathToken(tokens signature.SecretSet) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if tokens.Len() == 0 {
			return optionError("WithPathToken", "tokens", "empty token set")
		}
		c.pathTokens = tokens
		return nil
	})
}

// WithHeaderToken requires header name to be one of tokens, compared in
// constant time ([signature.SecretSet.VerifyToken]), and to be sent once.
// TalkTalk itself cannot send custom headers: this is for a relay or
// gateway in front of the handler that adds one. List the new token and the
// old one while the relay switches. An empty name or set is an error.
func WithHeaderToken(name string, tokens signature.SecretSet) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if name == "" {
			return optionError("WithHeaderToken", "name", "empty header name")
		}
		if tokens.Len() == 0 {
			return optionError("WithHeaderToken", "tokens", "empty token set")
		}
		c.headerName, c.headerTokens = http.CanonicalHeaderKey(name), tokens
		return nil
	})
}

// WithMaxBodyBytes bounds the request body (default
// [DefaultMaxBodyBytes]); a longer body gets 413.
func WithMaxBodyBytes(n int64) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if n <= 0 {
			return optionError("WithMaxBodyBytes", "n", "must be positive")
		}
		c.maxBody = n
		return nil
	})
}

// WithMaxInFlight caps how many calls of your function run at once
// (default 1024), counting those that outlived the budget. A request
// beyond the cap waits for a free slot; if TalkTalk hangs up first it is
// answered 503 and reported wrapping [ErrBusy].
func WithMaxInFlight(n int) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if n <= 0 {
			return optionError("WithMaxInFlight", "n", "must be positive")
		}
		c.maxInFlight = n
		return nil
	})
}

// WithBudget sets how long the handler waits for your function before it
// answers TalkTalk (default [DefaultBudget]); it must be below TalkTalk's
// 5-second read timeout. After the budget the handler acknowledges with an
// empty 200 and lets the function finish in the background; a
// pay_complete is instead declined (see the package documentation).
func WithBudget(d time.Duration) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if d <= 0 || d >= maxBudget {
			return optionError("WithBudget", "d", fmt.Sprintf("must be more than 0 and less than %v", maxBudget))
		}
		c.budget = d
		return nil
	})
}

// WithWorkTimeout bounds how long your function may run in all (default
// [DefaultWorkTimeout]): its ctx, detached from the request, is cancelled
// then. It must not be shorter than the budget.
func WithWorkTimeout(d time.Duration) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if d <= 0 {
			return optionError("WithWorkTimeout", "d", "must be positive")
		}
		c.workTimeout = d
		return nil
	})
}

// WithLateReplyClient sends a synchronous reply that your function
// returned after the budget through c (with the event's user filled in),
// instead of only reporting it to the error handler as a [*LateError].
// Without it a late reply is never delivered.
func WithLateReplyClient(c *Client) HandlerOption {
	return handlerOption(func(cfg *handlerConfig) error {
		if c == nil {
			return optionError("WithLateReplyClient", "client", "nil")
		}
		cfg.late = c
		return nil
	})
}

// WithClient sets the client a [BotHandler] sends through: every reply
// message that cannot go in the webhook response (the second and later
// ones, those after the budget, those to a pay_complete or leave event),
// the typing indicator, and hand-over. Without it those calls fail and
// are reported. nil is an error, and so is passing it to
// [NewWebhookHandler], whose late replies take [WithLateReplyClient].
func WithClient(c *Client) HandlerOption {
	return handlerOption(func(cfg *handlerConfig) error {
		if c == nil {
			return optionError("WithClient", "client", "nil")
		}
		cfg.client, cfg.botOnly = c, "WithClient"
		return nil
	})
}

// WithRenderOptions sets how a [BotHandler]'s Responder renders neutral
// content with [Render] (default: best effort, losses reported).
// [NewWebhookHandler] refuses it.
func WithRenderOptions(o message.RenderOptions) HandlerOption {
	return handlerOption(func(cfg *handlerConfig) error {
		cfg.render, cfg.botOnly = o, "WithRenderOptions"
		return nil
	})
}
