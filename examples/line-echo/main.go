// Command line-echo is a LINE Messaging API bot built with channelkit's
// line package: it echoes every text back with the event's reply token.
// It shows the webhook settings a production LINE bot wants: the
// X-Line-Signature check with a rotatable channel secret, an answer to
// LINE within its 2-second window while the reply is sent in the
// background (line.WithAsync), redelivered events handled once
// (line.WithDeduper with message.NewMemoryDeduper), and a push when a
// reply token has expired.
//
// Configuration comes from the environment; the server refuses to start
// and names every required variable that is missing:
//
//	LINE_CHANNEL_SECRET           required: the channel secret shown in the console
//	LINE_CHANNEL_TOKEN            a channel access token issued in the console, or instead:
//	LINE_CHANNEL_ID               the channel ID, with
//	LINE_ASSERTION_KID            the kid the console gave the assertion key's public half, and
//	LINE_ASSERTION_KEY            the assertion key's private JWK (or PEM): tokens then renew themselves
//	LINE_CHANNEL_SECRET_PREVIOUS  optional: the previous secret, still accepted while you rotate
//	ADDR                          optional: listen address (default :8080)
//
// At start-up the bot makes its rich menu the default. The menu is created
// once and named by an alias; later starts find it by the alias and create
// nothing.
//
// Run it locally:
//
//	LINE_CHANNEL_SECRET=… LINE_CHANNEL_TOKEN=… go run ./examples/line-echo
//
// and enter https://<your host>/line as the webhook URL in the LINE
// Developers Console ("Webhook redelivery" is safe to turn on: duplicates
// are dropped). LINE calls only HTTPS: put the server behind TLS.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/channelkit/channelkit/line"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Getenv, logger)
	stop()
	if err != nil {
		logger.Error("line-echo stopped", "err", err)
		os.Exit(1)
	}
}

// run reads the configuration from getenv, builds the bot and serves it
// until ctx is cancelled.
func run(ctx context.Context, getenv func(string) string, logger *slog.Logger) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	client, err := newClient(cfg, logger, nil)
	if err != nil {
		return err
	}
	if _, err := ensureRichMenu(ctx, client); err != nil {
		return fmt.Errorf("setting up the rich menu: %w", err)
	}
	h, err := newHandler(cfg, client, logger)
	if err != nil {
		return err
	}
	addr := getenv("ADDR")
	if addr == "" {
		addr = ":8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /line", h)
	return serve(ctx, ln, mux, logger, h.Wait)
}

// loadConfig reads the bot's settings, reporting every missing required
// variable at once.
func loadConfig(getenv func(string) string) (config, error) {
	var missing []string
	need := func(name string) string {
		v := getenv(name)
		if v == "" {
			missing = append(missing, name)
		}
		return v
	}
	cfg := config{
		secrets: []string{need("LINE_CHANNEL_SECRET")},
		token:   getenv("LINE_CHANNEL_TOKEN"),
	}
	if cfg.token == "" {
		cfg.creds = line.Credentials{
			ChannelID:     getenv("LINE_CHANNEL_ID"),
			ChannelSecret: getenv("LINE_CHANNEL_SECRET"),
			KeyID:         getenv("LINE_ASSERTION_KID"),
			PrivateKey:    getenv("LINE_ASSERTION_KEY"),
		}
		if cfg.creds.ChannelID == "" || cfg.creds.KeyID == "" || cfg.creds.PrivateKey == "" {
			missing = append(missing, "LINE_CHANNEL_TOKEN (or LINE_CHANNEL_ID, LINE_ASSERTION_KID and LINE_ASSERTION_KEY)")
		}
	}
	if len(missing) > 0 {
		return config{}, fmt.Errorf("missing environment variables: %s", strings.Join(missing, ", "))
	}
	if prev := getenv("LINE_CHANNEL_SECRET_PREVIOUS"); prev != "" {
		cfg.secrets = append(cfg.secrets, prev)
	}
	return cfg, nil
}

// serve runs h on ln until ctx is done, then shuts the server down
// gracefully and calls drain to let the replies in progress finish.
func serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger, drain func(context.Context) error) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("serving", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	if derr := drain(shutdownCtx); derr != nil {
		err = errors.Join(err, derr)
	}
	logger.Info("stopped")
	return err
}
