package line

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // rich-menu images are JPEG or PNG: DecodeConfig reads both
	_ "image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/internal/wire"
)

// Rich menus: the tappable menu under the chat. A menu is created from a
// messaging_api.RichMenuRequest (the SDK's type, so every action kind
// works), gets an image, and is shown to everyone (the default) or linked
// to users one by one or in bulk. Aliases name menus for the richmenuswitch
// action, and let a program find the menu it created on an earlier run.

// Rich-menu limits (Messaging API reference, "Rich menu object" and
// "Upload rich menu image").
var richMenuLimits = struct {
	minWidth, maxWidth, minHeight int
	minAspect                     float64
	areas, name, chatBarText      int
	imageBytes                    int
	bulkUsers                     int
}{
	minWidth: 800, maxWidth: 2500, minHeight: 250,
	minAspect: 1.45,
	areas:     20, name: 300, chatBarText: 14,
	imageBytes: 1 << 20,
	bulkUsers:  500,
}

// aliasID is LINE's rule for a rich-menu alias ID.
var aliasID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,32}$`)

type wRichMenu struct {
	Size *struct {
		Width  int64 `json:"width"`
		Height int64 `json:"height"`
	} `json:"size"`
	Name        *string `json:"name"`
	ChatBarText *string `json:"chatBarText"`
	Areas       []struct {
		Bounds *struct {
			X, Y, Width, Height int64
		} `json:"bounds"`
		Action json.RawMessage `json:"action"`
	} `json:"areas"`
}

// ValidateRichMenu checks a rich menu, as JSON, against LINE's limits: a
// size of 800–2500 × at least 250 pixels with width/height at least 1.45,
// a name of 1–300 and a chat-bar text of 1–14 characters, 1–20 areas
// inside the size, each with an action. It returns nil, a
// [*ValidationError], or [ValidationErrors], with LINE's JSON paths
// ("areas[3].bounds"). The linetest fake uses it too.
func ValidateRichMenu(menu []byte) error {
	var m wRichMenu
	if err := json.Unmarshal(menu, &m); err != nil {
		return validationError("", "not a rich menu object: "+wire.JSONError(err).Error())
	}
	var errs []error
	bad := func(path, reason string) { errs = append(errs, validationError(path, reason)) }
	l := richMenuLimits
	if m.Size == nil {
		bad("size", "must be specified")
	} else {
		w, h := m.Size.Width, m.Size.Height
		switch {
		case w < int64(l.minWidth) || w > int64(l.maxWidth):
			bad("size.width", fmt.Sprintf("must be between %d and %d", l.minWidth, l.maxWidth))
		case h < int64(l.minHeight):
			bad("size.height", fmt.Sprintf("must be at least %d", l.minHeight))
		case float64(w)/float64(h) < l.minAspect:
			bad("size", "width/height must be at least 1.45")
		}
	}
	switch {
	case m.Name == nil || *m.Name == "":
		bad("name", "must be specified")
	case utf16Len(*m.Name) > l.name:
		bad("name", fmt.Sprintf("must be at most %d characters", l.name))
	}
	switch {
	case m.ChatBarText == nil || *m.ChatBarText == "":
		bad("chatBarText", "must be specified")
	case utf16Len(*m.ChatBarText) > l.chatBarText:
		bad("chatBarText", fmt.Sprintf("must be at most %d characters", l.chatBarText))
	}
	switch {
	case len(m.Areas) == 0:
		bad("areas", "must have at least 1 area")
	case len(m.Areas) > l.areas:
		bad("areas", fmt.Sprintf("must have at most %d areas", l.areas))
	}
	for i, a := range m.Areas {
		p := fmt.Sprintf("areas[%d]", i)
		if b := a.Bounds; b == nil {
			bad(p+".bounds", "must be specified")
		} else if b.X < 0 || b.Y < 0 || b.Width <= 0 || b.Height <= 0 ||
			(m.Size != nil && (b.X+b.Width > m.Size.Width || b.Y+b.Height > m.Size.Height)) {
			bad(p+".bounds", "must lie inside the rich menu's size")
		}
		if len(a.Action) == 0 || string(a.Action) == "null" {
			bad(p+".action", "must be specified")
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	out := make(ValidationErrors, len(errs))
	for i, e := range errs {
		out[i] = e.(*ValidationError)
	}
	return out
}

// RichMenuIDResult carries a rich menu's ID: the one created, the default,
// or the one linked to a user.
type RichMenuIDResult struct {
	RichMenuID string `json:"richMenuId"`
	Meta       Meta   `json:"-"`
}

// RichMenu is a rich menu LINE stored.
type RichMenu struct {
	messaging_api.RichMenuResponse
	Meta Meta
}

// RichMenuList is every rich menu of the channel.
type RichMenuList struct {
	RichMenus []messaging_api.RichMenuResponse
	Meta      Meta
}

// RichMenuAlias names a rich menu.
type RichMenuAlias struct {
	AliasID    string `json:"richMenuAliasId"`
	RichMenuID string `json:"richMenuId"`
	Meta       Meta   `json:"-"`
}

// RichMenuAliasList is every alias of the channel.
type RichMenuAliasList struct {
	Aliases []RichMenuAlias
	Meta    Meta
}

func nonEmpty(fn string, args ...string) error {
	for i := 0; i+1 < len(args); i += 2 {
		if args[i+1] == "" {
			return argError(fn, args[i], "must not be empty")
		}
	}
	return nil
}

// getJSON is an idempotent GET decoded into out.
func (c *Client) getJSON(ctx context.Context, path string, q url.Values, out any) (*rest.Response, error) {
	resp, err := c.api.DoJSON(ctx, &rest.Request{Method: http.MethodGet, Path: path, Query: q, Idempotent: true}, out)
	var de *rest.DecodeError
	if errors.As(err, &de) {
		return nil, fmt.Errorf("line: %w", de)
	}
	return resp, err
}

// call sends a request whose answer has no data. idempotent says whether
// it may be repeated after LINE may have seen it.
func (c *Client) call(ctx context.Context, method, path string, body any, idempotent bool) (*Result, error) {
	req := &rest.Request{Method: method, Path: path, Idempotent: idempotent}
	if body != nil {
		req.JSON = body
	}
	resp, err := c.api.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	return resultOf(resp), nil
}

// CreateRichMenu creates a rich menu (without its image: upload it with
// [Client.SetRichMenuImage]) and returns its ID. The menu is checked with
// [ValidateRichMenu] first. A create is never repeated once LINE may have
// received it (it would make a second menu): it is retried only when the
// connection failed before the request was sent.
func (c *Client) CreateRichMenu(ctx context.Context, menu messaging_api.RichMenuRequest) (*RichMenuIDResult, error) {
	body, err := json.Marshal(&menu)
	if err != nil {
		return nil, argError("Client.CreateRichMenu", "menu", "does not encode as JSON")
	}
	if err := ValidateRichMenu(body); err != nil {
		return nil, err
	}
	out := new(RichMenuIDResult)
	resp, err := c.api.DoJSON(ctx, &rest.Request{Method: http.MethodPost, Path: "v2/bot/richmenu", Body: body, ContentType: "application/json"}, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

// GetRichMenu returns the rich menu richMenuID. An unknown ID is an
// *APIError with status 404.
func (c *Client) GetRichMenu(ctx context.Context, richMenuID string) (*RichMenu, error) {
	if err := nonEmpty("Client.GetRichMenu", "richMenuID", richMenuID); err != nil {
		return nil, err
	}
	out := new(RichMenu)
	resp, err := c.getJSON(ctx, "v2/bot/richmenu/"+url.PathEscape(richMenuID), nil, &out.RichMenuResponse)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

// ListRichMenus returns every rich menu of the channel.
func (c *Client) ListRichMenus(ctx context.Context) (*RichMenuList, error) {
	var w struct {
		RichMenus []messaging_api.RichMenuResponse `json:"richmenus"`
	}
	resp, err := c.getJSON(ctx, "v2/bot/richmenu/list", nil, &w)
	if err != nil {
		return nil, err
	}
	return &RichMenuList{RichMenus: w.RichMenus, Meta: metaOf(resp)}, nil
}

// DeleteRichMenu deletes a rich menu (retried: deleting twice deletes
// once; the second answer may be 404).
func (c *Client) DeleteRichMenu(ctx context.Context, richMenuID string) (*Result, error) {
	if err := nonEmpty("Client.DeleteRichMenu", "richMenuID", richMenuID); err != nil {
		return nil, err
	}
	return c.call(ctx, http.MethodDelete, "v2/bot/richmenu/"+url.PathEscape(richMenuID), nil, true)
}

// SetRichMenuImage uploads a rich menu's image to the data host: JPEG or
// PNG (contentType "image/jpeg" or "image/png", and the bytes must be
// that format), at most 1 MB, 800–2500 pixels wide, at least 250 high,
// width/height at least 1.45. LINE takes one image per menu; to change
// it, create a new menu. It is retried only when nothing was sent.
func (c *Client) SetRichMenuImage(ctx context.Context, richMenuID, contentType string, img []byte) (*Result, error) {
	const fn = "Client.SetRichMenuImage"
	if err := nonEmpty(fn, "richMenuID", richMenuID); err != nil {
		return nil, err
	}
	if err := checkRichMenuImage(fn, contentType, img); err != nil {
		return nil, err
	}
	resp, err := c.data.Do(ctx, &rest.Request{Method: http.MethodPost, Path: "v2/bot/richmenu/" + url.PathEscape(richMenuID) + "/content", Body: img, ContentType: contentType})
	if err != nil {
		return nil, err
	}
	return resultOf(resp), nil
}

// CheckRichMenuImage reports whether img (of contentType) is an image
// LINE takes for a rich menu: the checks of [Client.SetRichMenuImage].
// The linetest fake uses it too.
func CheckRichMenuImage(contentType string, img []byte) error {
	return checkRichMenuImage("CheckRichMenuImage", contentType, img)
}

func checkRichMenuImage(fn, contentType string, img []byte) error {
	want := map[string]string{"image/jpeg": "jpeg", "image/png": "png"}[contentType]
	if want == "" {
		return argError(fn, "contentType", `must be "image/jpeg" or "image/png"`)
	}
	l := richMenuLimits
	if len(img) == 0 || len(img) > l.imageBytes {
		return argError(fn, "img", fmt.Sprintf("must be 1 to %d bytes", l.imageBytes))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(img))
	if err != nil || format != want {
		return argError(fn, "img", "is not a "+want+" image")
	}
	w, h := cfg.Width, cfg.Height
	if w < l.minWidth || w > l.maxWidth || h < l.minHeight || float64(w)/float64(h) < l.minAspect {
		return argError(fn, "img", fmt.Sprintf("is %d×%d: want 800–2500 wide, at least 250 high, width/height at least 1.45", w, h))
	}
	return nil
}

// GetRichMenuImage downloads a rich menu's image from the data host.
// Close Body when done.
func (c *Client) GetRichMenuImage(ctx context.Context, richMenuID string) (*Download, error) {
	if err := nonEmpty("Client.GetRichMenuImage", "richMenuID", richMenuID); err != nil {
		return nil, err
	}
	return c.download(ctx, "v2/bot/richmenu/"+url.PathEscape(richMenuID)+"/content")
}

// SetDefaultRichMenu shows richMenuID to every user who has no menu
// linked of their own.
func (c *Client) SetDefaultRichMenu(ctx context.Context, richMenuID string) (*Result, error) {
	if err := nonEmpty("Client.SetDefaultRichMenu", "richMenuID", richMenuID); err != nil {
		return nil, err
	}
	return c.call(ctx, http.MethodPost, "v2/bot/user/all/richmenu/"+url.PathEscape(richMenuID), nil, true)
}

// GetDefaultRichMenuID returns the default rich menu's ID; with none set,
// LINE answers 404 (an *APIError).
func (c *Client) GetDefaultRichMenuID(ctx context.Context) (*RichMenuIDResult, error) {
	out := new(RichMenuIDResult)
	resp, err := c.getJSON(ctx, "v2/bot/user/all/richmenu", nil, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

// CancelDefaultRichMenu unsets the default rich menu.
func (c *Client) CancelDefaultRichMenu(ctx context.Context) (*Result, error) {
	return c.call(ctx, http.MethodDelete, "v2/bot/user/all/richmenu", nil, true)
}

// LinkRichMenu shows richMenuID to one user, over the default.
func (c *Client) LinkRichMenu(ctx context.Context, userID, richMenuID string) (*Result, error) {
	if err := nonEmpty("Client.LinkRichMenu", "userID", userID, "richMenuID", richMenuID); err != nil {
		return nil, err
	}
	return c.call(ctx, http.MethodPost, "v2/bot/user/"+url.PathEscape(userID)+"/richmenu/"+url.PathEscape(richMenuID), nil, true)
}

// UnlinkRichMenu removes the menu linked to one user (the default shows
// again).
func (c *Client) UnlinkRichMenu(ctx context.Context, userID string) (*Result, error) {
	if err := nonEmpty("Client.UnlinkRichMenu", "userID", userID); err != nil {
		return nil, err
	}
	return c.call(ctx, http.MethodDelete, "v2/bot/user/"+url.PathEscape(userID)+"/richmenu", nil, true)
}

// GetUserRichMenuID returns the ID of the menu linked to a user; with none
// linked, LINE answers 404.
func (c *Client) GetUserRichMenuID(ctx context.Context, userID string) (*RichMenuIDResult, error) {
	if err := nonEmpty("Client.GetUserRichMenuID", "userID", userID); err != nil {
		return nil, err
	}
	out := new(RichMenuIDResult)
	resp, err := c.getJSON(ctx, "v2/bot/user/"+url.PathEscape(userID)+"/richmenu", nil, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

func checkUserIDs(fn string, userIDs []string) error {
	switch {
	case len(userIDs) == 0:
		return argError(fn, "userIDs", "needs at least one user ID")
	case len(userIDs) > richMenuLimits.bulkUsers:
		return argError(fn, "userIDs", fmt.Sprintf("%d user IDs exceed %d", len(userIDs), richMenuLimits.bulkUsers))
	}
	for i, id := range userIDs {
		if id == "" {
			return argError(fn, fmt.Sprintf("userIDs[%d]", i), "must not be empty")
		}
	}
	return nil
}

// LinkRichMenuBulk links richMenuID to up to 500 users. LINE accepts the
// request (202) and links in the background; repeating it is harmless, so
// it is retried.
func (c *Client) LinkRichMenuBulk(ctx context.Context, richMenuID string, userIDs []string) (*Result, error) {
	const fn = "Client.LinkRichMenuBulk"
	if err := nonEmpty(fn, "richMenuID", richMenuID); err != nil {
		return nil, err
	}
	if err := checkUserIDs(fn, userIDs); err != nil {
		return nil, err
	}
	body := struct {
		RichMenuID string   `json:"richMenuId"`
		UserIDs    []string `json:"userIds"`
	}{richMenuID, userIDs}
	return c.call(ctx, http.MethodPost, "v2/bot/richmenu/bulk/link", &body, true)
}

// UnlinkRichMenuBulk unlinks the menus of up to 500 users, as
// [Client.LinkRichMenuBulk] links them.
func (c *Client) UnlinkRichMenuBulk(ctx context.Context, userIDs []string) (*Result, error) {
	if err := checkUserIDs("Client.UnlinkRichMenuBulk", userIDs); err != nil {
		return nil, err
	}
	body := struct {
		UserIDs []string `json:"userIds"`
	}{userIDs}
	return c.call(ctx, http.MethodPost, "v2/bot/richmenu/bulk/unlink", &body, true)
}

func checkAlias(fn, alias string) error {
	if !aliasID.MatchString(alias) {
		return argError(fn, "aliasID", "must be 1 to 32 of a-z, A-Z, 0-9, _ and -")
	}
	return nil
}

// CreateRichMenuAlias names richMenuID aliasID (1–32 of a-z, A-Z, 0-9, _
// and -). An alias in use is an *APIError (400; LINE's message says the
// alias already exists). Not repeated once sent.
func (c *Client) CreateRichMenuAlias(ctx context.Context, aliasID, richMenuID string) (*Result, error) {
	const fn = "Client.CreateRichMenuAlias"
	if err := checkAlias(fn, aliasID); err != nil {
		return nil, err
	}
	if err := nonEmpty(fn, "richMenuID", richMenuID); err != nil {
		return nil, err
	}
	body := RichMenuAlias{AliasID: aliasID, RichMenuID: richMenuID}
	return c.call(ctx, http.MethodPost, "v2/bot/richmenu/alias", &body, false)
}

// UpdateRichMenuAlias points aliasID at another rich menu (retried:
// setting the same target twice is setting it once).
func (c *Client) UpdateRichMenuAlias(ctx context.Context, aliasID, richMenuID string) (*Result, error) {
	const fn = "Client.UpdateRichMenuAlias"
	if err := checkAlias(fn, aliasID); err != nil {
		return nil, err
	}
	if err := nonEmpty(fn, "richMenuID", richMenuID); err != nil {
		return nil, err
	}
	body := struct {
		RichMenuID string `json:"richMenuId"`
	}{richMenuID}
	return c.call(ctx, http.MethodPost, "v2/bot/richmenu/alias/"+url.PathEscape(aliasID), &body, true)
}

// GetRichMenuAlias returns what aliasID names; an unknown alias is an
// *APIError with status 404.
func (c *Client) GetRichMenuAlias(ctx context.Context, aliasID string) (*RichMenuAlias, error) {
	const fn = "Client.GetRichMenuAlias"
	if err := checkAlias(fn, aliasID); err != nil {
		return nil, err
	}
	out := new(RichMenuAlias)
	resp, err := c.getJSON(ctx, "v2/bot/richmenu/alias/"+url.PathEscape(aliasID), nil, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

// ListRichMenuAliases returns every alias of the channel.
func (c *Client) ListRichMenuAliases(ctx context.Context) (*RichMenuAliasList, error) {
	var w struct {
		Aliases []RichMenuAlias `json:"aliases"`
	}
	resp, err := c.getJSON(ctx, "v2/bot/richmenu/alias/list", nil, &w)
	if err != nil {
		return nil, err
	}
	return &RichMenuAliasList{Aliases: w.Aliases, Meta: metaOf(resp)}, nil
}

// DeleteRichMenuAlias deletes an alias (not the menu it names).
func (c *Client) DeleteRichMenuAlias(ctx context.Context, aliasID string) (*Result, error) {
	const fn = "Client.DeleteRichMenuAlias"
	if err := checkAlias(fn, aliasID); err != nil {
		return nil, err
	}
	return c.call(ctx, http.MethodDelete, "v2/bot/richmenu/alias/"+url.PathEscape(aliasID), nil, true)
}

// download streams a GET from the data host.
func (c *Client) download(ctx context.Context, path string) (*Download, error) {
	s, err := c.data.DoStream(ctx, &rest.Request{Method: http.MethodGet, Path: path, Idempotent: true})
	if err != nil {
		return nil, err
	}
	n := int64(-1)
	if v := s.Header.Get("Content-Length"); v != "" {
		if k, err := strconv.ParseInt(v, 10, 64); err == nil {
			n = k
		}
	}
	return &Download{
		ContentType: s.Header.Get("Content-Type"),
		Length:      n,
		Body:        s.Body,
		Meta:        Meta{StatusCode: s.StatusCode, RequestID: s.Header.Get("X-Line-Request-Id"), Header: s.Header},
	}, nil
}
