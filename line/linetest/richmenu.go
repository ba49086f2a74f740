package linetest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"

	"github.com/channelkit/channelkit/line"
)

// The fake rich-menu endpoints: menus, their images, the default, per-user
// links, bulk links and aliases, kept in memory and checked as LINE checks
// them.

type richMenus struct {
	menus   map[string]json.RawMessage // ID → the menu as created, with richMenuId
	order   []string
	images  map[string]content
	def     string
	links   map[string]string // user ID → menu ID
	aliases map[string]string // alias → menu ID
}

var aliasRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,32}$`)

func (s *Server) richMenuRoutes(mux *http.ServeMux) {
	s.rm = richMenus{menus: map[string]json.RawMessage{}, images: map[string]content{}, links: map[string]string{}, aliases: map[string]string{}}
	mux.HandleFunc("POST /v2/bot/richmenu", s.createRichMenu)
	mux.HandleFunc("GET /v2/bot/richmenu/list", s.listRichMenus)
	mux.HandleFunc("GET /v2/bot/richmenu/{id}", s.getRichMenu)
	mux.HandleFunc("DELETE /v2/bot/richmenu/{id}", s.deleteRichMenu)
	// {id}/{verb} rather than {id}/content, which would clash with
	// alias/{alias} over the path alias/content.
	mux.HandleFunc("POST /v2/bot/richmenu/{id}/{verb}", s.onlyContent(s.setRichMenuImage))
	mux.HandleFunc("GET /v2/bot/richmenu/{id}/{verb}", s.onlyContent(s.getRichMenuImage))
	mux.HandleFunc("POST /v2/bot/user/all/richmenu/{id}", s.setDefaultRichMenu)
	mux.HandleFunc("GET /v2/bot/user/all/richmenu", s.getDefaultRichMenu)
	mux.HandleFunc("DELETE /v2/bot/user/all/richmenu", s.cancelDefaultRichMenu)
	mux.HandleFunc("POST /v2/bot/user/{user}/richmenu/{id}", s.linkRichMenu)
	mux.HandleFunc("GET /v2/bot/user/{user}/richmenu", s.getUserRichMenu)
	mux.HandleFunc("DELETE /v2/bot/user/{user}/richmenu", s.unlinkRichMenu)
	mux.HandleFunc("POST /v2/bot/richmenu/bulk/link", s.bulkLinkRichMenu)
	mux.HandleFunc("POST /v2/bot/richmenu/bulk/unlink", s.bulkUnlinkRichMenu)
	mux.HandleFunc("POST /v2/bot/richmenu/alias", s.createRichMenuAlias)
	mux.HandleFunc("GET /v2/bot/richmenu/alias/list", s.listRichMenuAliases)
	mux.HandleFunc("GET /v2/bot/richmenu/alias/{alias}", s.getRichMenuAlias)
	mux.HandleFunc("POST /v2/bot/richmenu/alias/{alias}", s.updateRichMenuAlias)
	mux.HandleFunc("DELETE /v2/bot/richmenu/alias/{alias}", s.deleteRichMenuAlias)
}

func (s *Server) onlyContent(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("verb") != "content" {
			s.fail(w, http.StatusNotFound, "Not found")
			return
		}
		h(w, r)
	}
}

// RichMenuLinks returns which rich menu is linked to each user.
func (s *Server) RichMenuLinks() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]string, len(s.rm.links))
	for k, v := range s.rm.links {
		out[k] = v
	}
	return out
}

// DefaultRichMenu returns the default rich menu's ID, or "".
func (s *Server) DefaultRichMenu() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rm.def
}

func (s *Server) badBody(w http.ResponseWriter, property, msg string) {
	s.fail(w, http.StatusBadRequest, "The request body has 1 error(s)", detail{Message: msg, Property: property})
}

func (s *Server) createRichMenu(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil || !json.Valid(raw) {
		s.fail(w, http.StatusBadRequest, "The request body could not be parsed as JSON")
		return
	}
	if err := line.ValidateRichMenu(raw); err != nil {
		var ds []detail
		for _, e := range flatten(err) {
			if ve, ok := e.(*line.ValidationError); ok {
				ds = append(ds, detail{Message: ve.Reason, Property: ve.Path})
			}
		}
		s.fail(w, http.StatusBadRequest, fmt.Sprintf("The request body has %d error(s)", len(ds)), ds...)
		return
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	id := "richmenu-" + s.nextID()
	m["richMenuId"] = id
	stored, _ := json.Marshal(m)
	s.mu.Lock()
	s.rm.menus[id] = stored
	s.rm.order = append(s.rm.order, id)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"richMenuId": id})
}

// menu looks a menu up, answering 404 when there is none.
func (s *Server) menu(w http.ResponseWriter, id string) (json.RawMessage, bool) {
	s.mu.Lock()
	m, ok := s.rm.menus[id]
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, "Not found")
	}
	return m, ok
}

func (s *Server) getRichMenu(w http.ResponseWriter, r *http.Request) {
	if m, ok := s.menu(w, r.PathValue("id")); ok {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(m)
	}
}

func (s *Server) listRichMenus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	list := make([]json.RawMessage, 0, len(s.rm.order))
	for _, id := range s.rm.order {
		list = append(list, s.rm.menus[id])
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"richmenus": list})
}

func (s *Server) deleteRichMenu(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := s.menu(w, id); !ok {
		return
	}
	s.mu.Lock()
	delete(s.rm.menus, id)
	delete(s.rm.images, id)
	for i, v := range s.rm.order {
		if v == id {
			s.rm.order = append(s.rm.order[:i:i], s.rm.order[i+1:]...)
			break
		}
	}
	if s.rm.def == id {
		s.rm.def = ""
	}
	for u, m := range s.rm.links {
		if m == id {
			delete(s.rm.links, u)
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) setRichMenuImage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := s.menu(w, id); !ok {
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
	if err != nil {
		s.fail(w, http.StatusBadRequest, "The request body could not be read")
		return
	}
	ct := r.Header.Get("Content-Type")
	if err := line.CheckRichMenuImage(ct, data); err != nil {
		if len(data) > 1<<20 {
			s.fail(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
			return
		}
		s.fail(w, http.StatusBadRequest, "Invalid image")
		return
	}
	s.mu.Lock()
	_, had := s.rm.images[id]
	if !had {
		s.rm.images[id] = content{ct, data}
	}
	s.mu.Unlock()
	if had {
		s.fail(w, http.StatusBadRequest, "An image has already been uploaded to the richmenu")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) getRichMenuImage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c, ok := s.rm.images[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, "Not found")
		return
	}
	w.Header().Set("Content-Type", c.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(c.data)))
	_, _ = w.Write(c.data)
}

func (s *Server) setDefaultRichMenu(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := s.menu(w, id); !ok {
		return
	}
	s.mu.Lock()
	_, hasImage := s.rm.images[id]
	if hasImage {
		s.rm.def = id
	}
	s.mu.Unlock()
	if !hasImage {
		s.fail(w, http.StatusBadRequest, "must upload richmenu image before applying it to user")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) getDefaultRichMenu(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	id := s.rm.def
	s.mu.Unlock()
	if id == "" {
		s.fail(w, http.StatusNotFound, "no default richmenu")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"richMenuId": id})
}

func (s *Server) cancelDefaultRichMenu(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.rm.def = ""
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}

// linkable reports whether id exists with an image, answering otherwise.
func (s *Server) linkable(w http.ResponseWriter, id string) bool {
	if _, ok := s.menu(w, id); !ok {
		return false
	}
	s.mu.Lock()
	_, hasImage := s.rm.images[id]
	s.mu.Unlock()
	if !hasImage {
		s.fail(w, http.StatusBadRequest, "must upload richmenu image before applying it to user")
	}
	return hasImage
}

func (s *Server) linkRichMenu(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.linkable(w, id) {
		return
	}
	s.mu.Lock()
	s.rm.links[r.PathValue("user")] = id
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) getUserRichMenu(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	id, ok := s.rm.links[r.PathValue("user")]
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, "the user has no richmenu")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"richMenuId": id})
}

func (s *Server) unlinkRichMenu(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	delete(s.rm.links, r.PathValue("user"))
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}

type bulkBody struct {
	RichMenuID string   `json:"richMenuId"`
	UserIDs    []string `json:"userIds"`
}

func (s *Server) readBulk(w http.ResponseWriter, r *http.Request) (*bulkBody, bool) {
	var b bulkBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		s.fail(w, http.StatusBadRequest, "The request body could not be parsed as JSON")
		return nil, false
	}
	if len(b.UserIDs) == 0 || len(b.UserIDs) > 500 {
		s.badBody(w, "userIds", "size must be between 1 and 500")
		return nil, false
	}
	return &b, true
}

func (s *Server) bulkLinkRichMenu(w http.ResponseWriter, r *http.Request) {
	b, ok := s.readBulk(w, r)
	if !ok || !s.linkable(w, b.RichMenuID) {
		return
	}
	s.mu.Lock()
	for _, u := range b.UserIDs {
		s.rm.links[u] = b.RichMenuID
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{})
}

func (s *Server) bulkUnlinkRichMenu(w http.ResponseWriter, r *http.Request) {
	b, ok := s.readBulk(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	for _, u := range b.UserIDs {
		delete(s.rm.links, u)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{})
}

type aliasBody struct {
	AliasID    string `json:"richMenuAliasId"`
	RichMenuID string `json:"richMenuId"`
}

func (s *Server) createRichMenuAlias(w http.ResponseWriter, r *http.Request) {
	var b aliasBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		s.fail(w, http.StatusBadRequest, "The request body could not be parsed as JSON")
		return
	}
	if !aliasRE.MatchString(b.AliasID) {
		s.badBody(w, "richMenuAliasId", "must match ^[a-zA-Z0-9_-]{1,32}$")
		return
	}
	if !s.linkable(w, b.RichMenuID) {
		return
	}
	s.mu.Lock()
	_, taken := s.rm.aliases[b.AliasID]
	if !taken {
		s.rm.aliases[b.AliasID] = b.RichMenuID
	}
	s.mu.Unlock()
	if taken {
		s.fail(w, http.StatusBadRequest, "conflict richmenu alias id")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) alias(w http.ResponseWriter, alias string) (string, bool) {
	s.mu.Lock()
	id, ok := s.rm.aliases[alias]
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, "richmenu alias not found")
	}
	return id, ok
}

func (s *Server) getRichMenuAlias(w http.ResponseWriter, r *http.Request) {
	a := r.PathValue("alias")
	if id, ok := s.alias(w, a); ok {
		writeJSON(w, http.StatusOK, aliasBody{AliasID: a, RichMenuID: id})
	}
}

func (s *Server) updateRichMenuAlias(w http.ResponseWriter, r *http.Request) {
	a := r.PathValue("alias")
	if _, ok := s.alias(w, a); !ok {
		return
	}
	var b aliasBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		s.fail(w, http.StatusBadRequest, "The request body could not be parsed as JSON")
		return
	}
	if !s.linkable(w, b.RichMenuID) {
		return
	}
	s.mu.Lock()
	s.rm.aliases[a] = b.RichMenuID
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) listRichMenuAliases(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	list := make([]aliasBody, 0, len(s.rm.aliases))
	for a, id := range s.rm.aliases {
		list = append(list, aliasBody{AliasID: a, RichMenuID: id})
	}
	s.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].AliasID < list[j].AliasID })
	writeJSON(w, http.StatusOK, map[string]any{"aliases": list})
}

func (s *Server) deleteRichMenuAlias(w http.ResponseWriter, r *http.Request) {
	a := r.PathValue("alias")
	if _, ok := s.alias(w, a); !ok {
		return
	}
	s.mu.Lock()
	delete(s.rm.aliases, a)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}
