package naverworks

import (
	"context"
	"fmt"
	"net/http"
)

// Channel is a message room created by the bot.
type Channel struct {
	ChannelID string `json:"channelId"`
	Title     string `json:"title,omitempty"`
	Meta      Meta   `json:"-"`
}

// CreateChannel creates a message room with the bot and members (1 to 100
// distinct user IDs). NAVER WORKS allows 10 such calls a minute.
func (c *Client) CreateChannel(ctx context.Context, members []string, title string) (*Channel, error) {
	var v validator
	if len(members) == 0 || len(members) > limits.channelMembers {
		v.add("members", "need 1 to %d members, got %d", limits.channelMembers, len(members))
	}
	seen := make(map[string]bool, len(members))
	for i, m := range members {
		if m == "" {
			v.add(fmt.Sprintf("members[%d]", i), "empty user ID")
		}
		if seen[m] {
			v.add(fmt.Sprintf("members[%d]", i), "duplicate user ID")
		}
		seen[m] = true
	}
	v.maxLen("title", title, limits.channelTitle)
	if err := v.err(); err != nil {
		return nil, err
	}
	in := struct {
		Members []string `json:"members"`
		Title   string   `json:"title,omitempty"`
	}{members, title}
	var ch Channel
	meta, err := c.call(ctx, "Client.CreateChannel", http.MethodPost, c.botPath("channels"), in, &ch, false)
	if err != nil {
		return nil, err
	}
	ch.Meta = meta
	return &ch, nil
}

// Members is one page of a room's members.
type Members struct {
	Members []string `json:"members"`
	// NextCursor fetches the next page; empty on the last one.
	NextCursor string `json:"-"`
	Meta       Meta   `json:"-"`
}

// ChannelMembers lists the members of a room the bot is in, one page at a
// time: pass "" as cursor for the first page, then Members.NextCursor.
// (GET /bots/{botId}/channels/{channelId}/members; response shape as the
// other list APIs, with responseMetaData.nextCursor.)
func (c *Client) ChannelMembers(ctx context.Context, channelID, cursor string) (*Members, error) {
	if channelID == "" {
		return nil, argError("Client.ChannelMembers", "channelID", "empty")
	}
	path := c.botPath("channels", channelID, "members")
	if cursor != "" {
		path += "?cursor=" + queryEscape(cursor)
	}
	var out struct {
		Members      []string     `json:"members"`
		ResponseMeta responseMeta `json:"responseMetaData"`
	}
	meta, err := c.call(ctx, "Client.ChannelMembers", http.MethodGet, path, nil, &out, true)
	if err != nil {
		return nil, err
	}
	return &Members{Members: out.Members, NextCursor: out.ResponseMeta.NextCursor, Meta: meta}, nil
}

type responseMeta struct {
	NextCursor string `json:"nextCursor"`
}

// LeaveChannel makes the bot leave a room.
func (c *Client) LeaveChannel(ctx context.Context, channelID string) (*Result, error) {
	if channelID == "" {
		return nil, argError("Client.LeaveChannel", "channelID", "empty")
	}
	return c.result(ctx, "Client.LeaveChannel", http.MethodDelete, c.botPath("channels", channelID), nil)
}
