package line_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/channelkit/channelkit/line"
)

// BenchmarkClient measures a send on loopback: Push (encode the messages,
// check LINE's limits, add a retry key, send, read and decode the answer)
// on its own ("push"), and against a raw net/http POST of the same body to
// the same kind of server, interleaved in blocks, reporting the ratio of
// the medians ("vs-raw"): the client's own overhead.
func BenchmarkClient(b *testing.B) {
	answer := []byte(`{"sentMessages":[{"id":"461230966842064897","quoteToken":"IStG5h1Tz7b"}]}`)
	newServer := func() *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Line-Request-Id", "bench")
			_, _ = w.Write(answer)
		}))
	}
	msgs := []messaging_api.MessageInterface{messaging_api.TextMessage{Text: "Hello, world! 안녕하세요 👋"}}
	body := []byte(`{"to":"U4af4980629a6b2b1a2b3c4d5e6f7a8b9","messages":[{"type":"text","text":"Hello, world! 안녕하세요 👋"}]}`)
	const to = "U4af4980629a6b2b1a2b3c4d5e6f7a8b9"

	b.Run("push", func(b *testing.B) {
		srv := newServer()
		defer srv.Close()
		c, err := line.New("bench-token", line.WithBaseURL(srv.URL), line.WithHTTPClient(srv.Client()))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Push(b.Context(), to, msgs); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("vs-raw", func(b *testing.B) {
		ourSrv, rawSrv := newServer(), newServer()
		defer ourSrv.Close()
		defer rawSrv.Close()
		c, err := line.New("bench-token", line.WithBaseURL(ourSrv.URL), line.WithHTTPClient(ourSrv.Client()))
		if err != nil {
			b.Fatal(err)
		}
		hc := rawSrv.Client()
		push := func() time.Duration {
			start := time.Now()
			if _, err := c.Push(b.Context(), to, msgs); err != nil {
				b.Fatal(err)
			}
			return time.Since(start)
		}
		raw := func() time.Duration {
			start := time.Now()
			req, _ := http.NewRequestWithContext(b.Context(), http.MethodPost, rawSrv.URL+"/v2/bot/message/push", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer bench-token")
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Line-Retry-Key", "123e4567-e89b-42d3-a456-426614174000")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return time.Since(start)
		}
		var rawT, ourT []time.Duration
		b.ReportAllocs()
		const block = 32
		for i := 0; b.Loop(); i++ {
			if (i/block)%2 == 0 {
				rawT = append(rawT, raw())
			} else {
				ourT = append(ourT, push())
			}
		}
		if len(rawT) > 0 && len(ourT) > 0 {
			slices.Sort(rawT)
			slices.Sort(ourT)
			r, o := float64(rawT[len(rawT)/2]), float64(ourT[len(ourT)/2])
			b.ReportMetric(r, "raw-p50-ns")
			b.ReportMetric(o, "line-p50-ns")
			b.ReportMetric(o/r, "ratio")
		}
	})
}
