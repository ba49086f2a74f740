// Command clova-extension is a CLOVA Extensions Kit (CEK) custom extension
// built with channelkit's clova package: a pizza order taken by voice. It
// shows the three request types an extension must handle — a launch ("open
// the pizza shop"), an intent with slots ("two pepperoni pizzas"), and the
// end of the session — and keeps the session open, with a reprompt, while
// it still needs an answer. Every request's SignatureCEK is verified with
// CLOVA's public key, embedded in the clova package.
//
// Configuration comes from the environment; the server refuses to start
// and names every required variable that is missing:
//
//	CLOVA_EXTENSION_ID    required: the extension ID (reverse-domain, e.g. com.example.pizza)
//	CLOVA_PUBLIC_KEY_URL  optional: verify with the PEM key served here instead of the embedded one
//	ADDR                  optional: listen address (default :8080)
//
// The interaction model this extension expects: a custom intent
// OrderPizza with the slots pizzaType (a custom slot type) and count
// (CLOVA.NUMBER), plus the built-in Clova.GuideIntent.
//
// Run it locally:
//
//	CLOVA_EXTENSION_ID=com.example.pizza go run ./examples/clova-extension
//
// and enter https://<your host>/clova as the extension server URL in the
// CLOVA developer console. CEK calls only HTTPS on port 443 (HTTP on port
// 80 while testing): put the server behind TLS.
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
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Getenv, logger)
	stop()
	if err != nil {
		logger.Error("clova-extension stopped", "err", err)
		os.Exit(1)
	}
}

// run reads the configuration from getenv, builds the extension and
// serves it until ctx is cancelled.
func run(ctx context.Context, getenv func(string) string, logger *slog.Logger) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	h, err := newExtension(cfg, logger)
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
	mux.Handle("POST /clova", h)
	return serve(ctx, ln, mux, logger)
}

// loadConfig reads the extension's settings, reporting every missing
// required variable at once.
func loadConfig(getenv func(string) string) (config, error) {
	var missing []string
	cfg := config{
		extensionID: getenv("CLOVA_EXTENSION_ID"),
		keyURL:      getenv("CLOVA_PUBLIC_KEY_URL"),
	}
	if cfg.extensionID == "" {
		missing = append(missing, "CLOVA_EXTENSION_ID")
	}
	if len(missing) > 0 {
		return config{}, fmt.Errorf("missing environment variables: %s", strings.Join(missing, ", "))
	}
	return cfg, nil
}

// serve runs h on ln until ctx is done, then shuts the server down
// gracefully. CEK answers are synchronous: nothing runs after a response.
func serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
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
	logger.Info("stopped")
	return err
}
