package hostile_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
)

// parkedConns is how many slow clients the memory tests park at once.
const parkedConns = 64

// declared is the Content-Length the slow clients declare: every
// handler's default limit, 1 MiB.
const declared = webhookio.DefaultMaxBody

// Credentials of the handlers the memory tests park clients in. The clients
// never get as far as a signature check.
const (
	memorySecret = "memory-test-secret"
	memoryApp    = "com.example.memory"
)

// maxHeldPerConn bounds what one connection that declared a 1 MiB body and
// sent one byte may make the server hold, everything included (net/http's
// own connection state is about 10 KiB of it).
const maxHeldPerConn = 32 << 10

// liveHeap is the heap still in use after full collections: two, so that
// what sync.Pools dropped is gone too.
func liveHeap() (alloc, inuse int64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc), int64(m.HeapInuse)
}

// signalBody reports on parked when its reader, having got at least one
// byte, asks for more: the handler has allocated whatever it reads into
// and now waits for the client.
type signalBody struct {
	io.ReadCloser
	got      int
	signaled bool
	parked   chan<- struct{}
}

func (b *signalBody) Read(p []byte) (int, error) {
	if b.got > 0 && !b.signaled {
		b.signaled = true
		b.parked <- struct{}{}
	}
	n, err := b.ReadCloser.Read(p)
	b.got += n
	return n, err
}

// memoryHandlers are the five handlers in the configuration that reads the
// body before anything else can refuse the request (Kakao without a header
// secret, TalkTalk with loopback on its allow-list), plus a minimal
// stdlib handler for reference.
func memoryHandlers(t *testing.T) []struct {
	name string
	h    http.Handler
} {
	t.Helper()
	must := func(h http.Handler, err error) http.Handler {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	loopback, err := signature.NewAllowList([]string{"127.0.0.0/8", "::1/128"})
	if err != nil {
		t.Fatal(err)
	}
	return []struct {
		name string
		h    http.Handler
	}{
		{"stdlib", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := io.ReadAll(http.MaxBytesReader(w, r.Body, declared)); err != nil {
				w.WriteHeader(http.StatusBadRequest)
			}
		})},
		{"line", must(line.NewWebhookHandler(signature.MustSecretSet(memorySecret),
			func(context.Context, *line.Callback) error { return nil }))},
		{"kakao", must(kakao.NewWebhookHandler(func(context.Context, *kakao.Request) (*kakao.Response, error) { return nil, nil }))},
		{"talktalk", must(talktalk.NewWebhookHandler(func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil },
			talktalk.WithAllowList(loopback)))},
		{"naverworks", must(naverworks.NewWebhookHandler(signature.MustSecretSet(memorySecret),
			func(context.Context, naverworks.Event) error { return nil }))},
		{"clova", must(clova.NewWebhookHandler(memoryApp, func(context.Context, *clova.Request) (*clova.Response, error) { return nil, nil },
			clova.WithPublicKey(clovatest.PublicKey())))},
	}
}

// TestHandlersHoldWhatArrived parks slow clients inside each handler's body
// read, over real TCP: each declares a 1 MiB body, sends one byte and goes
// quiet. What the server then holds must not grow with the declared
// length. Not parallel: it measures the whole heap.
func TestHandlersHoldWhatArrived(t *testing.T) {
	for _, tt := range memoryHandlers(t) {
		t.Run(tt.name, func(t *testing.T) {
			parked := make(chan struct{}, parkedConns)
			answered := make(chan struct{}, parkedConns)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.Body = &signalBody{ReadCloser: r.Body, parked: parked}
				tt.h.ServeHTTP(w, r)
				answered <- struct{}{}
			}))
			defer srv.Close()
			conns := make([]net.Conn, 0, parkedConns)
			defer func() {
				for _, c := range conns {
					c.Close()
				}
			}()
			// One whole request first, so that the server's lazily built
			// state is not counted.
			res, err := srv.Client().Post(srv.URL, "application/json", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			<-answered
			srv.Client().CloseIdleConnections()
			head := fmt.Sprintf("POST / HTTP/1.1\r\nHost: hostile.test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", declared)
			alloc0, inuse0 := liveHeap()
			for range parkedConns {
				c, err := net.Dial("tcp", srv.Listener.Addr().String())
				if err != nil {
					t.Fatal(err)
				}
				conns = append(conns, c)
				if _, err := io.WriteString(c, head); err != nil {
					t.Fatal(err)
				}
			}
			for range parkedConns {
				select {
				case <-parked:
				case <-answered:
					t.Fatal("the handler answered before reading the body; the test needs a configuration that reads it")
				}
			}
			alloc1, inuse1 := liveHeap()
			per := (alloc1 - alloc0) / parkedConns
			t.Logf("%d parked connections: HeapAlloc +%.2f MiB, HeapInuse +%.2f MiB; %.1f KiB each",
				parkedConns, float64(alloc1-alloc0)/(1<<20), float64(inuse1-inuse0)/(1<<20), float64(per)/(1<<10))
			if per > maxHeldPerConn {
				t.Errorf("each connection holds %d bytes after sending 1 byte of a declared %d; want at most %d", per, declared, maxHeldPerConn)
			}
		})
	}
}

// stalledBody hands out one byte, then reports on parked and blocks until
// release is closed.
type stalledBody struct {
	sent    bool
	parked  chan<- struct{}
	release <-chan struct{}
}

func (b *stalledBody) Read(p []byte) (int, error) {
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

func (*stalledBody) Close() error { return nil }

// TestParseRequestHoldsWhatArrived is TestHandlersHoldWhatArrived for the
// ParseRequest functions, in process. Not parallel: it measures the heap.
func TestParseRequestHoldsWhatArrived(t *testing.T) {
	pub, set := clovatest.PublicKey(), signature.MustSecretSet(memorySecret)
	tests := []struct {
		name  string
		parse func(*http.Request) error
	}{
		{"line", func(r *http.Request) error { _, err := line.ParseRequest(set, r); return err }},
		{"kakao", func(r *http.Request) error {
			r.Header.Set(kakao.DefaultSecretHeader, memorySecret) // checked before the body is read
			_, err := kakao.ParseRequest(set, r)
			return err
		}},
		{"talktalk", func(r *http.Request) error { _, err := talktalk.ParseRequest(httptestPeer, r); return err }},
		{"naverworks", func(r *http.Request) error {
			_, err := naverworks.ParseRequest(signature.MustSecretSet(memorySecret), r)
			return err
		}},
		{"clova", func(r *http.Request) error { _, err := clova.ParseRequest(pub, r); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parked := make(chan struct{}, parkedConns)
			release := make(chan struct{})
			reqs := make([]*http.Request, parkedConns)
			for i := range reqs {
				r := httptest.NewRequest(http.MethodPost, "/", nil)
				r.Body, r.ContentLength = &stalledBody{parked: parked, release: release}, declared
				reqs[i] = r
			}
			errs := make(chan error, parkedConns)
			alloc0, _ := liveHeap()
			var wg sync.WaitGroup
			for _, r := range reqs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- tt.parse(r)
				}()
			}
			for range parkedConns {
				<-parked
			}
			alloc1, _ := liveHeap()
			close(release)
			wg.Wait()
			close(errs)
			for err := range errs {
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("ParseRequest of a cut body = %v, want io.ErrUnexpectedEOF", err)
				}
			}
			per := (alloc1 - alloc0) / parkedConns
			t.Logf("%d parked ParseRequest calls hold %.2f MiB, %.1f KiB each", parkedConns, float64(alloc1-alloc0)/(1<<20), float64(per)/(1<<10))
			if per > maxHeldPerConn {
				t.Errorf("each call holds %d bytes after reading 1 byte of a declared %d; want at most %d", per, declared, maxHeldPerConn)
			}
		})
	}
}

// countingBody counts the bytes read from it.
type countingBody struct {
	io.Reader
	n int
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	c.n += n
	return n, err
}

func (*countingBody) Close() error { return nil }

// TestParseRequestRefusesDeclaredOversize: a body that declares more than
// the limit is refused before a byte of it is read, as the handlers do.
func TestParseRequestRefusesDeclaredOversize(t *testing.T) {
	t.Parallel()
	pub, set := clovatest.PublicKey(), signature.MustSecretSet(memorySecret)
	tests := []struct {
		name  string
		parse func(*http.Request) error
	}{
		{"line", func(r *http.Request) error { _, err := line.ParseRequest(set, r); return err }},
		{"kakao", func(r *http.Request) error {
			r.Header.Set(kakao.DefaultSecretHeader, memorySecret) // checked before the body is read
			_, err := kakao.ParseRequest(set, r)
			return err
		}},
		{"talktalk", func(r *http.Request) error { _, err := talktalk.ParseRequest(httptestPeer, r); return err }},
		{"naverworks", func(r *http.Request) error {
			_, err := naverworks.ParseRequest(signature.MustSecretSet(memorySecret), r)
			return err
		}},
		{"clova", func(r *http.Request) error { _, err := clova.ParseRequest(pub, r); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := &countingBody{Reader: strings.NewReader(strings.Repeat(" ", declared+1))}
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			r.Body, r.ContentLength = body, declared+1
			var mbe *http.MaxBytesError
			if err := tt.parse(r); !errors.As(err, &mbe) {
				t.Errorf("ParseRequest = %v, want an *http.MaxBytesError", err)
			}
			if body.n != 0 {
				t.Errorf("ParseRequest read %d bytes of a body declared over the limit, want 0", body.n)
			}
		})
	}
}

// httptestPeer admits the peer address httptest.NewRequest gives a
// request (192.0.2.1) to TalkTalk's ParseRequest, which checks the sender
// before it reads the body.
var httptestPeer, _ = signature.NewAllowList([]string{"192.0.2.1/32"})
