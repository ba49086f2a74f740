package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/talktalk"
)

// A platformConfig says which environment variables configure a platform
// and how to build its handler from them.
type platformConfig struct {
	name string
	// pattern is where the platform is served (after "POST ").
	pattern string
	// required lists what must be set to serve the platform: for each
	// entry, one of its variables. The platform's defence (a secret, a
	// path token, a signing key) is among them: a platform is never served
	// without it.
	required [][]string
	optional []string
	mount    func(ctx context.Context, s setup) (http.Handler, func(context.Context) error, error)
}

// setup is what a platform's handler is built from.
type setup struct {
	env func(string) string
	// bot answers on every platform; mw wraps it (message.Observe, say),
	// inside any middleware of the platform's own.
	bot message.Handler
	mw  []message.Middleware
	// failed is told about every request a platform's handler refused (a
	// missing or wrong credential: a secret, a signature, a path token) or
	// could not answer, and every reply it could not deliver. err never
	// holds a secret or the request body.
	failed func(p message.Platform, r *http.Request, err error)

	// The demo points the clients, and CLOVA's verification key, at its
	// in-process fakes, and gives Kakao a callback; the server leaves
	// these empty.
	line            []line.Option
	kakao           []kakao.HandlerOption
	talktalk        []talktalk.Option
	naverworksToken []naverworks.TokenOption
	naverworks      []naverworks.Option
	clova           []clova.HandlerOption
}

// handler returns the bot wrapped by first, then by s.mw.
func (s setup) handler(first ...message.Middleware) message.Handler {
	return message.Chain(s.bot, append(first, s.mw...)...)
}

// onError returns p's error handler.
func (s setup) onError(p message.Platform) func(*http.Request, error) {
	return func(r *http.Request, err error) { s.failed(p, r, err) }
}

// platforms lists every platform the server can mount, in order.
func platforms() []platformConfig {
	return []platformConfig{
		lineConfig(),
		kakaoConfig(),
		talktalkConfig(),
		naverworksConfig(),
		clovaConfig(),
	}
}

// errNotConfigured says the environment sets none of a platform's
// variables.
var errNotConfigured = errors.New("not configured")

// build checks p's variables in s.env and builds its handler. It returns
// errNotConfigured when none of them is set, and an error naming the
// missing ones (never showing a value) when only some are.
func (p platformConfig) build(ctx context.Context, s setup) (http.Handler, func(context.Context) error, error) {
	var set, missing []string
	for _, alternatives := range p.required {
		found := false
		for _, v := range alternatives {
			if s.env(v) != "" {
				set, found = append(set, v), true
			}
		}
		if !found {
			missing = append(missing, strings.Join(alternatives, " or "))
		}
	}
	for _, v := range p.optional {
		if s.env(v) != "" {
			set = append(set, v)
		}
	}
	if len(set) == 0 {
		return nil, nil, errNotConfigured
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("set %s (found %s)", strings.Join(missing, ", "), strings.Join(set, ", "))
	}
	return p.mount(ctx, s)
}

// requiredNames lists p's required variables for a message.
func (p platformConfig) requiredNames() string {
	var names []string
	for _, alternatives := range p.required {
		names = append(names, strings.Join(alternatives, " or "))
	}
	return strings.Join(names, ", ")
}

// mounted is a platform the server serves.
type mounted struct {
	name    string
	pattern string
	wait    func(context.Context) error
}

// buildMux mounts every platform whose variables are set. A platform with
// only some of its variables set is an error naming the missing ones; so
// is a configuration that mounts nothing.
func buildMux(ctx context.Context, env func(string) string, logger *slog.Logger) (*http.ServeMux, []mounted, error) {
	s := setup{
		env: env,
		bot: NewBot(slowAnswer),
		mw:  []message.Middleware{message.Observe(message.SlogObserver(logger))},
		failed: func(p message.Platform, r *http.Request, err error) {
			logger.ErrorContext(r.Context(), "webhook failed", "platform", p, "err", err)
		},
	}
	mux := http.NewServeMux()
	var out []mounted
	var problems []string
	for _, p := range platforms() {
		h, wait, err := p.build(ctx, s)
		if errors.Is(err, errNotConfigured) {
			continue
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", p.name, err))
			continue
		}
		mux.Handle("POST "+p.pattern, h)
		out = append(out, mounted{name: p.name, pattern: p.pattern, wait: wait})
	}
	if len(problems) > 0 {
		return nil, nil, errors.New("incomplete configuration:\n  " + strings.Join(problems, "\n  "))
	}
	if len(out) == 0 {
		var all []string
		for _, p := range platforms() {
			all = append(all, p.name+": "+p.requiredNames())
		}
		return nil, nil, errors.New("no platform configured; set the variables of at least one:\n  " + strings.Join(all, "\n  "))
	}
	return mux, out, nil
}

// slowAnswer is how long the bot takes to answer "slow" on the server:
// within every platform's timeout, and answered synchronously by Kakao,
// whose callbacks the server does not enable.
const slowAnswer = 2 * time.Second

// serveEnv builds the server from env and serves it on ADDR (default
// :8080) until ctx is done.
func serveEnv(ctx context.Context, env func(string) string, logger *slog.Logger) error {
	mux, mounts, err := buildMux(ctx, env, logger)
	if err != nil {
		return err
	}
	addr := env("ADDR")
	if addr == "" {
		addr = ":8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	for _, m := range mounts {
		logger.Info("mounted", "platform", m.name, "path", m.pattern)
	}
	return serve(ctx, ln, mux, logger, mounts)
}

// serve runs h on ln until ctx is done, then shuts the server down
// gracefully and waits for the platforms' background work.
func serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger, mounts []mounted) error {
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
	// Background work (TalkTalk's late replies, NAVER WORKS callbacks)
	// ends within the handlers' 30-second timeouts; wait a little longer
	// than that.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 35*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	for _, m := range mounts {
		if m.wait == nil {
			continue
		}
		if werr := m.wait(shutdownCtx); werr != nil {
			err = errors.Join(err, fmt.Errorf("%s: background work: %w", m.name, werr))
		}
	}
	logger.Info("stopped")
	return err
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
