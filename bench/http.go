package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
)

// replay is an in-process request whose body is rewound before each
// ServeHTTP, so that a row measures the handler, not request building.
type replay struct {
	r    *http.Request
	rd   *bytes.Reader
	body []byte
}

func newReplay(target string, body []byte, header http.Header) *replay {
	rd := bytes.NewReader(body)
	r := httptest.NewRequest(http.MethodPost, target, rd)
	r.Body = io.NopCloser(rd)
	r.ContentLength = int64(len(body))
	r.RemoteAddr = "127.0.0.1:40000" // on every allow-list the rows use
	for k, v := range header {
		r.Header[k] = v
	}
	return &replay{r: r, rd: rd, body: body}
}

// serve runs h on the rewound request and fails unless it answered 200.
func (rp *replay) serve(h http.Handler) error {
	rp.rd.Reset(rp.body)
	w := &discardWriter{h: http.Header{}}
	h.ServeHTTP(w, rp.r)
	if w.code != 0 && w.code != http.StatusOK {
		return fmt.Errorf("status %d", w.code)
	}
	return nil
}

// discardWriter is a ResponseWriter that keeps only the status; it can
// flush, as the asynchronous handlers' acknowledgement wants.
type discardWriter struct {
	h    http.Header
	code int
}

func (d *discardWriter) Header() http.Header { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) {
	if d.code == 0 {
		d.code = http.StatusOK
	}
	return len(p), nil
}
func (d *discardWriter) WriteHeader(code int) {
	if d.code == 0 {
		d.code = code
	}
}
func (*discardWriter) Flush() {}

// poster sends the same body to one loopback server over a keep-alive
// client and fails unless the answer is 200.
type poster struct {
	c      *http.Client
	url    string
	body   []byte
	header http.Header
}

func (p *poster) post() error {
	req, err := http.NewRequest(http.MethodPost, p.url, bytes.NewReader(p.body))
	if err != nil {
		return err
	}
	for k, v := range p.header {
		req.Header[k] = v
	}
	res, err := p.c.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return nil
}

// handlerPairs returns the two rows every platform's handler has: ours
// against the stdlib reference in process, and through a loopback server
// each.
func handlerPairs(name, target string, body []byte, header http.Header, ref, ours http.Handler, budget float64) []pair {
	return sidePairs(name+" handler", "stdlib", target, body, header, ref, ours, budget)
}

// sidePairs returns ours against ref in process and through a loopback
// server each, on the same signed request.
func sidePairs(name, refName, target string, body []byte, header http.Header, ref, ours http.Handler, budget float64) []pair {
	in1, in2 := newReplay(target, body, header), newReplay(target, body, header)
	var refP, oursP poster
	loop := pair{
		name:    name + ", loopback",
		refName: refName,
		ref:     func() error { return refP.post() },
		ours:    func() error { return oursP.post() },
		budget:  budget,
		setup: func() (func(), error) {
			rs, os := httptest.NewServer(ref), httptest.NewServer(ours)
			refP = poster{c: rs.Client(), url: rs.URL + target, body: body, header: header}
			oursP = poster{c: os.Client(), url: os.URL + target, body: body, header: header}
			return func() { rs.Close(); os.Close() }, nil
		},
	}
	return []pair{{
		name:    name + ", in process",
		refName: refName,
		ref:     func() error { return in1.serve(ref) },
		ours:    func() error { return in2.serve(ours) },
		budget:  budget,
		allocs:  true,
	}, loop}
}
