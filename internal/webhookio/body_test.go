package webhookio

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
)

// parkedBody hands out one byte, then tells parked that its reader is
// waiting for more and blocks until release is closed: a client that
// declared a large Content-Length, sent a byte and went quiet.
type parkedBody struct {
	sent    bool
	parked  chan<- struct{}
	release <-chan struct{}
}

func (b *parkedBody) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if !b.sent {
		b.sent = true
		p[0] = '{'
		return 1, nil
	}
	b.parked <- struct{}{}
	<-b.release
	return 0, io.ErrUnexpectedEOF
}

func (*parkedBody) Close() error { return nil }

// liveHeap is the heap still in use after full collections: two, so that
// what sync.Pools dropped is gone too.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// maxHeldPerRequest bounds what one read that has received a single byte
// of a body declared 1 MiB long may hold: its first buffer and the
// reader's bookkeeping.
const maxHeldPerRequest = 8 << 10

// TestReadHoldsWhatArrived parks n reads of bodies that declare 1 MiB and
// send one byte, and measures the heap they hold between them. It is not
// parallel: it measures the whole heap.
func TestReadHoldsWhatArrived(t *testing.T) {
	const n = 64
	tests := []struct {
		name string
		read func(*http.Request) ([]byte, error)
	}{
		{"ReadBody", func(r *http.Request) ([]byte, error) { return ReadBody(httptest.NewRecorder(), r, 0) }},
		{"ReadRequest", func(r *http.Request) ([]byte, error) { return ReadRequest(r, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parked := make(chan struct{}, n)
			release := make(chan struct{})
			reqs := make([]*http.Request, n)
			for i := range reqs {
				r := httptest.NewRequest(http.MethodPost, "/", nil)
				r.Body = &parkedBody{parked: parked, release: release}
				r.ContentLength = DefaultMaxBody
				reqs[i] = r
			}
			errs := make(chan error, n)
			before := liveHeap()
			var wg sync.WaitGroup
			for _, r := range reqs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := tt.read(r)
					errs <- err
				}()
			}
			for range n {
				<-parked
			}
			held := liveHeap() - before
			close(release)
			wg.Wait()
			close(errs)
			for err := range errs {
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("read of a cut body = %v, want io.ErrUnexpectedEOF", err)
				}
			}
			per := held / n
			t.Logf("%d parked reads hold %.2f MiB, %.1f KiB each", n, float64(held)/(1<<20), float64(per)/(1<<10))
			if per > maxHeldPerRequest {
				t.Errorf("each read holds %d bytes after receiving 1 byte of a declared %d; want at most %d", per, DefaultMaxBody, maxHeldPerRequest)
			}
		})
	}
}

// chunkReader returns at most n bytes per Read, as a slow connection does.
type chunkReader struct {
	b []byte
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.b)
	c.b = c.b[k:]
	return k, nil
}

func (*chunkReader) Close() error { return nil }

// FuzzRead checks the three readers against the plain definition (the
// body, or *http.MaxBytesError past the limit or a declared length past
// it), whatever the Content-Length claims and however the body arrives,
// and that the buffer stays within a few times the bytes received. The
// body is given by its size, so that inputs stay small to minimise.
func FuzzRead(f *testing.F) {
	f.Add(uint32(13), uint8(0), uint32(0), uint32(100), uint16(64))
	f.Add(uint32(5000), uint8(1), uint32(0), uint32(4096), uint16(7))
	f.Add(uint32(9000), uint8(2), uint32(3), uint32(9000), uint16(4096))
	f.Add(uint32(70000), uint8(0), uint32(0), uint32(1<<20), uint16(32<<10))
	f.Add(uint32(300), uint8(3), uint32(200), uint32(299), uint16(1))
	f.Add(uint32(100), uint8(2), uint32(5000), uint32(10000), uint16(64)) // ends in a pooled buffer
	f.Add(uint32(0), uint8(0), uint32(0), uint32(0), uint16(0))
	f.Fuzz(func(t *testing.T, size uint32, mode uint8, delta, lim uint32, chunk uint16) {
		size, delta, lim = size%(1<<21), delta%(1<<21), lim%(1<<21)
		// Each read gets a body of its own bytes, so that one that
		// shared a buffer with another would show.
		bodyOf := func(k int) []byte {
			b := make([]byte, size)
			for i := range b {
				b[i] = byte((i + 101*k) % 251)
			}
			return b
		}
		limit := int64(lim) + 1
		declared := int64(size) // honest
		switch mode % 4 {
		case 1:
			declared = -1 // chunked
		case 2:
			declared += int64(delta) // claims more than it sends
		case 3:
			declared = max(declared-int64(delta), 0) // claims less (only in process)
		}
		n := int(chunk) + 1
		request := func(body []byte) *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			r.Body, r.ContentLength = &chunkReader{b: body, n: n}, declared
			return r
		}
		readers := []struct {
			name     string
			declared int64
			read     func(body []byte) ([]byte, error)
		}{
			{"ReadBody", declared, func(b []byte) ([]byte, error) { return ReadBody(httptest.NewRecorder(), request(b), limit) }},
			{"ReadRequest", declared, func(b []byte) ([]byte, error) { return ReadRequest(request(b), limit) }},
			{"ReadAll", -1, func(b []byte) ([]byte, error) { return ReadAll(&chunkReader{b: b, n: n}, limit) }},
		}
		var kept, want [][]byte
		var names []string
		for i, tt := range readers {
			body := bodyOf(i)
			got, err := tt.read(body)
			if tt.declared > limit || int64(len(body)) > limit {
				var mbe *http.MaxBytesError
				if !errors.As(err, &mbe) || mbe.Limit != limit {
					t.Fatalf("%s of %d bytes (declared %d, limit %d) = %d bytes, %v; want *http.MaxBytesError", tt.name, len(body), tt.declared, limit, len(got), err)
				}
				continue
			}
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("%s of %d bytes (declared %d, limit %d) = %d bytes, %v", tt.name, len(body), tt.declared, limit, len(got), err)
			}
			if bound := max(firstBuffer+1, 5*len(got)); cap(got) > bound {
				t.Fatalf("%s kept a %d-byte buffer for %d bytes (declared %d)", tt.name, cap(got), len(got), tt.declared)
			}
			kept, want, names = append(kept, got), append(want, body), append(names, tt.name)
		}
		// A body is the caller's: later reads, which reuse pooled
		// buffers, must not write into it.
		for _, tt := range readers {
			_, _ = tt.read(bodyOf(len(readers)))
		}
		for i := range kept {
			if !bytes.Equal(kept[i], want[i]) {
				t.Fatalf("%s's body changed after later reads", names[i])
			}
		}
	})
}

// brokenBody sends a few bytes of a body, then fails as a client that
// hangs up mid-body does.
type brokenBody struct{ sent bool }

func (b *brokenBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, `{"a":`), nil
	}
	return 0, io.ErrUnexpectedEOF
}

func (*brokenBody) Close() error { return nil }

// TestReadErrorIsMalformed: a body read that fails for a reason other
// than size is a malformed request (400), and the cause is kept.
func TestReadErrorIsMalformed(t *testing.T) {
	t.Parallel()
	newReq := func(n int64) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Body, r.ContentLength = &brokenBody{}, n
		return r
	}
	reads := map[string]func() error{
		"ReadBody": func() error {
			_, err := ReadBody(httptest.NewRecorder(), newReq(100), 0)
			return err
		},
		"ReadBody_chunked": func() error {
			_, err := ReadBody(httptest.NewRecorder(), newReq(-1), 0)
			return err
		},
		"ReadRequest": func() error { _, err := ReadRequest(newReq(100), 0); return err },
		"ReadAll":     func() error { _, err := ReadAll(&brokenBody{}, 0); return err },
	}
	for name, read := range reads {
		err := read()
		if !errors.Is(err, ErrMalformed) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s = %v, want an error wrapping ErrMalformed and io.ErrUnexpectedEOF", name, err)
		}
		if got := Status(err); got != http.StatusBadRequest {
			t.Errorf("%s: Status = %d, want 400", name, got)
		}
	}
}
