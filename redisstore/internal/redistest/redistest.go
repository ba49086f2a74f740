// Package redistest starts a redis-server of its own for a test: on a
// free loopback port, in a temporary directory, without persistence,
// stopped when the test ends. Without a redis-server binary the test is
// skipped, except when the CI variable is set, where it fails.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Start starts a redis-server for tb and returns its URL
// (redis://127.0.0.1:<port>/0).
func Start(tb testing.TB) string {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatal("redistest: CI is set and no redis-server binary was found (apt-get install redis-server)")
		}
		tb.Skip("redistest: no redis-server binary found (install it: apt-get install redis-server)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var out strings.Builder
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tb.TempDir())
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		tb.Fatalf("redistest: starting redis-server: %v", err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for rdb.Ping(ctx).Err() != nil {
		select {
		case <-ctx.Done():
			tb.Fatalf("redistest: redis-server on %s did not answer within 10s: %s", addr, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Sprintf("redis://%s/0", addr)
}
