package redisstore

import (
	"log/slog"
	"strings"
	"time"
)

// Defaults of the [Queue] options.
const (
	// DefaultGroup is the consumer group every replica's workers join.
	DefaultGroup = "workers"
	// DefaultVisibility is how long an entry a worker took stays its own
	// before another worker may reclaim it. It must be longer than the
	// handling of one body (LINE's HandleQueued: its work timeout, 30 s
	// by default, plus a second).
	DefaultVisibility = time.Minute
	// DefaultMaxAttempts is how many deliveries an entry gets before it
	// is moved to the dead-letter stream.
	DefaultMaxAttempts = 5
	// DefaultMaxLen is the approximate bound on the stream's length.
	DefaultMaxLen = 1_000_000
	// DefaultBlock is how long one read waits for new entries.
	DefaultBlock = 2 * time.Second
	// DefaultConcurrency is how many bodies one Run handles at once.
	DefaultConcurrency = 16
)

type queueConfig struct {
	group, consumer string
	visibility      time.Duration
	maxAttempts     int
	maxLen          int64
	block           time.Duration
	concurrency     int
	logger          *slog.Logger
}

// WithGroup names the consumer group of a [Queue] (default
// [DefaultGroup]): the workers of every replica that share a group share
// the work. It must be non-empty.
func WithGroup(name string) Option {
	return func(c *config) error {
		if name == "" {
			return argError("WithGroup", "name", "empty")
		}
		c.queue.group = name
		return nil
	}
}

// WithConsumer names this process's consumer in a [Queue]'s group
// (default: the host name, the process ID and a random suffix). Two
// processes must never share a name: entries are owned by name. It must
// be non-empty and contain no whitespace.
func WithConsumer(name string) Option {
	return func(c *config) error {
		if name == "" || strings.ContainsAny(name, " \t\r\n") {
			return argError("WithConsumer", "name", "empty or contains whitespace")
		}
		c.queue.consumer = name
		return nil
	}
}

// WithVisibility sets how long an entry a worker took stays its own
// (default [DefaultVisibility]): after that, another worker reclaims it,
// as if its worker had died. It must be at least a millisecond, and
// should be longer than the handling of one body.
func WithVisibility(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Millisecond {
			return argError("WithVisibility", "d", "shorter than a millisecond")
		}
		c.queue.visibility = d
		return nil
	}
}

// WithMaxAttempts sets how many deliveries an entry gets (default
// [DefaultMaxAttempts]) before it goes to the dead-letter stream. It must
// be at least 1.
func WithMaxAttempts(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return argError("WithMaxAttempts", "n", "less than 1")
		}
		c.queue.maxAttempts = n
		return nil
	}
}

// WithMaxLen bounds the stream and the dead-letter stream to about n
// entries (default [DefaultMaxLen]; XADD MAXLEN ~). Redis trims the
// oldest entries whether they were handled or not, so n must be far above
// the longest backlog you expect. It must be positive.
func WithMaxLen(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return argError("WithMaxLen", "n", "not positive")
		}
		c.queue.maxLen = n
		return nil
	}
}

// WithBlock sets how long one read of a [Queue] waits for new entries
// (default [DefaultBlock]); it also bounds how long Close takes to stop a
// reading worker. It must be at least a millisecond.
func WithBlock(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Millisecond {
			return argError("WithBlock", "d", "shorter than a millisecond")
		}
		c.queue.block = d
		return nil
	}
}

// WithConcurrency sets how many bodies [Queue.Run] handles at once
// (default [DefaultConcurrency]). It must be at least 1.
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return argError("WithConcurrency", "n", "less than 1")
		}
		c.queue.concurrency = n
		return nil
	}
}

// WithLogger makes a [Queue] log at Debug level: Redis failures it
// retries, bodies that failed, entries reclaimed and dead-lettered (IDs,
// attempt counts and error kinds; never a body or an error's text). The
// default logs nothing. A nil logger is an error.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return argError("WithLogger", "l", "nil logger")
		}
		c.queue.logger = l
		return nil
	}
}
