package naverworks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/channelkit/channelkit/internal/rest"
)

// DefaultBaseURL is the NAVER WORKS API base.
const DefaultBaseURL = "https://www.worksapis.com/v1.0/"

// An Option configures [New].
type Option func(*config) error

type config struct {
	http      *http.Client
	baseURL   *url.URL
	logger    *slog.Logger
	retry     rest.Retry
	userAgent string
	// sleep replaces the retry wait in tests.
	sleep func(ctx context.Context, d time.Duration) error
}

// WithHTTPClient sets the HTTP client (copied; nil is an error). The
// default has a 30 s timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		cc, err := rest.CopyHTTPClient(hc)
		if err != nil {
			return fmt.Errorf("naverworks: %w", err)
		}
		c.http = cc
		return nil
	}
}

// WithBaseURL sends API calls to u instead of [DefaultBaseURL] (a test
// server, a proxy). Paths such as "bots/{botId}/…" resolve under it.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		p, err := rest.ParseBaseURL(u)
		if err != nil {
			return fmt.Errorf("naverworks: %w", err)
		}
		c.baseURL = p
		return nil
	}
}

// WithLogger logs requests at Debug level: method, path, status, retries.
// Tokens and bodies are never logged. The default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("naverworks: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithRetry sets the retry policy: at most maxAttempts attempts in total,
// full-jitter exponential backoff from baseDelay, no wait longer than
// maxDelay (a 429 asking for longer returns the error at once). Idempotent
// calls are retried on 429, 5xx and network errors; sends are retried on
// 429 and 503 only, since the platform has no idempotency key and a retried
// send after a 500 may post twice. WithRetry(1, 0, 0) disables retries.
func WithRetry(maxAttempts int, baseDelay, maxDelay time.Duration) Option {
	return func(c *config) error {
		r := rest.Retry{MaxAttempts: maxAttempts, BaseDelay: baseDelay, MaxDelay: maxDelay}
		if maxAttempts < 1 {
			return errors.New("naverworks: retry needs at least 1 attempt")
		}
		if err := r.Validate(); err != nil {
			return fmt.Errorf("naverworks: %w", err)
		}
		c.retry = r
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if ua == "" {
			return errors.New("naverworks: empty user agent")
		}
		c.userAgent = ua
		return nil
	}
}
