package kakao_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"

	"github.com/channelkit/channelkit/internal/benchpair"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/signature"
)

const benchBots = 1000

// BenchmarkMultiBotRatio compares, in process and call by call, a
// multi-bot handler serving 1,000 bots (requests spread over them, each
// checked with its bot's header secret) with a single-bot handler
// checking one header secret, on the same payload.
func BenchmarkMultiBotRatio(b *testing.B) {
	resp := kakao.NewResponse(kakao.Text("hello"))
	fn := func(context.Context, *kakao.Request) (*kakao.Response, error) { return resp, nil }
	bots := make([]*kakao.Bot, benchBots)
	bodies := make([][]byte, benchBots)
	secrets := make([]string, benchBots)
	for i := range bots {
		id := "bench-bot-" + strconv.Itoa(i)
		secrets[i] = "bench-secret-" + strconv.Itoa(i)
		bots[i] = &kakao.Bot{ID: id, HeaderSecrets: signature.MustSecretSet(secrets[i])}
		bodies[i] = kakaotest.NewBody(b, kakaotest.WithBotID(id), kakaotest.WithUtterance("오늘 날씨 어때?"), kakaotest.WithParam("sys_location", "서울"))
	}
	resolver, err := kakao.StaticBots(bots...)
	if err != nil {
		b.Fatal(err)
	}
	multi, err := kakao.NewMultiWebhookHandler(resolver, fn)
	if err != nil {
		b.Fatal(err)
	}
	single, err := kakao.NewWebhookHandler(fn, kakao.WithHeaderSecret(kakao.DefaultSecretHeader, signature.MustSecretSet(secrets[0])))
	if err != nil {
		b.Fatal(err)
	}
	serve := func(h http.Handler, body []byte, secret string) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set(kakao.DefaultSecretHeader, secret)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
	for i := range bots { // warm the cache, as a running server has
		serve(multi, bodies[i], secrets[i])
	}
	// The single-bot side cycles through as many copies of its body as
	// the multi-bot side has bodies, so that neither has its working set
	// in the CPU caches alone: the only difference is which bot a request
	// is for.
	ones := make([][]byte, benchBots)
	for i := range ones {
		ones[i] = bytes.Clone(bodies[0])
	}
	var n, m int
	b.ReportAllocs()
	benchpair.Medians(b, "single", func() {
		serve(single, ones[m%benchBots], secrets[0])
		m++
	},
		"multi1000", func() {
			i := n % benchBots
			n++
			serve(multi, bodies[i], secrets[i])
		})
}

// BenchmarkIdleBotMemory reports the heap a served bot holds while idle:
// a Bot with a header secret and a Client of its own (which shares
// net/http's default transport), in a StaticBots resolver.
func BenchmarkIdleBotMemory(b *testing.B) {
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		bots := make([]*kakao.Bot, benchBots)
		for i := range bots {
			cl, err := kakao.New()
			if err != nil {
				b.Fatal(err)
			}
			bots[i] = &kakao.Bot{ID: "bench-bot-" + strconv.Itoa(i), HeaderSecrets: signature.MustSecretSet("bench-secret-" + strconv.Itoa(i)), Client: cl}
		}
		r, err := kakao.StaticBots(bots...)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(r)
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/benchBots, "heap-bytes/bot")
	}
}
