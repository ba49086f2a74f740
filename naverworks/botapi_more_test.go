package naverworks_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
)

// apiStatus returns the HTTP status of an *APIError, 0 for nil, -1 for
// any other error.
func apiStatus(err error) int {
	var ae *naverworks.APIError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ae):
		return ae.StatusCode
	}
	return -1
}

// TestMoreBotAPI: each call of the rest of the Bot API against the fake,
// a success and a failure each.
func TestMoreBotAPI(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	str := func(s string) *string { return &s }
	tests := []struct {
		name string
		// call runs against a fresh fake and returns what to compare.
		call   func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error)
		want   any
		status int // 0: success; else the *APIError's status (-1: another error)
	}{
		{"ChannelInfo", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			ch, err := c.CreateChannel(ctx, []string{"u-1", "u-2"}, "설계 회의")
			if err != nil {
				t.Fatal(err)
			}
			info, err := c.ChannelInfo(ctx, ch.ChannelID)
			if err != nil {
				return nil, err
			}
			if info.ChannelID == ch.ChannelID {
				info.ChannelID = "the created room"
			}
			return info, nil
		}, &naverworks.ChannelInfo{DomainID: "10000001", ChannelID: "the created room", Title: "설계 회의", ChannelType: naverworks.ChannelType{Type: naverworks.ChannelMultiUsers}}, 0},
		{"ChannelInfo unknown room", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			return c.ChannelInfo(ctx, "no-such-room")
		}, nil, 404},
		{"ChannelInfo empty ID", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			return c.ChannelInfo(ctx, "")
		}, nil, -1},
		{"default rich menu: set, get, delete", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			m, err := c.CreateRichMenu(ctx, naverworks.RichMenu{RichMenuName: "main", Size: naverworks.RichMenuLarge,
				Areas: []naverworks.RichMenuArea{{Bounds: naverworks.Bounds{Width: 2500, Height: 1686}, Action: &naverworks.MessageAction{Label: "hi", Text: "hi"}}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.SetDefaultRichMenu(ctx, m.RichMenuID); err != nil {
				return nil, err
			}
			got, err := c.DefaultRichMenu(ctx)
			if err != nil {
				return nil, err
			}
			if got.RichMenuID != m.RichMenuID {
				t.Errorf("default %q, want %q", got.RichMenuID, m.RichMenuID)
			}
			if _, err := c.DeleteDefaultRichMenu(ctx); err != nil {
				return nil, err
			}
			_, err = c.DefaultRichMenu(ctx)
			return got.BotID, err
		}, nil, 404},
		{"SetDefaultRichMenu unknown menu", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			return c.SetDefaultRichMenu(ctx, "no-such-menu")
		}, nil, 404},
		{"DeleteDefaultRichMenu refused", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: http.StatusForbidden})
			return c.DeleteDefaultRichMenu(ctx)
		}, nil, 403},
		{"UpdateBot", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			_, err := c.UpdateBot(ctx, naverworks.BotUpdate{CallbackURL: str("https://bot.example/callback"),
				CallbackEvents: []string{naverworks.CallbackText, naverworks.CallbackImage}, AllowDomains: []int64{10000001}})
			if err != nil {
				return nil, err
			}
			var got []string
			for _, b := range srv.BotUpdates(naverworkstest.BotID) {
				got = append(got, string(b))
			}
			return got, nil
		}, []string{`{"callbackUrl":"https://bot.example/callback","callbackEvents":["text","image"],"allowDomains":[10000001]}`}, 0},
		{"UpdateBot turning callbacks off", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			if _, err := c.UpdateBot(ctx, naverworks.BotUpdate{CallbackURL: str("")}); err != nil {
				return nil, err
			}
			return string(srv.BotUpdates(naverworkstest.BotID)[0]), nil
		}, `{"callbackUrl":""}`, 0},
		{"UpdateBot clearing lists", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			if _, err := c.UpdateBot(ctx, naverworks.BotUpdate{CallbackEvents: []string{}, ChannelEvents: []string{}}); err != nil {
				return nil, err
			}
			return string(srv.BotUpdates(naverworkstest.BotID)[0]), nil
		}, `{"callbackEvents":[],"channelEvents":[]}`, 0},
		{"UpdateBot nil lists unchanged", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			off := false
			if _, err := c.UpdateBot(ctx, naverworks.BotUpdate{EnableGroupJoin: &off}); err != nil {
				return nil, err
			}
			return string(srv.BotUpdates(naverworkstest.BotID)[0]), nil
		}, `{"enableGroupJoin":false}`, 0},
		{"UpdateBot refused", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: http.StatusForbidden})
			return c.UpdateBot(ctx, naverworks.BotUpdate{CallbackEvents: []string{naverworks.CallbackText}})
		}, nil, 403},
		{"UserProfile", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			srv.AddUser(naverworks.UserProfile{UserID: "u-1", Email: "kim@example.com", UserName: naverworks.UserName{LastName: "김", FirstName: "민준"}})
			return c.UserProfile(ctx, "kim@example.com")
		}, &naverworks.UserProfile{UserID: "u-1", Email: "kim@example.com", UserName: naverworks.UserName{LastName: "김", FirstName: "민준"}}, 0},
		{"UserProfile unknown user", func(t *testing.T, srv *naverworkstest.Server, c *naverworks.Client) (any, error) {
			return c.UserProfile(ctx, "nobody@example.com")
		}, nil, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := naverworkstest.NewServer(t)
			c, err := srv.NewClient(naverworks.WithRetry(1, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			got, err := tt.call(t, srv, c)
			if s := apiStatus(err); s != tt.status {
				t.Fatalf("err = %v (status %d), want status %d", err, s, tt.status)
			}
			if tt.status != 0 {
				return
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreTypes(naverworks.Meta{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdateBotValidates(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	tests := []struct {
		name string
		u    naverworks.BotUpdate
		path string
	}{
		{"nothing", naverworks.BotUpdate{}, ""},
		{"http", naverworks.BotUpdate{CallbackURL: str("http://bot.example/cb")}, "callbackUrl"},
		{"relative", naverworks.BotUpdate{CallbackURL: str("/cb")}, "callbackUrl"},
		{"unknown event", naverworks.BotUpdate{CallbackEvents: []string{"hologram"}}, "callbackEvents[0]"},
		{"bad domain", naverworks.BotUpdate{AllowDomains: []int64{0}}, "allowDomains[0]"},
	}
	srv := naverworkstest.NewServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := srv.Client().UpdateBot(context.Background(), tt.u)
			var ve *naverworks.ValidationError
			if !errors.As(err, &ve) || ve.Path != tt.path {
				t.Errorf("err = %v, want a ValidationError at %q", err, tt.path)
			}
		})
	}
	if n := len(srv.BotUpdates(naverworkstest.BotID)); n != 0 {
		t.Errorf("%d invalid updates reached the API", n)
	}
}

// TestNewTypesRoundTrip: decode(encode(x)) == x for every new type.
func TestNewTypesRoundTrip(t *testing.T) {
	t.Parallel()
	yes, url := true, "https://bot.example/cb"
	tests := []struct {
		name string
		v    any
		ptr  func() any
	}{
		{"ChannelInfo", &naverworks.ChannelInfo{DomainID: "10000001", ChannelID: "c-1", Title: "t", ChannelType: naverworks.ChannelType{Type: naverworks.ChannelOrgUnit, OrgUnitID: "o-1"}},
			func() any { return new(naverworks.ChannelInfo) }},
		{"ChannelInfo, string domain", &naverworks.ChannelInfo{DomainID: "d-9", ChannelID: "c-1", ChannelType: naverworks.ChannelType{Type: naverworks.ChannelGroup, GroupID: "g"}},
			func() any { return new(naverworks.ChannelInfo) }},
		{"DefaultRichMenu", &naverworks.DefaultRichMenu{BotID: "2000001", RichMenuID: "r-1"}, func() any { return new(naverworks.DefaultRichMenu) }},
		{"BotUpdate", &naverworks.BotUpdate{CallbackURL: &url, CallbackEvents: []string{"text"}, ChannelEvents: []string{"join"}, AllowDomains: []int64{1, 2}, EnableGroupJoin: &yes},
			func() any { return new(naverworks.BotUpdate) }},
		{"UserProfile", &naverworks.UserProfile{UserID: "u", ExternalKey: "k", Email: "e@example.com", UserName: naverworks.UserName{LastName: "L", FirstName: "F", PhoneticLastName: "pl", PhoneticFirstName: "pf"},
			I18nNames: []naverworks.UserI18nName{{Language: "ja_JP", FirstName: "f", LastName: "l"}}, Organizations: json.RawMessage(`[{"domainId":1,"primary":true}]`),
			Telephone: "02-1234", CellPhone: "010-1234", Location: "Seoul"}, func() any { return new(naverworks.UserProfile) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			got := tt.ptr()
			if err := json.Unmarshal(b, got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.v, got); diff != "" {
				t.Errorf("round trip of %s (-want +got):\n%s", b, diff)
			}
		})
	}
}

func TestParseMentions(t *testing.T) {
	t.Parallel()
	m := naverworks.Mention
	tests := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"hello", nil},
		{"Hello, " + m("kim@example.com") + "!", []string{"kim@example.com"}},
		{m("a") + m("b") + " and " + m(naverworks.MentionAll), []string{"a", "b", "all"}},
		{`<m userId="">`, nil},
		{`<m userId="a"`, nil},
		{`<m userId="a<b">`, nil},
		{`<m userId="<m userId="x">`, []string{"x"}},
		{"안녕 " + m("u-1") + " 👋", []string{"u-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			spans := naverworks.ParseMentions(tt.text)
			var got []string
			for _, s := range spans {
				got = append(got, s.UserID)
				if tt.text[s.Start:s.End] != m(s.UserID) {
					t.Errorf("span %+v covers %q", s, tt.text[s.Start:s.End])
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got := (&naverworks.TextContent{Text: tt.text}).Mentions(); !cmp.Equal(spans, got) {
				t.Errorf("TextContent.Mentions = %v, want %v", got, spans)
			}
		})
	}
}

// TestMentionsAreChecked: Validate and the fake refuse what NAVER WORKS
// refuses; a good mention reaches the fake as a mention.
func TestMentionsAreChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	many := strings.Repeat(naverworks.Mention("u"), naverworks.MaxMentions+1)
	tests := []struct {
		name    string
		content naverworks.Content
		toRoom  bool
		invalid bool // refused by Validate, before sending
		status  int  // else the fake's answer (0: sent)
		want    []string
	}{
		{"one user", &naverworks.Text{Text: "hi " + naverworks.Mention("u-1")}, false, false, 0, []string{"u-1"}},
		{"all in a room", &naverworks.Text{Text: naverworks.Mention(naverworks.MentionAll) + " lunch"}, true, false, 0, []string{"all"}},
		{"in a link", &naverworks.Link{ContentText: naverworks.Mention("u-2") + ", see", LinkText: "x", Link: "https://example.com"}, false, false, 0, []string{"u-2"}},
		{"all to a user", &naverworks.Text{Text: naverworks.Mention(naverworks.MentionAll)}, false, false, 400, nil},
		{"51 mentions", &naverworks.Text{Text: many}, true, true, 0, nil},
		{"malformed", &naverworks.Text{Text: naverworks.Mention(`a"b`)}, true, true, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := naverworkstest.NewServer(t)
			var err error
			if tt.toRoom {
				_, err = srv.Client().SendToChannel(ctx, "room-1", tt.content)
			} else {
				_, err = srv.Client().SendToUser(ctx, "u-9", tt.content)
			}
			if tt.invalid {
				if !errors.Is(err, naverworks.ErrInvalid) || len(srv.Messages()) != 0 {
					t.Fatalf("err = %v, sent %d; want ErrInvalid, nothing sent", err, len(srv.Messages()))
				}
				return
			}
			if s := apiStatus(err); s != tt.status {
				t.Fatalf("err = %v, want status %d", err, tt.status)
			}
			if tt.status != 0 {
				return
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages sent", len(msgs))
			}
			if diff := cmp.Diff(tt.want, msgs[0].Mentions); diff != "" {
				t.Errorf("mentions (-want +got):\n%s", diff)
			}
		})
	}
}
