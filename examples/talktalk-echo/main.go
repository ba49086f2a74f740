// Command talktalk-echo is a NAVER TalkTalk chatbot built with channelkit's
// talktalk package: it echoes text in the webhook response itself (the
// synchronous reply), greets users who open the chat, and hands the
// conversation over to a human agent when the user asks for one
// ("상담원"). While the agent holds the thread the bot stays silent; when
// the agent passes it back, the bot says it is back.
//
// TalkTalk signs nothing, so the handler admits only TalkTalk's published
// address ranges and requires a secret token as the last segment of the
// webhook URL.
//
// Configuration comes from the environment; the server refuses to start
// and names every required variable that is missing:
//
//	TALKTALK_AUTHORIZATION_KEY  required: the send API key (Partner Center, 보내기 API)
//	TALKTALK_PATH_TOKEN         required: a random secret; the webhook URL ends in it
//	TALKTALK_PATH_TOKEN_PREVIOUS  optional: the previous path token, still accepted while you rotate
//	TALKTALK_TRUSTED_PROXIES    optional: comma-separated CIDRs of your load balancer or reverse proxy,
//	                            whose X-Forwarded-For is then believed
//	ADDR                        optional: listen address (default :8080)
//
// Run it locally:
//
//	TALKTALK_AUTHORIZATION_KEY=… TALKTALK_PATH_TOKEN=$(openssl rand -hex 16) \
//	go run ./examples/talktalk-echo
//
// and enter https://<your host>/talktalk/<TALKTALK_PATH_TOKEN> as the
// webhook URL in Partner Center (개발자도구 → 챗봇API 설정), with the echo
// and handover events selected and the hand-over API switched on.
// TalkTalk requires HTTPS with a certificate from a widely trusted CA.
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
		logger.Error("talktalk-echo stopped", "err", err)
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
	h, err := newBot(cfg, logger, nil)
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
	mux.Handle("POST /talktalk/", h)
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
		authorizationKey: need("TALKTALK_AUTHORIZATION_KEY"),
		pathTokens:       []string{need("TALKTALK_PATH_TOKEN")},
	}
	if len(missing) > 0 {
		return config{}, fmt.Errorf("missing environment variables: %s", strings.Join(missing, ", "))
	}
	if prev := getenv("TALKTALK_PATH_TOKEN_PREVIOUS"); prev != "" {
		cfg.pathTokens = append(cfg.pathTokens, prev)
	}
	// The handler cannot see inside its token set, so a token with a slash,
	// which no request path would match, is refused here.
	if strings.Contains(cfg.pathTokens[0], "/") {
		return config{}, errors.New("TALKTALK_PATH_TOKEN: must be one path segment, without a slash")
	}
	if len(cfg.pathTokens) > 1 && strings.Contains(cfg.pathTokens[1], "/") {
		return config{}, errors.New("TALKTALK_PATH_TOKEN_PREVIOUS: must be one path segment, without a slash")
	}
	for _, p := range strings.Split(getenv("TALKTALK_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			cfg.trustedProxies = append(cfg.trustedProxies, p)
		}
	}
	return cfg, nil
}

// serve runs h on ln until ctx is done, then shuts the server down
// gracefully and lets drain finish the callbacks that outran the webhook
// budget.
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
	// Functions that outlived the webhook budget end within the handler's
	// work timeout (talktalk.DefaultWorkTimeout, 30 s); wait a little
	// longer than that.
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
