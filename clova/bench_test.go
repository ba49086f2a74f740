package clova_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/benchpair"
	"github.com/channelkit/channelkit/internal/benchref"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
)

func benchBody(b *testing.B) ([]byte, string) {
	b.Helper()
	req := clovatest.Intent("OrderPizza", clovatest.WithSlot("pizzaType", "pepperoni"), clovatest.WithSlot("count", 3),
		clovatest.WithTypedSlot(clova.Slot{Name: "when", Value: clova.StringValue("19:00:00/19:30:00"), ValueType: clova.ValueTypeTimeInterval}),
		clovatest.WithSessionAttributes(map[string]any{"step": 2}), clovatest.WithAccessToken("tok"))
	body, err := json.Marshal(req)
	if err != nil {
		b.Fatal(err)
	}
	return body, clovatest.Sign(nil, body)
}

func runHandler(b *testing.B, h http.Handler, body []byte, sig string) {
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	rd := bytes.NewReader(body)
	r := httptest.NewRequest(http.MethodPost, "/", rd)
	r.Header.Set("SignatureCEK", sig)
	for b.Loop() {
		rd.Reset(body)
		r.Body = io.NopCloser(rd)
		r.ContentLength = int64(len(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkCEKHandler measures WebhookHandler end to end, and the two
// stdlib references, on the same signed body.
func BenchmarkCEKHandler(b *testing.B) {
	body, sig := benchBody(b)
	b.Run("reference", func(b *testing.B) {
		runHandler(b, benchref.Clova(clovatest.PublicKey(), clovatest.ApplicationID), body, sig)
	})
	b.Run("minimal", func(b *testing.B) {
		runHandler(b, benchref.ClovaMinimal(clovatest.PublicKey(), clovatest.ApplicationID), body, sig)
	})
	b.Run("clova", func(b *testing.B) {
		runHandler(b, benchHandler(b), body, sig)
	})
}

func BenchmarkParse(b *testing.B) {
	body, sig := benchBody(b)
	pub := clovatest.PublicKey()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := clova.Parse(pub, body, sig); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	body, _ := benchBody(b)
	b.ReportAllocs()
	for b.Loop() {
		var r clova.Request
		if err := r.UnmarshalJSON(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCEKHandlerRatio runs the two references and WebhookHandler in
// turn on the same request, in process, so that load from other processes
// hits them alike, and reports each one's median and the ratios
// clova/reference (the budget: every documented field decoded) and
// clova/minimal.
func BenchmarkCEKHandlerRatio(b *testing.B) {
	body, sig := benchBody(b)
	handlers := []http.Handler{
		benchref.Clova(clovatest.PublicKey(), clovatest.ApplicationID),
		benchref.ClovaMinimal(clovatest.PublicKey(), clovatest.ApplicationID),
		benchHandler(b),
	}
	rd := bytes.NewReader(body)
	r := httptest.NewRequest(http.MethodPost, "/", rd)
	r.Header.Set("SignatureCEK", sig)
	serve := func(h http.Handler) time.Duration {
		rd.Reset(body)
		r.Body = io.NopCloser(rd)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, r)
		d := time.Since(start)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
		return d
	}
	times := make([][]time.Duration, len(handlers))
	for i := 0; b.Loop(); i++ {
		k := i % len(handlers) // round robin
		times[k] = append(times[k], serve(handlers[k]))
	}
	reportRatios(b, times)
}

// reportRatios reports the medians of times (reference, minimal, clova)
// and clova's ratios to the two references.
func reportRatios(b *testing.B, times [][]time.Duration) {
	b.Helper()
	med := make([]float64, len(times))
	for i, ds := range times {
		if len(ds) == 0 {
			return
		}
		slices.Sort(ds)
		med[i] = float64(ds[len(ds)/2])
	}
	b.ReportMetric(med[0], "ref-ns/op")
	b.ReportMetric(med[1], "minimal-ns/op")
	b.ReportMetric(med[2], "clova-ns/op")
	b.ReportMetric(med[2]/med[0], "ratio")
	b.ReportMetric(med[2]/med[1], "ratio-minimal")
}

// benchHandler is the clova handler the benchmarks measure: it answers the
// intent's name, as the reference does.
func benchHandler(b *testing.B) http.Handler {
	b.Helper()
	h, err := clova.NewWebhookHandler(clovatest.ApplicationID, func(_ context.Context, req *clova.Request) (*clova.Response, error) {
		ir := req.Request.(*clova.IntentRequest)
		return clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.English, ir.Intent.Name))), nil
	}, clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkCEKHandlerServerRatio is the design budget's measurement: the
// handler end to end through a real loopback server (httptest.Server,
// keep-alive client) against the two references behind the same kind of
// server, in turn in blocks of 32 requests, reporting each one's median
// and clova's ratios to the references.
func BenchmarkCEKHandlerServerRatio(b *testing.B) {
	body, sig := benchBody(b)
	var servers []*httptest.Server
	for _, h := range []http.Handler{
		benchref.Clova(clovatest.PublicKey(), clovatest.ApplicationID),
		benchref.ClovaMinimal(clovatest.PublicKey(), clovatest.ApplicationID),
		benchHandler(b),
	} {
		srv := httptest.NewServer(h)
		defer srv.Close()
		servers = append(servers, srv)
	}
	post := func(srv *httptest.Server) time.Duration {
		start := time.Now()
		req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("SignatureCEK", sig)
		res, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
		return time.Since(start)
	}
	times := make([][]time.Duration, len(servers))
	const block = 32
	for i := 0; b.Loop(); i++ {
		k := (i / block) % len(servers)
		times[k] = append(times[k], post(servers[k]))
	}
	reportRatios(b, times)
}

// chatbotAnswer is what the client benchmarks' server answers.
const chatbotAnswer = `{"version":"v2","userId":"user-1","timestamp":1700000000000,"bubbles":[{"type":"text","data":{"description":"9시부터 6시까지예요."}}],"event":"send"}`

func chatbotBenchServer(b *testing.B) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		_, _ = io.WriteString(w, chatbotAnswer)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkClientSend measures Client.Send on loopback: encode, sign,
// send, decode the answer.
func BenchmarkClientSend(b *testing.B) {
	srv := chatbotBenchServer(b)
	cb, err := clova.New(srv.URL, "bench-secret", clova.WithHTTPClient(srv.Client()))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cb.Send(ctx, "user-1", "영업시간?"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClientSendRatio runs Client.Send and a raw net/http POST of an
// equivalent signed body to the same loopback server alternately, and
// reports each one's median and their ratio (clova/raw).
func BenchmarkClientSendRatio(b *testing.B) {
	srv := chatbotBenchServer(b)
	hc := srv.Client()
	cb, err := clova.New(srv.URL, "bench-secret", clova.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	body := []byte(`{"version":"v2","userId":"user-1","timestamp":1700000000000,"bubbles":[{"type":"text","data":{"description":"영업시간?"}}],"event":"send"}`)
	raw := func() {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json; charset=UTF-8")
		req.Header.Set(clova.ChatbotSignatureHeader, clova.SignChatbotBody("bench-secret", body))
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		out, err := io.ReadAll(res.Body)
		res.Body.Close()
		var v struct {
			Bubbles []json.RawMessage `json:"bubbles"`
		}
		if err != nil || json.Unmarshal(out, &v) != nil {
			b.Fatal("raw POST failed")
		}
	}
	ours := func() {
		if _, err := cb.Send(ctx, "user-1", "영업시간?"); err != nil {
			b.Fatal(err)
		}
	}
	benchpair.Medians(b, "raw", raw, "clova", ours)
}
