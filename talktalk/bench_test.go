package talktalk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/benchref"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

func benchHandler(b *testing.B) http.Handler {
	loop, err := signature.NewAllowList([]string{"127.0.0.1", "211.249.40.0/27"})
	if err != nil {
		b.Fatal(err)
	}
	h, err := talktalk.NewWebhookHandler(func(_ context.Context, ev talktalk.Event) (talktalk.Event, error) {
		if _, ok := ev.(*talktalk.SendEvent); !ok {
			b.Error("not a send event")
		}
		return nil, nil
	}, talktalk.WithAllowList(loop))
	if err != nil {
		b.Fatal(err)
	}
	return h
}

func benchBody(b *testing.B) []byte {
	body, err := os.ReadFile("testdata/webhook/send_text.json")
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkWebhook compares the handler with the reference, end to end
// over loopback HTTP through httptest.Server.
func BenchmarkWebhook(b *testing.B) {
	body := benchBody(b)
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{
		{"reference", benchref.TalkTalk()},
		{"talktalk", benchHandler(b)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			srv := httptest.NewServer(tc.h)
			defer srv.Close()
			client := srv.Client()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res, err := client.Post(srv.URL, "application/json;charset=UTF-8", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
		})
	}
}

// BenchmarkWebhookInProcess is the same comparison without the network:
// ServeHTTP on an httptest.ResponseRecorder, so the handler's own cost is
// not hidden by loopback latency.
func BenchmarkWebhookInProcess(b *testing.B) {
	body := benchBody(b)
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{
		{"reference", benchref.TalkTalk()},
		{"talktalk", benchHandler(b)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
				r.RemoteAddr = talktalktest.RemoteAddr
				w := httptest.NewRecorder()
				tc.h.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// BenchmarkSend compares Client.Send with a raw net/http POST of the same
// body to the same loopback server.
func BenchmarkSend(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		_, _ = io.WriteString(w, `{"success":true,"resultCode":"00"}`)
	}))
	defer srv.Close()
	ev := benchSendEvent()
	body, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()

	b.Run("raw", func(b *testing.B) {
		hc := srv.Client()
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/chatbot/v1/event", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json;charset=UTF-8")
			req.Header.Set("Authorization", testKey)
			res, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.ReadAll(res.Body)
			res.Body.Close()
		}
	})
	b.Run("talktalk", func(b *testing.B) {
		c, err := talktalk.New(testKey, talktalk.WithBaseURL(srv.URL+"/chatbot/v1/"), talktalk.WithHTTPClient(srv.Client()))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Send(ctx, ev); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecode measures decoding one webhook body.
func BenchmarkDecode(b *testing.B) {
	body := benchBody(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := talktalk.Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}

// pairRatio runs ref and ours alternately in small batches, swapping the
// order every round, so that load from other processes hits both sides
// alike; it reports each side's ns/op and allocs/op and the ratios.
func pairRatio(b *testing.B, ref, ours func()) {
	const batch = 20
	var tRef, tOurs time.Duration
	rounds := 0
	for b.Loop() {
		first, second := ref, ours
		if rounds%2 == 1 {
			first, second = ours, ref
		}
		t0 := time.Now()
		for range batch {
			first()
		}
		t1 := time.Now()
		for range batch {
			second()
		}
		t2 := time.Now()
		if rounds%2 == 0 {
			tRef += t1.Sub(t0)
			tOurs += t2.Sub(t1)
		} else {
			tOurs += t1.Sub(t0)
			tRef += t2.Sub(t1)
		}
		rounds++
	}
	n := float64(rounds * batch)
	refNs, oursNs := float64(tRef.Nanoseconds())/n, float64(tOurs.Nanoseconds())/n
	refAllocs := testing.AllocsPerRun(200, ref)
	oursAllocs := testing.AllocsPerRun(200, ours)
	b.ReportMetric(refNs, "ref-ns/op")
	b.ReportMetric(oursNs, "talktalk-ns/op")
	b.ReportMetric(oursNs/refNs, "ns-ratio")
	b.ReportMetric(refAllocs, "ref-allocs/op")
	b.ReportMetric(oursAllocs, "talktalk-allocs/op")
	b.ReportMetric(oursAllocs/refAllocs, "allocs-ratio")
}

// BenchmarkWebhookRatio: the handler against the reference handler, end to
// end over loopback HTTP (httptest.Server), interleaved.
func BenchmarkWebhookRatio(b *testing.B) {
	body := benchBody(b)
	refSrv := httptest.NewServer(benchref.TalkTalk())
	defer refSrv.Close()
	ourSrv := httptest.NewServer(benchHandler(b))
	defer ourSrv.Close()
	do := func(srv *httptest.Server) func() {
		client := srv.Client()
		return func() {
			res, err := client.Post(srv.URL, "application/json;charset=UTF-8", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Fatalf("status %d", res.StatusCode)
			}
		}
	}
	pairRatio(b, do(refSrv), do(ourSrv))
}

// BenchmarkWebhookInProcessRatio: the handler against the reference
// handler, ServeHTTP on a recorder, interleaved.
func BenchmarkWebhookInProcessRatio(b *testing.B) {
	body := benchBody(b)
	do := func(h http.Handler) func() {
		return func() {
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.RemoteAddr = talktalktest.RemoteAddr
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 200 {
				b.Fatalf("status %d", w.Code)
			}
		}
	}
	pairRatio(b, do(benchref.TalkTalk()), do(benchHandler(b)))
}

// BenchmarkSendRatio: Client.Send against a raw net/http POST of the same
// body to the same loopback server, interleaved.
func BenchmarkSendRatio(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		_, _ = io.WriteString(w, `{"success":true,"resultCode":"00"}`)
	}))
	defer srv.Close()
	ev := benchSendEvent()
	body, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	hc := srv.Client()
	raw := func() {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/chatbot/v1/event", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
		req.Header.Set("Authorization", testKey)
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.ReadAll(res.Body)
		res.Body.Close()
	}
	c, err := talktalk.New(testKey, talktalk.WithBaseURL(srv.URL+"/chatbot/v1/"), talktalk.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	ours := func() {
		if _, err := c.Send(ctx, ev); err != nil {
			b.Fatal(err)
		}
	}
	pairRatio(b, raw, ours)
}

func benchSendEvent() *talktalk.SendEvent {
	return &talktalk.SendEvent{User: "al-2eGuGr5WQOnco1_V-FQ", Content: talktalk.Content{Text: &talktalk.TextContent{
		Text: "주문이 접수되었습니다. 배송이 시작되면 알려드릴게요.",
		QuickReply: &talktalk.QuickReply{ButtonList: talktalk.ButtonList{
			&talktalk.TextButton{Title: "주문 조회", Code: "order=status"},
			&talktalk.LinkButton{Title: "고객센터", URL: "https://example.com/help", MobileURL: "https://m.example.com/help"},
		}},
	}}}
}
