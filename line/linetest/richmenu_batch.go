package linetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/channelkit/channelkit/line"
)

// The fake rich-menu batch and its progress: operations are checked as
// LINE checks them and carried out at once on the in-memory links.

var resumeKeyRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,100}$`)

func (s *Server) richMenuBatchRoutes(mux *http.ServeMux) {
	s.rmBatch = map[string]line.RichMenuBatchProgress{}
	mux.HandleFunc("POST /v2/bot/richmenu/batch", s.richMenuBatch)
	mux.HandleFunc("GET /v2/bot/richmenu/progress/batch", s.richMenuBatchProgress)
}

func (s *Server) richMenuBatch(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Operations []struct {
			Type string `json:"type"`
			From string `json:"from"`
			To   string `json:"to"`
		} `json:"operations"`
		ResumeRequestKey *string `json:"resumeRequestKey"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		s.fail(w, http.StatusBadRequest, "The request body could not be parsed as JSON")
		return
	}
	var ds []detail
	bad := func(prop, msg string) { ds = append(ds, detail{Message: msg, Property: prop}) }
	if len(b.Operations) == 0 || len(b.Operations) > 1000 {
		bad("operations", "size must be between 1 and 1000")
	}
	for i, op := range b.Operations {
		p := fmt.Sprintf("operations[%d]", i)
		switch op.Type {
		case "link":
			if op.From == "" {
				bad(p+".from", "must be specified")
			}
			if op.To == "" {
				bad(p+".to", "must be specified")
			}
		case "unlink":
			if op.From == "" {
				bad(p+".from", "must be specified")
			}
		case "unlinkAll":
		default:
			bad(p+".type", "must be one of link, unlink, unlinkAll")
		}
	}
	if k := b.ResumeRequestKey; k != nil && !resumeKeyRE.MatchString(*k) {
		bad("resumeRequestKey", "must match ^[a-zA-Z0-9_-]{1,100}$")
	}
	if len(ds) > 0 {
		s.fail(w, http.StatusBadRequest, fmt.Sprintf("The request body has %d error(s)", len(ds)), ds...)
		return
	}
	for _, op := range b.Operations {
		if op.Type == "link" && !s.linkable(w, op.To) {
			return
		}
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	s.mu.Lock()
	for _, op := range b.Operations {
		for u, m := range s.rm.links {
			switch {
			case op.Type == "unlinkAll", op.Type == "unlink" && m == op.From:
				delete(s.rm.links, u)
			case op.Type == "link" && m == op.From:
				s.rm.links[u] = op.To
			}
		}
	}
	s.rmBatch[w.Header().Get("X-Line-Request-Id")] = line.RichMenuBatchProgress{Phase: "succeeded", AcceptedTime: now, CompletedTime: now}
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{})
}

// SetRichMenuBatchProgress sets what GetRichMenuBatchProgress answers for
// requestID. An accepted batch is "succeeded" at once.
func (s *Server) SetRichMenuBatchProgress(requestID string, p line.RichMenuBatchProgress) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p.Meta = line.Meta{}
	s.rmBatch[requestID] = p
}

func (s *Server) richMenuBatchProgress(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("requestId")
	if id == "" {
		s.fail(w, http.StatusBadRequest, "The request parameter has 1 error(s)", detail{Message: "must be specified", Property: "requestId"})
		return
	}
	s.mu.Lock()
	p, ok := s.rmBatch[id]
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, "Not found")
		return
	}
	writeJSON(w, http.StatusOK, p)
}
