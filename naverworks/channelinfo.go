package naverworks

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/channelkit/channelkit/internal/wire"
)

// The room types of [ChannelType].Type.
const (
	ChannelSingleUser = "SINGLE_USER" // a 1:1 room
	ChannelMultiUsers = "MULTI_USERS" // a 1:N room
	ChannelOrgUnit    = "ORGUNIT"     // a team (organization unit) room
	ChannelGroup      = "GROUP"       // a group room
)

// ChannelType is what kind of room a [ChannelInfo] describes. OrgUnitID is
// set for team rooms, GroupID for group rooms.
type ChannelType struct {
	Type      string `json:"type"`
	OrgUnitID string `json:"orgUnitId,omitempty"`
	GroupID   string `json:"groupId,omitempty"`
}

// ChannelInfo is a message room the bot is in, as
// GET /bots/{botId}/channels/{channelId} describes it. DomainID is a
// number on the wire, kept as its decimal text (as [Source.DomainID]); a
// string is read too.
type ChannelInfo struct {
	DomainID    string      `json:"domainId,omitempty"`
	ChannelID   string      `json:"channelId"`
	Title       string      `json:"title,omitempty"`
	ChannelType ChannelType `json:"channelType"`
	Meta        Meta        `json:"-"`
}

type wireChannelInfo struct {
	DomainID    json.RawMessage `json:"domainId,omitempty"`
	ChannelID   string          `json:"channelId"`
	Title       string          `json:"title,omitempty"`
	ChannelType ChannelType     `json:"channelType"`
}

// MarshalJSON writes domainId as a number when it is one, as the API does.
func (c ChannelInfo) MarshalJSON() ([]byte, error) {
	return json.Marshal(wireChannelInfo{DomainID: domainIDJSON(c.DomainID), ChannelID: c.ChannelID, Title: c.Title, ChannelType: c.ChannelType})
}

// UnmarshalJSON reads domainId as a number or a string.
func (c *ChannelInfo) UnmarshalJSON(b []byte) error {
	var w wireChannelInfo
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	// As in Source: domainId is informational, a value of another JSON
	// type is dropped.
	var d wire.FlexString
	if len(w.DomainID) > 0 && json.Unmarshal(w.DomainID, &d) != nil {
		d = ""
	}
	*c = ChannelInfo{DomainID: string(d), ChannelID: w.ChannelID, Title: w.Title, ChannelType: w.ChannelType, Meta: c.Meta}
	return nil
}

// domainIDJSON is a domain ID's JSON: a number when it is a JSON integer
// (digits, no leading zero, within int64), else a string, nothing when
// empty.
func domainIDJSON(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	number := len(s) <= 18 && (s[0] != '0' || len(s) == 1)
	for i := 0; i < len(s) && number; i++ {
		number = s[i] >= '0' && s[i] <= '9'
	}
	if !number {
		b, _ := json.Marshal(s)
		return b
	}
	return json.RawMessage(s)
}

// ChannelInfo returns the details of a room the bot is in: its title,
// domain and type (GET /bots/{botId}/channels/{channelId}; scope bot,
// bot.message or bot.read). Its members are [Client.ChannelMembers].
// An unknown room is an [*APIError] (404).
func (c *Client) ChannelInfo(ctx context.Context, channelID string) (*ChannelInfo, error) {
	if channelID == "" {
		return nil, argError("Client.ChannelInfo", "channelID", "empty")
	}
	var out ChannelInfo
	meta, err := c.call(ctx, "Client.ChannelInfo", http.MethodGet, c.botPath("channels", channelID), nil, &out, true)
	if err != nil {
		return nil, err
	}
	out.Meta = meta
	return &out, nil
}
