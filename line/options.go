package line

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/channelkit/channelkit/internal/rest"
)

// The Messaging API hosts.
const (
	DefaultBaseURL     = "https://api.line.me/"
	DefaultDataBaseURL = "https://api-data.line.me/"
)

type config struct {
	http      *http.Client
	baseURL   *url.URL
	dataURL   *url.URL
	logger    *slog.Logger
	retry     rest.Retry
	userAgent string
	// for tests
	sleep func(context.Context, time.Duration) error
	rand  func(int64) int64
}

// Option configures a [Client].
type Option func(*config) error

// WithHTTPClient sends requests through a copy of c. The default client has
// a 30-second timeout.
func WithHTTPClient(c *http.Client) Option {
	return func(cfg *config) error {
		cc, err := rest.CopyHTTPClient(c)
		if err != nil {
			return errors.New("line: " + err.Error())
		}
		cfg.http = cc
		return nil
	}
}

// WithBaseURL sends API requests to base instead of https://api.line.me
// (a proxy, or a [linetest] server). Unless [WithDataBaseURL] is also given,
// content downloads go there too.
//
// [linetest]: https://pkg.go.dev/github.com/channelkit/channelkit/line/linetest
func WithBaseURL(base string) Option {
	return func(cfg *config) error {
		u, err := rest.ParseBaseURL(base)
		if err != nil {
			return errors.New("line: " + err.Error())
		}
		cfg.baseURL = u
		return nil
	}
}

// WithDataBaseURL sends content downloads to base instead of
// https://api-data.line.me.
func WithDataBaseURL(base string) Option {
	return func(cfg *config) error {
		u, err := rest.ParseBaseURL(base)
		if err != nil {
			return errors.New("line: " + err.Error())
		}
		cfg.dataURL = u
		return nil
	}
}

// WithLogger logs retries at Debug level. Tokens and bodies are never
// logged. The default logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(cfg *config) error {
		if l == nil {
			return errors.New("line: nil logger")
		}
		cfg.logger = l
		return nil
	}
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
	return func(cfg *config) error {
		r := rest.Retry{MaxAttempts: maxAttempts, BaseDelay: baseDelay, MaxDelay: maxDelay}
		if err := r.Validate(); err != nil {
			return errors.New("line: " + err.Error())
		}
		cfg.retry = r
		return nil
	}
}

// WithUserAgent replaces the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(cfg *config) error {
		if ua == "" {
			return errors.New("line: empty user agent")
		}
		cfg.userAgent = ua
		return nil
	}
}
