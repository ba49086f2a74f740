package naverworkstest

import (
	"encoding/json"

	"github.com/channelkit/channelkit/naverworks"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The fake Bot API: messages, rooms, menus and attachments, kept in
// memory, behind the bearer-token check.

// botAPI registers the Bot API's endpoints on mux.
func (s *Server) botAPI(mux *http.ServeMux) {
	api := func(pattern string, h http.HandlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		path = strings.TrimSpace(path)
		mux.HandleFunc(method+" "+BotAPIPath+"bots/{botId}"+path, s.authed(h))
	}
	api("POST /users/{userId}/messages", s.send)
	api("POST /channels/{channelId}/messages", s.send)
	api("POST /channels", s.createChannel)
	api("GET /channels/{channelId}/members", s.members)
	api("DELETE /channels/{channelId}", s.leave)
	api("GET /channels/{channelId}", s.channelInfo)
	api("PATCH ", s.updateBot)
	api("POST /richmenus/{richmenuId}/set-default", s.setDefaultRichMenu)
	api("GET /richmenus/default", s.getDefaultRichMenu)
	api("DELETE /richmenus/default", s.deleteDefaultRichMenu)
	mux.HandleFunc("GET "+BotAPIPath+"users/{userId}", s.authed(s.user))
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
}

func apiError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"code": code, "description": desc})
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
		if id := r.PathValue("botId"); id != "" && !s.botIDs[id] {
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
		Type        string `json:"type"`
		Text        string `json:"text"`
		ContentText string `json:"contentText"`
	}
	if err := json.Unmarshal(body.Content, &head); err != nil || head.Type == "" {
		apiError(w, http.StatusBadRequest, "INVALID_PARAMETER", "content.type is required")
		return
	}
	mentions, why := checkMentions(head.Text+head.ContentText, r.PathValue("channelId") != "")
	if why != "" {
		apiError(w, http.StatusBadRequest, "INVALID_PARAMETER", why)
		return
	}
	m := Message{BotID: r.PathValue("botId"), UserID: r.PathValue("userId"), ChannelID: r.PathValue("channelId"), Type: head.Type, Content: body.Content, Mentions: mentions}
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
	s.titles[id] = in.Title
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
	delete(s.titles, r.PathValue("channelId"))
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
	writeJSON(w, http.StatusOK, map[string]string{"fileId": id, "uploadUrl": s.URL() + "/upload/" + id})
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
	w.Header().Set("Location", s.URL()+"/files/"+url.PathEscape(id))
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

// checkMentions checks the mention tags of a sent text as NAVER WORKS
// documents them: <m userId="{userId}">, at most 50, "all" only in a
// room. It returns the mentioned IDs, or why the text is refused.
func checkMentions(text string, toRoom bool) ([]string, string) {
	if !strings.Contains(text, `<m userId="`) {
		return nil, ""
	}
	spans := naverworks.ParseMentions(text)
	if strings.Count(text, `<m userId="`) != len(spans) {
		return nil, "malformed mention tag"
	}
	if len(spans) > naverworks.MaxMentions {
		return nil, "more than 50 mentions"
	}
	ids := make([]string, len(spans))
	for i, sp := range spans {
		if sp.UserID == naverworks.MentionAll && !toRoom {
			return nil, "mentioning all is for rooms only"
		}
		ids[i] = sp.UserID
	}
	return ids, ""
}

func (s *Server) channelInfo(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("channelId")
	s.mu.Lock()
	_, ok := s.channels[id]
	title := s.titles[id]
	s.mu.Unlock()
	if !ok {
		apiError(w, http.StatusNotFound, "CHANNEL_NOT_EXIST", "no such channel")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"domainId": DomainID, "channelId": id, "title": title,
		"channelType": map[string]string{"type": naverworks.ChannelMultiUsers}})
}

func (s *Server) updateBot(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var in struct {
		CallbackURL *string `json:"callbackUrl"`
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(b, &keys) != nil || json.Unmarshal(b, &in) != nil {
		apiError(w, http.StatusBadRequest, "INVALID_PARAMETER", "bad JSON")
		return
	}
	if len(keys) == 0 {
		// Stricter than the platform is known to be (its answer to an
		// empty PATCH is unconfirmed): a client that meant a change and
		// sent none fails here instead of passing silently.
		apiError(w, http.StatusBadRequest, "INVALID_PARAMETER", "no setting to change")
		return
	}
	if in.CallbackURL != nil && *in.CallbackURL != "" && !strings.HasPrefix(*in.CallbackURL, "https://") {
		apiError(w, http.StatusBadRequest, "INVALID_PARAMETER", "callbackUrl must be HTTPS")
		return
	}
	s.mu.Lock()
	s.botUpdates[r.PathValue("botId")] = append(s.botUpdates[r.PathValue("botId")], b)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) setDefaultRichMenu(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("richmenuId")
	s.mu.Lock()
	_, ok := s.richmenus[id]
	if ok {
		s.defaultMenu[r.PathValue("botId")] = id
	}
	s.mu.Unlock()
	if !ok {
		apiError(w, http.StatusNotFound, "RICHMENU_NOT_EXIST", "no such rich menu")
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"botId": r.PathValue("botId"), "defaultRichmenuId": id})
}

func (s *Server) getDefaultRichMenu(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	id, ok := s.defaultMenu[r.PathValue("botId")]
	s.mu.Unlock()
	if !ok {
		apiError(w, http.StatusNotFound, "NOT_FOUND", "no default rich menu")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"botId": r.PathValue("botId"), "defaultRichmenuId": id})
}

func (s *Server) deleteDefaultRichMenu(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	delete(s.defaultMenu, r.PathValue("botId"))
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("userId")
	s.mu.Lock()
	u, ok := s.users[id]
	s.mu.Unlock()
	if !ok {
		apiError(w, http.StatusNotFound, "NOT_FOUND", "no such user")
		return
	}
	writeJSON(w, http.StatusOK, u)
}
