package naverworks_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/benchpair"
	"github.com/channelkit/channelkit/internal/benchref"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
)

// BenchmarkTokenWarm: a token lookup with a warm cache.
func BenchmarkTokenWarm(b *testing.B) {
	srv := naverworkstest.NewServer(b)
	ts, err := srv.TokenSource()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ts.Token(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ts.Token(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenWarmParallel: the same, from all Ps at once.
func BenchmarkTokenWarmParallel(b *testing.B) {
	srv := naverworkstest.NewServer(b)
	ts, _ := srv.TokenSource()
	_, _ = ts.Token()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, _ = ts.Token()
		}
	})
}

// BenchmarkAssertionSign: signing one RS256 JWT assertion (2048-bit key),
// measured through a token exchange against a handler that answers at once
// is dominated by it; here the signing alone.
func BenchmarkAssertionSign(b *testing.B) {
	key := naverworkstest.Key()
	now := time.Unix(1767225600, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := naverworks.SignAssertionForBench(key, now); err != nil {
			b.Fatal(err)
		}
	}
}

var benchBody = []byte(`{"type":"message","source":{"userId":"c72af563-0f21-4736-11e4-045237113344","channelId":"12345a12-b12c-12d3-e123fghijkl","domainId":40029600},"issuedTime":"2022-01-04T05:16:05.716Z","content":{"type":"text","text":"hello, 안녕하세요"}}`)

func benchHandler(b *testing.B, h http.Handler) {
	sig := signature.SignHMACSHA256([]byte(secret), benchBody)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodPost, "/callback", bytes.NewReader(benchBody))
		req.Header.Set("X-WORKS-Signature", sig)
		req.Header.Set("X-WORKS-BotId", naverworkstest.BotID)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkHandler compares the webhook handler end to end (default ack
// budget: fn runs on its own goroutine, answered when it returns) with the
// stdlib reference.
func BenchmarkHandler(b *testing.B) {
	fn := func(context.Context, naverworks.Event) error { return nil }
	b.Run("reference", func(b *testing.B) { benchHandler(b, benchref.NaverWorks([]byte(secret), naverworkstest.BotID)) })
	b.Run("naverworks", func(b *testing.B) {
		h, err := naverworks.NewWebhookHandler(signature.MustSecretSet(secret), fn, naverworks.WithBotID(naverworkstest.BotID))
		if err != nil {
			b.Fatal(err)
		}
		benchHandler(b, h)
	})
	b.Run("naverworks_ack0", func(b *testing.B) {
		h, err := naverworks.NewWebhookHandler(signature.MustSecretSet(secret), fn, naverworks.WithBotID(naverworkstest.BotID), naverworks.WithBudget(0))
		if err != nil {
			b.Fatal(err)
		}
		benchHandler(b, h)
		_ = h.Wait(context.Background())
	})
}

// BenchmarkHandlerRatio is BenchmarkHandler's comparison run in process
// with the two handlers interleaved, request by request, so that drift on
// a busy machine hits both alike. It reports the ratio of the medians
// (naverworks/reference).
func BenchmarkHandlerRatio(b *testing.B) {
	fn := func(context.Context, naverworks.Event) error { return nil }
	h, err := naverworks.NewWebhookHandler(signature.MustSecretSet(secret), fn, naverworks.WithBotID(naverworkstest.BotID))
	if err != nil {
		b.Fatal(err)
	}
	ref := benchref.NaverWorks([]byte(secret), naverworkstest.BotID)
	sig := signature.SignHMACSHA256([]byte(secret), benchBody)
	serve := func(h http.Handler) time.Duration {
		req := httptest.NewRequest(http.MethodPost, "/callback", bytes.NewReader(benchBody))
		req.Header.Set("X-WORKS-Signature", sig)
		req.Header.Set("X-WORKS-BotId", naverworkstest.BotID)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		d := time.Since(start)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		return d
	}
	var refT, nwT []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			refT = append(refT, serve(ref))
			nwT = append(nwT, serve(h))
		} else {
			nwT = append(nwT, serve(h))
			refT = append(refT, serve(ref))
		}
	}
	b.StopTimer()
	median := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2])
	}
	r, n := median(refT), median(nwT)
	b.ReportMetric(r, "ref-p50-ns")
	b.ReportMetric(n, "naverworks-p50-ns")
	b.ReportMetric(n/r, "ratio")
}

// BenchmarkParse: verify + decode of one callback body.
func BenchmarkParse(b *testing.B) {
	sig := signature.SignHMACSHA256([]byte(secret), benchBody)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := naverworks.Parse(secrets, benchBody, sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTimeNow is the clock read a warm token lookup cannot avoid
// (oauth2's validity check calls time.Now); on VMs without a vDSO clock
// it dominates BenchmarkTokenWarm.
func BenchmarkTimeNow(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = time.Now()
	}
}

// BenchmarkHandlerServer is the design budget's measurement: each handler
// end to end through a real loopback server (httptest.Server, keep-alive
// client), reference and naverworks interleaved in blocks so drift on a
// busy machine hits both alike. It reports the ratio of the medians.
func BenchmarkHandlerServer(b *testing.B) {
	fn := func(context.Context, naverworks.Event) error { return nil }
	h, err := naverworks.NewWebhookHandler(signature.MustSecretSet(secret), fn, naverworks.WithBotID(naverworkstest.BotID))
	if err != nil {
		b.Fatal(err)
	}
	ref := httptest.NewServer(benchref.NaverWorks([]byte(secret), naverworkstest.BotID))
	defer ref.Close()
	nw := httptest.NewServer(h)
	defer nw.Close()
	sig := signature.SignHMACSHA256([]byte(secret), benchBody)
	post := func(srv *httptest.Server) time.Duration {
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/callback", bytes.NewReader(benchBody))
		req.Header.Set("X-WORKS-Signature", sig)
		req.Header.Set("X-WORKS-BotId", naverworkstest.BotID)
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
		return time.Since(start)
	}
	var refT, nwT []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	const block = 32
	for i := 0; i < b.N; i++ {
		if (i/block)%2 == 0 {
			refT = append(refT, post(ref))
		} else {
			nwT = append(nwT, post(nw))
		}
	}
	b.StopTimer()
	if len(refT) > 0 && len(nwT) > 0 {
		median := func(d []time.Duration) float64 {
			slices.Sort(d)
			return float64(d[len(d)/2])
		}
		r, n := median(refT), median(nwT)
		b.ReportMetric(r, "ref-p50-ns")
		b.ReportMetric(n, "naverworks-p50-ns")
		b.ReportMetric(n/r, "ratio")
	}
}

// BenchmarkTokenWarmVsReuse: the cache's warm lookup against
// oauth2.ReuseTokenSourceWithExpiry's (a mutex and a clock read), which
// the cache wrapped before it shared renewals itself.
func BenchmarkTokenWarmVsReuse(b *testing.B) {
	srv := naverworkstest.NewServer(b)
	ts, err := srv.TokenSource()
	if err != nil {
		b.Fatal(err)
	}
	tok, err := ts.Token()
	if err != nil {
		b.Fatal(err)
	}
	reuse := oauth2.ReuseTokenSourceWithExpiry(tok, oauth2.StaticTokenSource(tok), naverworks.DefaultRefreshMargin)
	benchpair.Medians(b, "reuse", func() { _, _ = reuse.Token() }, "cache", func() { _, _ = ts.Token() })
}
