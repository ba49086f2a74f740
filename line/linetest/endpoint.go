package linetest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/channelkit/channelkit/line"
)

// The fake webhook-endpoint settings: get, set and test.

type endpoint struct {
	url    string
	active bool
	test   *line.WebhookTest
}

func (s *Server) endpointRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/bot/channel/webhook/endpoint", s.getEndpoint)
	mux.HandleFunc("PUT /v2/bot/channel/webhook/endpoint", s.setEndpoint)
	mux.HandleFunc("POST /v2/bot/channel/webhook/test", s.testEndpoint)
}

// SetWebhookActive turns "Use webhook" on or off (the console's switch).
func (s *Server) SetWebhookActive(active bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook.active = active
}

// SetWebhookTestResult sets what TestWebhookEndpoint answers. By default
// the fake reports a success (200, "OK") at its clock's time without
// calling the URL.
func (s *Server) SetWebhookTestResult(t line.WebhookTest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t.Meta = line.Meta{}
	s.hook.test = &t
}

// validEndpoint is LINE's rule: an absolute https URL of at most 500
// characters.
func validEndpoint(e string) bool {
	u, err := url.Parse(e)
	return err == nil && len(e) <= 500 && u.Scheme == "https" && u.Host != ""
}

func (s *Server) getEndpoint(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	h := s.hook
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, line.WebhookEndpoint{Endpoint: h.url, Active: h.active})
}

func (s *Server) setEndpoint(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Endpoint string `json:"endpoint"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		s.fail(w, http.StatusBadRequest, "The request body could not be parsed as JSON")
		return
	}
	if !validEndpoint(b.Endpoint) {
		s.badBody(w, "endpoint", "must be a valid https URL of at most 500 characters")
		return
	}
	s.mu.Lock()
	s.hook.url = b.Endpoint
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) testEndpoint(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Endpoint string `json:"endpoint"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		s.fail(w, http.StatusBadRequest, "The request body could not be parsed as JSON")
		return
	}
	s.mu.Lock()
	target, result := b.Endpoint, s.hook.test
	if target == "" {
		target = s.hook.url
	}
	s.mu.Unlock()
	switch {
	case b.Endpoint != "" && !validEndpoint(b.Endpoint):
		s.badBody(w, "endpoint", "must be a valid https URL of at most 500 characters")
		return
	case target == "":
		s.badBody(w, "endpoint", "no webhook URL is set")
		return
	}
	if result == nil {
		result = &line.WebhookTest{Success: true, Timestamp: s.now().UTC().Truncate(time.Millisecond), StatusCode: 200, Reason: "OK", Detail: "200"}
	}
	writeJSON(w, http.StatusOK, result)
}
