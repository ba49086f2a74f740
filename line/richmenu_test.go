package line_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func menu(areas int) messaging_api.RichMenuRequest {
	m := messaging_api.RichMenuRequest{
		Size:        &messaging_api.RichMenuSize{Width: 2500, Height: 843},
		Selected:    true,
		Name:        "main",
		ChatBarText: "Menu",
	}
	for i := range areas {
		m.Areas = append(m.Areas, messaging_api.RichMenuArea{
			Bounds: &messaging_api.RichMenuBounds{X: int64(i * 100), Y: 0, Width: 100, Height: 843},
			Action: &messaging_api.PostbackAction{Label: "a", Data: "x"},
		})
	}
	return m
}

func TestValidateRichMenu(t *testing.T) {
	mod := func(f func(*messaging_api.RichMenuRequest)) messaging_api.RichMenuRequest {
		m := menu(1)
		f(&m)
		return m
	}
	tests := []struct {
		name  string
		menu  messaging_api.RichMenuRequest
		paths []string
	}{
		{"valid", menu(20), nil},
		{"no size", mod(func(m *messaging_api.RichMenuRequest) { m.Size = nil }), []string{"size"}},
		{"too narrow", mod(func(m *messaging_api.RichMenuRequest) { m.Size.Width = 799 }), []string{"size.width"}},
		{"too tall for its width", mod(func(m *messaging_api.RichMenuRequest) { m.Size.Height = 1800 }), []string{"size"}},
		{"long chat bar text", mod(func(m *messaging_api.RichMenuRequest) { m.ChatBarText = strings.Repeat("x", 15) }), []string{"chatBarText"}},
		{"no name", mod(func(m *messaging_api.RichMenuRequest) { m.Name = "" }), []string{"name"}},
		{"21 areas", menu(21), []string{"areas"}},
		{"area outside", mod(func(m *messaging_api.RichMenuRequest) { m.Areas[0].Bounds.X = 2450 }), []string{"areas[0].bounds"}},
		{"area without action", mod(func(m *messaging_api.RichMenuRequest) { m.Areas[0].Action = nil }), []string{"areas[0].action"}},
		{"no areas", mod(func(m *messaging_api.RichMenuRequest) { m.Areas = nil }), []string{"areas"}},
	}
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateRichMenu(context.Background(), tt.menu)
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
			case err != nil:
				t.Fatalf("err = %v", err)
			}
			if diff := cmp.Diff(tt.paths, got); diff != "" {
				t.Errorf("paths (-want +got)\n%s", diff)
			}
		})
	}
	// Only the valid menu reached the fake.
	if got := len(srv.CallsTo("/v2/bot/richmenu")); got != 1 {
		t.Errorf("%d creates sent, want 1", got)
	}
}

func TestRichMenuLifecycle(t *testing.T) {
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	created, err := c.CreateRichMenu(ctx, menu(2))
	if err != nil {
		t.Fatal(err)
	}
	id := created.RichMenuID
	img := pngOf(t, 2500, 843)

	steps := []struct {
		name    string
		run     func() (any, error)
		want    any
		wantErr int // HTTP status of the *APIError, 0 for success
	}{
		{"get", func() (any, error) {
			m, err := c.GetRichMenu(ctx, id)
			if err != nil {
				return nil, err
			}
			return []any{m.RichMenuId, m.Name, m.ChatBarText, len(m.Areas), m.Size.Width}, nil
		}, []any{id, "main", "Menu", 2, int64(2500)}, 0},
		{"get unknown", func() (any, error) { return c.GetRichMenu(ctx, "richmenu-nope") }, nil, 404},
		{"list", func() (any, error) {
			l, err := c.ListRichMenus(ctx)
			if err != nil {
				return nil, err
			}
			return len(l.RichMenus), nil
		}, 1, 0},
		{"link before the image", func() (any, error) { return c.LinkRichMenu(ctx, "U1", id) }, nil, 400},
		{"default before the image", func() (any, error) { return c.SetDefaultRichMenu(ctx, id) }, nil, 400},
		{"upload the image", func() (any, error) { _, err := c.SetRichMenuImage(ctx, id, "image/png", img); return nil, err }, nil, 0},
		{"upload a second image", func() (any, error) { return c.SetRichMenuImage(ctx, id, "image/png", img) }, nil, 400},
		{"download the image", func() (any, error) {
			d, err := c.GetRichMenuImage(ctx, id)
			if err != nil {
				return nil, err
			}
			defer d.Body.Close()
			b, _ := io.ReadAll(d.Body)
			return []any{d.ContentType, bytes.Equal(b, img)}, nil
		}, []any{"image/png", true}, 0},
		{"download an unknown image", func() (any, error) { return c.GetRichMenuImage(ctx, "richmenu-nope") }, nil, 404},
		{"no default yet", func() (any, error) { return c.GetDefaultRichMenuID(ctx) }, nil, 404},
		{"set default", func() (any, error) { _, err := c.SetDefaultRichMenu(ctx, id); return nil, err }, nil, 0},
		{"get default", func() (any, error) {
			r, err := c.GetDefaultRichMenuID(ctx)
			if err != nil {
				return nil, err
			}
			return r.RichMenuID, nil
		}, id, 0},
		{"cancel default", func() (any, error) { _, err := c.CancelDefaultRichMenu(ctx); return srv.DefaultRichMenu(), err }, "", 0},
		{"link", func() (any, error) { _, err := c.LinkRichMenu(ctx, "U1", id); return nil, err }, nil, 0},
		{"user's menu", func() (any, error) {
			r, err := c.GetUserRichMenuID(ctx, "U1")
			if err != nil {
				return nil, err
			}
			return r.RichMenuID, nil
		}, id, 0},
		{"unlink", func() (any, error) { _, err := c.UnlinkRichMenu(ctx, "U1"); return nil, err }, nil, 0},
		{"user without a menu", func() (any, error) { return c.GetUserRichMenuID(ctx, "U1") }, nil, 404},
		{"bulk link", func() (any, error) {
			_, err := c.LinkRichMenuBulk(ctx, id, []string{"U2", "U3"})
			return srv.RichMenuLinks(), err
		}, map[string]string{"U2": id, "U3": id}, 0},
		{"bulk link an unknown menu", func() (any, error) { return c.LinkRichMenuBulk(ctx, "richmenu-nope", []string{"U4"}) }, nil, 404},
		{"bulk unlink", func() (any, error) {
			_, err := c.UnlinkRichMenuBulk(ctx, []string{"U2"})
			return srv.RichMenuLinks(), err
		}, map[string]string{"U3": id}, 0},
		{"create alias", func() (any, error) { _, err := c.CreateRichMenuAlias(ctx, "main-menu", id); return nil, err }, nil, 0},
		{"create the alias again", func() (any, error) { return c.CreateRichMenuAlias(ctx, "main-menu", id) }, nil, 400},
		{"get alias", func() (any, error) {
			a, err := c.GetRichMenuAlias(ctx, "main-menu")
			if err != nil {
				return nil, err
			}
			return a.RichMenuID, nil
		}, id, 0},
		{"update an unknown alias", func() (any, error) { return c.UpdateRichMenuAlias(ctx, "other", id) }, nil, 404},
		{"update alias", func() (any, error) { _, err := c.UpdateRichMenuAlias(ctx, "main-menu", id); return nil, err }, nil, 0},
		{"list aliases", func() (any, error) {
			l, err := c.ListRichMenuAliases(ctx)
			if err != nil {
				return nil, err
			}
			var out []string
			for _, a := range l.Aliases {
				out = append(out, a.AliasID+"→"+a.RichMenuID)
			}
			return out, nil
		}, []string{"main-menu→" + id}, 0},
		{"delete alias", func() (any, error) { _, err := c.DeleteRichMenuAlias(ctx, "main-menu"); return nil, err }, nil, 0},
		{"get the deleted alias", func() (any, error) { return c.GetRichMenuAlias(ctx, "main-menu") }, nil, 404},
		{"delete", func() (any, error) { _, err := c.DeleteRichMenu(ctx, id); return srv.RichMenuLinks(), err }, map[string]string{}, 0},
		{"delete again", func() (any, error) { return c.DeleteRichMenu(ctx, id) }, nil, 404},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			got, err := st.run()
			if st.wantErr != 0 {
				if !isStatus(err, st.wantErr) {
					t.Fatalf("err = %v, want an APIError %d", err, st.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(st.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestRichMenuArguments(t *testing.T) {
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	many := make([]string, 501)
	for i := range many {
		many[i] = "U"
	}
	tests := []struct {
		name string
		run  func() error
		arg  string
	}{
		{"image type", func() error { _, err := c.SetRichMenuImage(ctx, "r", "image/gif", pngOf(t, 2500, 843)); return err }, "contentType"},
		{"image bytes not the type", func() error {
			_, err := c.SetRichMenuImage(ctx, "r", "image/png", jpegOf(t, 2500, 843))
			return err
		}, "img"},
		{"image too small", func() error { _, err := c.SetRichMenuImage(ctx, "r", "image/png", pngOf(t, 799, 250)); return err }, "img"},
		{"image too square", func() error { _, err := c.SetRichMenuImage(ctx, "r", "image/jpeg", jpegOf(t, 1200, 1000)); return err }, "img"},
		{"image too large", func() error {
			_, err := c.SetRichMenuImage(ctx, "r", "image/png", append(pngOf(t, 2500, 843), make([]byte, 1<<20)...))
			return err
		}, "img"},
		{"empty image", func() error { _, err := c.SetRichMenuImage(ctx, "r", "image/png", nil); return err }, "img"},
		{"empty menu ID", func() error { _, err := c.GetRichMenu(ctx, ""); return err }, "richMenuID"},
		{"empty user", func() error { _, err := c.LinkRichMenu(ctx, "", "r"); return err }, "userID"},
		{"501 users", func() error { _, err := c.LinkRichMenuBulk(ctx, "r", many); return err }, "userIDs"},
		{"no users", func() error { _, err := c.UnlinkRichMenuBulk(ctx, nil); return err }, "userIDs"},
		{"bad alias", func() error { _, err := c.CreateRichMenuAlias(ctx, "no spaces", "r"); return err }, "aliasID"},
		{"long alias", func() error { _, err := c.GetRichMenuAlias(ctx, strings.Repeat("a", 33)); return err }, "aliasID"},
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
	// A JPEG of the right size passes the check; the fake, which checks the
	// same, accepts it for a menu it knows.
	created, err := c.CreateRichMenu(ctx, menu(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetRichMenuImage(ctx, created.RichMenuID, "image/jpeg", jpegOf(t, 1200, 405)); err != nil {
		t.Fatal(err)
	}
}

func TestRichMenuRetryPolicy(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		run     func(*line.Client) error
		retried bool
	}{
		{"create is not repeated", "/v2/bot/richmenu", func(c *line.Client) error { _, err := c.CreateRichMenu(context.Background(), menu(1)); return err }, false},
		{"alias create is not repeated", "/v2/bot/richmenu/alias", func(c *line.Client) error {
			_, err := c.CreateRichMenuAlias(context.Background(), "a", "r")
			return err
		}, false},
		{"get is retried", "/v2/bot/richmenu/list", func(c *line.Client) error { _, err := c.ListRichMenus(context.Background()); return err }, true},
		{"delete is retried", "/v2/bot/richmenu/r", func(c *line.Client) error { _, err := c.DeleteRichMenu(context.Background(), "r"); return err }, true},
		{"bulk link is retried", "/v2/bot/richmenu/bulk/link", func(c *line.Client) error {
			_, err := c.LinkRichMenuBulk(context.Background(), "r", []string{"U1"})
			return err
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := linetest.NewServer(t)
			c, _ := newClient(t, srv)
			srv.FailNext(linetest.Fault{Path: tt.path, Status: http.StatusInternalServerError})
			_ = tt.run(c)
			n := len(srv.CallsTo(tt.path))
			if got := n > 1; got != tt.retried {
				t.Errorf("sent %d times; retried = %v, want %v", n, got, tt.retried)
			}
		})
	}
}

func FuzzValidateRichMenu(f *testing.F) {
	for _, m := range []messaging_api.RichMenuRequest{menu(1), menu(20), menu(21), {}} {
		b, _ := json.Marshal(&m)
		f.Add(b)
	}
	f.Add([]byte(`{"size":{"width":-1,"height":9223372036854775807},"areas":[{"bounds":{"x":9223372036854775807,"width":1}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		err := line.ValidateRichMenu(body)
		if err != nil && !errors.Is(err, line.ErrInvalid) {
			t.Fatalf("error %v does not wrap ErrInvalid", err)
		}
	})
}
