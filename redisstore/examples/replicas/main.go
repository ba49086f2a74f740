// Command replicas is a LINE (and, when configured, NAVER WORKS) bot made
// to run as many replicas behind a load balancer. With REDIS_URL set, the
// replicas share one Redis through redisstore:
//
//   - LINE events are acknowledged through a durable queue
//     (line.WithQueue on a redisstore.Queue): the verified body is stored
//     in a Redis stream before LINE gets its 200, and this process's
//     worker (any replica's) hands it back to the bot, so an acknowledged
//     event survives a crash or a deploy;
//   - redeliveries are handled once, whichever replica they reach
//     (redisstore.Deduper, whose claims let a dead worker's events be
//     handled by another);
//   - each conversation's state lives in Redis, locked while one replica
//     answers it (redisstore.State with message.Conversations);
//   - the NAVER WORKS access token is fetched once for the whole fleet
//     (redisstore.TokenSource around naverworks.TokenSource).
//
// Without REDIS_URL it runs alone, in process: line.WithAsync,
// message.NewMemoryDeduper, message.NewMemoryState and the token source
// by itself.
//
// The bot counts the messages of each conversation and echoes them:
// "#3: hello". The count is the shared state: with Redis, every replica
// sees the same count.
//
// Configuration (the names of examples/README.md):
//
//	REDIS_URL                   optional: redis://[user:password@]host:port/db; without it, in process
//	LINE_CHANNEL_SECRET         required: verifies X-Line-Signature
//	LINE_CHANNEL_TOKEN          required: a channel access token
//	NAVERWORKS_CLIENT_ID        NAVER WORKS, all of these or none:
//	NAVERWORKS_CLIENT_SECRET
//	NAVERWORKS_SERVICE_ACCOUNT
//	NAVERWORKS_PRIVATE_KEY      the Service Account's private key (PEM)
//	NAVERWORKS_BOT_ID
//	NAVERWORKS_BOT_SECRET
//	ADDR                        optional: listen address (default :8080)
//
// It lives in the redisstore module, not in the core module's examples/:
// the core module does not depend on go-redis, and redisstore depends on
// the core module, so only a module that requires redisstore can wire it.
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
		logger.Error("replicas stopped", "err", err)
		os.Exit(1)
	}
}

// run reads the configuration from getenv, builds the app and serves it
// until ctx is cancelled.
func run(ctx context.Context, getenv func(string) string, logger *slog.Logger) (err error) {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, logger, fakes{})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.close()) }()
	addr := getenv("ADDR")
	if addr == "" {
		addr = ":8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return serve(ctx, ln, a, logger)
}

// config is the environment, read once.
type config struct {
	redisURL   string
	lineSecret string
	lineToken  string
	nw         *naverworksConfig // nil: no NAVER WORKS
}

type naverworksConfig struct {
	clientID, clientSecret, serviceAccount, privateKey string
	botID, botSecret                                   string
}

// loadConfig names every missing variable at once, never a value.
func loadConfig(getenv func(string) string) (config, error) {
	var missing []string
	need := func(name string) string {
		v := getenv(name)
		if v == "" {
			missing = append(missing, name)
		}
		return v
	}
	cfg := config{redisURL: getenv("REDIS_URL"), lineSecret: need("LINE_CHANNEL_SECRET"), lineToken: need("LINE_CHANNEL_TOKEN")}
	nwNames := []string{"NAVERWORKS_CLIENT_ID", "NAVERWORKS_CLIENT_SECRET", "NAVERWORKS_SERVICE_ACCOUNT", "NAVERWORKS_PRIVATE_KEY", "NAVERWORKS_BOT_ID", "NAVERWORKS_BOT_SECRET"}
	some := false
	for _, n := range nwNames {
		some = some || getenv(n) != ""
	}
	if some {
		v := make([]string, len(nwNames))
		for i, n := range nwNames {
			v[i] = need(n)
		}
		cfg.nw = &naverworksConfig{clientID: v[0], clientSecret: v[1], serviceAccount: v[2], privateKey: v[3], botID: v[4], botSecret: v[5]}
	}
	if len(missing) > 0 {
		return config{}, fmt.Errorf("missing environment variables: %s", strings.Join(missing, ", "))
	}
	return cfg, nil
}

// serve runs a on ln until ctx is done, then shuts down gracefully: the
// server stops taking requests, the queue's worker stops taking bodies and
// finishes those it holds, and the handlers finish their work.
func serve(ctx context.Context, ln net.Listener, a *app, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           a.mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("serving", "addr", ln.Addr().String(), "redis", a.redis)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	if derr := a.drain(shutdownCtx); derr != nil {
		err = errors.Join(err, derr)
	}
	logger.Info("stopped")
	return err
}
