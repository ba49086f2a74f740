package linetest

import (
	"encoding/json"
	"errors"
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
	"github.com/channelkit/channelkit/line"
)

// ChannelToken is the access token the server accepts unless
// [WithChannelToken] says otherwise.
const ChannelToken = "linetest-channel-token"

// ChannelSecret is a channel secret for signing test webhooks.
const ChannelSecret = "linetest-channel-secret"

// Fault is an injected answer; see [Server.FailNext].
type Fault = fakeserver.Fault

// ServerOption configures a [Server].
type ServerOption func(*Server)

// WithChannelToken makes the server accept token instead of
// [ChannelToken].
func WithChannelToken(token string) ServerOption {
	return func(s *Server) { s.token = redact.Hide(token) }
}

// WithClock makes the fake read time from now: when the tokens it issues
// expire, and the assertions' exp. Share the clock with
// line.WithTokenClock ([Server.TokenSource] does) to move time in a test.
// A nil clock leaves time.Now.
func WithClock(now func() time.Time) ServerOption {
	return func(s *Server) { s.clock = now }
}

// Server is a fake LINE Messaging API. It is safe for concurrent use. It
// prints as linetest.Server{URL:"…"} with every fmt verb and in slog.
type Server struct {
	url   string
	fs    *fakeserver.Server
	token redact.Hidden[string]

	clientOnce sync.Once
	client     *line.Client

	mu         sync.Mutex
	seq        int
	usedTokens map[string]bool
	badTokens  int
	retryKeys  map[string]string
	failAccept map[string]int
	profiles   map[string]line.Profile
	contents   map[string]content
	accepted   []Call
	clock      func() time.Time
	issued     map[string]issued
	issuances  int
	rm         richMenus
	chats      chats
	acct       account
	nc         narrowcasts
	hook       endpoint
	media      media
	rmBatch    map[string]line.RichMenuBatchProgress
}

func (s *Server) form() redact.Form {
	return redact.Form{Type: "linetest.Server", Fields: []redact.Field{{Name: "URL", Value: s.url}}}
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
func NewServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("linetest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake; call [Server.Close] when done.
func Start(opts ...ServerOption) (*Server, error) {
	s := &Server{
		token:      redact.Hide(ChannelToken),
		usedTokens: map[string]bool{},
		retryKeys:  map[string]string{},
		failAccept: map[string]int{},
		profiles:   map[string]line.Profile{},
		contents:   map[string]content{},
		issued:     map[string]issued{},
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("linetest: nil ServerOption")
		}
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
	mux.HandleFunc("POST /oauth2/v2.1/token", s.tokenV21)
	mux.HandleFunc("POST /oauth2/v3/token", s.tokenStateless)
	mux.HandleFunc("GET /oauth2/v2.1/verify", s.verifyV21)
	mux.HandleFunc("POST /oauth2/v2.1/revoke", s.revokeV21)
	s.routes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, http.StatusNotFound, "Not found")
	})
	fs, err := fakeserver.Start(s.authenticate(mux))
	if err != nil {
		return nil, fmt.Errorf("linetest: %w", err)
	}
	s.fs = fs
	s.url = fs.URL
	return s, nil
}

// Close shuts the server down.
func (s *Server) Close() { s.fs.Close() }

// URL returns the base URL of the fake ("http://127.0.0.1:port"), for
// line.WithBaseURL.
func (s *Server) URL() string { return s.url }

// HTTPClient returns an *http.Client for the server.
func (s *Server) HTTPClient() *http.Client { return s.fs.Client() }

// Client returns a line.Client wired to the server: its base URL (for the
// API and content hosts both), its HTTP client and its channel token. It
// is made once and shared; use [Server.NewClient] for other options.
func (s *Server) Client() *line.Client {
	s.clientOnce.Do(func() {
		c, err := s.NewClient()
		if err != nil {
			panic("linetest: " + err.Error()) // the server's own options cannot fail
		}
		s.client = c
	})
	return s.client
}

// NewClient returns a new line.Client wired to the server as
// [Server.Client] is; opts come after the server's own and can override
// them.
func (s *Server) NewClient(opts ...line.Option) (*line.Client, error) {
	all := append([]line.Option{line.WithBaseURL(s.url), line.WithHTTPClient(s.HTTPClient())}, opts...)
	return line.New(s.token.Reveal(), all...)
}

// Handle overrides the endpoint matching pattern (http.ServeMux syntax,
// e.g. "POST /v2/bot/message/push").
func (s *Server) Handle(pattern string, h http.Handler) { s.fs.Handle(pattern, h) }

// FailNext queues a fault: the next f.Times requests (0 means 1) matching
// f.Method (empty: any) and the f.Path prefix (empty: any) get f.Status
// with f.Header and f.Body instead of the endpoint's answer, and are not
// processed (a push that got a fault was not accepted). A nil f.Body gets
// LINE's own error body for the status ({"message":"…"}), and the answer
// carries an x-line-request-id unless f.Header sets one.
func (s *Server) FailNext(f Fault) {
	f = f.Defaults()
	h := f.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if h.Get("X-Line-Request-Id") == "" {
		h.Set("X-Line-Request-Id", s.nextID())
	}
	f.Header = h
	if f.Body == nil {
		f.Body, _ = json.Marshal(map[string]string{"message": errorMessage(f.Status)})
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/json")
		}
	}
	s.fs.Inject(f)
}

// errorMessage is LINE's "message" for an error status.
func errorMessage(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "The request body has 1 error(s)"
	case http.StatusUnauthorized:
		return "Authentication failed. Confirm that the access token in the authorization header is valid."
	case http.StatusForbidden:
		return "Access to this API is not available for your account"
	case http.StatusNotFound:
		return "Not found"
	case http.StatusConflict:
		return "The retry key is already accepted"
	case http.StatusTooManyRequests:
		return "The API rate limit has been exceeded. Try again later."
	}
	if status >= 500 {
		return "An error occurred in the server"
	}
	return http.StatusText(status)
}

// RateLimit answers the next times requests to path with 429 and a
// Retry-After of retryAfter (whole seconds; 0 sends none).
func (s *Server) RateLimit(path string, retryAfter time.Duration, times int) {
	var h http.Header
	if retryAfter > 0 {
		h = http.Header{"Retry-After": {strconv.Itoa(int(retryAfter / time.Second))}}
	}
	s.FailNext(Fault{Path: path, Status: http.StatusTooManyRequests, Header: h, Times: times})
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

// Accepted returns the sends (reply, push, multicast, broadcast) the
// server accepted, in order: what LINE would deliver. Unlike [Server.Calls]
// it leaves out the ones refused (a fault, an invalid reply token, a limit,
// a retry key seen before), and keeps a send accepted by
// [Server.FailAfterAccept] although its answer was an error.
func (s *Server) Accepted() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.accepted...)
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

// Reset forgets recorded and accepted calls, pending faults, used reply
// tokens and retry keys.
func (s *Server) Reset() {
	s.fs.Reset()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usedTokens = map[string]bool{}
	s.retryKeys = map[string]string{}
	s.failAccept = map[string]int{}
	s.badTokens = 0
	s.accepted = nil
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
		if strings.HasPrefix(r.URL.Path, "/oauth2/") {
			next.ServeHTTP(w, r) // the token API authenticates by its form
			return
		}
		auth := r.Header.Get("Authorization")
		tok, bearer := strings.CutPrefix(auth, "Bearer ")
		if auth != "Bearer "+s.token.Reveal() && (!bearer || !s.tokenValid(tok)) {
			s.fail(w, http.StatusUnauthorized, "Authentication failed. Confirm that the access token in the authorization header is valid.")
			return
		}
		next.ServeHTTP(w, r)
	})
}
