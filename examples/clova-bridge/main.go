// Command clova-bridge connects a LINE bot to a CLOVA Chatbot domain: every
// text a user sends on LINE is asked of the chatbot through its custom API
// (clova.New), and the chatbot's answer — text, images, buttons,
// templates, carousels, quick buttons — is turned into channelkit's neutral
// message model (clova.ToContent) and rendered for LINE (line.Render) as
// the reply (pushed instead if the reply token expired while the chatbot
// was thinking). A postback button the chatbot sent comes back to it when
// tapped, and a new friend gets the chatbot's welcome message. Whatever LINE
// cannot show of an answer is logged from the message.Report, never lost
// silently. This is the messenger linkage CLOVA Chatbot's guides describe,
// done in Go; swap the line package for another messenger's to bridge that
// one instead.
//
// Configuration comes from the environment; the server refuses to start
// and names every required variable that is missing:
//
//	LINE_CHANNEL_SECRET           required: the channel secret shown in the console
//	LINE_CHANNEL_TOKEN            required: a channel access token issued in the console
//	LINE_CHANNEL_SECRET_PREVIOUS  optional: the previous secret, still accepted while you rotate
//	CLOVA_CHATBOT_INVOKE_URL      required: the domain's API Gateway invoke URL (custom API)
//	CLOVA_CHATBOT_SECRET_KEY      required: the domain's custom API secret key
//	ADDR                          optional: listen address (default :8080)
//
// Every webhook's X-Line-Signature is checked with the channel secret; a
// webhook without a valid one is refused with 401 and never reaches the
// chatbot.
//
// Run it locally:
//
//	LINE_CHANNEL_SECRET=… LINE_CHANNEL_TOKEN=… CLOVA_CHATBOT_INVOKE_URL=… \
//	CLOVA_CHATBOT_SECRET_KEY=… go run ./examples/clova-bridge
//
// and enter https://<your host>/line as the webhook URL in the LINE
// Developers Console. LINE calls only HTTPS: put the server behind TLS.
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
		logger.Error("clova-bridge stopped", "err", err)
		os.Exit(1)
	}
}

// run reads the configuration from getenv, builds the bridge and serves it
// until ctx is cancelled.
func run(ctx context.Context, getenv func(string) string, logger *slog.Logger) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	h, err := newBridge(cfg, logger, nil, nil)
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

// loadConfig reads the bridge's settings, reporting every missing required
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
		lineSecrets: []string{need("LINE_CHANNEL_SECRET")},
		lineToken:   need("LINE_CHANNEL_TOKEN"),
		invokeURL:   need("CLOVA_CHATBOT_INVOKE_URL"),
		chatbotKey:  need("CLOVA_CHATBOT_SECRET_KEY"),
	}
	if len(missing) > 0 {
		return config{}, fmt.Errorf("missing environment variables: %s", strings.Join(missing, ", "))
	}
	if prev := getenv("LINE_CHANNEL_SECRET_PREVIOUS"); prev != "" {
		cfg.lineSecrets = append(cfg.lineSecrets, prev)
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
