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

// Kakao's documented messages, as the fake answers them.
const (
	MsgInvalidToken  = "Invalid callback token. Check your callback token."
	MsgInvalidJSON   = "Invalid json response from bot-skill."
	MsgInternalError = "Internal server error occured. Please contact technical support. 999"
)

// CallbackPath is the path prefix of the fake's callback URLs.
const CallbackPath = "/v1/callback/"

// EventPathPrefix is the path prefix of the fake's Event API
// (/v2/bots/{botId}/talk).
const EventPathPrefix = "/v2/bots/"

// RESTAPIKey is the REST API key the fake's Event API accepts by default
// (see [WithRESTAPIKey]); [Server.Client] sends it.
const RESTAPIKey = "kakaotest-rest-api-key"

// The fake Event API's refusals (Kakao's texts are UNCONFIRMED).
const (
	MsgInvalidKey   = "Invalid REST API key."
	MsgInvalidEvent = "Invalid event request."
)

// WithRESTAPIKey sets the REST API key the fake's Event API accepts
// (default [RESTAPIKey]); [Server.Client] sends it.
func WithRESTAPIKey(key string) ServerOption {
	return func(s *Server) { s.restKey = redact.Hide(key) }
}

// Fault is an injected failure (see [Server.FailNext]). It is the same type
// in every channelkit fake.
type Fault = fakeserver.Fault

// A ServerOption configures a [Server].
type ServerOption func(*Server)

// WithClock sets the fake's clock (default time.Now), which decides when
// callback URLs expire and stamps every [Call].
func WithClock(now func() time.Time) ServerOption {
	return func(s *Server) { s.now = now }
}

// Call is one request the fake received, with what it answered.
type Call struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	// Time is when it arrived, on the fake's clock.
	Time time.Time
	// Token is the secret part of the callback URL it was sent to.
	Token string
	// Response is Body decoded; nil when it is not a version 2.0 skill
	// response.
	Response *kakao.Response
	// StatusCode is the HTTP status the fake answered.
	StatusCode int
	// BotID and Event are the bot and the decoded request of an Event API
	// call; empty for a callback.
	BotID string
	Event *kakao.Event
	// Status, Message and TaskID are Kakao's answer; empty when the
	// request was answered by a [Fault] or a [Server.Handle] override.
	Status  kakao.CallbackStatus
	Message string
	TaskID  string
}

type token struct {
	expires time.Time
	used    bool
}

type rejection struct {
	status  kakao.CallbackStatus
	message string
}

// Server is a fake Kakao callback endpoint. It is safe for concurrent use.
// It prints as kakaotest.Server{URL:"…"} with every fmt verb and in slog:
// never the tokens of the callback URLs it issued.
type Server struct {
	fs      *fakeserver.Server
	client  *kakao.Client
	now     func() time.Time
	restKey redact.Hidden[string]

	mu        sync.Mutex
	tokens    redact.Hidden[map[string]*token]
	calls     []Call
	faults    []*Fault
	rejects   []rejection
	overrides *http.ServeMux
	hasOver   bool
	notify    chan struct{}
}

func (s *Server) form() redact.Form {
	var addr string
	if s.fs != nil {
		addr = s.fs.URL
	}
	return redact.Form{Type: "kakaotest.Server", Fields: []redact.Field{{Name: "URL", Value: addr}}}
}

// Format writes the fake's URL, for every verb.
func (s *Server) Format(f fmt.State, verb rune) { s.form().Format(f, verb) }

// LogValue logs the fake's URL.
func (s *Server) LogValue() slog.Value { return s.form().LogValue() }

// NewServer starts a fake callback endpoint and closes it when the test
// ends.
func NewServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("kakaotest: starting callback server: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake callback endpoint for programs (demos, examples);
// call Close when done.
func Start(opts ...ServerOption) (*Server, error) {
	s := &Server{
		now:       time.Now,
		tokens:    redact.Hide(map[string]*token{}),
		restKey:   redact.Hide(RESTAPIKey),
		overrides: http.NewServeMux(),
		notify:    make(chan struct{}),
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("kakaotest: nil ServerOption")
		}
		o(s)
	}
	fs, err := fakeserver.Start(http.HandlerFunc(s.serve))
	if err != nil {
		return nil, err
	}
	s.fs = fs
	s.client, err = kakao.New(kakao.WithHTTPClient(fs.Client()), kakao.WithAllowedHosts("127.0.0.1"),
		kakao.WithBaseURL(fs.URL), kakao.WithRESTAPIKey(s.restKey.Reveal()))
	if err != nil {
		fs.Close()
		return nil, err
	}
	return s, nil
}

// Close shuts the server down.
func (s *Server) Close() { s.fs.Close() }

// URL returns the server's base URL, "http://127.0.0.1:port".
func (s *Server) URL() string { return s.fs.URL }

// Client returns a [kakao.Client] wired to the fake: it sends through
// [Server.HTTPClient] and accepts callback URLs on the fake's host only.
func (s *Server) Client() *kakao.Client { return s.client }

// HTTPClient returns an *http.Client for the server.
func (s *Server) HTTPClient() *http.Client { return s.fs.Client() }

// NewCallbackURL issues a fresh single-use callback URL, valid for
// kakao.CallbackValidity from now on the fake's clock.
func (s *Server) NewCallbackURL() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	s.mu.Lock()
	s.tokens.Reveal()[tok] = &token{expires: s.now().Add(kakao.CallbackValidity)}
	s.mu.Unlock()
	return s.fs.URL + CallbackPath + tok
}

// FailNext makes the next f.Times requests (0 means 1) matching f.Method
// and f.Path (empty matches anything; Path matches as a prefix, such as
// [CallbackPath]) be answered with f.Status, f.Header and f.Body instead of
// the fake's logic; the callback URL is not consumed. When f.Body is nil
// the fake answers Kakao's own {taskId, status, message, timestamp} body:
// ERROR with [MsgInternalError] for a 5xx status, FAIL with
// [MsgInvalidToken] otherwise; an empty, non-nil Body answers no body.
func (s *Server) FailNext(f Fault) {
	f = f.Defaults()
	if f.Times <= 0 {
		f.Times = 1
	}
	if f.Body == nil {
		status, msg := kakao.CallbackFail, MsgInvalidToken
		if f.Status >= 500 {
			status, msg = kakao.CallbackError, MsgInternalError
		}
		f.Body, _ = json.Marshal(answer(taskID(), status, msg, s.now()))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// RejectNext makes the next delivery be answered HTTP 200 with Kakao's
// status (FAIL or ERROR) and message, for example "Invalid bot ID. Check
// your Bot ID.", as Kakao answers a callback it refuses. The URL is
// consumed all the same.
func (s *Server) RejectNext(status kakao.CallbackStatus, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejects = append(s.rejects, rejection{status, message})
}

// Handle overrides the callback endpoint (pattern in http.ServeMux syntax,
// for example "POST /v1/callback/{token}"). Faults still come first.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.overrides.Handle(pattern, h)
	s.hasOver = true
}

// Calls returns a copy of every request received so far, in order:
// deliveries, and requests answered by a fault or an override.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Wait blocks until at least n requests have been received or timeout
// passes, and returns the calls. It never sleeps: it wakes on each
// request.
func (s *Server) Wait(n int, timeout time.Duration) ([]Call, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if len(s.calls) >= n {
			out := append([]Call(nil), s.calls...)
			s.mu.Unlock()
			return out, nil
		}
		ch := s.notify
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			return s.Calls(), errors.New("kakaotest: timed out waiting for callback requests")
		}
	}
}

// record appends c; s.mu is held.
func (s *Server) record(c Call) {
	s.calls = append(s.calls, c)
	close(s.notify)
	s.notify = make(chan struct{})
}

// takeFault returns the first fault matching r and counts it; s.mu is held.
func (s *Server) takeFault(r *http.Request) *Fault {
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(r.URL.Path, f.Path) {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// statusWriter notes the status an override answers.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	now := s.now()
	c := Call{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body, Time: now}
	if tok, ok := strings.CutPrefix(r.URL.Path, CallbackPath); ok {
		c.Token = tok
	}
	if err != nil {
		c.StatusCode = http.StatusBadRequest
		s.mu.Lock()
		s.record(c)
		s.mu.Unlock()
		w.WriteHeader(c.StatusCode)
		return
	}
	var resp kakao.Response
	if json.Unmarshal(body, &resp) == nil && versionIs2(body) {
		c.Response = &resp
	}

	s.mu.Lock()
	if f := s.takeFault(r); f != nil {
		c.StatusCode = f.Status
		s.record(c)
		s.mu.Unlock()
		for k, vs := range f.Header {
			w.Header()[k] = vs
		}
		if w.Header().Get("Content-Type") == "" && len(f.Body) > 0 {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(f.Status)
		_, _ = w.Write(f.Body)
		return
	}
	if s.hasOver {
		if h, pattern := s.overrides.Handler(r); pattern != "" {
			s.mu.Unlock()
			sw := &statusWriter{ResponseWriter: w}
			h.ServeHTTP(sw, r)
			c.StatusCode = sw.status
			if c.StatusCode == 0 {
				c.StatusCode = http.StatusOK
			}
			s.mu.Lock()
			s.record(c)
			s.mu.Unlock()
			return
		}
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, EventPathPrefix); ok && r.Method == http.MethodPost {
		s.event(w, r, &c, rest, now) // unlocks s.mu
		return
	}
	if r.Method != http.MethodPost || c.Token == "" || strings.Contains(c.Token, "/") {
		c.StatusCode = http.StatusNotFound
		s.record(c)
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	}

	c.StatusCode, c.Status, c.Message, c.TaskID = http.StatusOK, kakao.CallbackSuccess, "OK", taskID()
	t := s.tokens.Reveal()[c.Token]
	switch {
	case t == nil || t.used || !now.Before(t.expires):
		c.Status, c.Message = kakao.CallbackFail, MsgInvalidToken
	case c.Response == nil:
		c.Status, c.Message = kakao.CallbackFail, MsgInvalidJSON
	case len(s.rejects) > 0:
		c.Status, c.Message = s.rejects[0].status, s.rejects[0].message
		s.rejects = s.rejects[1:]
	}
	if t != nil {
		t.used = true
	}
	s.record(c)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(answer(c.TaskID, c.Status, c.Message, now))
}

// event answers an Event API call to /v2/bots/{rest}; s.mu is held and
// is unlocked here.
func (s *Server) event(w http.ResponseWriter, r *http.Request, c *Call, rest string, now time.Time) {
	c.BotID, _ = strings.CutSuffix(rest, "/talk")
	var ev kakao.Event
	if json.Unmarshal(c.Body, &ev) == nil {
		c.Event = &ev
	}
	c.StatusCode, c.Status, c.Message, c.TaskID = http.StatusOK, kakao.CallbackSuccess, "OK", taskID()
	switch {
	case r.Header.Get("Authorization") != "KakaoAK "+s.restKey.Reveal():
		c.StatusCode, c.Status, c.Message = http.StatusUnauthorized, kakao.CallbackFail, MsgInvalidKey
	case !strings.HasSuffix(rest, "/talk") || c.BotID == "" || strings.Contains(c.BotID, "/"):
		c.StatusCode, c.Status, c.Message = http.StatusNotFound, kakao.CallbackFail, MsgInvalidEvent
	case c.Event == nil || c.Event.Validate() != nil:
		c.StatusCode, c.Status, c.Message = http.StatusBadRequest, kakao.CallbackFail, MsgInvalidEvent
	case len(s.rejects) > 0:
		c.Status, c.Message = s.rejects[0].status, s.rejects[0].message
		s.rejects = s.rejects[1:]
	}
	s.record(*c)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(c.StatusCode)
	_ = json.NewEncoder(w).Encode(answer(c.TaskID, c.Status, c.Message, now))
}

// answer is Kakao's answer to a callback POST.
func answer(taskID string, status kakao.CallbackStatus, message string, now time.Time) map[string]any {
	return map[string]any{"taskId": taskID, "status": status, "message": message, "timestamp": now.UnixMilli()}
}

// taskID returns a random UUID-shaped task ID.
func taskID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:4]) + "-" + hex.EncodeToString(b[4:6]) + "-" + hex.EncodeToString(b[6:8]) + "-" + hex.EncodeToString(b[8:10]) + "-" + hex.EncodeToString(b[10:])
}

func versionIs2(body []byte) bool {
	var v struct {
		Version string `json:"version"`
	}
	return json.Unmarshal(body, &v) == nil && strings.TrimSpace(v.Version) == kakao.Version
}
