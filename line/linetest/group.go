package linetest

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/channelkit/channelkit/line"
)

// The fake group, room and follower endpoints: summaries, member counts,
// paged member and follower IDs, member profiles and leaving, over the
// chats a test set up with [Server.AddGroup], [Server.AddRoom] and
// [Server.SetFollowers].

// MemberPageSize is how many member IDs the fake puts on a page of group
// or room members (LINE's page size is UNCONFIRMED; its reference shows
// pages that end with a "next" token).
const MemberPageSize = 100

// GroupChat is a group chat the bot is in, for [Server.AddGroup].
type GroupChat struct {
	ID         string
	Name       string
	PictureURL string
	// Members are the users in the group, in the order their IDs are
	// listed. Only DisplayName, UserID and PictureURL are served.
	Members []line.Profile
}

// RoomChat is a multi-person chat the bot is in, for [Server.AddRoom].
type RoomChat struct {
	ID      string
	Members []line.Profile
}

type chats struct {
	groups    map[string]GroupChat
	rooms     map[string]RoomChat
	followers []string
	left      []string
}

func (s *Server) groupRoutes(mux *http.ServeMux) {
	s.chats = chats{groups: map[string]GroupChat{}, rooms: map[string]RoomChat{}}
	mux.HandleFunc("GET /v2/bot/group/{id}/summary", s.groupSummary)
	for _, kind := range []string{"group", "room"} {
		mux.HandleFunc("GET /v2/bot/"+kind+"/{id}/members/count", s.memberCount)
		mux.HandleFunc("GET /v2/bot/"+kind+"/{id}/members/ids", s.memberIDs)
		mux.HandleFunc("GET /v2/bot/"+kind+"/{id}/member/{user}", s.memberProfile)
		mux.HandleFunc("POST /v2/bot/"+kind+"/{id}/leave", s.leave)
	}
	mux.HandleFunc("GET /v2/bot/followers/ids", s.followerIDs)
}

// AddGroup puts the bot in a group (replacing one with the same ID).
func (s *Server) AddGroup(g GroupChat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g.Members = append([]line.Profile(nil), g.Members...)
	s.chats.groups[g.ID] = g
}

// AddRoom puts the bot in a room (replacing one with the same ID).
func (s *Server) AddRoom(r RoomChat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.Members = append([]line.Profile(nil), r.Members...)
	s.chats.rooms[r.ID] = r
}

// SetFollowers sets the IDs of the users who follow the bot, in the order
// they are listed.
func (s *Server) SetFollowers(userIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chats.followers = append([]string(nil), userIDs...)
}

// Left returns the groups and rooms the bot left, in order.
func (s *Server) Left() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.chats.left...)
}

func isGroup(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/v2/bot/group/") }

// members returns the members of the group or room the path names, or
// answers 404.
func (s *Server) members(w http.ResponseWriter, r *http.Request) ([]line.Profile, bool) {
	s.mu.Lock()
	var (
		ms []line.Profile
		ok bool
	)
	switch {
	case isGroup(r):
		var g GroupChat
		g, ok = s.chats.groups[r.PathValue("id")]
		ms = g.Members
	default:
		var rm RoomChat
		rm, ok = s.chats.rooms[r.PathValue("id")]
		ms = rm.Members
	}
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, "Not found")
	}
	return ms, ok
}

func (s *Server) groupSummary(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	g, ok := s.chats.groups[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, "Not found")
		return
	}
	writeJSON(w, http.StatusOK, line.GroupSummary{GroupID: g.ID, GroupName: g.Name, PictureURL: g.PictureURL})
}

func (s *Server) memberCount(w http.ResponseWriter, r *http.Request) {
	if ms, ok := s.members(w, r); ok {
		writeJSON(w, http.StatusOK, map[string]int{"count": len(ms)})
	}
}

// page cuts ids at the offset the start token names, answering 400 for a
// token the fake did not hand out.
func (s *Server) page(w http.ResponseWriter, r *http.Request, ids []string, size int) (page []string, next string, ok bool) {
	off := 0
	if start := r.URL.Query().Get("start"); start != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(start, "linetest-next-"))
		if !strings.HasPrefix(start, "linetest-next-") || err != nil || n <= 0 || n >= len(ids) {
			s.fail(w, http.StatusBadRequest, "The request parameter has 1 error(s)", detail{Message: "invalid continuation token", Property: "start"})
			return nil, "", false
		}
		off = n
	}
	end := min(off+size, len(ids))
	if end < len(ids) {
		next = "linetest-next-" + strconv.Itoa(end)
	}
	return append([]string{}, ids[off:end]...), next, true
}

func (s *Server) memberIDs(w http.ResponseWriter, r *http.Request) {
	ms, ok := s.members(w, r)
	if !ok {
		return
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.UserID
	}
	page, next, ok := s.page(w, r, ids, MemberPageSize)
	if !ok {
		return
	}
	body := map[string]any{"memberIds": page}
	if next != "" {
		body["next"] = next
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) followerIDs(w http.ResponseWriter, r *http.Request) {
	size := 300
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			s.fail(w, http.StatusBadRequest, "The request parameter has 1 error(s)", detail{Message: "must be between 1 and 1000", Property: "limit"})
			return
		}
		size = n
	}
	s.mu.Lock()
	ids := s.chats.followers
	s.mu.Unlock()
	page, next, ok := s.page(w, r, ids, size)
	if !ok {
		return
	}
	body := map[string]any{"userIds": page}
	if next != "" {
		body["next"] = next
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) memberProfile(w http.ResponseWriter, r *http.Request) {
	ms, ok := s.members(w, r)
	if !ok {
		return
	}
	for _, m := range ms {
		if m.UserID == r.PathValue("user") {
			writeJSON(w, http.StatusOK, line.Profile{DisplayName: m.DisplayName, UserID: m.UserID, PictureURL: m.PictureURL})
			return
		}
	}
	s.fail(w, http.StatusNotFound, "Not found")
}

func (s *Server) leave(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.members(w, r); !ok {
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	if isGroup(r) {
		delete(s.chats.groups, id)
	} else {
		delete(s.chats.rooms, id)
	}
	s.chats.left = append(s.chats.left, id)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}
