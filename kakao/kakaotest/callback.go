package kakaotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/fakeserver"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/kakao"
)

// Kakao's documented FAIL messages.
const (
	MsgInvalidToken = "Invalid callback token. Check your callback token."
	MsgInvalidJSON  = "Invalid json response from bot-skill."
)

// CallbackPath is the path prefix of the fake's callback URLs.
const CallbackPath = "/v1/callback/"

// A CallbackOption configures a [CallbackServer].
type CallbackOption func(*CallbackServer)

// WithClock sets the fake's clock (default time.Now), which decides when
// callback URLs expire.
func WithClock(now func() time.Time) CallbackOption {
	return func(s *CallbackServer) { s.now = now }
}

// Delivery is one POST the fake received on a callback URL.
type Delivery struct {
	Token string
	Time  time.Time
	Body  []byte
	// Response is Body decoded; nil when it is not a skill response.
	Response *kakao.Response
	// Status and Message are what the fake answered.
	Status  kakao.CallbackStatus
	Message string
	TaskID  string
}

type token struct {
	expires time.Time
	used    bool
}

type queued struct {
	status  kakao.CallbackStatus
	message string
}

// CallbackServer is a fake Kakao callback endpoint. It is safe for
// concurrent use. It prints as kakaotest.CallbackServer{URL:"…"} with every
// fmt verb and in slog: never the tokens of the callback URLs it issued.
type CallbackServer struct {
	fs  *fakeserver.Server
	now func() time.Time

	mu         sync.Mutex
	tokens     redact.Hidden[map[string]*token]
	deliveries []Delivery
	queue      []queued
	notify     chan struct{}
}

func (s *CallbackServer) form() redact.Form {
	var addr string
	if s.fs != nil {
		addr = s.fs.URL
	}
	return redact.Form{Type: "kakaotest.CallbackServer", Fields: []redact.Field{{Name: "URL", Value: addr}}}
}

// Format writes the fake's URL, for every verb.
func (s *CallbackServer) Format(f fmt.State, verb rune) { s.form().Format(f, verb) }

// LogValue logs the fake's URL.
func (s *CallbackServer) LogValue() slog.Value { return s.form().LogValue() }

// NewCallbackServer starts a fake callback endpoint and closes it when the
// test ends.
func NewCallbackServer(t testing.TB, opts ...CallbackOption) *CallbackServer {
	t.Helper()
	s, err := StartCallbackServer(opts...)
	if err != nil {
		t.Fatalf("kakaotest: starting callback server: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// StartCallbackServer starts a fake callback endpoint for programs (demos,
// examples); call Close when done.
func StartCallbackServer(opts ...CallbackOption) (*CallbackServer, error) {
	s := &CallbackServer{now: time.Now, tokens: redact.Hide(map[string]*token{}), notify: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+CallbackPath+"{token}", s.serve)
	fs, err := fakeserver.Start(mux)
	if err != nil {
		return nil, err
	}
	s.fs = fs
	return s, nil
}

// Close shuts the server down.
func (s *CallbackServer) Close() { s.fs.Close() }

// URL is the server's base URL.
func (s *CallbackServer) URL() string { return s.fs.URL }

// Client returns an HTTP client for the server.
func (s *CallbackServer) Client() *http.Client { return s.fs.Client() }

// NewCallbackURL issues a fresh single-use callback URL, valid for
// kakao.CallbackValidity from now on the fake's clock.
func (s *CallbackServer) NewCallbackURL() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	s.mu.Lock()
	s.tokens.Reveal()[tok] = &token{expires: s.now().Add(kakao.CallbackValidity)}
	s.mu.Unlock()
	return s.fs.URL + CallbackPath + tok
}

// FailNext makes the next delivery be answered with status (FAIL or ERROR)
// and message, for example "Invalid bot ID. Check your Bot ID.". The URL is
// consumed all the same.
func (s *CallbackServer) FailNext(status kakao.CallbackStatus, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, queued{status, message})
}

// InjectHTTPStatus makes the next request be answered with an HTTP status
// and a raw body instead of the fake's logic (the URL is not consumed).
func (s *CallbackServer) InjectHTTPStatus(code int, body []byte) {
	s.fs.Inject(fakeserver.Fault{Method: http.MethodPost, Path: CallbackPath, Status: code, Body: body})
}

// Handle overrides the callback endpoint (pattern in http.ServeMux syntax,
// for example "POST /v1/callback/{token}").
func (s *CallbackServer) Handle(pattern string, h http.Handler) { s.fs.Handle(pattern, h) }

// Deliveries returns a copy of every delivery so far, in order.
func (s *CallbackServer) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// Requests reports how many HTTP requests reached the server, injected
// faults included.
func (s *CallbackServer) Requests() int { return len(s.fs.Calls()) }

// Wait blocks until at least n deliveries have been recorded or timeout
// passes, and returns the deliveries. It never sleeps: it wakes on each
// delivery.
func (s *CallbackServer) Wait(n int, timeout time.Duration) ([]Delivery, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if len(s.deliveries) >= n {
			out := append([]Delivery(nil), s.deliveries...)
			s.mu.Unlock()
			return out, nil
		}
		ch := s.notify
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return s.Deliveries(), errors.New("kakaotest: timed out waiting for callback deliveries")
		}
	}
}

func (s *CallbackServer) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	tok := r.PathValue("token")
	now := s.now()
	d := Delivery{Token: tok, Time: now, Body: body, Status: kakao.CallbackSuccess, Message: "OK"}
	var resp kakao.Response
	if json.Unmarshal(body, &resp) == nil && versionIs2(body) {
		d.Response = &resp
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	d.TaskID = hex.EncodeToString(b[:4]) + "-" + hex.EncodeToString(b[4:6]) + "-" + hex.EncodeToString(b[6:8]) + "-" + hex.EncodeToString(b[8:10]) + "-" + hex.EncodeToString(b[10:])

	s.mu.Lock()
	t := s.tokens.Reveal()[tok]
	switch {
	case t == nil || t.used || !now.Before(t.expires):
		d.Status, d.Message = kakao.CallbackFail, MsgInvalidToken
	case d.Response == nil:
		d.Status, d.Message = kakao.CallbackFail, MsgInvalidJSON
	case len(s.queue) > 0:
		d.Status, d.Message = s.queue[0].status, s.queue[0].message
		s.queue = s.queue[1:]
	}
	if t != nil {
		t.used = true
	}
	s.deliveries = append(s.deliveries, d)
	close(s.notify)
	s.notify = make(chan struct{})
	s.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"taskId": d.TaskID, "status": d.Status, "message": d.Message, "timestamp": now.UnixMilli(),
	})
}

func versionIs2(body []byte) bool {
	var v struct {
		Version string `json:"version"`
	}
	return json.Unmarshal(body, &v) == nil && strings.TrimSpace(v.Version) == kakao.Version
}
