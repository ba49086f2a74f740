package linetest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/module"
)

// sdk holds line-bot-sdk-go's clients, pointed at a fake.
type sdk struct {
	bot    *messaging_api.MessagingApiAPI
	blob   *messaging_api.MessagingApiBlobAPI
	module *module.LineModuleAPI
}

func newSDK(t *testing.T, srv *linetest.Server, token string) sdk {
	t.Helper()
	bot, err := messaging_api.NewMessagingApiAPI(token, messaging_api.WithEndpoint(srv.URL()), messaging_api.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	blob, err := messaging_api.NewMessagingApiBlobAPI(token, messaging_api.WithBlobEndpoint(srv.URL()), messaging_api.WithBlobHTTPClient(srv.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := module.NewLineModuleAPI(token, module.WithEndpoint(srv.URL()), module.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	return sdk{bot, blob, mod}
}

func sdkText(texts ...string) []messaging_api.MessageInterface {
	out := make([]messaging_api.MessageInterface, len(texts))
	for i, s := range texts {
		out[i] = messaging_api.TextMessage{Text: s}
	}
	return out
}

// jsonText is how a message from sdkText arrives at the fake.
func jsonText(s string) map[string]any { return map[string]any{"type": "text", "text": s} }

const retryKey = "123e4567-e89b-12d3-a456-426614174000"

// TestSDKClient drives the fake with line-bot-sdk-go's own clients, as a
// bot built on the SDK would in its tests: every endpoint the fake serves,
// and the errors it answers, which the SDK's users decode from the
// response body into messaging_api.ErrorResponse.
func TestSDKClient(t *testing.T) {
	t.Parallel()
	sent := func(ids ...string) []messaging_api.SentMessage {
		out := make([]messaging_api.SentMessage, len(ids))
		for i, id := range ids {
			out[i] = messaging_api.SentMessage{Id: id, QuoteToken: "q-" + id}
		}
		return out
	}
	tests := []struct {
		name  string
		token string // linetest.ChannelToken if empty
		setup func(*testing.T, *linetest.Server)
		// call makes one SDK call and returns its *http.Response, its
		// decoded result and its error.
		call      func(c sdk) (*http.Response, any, error)
		status    int                          // the answer's status code
		want      any                          // the decoded result
		wantErr   *messaging_api.ErrorResponse // the error body, if the call fails
		wantCalls []linetest.Call              // Header and Body are not compared
	}{
		{
			name: "push without retry key",
			call: func(c sdk) (*http.Response, any, error) {
				return c.bot.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: sdkText("hi")}, "")
			},
			status: 200,
			want:   &messaging_api.PushMessageResponse{SentMessages: sent("linetest-000002")},
			wantCalls: []linetest.Call{{
				Method: "POST", Path: "/v2/bot/message/push", To: []string{"U1"},
				Messages: []map[string]any{jsonText("hi")},
				JSON:     map[string]any{"to": "U1", "messages": []any{jsonText("hi")}, "notificationDisabled": false, "customAggregationUnits": nil},
			}},
		},
		{
			name: "push with retry key",
			call: func(c sdk) (*http.Response, any, error) {
				return c.bot.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: sdkText("a", "b"), NotificationDisabled: true}, retryKey)
			},
			status: 200,
			want:   &messaging_api.PushMessageResponse{SentMessages: sent("linetest-000002", "linetest-000003")},
			wantCalls: []linetest.Call{{
				Method: "POST", Path: "/v2/bot/message/push", RetryKey: retryKey, To: []string{"U1"},
				Messages: []map[string]any{jsonText("a"), jsonText("b")},
				JSON:     map[string]any{"to": "U1", "messages": []any{jsonText("a"), jsonText("b")}, "notificationDisabled": true, "customAggregationUnits": nil},
			}},
		},
		{
			name: "push with an accepted retry key",
			setup: func(t *testing.T, s *linetest.Server) {
				c, err := s.NewClient()
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c.Push(t.Context(), "U1", sdkText("first"), line.RetryKey(retryKey)); err != nil {
					t.Fatal(err)
				}
			},
			call: func(c sdk) (*http.Response, any, error) {
				return c.bot.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: sdkText("again")}, retryKey)
			},
			status:  409,
			wantErr: &messaging_api.ErrorResponse{Message: "The retry key is already accepted"},
		},
		{
			name: "push with a malformed retry key",
			call: func(c sdk) (*http.Response, any, error) {
				return c.bot.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: sdkText("hi")}, "not-a-uuid")
			},
			status:  400,
			wantErr: &messaging_api.ErrorResponse{Message: "The value for the 'X-Line-Retry-Key' header is invalid"},
		},
		{
			name: "push of six messages",
			call: func(c sdk) (*http.Response, any, error) {
				return c.bot.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: sdkText("1", "2", "3", "4", "5", "6")}, "")
			},
			status:  400,
			wantErr: &messaging_api.ErrorResponse{Message: "The request body has 1 error(s)", Details: []messaging_api.ErrorDetail{{Message: "6 messages exceed 5", Property: "messages"}}},
		},
		{
			name: "reply",
			call: func(c sdk) (*http.Response, any, error) {
				return c.bot.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: "r1", Messages: sdkText("hello")})
			},
			status: 200,
			want:   &messaging_api.ReplyMessageResponse{SentMessages: sent("linetest-000002")},
			wantCalls: []linetest.Call{{
				Method: "POST", Path: "/v2/bot/message/reply", ReplyToken: "r1",
				Messages: []map[string]any{jsonText("hello")},
				JSON:     map[string]any{"replyToken": "r1", "messages": []any{jsonText("hello")}, "notificationDisabled": false},
			}},
		},
		{
			name:  "reply with an invalid token",
			setup: func(_ *testing.T, s *linetest.Server) { s.InvalidReplyToken(1) },
			call: func(c sdk) (*http.Response, any, error) {
				return c.bot.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: "r1", Messages: sdkText("hello")})
			},
			status:  400,
			wantErr: &messaging_api.ErrorResponse{Message: "Invalid reply token"},
		},
		{
			name: "multicast",
			call: func(c sdk) (*http.Response, any, error) {
				return c.bot.MulticastWithHttpInfo(&messaging_api.MulticastRequest{To: []string{"U1", "U2"}, Messages: sdkText("all")}, "")
			},
			status: 200,
			want:   &map[string]any{},
			wantCalls: []linetest.Call{{
				Method: "POST", Path: "/v2/bot/message/multicast", To: []string{"U1", "U2"},
				Messages: []map[string]any{jsonText("all")},
				JSON:     map[string]any{"to": []any{"U1", "U2"}, "messages": []any{jsonText("all")}, "notificationDisabled": false, "customAggregationUnits": nil},
			}},
		},
		{
			name: "broadcast",
			call: func(c sdk) (*http.Response, any, error) {
				return c.bot.BroadcastWithHttpInfo(&messaging_api.BroadcastRequest{Messages: sdkText("everyone")}, "")
			},
			status: 200,
			want:   &map[string]any{},
			wantCalls: []linetest.Call{{
				Method: "POST", Path: "/v2/bot/message/broadcast",
				Messages: []map[string]any{jsonText("everyone")},
				JSON:     map[string]any{"messages": []any{jsonText("everyone")}, "notificationDisabled": false},
			}},
		},
		{
			name: "loading animation",
			call: func(c sdk) (*http.Response, any, error) {
				return c.bot.ShowLoadingAnimationWithHttpInfo(&messaging_api.ShowLoadingAnimationRequest{ChatId: "U1", LoadingSeconds: 20})
			},
			status: 202,
			want:   &map[string]any{},
			wantCalls: []linetest.Call{{
				Method: "POST", Path: "/v2/bot/chat/loading/start",
				JSON: map[string]any{"chatId": "U1", "loadingSeconds": 20.0},
			}},
		},
		{
			name: "loading animation too long",
			call: func(c sdk) (*http.Response, any, error) {
				return c.bot.ShowLoadingAnimationWithHttpInfo(&messaging_api.ShowLoadingAnimationRequest{ChatId: "U1", LoadingSeconds: 61})
			},
			status:  400,
			wantErr: &messaging_api.ErrorResponse{Message: "The request body has 1 error(s)", Details: []messaging_api.ErrorDetail{{Message: "must be a multiple of 5 between 5 and 60", Property: "loadingSeconds"}}},
		},
		{
			name: "profile",
			setup: func(_ *testing.T, s *linetest.Server) {
				s.SetProfile(line.Profile{UserID: "U1", DisplayName: "Brown", PictureURL: "https://example.com/b.png", StatusMessage: "hi", Language: "ko"})
			},
			call:   func(c sdk) (*http.Response, any, error) { return c.bot.GetProfileWithHttpInfo("U1") },
			status: 200,
			want:   &messaging_api.UserProfileResponse{UserId: "U1", DisplayName: "Brown", PictureUrl: "https://example.com/b.png", StatusMessage: "hi", Language: "ko"},
			wantCalls: []linetest.Call{{
				Method: "GET", Path: "/v2/bot/profile/U1",
			}},
		},
		{
			name:    "profile of a stranger",
			call:    func(c sdk) (*http.Response, any, error) { return c.bot.GetProfileWithHttpInfo("U404") },
			status:  404,
			wantErr: &messaging_api.ErrorResponse{Message: "Not found"},
		},
		{
			name:  "content",
			setup: func(_ *testing.T, s *linetest.Server) { s.SetContent("m1", "image/jpeg", []byte("\xff\xd8jpeg")) },
			call: func(c sdk) (*http.Response, any, error) {
				res, body, err := c.blob.GetMessageContentWithHttpInfo("m1")
				if err != nil {
					return res, nil, err
				}
				defer body.Body.Close()
				b, err := io.ReadAll(body.Body)
				return res, body.Header.Get("Content-Type") + " " + string(b), err
			},
			status: 200,
			want:   "image/jpeg \xff\xd8jpeg",
			wantCalls: []linetest.Call{{
				Method: "GET", Path: "/v2/bot/message/m1/content",
			}},
		},
		{
			name: "content not held",
			call: func(c sdk) (*http.Response, any, error) {
				res, _, err := c.blob.GetMessageContentWithHttpInfo("m404")
				return res, nil, err
			},
			status:  404,
			wantErr: &messaging_api.ErrorResponse{Message: "Not found"},
		},
		{
			name: "acquire chat control",
			call: func(c sdk) (*http.Response, any, error) {
				return c.module.AcquireChatControlWithHttpInfo("U1", &module.AcquireChatControlRequest{Expired: true, Ttl: 3600})
			},
			status: 200,
			want:   struct{}{},
			wantCalls: []linetest.Call{{
				Method: "POST", Path: "/v2/bot/chat/U1/control/acquire",
				JSON: map[string]any{"expired": true, "ttl": 3600.0},
			}},
		},
		{
			name:   "release chat control",
			call:   func(c sdk) (*http.Response, any, error) { return c.module.ReleaseChatControlWithHttpInfo("U1") },
			status: 200,
			want:   struct{}{},
			wantCalls: []linetest.Call{{
				Method: "POST", Path: "/v2/bot/chat/U1/control/release",
			}},
		},
		{
			name:  "wrong token",
			token: "not-the-token",
			call: func(c sdk) (*http.Response, any, error) {
				return c.bot.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "U1", Messages: sdkText("hi")}, "")
			},
			status:  401,
			wantErr: &messaging_api.ErrorResponse{Message: "Authentication failed. Confirm that the access token in the authorization header is valid."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := linetest.NewServer(t)
			if tt.setup != nil {
				tt.setup(t, srv)
			}
			before := len(srv.Calls())
			token := tt.token
			if token == "" {
				token = linetest.ChannelToken
			}
			res, got, err := tt.call(newSDK(t, srv, token))
			if res == nil {
				t.Fatalf("no response: %v", err)
			}
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			if res.Header.Get("X-Line-Request-Id") == "" {
				t.Error("no x-line-request-id")
			}
			if res.StatusCode == http.StatusConflict && res.Header.Get("X-Line-Accepted-Request-Id") == "" {
				t.Error("a 409 without x-line-accepted-request-id")
			}
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("the SDK reported no error; result %+v", got)
				}
				// The SDK's documented way to read LINE's error: decode the
				// response body, which it keeps for the caller.
				var body messaging_api.ErrorResponse
				if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
					t.Fatalf("decoding the error body: %v", err)
				}
				if diff := cmp.Diff(tt.wantErr, &body); diff != "" {
					t.Errorf("error body (-want +got):\n%s", diff)
				}
				if !strings.Contains(err.Error(), tt.wantErr.Message) {
					t.Errorf("the SDK's error %q does not carry the message", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("the SDK failed: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decoded result (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCalls, srv.Calls()[before:], cmpopts.IgnoreFields(linetest.Call{}, "Header", "Body"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("recorded calls (-want +got):\n%s", diff)
			}
		})
	}
}
