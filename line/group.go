package line

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// Groups, rooms and followers: who is in a chat the bot joined, and who
// added the bot as a friend. Member and follower IDs come in pages that
// end with a "next" token; the Get… methods return one page, and the
// iterators ([Client.GroupMemberIDs], [Client.RoomMemberIDs],
// [Client.FollowerIDs]) follow the tokens to the end.
//
// Every call here is a GET, retried as [WithRetry] allows, except
// [Client.LeaveGroup] and [Client.LeaveRoom], which are retried too:
// leaving twice leaves once (the second answer may be an error).

// maxFollowerPage is LINE's largest page of follower IDs (the "limit"
// query parameter; LINE's default is 300).
const maxFollowerPage = 1000

// GroupSummary is a group chat's name and icon.
type GroupSummary struct {
	GroupID   string `json:"groupId"`
	GroupName string `json:"groupName"`
	// PictureURL is the group's icon; empty when the group has none.
	PictureURL string `json:"pictureUrl,omitempty"`
	Meta       Meta   `json:"-"`
}

// MemberCount is the number of members of a group or room, not counting
// the bot.
type MemberCount struct {
	Count int  `json:"count"`
	Meta  Meta `json:"-"`
}

// IDPage is one page of user IDs: group or room members, or followers.
type IDPage struct {
	// UserIDs are the IDs on this page. LINE lists only users of LINE for
	// iOS and Android.
	UserIDs []string
	// Next is the token that fetches the next page; empty on the last.
	Next string
	Meta Meta
}

// GetGroupSummary returns a group's ID, name and icon. A group the bot is
// not in is an *APIError with status 404.
func (c *Client) GetGroupSummary(ctx context.Context, groupID string) (*GroupSummary, error) {
	if err := nonEmpty("Client.GetGroupSummary", "groupID", groupID); err != nil {
		return nil, err
	}
	out := new(GroupSummary)
	resp, err := c.getJSON(ctx, "v2/bot/group/"+url.PathEscape(groupID)+"/summary", nil, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

// GetGroupMemberCount returns how many users are in a group, not counting
// the bot.
func (c *Client) GetGroupMemberCount(ctx context.Context, groupID string) (*MemberCount, error) {
	if err := nonEmpty("Client.GetGroupMemberCount", "groupID", groupID); err != nil {
		return nil, err
	}
	return c.memberCount(ctx, "v2/bot/group/"+url.PathEscape(groupID)+"/members/count")
}

// GetRoomMemberCount returns how many users are in a multi-person chat
// (a room), not counting the bot.
func (c *Client) GetRoomMemberCount(ctx context.Context, roomID string) (*MemberCount, error) {
	if err := nonEmpty("Client.GetRoomMemberCount", "roomID", roomID); err != nil {
		return nil, err
	}
	return c.memberCount(ctx, "v2/bot/room/"+url.PathEscape(roomID)+"/members/count")
}

func (c *Client) memberCount(ctx context.Context, path string) (*MemberCount, error) {
	out := new(MemberCount)
	resp, err := c.getJSON(ctx, path, nil, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

// GetGroupMemberIDs returns one page of a group's member IDs: the first
// with start empty, the next with the Next of the page before. LINE
// allows this only for verified and premium accounts (others get 403).
func (c *Client) GetGroupMemberIDs(ctx context.Context, groupID, start string) (*IDPage, error) {
	if err := nonEmpty("Client.GetGroupMemberIDs", "groupID", groupID); err != nil {
		return nil, err
	}
	return c.idPage(ctx, "v2/bot/group/"+url.PathEscape(groupID)+"/members/ids", start, 0)
}

// GetRoomMemberIDs returns one page of a room's member IDs, as
// [Client.GetGroupMemberIDs] does for a group.
func (c *Client) GetRoomMemberIDs(ctx context.Context, roomID, start string) (*IDPage, error) {
	if err := nonEmpty("Client.GetRoomMemberIDs", "roomID", roomID); err != nil {
		return nil, err
	}
	return c.idPage(ctx, "v2/bot/room/"+url.PathEscape(roomID)+"/members/ids", start, 0)
}

// GetFollowerIDs returns one page of the IDs of users who added the bot
// as a friend (and have not blocked it): the first with start empty, the
// next with the Next of the page before. limit is the most IDs on the
// page, 1–1000; 0 leaves LINE's default (300). LINE allows this only for
// verified and premium accounts (others get 403).
func (c *Client) GetFollowerIDs(ctx context.Context, start string, limit int) (*IDPage, error) {
	if limit < 0 || limit > maxFollowerPage {
		return nil, argError("Client.GetFollowerIDs", "limit", fmt.Sprintf("must be 0 (LINE's default) or 1 to %d", maxFollowerPage))
	}
	return c.idPage(ctx, "v2/bot/followers/ids", start, limit)
}

// GroupMemberIDs iterates over every member ID of a group, fetching pages
// as the loop needs them. A failed page yields ("", err) and ends the
// loop; stopping the loop early fetches no more pages.
//
//	for id, err := range client.GroupMemberIDs(ctx, groupID) {
//		if err != nil { return err }
//		…
//	}
func (c *Client) GroupMemberIDs(ctx context.Context, groupID string) iter.Seq2[string, error] {
	return allIDs(func(start string) (*IDPage, error) { return c.GetGroupMemberIDs(ctx, groupID, start) })
}

// RoomMemberIDs iterates over every member ID of a room, as
// [Client.GroupMemberIDs] does for a group.
func (c *Client) RoomMemberIDs(ctx context.Context, roomID string) iter.Seq2[string, error] {
	return allIDs(func(start string) (*IDPage, error) { return c.GetRoomMemberIDs(ctx, roomID, start) })
}

// FollowerIDs iterates over the IDs of every follower, 1000 to a page, as
// [Client.GroupMemberIDs] does for a group.
func (c *Client) FollowerIDs(ctx context.Context) iter.Seq2[string, error] {
	return allIDs(func(start string) (*IDPage, error) { return c.GetFollowerIDs(ctx, start, maxFollowerPage) })
}

// errNextRepeated stops an iterator whose pages would never end.
var errNextRepeated = errors.New("line: LINE returned a next token already followed")

func allIDs(page func(start string) (*IDPage, error)) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		seen := map[string]bool{}
		start := ""
		for {
			p, err := page(start)
			if err != nil {
				yield("", err)
				return
			}
			for _, id := range p.UserIDs {
				if !yield(id, nil) {
					return
				}
			}
			if p.Next == "" {
				return
			}
			if seen[p.Next] {
				yield("", errNextRepeated)
				return
			}
			seen[p.Next] = true
			start = p.Next
		}
	}
}

func (c *Client) idPage(ctx context.Context, path, start string, limit int) (*IDPage, error) {
	q := url.Values{}
	if start != "" {
		q.Set("start", start)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var w struct {
		MemberIDs []string `json:"memberIds"`
		UserIDs   []string `json:"userIds"`
		Next      string   `json:"next"`
	}
	resp, err := c.getJSON(ctx, path, q, &w)
	if err != nil {
		return nil, err
	}
	ids := w.MemberIDs
	if ids == nil {
		ids = w.UserIDs
	}
	return &IDPage{UserIDs: ids, Next: w.Next, Meta: metaOf(resp)}, nil
}

// GetGroupMemberProfile returns the profile of a group member, who need
// not be a friend of the bot. The profile has no status message or
// language. A user not in the group is an *APIError with status 404.
func (c *Client) GetGroupMemberProfile(ctx context.Context, groupID, userID string) (*Profile, error) {
	if err := nonEmpty("Client.GetGroupMemberProfile", "groupID", groupID, "userID", userID); err != nil {
		return nil, err
	}
	return c.memberProfile(ctx, "v2/bot/group/"+url.PathEscape(groupID)+"/member/"+url.PathEscape(userID))
}

// GetRoomMemberProfile returns the profile of a room member, as
// [Client.GetGroupMemberProfile] does for a group.
func (c *Client) GetRoomMemberProfile(ctx context.Context, roomID, userID string) (*Profile, error) {
	if err := nonEmpty("Client.GetRoomMemberProfile", "roomID", roomID, "userID", userID); err != nil {
		return nil, err
	}
	return c.memberProfile(ctx, "v2/bot/room/"+url.PathEscape(roomID)+"/member/"+url.PathEscape(userID))
}

func (c *Client) memberProfile(ctx context.Context, path string) (*Profile, error) {
	out := new(Profile)
	resp, err := c.getJSON(ctx, path, nil, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

// LeaveGroup makes the bot leave a group. LINE sends a leave event
// afterwards. It is retried: leaving twice leaves once, and the second
// answer may be a 404.
func (c *Client) LeaveGroup(ctx context.Context, groupID string) (*Result, error) {
	if err := nonEmpty("Client.LeaveGroup", "groupID", groupID); err != nil {
		return nil, err
	}
	return c.call(ctx, http.MethodPost, "v2/bot/group/"+url.PathEscape(groupID)+"/leave", nil, true)
}

// LeaveRoom makes the bot leave a room, as [Client.LeaveGroup] does a
// group.
func (c *Client) LeaveRoom(ctx context.Context, roomID string) (*Result, error) {
	if err := nonEmpty("Client.LeaveRoom", "roomID", roomID); err != nil {
		return nil, err
	}
	return c.call(ctx, http.MethodPost, "v2/bot/room/"+url.PathEscape(roomID)+"/leave", nil, true)
}
