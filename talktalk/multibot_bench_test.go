package talktalk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"testing"

	"github.com/channelkit/channelkit/internal/benchpair"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

type nopWriter struct{ h http.Header }

func (d *nopWriter) Header() http.Header         { return d.h }
func (d *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *nopWriter) WriteHeader(int)             {}

// manyPartners returns n bots with distinct IDs, tokens and clients.
func manyPartners(tb testing.TB, n int) []*talktalk.Bot {
	bots := make([]*talktalk.Bot, n)
	for i := range bots {
		cl, err := talktalk.New(fmt.Sprintf("authorization-key-%06d", i))
		if err != nil {
			tb.Fatal(err)
		}
		bots[i] = &talktalk.Bot{ID: fmt.Sprintf("partner-%06d", i), Tokens: signature.MustSecretSet(fmt.Sprintf("path-token-%06d", i)), Client: cl}
	}
	return bots
}

// BenchmarkMultiBotHandler compares, call by call, a handler serving
// 1,000 partners (every one cached) with a single-bot handler checking a
// path token, end to end in process. Both are mounted on the same
// ServeMux pattern, POST /talktalk/{bot}/{token} (the single-bot handler
// ignores {bot}), and get the same body, so that the only difference is
// which partner a request is for: "bots=1" sends every request to one
// partner of the multi-bot handler, "bots=1000" spreads them over all.
// "ratio" is multi over single.
func BenchmarkMultiBotHandler(b *testing.B) {
	fn := func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil }
	const n = 1000
	bots := manyPartners(b, n)
	res, err := talktalk.StaticBots(bots...)
	if err != nil {
		b.Fatal(err)
	}
	multi, err := talktalk.NewMultiWebhookHandler(res, fn, talktalk.WithBotPath("bot"))
	if err != nil {
		b.Fatal(err)
	}
	single, err := talktalk.NewWebhookHandler(fn, talktalk.WithPathToken(signature.MustSecretSet("path-token-000000")))
	if err != nil {
		b.Fatal(err)
	}
	const pattern = "POST /talktalk/{bot}/{token}"
	muxM, muxS := http.NewServeMux(), http.NewServeMux()
	muxM.Handle(pattern, multi)
	muxS.Handle(pattern, single)
	body, err := json.Marshal(talktalktest.Text("user-1", "hello"))
	if err != nil {
		b.Fatal(err)
	}
	type req struct {
		r  *http.Request
		rd *bytes.Reader
	}
	build := func(target string) req {
		rd := bytes.NewReader(body)
		r := talktalktest.BuildRequest(nil, talktalktest.WithTarget(target))
		r.Body, r.ContentLength = io.NopCloser(rd), int64(len(body))
		return req{r, rd}
	}
	// Each side cycles through n requests of its own, so that neither
	// has its working set in the CPU caches alone.
	many, one, single1 := make([]req, n), make([]req, n), make([]req, n)
	for i := range many {
		many[i] = build(fmt.Sprintf("/talktalk/partner-%06d/path-token-%06d", i, i))
		one[i] = build("/talktalk/partner-000000/path-token-000000")
		single1[i] = build("/talktalk/partner-000000/path-token-000000")
	}
	w := &nopWriter{h: http.Header{}}
	serve := func(mux http.Handler, q req) {
		q.rd.Reset(body)
		mux.ServeHTTP(w, q.r)
	}
	for _, q := range many { // warm the cache
		serve(muxM, q)
	}
	for _, c := range []struct {
		name string
		reqs []req
	}{{"bots=1", one}, {"bots=1000", many}} {
		b.Run(c.name, func(b *testing.B) {
			i, j := 0, 0
			benchpair.Medians(b, "single", func() {
				serve(muxS, single1[i%n])
				i++
			}, "multi", func() {
				serve(muxM, c.reqs[j%n])
				j++
			})
		})
	}
}

// BenchmarkIdleBotMemory reports the heap 1,000 idle partners hold, each
// with its own tokens and Client, per bot ("B/bot").
func BenchmarkIdleBotMemory(b *testing.B) {
	const n = 1000
	var per float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		bots := manyPartners(b, n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		per = float64(after.HeapInuse-before.HeapInuse) / n
		runtime.KeepAlive(bots)
	}
	b.ReportMetric(per, "B/bot")
}
