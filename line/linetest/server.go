package linetest

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/fakeserver"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/uuid"
	"github.com/channelkit/channelkit/line"
)

// ChannelToken is the access token the server accepts unless
// [WithChannelToken] says otherwise.
const ChannelToken = "linetest-channel-token"

// ChannelSecret is a channel secret for signing test webhooks.
const ChannelSecret = "linetest-channel-secret"

// Fault is an injected answer; see [Server.Inject].
type Fault = fakeserver.Fault

// Option configures a [Server].
type Option func(*Server)

// WithChannelToken makes the server accept token instead of
// [ChannelToken].
func WithChannelToken(token string) Option {
	return func(s *Server) { s.token = redact.Hide(token) }
}

// Server is a fake LINE Messaging API. It is safe for concurrent use. It
// prints as linetest.Server{URL:"…"} with every fmt verb and in slog.
type Server struct {
	// URL is the base URL of the fake, for line.WithBaseURL.
	URL string

	fs    *fakeserver.Server
	token redact.Hidden[string]

	mu         sync.Mutex
	seq        int
	usedTokens map[string]bool
	badTokens  int
	retryKeys  map[string]string
	failAccept map[string]int
	profiles   map[string]line.Profile
	contents   map[string]content
}

func (s *Server) form() redact.Form {
	return redact.Form{Type: "linetest.Server", Fields: []redact.Field{{Name: "URL", Value: s.URL}}}
}

// Format writes the fake's URL, for every verb.
func (s *Server) Format(f fmt.State, verb rune) { s.form().Format(f, verb) }

// LogValue logs the fake's URL.
func (s *Server) LogValue() slog.Value { return s.form().LogValue() }

type content struct {
	contentType string
	data        []byte
}

// NewServer starts a fake for a test and closes it when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("linetest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake; call [Server.Close] when done.
func Start(opts ...Option) (*Server, error) {
	s := &Server{
		token:      redact.Hide(ChannelToken),
		usedTokens: map[string]bool{},
		retryKeys:  map[string]string{},
		failAccept: map[string]int{},
		profiles:   map[string]line.Profile{},
		contents:   map[string]content{},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/bot/message/reply", s.reply)
	mux.HandleFunc("POST /v2/bot/message/push", s.keyed)
	mux.HandleFunc("POST /v2/bot/message/multicast", s.keyed)
	mux.HandleFunc("POST /v2/bot/message/broadcast", s.keyed)
	mux.HandleFunc("POST /v2/bot/chat/loading/start", s.loading)
	mux.HandleFunc("GET /v2/bot/profile/{userId}", s.profile)
	mux.HandleFunc("GET /v2/bot/message/{messageId}/content", s.content)
	mux.HandleFunc("POST /v2/bot/chat/{chatId}/control/{verb}", s.control)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, http.StatusNotFound, "Not found")
	})
	fs, err := fakeserver.Start(s.authenticate(mux))
	if err != nil {
		return nil, fmt.Errorf("linetest: %w", err)
	}
	s.fs = fs
	s.URL = fs.URL
	return s, nil
}

// Close shuts the server down.
func (s *Server) Close() { s.fs.Close() }

// HTTPClient returns an *http.Client for the server.
func (s *Server) HTTPClient() *http.Client { return s.fs.Client() }

// NewClient returns a line.Client that talks to this server with its
// token; opts come after the server's own and can override them.
func (s *Server) NewClient(opts ...line.Option) (*line.Client, error) {
	all := append([]line.Option{line.WithBaseURL(s.URL), line.WithHTTPClient(s.HTTPClient())}, opts...)
	return line.New(s.token.Reveal(), all...)
}

// Handle overrides the endpoint matching pattern (http.ServeMux syntax,
// e.g. "POST /v2/bot/message/push").
func (s *Server) Handle(pattern string, h http.Handler) { s.fs.Handle(pattern, h) }

// Inject queues a fault: the next f.Times requests matching f.Method and
// the f.Path prefix get f's answer instead of the endpoint's, and are not
// processed (a push that got a fault was not accepted).
func (s *Server) Inject(f Fault) { s.fs.Inject(f) }

// RateLimit answers the next times requests to path with 429 and a
// Retry-After of retryAfter (whole seconds; 0 sends none).
func (s *Server) RateLimit(path string, retryAfter time.Duration, times int) {
	h := http.Header{"X-Line-Request-Id": {"linetest-ratelimited"}}
	if retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int(retryAfter/time.Second)))
	}
	s.Inject(Fault{Path: path, Status: http.StatusTooManyRequests, Header: h, Body: []byte(`{"message":"The API rate limit has been exceeded. Try again later."}`), Times: times})
}

// FailNext answers the next times requests to path with status (a 5xx,
// say) before processing them.
func (s *Server) FailNext(path string, status, times int) {
	h := http.Header{"X-Line-Request-Id": {"linetest-fault"}}
	s.Inject(Fault{Path: path, Status: status, Header: h, Body: []byte(`{"message":"An error occurred in the server"}`), Times: times})
}

// FailAfterAccept makes the next times requests to path (push, multicast
// or broadcast) be accepted, with their retry key remembered, and then
// answered with 500, as when LINE's answer is lost on the way back.
func (s *Server) FailAfterAccept(path string, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAccept[path] += times
}

// InvalidReplyToken makes the next times replies fail with 400 "Invalid
// reply token", whatever their token.
func (s *Server) InvalidReplyToken(times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.badTokens += times
}

// SetProfile makes GetProfile(p.UserID) return p.
func (s *Server) SetProfile(p line.Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p.Meta = line.Meta{}
	s.profiles[p.UserID] = p
}

// SetContent makes GetContent(messageID) return data.
func (s *Server) SetContent(messageID, contentType string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contents[messageID] = content{contentType, append([]byte(nil), data...)}
}

// Call is one request the server received, with its body decoded.
type Call struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	// RetryKey is the X-Line-Retry-Key header.
	RetryKey string
	// ReplyToken, To and Messages are read from a send body ("to" may be
	// one ID or a list; both come out as a list).
	ReplyToken string
	To         []string
	Messages   []map[string]any
	// JSON is the whole body decoded, nil if it was not JSON.
	JSON map[string]any
}

// Calls returns every request received so far, in order.
func (s *Server) Calls() []Call {
	raw := s.fs.Calls()
	out := make([]Call, len(raw))
	for i, c := range raw {
		out[i] = decodeCall(c)
	}
	return out
}

// Replies returns the recorded calls to the reply endpoint.
func (s *Server) Replies() []Call { return s.CallsTo("/v2/bot/message/reply") }

// Pushes returns the recorded calls to the push endpoint.
func (s *Server) Pushes() []Call { return s.CallsTo("/v2/bot/message/push") }

// CallsTo returns the recorded calls to path.
func (s *Server) CallsTo(path string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// Reset forgets recorded calls, pending faults, used reply tokens and
// retry keys.
func (s *Server) Reset() {
	s.fs.Reset()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usedTokens = map[string]bool{}
	s.retryKeys = map[string]string{}
	s.failAccept = map[string]int{}
	s.badTokens = 0
}

func decodeCall(c fakeserver.Call) Call {
	out := Call{Method: c.Method, Path: c.Path, Header: c.Header, Body: c.Body, RetryKey: c.Header.Get("X-Line-Retry-Key")}
	var body struct {
		ReplyToken string           `json:"replyToken"`
		To         json.RawMessage  `json:"to"`
		Messages   []map[string]any `json:"messages"`
	}
	if json.Unmarshal(c.Body, &out.JSON) != nil {
		out.JSON = nil
		return out
	}
	if json.Unmarshal(c.Body, &body) == nil {
		out.ReplyToken, out.Messages = body.ReplyToken, body.Messages
		var one string
		if json.Unmarshal(body.To, &one) == nil && one != "" {
			out.To = []string{one}
		} else {
			_ = json.Unmarshal(body.To, &out.To)
		}
	}
	return out
}

func (s *Server) nextID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("linetest-%06d", s.seq)
}

func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Line-Request-Id", s.nextID())
		if r.Header.Get("Authorization") != "Bearer "+s.token.Reveal() {
			s.fail(w, http.StatusUnauthorized, "Authentication failed. Confirm that the access token in the authorization header is valid.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

type detail struct {
	Message  string `json:"message,omitempty"`
	Property string `json:"property,omitempty"`
}

func (s *Server) fail(w http.ResponseWriter, status int, msg string, details ...detail) {
	body := map[string]any{"message": msg}
	if len(details) > 0 {
		body["details"] = details
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

type sendBody struct {
	ReplyToken string            `json:"replyToken"`
	To         json.RawMessage   `json:"to"`
	Messages   []json.RawMessage `json:"messages"`
}

// validate answers 400 and returns false for a body LINE would reject.
func (s *Server) validate(w http.ResponseWriter, r *http.Request) (*sendBody, bool) {
	var b sendBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		s.fail(w, http.StatusBadRequest, "The request body could not be parsed as JSON")
		return nil, false
	}
	if err := line.ValidateMessages(b.Messages); err != nil {
		var ds []detail
		for _, e := range flatten(err) {
			if ve, ok := e.(*line.ValidationError); ok {
				ds = append(ds, detail{Message: ve.Reason, Property: ve.Path})
			}
		}
		s.fail(w, http.StatusBadRequest, fmt.Sprintf("The request body has %d error(s)", len(ds)), ds...)
		return nil, false
	}
	return &b, true
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func sentMessages(s *Server, n int) map[string]any {
	sent := make([]map[string]string, n)
	for i := range sent {
		id := s.nextID()
		sent[i] = map[string]string{"id": id, "quoteToken": "q-" + id}
	}
	return map[string]any{"sentMessages": sent}
}

func (s *Server) reply(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Line-Retry-Key") != "" {
		s.fail(w, http.StatusBadRequest, "The retry key is not supported for this API")
		return
	}
	b, ok := s.validate(w, r)
	if !ok {
		return
	}
	if b.ReplyToken == "" {
		s.fail(w, http.StatusBadRequest, "The request body has 1 error(s)", detail{Message: "must be specified", Property: "replyToken"})
		return
	}
	s.mu.Lock()
	bad := s.badTokens > 0 || s.usedTokens[b.ReplyToken]
	if s.badTokens > 0 {
		s.badTokens--
	}
	s.usedTokens[b.ReplyToken] = true
	s.mu.Unlock()
	if bad {
		s.fail(w, http.StatusBadRequest, "Invalid reply token")
		return
	}
	writeJSON(w, http.StatusOK, sentMessages(s, len(b.Messages)))
}

func (s *Server) keyed(w http.ResponseWriter, r *http.Request) {
	// An empty key is no key: line-bot-sdk-go sends the header, empty, on
	// every push, multicast and broadcast called without one.
	key := r.Header.Get("X-Line-Retry-Key")
	if key != "" && !uuid.Valid(key) {
		s.fail(w, http.StatusBadRequest, "The value for the 'X-Line-Retry-Key' header is invalid")
		return
	}
	b, ok := s.validate(w, r)
	if !ok {
		return
	}
	push := strings.HasSuffix(r.URL.Path, "/push")
	var to []string
	switch {
	case push:
		var one string
		if json.Unmarshal(b.To, &one) != nil || one == "" {
			s.fail(w, http.StatusBadRequest, "The request body has 1 error(s)", detail{Message: "must be specified", Property: "to"})
			return
		}
	case strings.HasSuffix(r.URL.Path, "/multicast"):
		if json.Unmarshal(b.To, &to) != nil || len(to) == 0 || len(to) > 500 {
			s.fail(w, http.StatusBadRequest, "The request body has 1 error(s)", detail{Message: "size must be between 1 and 500", Property: "to"})
			return
		}
	}
	s.mu.Lock()
	if key != "" {
		if acc, seen := s.retryKeys[key]; seen {
			s.mu.Unlock()
			w.Header().Set("X-Line-Accepted-Request-Id", acc)
			s.fail(w, http.StatusConflict, "The retry key is already accepted")
			return
		}
		s.retryKeys[key] = w.Header().Get("X-Line-Request-Id")
	}
	lose := s.failAccept[r.URL.Path] > 0
	if lose {
		s.failAccept[r.URL.Path]--
	}
	s.mu.Unlock()
	if lose {
		s.fail(w, http.StatusInternalServerError, "An error occurred in the server")
		return
	}
	if push {
		writeJSON(w, http.StatusOK, sentMessages(s, len(b.Messages)))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) loading(w http.ResponseWriter, r *http.Request) {
	var b struct {
		ChatID  string `json:"chatId"`
		Seconds int    `json:"loadingSeconds"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil || b.ChatID == "" {
		s.fail(w, http.StatusBadRequest, "The request body has 1 error(s)", detail{Message: "must be specified", Property: "chatId"})
		return
	}
	if b.Seconds != 0 && (b.Seconds < 5 || b.Seconds > 60 || b.Seconds%5 != 0) {
		s.fail(w, http.StatusBadRequest, "The request body has 1 error(s)", detail{Message: "must be a multiple of 5 between 5 and 60", Property: "loadingSeconds"})
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{})
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, ok := s.profiles[r.PathValue("userId")]
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, "Not found")
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) content(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c, ok := s.contents[r.PathValue("messageId")]
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, "Not found")
		return
	}
	w.Header().Set("Content-Type", c.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(c.data)))
	_, _ = w.Write(c.data)
}

func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	switch r.PathValue("verb") {
	case "acquire", "release":
		writeJSON(w, http.StatusOK, map[string]any{})
	default:
		s.fail(w, http.StatusNotFound, "Not found")
	}
}
