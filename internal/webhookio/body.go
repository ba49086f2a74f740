package webhookio

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// How a body read sizes its buffer. The memory a request holds before it is
// verified grows with the bytes that actually arrive, never with the
// declared Content-Length: a client that declares 1 MiB and sends one byte
// makes the server hold 4 KiB, not 1 MiB.
const (
	// firstBuffer is the most a read allocates before any byte arrives:
	// as much as net/http's own read buffer of the connection. A declared
	// length below it is allocated as is.
	firstBuffer = 4 << 10
	// unknownLength is the first buffer of a body of unknown length
	// (chunked), where io.ReadAll starts too.
	unknownLength = 512
	// growth is how many times the bytes received a full buffer grows to.
	growth = 4
)

// ReadBody reads r's body in a handler, at most limit bytes. Past the limit
// it returns an *http.MaxBytesError and the server closes the connection
// after the response, as http.MaxBytesReader does. A declared length over
// the limit fails before anything is read. The buffer grows with the bytes
// received, to at most four times their number, whatever the declared
// Content-Length; an honest body ends in a buffer of its exact size. A
// read that fails for another reason (the client hung up) is an error
// wrapping [ErrMalformed] and the cause.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	if r.Body == nil {
		return nil, nil // a request built with http.NewRequest and no body
	}
	// The loop is read's, written out here so that the MaxBytesReader
	// stays on the stack.
	body := http.MaxBytesReader(w, r.Body, limit)
	b := newBuffer(r.ContentLength, limit)
	for {
		p := b.room()
		if p == nil {
			b.release()
			return nil, &http.MaxBytesError{Limit: limit}
		}
		k, err := body.Read(p)
		b.add(k)
		if err != nil {
			return b.end(err)
		}
	}
}

// ReadRequest is [ReadBody] for code that has no ResponseWriter
// (ParseRequest): it reads r's body, at most limit bytes (0 means
// [DefaultMaxBody]), and sizes its buffer as ReadBody does. A longer body,
// declared or sent, is an *http.MaxBytesError; another read failure wraps
// [ErrMalformed] and the cause, as in ReadBody.
func ReadRequest(r *http.Request, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	if r.Body == nil {
		return nil, nil // a client-side request (http.NewRequest with a nil body)
	}
	return read(r.Body, r.ContentLength, limit)
}

// ReadAll reads at most limit bytes from rd, for code that has no
// ResponseWriter (ParseRequest). A longer body is an *http.MaxBytesError;
// another read failure wraps [ErrMalformed] and the cause, as in
// [ReadBody].
func ReadAll(rd io.Reader, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	if rd == nil {
		return nil, nil // a client-built request without a body
	}
	return read(rd, -1, limit)
}

// read reads rd to its end, sizing its buffer from declared (the
// Content-Length, -1 when unknown) as [ReadBody] does; more than limit
// bytes is an *http.MaxBytesError.
func read(rd io.Reader, declared, limit int64) ([]byte, error) {
	b := newBuffer(declared, limit)
	for {
		p := b.room()
		if p == nil {
			b.release()
			return nil, &http.MaxBytesError{Limit: limit}
		}
		k, err := rd.Read(p)
		b.add(k)
		if err != nil {
			return b.end(err)
		}
	}
}

// buffer is a body being read. Its intermediate buffers, the ones a
// growing body leaves behind, come from pools; the one it returns never
// does.
type buffer struct {
	buf      []byte
	pooled   *[]byte // buf's backing array, if it came from a pool
	declared int64
	limit    int64
}

// Pools of intermediate buffers, one per size a read grows through from
// firstBuffer: 4, 16, 64 and 256 KiB.
var pools [4]sync.Pool

// poolSize is the size of the buffers in pools[i].
func poolSize(i int) int64 { return firstBuffer << (2 * i) }

func poolIndex(size int64) int {
	for i := range pools {
		if poolSize(i) == size {
			return i
		}
	}
	return -1
}

func newBuffer(declared, limit int64) buffer {
	b := buffer{declared: declared, limit: limit}
	switch {
	case declared < 0:
		b.buf = make([]byte, 0, min(unknownLength, limit+1))
	case declared < firstBuffer:
		b.buf = make([]byte, 0, declared+1) // +1: room to see EOF without growing
	default:
		b.alloc(min(firstBuffer, limit+1))
	}
	return b
}

// alloc points b at a new buffer of capacity c: from a pool if c is an
// intermediate size, made otherwise (the declared length, or the limit).
func (b *buffer) alloc(c int64) {
	if i := poolIndex(c); i >= 0 && c != b.declared+1 {
		p, _ := pools[i].Get().(*[]byte)
		if p == nil {
			s := make([]byte, c)
			p = &s
		}
		b.buf, b.pooled = (*p)[:0], p
		return
	}
	b.buf, b.pooled = make([]byte, 0, c), nil
}

// room returns where the next bytes go, growing a full buffer: to growth
// times the bytes received so far, or to the declared length (+1, to see
// EOF) once that is within reach, so that an honest body ends in a buffer
// of its exact size; never past limit+1, enough to tell that a body is
// over the limit. It returns nil once more than limit bytes have come.
func (b *buffer) room() []byte {
	if len(b.buf) < cap(b.buf) {
		return b.buf[len(b.buf):cap(b.buf)]
	}
	n := int64(len(b.buf))
	if n > b.limit {
		return nil
	}
	c := growth * n
	if b.declared > n && b.declared <= c {
		c = b.declared + 1
	}
	c = max(min(c, b.limit+1), n+1)
	old, oldPool := b.buf, b.pooled
	b.alloc(c)
	b.buf = append(b.buf, old...)
	b.put(old, oldPool)
	return b.buf[len(b.buf):cap(b.buf)]
}

func (b *buffer) add(k int) { b.buf = b.buf[:len(b.buf)+k] }

// end finishes a read that stopped with err: at io.EOF it returns the
// body, in a buffer of its own; otherwise err, as [readError] words it.
func (b *buffer) end(err error) ([]byte, error) {
	switch {
	case err != io.EOF:
		err = readError(err)
	case int64(len(b.buf)) > b.limit:
		err = &http.MaxBytesError{Limit: b.limit}
	case b.pooled == nil:
		return b.buf, nil
	default:
		out := make([]byte, len(b.buf))
		copy(out, b.buf)
		b.release()
		return out, nil
	}
	b.release()
	return nil, err
}

// readError is the error of a body read that failed: an
// *http.MaxBytesError as it is (413), and any other failure (a client that
// hung up, an unexpected EOF, a read timeout) wrapped in [ErrMalformed]
// (400), keeping its cause: the request did not arrive whole, which is the
// client's failure, not the server's. A read error never holds body
// content.
func readError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrMalformed, err)
}

// release gives a pooled buffer back.
func (b *buffer) release() {
	b.put(b.buf, b.pooled)
	b.buf, b.pooled = nil, nil
}

func (b *buffer) put(buf []byte, p *[]byte) {
	if p != nil {
		pools[poolIndex(int64(cap(buf)))].Put(p)
	}
}
