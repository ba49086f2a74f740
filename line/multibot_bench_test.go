package line_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/channelkit/channelkit/internal/benchpair"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/signature"
)

// signedRequests are n requests, each a one-event callback for one of
// bots (round robin) signed with its secret, rewound by reset(i).
type signedRequests struct {
	reqs   []*http.Request
	bodies [][]byte
	rds    []*bytes.Reader
}

func (s *signedRequests) at(i int) *http.Request {
	i %= len(s.reqs)
	s.rds[i].Reset(s.bodies[i])
	return s.reqs[i]
}

func newSignedRequests(ids, secrets []string) *signedRequests {
	s := &signedRequests{}
	base := benchBody(1)
	for i, id := range ids {
		body := bytes.Replace(base, []byte("U0123456789abcdef0123456789abcdef"), []byte(id), 1)
		rd := bytes.NewReader(body)
		r := httptest.NewRequest(http.MethodPost, "/callback", nil)
		r.Body = io.NopCloser(rd)
		r.ContentLength = int64(len(body))
		r.Header.Set(line.SignatureHeader, linetest.SignBody(secrets[i], body))
		r.Header.Set("Content-Type", "application/json")
		s.reqs, s.bodies, s.rds = append(s.reqs, r), append(s.bodies, body), append(s.rds, rd)
	}
	return s
}

// manyBots returns n bots with distinct IDs and secrets, each with a
// Client of its own.
func manyBots(tb testing.TB, n int) ([]*line.Bot, []string, []string) {
	bots := make([]*line.Bot, n)
	ids, secrets := make([]string, n), make([]string, n)
	for i := range bots {
		ids[i] = fmt.Sprintf("U%032x", i+1)
		secrets[i] = fmt.Sprintf("channel-secret-%06d", i)
		cl, err := line.New(fmt.Sprintf("channel-token-%06d", i))
		if err != nil {
			tb.Fatal(err)
		}
		bots[i] = &line.Bot{ID: ids[i], Secrets: signature.MustSecretSet(secrets[i]), Client: cl}
	}
	return bots, ids, secrets
}

// BenchmarkMultiBotHandler compares, call by call, a handler serving 1,000
// bots (requests spread over all of them, every bot cached) with a
// single-bot handler, end to end in process: read, resolve, verify,
// decode, call, 200. "ratio" is multi over single.
func BenchmarkMultiBotHandler(b *testing.B) {
	fn := func(context.Context, *line.Callback) error { return nil }
	bots, ids, secrets := manyBots(b, 1000)
	res, err := line.StaticBots(bots...)
	if err != nil {
		b.Fatal(err)
	}
	multi, err := line.NewMultiWebhookHandler(res, fn)
	if err != nil {
		b.Fatal(err)
	}
	single, err := line.NewWebhookHandler(signature.MustSecretSet(secrets[0]), fn)
	if err != nil {
		b.Fatal(err)
	}
	// Both sides cycle through 1,000 distinct request bodies, so that
	// neither has its working set in the CPU caches alone.
	many := newSignedRequests(ids, secrets)
	one := newSignedRequests(repeat(ids[0], len(ids)), repeat(secrets[0], len(ids)))
	w := &discardWriter{h: http.Header{}}
	for i := range ids { // warm the cache
		multi.ServeHTTP(w, many.at(i))
	}
	for _, c := range []struct {
		name string
		reqs *signedRequests
	}{{"bots=1", newSignedRequests(repeat(ids[0], len(ids)), repeat(secrets[0], len(ids)))}, {"bots=1000", many}} {
		b.Run(c.name, func(b *testing.B) {
			i, j := 0, 0
			benchpair.Medians(b, "single", func() {
				single.ServeHTTP(w, one.at(i))
				i++
			}, "multi", func() {
				multi.ServeHTTP(w, c.reqs.at(j))
				j++
			})
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// BenchmarkDestinationScan compares the scan that finds a body's
// destination with decoding the body: what the multi-bot handler adds
// before verification against what it would cost to decode twice.
func BenchmarkDestinationScan(b *testing.B) {
	body := benchBody(1)
	benchpair.Medians(b, "decode", func() {
		if _, err := line.Decode(body); err != nil {
			b.Fatal(err)
		}
	}, "scan", func() {
		if _, ok := line.DestinationOf(body); !ok {
			b.Fatal("no destination")
		}
	})
}

// BenchmarkIdleBotMemory reports the heap 1,000 idle bots hold, each with
// its own secret and Client, per bot ("B/bot").
func BenchmarkIdleBotMemory(b *testing.B) {
	const n = 1000
	var per float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		bots, _, _ := manyBots(b, n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		per = float64(after.HeapInuse-before.HeapInuse) / n
		runtime.KeepAlive(bots)
	}
	b.ReportMetric(per, "B/bot")
}
