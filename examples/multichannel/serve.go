package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"
)

// A platformConfig says which environment variables mount a platform and
// how to build its handler from them.
type platformConfig struct {
	name     string
	path     string
	required []string // all must be set to mount the platform
	optional []string
	mount    func(ctx context.Context, env func(string) string, obs Observer) (http.Handler, func(context.Context) error, error)
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

// mounted is a platform the server serves.
type mounted struct {
	name string
	path string
	wait func(context.Context) error
}

// buildMux mounts every platform whose variables are set. A platform with
// only some of its variables set is an error naming the missing ones; so
// is a configuration that mounts nothing.
func buildMux(ctx context.Context, env func(string) string, obs Observer) (*http.ServeMux, []mounted, error) {
	mux := http.NewServeMux()
	var out []mounted
	var problems []string
	for _, p := range platforms() {
		var set, missing []string
		for _, v := range p.required {
			if env(v) == "" {
				missing = append(missing, v)
			} else {
				set = append(set, v)
			}
		}
		if len(set) == 0 {
			continue // not configured: not mounted
		}
		if len(missing) > 0 {
			problems = append(problems, fmt.Sprintf("%s: set %s (found %s)", p.name, strings.Join(missing, ", "), strings.Join(set, ", ")))
			continue
		}
		h, wait, err := p.mount(ctx, env, obs)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", p.name, err))
			continue
		}
		mux.Handle("POST "+p.path, h)
		out = append(out, mounted{name: p.name, path: p.path, wait: wait})
	}
	if len(problems) > 0 {
		return nil, nil, errors.New("incomplete configuration:\n  " + strings.Join(problems, "\n  "))
	}
	if len(out) == 0 {
		var all []string
		for _, p := range platforms() {
			all = append(all, p.name+": "+strings.Join(p.required, ", "))
		}
		return nil, nil, errors.New("no platform configured; set the variables of at least one:\n  " + strings.Join(all, "\n  "))
	}
	return mux, out, nil
}

// serve runs the real server until ctx is done, then shuts down gracefully.
func serve(ctx context.Context, addr string, stderr io.Writer, env func(string) string) error {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	mux, mounts, err := buildMux(ctx, env, logObserver{log: log})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              addr,
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	for _, m := range mounts {
		log.Info("mounted", "platform", m.name, "path", m.path)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	for _, m := range mounts {
		if m.wait != nil {
			if err := m.wait(shutdown); err != nil {
				log.Warn("background work did not finish", "platform", m.name, "err", err)
			}
		}
	}
	log.Info("stopped")
	return nil
}

// readKey returns a PEM key given inline or, when it names a readable file,
// that file's contents.
func readKey(v string) (string, error) {
	if strings.Contains(v, "-----BEGIN") {
		return v, nil
	}
	b, err := os.ReadFile(v)
	if err != nil {
		return "", fmt.Errorf("private key: not PEM and not a readable file")
	}
	return string(b), nil
}
