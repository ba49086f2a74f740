package linetest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

// TestServerRefusesWhatLINERefuses sends, past the line package's own
// checks, what LINE answers 400 (or 404), and checks the fake answers
// the same status and names the property at fault.
func TestServerRefusesWhatLINERefuses(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	srv.AddGroup(linetest.GroupChat{ID: "C1", Members: []line.Profile{{UserID: "U1"}}})
	const msgs = `"messages":[{"type":"text","text":"hi"}]`
	tests := []struct {
		name, method, path, body string
		status                   int
		property                 string
	}{
		{"narrowcast limit.max 0", "POST", "/v2/bot/message/narrowcast", `{` + msgs + `,"limit":{"max":0}}`, 400, "limit.max"},
		{"narrowcast recipient of no known type", "POST", "/v2/bot/message/narrowcast", `{` + msgs + `,"recipient":{"type":"everyone"}}`, 400, "recipient.type"},
		{"narrowcast without messages", "POST", "/v2/bot/message/narrowcast", `{"messages":[]}`, 400, "messages"},
		{"follower limit over 1000", "GET", "/v2/bot/followers/ids?limit=1001", "", 400, "limit"},
		{"member page of a forged token", "GET", "/v2/bot/group/C1/members/ids?start=abc", "", 400, "start"},
		{"mark-as-read token never handed out", "POST", "/v2/bot/chat/markAsRead", `{"markAsReadToken":"forged"}`, 400, "markAsReadToken"},
		{"partner mark-as-read without a user", "POST", "/v2/bot/message/markAsRead", `{"chat":{}}`, 400, "chat.userId"},
		{"webhook URL over http", "PUT", "/v2/bot/channel/webhook/endpoint", `{"endpoint":"http://example.com/cb"}`, 400, "endpoint"},
		{"webhook URL of 501 characters", "PUT", "/v2/bot/channel/webhook/endpoint", `{"endpoint":"https://example.com/` + strings.Repeat("a", 481) + `"}`, 400, "endpoint"},
		{"progress without requestId", "GET", "/v2/bot/message/progress/narrowcast", "", 400, "requestId"},
		{"rich-menu batch without operations", "POST", "/v2/bot/richmenu/batch", `{"operations":[]}`, 400, "operations"},
		{"rich-menu batch link without to", "POST", "/v2/bot/richmenu/batch", `{"operations":[{"type":"link","from":"richmenu-1"}]}`, 400, "operations[0].to"},
		{"rich-menu batch of an unknown operation", "POST", "/v2/bot/richmenu/batch", `{"operations":[{"type":"swap"}]}`, 400, "operations[0].type"},
		{"rich-menu batch with a bad resume key", "POST", "/v2/bot/richmenu/batch", `{"operations":[{"type":"unlinkAll"}],"resumeRequestKey":"no spaces"}`, 400, "resumeRequestKey"},
		{"profile of a non-member", "GET", "/v2/bot/group/C1/member/U2", "", 404, ""},
		{"leave a room the bot is not in", "POST", "/v2/bot/room/R1/leave", "", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL()+tt.path, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+linetest.ChannelToken)
			req.Header.Set("Content-Type", "application/json")
			res, err := srv.HTTPClient().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var out struct {
				Details []struct {
					Property string `json:"property"`
				} `json:"details"`
			}
			_ = json.NewDecoder(res.Body).Decode(&out)
			prop := ""
			if len(out.Details) > 0 {
				prop = out.Details[0].Property
			}
			if diff := cmp.Diff([]any{tt.status, tt.property}, []any{res.StatusCode, prop}); diff != "" {
				t.Errorf("status and property (-want +got)\n%s", diff)
			}
		})
	}
}
