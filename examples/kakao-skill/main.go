// Command kakao-skill is a Kakao i Open Builder skill server built with
// channelkit's kakao package: it echoes what the user said, and on blocks
// with the AI-chatbot callback enabled it answers a slow question through
// useCallback — Kakao gets {"useCallback":true} within the 5-second skill
// timeout, and the final answer is POSTed once to the block's one-minute
// callback URL when it is ready.
//
// Configuration comes from the environment; the server refuses to start
// and names every required variable that is missing:
//
//	KAKAO_SKILL_SECRET    required: the value of the header set under "헤더값 입력" in the skill settings
//	KAKAO_SKILL_HEADER    optional: that header's name (default X-Skill-Token)
//	KAKAO_BOT_IDS         optional: comma-separated bot IDs allowed to call the skill
//	KAKAO_CALLBACK_HOSTS  optional: comma-separated host names callback URLs may point to
//	ADDR                  optional: listen address (default :8080)
//
// Run it locally:
//
//	KAKAO_SKILL_SECRET=s3cr3t go run ./examples/kakao-skill
//
// and enter https://<your host>/kakao/skill as the skill URL. Kakao calls
// the skill over the internet: put the server behind TLS (a reverse proxy
// or a load balancer) in production.
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

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/signature"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Getenv, logger)
	stop()
	if err != nil {
		logger.Error("kakao-skill stopped", "err", err)
		os.Exit(1)
	}
}

// run reads the configuration from getenv, builds the skill handler and
// serves it until ctx is cancelled.
func run(ctx context.Context, getenv func(string) string, logger *slog.Logger) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	cfg.think = thinkSlowly
	h, err := newSkillHandler(cfg, logger)
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
	mux.Handle("POST /kakao/skill", h)
	return serve(ctx, ln, mux, logger, h.Wait)
}

// loadConfig reads the skill's settings. It reports every missing required
// variable at once.
func loadConfig(getenv func(string) string) (config, error) {
	var missing []string
	secret := getenv("KAKAO_SKILL_SECRET")
	if secret == "" {
		missing = append(missing, "KAKAO_SKILL_SECRET")
	}
	if len(missing) > 0 {
		return config{}, fmt.Errorf("missing environment variables: %s", strings.Join(missing, ", "))
	}
	secrets, err := signature.NewSecretSet(secret)
	if err != nil {
		return config{}, fmt.Errorf("KAKAO_SKILL_SECRET: %w", err)
	}
	cfg := config{
		header:        getenv("KAKAO_SKILL_HEADER"),
		secrets:       secrets,
		botIDs:        splitList(getenv("KAKAO_BOT_IDS")),
		callbackHosts: splitList(getenv("KAKAO_CALLBACK_HOSTS")),
	}
	if cfg.header == "" {
		cfg.header = kakao.DefaultSecretHeader
	}
	return cfg, nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// serve runs h on ln until ctx is done, then shuts the server down
// gracefully and calls drain to let background work finish.
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
	// Answers promised through useCallback are still being worked on;
	// each ends at the latest when its callback URL expires, a minute
	// after its request. Give them that long (and make sure your process
	// manager's stop timeout does too).
	drainCtx, cancelDrain := context.WithTimeout(context.Background(), kakao.CallbackValidity)
	defer cancelDrain()
	if derr := drain(drainCtx); derr != nil {
		err = errors.Join(err, fmt.Errorf("pending callbacks: %w", derr))
	}
	logger.Info("stopped")
	return err
}
