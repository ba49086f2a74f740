package linetest

import (
	"encoding/json"
	"net/http"

	"github.com/channelkit/channelkit/line"
)

// The fake bot-account endpoints: bot info, link tokens and mark-as-read.

// BotUserID is the user ID of the fake's bot, unless [Server.SetBotInfo]
// says otherwise.
const BotUserID = "Ulinetest0000000000000000000000bot"

type account struct {
	info       line.BotInfo
	linkTokens map[string]string // token → user ID
	readTokens map[string]bool   // markAsReadTokens handed out
	read       []string          // tokens and user IDs marked read
}

func (s *Server) accountRoutes(mux *http.ServeMux) {
	s.acct = account{
		info:       line.BotInfo{UserID: BotUserID, BasicID: "@linetest", DisplayName: "linetest bot", ChatMode: "bot", MarkAsReadMode: "auto"},
		linkTokens: map[string]string{},
		readTokens: map[string]bool{},
	}
	mux.HandleFunc("GET /v2/bot/info", s.botInfo)
	mux.HandleFunc("POST /v2/bot/user/{user}/linkToken", s.issueLinkToken)
	mux.HandleFunc("POST /v2/bot/chat/markAsRead", s.markAsReadByToken)
	mux.HandleFunc("POST /v2/bot/message/markAsRead", s.markAsRead)
}

// SetBotInfo sets what GetBotInfo returns.
func (s *Server) SetBotInfo(info line.BotInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info.Meta = line.Meta{}
	s.acct.info = info
}

// LinkTokenUser returns the user a link token was issued for, and whether
// the fake issued it.
func (s *Server) LinkTokenUser(linkToken string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.acct.linkTokens[linkToken]
	return u, ok
}

// NewMarkAsReadToken returns a markAsReadToken the fake accepts, to put
// in a webhook's message content (LINE accepts only the tokens the bot
// received; the fake, only the ones made here).
func (s *Server) NewMarkAsReadToken() string {
	tok := "linetest-read-" + s.nextID()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acct.readTokens[tok] = true
	return tok
}

// MarkedRead returns, in order, the markAsReadTokens and the user IDs
// (of the partner form) the fake marked read.
func (s *Server) MarkedRead() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acct.read...)
}

func (s *Server) botInfo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	info := s.acct.info
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, info)
}

func (s *Server) issueLinkToken(w http.ResponseWriter, r *http.Request) {
	tok := "linetest-link-" + s.nextID()
	s.mu.Lock()
	s.acct.linkTokens[tok] = r.PathValue("user")
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"linkToken": tok})
}

func (s *Server) markAsReadByToken(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Token string `json:"markAsReadToken"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		s.fail(w, http.StatusBadRequest, "The request body could not be parsed as JSON")
		return
	}
	if b.Token == "" {
		s.badBody(w, "markAsReadToken", "must be specified")
		return
	}
	s.mu.Lock()
	known := s.acct.readTokens[b.Token]
	if known {
		s.acct.read = append(s.acct.read, b.Token)
	}
	s.mu.Unlock()
	if !known {
		s.badBody(w, "markAsReadToken", "invalid markAsReadToken")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) markAsRead(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Chat *struct {
			UserID string `json:"userId"`
		} `json:"chat"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		s.fail(w, http.StatusBadRequest, "The request body could not be parsed as JSON")
		return
	}
	if b.Chat == nil || b.Chat.UserID == "" {
		s.badBody(w, "chat.userId", "must be specified")
		return
	}
	s.mu.Lock()
	s.acct.read = append(s.acct.read, b.Chat.UserID)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}
