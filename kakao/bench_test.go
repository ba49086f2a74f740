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

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
)

// referenceHandler is the minimal stdlib skill server the design budget
// measures against: bounded read, json.Unmarshal into a minimal struct, a
// fixed simpleText response.
func referenceHandler() http.Handler {
	fixed := []byte(`{"version":"2.0","template":{"outputs":[{"simpleText":{"text":"hello"}}]}}`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		var req struct {
			UserRequest struct {
				Utterance string `json:"utterance"`
				User      struct {
					ID string `json:"id"`
				} `json:"user"`
			} `json:"userRequest"`
			Bot struct {
				ID string `json:"id"`
			} `json:"bot"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(fixed)
	})
}

func kakaoHandler(b *testing.B) http.Handler {
	resp := kakao.NewResponse(kakao.Text("hello"))
	h, err := kakao.NewSkillHandler(func(context.Context, *kakao.Request) (*kakao.Response, error) {
		return resp, nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkSkillHandler compares the kakao skill handler with the
// reference, end to end through an httptest server (loopback HTTP/1.1,
// keep-alive), on the same realistic payload.
func BenchmarkSkillHandler(b *testing.B) {
	body := kakaotest.NewBody(b, kakaotest.WithUtterance("오늘 날씨 어때?"), kakaotest.WithParam("sys_location", "서울"))
	for _, bc := range []struct {
		name string
		h    func(*testing.B) http.Handler
	}{
		{"reference", func(*testing.B) http.Handler { return referenceHandler() }},
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

// BenchmarkSkillHandlerInProcess is the same comparison without the
// network (httptest.ResponseRecorder): the handlers' own cost.
func BenchmarkSkillHandlerInProcess(b *testing.B) {
	body := kakaotest.NewBody(b, kakaotest.WithUtterance("오늘 날씨 어때?"), kakaotest.WithParam("sys_location", "서울"))
	for _, bc := range []struct {
		name string
		h    func(*testing.B) http.Handler
	}{
		{"reference", func(*testing.B) http.Handler { return referenceHandler() }},
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

// BenchmarkSkillHandlerRatio interleaves the two handlers request by
// request, so that load on a shared machine affects both alike, and reports
// each one's ns/op and their ratio (kakao/reference).
func BenchmarkSkillHandlerRatio(b *testing.B) {
	body := kakaotest.NewBody(b, kakaotest.WithUtterance("오늘 날씨 어때?"), kakaotest.WithParam("sys_location", "서울"))
	b.Run("httptest_server", func(b *testing.B) {
		ref := httptest.NewServer(referenceHandler())
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
	b.Run("in_process", func(b *testing.B) {
		ref, kk := referenceHandler(), kakaoHandler(b)
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
	})
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

// BenchmarkParse decodes a realistic payload as Kakao sends it, and the
// same payload with "isFriend":"true" (a string, as some payloads carry
// it), which must not cost more.
func BenchmarkParse(b *testing.B) {
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
				if _, err := kakao.Parse(bc.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
