package line_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// TestOptionsRefuseBadValues: every constructor argument and every
// option's bad value is an *ArgumentError wrapping ErrInvalid, returned by
// the constructor, naming the function and the argument ("line: WithLogger:
// l: nil logger") and never quoting the value.
func TestOptionsRefuseBadValues(t *testing.T) {
	t.Parallel()
	secrets := signature.MustSecretSet(secret)
	fn := func(context.Context, *line.Callback) error { return nil }
	h := message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
	cl, err := line.New("tok")
	if err != nil {
		t.Fatal(err)
	}
	newClient := func(opts ...line.Option) func() error {
		return func() error { _, err := line.New("tok", opts...); return err }
	}
	newHandler := func(opts ...line.HandlerOption) func() error {
		return func() error { _, err := line.NewWebhookHandler(secrets, fn, opts...); return err }
	}
	newBot := func(opts ...line.HandlerOption) func() error {
		opts = append([]line.HandlerOption{line.WithClient(cl)}, opts...)
		return func() error { _, err := line.NewBotHandler(secrets, h, opts...); return err }
	}
	const password = "hunter2"
	tests := []struct {
		name    string
		call    func() error
		fn, arg string
	}{
		// New and the client options.
		{"New: empty token", func() error { _, err := line.New(""); return err }, "New", "channelToken"},
		{"New: nil option", newClient(nil), "New", "opts"},
		{"New: nil logger", newClient(line.WithLogger(nil)), "WithLogger", "l"},
		{"New: nil error handler", newClient(line.WithErrorHandler(nil)), "WithErrorHandler", "fn"},
		{"nil HTTP client", newClient(line.WithHTTPClient(nil)), "WithHTTPClient", "c"},
		{"relative base URL", newClient(line.WithBaseURL("/v2")), "WithBaseURL", "base"},
		{"ftp base URL", newClient(line.WithBaseURL("ftp://example.com")), "WithBaseURL", "base"},
		{"base URL that does not parse", newClient(line.WithBaseURL("http://bot:" + password + "@[::1")), "WithBaseURL", "base"},
		{"relative data base URL", newClient(line.WithDataBaseURL("/v2")), "WithDataBaseURL", "base"},
		{"data base URL that does not parse", newClient(line.WithDataBaseURL("https://bot:" + password + "@api-data.line.me:port/")), "WithDataBaseURL", "base"},
		{"negative attempts", newClient(line.WithRetry(-1, 0, 0)), "WithRetry", "maxAttempts"},
		{"negative base delay", newClient(line.WithRetry(3, -time.Second, time.Second)), "WithRetry", "baseDelay"},
		{"negative max delay", newClient(line.WithRetry(3, time.Second, -time.Second)), "WithRetry", "maxDelay"},
		{"retries without delay", newClient(line.WithRetry(3, 0, time.Second)), "WithRetry", "baseDelay"},
		{"empty user agent", newClient(line.WithUserAgent("")), "WithUserAgent", "ua"},
		// NewWebhookHandler and the handler options.
		{"NewWebhookHandler: no secret", func() error { _, err := line.NewWebhookHandler(signature.SecretSet{}, fn); return err }, "NewWebhookHandler", "secrets"},
		{"NewWebhookHandler: nil function", func() error { _, err := line.NewWebhookHandler(secrets, nil); return err }, "NewWebhookHandler", "fn"},
		{"NewWebhookHandler: nil option", newHandler(nil), "NewWebhookHandler", "opts"},
		{"NewWebhookHandler: nil logger", newHandler(line.WithLogger(nil)), "WithLogger", "l"},
		{"NewWebhookHandler: nil error handler", newHandler(line.WithErrorHandler(nil)), "WithErrorHandler", "fn"},
		{"zero body limit", newHandler(line.WithMaxBodyBytes(0)), "WithMaxBodyBytes", "n"},
		{"negative body limit", newHandler(line.WithMaxBodyBytes(-1)), "WithMaxBodyBytes", "n"},
		{"zero in flight", newHandler(line.WithMaxInFlight(0)), "WithMaxInFlight", "n"},
		{"negative in flight", newHandler(line.WithMaxInFlight(-1)), "WithMaxInFlight", "n"},
		{"nil deduper", newHandler(line.WithDeduper(nil)), "WithDeduper", "d"},
		{"zero work timeout", newHandler(line.WithWorkTimeout(0)), "WithWorkTimeout", "d"},
		{"negative work timeout", newHandler(line.WithWorkTimeout(-time.Second)), "WithWorkTimeout", "d"},
		{"NewWebhookHandler: WithClient", newHandler(line.WithClient(cl)), "NewWebhookHandler", "opts"},
		{"NewWebhookHandler: WithRenderOptions", newHandler(line.WithRenderOptions(message.RenderOptions{})), "NewWebhookHandler", "opts"},
		{"NewWebhookHandler: WithPushFallback", newHandler(line.WithPushFallback()), "NewWebhookHandler", "opts"},
		// NewBotHandler and its own options.
		{"NewBotHandler: no secret", func() error { _, err := line.NewBotHandler(signature.SecretSet{}, h, line.WithClient(cl)); return err }, "NewBotHandler", "secrets"},
		{"NewBotHandler: nil handler", func() error { _, err := line.NewBotHandler(secrets, nil, line.WithClient(cl)); return err }, "NewBotHandler", "h"},
		{"NewBotHandler: no client", func() error { _, err := line.NewBotHandler(secrets, h); return err }, "NewBotHandler", "opts"},
		{"NewBotHandler: nil option", newBot(nil), "NewBotHandler", "opts"},
		{"nil client", newBot(line.WithClient(nil)), "WithClient", "cl"},
		{"NewBotHandler: zero work timeout", newBot(line.WithWorkTimeout(0)), "WithWorkTimeout", "d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call()
			var ae *line.ArgumentError
			if !errors.As(err, &ae) || !errors.Is(err, line.ErrInvalid) {
				t.Fatalf("err = %v; want an *ArgumentError wrapping ErrInvalid", err)
			}
			if ae.Pkg != "line" || ae.Func != tt.fn || ae.Arg != tt.arg || ae.Reason == "" {
				t.Errorf("ArgumentError = %+v; want line's, for %s's %s", ae, tt.fn, tt.arg)
			}
			if want := "line: " + tt.fn + ": " + tt.arg + ": "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q does not start with %q", err, want)
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("error %q quotes the URL", err)
			}
		})
	}

	// The good values are taken, the shared options by both constructors.
	logger := slog.New(slog.DiscardHandler)
	onErr := func(*http.Request, error) {}
	if _, err := line.New("tok", line.WithLogger(logger), line.WithErrorHandler(onErr), line.WithHTTPClient(&http.Client{}),
		line.WithBaseURL("https://api.example/"), line.WithDataBaseURL("https://data.example/"), line.WithRetry(1, 0, 0), line.WithUserAgent("bot/1")); err != nil {
		t.Errorf("New with valid options: %v", err)
	}
	d, err := message.NewMemoryDeduper(time.Hour, 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := line.NewWebhookHandler(secrets, fn, line.WithLogger(logger), line.WithErrorHandler(onErr), line.WithAsync(),
		line.WithMaxInFlight(8), line.WithMaxBodyBytes(1<<10), line.WithDeduper(d), line.WithWorkTimeout(time.Minute)); err != nil {
		t.Errorf("NewWebhookHandler with valid options: %v", err)
	}
	if _, err := line.NewBotHandler(secrets, h, line.WithClient(cl), line.WithLogger(logger), line.WithWorkTimeout(time.Minute),
		line.WithRenderOptions(message.RenderOptions{}), line.WithPushFallback()); err != nil {
		t.Errorf("NewBotHandler with valid options: %v", err)
	}
}
