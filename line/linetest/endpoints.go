package linetest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/channelkit/channelkit/internal/fakeserver"
	"github.com/channelkit/channelkit/internal/uuid"
	"github.com/channelkit/channelkit/line"
)

// The fake's endpoints: what it checks and answers, as LINE does.

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
	raw        []byte
}

// accept records a send LINE would deliver, for [Server.Accepted].
func (s *Server) accept(r *http.Request, b *sendBody) {
	c := decodeCall(fakeserver.Call{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: b.raw})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accepted = append(s.accepted, c)
}

// validate answers 400 and returns false for a body LINE would reject.
func (s *Server) validate(w http.ResponseWriter, r *http.Request) (*sendBody, bool) {
	var b sendBody
	raw, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(raw, &b)
	}
	b.raw = raw
	if err != nil {
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
	s.accept(r, b)
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
	s.accept(r, b)
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
