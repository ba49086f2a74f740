package redisstore_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/benchpair"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/redisstore"
	"github.com/channelkit/channelkit/signature"
	"github.com/redis/go-redis/v9"
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

// BenchmarkLINEQueue compares, at concurrency 32, LINE's end-to-end path
// from request to bot two ways, alternated batch by batch with
// benchpair.Medians: in process (WithAsync, message.MemoryDeduper) and
// through the durable queue (WithQueue on a redisstore.Queue, one worker
// of concurrency 32, redisstore.Deduper claims) on the test's loopback
// redis-server. One call is a batch of 256 signed one-event requests sent
// by 32 goroutines, timed until the bot has handled all 256 events. It
// reports each side's median batch time, events/s, and the ratio (queue
// over in-process).
func BenchmarkLINEQueue(b *testing.B) {
	rdb := newClient(b)
	ctx := b.Context()
	logRedisVersion(b, rdb)
	const batch, conc = 256, 32
	var (
		wg  sync.WaitGroup
		seq atomic.Int64
	)
	// A benchmark function runs more than once with the same prefix: the
	// event IDs of each run are new, or the Redis deduper drops them.
	seq.Store(time.Now().UnixNano() % 1e15 * 1000)
	fn := func(_ context.Context, cb *line.Callback) error {
		for range cb.Events {
			wg.Done()
		}
		return nil
	}
	mem, err := message.NewMemoryDeduper(time.Hour, 1<<20)
	if err != nil {
		b.Fatal(err)
	}
	async, err := line.NewWebhookHandler(signature.MustSecretSet(benchSecret), fn, line.WithAsync(), line.WithDeduper(mem))
	if err != nil {
		b.Fatal(err)
	}
	d, err := redisstore.NewDeduper(rdb, time.Hour, redisstore.WithPrefix(prefix(b)))
	if err != nil {
		b.Fatal(err)
	}
	q, err := redisstore.NewQueue(rdb, "bench", redisstore.WithPrefix(prefix(b)), redisstore.WithConcurrency(conc))
	if err != nil {
		b.Fatal(err)
	}
	queued, err := line.NewWebhookHandler(signature.MustSecretSet(benchSecret), fn, line.WithQueue(q), line.WithDeduper(d))
	if err != nil {
		b.Fatal(err)
	}
	done := runQueue(ctx, q, queued.HandleQueued)
	defer func() {
		q.Close()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	run := func(h http.Handler) func() {
		return func() {
			wg.Add(batch)
			var next atomic.Int64
			var senders sync.WaitGroup
			for range conc {
				senders.Add(1)
				go func() {
					defer senders.Done()
					for next.Add(1) <= batch {
						n := seq.Add(1)
						body := fmt.Appendf(nil, `{"destination":"U00000000000000000000000000000000","events":[{"type":"message",`+
							`"source":{"type":"user","userId":"U4af4980629a1b2c3d4e5f60718293a4b"},"message":{"type":"text","id":"%018d","text":"hello","quoteToken":"q"},`+
							`"mode":"active","timestamp":1700000000000,"webhookEventId":"01BENCH%019d","deliveryContext":{"isRedelivery":false},"replyToken":"r"}]}`, n, n)
						w := httptest.NewRecorder()
						h.ServeHTTP(w, linetest.NewRequestBody(benchSecret, body))
						if w.Code != http.StatusOK {
							b.Errorf("status %d", w.Code)
						}
					}
				}()
			}
			senders.Wait()
			wg.Wait()
		}
	}
	b.ReportAllocs()
	benchpair.Medians(b, "async", run(async), "queue", run(queued))
}

func logRedisVersion(b *testing.B, rdb *redis.Client) {
	info, err := rdb.Info(b.Context(), "server").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "redis_version:"); ok {
			b.Logf("redis_version %s (loopback, no persistence)", v)
		}
	}
}
