package webhookio

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// oldReadBody is ReadBody as it was when it sized its buffer from the
// declared Content-Length, kept as the reference its replacement is
// measured against.
func oldReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	if r.Body == nil {
		return nil, nil
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	n := r.ContentLength
	if n < 0 || n > limit {
		n = 512
	}
	buf := make([]byte, 0, n+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		k, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// BenchmarkReadBody reads typical webhook bodies with ReadBody and with the
// reference that trusted Content-Length, interleaved.
func BenchmarkReadBody(b *testing.B) {
	impls := []struct {
		name string
		read func(http.ResponseWriter, *http.Request, int64) ([]byte, error)
	}{{"old", oldReadBody}, {"new", ReadBody}}
	for _, size := range []struct {
		name    string
		n       int
		chunked bool
	}{{"1KiB", 1 << 10, false}, {"64KiB", 64 << 10, false}, {"1KiB_chunked", 1 << 10, true}} {
		body := bytes.Repeat([]byte("x"), size.n)
		for _, impl := range impls {
			b.Run(fmt.Sprintf("%s/%s", size.name, impl.name), func(b *testing.B) {
				rd := bytes.NewReader(body)
				r := httptest.NewRequest(http.MethodPost, "/", nil)
				w := httptest.NewRecorder()
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				for b.Loop() {
					rd.Reset(body)
					r.Body = io.NopCloser(rd)
					r.ContentLength = int64(size.n)
					if size.chunked {
						r.ContentLength = -1
					}
					got, err := impl.read(w, r, 0)
					if err != nil || len(got) != size.n {
						b.Fatalf("read %d bytes, %v", len(got), err)
					}
				}
			})
		}
	}
}
