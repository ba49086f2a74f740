package kakao

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/channelkit/channelkit/signature"
)

// An Option configures a [SkillHandler]. Options report invalid values as
// errors from [NewSkillHandler].
type Option func(*handlerConfig) error

type handlerConfig struct {
	maxBody     int64
	onErr       func(*http.Request, error)
	headerName  string
	secrets     signature.SecretSet
	botIDs      map[string]bool
	fallback    *Response
	callback    bool
	budget      time.Duration
	waiting     *Response
	cbClient    *CallbackClient
	now         func() time.Time
	afterFunc   func(time.Duration) (<-chan time.Time, func() bool)
	validity    time.Duration
	skipInvalid bool
}

// WithMaxBodyBytes bounds the request body (default 1 MiB); a longer body
// is answered 413.
func WithMaxBodyBytes(n int64) Option {
	return func(c *handlerConfig) error {
		if n <= 0 {
			return errors.New("kakao: WithMaxBodyBytes: limit must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithErrorHandler receives the details of every failed request and every
// failed callback delivery (which happen after the response is written).
// The request it gets is the skill request; the error never contains the
// callback URL, secrets or bodies. It may be called from another goroutine.
func WithErrorHandler(fn func(*http.Request, error)) Option {
	return func(c *handlerConfig) error {
		if fn == nil {
			return errors.New("kakao: WithErrorHandler: nil function")
		}
		c.onErr = fn
		return nil
	}
}

// WithHeaderSecret requires every request to carry header name with a value
// equal to one of secrets (the "헤더값 입력" of the skill settings; list
// the old and the new value while rotating). The comparison is
// constant-time. A missing or wrong header, or one sent more than once, is
// answered 403 (see the package doc, Authentication).
func WithHeaderSecret(name string, secrets signature.SecretSet) Option {
	return func(c *handlerConfig) error {
		if name == "" {
			return errors.New("kakao: WithHeaderSecret: empty header name")
		}
		if secrets.Len() == 0 {
			return errors.New("kakao: WithHeaderSecret: empty secret set")
		}
		c.headerName = http.CanonicalHeaderKey(name)
		c.secrets = secrets
		return nil
	}
}

// WithBotIDs accepts only requests whose bot.id is one of ids; others are
// answered 403.
func WithBotIDs(ids ...string) Option {
	return func(c *handlerConfig) error {
		if len(ids) == 0 {
			return errors.New("kakao: WithBotIDs: no bot ID")
		}
		c.botIDs = make(map[string]bool, len(ids))
		for _, id := range ids {
			if id == "" {
				return errors.New("kakao: WithBotIDs: empty bot ID")
			}
			c.botIDs[id] = true
		}
		return nil
	}
}

// WithFallback makes the handler answer resp (200) instead of 500 when fn
// fails or returns an invalid response, and deliver it through the
// callback when fn fails after a useCallback answer. resp must be valid.
func WithFallback(resp *Response) Option {
	return func(c *handlerConfig) error {
		if err := resp.Validate(); err != nil {
			return fmt.Errorf("kakao: WithFallback: %w", err)
		}
		c.fallback = resp
		return nil
	}
}

// WithCallback enables the AI-chatbot callback flow: when a request carries
// userRequest.callbackUrl and fn has not returned within budget (0 means
// [DefaultCallbackBudget]), the handler answers waiting with useCallback set
// at once (nil waiting means {"version":"2.0","useCallback":true}), lets fn
// run on, and POSTs its response to the callback URL exactly once. fn's
// context is then detached from the request and ends when the URL expires,
// one minute after the request arrived. Requests without a callback URL are
// answered synchronously as usual.
func WithCallback(budget time.Duration, waiting *Response) Option {
	return func(c *handlerConfig) error {
		if budget < 0 || budget >= SkillTimeout {
			return fmt.Errorf("kakao: WithCallback: budget must be between 0 and %v", SkillTimeout)
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
	}
}

// WithCallbackClient sets the client that delivers callback responses
// (default: NewCallbackClient() with its defaults).
func WithCallbackClient(cc *CallbackClient) Option {
	return func(c *handlerConfig) error {
		if cc == nil {
			return errors.New("kakao: WithCallbackClient: nil client")
		}
		c.cbClient = cc
		return nil
	}
}
