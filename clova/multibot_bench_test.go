package clova_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/internal/benchpair"
)

const benchBots = 1000

func benchBotID(i int) string { return fmt.Sprintf("com.example.extension.bot%04d", i) }

type signedBody struct {
	body []byte
	sig  string
}

// multiBodies are one signed intent request per bench bot (RSA signing is
// slow: done once per process).
var multiBodies = sync.OnceValue(func() []signedBody {
	out := make([]signedBody, benchBots)
	for i := range out {
		req := clovatest.Intent("OrderPizza", clovatest.WithApplicationID(benchBotID(i)), clovatest.WithSlot("pizzaType", "pepperoni"),
			clovatest.WithSessionAttributes(map[string]any{"step": 2}), clovatest.WithAccessToken("tok"))
		body, err := json.Marshal(req)
		if err != nil {
			panic(err)
		}
		out[i] = signedBody{body, clovatest.Sign(nil, body)}
	}
	return out
})

func benchFn(ctx context.Context, req *clova.Request) (*clova.Response, error) {
	ir := req.Request.(*clova.IntentRequest)
	return clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.English, ir.Intent.Name))), nil
}

// server serves one request of body to h in process and checks the 200.
type inProcess struct {
	rd *bytes.Reader
	r  *http.Request
}

func newInProcess() *inProcess {
	rd := bytes.NewReader(nil)
	return &inProcess{rd: rd, r: httptest.NewRequest(http.MethodPost, "/", rd)}
}

func (p *inProcess) serve(b *testing.B, h http.Handler, sb signedBody) {
	p.rd.Reset(sb.body)
	p.r.Body = io.NopCloser(p.rd)
	p.r.ContentLength = int64(len(sb.body))
	p.r.Header.Set(clova.SignatureHeader, sb.sig)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, p.r)
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d", rec.Code)
	}
}

// BenchmarkMultiBotHandler compares, call by call, a single-bot handler
// with a multi-bot handler serving 1,000 extensions (StaticBots, requests
// spread over all of them, the cache warm after the first round), end to
// end in process; the ratio is multi/single.
func BenchmarkMultiBotHandler(b *testing.B) {
	bodies := multiBodies()
	single, err := clova.NewWebhookHandler(benchBotID(0), benchFn, clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		b.Fatal(err)
	}
	var bots []*clova.Bot
	for i := range benchBots {
		bots = append(bots, &clova.Bot{ID: benchBotID(i)})
	}
	res, err := clova.StaticBots(bots...)
	if err != nil {
		b.Fatal(err)
	}
	multi, err := clova.NewMultiWebhookHandler(res, benchFn, clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		b.Fatal(err)
	}
	p := newInProcess()
	for _, sb := range bodies { // warm the cache, as a running service has it
		p.serve(b, multi, sb)
	}
	// The single-bot side cycles through as many copies of its body as
	// the multi-bot side has bodies, so that neither has its working set
	// in the CPU caches alone: the only difference is which extension a
	// request is for.
	ones := make([]signedBody, benchBots)
	for i := range ones {
		ones[i] = signedBody{bytes.Clone(bodies[0].body), bodies[0].sig}
	}
	i, j := 0, 0
	benchpair.Medians(b,
		"single", func() { p.serve(b, single, ones[j%benchBots]); j++ },
		"multi", func() { p.serve(b, multi, bodies[i%benchBots]); i++ })
}

// BenchmarkIdleBotMemory reports the heap one idle bot costs: 1,000 Bots
// in a StaticBots resolver, then each also cached by a handler, divided by
// 1,000.
func BenchmarkIdleBotMemory(b *testing.B) {
	bodies := multiBodies()
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var perBot, perCached float64
	for b.Loop() {
		before := heap()
		bots := make([]*clova.Bot, benchBots)
		for i := range bots {
			bots[i] = &clova.Bot{ID: benchBotID(i)}
		}
		res, err := clova.StaticBots(bots...)
		if err != nil {
			b.Fatal(err)
		}
		h, err := clova.NewMultiWebhookHandler(res, benchFn, clova.WithPublicKey(clovatest.PublicKey()))
		if err != nil {
			b.Fatal(err)
		}
		built := heap()
		p := newInProcess()
		for _, sb := range bodies {
			p.serve(b, h, sb)
		}
		cached := heap()
		runtime.KeepAlive(h)
		perBot = float64(built-before) / benchBots
		perCached = float64(cached-built) / benchBots
	}
	b.ReportMetric(perBot, "bytes/bot")
	b.ReportMetric(perCached, "cache-bytes/bot")
}
