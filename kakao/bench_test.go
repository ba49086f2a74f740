package kakao_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/benchpair"
	"github.com/channelkit/channelkit/internal/benchref"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
)

func kakaoHandler(b *testing.B) http.Handler {
	resp := kakao.NewResponse(kakao.Text("hello"))
	h, err := kakao.NewWebhookHandler(func(context.Context, *kakao.Request) (*kakao.Response, error) {
		return resp, nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// callbackHandler is kakaoHandler with the callback flow on: a request
// with a callback URL races the budget, and wins it.
func callbackHandler(b *testing.B) http.Handler {
	resp := kakao.NewResponse(kakao.Text("hello"))
	h, err := kakao.NewWebhookHandler(func(context.Context, *kakao.Request) (*kakao.Response, error) {
		return resp, nil
	}, kakao.WithCallback(0, nil))
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkWebhookHandler compares the kakao skill handler with the
// reference, end to end through an httptest server (loopback HTTP/1.1,
// keep-alive), on the same realistic payload.
func BenchmarkWebhookHandler(b *testing.B) {
	body := kakaotest.NewBody(b, kakaotest.WithUtterance("오늘 날씨 어때?"), kakaotest.WithParam("sys_location", "서울"))
	for _, bc := range []struct {
		name string
		h    func(*testing.B) http.Handler
	}{
		{"reference", func(*testing.B) http.Handler { return benchref.Kakao() }},
		{"kakao", kakaoHandler},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := httptest.NewServer(bc.h(b))
			defer srv.Close()
			client := srv.Client()
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res, err := client.Post(srv.URL, "application/json", bytes.NewReader(body))
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

// BenchmarkWebhookHandlerInProcess is the same comparison without the
// network (httptest.ResponseRecorder): the handlers' own cost.
func BenchmarkWebhookHandlerInProcess(b *testing.B) {
	body := kakaotest.NewBody(b, kakaotest.WithUtterance("오늘 날씨 어때?"), kakaotest.WithParam("sys_location", "서울"))
	for _, bc := range []struct {
		name string
		h    func(*testing.B) http.Handler
	}{
		{"reference", func(*testing.B) http.Handler { return benchref.Kakao() }},
		{"kakao", kakaoHandler},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := bc.h(b)
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// BenchmarkWebhookHandlerRatio interleaves the two handlers request by
// request, so that load on a shared machine affects both alike, and reports
// each one's ns/op and their ratio (kakao/reference).
func BenchmarkWebhookHandlerRatio(b *testing.B) {
	body := kakaotest.NewBody(b, kakaotest.WithUtterance("오늘 날씨 어때?"), kakaotest.WithParam("sys_location", "서울"))
	b.Run("httptest_server", func(b *testing.B) {
		ref := httptest.NewServer(benchref.Kakao())
		defer ref.Close()
		kk := httptest.NewServer(kakaoHandler(b))
		defer kk.Close()
		do := func(srv *httptest.Server) time.Duration {
			start := time.Now()
			res, err := srv.Client().Post(srv.URL, "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Fatalf("status %d", res.StatusCode)
			}
			return time.Since(start)
		}
		ratio(b, func() time.Duration { return do(ref) }, func() time.Duration { return do(kk) })
	})
	inProcess := func(b *testing.B, ref http.Handler) {
		kk := kakaoHandler(b)
		do := func(h http.Handler) time.Duration {
			start := time.Now()
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
			if w.Code != 200 {
				b.Fatalf("status %d", w.Code)
			}
			return time.Since(start)
		}
		ratio(b, func() time.Duration { return do(ref) }, func() time.Duration { return do(kk) })
	}
	b.Run("in_process", func(b *testing.B) { inProcess(b, benchref.Kakao()) })
	// Against a server that decodes only what an echo reads.
	b.Run("in_process_minimal", func(b *testing.B) { inProcess(b, benchref.KakaoMinimal()) })
	// A callback-enabled handler answering in time, in process: the
	// budget costs a timer, no goroutine.
	b.Run("callback_in_time", func(b *testing.B) {
		body := kakaotest.NewBody(b, kakaotest.WithUtterance("오늘 날씨 어때?"), kakaotest.WithParam("sys_location", "서울"),
			kakaotest.WithCallbackURL("https://bot-api.kakao.com/v1/callback/benchmark-token"))
		ref, kk := benchref.Kakao(), callbackHandler(b)
		do := func(h http.Handler) time.Duration {
			start := time.Now()
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
			if w.Code != 200 || bytes.Contains(w.Body.Bytes(), []byte("useCallback")) {
				b.Fatalf("status %d %s", w.Code, w.Body)
			}
			return time.Since(start)
		}
		ratio(b, func() time.Duration { return do(ref) }, func() time.Duration { return do(kk) })
	})
}

// BenchmarkClientSendRatio interleaves a callback delivery through the
// client with a raw net/http POST of the same body to the same loopback
// endpoint, and reports their medians and ratio (client/raw).
func BenchmarkClientSendRatio(b *testing.B) {
	answer := []byte(`{"taskId":"00000000-0000-0000-0000-000000000000","status":"SUCCESS","message":"OK","timestamp":1700000000000}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	defer srv.Close()
	u := srv.URL + "/v1/callback/benchmark-token"
	resp := kakao.NewResponse(kakao.Text("오래 생각한 답"))
	body, err := json.Marshal(resp)
	if err != nil {
		b.Fatal(err)
	}
	hc := srv.Client()
	cl := benchClient(b, hc)
	ctx := context.Background()
	raw := func() time.Duration {
		start := time.Now()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var a struct {
			Status string `json:"status"`
		}
		if res.StatusCode != 200 || json.Unmarshal(out, &a) != nil || a.Status != "SUCCESS" {
			b.Fatalf("raw: %d %s", res.StatusCode, out)
		}
		return time.Since(start)
	}
	send := func() time.Duration {
		start := time.Now()
		if _, err := cl.Send(ctx, u, resp); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	b.ReportAllocs()
	ratio(b, raw, send)
}

// ratio runs ref and kk alternately and reports the median time of each
// (medians shrug off the preemptions a shared machine causes) and their
// ratio.
func ratio(b *testing.B, ref, kk func() time.Duration) {
	var tr, tk []time.Duration
	n := 0
	for b.Loop() {
		if n%2 == 0 {
			tr = append(tr, ref())
			tk = append(tk, kk())
		} else {
			tk = append(tk, kk())
			tr = append(tr, ref())
		}
		n++
	}
	mr, mk := median(tr), median(tk)
	b.ReportMetric(float64(mr.Nanoseconds()), "ref-p50-ns")
	b.ReportMetric(float64(mk.Nanoseconds()), "kakao-p50-ns")
	b.ReportMetric(float64(mk)/float64(mr), "ratio")
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkDecode decodes a realistic payload as Kakao sends it, and the
// same payload with "isFriend":"true" (a string, as some payloads carry
// it), which must not cost more.
func BenchmarkDecode(b *testing.B) {
	normal, err := os.ReadFile(filepath.Join("testdata", "webhook", "text_input.json"))
	if err != nil {
		b.Fatal(err)
	}
	stringy := bytes.Replace(normal, []byte(`"isFriend": true`), []byte(`"isFriend": "true"`), 1)
	if bytes.Equal(stringy, normal) {
		b.Fatal(`text_input.json has no "isFriend": true`)
	}
	for _, bc := range []struct {
		name string
		body []byte
	}{
		{"payload=normal", normal},
		{"payload=isFriendString", stringy},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := kakao.Decode(bc.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchClient(b *testing.B, hc *http.Client) *kakao.Client {
	cl, err := kakao.New(kakao.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	return cl
}

// BenchmarkDecodeRatio interleaves Decode with the encoding/json decoders
// alone (DecodeJSON) call by call, on a realistic payload as Kakao sends
// it and on the payload the handler benchmarks send, and reports their
// ratio (Decode/encoding/json).
func BenchmarkDecodeRatio(b *testing.B) {
	recorded, err := os.ReadFile(filepath.Join("testdata", "webhook", "text_input.json"))
	if err != nil {
		b.Fatal(err)
	}
	built := kakaotest.NewBody(b, kakaotest.WithUtterance("오늘 날씨 어때?"), kakaotest.WithParam("sys_location", "서울"))
	for _, bc := range []struct {
		name string
		body []byte
	}{
		{"payload=recorded", recorded},
		{"payload=kakaotest", built},
	} {
		b.Run(bc.name, func(b *testing.B) {
			decode := func(f func([]byte) (*kakao.Request, error)) func() {
				return func() {
					if _, err := f(bc.body); err != nil {
						b.Fatal(err)
					}
				}
			}
			benchpair.Medians(b, "encoding_json", decode(kakao.DecodeJSON), "decode", decode(kakao.Decode))
		})
	}
}
