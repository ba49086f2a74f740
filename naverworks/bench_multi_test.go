package naverworks_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/benchpair"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
)

const manyBots = 1000

// benchBots builds n bots with clients sharing one token source and the
// in-process Bot API, and each bot's signature of benchBody.
func benchBots(tb testing.TB, n int) ([]*naverworks.Bot, []string) {
	tb.Helper()
	ts := benchTokens{&oauth2.Token{AccessToken: "bench-token", TokenType: "Bearer"}}
	hc := &http.Client{Transport: answerBot{}}
	bots := make([]*naverworks.Bot, n)
	sigs := make([]string, n)
	for i := range bots {
		id := strconv.Itoa(3000000 + i)
		secret := "bench-secret-" + id
		cl, err := naverworks.New(id, ts, naverworks.WithBaseURL("https://bench.invalid/v1.0/"), naverworks.WithHTTPClient(hc))
		if err != nil {
			tb.Fatal(err)
		}
		bots[i] = &naverworks.Bot{ID: id, Secrets: signature.MustSecretSet(secret), Client: cl}
		sigs[i] = signature.SignHMACSHA256([]byte(secret), benchBody)
	}
	return bots, sigs
}

func serveBot(b *testing.B, h http.Handler, botID, sig string) {
	req := httptest.NewRequest(http.MethodPost, "/callback", bytes.NewReader(benchBody))
	req.Header.Set("X-WORKS-Signature", sig)
	req.Header.Set("X-WORKS-BotId", botID)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d", rec.Code)
	}
}

// BenchmarkMultiBot compares, request by request, a handler serving 1,000
// bots (StaticBots, requests spread over all of them, the cache warm)
// with a single-bot handler: the webhook handlers with a no-op function,
// and the BotHandlers answering each text through the bot's client.
// "ratio" is multi over single.
func BenchmarkMultiBot(b *testing.B) {
	bots, sigs := benchBots(b, manyBots)
	resolver, err := naverworks.StaticBots(bots...)
	if err != nil {
		b.Fatal(err)
	}
	one := bots[0]
	noop := func(context.Context, naverworks.Event) error { return nil }
	answer := message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		if in.Kind != message.KindMessage {
			return nil
		}
		_, err := r.Reply(ctx, benchAnswer)
		return err
	})
	type pair struct{ single, multi http.Handler }
	build := map[string]func() (pair, error){
		"webhook": func() (pair, error) {
			s, err := naverworks.NewWebhookHandler(one.Secrets, noop, naverworks.WithBotID(one.ID))
			if err != nil {
				return pair{}, err
			}
			m, err := naverworks.NewMultiWebhookHandler(resolver, noop)
			return pair{s, m}, err
		},
		"bot": func() (pair, error) {
			s, err := naverworks.NewBotHandler(one.Secrets, answer, naverworks.WithClient(one.Client), naverworks.WithBotID(one.ID))
			if err != nil {
				return pair{}, err
			}
			m, err := naverworks.NewMultiBotHandler(resolver, answer)
			return pair{s, m}, err
		},
	}
	for _, name := range []string{"webhook", "bot"} {
		b.Run(name, func(b *testing.B) {
			p, err := build[name]()
			if err != nil {
				b.Fatal(err)
			}
			for i := range bots { // warm the cache: the steady state
				serveBot(b, p.multi, bots[i].ID, sigs[i])
			}
			i := 0
			b.ReportAllocs()
			benchpair.Medians(b, "single", func() { serveBot(b, p.single, one.ID, sigs[0]) }, "multi", func() {
				serveBot(b, p.multi, bots[i].ID, sigs[i])
				if i++; i == len(bots) {
					i = 0
				}
			})
		})
	}
}

// BenchmarkBotMemory reports the heap held per idle bot: 1,000 Bots with
// their Clients (sharing one token source and the default transport) and
// a StaticBots resolver over them.
func BenchmarkBotMemory(b *testing.B) {
	var perBot float64
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		bots, _ := benchBots(b, manyBots)
		resolver, err := naverworks.StaticBots(bots...)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perBot = float64(after.HeapInuse-before.HeapInuse) / manyBots
		runtime.KeepAlive(resolver)
		runtime.KeepAlive(bots)
	}
	b.ReportMetric(perBot, "bytes/bot")
}
