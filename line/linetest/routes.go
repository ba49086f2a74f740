package linetest

import "net/http"

// routes registers the endpoints beyond sending, profiles, content and
// chat control: one line per file of endpoints, so that each concept
// keeps its own file.
func (s *Server) routes(mux *http.ServeMux) {
	s.richMenuRoutes(mux)
	s.groupRoutes(mux)
	s.accountRoutes(mux)
	s.narrowcastRoutes(mux)
	s.endpointRoutes(mux)
	s.mediaRoutes(mux)
	s.richMenuBatchRoutes(mux)
}
