package naverworkstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/fakeserver"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/naverworks"
)

// The fake's credentials. [Server.Credentials] returns them with the test
// private key.
const (
	BotID          = "2000001"
	BotSecret      = "fake-bot-secret"
	ClientID       = "fake-client-id"
	ClientSecret   = "fake-client-secret"
	ServiceAccount = "fake.serviceaccount@example.com"
	// DomainID is the domain of the fake's rooms.
	DomainID = 10000001
)

// Where the fake serves the two NAVER WORKS hosts, for a [Fault]'s Path.
const (
	// BotAPIPath is the path prefix of every Bot API call.
	BotAPIPath = "/v1.0/"
	// TokenPath is the token endpoint.
	TokenPath = "/oauth2/v2.0/token"
)

// DefaultTokenLifetime is the lifetime of issued tokens: 24 hours.
const DefaultTokenLifetime = 24 * time.Hour

// Message is a message the bot sent, as the fake received it.
type Message struct {
	BotID     string
	UserID    string // set for sends to a user
	ChannelID string // set for sends to a room
	// Type is content.type; Text is content.text for text messages.
	Type string
	Text string
	// Content is the raw "content" object.
	Content json.RawMessage
	// Mentions are the user IDs the text (or contentText) mentions, in
	// order, as <m userId="…"> tags; the fake refuses malformed tags, more
	// than 50, and "all" outside a room, with 400 INVALID_PARAMETER.
	Mentions []string
}

// Call is one request the fake received.
type Call struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// Fault replaces the answers to the next Times requests (0 means 1) whose
// method is Method (empty: any) and whose path starts with Path (empty:
// any), for example {Path: BotAPIPath, Status: 503}. Queue it with
// [Server.FailNext]. It is the same type in every channelkit fake.
type Fault = fakeserver.Fault

// A ServerOption configures the fake.
type ServerOption func(*Server) error

// WithClock makes the fake read time from now: token expiry and assertion
// checks. Share the clock with [naverworks.WithTokenClock] to move time in
// a test. nil is an error.
func WithClock(now func() time.Time) ServerOption {
	return func(s *Server) error {
		if now == nil {
			return errors.New("naverworkstest: nil clock")
		}
		s.now = now
		return nil
	}
}

// WithTokenLifetime sets expires_in of issued tokens.
func WithTokenLifetime(d time.Duration) ServerOption {
	return func(s *Server) error {
		if d < time.Second {
			return errors.New("naverworkstest: token lifetime under a second")
		}
		s.lifetime = d
		return nil
	}
}

// WithNumericExpiresIn sends expires_in as a JSON number instead of the
// documented string.
func WithNumericExpiresIn() ServerOption {
	return func(s *Server) error { s.numericExpiry = true; return nil }
}

// WithBotIDs makes the fake's Bot API serve the bots ids besides [BotID],
// for a test of a multi-bot handler; a call for any other bot is answered
// 404 BOT_NOT_EXIST. Build their clients with [Server.NewBotClient]. An
// empty ID is an error.
func WithBotIDs(ids ...string) ServerOption {
	return func(s *Server) error {
		for _, id := range ids {
			if id == "" {
				return errors.New("naverworkstest: empty bot ID")
			}
			s.botIDs[id] = true
		}
		return nil
	}
}

// Server is the fake. Its methods are safe for concurrent use. It prints as
// naverworkstest.Server{URL:"…"} with every fmt verb and in slog.
type Server struct {
	fs            *fakeserver.Server
	now           func() time.Time
	lifetime      time.Duration
	numericExpiry bool
	botIDs        map[string]bool // the bots the Bot API serves
	tokenReqs     atomic.Int64

	clientOnce sync.Once
	client     *naverworks.Client

	mu          sync.Mutex
	seq         int
	tokens      redact.Hidden[map[string]time.Time] // access token → expiry
	messages    []Message
	channels    map[string][]string
	titles      map[string]string
	users       map[string]naverworks.UserProfile // by user ID and by e-mail
	defaultMenu map[string]string                 // bot ID → rich menu ID
	botUpdates  map[string][]json.RawMessage      // bot ID → PATCH bodies
	persistent  json.RawMessage
	richmenus   map[string]json.RawMessage
	richOrder   []string
	files       map[string]storedFile
}

func (s *Server) form() redact.Form {
	return redact.Form{Type: "naverworkstest.Server", Fields: []redact.Field{{Name: "URL", Value: s.URL()}}}
}

// Format writes the fake's URL, for every verb.
func (s *Server) Format(f fmt.State, verb rune) { s.form().Format(f, verb) }

// LogValue logs the fake's URL.
func (s *Server) LogValue() slog.Value { return s.form().LogValue() }

type storedFile struct {
	contentType string
	data        []byte
}

// NewServer starts a fake and closes it when t ends.
func NewServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake; Close it when done. For programs; tests use
// [NewServer].
func Start(opts ...ServerOption) (*Server, error) {
	s := &Server{
		now:         time.Now,
		lifetime:    DefaultTokenLifetime,
		tokens:      redact.Hide(map[string]time.Time{}),
		channels:    map[string][]string{},
		titles:      map[string]string{},
		users:       map[string]naverworks.UserProfile{},
		defaultMenu: map[string]string{},
		botUpdates:  map[string][]json.RawMessage{},
		richmenus:   map[string]json.RawMessage{},
		files:       map[string]storedFile{},
		botIDs:      map[string]bool{BotID: true},
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("naverworkstest: nil ServerOption")
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+TokenPath, s.token)
	s.botAPI(mux)
	fs, err := fakeserver.Start(mux)
	if err != nil {
		return nil, fmt.Errorf("naverworkstest: %w", err)
	}
	s.fs = fs
	return s, nil
}

// Close shuts the fake down.
func (s *Server) Close() { s.fs.Close() }

// URL returns the root of the fake ("http://127.0.0.1:port"); "" for a
// Server that was not started.
func (s *Server) URL() string {
	if s.fs == nil {
		return ""
	}
	return s.fs.URL
}

// BaseURL returns the Bot API base, for naverworks.WithBaseURL.
func (s *Server) BaseURL() string { return s.URL() + BotAPIPath }

// TokenURL returns the token endpoint, for naverworks.WithTokenURL.
func (s *Server) TokenURL() string { return s.URL() + TokenPath }

// HTTPClient returns an HTTP client for the fake.
func (s *Server) HTTPClient() *http.Client { return s.fs.Client() }

// Credentials returns credentials the fake accepts, with the test key
// ([PrivateKeyPEM]) and scope "bot".
func (s *Server) Credentials() naverworks.Credentials {
	return naverworks.Credentials{
		ClientID:       ClientID,
		ClientSecret:   ClientSecret,
		ServiceAccount: ServiceAccount,
		PrivateKey:     PrivateKeyPEM(),
		Scopes:         []string{"bot"},
	}
}

// TokenSource returns a naverworks token source for the fake's token
// endpoint; opts come after the fake's own.
func (s *Server) TokenSource(opts ...naverworks.TokenOption) (oauth2.TokenSource, error) {
	base := []naverworks.TokenOption{naverworks.WithTokenURL(s.TokenURL()), naverworks.WithTokenHTTPClient(s.HTTPClient())}
	return naverworks.TokenSource(context.Background(), s.Credentials(), append(base, opts...)...)
}

// Client returns the client of bot [BotID] wired to the fake: its calls
// go to the fake's Bot API and its tokens come from the fake's token
// endpoint. Every call returns the same client; use [Server.NewClient]
// for one with options of its own.
func (s *Server) Client() *naverworks.Client {
	s.clientOnce.Do(func() {
		c, err := s.NewClient()
		if err != nil {
			// The fake's own credentials and URLs: this cannot fail.
			panic("naverworkstest: " + err.Error())
		}
		s.client = c
	})
	return s.client
}

// NewClient returns a new client wired to the fake, as [Server.Client]
// does, with a token source of its own; opts come after the fake's own.
func (s *Server) NewClient(opts ...naverworks.Option) (*naverworks.Client, error) {
	ts, err := s.TokenSource()
	if err != nil {
		return nil, err
	}
	base := []naverworks.Option{naverworks.WithBaseURL(s.BaseURL()), naverworks.WithHTTPClient(s.HTTPClient())}
	return naverworks.New(BotID, ts, append(base, opts...)...)
}

// NewBotClient returns a client of the bot botID (one the fake serves:
// [BotID] or one of [WithBotIDs]) wired to the fake, authenticating with
// ts, for a test where several bots share one Service Account and so one
// token source ([Server.TokenSource]). opts come after the fake's own.
func (s *Server) NewBotClient(botID string, ts oauth2.TokenSource, opts ...naverworks.Option) (*naverworks.Client, error) {
	base := []naverworks.Option{naverworks.WithBaseURL(s.BaseURL()), naverworks.WithHTTPClient(s.HTTPClient())}
	return naverworks.New(botID, ts, append(base, opts...)...)
}

// AddUser adds a Directory user, found by Client.UserProfile under its
// UserID and its Email.
func (s *Server) AddUser(u naverworks.UserProfile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u.Meta = naverworks.Meta{}
	if u.UserID != "" {
		s.users[u.UserID] = u
	}
	if u.Email != "" {
		s.users[u.Email] = u
	}
}

// BotUpdates returns the bodies of the PATCH /bots/{botId} calls made for
// botID, in order, exactly as sent. A PATCH whose body has no key is
// refused (400 INVALID_PARAMETER) and not recorded.
func (s *Server) BotUpdates(botID string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.botUpdates[botID]...)
}

// Messages returns the messages sent so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Calls returns every request received so far, in order.
func (s *Server) Calls() []Call {
	calls := s.fs.Calls()
	out := make([]Call, len(calls))
	for i, c := range calls {
		out[i] = Call{Method: c.Method, Path: c.Path, Query: c.Query, Header: c.Header, Body: c.Body}
	}
	return out
}

// FailNext makes the next f.Times requests matching f.Method and f.Path
// get f.Status with f.Header and f.Body. When f.Body is nil the fake
// answers NAVER WORKS' own error body for the status: the token
// endpoint's {"error", "error_description"} when f.Path starts with
// [TokenPath], else the Bot API's {"code", "description"} (401 also gets
// the WWW-Authenticate header the Bot API sends). An empty Path matches
// the token endpoint too: a client's first call fetches a token, so scope
// Bot API failures with [BotAPIPath].
func (s *Server) FailNext(f Fault) {
	f = f.Defaults()
	if f.Body == nil {
		if strings.HasPrefix(f.Path, TokenPath) {
			f.Body = tokenErrorBody(f.Status)
		} else {
			f.Body = ErrorBody(apiCode(f.Status), "injected by naverworkstest")
			if f.Status == http.StatusUnauthorized && f.Header.Get("WWW-Authenticate") == "" {
				f.Header = f.Header.Clone()
				if f.Header == nil {
					f.Header = http.Header{}
				}
				f.Header.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			}
		}
	}
	s.fs.Inject(f)
}

// ErrorBody returns a Bot API error body, {"code": code, "description":
// description}, for a [Fault] with a code of its own:
//
//	srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: 403,
//		Body: naverworkstest.ErrorBody("UNAUTHORIZED", "token expired")})
func ErrorBody(code, description string) []byte {
	b, _ := json.Marshal(map[string]string{"code": code, "description": description})
	return b
}

// apiCode is the Bot API's code for an HTTP status.
func apiCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "INVALID_PARAMETER"
	case http.StatusGone:
		return "DELETED"
	}
	if t := http.StatusText(status); t != "" {
		// UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_MANY_REQUESTS,
		// INTERNAL_SERVER_ERROR, SERVICE_UNAVAILABLE, …
		return strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_", "'", "").Replace(t))
	}
	return "ERROR"
}

// tokenErrorBody is the token endpoint's error body for an HTTP status
// (RFC 6749 §5.2 codes).
func tokenErrorBody(status int) []byte {
	code := "invalid_request"
	switch {
	case status == http.StatusUnauthorized:
		code = "invalid_client"
	case status == http.StatusServiceUnavailable:
		code = "temporarily_unavailable"
	case status >= 500:
		code = "server_error"
	}
	b, _ := json.Marshal(map[string]string{"error": code, "error_description": "injected by naverworkstest"})
	return b
}

// RateLimitNext makes the next times Bot API calls answer 429 with
// rateLimit headers asking to wait reset.
func (s *Server) RateLimitNext(times int, reset time.Duration) {
	h := http.Header{}
	h.Set("RateLimit-Limit", "240")
	h.Set("RateLimit-Remaining", "0")
	h.Set("RateLimit-Ssed", "240")
	h.Set("RateLimit-Reset", strconv.Itoa(int(reset/time.Second)))
	s.fs.Inject(Fault{Path: BotAPIPath, Status: http.StatusTooManyRequests, Header: h,
		Body: ErrorBody("TOO_MANY_REQUESTS", "API rate limit exceeded"), Times: times})
}

// Handle overrides the endpoint matching pattern (http.ServeMux syntax,
// paths from the root: "POST /v1.0/bots/{botId}/channels").
func (s *Server) Handle(pattern string, h http.Handler) { s.fs.Handle(pattern, h) }

// AddFile stores a file users "sent", for Client.Download.
func (s *Server) AddFile(fileID, contentType string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = storedFile{contentType: contentType, data: append([]byte(nil), data...)}
}

// File returns an uploaded or added file.
func (s *Server) File(fileID string) (data []byte, contentType string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[fileID]
	return f.data, f.contentType, ok
}

// Reset forgets recorded calls, messages and pending faults.
func (s *Server) Reset() {
	s.fs.Reset()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) nextID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return prefix + strconv.Itoa(s.seq)
}
