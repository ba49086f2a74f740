package line_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/channelkit/channelkit/internal/benchref"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/signature"
)

// benchBody returns a realistic webhook body with n text message events
// (about 600 bytes each, like LINE's).
func benchBody(n int) []byte {
	evs := make([]string, n)
	for i := range evs {
		evs[i] = fmt.Sprintf(`{"type":"message","message":{"type":"text","id":"46878957789826%04d","quoteToken":"q3Plxr4AgKd2B4W7TBIdePUy7A4ssbeH9OxJg3ucGJoDvxNdTl8jHmwWB9hG7wYNthFwi0V7HH7GzFo4WZhNyJSjIAfqFV","text":"Hello, world! 안녕하세요 👋"},"webhookEventId":"01HQZ5N7Y0XKJ6S2T9B4C8D%03d","deliveryContext":{"isRedelivery":false},"timestamp":1700000000000,"source":{"type":"user","userId":"U4af4980629a6b2b1a2b3c4d5e6f7a8b9"},"replyToken":"b60d432864f44d079f6d8efe86cf404b","mode":"active"}`, i, i)
	}
	return []byte(`{"destination":"U0123456789abcdef0123456789abcdef","events":[` + joinComma(evs) + `]}`)
}

func joinComma(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(x)
	}
	return b.String()
}

// reusableRequest returns a request whose body is rewound by reset.
func reusableRequest(body []byte) (*http.Request, func()) {
	rd := bytes.NewReader(body)
	r := httptest.NewRequest(http.MethodPost, "/callback", nil)
	r.Body = io.NopCloser(rd)
	r.ContentLength = int64(len(body))
	r.Header.Set(line.SignatureHeader, linetest.SignBody(secret, body))
	r.Header.Set("Content-Type", "application/json")
	return r, func() { rd.Reset(body) }
}

// BenchmarkParse compares verify+parse with line-bot-sdk-go's
// webhook.ParseRequest on the same signed bodies.
func BenchmarkParse(b *testing.B) {
	set := signature.MustSecretSet(secret)
	for _, n := range []int{1, 10} {
		body := benchBody(n)
		b.Run(fmt.Sprintf("events=%d/channelkit", n), func(b *testing.B) {
			r, reset := reusableRequest(body)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				reset()
				cb, err := line.ParseRequest(set, r)
				if err != nil || len(cb.Events) != n {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("events=%d/linebotsdk", n), func(b *testing.B) {
			r, reset := reusableRequest(body)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				reset()
				cb, err := webhook.ParseRequest(secret, r)
				if err != nil || len(cb.Events) != n {
					b.Fatal(err)
				}
			}
		})
	}
}

type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

// BenchmarkHandler compares the webhook handler end to end (read, verify,
// decode, callback, 200) with the minimal stdlib reference handler.
func BenchmarkHandler(b *testing.B) {
	ours, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(context.Context, *line.Callback) error { return nil })
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 10} {
		body := benchBody(n)
		for _, h := range []struct {
			name string
			h    http.Handler
		}{{"channelkit", ours}, {"reference", benchref.LINEMinimal(secret)}} {
			b.Run(fmt.Sprintf("events=%d/%s", n, h.name), func(b *testing.B) {
				r, reset := reusableRequest(body)
				w := &discardWriter{h: http.Header{}}
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					reset()
					h.h.ServeHTTP(w, r)
				}
			})
		}
	}
}

// interleaved runs a and b alternately in blocks of 64 calls and reports
// a's time per op and the ratio of a's total time to b's. Alternating
// cancels most of the drift a shared, busy machine adds between two
// benchmarks run one after the other.
func interleaved(b *testing.B, a, ref func()) {
	b.Helper()
	var ta, tr time.Duration
	const block = 64
	for i := 0; i < b.N; i += block {
		t0 := time.Now()
		for j := 0; j < block; j++ {
			a()
		}
		t1 := time.Now()
		for j := 0; j < block; j++ {
			ref()
		}
		ta += t1.Sub(t0)
		tr += time.Since(t1)
	}
	b.ReportMetric(float64(ta.Nanoseconds())/float64(b.N), "ns/op-ours")
	b.ReportMetric(float64(tr.Nanoseconds())/float64(b.N), "ns/op-ref")
	b.ReportMetric(float64(ta)/float64(tr), "x-ref")
}

// BenchmarkRatio reports channelkit's time as a multiple of the
// reference's, measured interleaved: verify+parse against
// line-bot-sdk-go's webhook.ParseRequest, and the handler against the
// minimal stdlib handler ("handler-vs-stdlib") and against the stdlib
// handler that decodes every documented field, as the handler does
// ("handler-vs-stdlib-full").
func BenchmarkRatio(b *testing.B) {
	set := signature.MustSecretSet(secret)
	ours, err := line.NewWebhookHandler(set, func(context.Context, *line.Callback) error { return nil })
	if err != nil {
		b.Fatal(err)
	}
	ref, full := benchref.LINEMinimal(secret), benchref.LINE(secret)
	for _, n := range []int{1, 10} {
		body := benchBody(n)
		b.Run(fmt.Sprintf("parse-vs-sdk/events=%d", n), func(b *testing.B) {
			r1, reset1 := reusableRequest(body)
			r2, reset2 := reusableRequest(body)
			interleaved(b, func() {
				reset1()
				if _, err := line.ParseRequest(set, r1); err != nil {
					b.Fatal(err)
				}
			}, func() {
				reset2()
				if _, err := webhook.ParseRequest(secret, r2); err != nil {
					b.Fatal(err)
				}
			})
		})
		for _, rh := range []struct {
			name string
			h    http.Handler
		}{{"handler-vs-stdlib", ref}, {"handler-vs-stdlib-full", full}} {
			b.Run(fmt.Sprintf("%s/events=%d", rh.name, n), func(b *testing.B) {
				r1, reset1 := reusableRequest(body)
				r2, reset2 := reusableRequest(body)
				w := &discardWriter{h: http.Header{}}
				interleaved(b, func() {
					reset1()
					ours.ServeHTTP(w, r1)
				}, func() {
					reset2()
					rh.h.ServeHTTP(w, r2)
				})
			})
		}
	}
}

// BenchmarkHandlerServer is the design budget's measurement: the handler
// end to end through a real loopback server (httptest.Server, keep-alive
// client) against the minimal stdlib handler behind the same kind of
// server, interleaved in blocks, reporting the ratio of the medians.
// BenchmarkRatio's handler-vs-stdlib is the same comparison without the
// network, which shows the handler's own cost. The "/full" runs compare
// with the stdlib handler that decodes every documented field.
func BenchmarkHandlerServer(b *testing.B) {
	ours, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(context.Context, *line.Callback) error { return nil })
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 10} {
		body := benchBody(n)
		sig := linetest.SignBody(secret, body)
		for _, rh := range []struct {
			name string
			h    http.Handler
		}{{"", benchref.LINEMinimal(secret)}, {"/full", benchref.LINE(secret)}} {
			b.Run(fmt.Sprintf("events=%d%s", n, rh.name), func(b *testing.B) {
				refSrv := httptest.NewServer(rh.h)
				defer refSrv.Close()
				ourSrv := httptest.NewServer(ours)
				defer ourSrv.Close()
				post := func(srv *httptest.Server) time.Duration {
					start := time.Now()
					req, _ := http.NewRequest(http.MethodPost, srv.URL+"/callback", bytes.NewReader(body))
					req.Header.Set(line.SignatureHeader, sig)
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
				var refT, ourT []time.Duration
				b.ReportAllocs()
				b.ResetTimer()
				const block = 32
				for i := 0; i < b.N; i++ {
					if (i/block)%2 == 0 {
						refT = append(refT, post(refSrv))
					} else {
						ourT = append(ourT, post(ourSrv))
					}
				}
				b.StopTimer()
				if len(refT) > 0 && len(ourT) > 0 {
					slices.Sort(refT)
					slices.Sort(ourT)
					r, o := float64(refT[len(refT)/2]), float64(ourT[len(ourT)/2])
					b.ReportMetric(r, "ref-p50-ns")
					b.ReportMetric(o, "line-p50-ns")
					b.ReportMetric(o/r, "ratio")
				}
			})
		}
	}
}
