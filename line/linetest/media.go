package linetest

import (
	"net/http"
	"strconv"
)

// The fake content preview and transcoding status, beside the content
// [Server.SetContent] sets.

type media struct {
	previews    map[string]content
	transcoding map[string]string // message ID → status
}

func (s *Server) mediaRoutes(mux *http.ServeMux) {
	s.media = media{previews: map[string]content{}, transcoding: map[string]string{}}
	mux.HandleFunc("GET /v2/bot/message/{messageId}/content/preview", s.contentPreview)
	mux.HandleFunc("GET /v2/bot/message/{messageId}/content/transcoding", s.contentTranscoding)
}

// SetContentPreview makes GetContentPreview(messageID) return data.
func (s *Server) SetContentPreview(messageID, contentType string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media.previews[messageID] = content{contentType, append([]byte(nil), data...)}
}

// SetTranscoding sets the transcoding status of messageID ("processing",
// "succeeded" or "failed"). Content set with [Server.SetContent] and no
// status is "succeeded".
func (s *Server) SetTranscoding(messageID, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media.transcoding[messageID] = status
}

func (s *Server) contentPreview(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c, ok := s.media.previews[r.PathValue("messageId")]
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, "Not found")
		return
	}
	w.Header().Set("Content-Type", c.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(c.data)))
	_, _ = w.Write(c.data)
}

func (s *Server) contentTranscoding(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("messageId")
	s.mu.Lock()
	status, ok := s.media.transcoding[id]
	if _, has := s.contents[id]; has && !ok {
		status, ok = "succeeded", true
	}
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, "Not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": status})
}
