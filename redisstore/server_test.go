package redisstore_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisAddr is the address of the redis-server TestMain started, or ""
// when there is none (skipReason says why).
var (
	redisAddr  string
	skipReason string
)

// TestMain starts a redis-server of its own on a free loopback port, with
// a temporary directory and no persistence, for the whole package, and
// stops it after. Without a redis-server binary the tests that need it
// skip, except under CI (the CI variable set), where that is a failure.
func TestMain(m *testing.M) {
	stop, err := startRedis()
	if err != nil {
		if os.Getenv("CI") != "" {
			fmt.Fprintf(os.Stderr, "redisstore: CI is set and %v\n", err)
			os.Exit(1)
		}
		skipReason = err.Error()
	}
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

func startRedis() (stop func(), err error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("no redis-server binary found (install it: apt-get install redis-server)")
	}
	dir, err := os.MkdirTemp("", "redisstore-test-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting redis-server: %w", err)
	}
	stop = func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		os.RemoveAll(dir)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		if err := rdb.Ping(ctx).Err(); err == nil {
			break
		}
		select {
		case <-ctx.Done():
			stop()
			return nil, fmt.Errorf("redis-server on %s did not answer within 10s: %s", addr, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	redisAddr = addr
	return stop, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// newClient returns a client of the test server (one per "replica"),
// closed when tb ends, or skips tb when there is no server.
func newClient(tb testing.TB) *redis.Client {
	tb.Helper()
	if redisAddr == "" {
		tb.Skipf("redisstore: %s", skipReason)
	}
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr, ContextTimeoutEnabled: true})
	tb.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

var (
	prefixMu sync.Mutex
	prefixes = map[testing.TB]string{}
	runs     int
)

// prefix is a key namespace of tb's own, the same on every call within
// tb, so that tests run in parallel and again with -count on one server.
func prefix(tb testing.TB) string {
	prefixMu.Lock()
	defer prefixMu.Unlock()
	p, ok := prefixes[tb]
	if !ok {
		runs++
		p = fmt.Sprintf("test:%d:%s", runs, strings.NewReplacer("{", "(", "}", ")").Replace(tb.Name()))
		prefixes[tb] = p
	}
	return p
}

// until polls cond every 5 ms for at most 5 s: for waiting on Redis's own
// clock (a key expiring), never as a timing assertion.
func until(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	untilWithin(tb, 5*time.Second, what, cond)
}

// untilWithin is until with a bound of its own, for work that waits on
// real visibility timeouts.
func untilWithin(tb testing.TB, bound time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not within %v", what, bound)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
