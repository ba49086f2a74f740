package line_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

func TestRichMenuBatch(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	mk := func() string {
		m, err := c.CreateRichMenu(ctx, menu(1))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.SetRichMenuImage(ctx, m.RichMenuID, "image/png", pngOf(t, 2500, 843)); err != nil {
			t.Fatal(err)
		}
		return m.RichMenuID
	}
	a, b := mk(), mk()
	if _, err := c.LinkRichMenuBulk(ctx, a, []string{"U1", "U2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.LinkRichMenu(ctx, "U3", b); err != nil {
		t.Fatal(err)
	}
	var accepted string
	tests := []struct {
		name    string
		run     func() (any, error)
		want    any
		wantErr int
	}{
		{"move a's users to b", func() (any, error) {
			r, err := c.RichMenuBatch(ctx, []line.RichMenuBatchOperation{line.BatchLink(a, b)}, "resume-1")
			if err != nil {
				return nil, err
			}
			accepted = r.Meta.RequestID
			return []any{r.Meta.StatusCode, srv.RichMenuLinks()}, nil
		}, []any{http.StatusAccepted, map[string]string{"U1": b, "U2": b, "U3": b}}, 0},
		{"progress", func() (any, error) {
			p, err := c.GetRichMenuBatchProgress(ctx, accepted)
			if err != nil {
				return nil, err
			}
			return []any{p.Phase, p.AcceptedTime.IsZero()}, nil
		}, []any{"succeeded", false}, 0},
		{"progress of an unknown request", func() (any, error) { return c.GetRichMenuBatchProgress(ctx, "req-nope") }, nil, 404},
		{"link to an unknown menu", func() (any, error) {
			return c.RichMenuBatch(ctx, []line.RichMenuBatchOperation{line.BatchLink(b, "richmenu-nope")}, "")
		}, nil, 404},
		{"unlink b, then unlink all", func() (any, error) {
			_, err := c.LinkRichMenu(ctx, "U4", a)
			if err != nil {
				return nil, err
			}
			if _, err := c.RichMenuBatch(ctx, []line.RichMenuBatchOperation{line.BatchUnlink(b)}, ""); err != nil {
				return nil, err
			}
			after := srv.RichMenuLinks()
			_, err = c.RichMenuBatch(ctx, []line.RichMenuBatchOperation{line.BatchUnlinkAll()}, "")
			return []any{after, srv.RichMenuLinks()}, err
		}, []any{map[string]string{"U4": a}, map[string]string{}}, 0},
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
}

func TestRichMenuBatchChecks(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	many := make([]line.RichMenuBatchOperation, 1001)
	for i := range many {
		many[i] = line.BatchUnlinkAll()
	}
	tests := []struct {
		name  string
		ops   []line.RichMenuBatchOperation
		key   string
		paths []string
	}{
		{"none", nil, "", []string{"operations"}},
		{"1001", many, "", []string{"operations"}},
		{"link without ends", []line.RichMenuBatchOperation{{Type: "link"}}, "", []string{"operations[0].from", "operations[0].to"}},
		{"unlink without from", []line.RichMenuBatchOperation{line.BatchUnlinkAll(), {Type: "unlink"}}, "", []string{"operations[1].from"}},
		{"unknown type", []line.RichMenuBatchOperation{{Type: "swap"}}, "", []string{"operations[0].type"}},
		{"bad resume key", []line.RichMenuBatchOperation{line.BatchUnlinkAll()}, "no spaces", []string{"resumeRequestKey"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.RichMenuBatch(context.Background(), tt.ops, tt.key)
			var got []string
			var ve *line.ValidationError
			var ves line.ValidationErrors
			switch {
			case errors.As(err, &ves):
				for _, e := range ves {
					got = append(got, e.Path)
				}
			case errors.As(err, &ve):
				got = []string{ve.Path}
			}
			if !errors.Is(err, line.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
			if diff := cmp.Diff(tt.paths, got); diff != "" {
				t.Errorf("paths (-want +got)\n%s", diff)
			}
		})
	}
	if _, err := c.GetRichMenuBatchProgress(context.Background(), ""); !errors.Is(err, line.ErrInvalid) {
		t.Errorf("empty request ID: err = %v", err)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d requests sent for bad batches", n)
	}
	// A batch is not repeated once sent.
	srv.FailNext(linetest.Fault{Path: "/v2/bot/richmenu/batch", Status: http.StatusInternalServerError})
	if _, err := c.RichMenuBatch(context.Background(), []line.RichMenuBatchOperation{line.BatchUnlinkAll()}, ""); !isStatus(err, 500) {
		t.Errorf("err = %v, want 500", err)
	}
	if n := len(srv.CallsTo("/v2/bot/richmenu/batch")); n != 1 {
		t.Errorf("batch sent %d times, want 1", n)
	}
}
