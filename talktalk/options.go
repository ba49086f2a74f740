package talktalk

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/channelkit/channelkit/internal/rest"
)

// DefaultBaseURL is the TalkTalk chatbot API base. The send API is
// DefaultBaseURL+"event" and the image upload API DefaultBaseURL+"imageUpload".
const DefaultBaseURL = "https://gw.talk.naver.com/chatbot/v1/"

// Option configures a [Client].
type Option func(*config) error

type config struct {
	http      *http.Client
	baseURL   *url.URL
	logger    *slog.Logger
	retry     rest.Retry
	userAgent string
}

// WithHTTPClient sends requests through a copy of c. nil is an error.
func WithHTTPClient(c *http.Client) Option {
	return func(cfg *config) error {
		cc, err := rest.CopyHTTPClient(c)
		if err != nil {
			return err
		}
		cfg.http = cc
		return nil
	}
}

// WithBaseURL replaces [DefaultBaseURL], for a proxy or a fake such as
// talktalktest.
func WithBaseURL(raw string) Option {
	return func(cfg *config) error {
		u, err := rest.ParseBaseURL(raw)
		if err != nil {
			return err
		}
		cfg.baseURL = u
		return nil
	}
}

// WithLogger logs requests and retries at Debug level. Keys and bodies are
// never logged. The default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(cfg *config) error {
		if l == nil {
			return errors.New("nil logger")
		}
		cfg.logger = l
		return nil
	}
}

// WithRetry sets the retry policy: at most maxAttempts attempts in all,
// with full-jitter exponential backoff from baseDelay up to maxDelay. Only
// calls that are safe to repeat are retried after the server may have seen
// them (see the package documentation); maxAttempts 1 disables retries.
func WithRetry(maxAttempts int, baseDelay, maxDelay time.Duration) Option {
	return func(cfg *config) error {
		r := rest.Retry{MaxAttempts: maxAttempts, BaseDelay: baseDelay, MaxDelay: maxDelay}
		if err := r.Validate(); err != nil {
			return err
		}
		cfg.retry = r
		return nil
	}
}

// WithUserAgent replaces the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(cfg *config) error {
		if ua == "" {
			return errors.New("empty User-Agent")
		}
		cfg.userAgent = ua
		return nil
	}
}
