package clovatest

import (
	"encoding/json"
	"fmt"
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

// ChatbotServer is a fake CLOVA Chatbot custom API. It is safe for
// concurrent use. It prints as clovatest.ChatbotServer{InvokeURL:"…"} with
// every fmt verb and in slog.
type ChatbotServer struct {
	// InvokeURL is the URL to pass to clova.NewChatbot.
	InvokeURL string

	fs     *fakeserver.Server
	secret redact.Hidden[string]

	mu       sync.Mutex
	replies  map[string][]clova.Bubble
	welcome  []clova.Bubble
	fallback []clova.Bubble
	now      func() time.Time
}

func (s *ChatbotServer) form() redact.Form {
	return redact.Form{Type: "clovatest.ChatbotServer", Fields: []redact.Field{{Name: "InvokeURL", Value: s.InvokeURL}}}
}

// Format writes the fake's URL, for every verb.
func (s *ChatbotServer) Format(f fmt.State, verb rune) { s.form().Format(f, verb) }

// LogValue logs the fake's URL.
func (s *ChatbotServer) LogValue() slog.Value { return s.form().LogValue() }

// ChatbotCall is one request the fake received.
type ChatbotCall struct {
	// Request is the decoded body (zero if it did not decode).
	Request clova.ChatbotRequest
	Header  http.Header
	// Body is the exact body received.
	Body []byte
	// SignatureValid reports whether X-NCP-CHATBOT_SIGNATURE matched.
	SignatureValid bool
	Time           time.Time
}

// Fault is an injected failure: the next Times calls (0 means 1) get
// Status, Header and Body instead of an answer.
type Fault struct {
	Status int
	Header http.Header
	Body   string
	Times  int
}

// StartChatbotServer starts a fake that accepts requests signed with
// secretKey. Call Close when done.
func StartChatbotServer(secretKey string) (*ChatbotServer, error) {
	s := &ChatbotServer{
		secret:   redact.Hide(secretKey),
		replies:  map[string][]clova.Bubble{},
		welcome:  []clova.Bubble{textBubble("Welcome!")},
		fallback: []clova.Bubble{textBubble("Sorry, I did not understand.")},
		now:      time.Now,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+InvokePath, s.serve)
	fs, err := fakeserver.Start(mux)
	if err != nil {
		return nil, err
	}
	s.fs = fs
	s.InvokeURL = fs.URL + InvokePath
	return s, nil
}

// NewChatbotServer starts a fake for a test and closes it when the test
// ends.
func NewChatbotServer(t testing.TB, secretKey string) *ChatbotServer {
	t.Helper()
	s, err := StartChatbotServer(secretKey)
	if err != nil {
		t.Fatalf("clovatest: starting chatbot server: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Close shuts the fake down.
func (s *ChatbotServer) Close() { s.fs.Close() }

// Client returns an HTTP client for the fake.
func (s *ChatbotServer) Client() *http.Client { return s.fs.Client() }

// Reply scripts the answer to a send event whose text is exactly utterance.
func (s *ChatbotServer) Reply(utterance string, bubbles ...clova.Bubble) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replies[utterance] = bubbles
}

// ReplyText scripts a one-text-bubble answer to utterance.
func (s *ChatbotServer) ReplyText(utterance, text string) { s.Reply(utterance, textBubble(text)) }

// Welcome sets the answer to open events (default: one text bubble
// "Welcome!").
func (s *ChatbotServer) Welcome(bubbles ...clova.Bubble) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.welcome = bubbles
}

// Fallback sets the answer to unscripted utterances (default: one text
// bubble "Sorry, I did not understand.").
func (s *ChatbotServer) Fallback(bubbles ...clova.Bubble) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback = bubbles
}

// SetClock sets the clock that stamps answers.
func (s *ChatbotServer) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Inject queues a failure.
func (s *ChatbotServer) Inject(f Fault) {
	s.fs.Inject(fakeserver.Fault{Method: http.MethodPost, Path: InvokePath, Status: f.Status, Header: f.Header, Body: []byte(f.Body), Times: f.Times})
}

// Handle overrides the endpoint matching pattern (http.ServeMux syntax).
func (s *ChatbotServer) Handle(pattern string, h http.Handler) { s.fs.Handle(pattern, h) }

// Calls returns every request received so far, in order, failed ones
// included.
func (s *ChatbotServer) Calls() []ChatbotCall {
	raw := s.fs.Calls()
	out := make([]ChatbotCall, len(raw))
	for i, c := range raw {
		out[i] = ChatbotCall{Header: c.Header, Body: c.Body, Time: c.Time,
			SignatureValid: clova.VerifyChatbotSignature(s.secret.Reveal(), c.Body, c.Header.Get(clova.ChatbotSignatureHeader)) == nil}
		_ = json.Unmarshal(c.Body, &out[i].Request)
	}
	return out
}

// Reset forgets calls and pending faults (not the scripted replies).
func (s *ChatbotServer) Reset() { s.fs.Reset() }

func (s *ChatbotServer) serve(w http.ResponseWriter, r *http.Request) {
	body := make([]byte, 0, 512)
	buf := make([]byte, 4096)
	for {
		n, err := r.Body.Read(buf)
		body = append(body, buf[:n]...)
		if err != nil {
			break
		}
	}
	if clova.VerifyChatbotSignature(s.secret.Reveal(), body, r.Header.Get(clova.ChatbotSignatureHeader)) != nil {
		writeJSON(w, http.StatusUnauthorized, gatewayError{Error: gatewayErrorBody{ErrorCode: "200", Message: "Authentication Failed"}})
		return
	}
	var req clova.ChatbotRequest
	if err := json.Unmarshal(body, &req); err != nil || req.Validate() != nil {
		writeJSON(w, http.StatusBadRequest, gatewayError{Error: gatewayErrorBody{ErrorCode: "100", Message: "Bad Request Exception"}})
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
	now := s.now()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, &clova.ChatbotResponse{
		Version:   "v2",
		UserID:    req.UserID,
		SessionID: "clovatest-session-" + req.UserID,
		Timestamp: now.UnixMilli(),
		Bubbles:   bubbles,
		Event:     req.Event,
	})
}

type gatewayError struct {
	Error gatewayErrorBody `json:"error"`
}

type gatewayErrorBody struct {
	ErrorCode string `json:"errorCode"`
	Message   string `json:"message"`
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
