package linetest

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/channelkit/channelkit/internal/uuid"
	"github.com/channelkit/channelkit/line"
)

// The fake narrowcast, its progress, and the message quota.

type narrowcasts struct {
	progress    map[string]line.NarrowcastProgress // request ID → progress
	quota       line.MessageQuota
	consumption int64
}

func (s *Server) narrowcastRoutes(mux *http.ServeMux) {
	s.nc = narrowcasts{progress: map[string]line.NarrowcastProgress{}, quota: line.MessageQuota{Type: "none"}}
	mux.HandleFunc("POST /v2/bot/message/narrowcast", s.narrowcast)
	mux.HandleFunc("GET /v2/bot/message/progress/narrowcast", s.narrowcastProgress)
	mux.HandleFunc("GET /v2/bot/message/quota", s.messageQuota)
	mux.HandleFunc("GET /v2/bot/message/quota/consumption", s.quotaConsumption)
}

// SetNarrowcastProgress sets what GetNarrowcastProgress answers for
// requestID. An accepted narrowcast starts as "succeeded", with no
// counts, accepted and completed at once.
func (s *Server) SetNarrowcastProgress(requestID string, p line.NarrowcastProgress) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p.Meta = line.Meta{}
	s.nc.progress[requestID] = p
}

// SetMessageQuota sets what GetMessageQuota answers ("none" by default).
func (s *Server) SetMessageQuota(q line.MessageQuota) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q.Meta = line.Meta{}
	s.nc.quota = q
}

// SetQuotaConsumption sets what GetMessageQuotaConsumption answers (0 by
// default; the fake counts nothing).
func (s *Server) SetQuotaConsumption(totalUsage int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nc.consumption = totalUsage
}

func (s *Server) narrowcast(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("X-Line-Retry-Key")
	if key != "" && !uuid.Valid(key) {
		s.fail(w, http.StatusBadRequest, "The value for the 'X-Line-Retry-Key' header is invalid")
		return
	}
	b, ok := s.validate(w, r)
	if !ok {
		return
	}
	var t struct {
		Recipient *struct {
			Type string `json:"type"`
		} `json:"recipient"`
		Limit *struct {
			Max *int `json:"max"`
		} `json:"limit"`
	}
	_ = json.Unmarshal(b.raw, &t)
	if t.Recipient != nil && t.Recipient.Type != "audience" && t.Recipient.Type != "redelivery" && t.Recipient.Type != "operator" {
		s.badBody(w, "recipient.type", "must be one of audience, redelivery, operator")
		return
	}
	if t.Limit != nil && t.Limit.Max != nil && *t.Limit.Max < 1 {
		s.badBody(w, "limit.max", "must be greater than or equal to 1")
		return
	}
	id := w.Header().Get("X-Line-Request-Id")
	s.mu.Lock()
	if key != "" {
		if acc, seen := s.retryKeys[key]; seen {
			s.mu.Unlock()
			w.Header().Set("X-Line-Accepted-Request-Id", acc)
			s.fail(w, http.StatusConflict, "The retry key is already accepted")
			return
		}
		s.retryKeys[key] = id
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	s.nc.progress[id] = line.NarrowcastProgress{Phase: "succeeded", AcceptedTime: now, CompletedTime: now}
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
	writeJSON(w, http.StatusAccepted, map[string]any{})
}

func (s *Server) narrowcastProgress(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("requestId")
	if id == "" {
		s.fail(w, http.StatusBadRequest, "The request parameter has 1 error(s)", detail{Message: "must be specified", Property: "requestId"})
		return
	}
	s.mu.Lock()
	p, ok := s.nc.progress[id]
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, "Not found")
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) messageQuota(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	q := s.nc.quota
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, q)
}

func (s *Server) quotaConsumption(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := s.nc.consumption
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]int64{"totalUsage": n})
}
