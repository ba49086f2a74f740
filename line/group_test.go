package line_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

func profiles(prefix string, n int) []line.Profile {
	out := make([]line.Profile, n)
	for i := range out {
		out[i] = line.Profile{UserID: fmt.Sprintf("%s%04d", prefix, i), DisplayName: fmt.Sprintf("user %d", i)}
	}
	return out
}

func ids(ps []line.Profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.UserID
	}
	return out
}

// collect runs an ID iterator to its end and returns the IDs and the
// errors it yielded.
func collect(seq func(func(string, error) bool)) (got []string, errs []error) {
	for id, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, id)
	}
	return got, errs
}

func groupServer(t *testing.T) (*linetest.Server, *line.Client) {
	t.Helper()
	srv := linetest.NewServer(t)
	srv.AddGroup(linetest.GroupChat{ID: "Cgroup", Name: "Team", PictureURL: "https://example.com/g.png", Members: profiles("Ug", 250)})
	srv.AddRoom(linetest.RoomChat{ID: "Rroom", Members: profiles("Ur", 3)})
	var fs []string
	for i := range 2500 {
		fs = append(fs, fmt.Sprintf("Uf%04d", i))
	}
	srv.SetFollowers(fs...)
	c, _ := newClient(t, srv)
	return srv, c
}

func TestGroupsAndRooms(t *testing.T) {
	t.Parallel()
	srv, c := groupServer(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		run     func() (any, error)
		want    any
		wantErr int
	}{
		{"group summary", func() (any, error) {
			g, err := c.GetGroupSummary(ctx, "Cgroup")
			if err != nil {
				return nil, err
			}
			return []string{g.GroupID, g.GroupName, g.PictureURL}, nil
		}, []string{"Cgroup", "Team", "https://example.com/g.png"}, 0},
		{"unknown group summary", func() (any, error) { return c.GetGroupSummary(ctx, "Cnope") }, nil, 404},
		{"group member count", func() (any, error) {
			n, err := c.GetGroupMemberCount(ctx, "Cgroup")
			if err != nil {
				return nil, err
			}
			return n.Count, nil
		}, 250, 0},
		{"unknown group member count", func() (any, error) { return c.GetGroupMemberCount(ctx, "Cnope") }, nil, 404},
		{"room member count", func() (any, error) {
			n, err := c.GetRoomMemberCount(ctx, "Rroom")
			if err != nil {
				return nil, err
			}
			return n.Count, nil
		}, 3, 0},
		{"unknown room member count", func() (any, error) { return c.GetRoomMemberCount(ctx, "Rnope") }, nil, 404},
		{"first page of group members", func() (any, error) {
			p, err := c.GetGroupMemberIDs(ctx, "Cgroup", "")
			if err != nil {
				return nil, err
			}
			return []any{len(p.UserIDs), p.UserIDs[0], p.Next != ""}, nil
		}, []any{linetest.MemberPageSize, "Ug0000", true}, 0},
		{"group members from a bad token", func() (any, error) { return c.GetGroupMemberIDs(ctx, "Cgroup", "forged") }, nil, 400},
		{"room members, one page", func() (any, error) {
			p, err := c.GetRoomMemberIDs(ctx, "Rroom", "")
			if err != nil {
				return nil, err
			}
			return []any{p.UserIDs, p.Next}, nil
		}, []any{[]string{"Ur0000", "Ur0001", "Ur0002"}, ""}, 0},
		{"unknown room members", func() (any, error) { return c.GetRoomMemberIDs(ctx, "Rnope", "") }, nil, 404},
		{"followers page with a limit", func() (any, error) {
			p, err := c.GetFollowerIDs(ctx, "", 2)
			if err != nil {
				return nil, err
			}
			return []any{p.UserIDs, p.Next != ""}, nil
		}, []any{[]string{"Uf0000", "Uf0001"}, true}, 0},
		{"followers from a bad token", func() (any, error) { return c.GetFollowerIDs(ctx, "forged", 0) }, nil, 400},
		{"group member profile", func() (any, error) {
			p, err := c.GetGroupMemberProfile(ctx, "Cgroup", "Ug0007")
			if err != nil {
				return nil, err
			}
			return []string{p.UserID, p.DisplayName}, nil
		}, []string{"Ug0007", "user 7"}, 0},
		{"profile of a non-member", func() (any, error) { return c.GetGroupMemberProfile(ctx, "Cgroup", "Ur0000") }, nil, 404},
		{"room member profile", func() (any, error) {
			p, err := c.GetRoomMemberProfile(ctx, "Rroom", "Ur0002")
			if err != nil {
				return nil, err
			}
			return p.DisplayName, nil
		}, "user 2", 0},
		{"room member profile, unknown room", func() (any, error) { return c.GetRoomMemberProfile(ctx, "Rnope", "Ur0002") }, nil, 404},
		{"leave the room", func() (any, error) { _, err := c.LeaveRoom(ctx, "Rroom"); return srv.Left(), err }, []string{"Rroom"}, 0},
		{"leave the room again", func() (any, error) { return c.LeaveRoom(ctx, "Rroom") }, nil, 404},
		{"leave an unknown group", func() (any, error) { return c.LeaveGroup(ctx, "Cnope") }, nil, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.run()
			if tt.wantErr != 0 {
				if !isStatus(err, tt.wantErr) {
					t.Fatalf("err = %v, want an APIError %d", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	// Leaving the group last: the earlier cases read it.
	if _, err := c.LeaveGroup(ctx, "Cgroup"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetGroupSummary(ctx, "Cgroup"); !isStatus(err, 404) {
		t.Errorf("summary after leaving: err = %v, want 404", err)
	}
}

func TestIDIterators(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	wantFollowers := func() []string {
		var out []string
		for i := range 2500 {
			out = append(out, fmt.Sprintf("Uf%04d", i))
		}
		return out
	}()
	tests := []struct {
		name  string
		seq   func(*line.Client) func(func(string, error) bool)
		path  string
		want  []string
		pages int
	}{
		{"group members, three pages", func(c *line.Client) func(func(string, error) bool) { return c.GroupMemberIDs(ctx, "Cgroup") },
			"/v2/bot/group/Cgroup/members/ids", ids(profiles("Ug", 250)), 3},
		{"room members, one page", func(c *line.Client) func(func(string, error) bool) { return c.RoomMemberIDs(ctx, "Rroom") },
			"/v2/bot/room/Rroom/members/ids", ids(profiles("Ur", 3)), 1},
		{"followers, three pages of 1000", func(c *line.Client) func(func(string, error) bool) { return c.FollowerIDs(ctx) },
			"/v2/bot/followers/ids", wantFollowers, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := groupServer(t)
			got, errs := collect(tt.seq(c))
			if len(errs) != 0 {
				t.Fatalf("errors: %v", errs)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("IDs (-want +got)\n%s", diff)
			}
			if n := len(srv.CallsTo(tt.path)); n != tt.pages {
				t.Errorf("fetched %d pages, want %d", n, tt.pages)
			}
		})
	}
}

func TestIDIteratorFailsOnPageTwo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		seq  func(*line.Client) func(func(string, error) bool)
		path string
		page int
	}{
		{"group", func(c *line.Client) func(func(string, error) bool) {
			return c.GroupMemberIDs(context.Background(), "Cgroup")
		}, "/v2/bot/group/Cgroup/members/ids", linetest.MemberPageSize},
		{"followers", func(c *line.Client) func(func(string, error) bool) { return c.FollowerIDs(context.Background()) },
			"/v2/bot/followers/ids", 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := groupServer(t)
			var got []string
			var errs []error
			after := 0
			for id, err := range tt.seq(c) {
				if len(got) == 1 && err == nil {
					// Page one is in hand; page two will be refused.
					srv.FailNext(linetest.Fault{Path: tt.path, Status: http.StatusForbidden})
				}
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if len(errs) > 0 {
					after++
				}
				got = append(got, id)
			}
			if len(got) != tt.page {
				t.Errorf("got %d IDs before the failure, want the first page's %d", len(got), tt.page)
			}
			if len(errs) != 1 || !isStatus(errs[0], http.StatusForbidden) || after != 0 {
				t.Errorf("errors %v (then %d IDs), want one APIError 403 and nothing after", errs, after)
			}
			if n := len(srv.CallsTo(tt.path)); n != 2 {
				t.Errorf("fetched %d pages, want 2", n)
			}
		})
	}
}

func TestIDIteratorStops(t *testing.T) {
	t.Parallel()
	t.Run("breaking the loop fetches no more pages", func(t *testing.T) {
		srv, c := groupServer(t)
		n := 0
		for _, err := range c.GroupMemberIDs(context.Background(), "Cgroup") {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 5 {
				break
			}
		}
		if calls := len(srv.CallsTo("/v2/bot/group/Cgroup/members/ids")); calls != 1 {
			t.Errorf("fetched %d pages, want 1", calls)
		}
	})
	t.Run("a next token that repeats ends with an error", func(t *testing.T) {
		srv := linetest.NewServer(t)
		srv.Handle("GET /v2/bot/followers/ids", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"userIds":["U1"],"next":"again"}`))
		}))
		c, _ := newClient(t, srv)
		got, errs := collect(c.FollowerIDs(context.Background()))
		if diff := cmp.Diff([]string{"U1", "U1"}, got); diff != "" {
			t.Errorf("IDs (-want +got)\n%s", diff)
		}
		if len(errs) != 1 || errors.As(errs[0], new(*line.APIError)) {
			t.Errorf("errors = %v, want one that is not an APIError", errs)
		}
	})
}

func TestGroupArguments(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	tests := []struct {
		name string
		run  func() error
		arg  string
	}{
		{"summary", func() error { _, err := c.GetGroupSummary(ctx, ""); return err }, "groupID"},
		{"group count", func() error { _, err := c.GetGroupMemberCount(ctx, ""); return err }, "groupID"},
		{"room count", func() error { _, err := c.GetRoomMemberCount(ctx, ""); return err }, "roomID"},
		{"group IDs", func() error { _, err := c.GetGroupMemberIDs(ctx, "", ""); return err }, "groupID"},
		{"room IDs", func() error { _, err := c.GetRoomMemberIDs(ctx, "", ""); return err }, "roomID"},
		{"follower limit too high", func() error { _, err := c.GetFollowerIDs(ctx, "", 1001); return err }, "limit"},
		{"follower limit negative", func() error { _, err := c.GetFollowerIDs(ctx, "", -1); return err }, "limit"},
		{"group profile user", func() error { _, err := c.GetGroupMemberProfile(ctx, "C", ""); return err }, "userID"},
		{"room profile room", func() error { _, err := c.GetRoomMemberProfile(ctx, "", "U"); return err }, "roomID"},
		{"leave group", func() error { _, err := c.LeaveGroup(ctx, ""); return err }, "groupID"},
		{"leave room", func() error { _, err := c.LeaveRoom(ctx, ""); return err }, "roomID"},
		{"iterator", func() error {
			_, errs := collect(c.GroupMemberIDs(ctx, ""))
			if len(errs) != 1 {
				return fmt.Errorf("%d errors", len(errs))
			}
			return errs[0]
		}, "groupID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			var ae *line.ArgumentError
			if !errors.As(err, &ae) || ae.Arg != tt.arg {
				t.Fatalf("err = %v, want an ArgumentError for %s", err, tt.arg)
			}
		})
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("%d requests sent for bad arguments", len(calls))
	}
}
