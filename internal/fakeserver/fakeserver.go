// Package fakeserver is the scaffolding shared by channelkit's fake
// platform servers (linetest, talktalktest, …): an in-process HTTP server on
// loopback that records every request, can answer injected faults, and lets
// tests override any endpoint. Each fake adds the platform's own endpoints
// and checks on top.
package fakeserver

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// MaxBody bounds how much of a request body is read and recorded.
const MaxBody = 16 << 20

// Call is one request the server received.
type Call struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
	Time   time.Time
}

// Fault is an injected failure: the next Times requests matching Method and
// Path (empty matches anything; Path matches as a prefix) get this answer
// instead of the real endpoint's.
type Fault struct {
	Method string
	Path   string
	// Status is the HTTP status answered; 0 means 500.
	Status int
	Header http.Header
	Body   []byte
	// Times is how many requests the fault applies to; 0 means 1.
	Times int
}

// Defaults returns f with its zero values filled in: Status 0 is 500
// (Internal Server Error) and Times 0 is 1. Every fake's FailNext applies
// them before it picks the platform's error body for the status.
func (f Fault) Defaults() Fault {
	if f.Status == 0 {
		f.Status = http.StatusInternalServerError
	}
	if f.Times <= 0 {
		f.Times = 1
	}
	return f
}

// Server is a recording fake. It is safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, "http://127.0.0.1:port".
	URL string

	srv  *httptest.Server
	base http.Handler

	mu        sync.Mutex
	calls     []Call
	faults    []*Fault
	overrides *http.ServeMux
	hasOver   bool
}

// Start starts a server whose endpoints are served by base. It returns an
// error rather than panicking when it cannot listen.
func Start(base http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{base: base, overrides: http.NewServeMux()}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()
	s.URL = s.srv.URL
	return s, nil
}

// Close shuts the server down, blocking until outstanding requests finish.
func (s *Server) Close() { s.srv.Close() }

// Client returns an *http.Client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Handle overrides the endpoint matching pattern (http.ServeMux syntax,
// for example "POST /v2/bot/message/reply") with h.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.overrides.Handle(pattern, h)
	s.hasOver = true
}

// Inject queues a fault.
func (s *Server) Inject(f Fault) {
	f = f.Defaults()
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Calls returns a copy of every request received so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	copy(out, s.calls)
	return out
}

// Reset forgets recorded calls and pending faults.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.faults = nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		http.Error(w, "reading body", http.StatusBadRequest)
		return
	}
	if len(body) > MaxBody {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	call := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body, Time: time.Now()}

	s.mu.Lock()
	s.calls = append(s.calls, call)
	var fault *Fault
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(r.URL.Path, f.Path) {
			fault = f
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
			break
		}
	}
	var over http.Handler
	if fault == nil && s.hasOver {
		if h, pattern := s.overrides.Handler(r); pattern != "" {
			over = h
		}
	}
	s.mu.Unlock()

	switch {
	case fault != nil:
		for k, vs := range fault.Header {
			w.Header()[k] = vs
		}
		if w.Header().Get("Content-Type") == "" && len(fault.Body) > 0 {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(fault.Status)
		_, _ = w.Write(fault.Body)
	case over != nil:
		over.ServeHTTP(w, r)
	default:
		s.base.ServeHTTP(w, r)
	}
}
