package clova_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
)

// referenceHandler is the minimal stdlib CEK handler the package is
// measured against: bounded read, the same RSA verification, json.Unmarshal
// into a minimal struct, the application ID check, a fixed JSON answer.
func referenceHandler(pub *rsa.PublicKey, appID string) http.Handler {
	type minimal struct {
		Version string `json:"version"`
		Context struct {
			System struct {
				Application struct {
					ApplicationID string `json:"applicationId"`
				} `json:"application"`
			} `json:"System"`
		} `json:"context"`
		Request struct {
			Type   string `json:"type"`
			Intent struct {
				Name string `json:"name"`
			} `json:"intent"`
		} `json:"request"`
	}
	type speech struct {
		Type   string `json:"type"`
		Values struct {
			Type  string `json:"type"`
			Lang  string `json:"lang"`
			Value string `json:"value"`
		} `json:"values"`
	}
	type answer struct {
		Version           string   `json:"version"`
		SessionAttributes struct{} `json:"sessionAttributes"`
		Response          struct {
			OutputSpeech     speech     `json:"outputSpeech"`
			Card             struct{}   `json:"card"`
			Directives       []struct{} `json:"directives"`
			ShouldEndSession bool       `json:"shouldEndSession"`
		} `json:"response"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		sig, err := base64.StdEncoding.DecodeString(r.Header.Get("SignatureCEK"))
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		sum := sha256.Sum256(body)
		if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var m minimal
		if json.Unmarshal(body, &m) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if m.Context.System.Application.ApplicationID != appID {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		var resp answer
		resp.Version = m.Version
		resp.SessionAttributes = struct{}{}
		resp.Response.Card = struct{}{}
		resp.Response.Directives = []struct{}{}
		resp.Response.ShouldEndSession = true
		s := &resp.Response.OutputSpeech
		s.Type, s.Values.Type, s.Values.Lang, s.Values.Value = "SimpleSpeech", "PlainText", "en", m.Request.Intent.Name
		out, _ := json.Marshal(&resp)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(out)
	})
}

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

// BenchmarkCEKHandler compares WebhookHandler end to end with the
// stdlib reference on the same signed body.
func BenchmarkCEKHandler(b *testing.B) {
	body, sig := benchBody(b)
	b.Run("reference", func(b *testing.B) {
		runHandler(b, referenceHandler(clovatest.PublicKey(), clovatest.ApplicationID), body, sig)
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

// BenchmarkCEKHandlerRatio runs the reference and WebhookHandler
// alternately on the same request, so that load from other processes hits
// both alike, and reports each one's mean time and their ratio
// (clova/reference).
func BenchmarkCEKHandlerRatio(b *testing.B) {
	body, sig := benchBody(b)
	ref := referenceHandler(clovatest.PublicKey(), clovatest.ApplicationID)
	ck := benchHandler(b)
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
	var refT, ckT []time.Duration
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			refT = append(refT, serve(ref))
			ckT = append(ckT, serve(ck))
		} else {
			ckT = append(ckT, serve(ck))
			refT = append(refT, serve(ref))
		}
	}
	med := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2])
	}
	mr, mc := med(refT), med(ckT)
	b.ReportMetric(mr, "ref-ns/op")
	b.ReportMetric(mc, "clova-ns/op")
	b.ReportMetric(mc/mr, "ratio")
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
// keep-alive client) against the stdlib reference behind the same kind of
// server, alternating in blocks of 32 requests, reporting each one's
// median and their ratio (clova/reference).
func BenchmarkCEKHandlerServerRatio(b *testing.B) {
	body, sig := benchBody(b)
	refSrv := httptest.NewServer(referenceHandler(clovatest.PublicKey(), clovatest.ApplicationID))
	defer refSrv.Close()
	ckSrv := httptest.NewServer(benchHandler(b))
	defer ckSrv.Close()
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
	var refT, ckT []time.Duration
	const block = 32
	for i := 0; b.Loop(); i++ {
		if (i/block)%2 == 0 {
			refT = append(refT, post(refSrv))
		} else {
			ckT = append(ckT, post(ckSrv))
		}
	}
	if len(refT) == 0 || len(ckT) == 0 {
		return
	}
	med := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2])
	}
	mr, mc := med(refT), med(ckT)
	b.ReportMetric(mr, "ref-ns/op")
	b.ReportMetric(mc, "clova-ns/op")
	b.ReportMetric(mc/mr, "ratio")
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
	timed := func(f func()) time.Duration {
		start := time.Now()
		f()
		return time.Since(start)
	}
	var rawT, ckT []time.Duration
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			rawT = append(rawT, timed(raw))
			ckT = append(ckT, timed(ours))
		} else {
			ckT = append(ckT, timed(ours))
			rawT = append(rawT, timed(raw))
		}
	}
	med := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2])
	}
	mr, mc := med(rawT), med(ckT)
	b.ReportMetric(mr, "raw-ns/op")
	b.ReportMetric(mc, "clova-ns/op")
	b.ReportMetric(mc/mr, "ratio")
}
