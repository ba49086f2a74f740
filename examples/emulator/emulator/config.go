package emulator

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

// platformInfo is what the page knows of a platform: its name, whether a
// webhook URL is set, the events it can send, and the settings a bot needs.
type platformInfo struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Connected bool      `json:"connected"`
	Target    string    `json:"target,omitempty"`
	Actions   []string  `json:"actions"`
	Settings  []setting `json:"settings"`
	Note      string    `json:"note,omitempty"`
}

type setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// serveConfig answers the page's platform list. It shows the emulator's
// own test credentials: the page is for the person configuring the bot on
// this machine.
func (e *Emulator) serveConfig(w http.ResponseWriter, r *http.Request) {
	s := e.Settings()
	e.mu.Lock()
	t := e.targets
	e.mu.Unlock()
	info := []platformInfo{
		{ID: LINE, Name: "LINE", Target: t.LINE, Actions: []string{"follow", "unfollow", "join", "image", "sticker", "location"},
			Settings: []setting{{"line.WithBaseURL", s.LINEBaseURL}, {"LINE_CHANNEL_TOKEN", s.LINEChannelToken}, {"LINE_CHANNEL_SECRET", s.LINEChannelSecret}}},
		{ID: Kakao, Name: "KakaoTalk", Target: t.Kakao, Actions: nil,
			Settings: []setting{{"KAKAO_SKILL_HEADER", s.KakaoHeader}, {"KAKAO_SKILL_SECRET", s.KakaoSkillSecret}, {"KAKAO_BOT_IDS", s.KakaoBotID},
				{"kakao.WithAllowedHosts", "127.0.0.1 (callback URLs point at the emulator)"}},
			Note: "Every request carries a callback URL, as a block with the AI chatbot callback does."},
		{ID: TalkTalk, Name: "TalkTalk", Target: t.TalkTalk, Actions: []string{"follow", "leave", "image"},
			Settings: []setting{{"talktalk.WithBaseURL", s.TalkTalkBaseURL}, {"TALKTALK_AUTHORIZATION_KEY", s.TalkTalkAuthorizationKey},
				{"TALKTALK_TRUSTED_PROXIES", "127.0.0.1, ::1"}, {"X-Forwarded-For", s.TalkTalkForwardedFor}}},
		{ID: NaverWorks, Name: "NAVER WORKS", Target: t.NaverWorks, Actions: []string{"follow", "join", "leave", "image", "sticker", "location"},
			Settings: []setting{{"naverworks.WithBaseURL", s.NaverWorksBaseURL}, {"naverworks.WithTokenURL", s.NaverWorksTokenURL},
				{"NAVERWORKS_BOT_ID", s.NaverWorksBotID}, {"NAVERWORKS_BOT_SECRET", s.NaverWorksBotSecret},
				{"NAVERWORKS_CLIENT_ID", s.NaverWorksClientID}, {"NAVERWORKS_CLIENT_SECRET", s.NaverWorksClientSecret},
				{"NAVERWORKS_SERVICE_ACCOUNT", s.NaverWorksServiceAccount}, {"NAVERWORKS_PRIVATE_KEY", strings.TrimSpace(s.NaverWorksPrivateKey)}}},
		{ID: Clova, Name: "CLOVA", Target: t.Clova, Actions: []string{"launch", "end"},
			Settings: []setting{{"CLOVA_EXTENSION_ID", s.ClovaExtensionID}, {"CLOVA_PUBLIC_KEY_URL", s.ClovaPublicKeyURL},
				{"intent / slot", e.cfg.ClovaIntent + " / " + e.cfg.ClovaSlot}},
			Note: "What you type is sent as the intent above with the text in its slot."},
	}
	for i := range info {
		info[i].Connected = info[i].Target != ""
	}
	writeJSON(w, http.StatusOK, map[string]any{"platforms": info})
}

// PrintSettings writes s as the lines a person configures a bot from: the
// environment variables the examples read, and the base URLs to pass to
// each client's WithBaseURL.
func PrintSettings(w io.Writer, s Settings) {
	lines := [][2]string{
		{"LINE_CHANNEL_SECRET", s.LINEChannelSecret},
		{"LINE_CHANNEL_TOKEN", s.LINEChannelToken},
		{"  line.WithBaseURL", s.LINEBaseURL},
		{"KAKAO_SKILL_HEADER", s.KakaoHeader},
		{"KAKAO_SKILL_SECRET", s.KakaoSkillSecret},
		{"KAKAO_BOT_IDS", s.KakaoBotID},
		{"  kakao.WithAllowedHosts", "127.0.0.1"},
		{"TALKTALK_AUTHORIZATION_KEY", s.TalkTalkAuthorizationKey},
		{"TALKTALK_TRUSTED_PROXIES", "127.0.0.1, ::1"},
		{"  talktalk.WithBaseURL", s.TalkTalkBaseURL},
		{"NAVERWORKS_CLIENT_ID", s.NaverWorksClientID},
		{"NAVERWORKS_CLIENT_SECRET", s.NaverWorksClientSecret},
		{"NAVERWORKS_SERVICE_ACCOUNT", s.NaverWorksServiceAccount},
		{"NAVERWORKS_PRIVATE_KEY", "(on the page)"},
		{"NAVERWORKS_BOT_ID", s.NaverWorksBotID},
		{"NAVERWORKS_BOT_SECRET", s.NaverWorksBotSecret},
		{"  naverworks.WithBaseURL", s.NaverWorksBaseURL},
		{"  naverworks.WithTokenURL", s.NaverWorksTokenURL},
		{"CLOVA_EXTENSION_ID", s.ClovaExtensionID},
		{"CLOVA_PUBLIC_KEY_URL", s.ClovaPublicKeyURL},
	}
	for _, l := range lines {
		fmt.Fprintf(w, "  %-28s %s\n", l[0], l[1])
	}
}
