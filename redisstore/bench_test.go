package redisstore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/redisstore"
	"github.com/channelkit/channelkit/signature"
)

const benchSecret = "bench-channel-secret"

// BenchmarkLINEDeduper runs LINE's webhook handler (synchronous, one
// message event per request, each with a new webhookEventId) three ways,
// interleaved in blocks of 64 requests so that drift on a busy machine
// hits all three alike: without a deduper, with message.MemoryDeduper, and
// with redisstore.Deduper on the test's loopback redis-server. It reports
// each one's µs per request, the Redis deduper's overhead over the
// in-memory one in µs, and the ratio of their times.
func BenchmarkLINEDeduper(b *testing.B) {
	rdb := newClient(b)
	ctx := context.Background()
	info, err := rdb.Info(ctx, "server").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "redis_version:"); ok {
			b.Logf("redis_version %s (loopback, no persistence)", v)
		}
	}
	mem, err := message.NewMemoryDeduper(time.Hour, 1<<20)
	if err != nil {
		b.Fatal(err)
	}
	red, err := redisstore.NewDeduper(rdb, time.Hour, redisstore.WithPrefix(prefix(b)))
	if err != nil {
		b.Fatal(err)
	}
	fn := func(context.Context, *line.Callback) error { return nil }
	handler := func(opts ...line.HandlerOption) http.Handler {
		h, err := line.NewWebhookHandler(signature.MustSecretSet(benchSecret), fn, opts...)
		if err != nil {
			b.Fatal(err)
		}
		return h
	}
	hs := []http.Handler{handler(), handler(line.WithDeduper(mem)), handler(line.WithDeduper(red))}
	serve := func(h http.Handler) {
		r := linetest.NewRequest(b, benchSecret, linetest.TextMessage("U4af4980629a1b2c3d4e5f60718293a4b", "hello"))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
	var took [3]time.Duration
	const block = 64
	b.ReportAllocs()
	for i := 0; i < b.N; i += block {
		for k, h := range hs {
			t0 := time.Now()
			for range block {
				serve(h)
			}
			took[k] += time.Since(t0)
		}
	}
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) / 1e3 }
	b.ReportMetric(us(took[0]), "µs/req-none")
	b.ReportMetric(us(took[1]), "µs/req-memory")
	b.ReportMetric(us(took[2]), "µs/req-redis")
	b.ReportMetric(us(took[2]-took[1]), "µs/req-redis-overhead")
	b.ReportMetric(float64(took[2])/float64(took[1]), "x-memory")
}
