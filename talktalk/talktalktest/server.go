package talktalktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
	"testing"

	"github.com/channelkit/channelkit/internal/fakeserver"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/talktalk"
)

// AuthorizationKey is the key the fake accepts unless configured with
// [WithAuthorizationKey].
const AuthorizationKey = "ct_talktalktest_key"

// Paths of the fake's endpoints.
const (
	EventPath       = "/chatbot/v1/event"
	ImageUploadPath = "/chatbot/v1/imageUpload"
)

// ServerOption configures a [Server]; pass it to [NewServer] or [Start].
type ServerOption func(*Server)

// WithAuthorizationKey makes the fake accept key instead of
// [AuthorizationKey]. An empty key makes Start fail.
func WithAuthorizationKey(key string) ServerOption {
	return func(s *Server) { s.key = redact.Hide(key) }
}

// Fault is an injected failure for [Server.FailNext]: the next Times
// requests (0 means 1) whose method is Method and whose path starts with
// Path (an empty Method or Path matches any) are answered Status (0 means
// 200), Header and Body instead of by the fake's endpoints.
type Fault = fakeserver.Fault

// Server is the fake send API. It is safe for concurrent use. It prints as
// talktalktest.Server{URL:"…"} with every fmt verb and in slog.
type Server struct {
	fs     *fakeserver.Server
	key    redact.Hidden[string]
	client *talktalk.Client

	mu     sync.Mutex
	events []talktalk.Event
	images map[string]string // imageId -> URL
	next   []result          // queued FailNext answers
	nimg   int
}

func (s *Server) form() redact.Form {
	var addr string
	if s.fs != nil {
		addr = s.fs.URL
	}
	return redact.Form{Type: "talktalktest.Server", Fields: []redact.Field{{Name: "URL", Value: addr}}}
}

// Format writes the fake's URL, for every verb.
func (s *Server) Format(f fmt.State, verb rune) { s.form().Format(f, verb) }

// LogValue logs the fake's URL.
func (s *Server) LogValue() slog.Value { return s.form().LogValue() }

type result struct {
	Success       bool   `json:"success"`
	ResultCode    string `json:"resultCode"`
	ResultMessage string `json:"resultMessage,omitempty"`
	ImageID       string `json:"imageId,omitempty"`
}

// NewServer starts a fake and closes it when t's test ends. It fails t if
// the server cannot start.
func NewServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("talktalktest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake outside tests (a demo, a local run). Call Close when
// done.
func Start(opts ...ServerOption) (*Server, error) {
	s := &Server{key: redact.Hide(AuthorizationKey), images: map[string]string{}}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("talktalktest: nil option")
		}
		o(s)
	}
	if s.key.Reveal() == "" {
		return nil, errors.New("talktalktest: empty authorization key")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+EventPath, s.serveEvent)
	mux.HandleFunc("POST "+ImageUploadPath, s.serveUpload)
	fs, err := fakeserver.Start(mux)
	if err != nil {
		return nil, fmt.Errorf("talktalktest: %w", err)
	}
	s.fs = fs
	if s.client, err = s.NewClient(); err != nil {
		fs.Close()
		return nil, fmt.Errorf("talktalktest: %w", err)
	}
	return s, nil
}

// Close shuts the server down.
func (s *Server) Close() { s.fs.Close() }

// URL is the server's root, "http://127.0.0.1:port".
func (s *Server) URL() string { return s.fs.URL }

// BaseURL is the value for talktalk.WithBaseURL.
func (s *Server) BaseURL() string { return s.fs.URL + "/chatbot/v1/" }

// AuthorizationKey returns the key the fake accepts.
func (s *Server) AuthorizationKey() string { return s.key.Reveal() }

// HTTPClient returns an *http.Client for the server.
func (s *Server) HTTPClient() *http.Client { return s.fs.Client() }

// Client returns a talktalk.Client wired to the fake, with its key and
// the default options; it is the same client on every call.
func (s *Server) Client() *talktalk.Client { return s.client }

// NewClient returns a new talktalk.Client wired to the fake with its key,
// for options of your own (a retry policy, a logger); opts are applied
// after the fake's own.
func (s *Server) NewClient(opts ...talktalk.Option) (*talktalk.Client, error) {
	all := append([]talktalk.Option{talktalk.WithBaseURL(s.BaseURL()), talktalk.WithHTTPClient(s.fs.Client())}, opts...)
	return talktalk.New(s.key.Reveal(), all...)
}

// Events returns every event the send API accepted, decoded, in order.
func (s *Server) Events() []talktalk.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]talktalk.Event(nil), s.events...)
}

// Sent returns the accepted *talktalk.SendEvent values, in order.
func (s *Server) Sent() []*talktalk.SendEvent {
	var out []*talktalk.SendEvent
	for _, ev := range s.Events() {
		if se, ok := ev.(*talktalk.SendEvent); ok {
			out = append(out, se)
		}
	}
	return out
}

// Call is one request the server received, accepted or not.
type Call struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// Calls returns every request received, in order, including rejected ones.
func (s *Server) Calls() []Call {
	cs := s.fs.Calls()
	out := make([]Call, len(cs))
	for i, c := range cs {
		out[i] = Call{Method: c.Method, Path: c.Path, Header: c.Header, Body: c.Body}
	}
	return out
}

// Reset forgets recorded calls and events, queued failures and images.
func (s *Server) Reset() {
	s.fs.Reset()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events, s.next, s.images = nil, nil, map[string]string{}
}

// FailNextResult makes the next request to either endpoint that passes
// the key check answer HTTP 200 with {"success": false, "resultCode":
// code, "resultMessage": msg}, as TalkTalk reports its own errors. Calls
// queue in order.
func (s *Server) FailNextResult(code, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next = append(s.next, result{ResultCode: code, ResultMessage: msg})
}

// FailNext answers the next f.Times requests matching f.Method and f.Path
// with f.Status, f.Header and f.Body, before the key check. A nil f.Body
// is filled with TalkTalk's {"success": false} envelope for the status (see
// the package documentation). Faults queue in order.
func (s *Server) FailNext(f Fault) {
	f = f.Defaults()
	if f.Body == nil {
		f.Body, _ = json.Marshal(faultResult(f.Status))
		if f.Header.Get("Content-Type") == "" {
			f.Header = f.Header.Clone()
			if f.Header == nil {
				f.Header = http.Header{}
			}
			f.Header.Set("Content-Type", "application/json;charset=UTF-8")
		}
	}
	s.fs.Inject(f)
}

// faultResult is TalkTalk's failure envelope for an HTTP status.
func faultResult(status int) result {
	switch {
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return fail(talktalk.CodeUnauthorized, "Authorization 값이 유효하지 않습니다.")
	case status == http.StatusBadRequest:
		return fail(talktalk.CodeInvalidJSON, "request json 문자열 파싱 오류")
	case status >= 500, status >= 200 && status < 300:
		return fail(talktalk.CodeServer, "서버 오류")
	}
	return result{ResultMessage: http.StatusText(status)}
}

// Handle overrides the endpoint matching pattern (http.ServeMux syntax,
// "POST /chatbot/v1/event") with h.
func (s *Server) Handle(pattern string, h http.Handler) { s.fs.Handle(pattern, h) }

func (s *Server) answer(w http.ResponseWriter, r result) {
	b, _ := json.Marshal(r)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_, _ = w.Write(b)
}

func fail(code, msg string) result { return result{ResultCode: code, ResultMessage: msg} }

// admit checks the key and pops a queued failure.
func (s *Server) admit(r *http.Request) (result, bool) {
	if r.Header.Get("Authorization") != s.key.Reveal() {
		return fail(talktalk.CodeUnauthorized, "Authorization 값이 유효하지 않습니다."), false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.next) > 0 {
		f := s.next[0]
		s.next = s.next[1:]
		return f, false
	}
	return result{}, true
}

func (s *Server) serveEvent(w http.ResponseWriter, r *http.Request) {
	if f, ok := s.admit(r); !ok {
		s.answer(w, f)
		return
	}
	body := readBody(r)
	if !json.Valid(body) {
		s.answer(w, fail(talktalk.CodeInvalidJSON, "request json 문자열 파싱 오류"))
		return
	}
	ev, err := talktalk.Decode(body)
	if err != nil {
		s.answer(w, fail(talktalk.CodeInvalidJSON, "request json 문자열 파싱 오류"))
		return
	}
	if _, unknown := ev.(*talktalk.UnknownEvent); unknown {
		s.answer(w, fail(talktalk.CodeInvalidJSON, "unknown event"))
		return
	}
	if err := talktalk.Validate(ev); err != nil {
		s.answer(w, fail(talktalk.CodeInvalidJSON, err.Error()))
		return
	}
	if _, menu := ev.(*talktalk.PersistentMenuEvent); !menu && ev.UserID() == "" {
		s.answer(w, fail(talktalk.CodeInvalidJSON, "user is required"))
		return
	}
	if se, ok := ev.(*talktalk.SendEvent); ok {
		if id := imageID(se); id != "" {
			s.mu.Lock()
			_, known := s.images[id]
			s.mu.Unlock()
			if !known {
				s.answer(w, fail(talktalk.CodeServer, "unknown imageId"))
				return
			}
		}
	}
	s.mu.Lock()
	s.events = append(s.events, ev)
	s.mu.Unlock()
	s.answer(w, result{Success: true, ResultCode: talktalk.CodeSuccess})
}

func imageID(se *talktalk.SendEvent) string {
	if se.Image != nil {
		return se.Image.ImageID
	}
	if se.Composite != nil {
		for _, c := range se.Composite.CompositeList {
			if c.Image != nil && c.Image.ImageID != "" {
				return c.Image.ImageID
			}
		}
	}
	return ""
}

func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	if f, ok := s.admit(r); !ok {
		s.answer(w, f)
		return
	}
	var req struct {
		ImageURL string `json:"imageUrl"`
	}
	if err := json.Unmarshal(readBody(r), &req); err != nil || req.ImageURL == "" {
		s.answer(w, fail(talktalk.CodeInvalidJSON, "request json 문자열 파싱 오류"))
		return
	}
	u := strings.ToLower(req.ImageURL)
	if q := strings.IndexAny(u, "?#"); q >= 0 {
		u = u[:q]
	}
	switch path.Ext(u) {
	case ".jpg", ".jpeg", ".png", ".gif":
	default:
		s.answer(w, fail(talktalk.CodeImageFormat, "이미지 포맷 오류"))
		return
	}
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		s.answer(w, fail(talktalk.CodeImageFormat, "이미지 URL 오류"))
		return
	}
	s.mu.Lock()
	s.nimg++
	id := fmt.Sprintf("talktalktest-image-%d", s.nimg)
	s.images[id] = req.ImageURL
	s.mu.Unlock()
	s.answer(w, result{Success: true, ResultCode: talktalk.CodeSuccess, ImageID: id})
}

// readBody reads the body the recording layer has already bounded.
func readBody(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}
