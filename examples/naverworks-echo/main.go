// Command naverworks-echo is a NAVER WORKS bot built with channelkit's
// naverworks package: it verifies each callback's X-WORKS-Signature, echoes
// text back to the user or room it came from, and authenticates its sends
// with a Service Account (an RS256 JWT exchanged for an access token, cached
// and refreshed by naverworks.TokenSource).
//
// Configuration comes from the environment; the server refuses to start
// and names every required variable that is missing:
//
//	NAVERWORKS_CLIENT_ID          required: the app's Client ID
//	NAVERWORKS_CLIENT_SECRET      required: the app's Client Secret
//	NAVERWORKS_SERVICE_ACCOUNT    required: the Service Account ID (xxxxx.serviceaccount@domain)
//	NAVERWORKS_PRIVATE_KEY        the Service Account's private key (PEM), or
//	NAVERWORKS_PRIVATE_KEY_FILE   a path to it; exactly one is required
//	NAVERWORKS_BOT_ID             required: the bot's ID
//	NAVERWORKS_BOT_SECRET         required: the Bot Secret that signs callbacks
//	NAVERWORKS_SCOPES             optional: space- or comma-separated scopes (default "bot")
//	ADDR                          optional: listen address (default :8080)
//
// Run it locally:
//
//	NAVERWORKS_CLIENT_ID=… NAVERWORKS_CLIENT_SECRET=… NAVERWORKS_SERVICE_ACCOUNT=… \
//	NAVERWORKS_PRIVATE_KEY_FILE=private.key NAVERWORKS_BOT_ID=… NAVERWORKS_BOT_SECRET=… \
//	go run ./examples/naverworks-echo
//
// and register https://<your host>/naverworks/callback as the bot's
// Callback URL. NAVER WORKS refuses self-signed certificates: put the
// server behind TLS with a certificate from a public CA.
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

	"github.com/channelkit/channelkit/naverworks"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Getenv, logger)
	stop()
	if err != nil {
		logger.Error("naverworks-echo stopped", "err", err)
		os.Exit(1)
	}
}

// run reads the configuration from getenv, builds the bot and serves it
// until ctx is cancelled.
func run(ctx context.Context, getenv func(string) string, logger *slog.Logger) error {
	cfg, err := loadConfig(getenv, os.ReadFile)
	if err != nil {
		return err
	}
	h, err := newBot(cfg, logger, nil, nil)
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
	mux.Handle("POST /naverworks/callback", h)
	return serve(ctx, ln, mux, logger, h.Wait)
}

// loadConfig reads the bot's settings, reporting every missing required
// variable at once. readFile reads NAVERWORKS_PRIVATE_KEY_FILE.
func loadConfig(getenv func(string) string, readFile func(string) ([]byte, error)) (config, error) {
	var missing []string
	need := func(name string) string {
		v := getenv(name)
		if v == "" {
			missing = append(missing, name)
		}
		return v
	}
	cfg := config{
		creds: naverworks.Credentials{
			ClientID:       need("NAVERWORKS_CLIENT_ID"),
			ClientSecret:   need("NAVERWORKS_CLIENT_SECRET"),
			ServiceAccount: need("NAVERWORKS_SERVICE_ACCOUNT"),
			Scopes:         strings.Fields(strings.ReplaceAll(getenv("NAVERWORKS_SCOPES"), ",", " ")),
		},
		botID:     need("NAVERWORKS_BOT_ID"),
		botSecret: need("NAVERWORKS_BOT_SECRET"),
	}
	key, keyFile := getenv("NAVERWORKS_PRIVATE_KEY"), getenv("NAVERWORKS_PRIVATE_KEY_FILE")
	switch {
	case key != "" && keyFile != "":
		return config{}, errors.New("set only one of NAVERWORKS_PRIVATE_KEY and NAVERWORKS_PRIVATE_KEY_FILE")
	case key == "" && keyFile == "":
		missing = append(missing, "NAVERWORKS_PRIVATE_KEY (or NAVERWORKS_PRIVATE_KEY_FILE)")
	}
	if len(missing) > 0 {
		return config{}, fmt.Errorf("missing environment variables: %s", strings.Join(missing, ", "))
	}
	if keyFile != "" {
		pem, err := readFile(keyFile)
		if err != nil {
			return config{}, fmt.Errorf("NAVERWORKS_PRIVATE_KEY_FILE: %w", err)
		}
		key = string(pem)
	}
	cfg.creds.PrivateKey = key
	if len(cfg.creds.Scopes) == 0 {
		cfg.creds.Scopes = []string{"bot"}
	}
	return cfg, nil
}

// serve runs h on ln until ctx is done, then shuts the server down
// gracefully and lets drain finish the callbacks still being handled.
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
	// The handler's background work is bounded by its work timeout
	// (30 s by default); wait a little longer than that.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 35*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	err = errors.Join(err, drain(shutdownCtx))
	logger.Info("stopped")
	return err
}
