package clovatest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/internal/fakeserver"
	"github.com/channelkit/channelkit/internal/redact"
)

// InvokePath is the path of the fake's invoke URL.
const InvokePath = "/custom/v1/clovatest/invoke"

// SecretKey is the secret key the fake checks request signatures with
// unless [WithSecretKey] sets another.
const SecretKey = "clovatest-secret-key"

// Fault is an injected failure; see [Server.FailNext]. It is the Fault of
// every channelkit fake.
type Fault = fakeserver.Fault

// ServerOption configures a [Server]; pass it to [NewServer] or [Start].
type ServerOption func(*serverConfig) error

type serverConfig struct {
	secret string
	now    func() time.Time
}

// WithSecretKey makes the fake accept requests signed with key instead of
// [SecretKey]. An empty key is an error.
func WithSecretKey(key string) ServerOption {
	return func(c *serverConfig) error {
		if key == "" {
			return errors.New("clovatest: WithSecretKey: empty key")
		}
		c.secret = key
		return nil
	}
}

// WithClock sets the clock that stamps the fake's answers, and that the
// client [Server.Client] returns stamps its requests with (default
// time.Now). A nil clock is an error.
func WithClock(now func() time.Time) ServerOption {
	return func(c *serverConfig) error {
		if now == nil {
			return errors.New("clovatest: WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// Server is a fake CLOVA Chatbot custom API: one domain's invoke URL. It
// is safe for concurrent use. It prints as clovatest.Server{URL:"…"} with
// every fmt verb and in slog, never its secret key.
type Server struct {
	fs     *fakeserver.Server
	url    string
	secret redact.Hidden[string]
	now    func() time.Time
	client *clova.Client

	mu       sync.Mutex
	replies  map[string][]clova.Bubble
	welcome  []clova.Bubble
	fallback []clova.Bubble
}

func (s *Server) form() redact.Form {
	return redact.Form{Type: "clovatest.Server", Fields: []redact.Field{{Name: "URL", Value: s.url}}}
}

// Format writes the fake's URL, for every verb.
func (s *Server) Format(f fmt.State, verb rune) { s.form().Format(f, verb) }

// LogValue logs the fake's URL.
func (s *Server) LogValue() slog.Value { return s.form().LogValue() }

// Call is one request the fake received.
type Call struct {
	// Request is the decoded body (zero if it did not decode).
	Request clova.ChatbotRequest
	Header  http.Header
	// Body is the exact body received.
	Body []byte
	// SignatureValid reports whether X-NCP-CHATBOT_SIGNATURE matched.
	SignatureValid bool
	Time           time.Time
}

// Start starts a fake, for programs; call Close when done. Tests use
// [NewServer].
func Start(opts ...ServerOption) (*Server, error) {
	c := serverConfig{secret: SecretKey, now: time.Now}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("clovatest: nil ServerOption")
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	s := &Server{
		secret:   redact.Hide(c.secret),
		now:      c.now,
		replies:  map[string][]clova.Bubble{},
		welcome:  []clova.Bubble{textBubble("Welcome!")},
		fallback: []clova.Bubble{textBubble("Sorry, I did not understand.")},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+InvokePath, s.serve)
	fs, err := fakeserver.Start(mux)
	if err != nil {
		return nil, fmt.Errorf("clovatest: %w", err)
	}
	s.fs, s.url = fs, fs.URL+InvokePath
	s.client, err = clova.New(s.url, c.secret, clova.WithHTTPClient(fs.Client()), clova.WithClock(c.now))
	if err != nil {
		fs.Close()
		return nil, fmt.Errorf("clovatest: %w", err)
	}
	return s, nil
}

// NewServer starts a fake for a test and closes it when the test ends.
func NewServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("clovatest: starting server: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Close shuts the fake down.
func (s *Server) Close() { s.fs.Close() }

// URL returns the fake's invoke URL, the one to pass to clova.New.
func (s *Server) URL() string { return s.url }

// Client returns a clova.Client wired to the fake: its invoke URL, its
// secret key, its HTTP client and its clock. Build one with other options
// with clova.New(s.URL(), key, clova.WithHTTPClient(s.HTTPClient()), …).
func (s *Server) Client() *clova.Client { return s.client }

// HTTPClient returns an HTTP client for the fake.
func (s *Server) HTTPClient() *http.Client { return s.fs.Client() }

// Reply scripts the answer to a send event whose text is exactly utterance.
func (s *Server) Reply(utterance string, bubbles ...clova.Bubble) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replies[utterance] = bubbles
}

// ReplyText scripts a one-text-bubble answer to utterance.
func (s *Server) ReplyText(utterance, text string) { s.Reply(utterance, textBubble(text)) }

// Welcome sets the answer to open events (default: one text bubble
// "Welcome!").
func (s *Server) Welcome(bubbles ...clova.Bubble) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.welcome = bubbles
}

// Fallback sets the answer to unscripted utterances (default: one text
// bubble "Sorry, I did not understand.").
func (s *Server) Fallback(bubbles ...clova.Bubble) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = bubbles
}

// FailNext makes the next f.Times requests (0 means 1) matching f.Method
// and f.Path (empty matches any; Path matches as a prefix of the request
// path) answer f.Status with f.Header and f.Body instead of the chatbot's
// answer. A nil Body, for a status of 400 or more, is filled in with API
// Gateway's error body for that status, {"error":{"errorCode":"…",
// "message":"…"}}, so that a test needs no wire form.
func (s *Server) FailNext(f Fault) {
	f = f.Defaults()
	if f.Body == nil && f.Status >= 400 {
		f.Body = gatewayErrorBody(f.Status)
	}
	s.fs.Inject(f)
}

// Handle overrides the endpoint matching pattern (http.ServeMux syntax).
func (s *Server) Handle(pattern string, h http.Handler) { s.fs.Handle(pattern, h) }

// Calls returns every request received so far, in order, failed ones
// included.
func (s *Server) Calls() []Call {
	raw := s.fs.Calls()
	out := make([]Call, len(raw))
	for i, c := range raw {
		out[i] = Call{Header: c.Header, Body: c.Body, Time: c.Time,
			SignatureValid: clova.VerifyChatbotSignature(s.secret.Reveal(), c.Body, c.Header.Get(clova.ChatbotSignatureHeader)) == nil}
		_ = json.Unmarshal(c.Body, &out[i].Request)
	}
	return out
}

// Reset forgets calls and pending faults (not the scripted replies).
func (s *Server) Reset() { s.fs.Reset() }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body) // bounded by fakeserver
	if err != nil {
		writeJSON(w, http.StatusBadRequest, gatewayError(http.StatusBadRequest))
		return
	}
	if clova.VerifyChatbotSignature(s.secret.Reveal(), body, r.Header.Get(clova.ChatbotSignatureHeader)) != nil {
		writeJSON(w, http.StatusUnauthorized, gatewayError(http.StatusUnauthorized))
		return
	}
	var req clova.ChatbotRequest
	if err := json.Unmarshal(body, &req); err != nil || req.Validate() != nil {
		writeJSON(w, http.StatusBadRequest, gatewayError(http.StatusBadRequest))
		return
	}
	s.mu.Lock()
	var bubbles []clova.Bubble
	switch req.Event {
	case clova.EventOpen:
		bubbles = s.welcome
	default:
		var ok bool
		if bubbles, ok = s.replies[req.Bubbles[0].Data.Description]; !ok {
			bubbles = s.fallback
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, &clova.ChatbotResponse{
		Version:   "v2",
		UserID:    req.UserID,
		SessionID: "clovatest-session-" + req.UserID,
		Timestamp: s.now().UnixMilli(),
		Bubbles:   bubbles,
		Event:     req.Event,
	})
}

// gatewayErrors are API Gateway's error codes and messages by HTTP status.
var gatewayErrors = map[int]gatewayErrorDetail{
	http.StatusBadRequest:            {"100", "Bad Request Exception"},
	http.StatusUnauthorized:          {"200", "Authentication Failed"},
	http.StatusForbidden:             {"230", "Forbidden"},
	http.StatusNotFound:              {"300", "Not Found Exception"},
	http.StatusRequestEntityTooLarge: {"430", "Request Entity Too Large"},
	http.StatusTooManyRequests:       {"400", "Quota Exceeded"},
	http.StatusServiceUnavailable:    {"500", "Endpoint Error"},
	http.StatusGatewayTimeout:        {"510", "Endpoint Timeout"},
}

type gatewayErrorBodyWire struct {
	Error gatewayErrorDetail `json:"error"`
}

type gatewayErrorDetail struct {
	ErrorCode string `json:"errorCode"`
	Message   string `json:"message"`
}

// gatewayError is API Gateway's error answer for status; a status it has
// no code for is its "900 Unexpected Error".
func gatewayError(status int) gatewayErrorBodyWire {
	d, ok := gatewayErrors[status]
	if !ok {
		d = gatewayErrorDetail{"900", "Unexpected Error"}
	}
	return gatewayErrorBodyWire{Error: d}
}

func gatewayErrorBody(status int) []byte {
	b, _ := json.Marshal(gatewayError(status)) // plain strings always encode
	return b
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "clovatest: encoding answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("X-Ncp-Trace-Id", "clovatest-trace")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

func textBubble(text string) clova.Bubble {
	return &clova.TextBubble{Data: clova.TextData{Description: text}}
}
