package naverworkstest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
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
}

// Call is one request the fake received.
type Call struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// Fault replaces the answer to the next Times requests (default 1) whose
// method is Method (empty: any) and whose path starts with Path (empty:
// any), for example {Path: "/v1.0/bots/", Status: 503}.
type Fault struct {
	Method string
	Path   string
	Status int
	Header http.Header
	Body   string
	Times  int
}

// A ServerOption configures the fake.
type ServerOption func(*Server)

// WithClock makes the fake read time from now: token expiry and assertion
// checks. Share the clock with [naverworks.WithTokenClock] to move time in
// a test.
func WithClock(now func() time.Time) ServerOption { return func(s *Server) { s.now = now } }

// WithTokenLifetime sets expires_in of issued tokens.
func WithTokenLifetime(d time.Duration) ServerOption {
	return func(s *Server) { s.lifetime = d }
}

// WithNumericExpiresIn sends expires_in as a JSON number instead of the
// documented string.
func WithNumericExpiresIn() ServerOption { return func(s *Server) { s.numericExpiry = true } }

// Server is the fake. Its methods are safe for concurrent use. It prints as
// naverworkstest.Server{URL:"…"} with every fmt verb and in slog.
type Server struct {
	// URL is the root of the fake ("http://127.0.0.1:port").
	URL string
	// BaseURL is the Bot API base, for naverworks.WithBaseURL.
	BaseURL string
	// TokenURL is the token endpoint, for naverworks.WithTokenURL.
	TokenURL string

	fs            *fakeserver.Server
	now           func() time.Time
	lifetime      time.Duration
	numericExpiry bool
	tokenReqs     atomic.Int64

	mu         sync.Mutex
	seq        int
	tokens     redact.Hidden[map[string]time.Time] // access token → expiry
	messages   []Message
	channels   map[string][]string
	persistent json.RawMessage
	richmenus  map[string]json.RawMessage
	richOrder  []string
	files      map[string]storedFile
}

func (s *Server) form() redact.Form {
	return redact.Form{Type: "naverworkstest.Server", Fields: []redact.Field{{Name: "URL", Value: s.URL}}}
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
		t.Fatalf("naverworkstest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake; Close it when done. For programs; tests use
// [NewServer].
func Start(opts ...ServerOption) (*Server, error) {
	s := &Server{
		now:       time.Now,
		lifetime:  DefaultTokenLifetime,
		tokens:    redact.Hide(map[string]time.Time{}),
		channels:  map[string][]string{},
		richmenus: map[string]json.RawMessage{},
		files:     map[string]storedFile{},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/v2.0/token", s.token)
	api := func(pattern string, h http.HandlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" /v1.0/bots/{botId}"+path, s.authed(h))
	}
	api("POST /users/{userId}/messages", s.send)
	api("POST /channels/{channelId}/messages", s.send)
	api("POST /channels", s.createChannel)
	api("GET /channels/{channelId}/members", s.members)
	api("DELETE /channels/{channelId}", s.leave)
	api("POST /persistentmenu", s.setPersistent)
	api("GET /persistentmenu", s.getPersistent)
	api("DELETE /persistentmenu", s.deletePersistent)
	api("POST /richmenus", s.createRichMenu)
	api("GET /richmenus", s.listRichMenus)
	api("DELETE /richmenus/{richmenuId}", s.deleteRichMenu)
	api("POST /richmenus/{richmenuId}/image", s.richMenuOK)
	api("POST /richmenus/{richmenuId}/users/{userId}", s.richMenuOK)
	api("POST /attachments", s.createAttachment)
	api("GET /attachments/{fileId}", s.attachment)
	mux.HandleFunc("POST /upload/{fileId}", s.authed(s.upload))
	mux.HandleFunc("GET /files/{fileId}", s.authed(s.file))
	fs, err := fakeserver.Start(mux)
	if err != nil {
		return nil, fmt.Errorf("naverworkstest: %w", err)
	}
	s.fs = fs
	s.URL = fs.URL
	s.BaseURL = fs.URL + "/v1.0/"
	s.TokenURL = fs.URL + "/oauth2/v2.0/token"
	return s, nil
}

// Close shuts the fake down.
func (s *Server) Close() { s.fs.Close() }

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
	base := []naverworks.TokenOption{naverworks.WithTokenURL(s.TokenURL), naverworks.WithTokenHTTPClient(s.HTTPClient())}
	return naverworks.TokenSource(context.Background(), s.Credentials(), append(base, opts...)...)
}

// NewClient returns a client for bot [BotID] whose tokens come from the
// fake's token endpoint; opts come after the fake's own.
func (s *Server) NewClient(opts ...naverworks.Option) (*naverworks.Client, error) {
	ts, err := s.TokenSource()
	if err != nil {
		return nil, err
	}
	base := []naverworks.Option{naverworks.WithBaseURL(s.BaseURL), naverworks.WithHTTPClient(s.HTTPClient())}
	return naverworks.New(BotID, ts, append(base, opts...)...)
}

// TokenRequests returns how many requests reached the token endpoint.
func (s *Server) TokenRequests() int { return int(s.tokenReqs.Load()) }

// ExpireTokens makes every token issued so far invalid: the Bot API
// answers 401 to them, as the real one does to an expired token.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	tokens := s.tokens.Reveal()
	for k := range tokens {
		tokens[k] = time.Time{}
	}
}

// RevokeToken makes one access token invalid.
func (s *Server) RevokeToken(accessToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tokens := s.tokens.Reveal()
	if _, ok := tokens[accessToken]; ok {
		tokens[accessToken] = time.Time{}
	}
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

// Inject queues a fault.
func (s *Server) Inject(f Fault) {
	s.fs.Inject(fakeserver.Fault{Method: f.Method, Path: f.Path, Status: f.Status, Header: f.Header, Body: []byte(f.Body), Times: f.Times})
}

// FailNext makes the next times Bot API calls fail with status and a
// {"code", "description"} body.
func (s *Server) FailNext(times, status int, code string) {
	body, _ := json.Marshal(map[string]string{"code": code, "description": "injected by naverworkstest"})
	s.Inject(Fault{Path: "/v1.0/", Status: status, Body: string(body), Times: times})
}

// RateLimitNext makes the next times Bot API calls answer 429 with
// rateLimit headers asking to wait reset.
func (s *Server) RateLimitNext(times int, reset time.Duration) {
	h := http.Header{}
	h.Set("RateLimit-Limit", "240")
	h.Set("RateLimit-Remaining", "0")
	h.Set("RateLimit-Ssed", "240")
	h.Set("RateLimit-Reset", strconv.Itoa(int(reset/time.Second)))
	s.Inject(Fault{Path: "/v1.0/", Status: http.StatusTooManyRequests, Header: h,
		Body: `{"code":"TOO_MANY_REQUESTS","description":"API rate limit exceeded"}`, Times: times})
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

func apiError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"code": code, "description": desc})
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func (s *Server) nextID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return prefix + strconv.Itoa(s.seq)
}

// token is the jwt-bearer grant.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.tokenReqs.Add(1)
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "bad form")
		return
	}
	f := r.PostForm
	switch {
	case f.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be jwt-bearer")
		return
	case f.Get("client_id") != ClientID || f.Get("client_secret") != ClientSecret:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	case f.Get("scope") == "":
		tokenError(w, http.StatusBadRequest, "invalid_scope", "scope is required")
		return
	}
	if err := s.checkAssertion(f.Get("assertion")); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_grant", err.Error())
		return
	}
	tok := s.nextID("fake-access-token-")
	s.mu.Lock()
	s.tokens.Reveal()[tok] = s.now().Add(s.lifetime)
	s.mu.Unlock()
	secs := int(s.lifetime / time.Second)
	var expires any = strconv.Itoa(secs)
	if s.numericExpiry {
		expires = secs
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":  tok,
		"refresh_token": "fake-refresh-token",
		"scope":         f.Get("scope"),
		"token_type":    "Bearer",
		"expires_in":    expires,
	})
}

// checkAssertion verifies the JWT as NAVER WORKS documents it.
func (s *Server) checkAssertion(assertion string) error {
	if assertion == "" {
		return errors.New("assertion is required")
	}
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return errors.New("assertion is not a JWS compact serialization")
	}
	var hdr struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
	}
	if err := decodeSegment(parts[0], &hdr); err != nil || hdr.Alg != "RS256" || hdr.Typ != "JWT" {
		return errors.New(`header must be {"alg":"RS256","typ":"JWT"}`)
	}
	var claims map[string]json.Number
	var raw map[string]any
	if err := decodeSegment(parts[1], &raw); err != nil {
		return errors.New("claims are not base64url JSON")
	}
	claims = map[string]json.Number{}
	for _, k := range []string{"iat", "exp"} {
		n, ok := raw[k].(json.Number)
		if !ok {
			return fmt.Errorf("%s must be a number", k)
		}
		if _, err := n.Int64(); err != nil {
			return fmt.Errorf("%s must be integer seconds", k)
		}
		claims[k] = n
	}
	iat, _ := claims["iat"].Int64()
	exp, _ := claims["exp"].Int64()
	if exp <= iat || exp-iat > 3600 {
		return errors.New("exp must be after iat and at most 60 minutes later")
	}
	_, err := jwt.Parse(assertion, func(*jwt.Token) (any, error) { return &Key().PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(ClientID),
		jwt.WithSubject(ServiceAccount),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.now),
		jwt.WithLeeway(time.Minute),
	)
	if err != nil {
		return fmt.Errorf("assertion rejected: %v", err)
	}
	return nil
}

func decodeSegment(seg string, v any) error {
	if strings.ContainsAny(seg, "=+/") {
		return errors.New("not base64url without padding")
	}
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// authed checks the bearer token and the bot ID.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		exp, known := s.tokens.Reveal()[tok]
		valid := ok && known && s.now().Before(exp)
		s.mu.Unlock()
		if !valid {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			apiError(w, http.StatusUnauthorized, "UNAUTHORIZED", "invalid or expired access token")
			return
		}
		if id := r.PathValue("botId"); id != "" && id != BotID {
			apiError(w, http.StatusNotFound, "BOT_NOT_EXIST", "no such bot")
			return
		}
		h(w, r)
	}
}

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Content json.RawMessage `json:"content"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Content) == 0 || body.Content[0] != '{' {
		apiError(w, http.StatusBadRequest, "INVALID_PARAMETER", "content must be an object")
		return
	}
	var head struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(body.Content, &head); err != nil || head.Type == "" {
		apiError(w, http.StatusBadRequest, "INVALID_PARAMETER", "content.type is required")
		return
	}
	m := Message{BotID: r.PathValue("botId"), UserID: r.PathValue("userId"), ChannelID: r.PathValue("channelId"), Type: head.Type, Content: body.Content}
	if head.Type == "text" {
		m.Text = head.Text
	}
	s.mu.Lock()
	s.messages = append(s.messages, m)
	s.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

func (s *Server) createChannel(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Members []string `json:"members"`
		Title   string   `json:"title"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Members) == 0 {
		apiError(w, http.StatusBadRequest, "INVALID_PARAMETER", "members required")
		return
	}
	id := s.nextID("fake-channel-")
	s.mu.Lock()
	s.channels[id] = in.Members
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]string{"channelId": id, "title": in.Title})
}

func (s *Server) members(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	m, ok := s.channels[r.PathValue("channelId")]
	s.mu.Unlock()
	if !ok {
		apiError(w, http.StatusNotFound, "CHANNEL_NOT_EXIST", "no such channel")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": m, "responseMetaData": map[string]any{}})
}

func (s *Server) leave(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	delete(s.channels, r.PathValue("channelId"))
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) setPersistent(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	if !json.Valid(b) {
		apiError(w, http.StatusBadRequest, "INVALID_PARAMETER", "bad JSON")
		return
	}
	s.mu.Lock()
	s.persistent = b
	s.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

func (s *Server) getPersistent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := s.persistent
	s.mu.Unlock()
	if p == nil {
		apiError(w, http.StatusNotFound, "NOT_FOUND", "no persistent menu")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(p)
}

func (s *Server) deletePersistent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.persistent = nil
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) createRichMenu(w http.ResponseWriter, r *http.Request) {
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		apiError(w, http.StatusBadRequest, "INVALID_PARAMETER", "bad JSON")
		return
	}
	id := s.nextID("fake-richmenu-")
	m["richmenuId"] = id
	b, _ := json.Marshal(m)
	s.mu.Lock()
	s.richmenus[id] = b
	s.richOrder = append(s.richOrder, id)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(b)
}

func (s *Server) listRichMenus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	list := make([]json.RawMessage, 0, len(s.richOrder))
	for _, id := range s.richOrder {
		if m, ok := s.richmenus[id]; ok {
			list = append(list, m)
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"richmenus": list, "responseMetaData": map[string]any{}})
}

func (s *Server) deleteRichMenu(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	delete(s.richmenus, r.PathValue("richmenuId"))
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) richMenuOK(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	_, ok := s.richmenus[r.PathValue("richmenuId")]
	s.mu.Unlock()
	if !ok {
		apiError(w, http.StatusNotFound, "RICHMENU_NOT_EXIST", "no such rich menu")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) createAttachment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		FileName string `json:"fileName"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.FileName == "" {
		apiError(w, http.StatusBadRequest, "INVALID_PARAMETER", "fileName required")
		return
	}
	id := s.nextID("fake-file-")
	writeJSON(w, http.StatusOK, map[string]string{"fileId": id, "uploadUrl": s.URL + "/upload/" + id})
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	f, h, err := r.FormFile("Filedata")
	if err != nil {
		apiError(w, http.StatusBadRequest, "INVALID_PARAMETER", "multipart part Filedata required")
		return
	}
	defer f.Close()
	data, _ := io.ReadAll(f)
	s.AddFile(r.PathValue("fileId"), h.Header.Get("Content-Type"), data)
	writeJSON(w, http.StatusOK, map[string]string{"fileId": r.PathValue("fileId")})
}

func (s *Server) attachment(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("fileId")
	if _, _, ok := s.File(id); !ok {
		apiError(w, http.StatusNotFound, "FILE_NOT_EXIST", "no such file")
		return
	}
	w.Header().Set("Location", s.URL+"/files/"+urlPathEscape(id))
	w.WriteHeader(http.StatusFound)
}

func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	data, ct, ok := s.File(r.PathValue("fileId"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	if ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

func urlPathEscape(s string) string { return url.PathEscape(s) }
