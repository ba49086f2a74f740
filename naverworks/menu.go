package naverworks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

func queryEscape(s string) string { return url.QueryEscape(s) }

// PersistentMenu is the bot's fixed menu: up to 4 message, uri or copy
// actions. Its JSON is the API's {"content": {"actions": […]}}; Meta is
// not part of it.
type PersistentMenu struct {
	Actions []Action
	Meta    Meta
}

type wirePersistentMenu struct {
	Content struct {
		Actions []json.RawMessage `json:"actions"`
	} `json:"content"`
}

// MarshalJSON writes {"content": {"actions": […]}}, as the API takes it.
func (m PersistentMenu) MarshalJSON() ([]byte, error) {
	var w struct {
		Content struct {
			Actions []Action `json:"actions"`
		} `json:"content"`
	}
	w.Content.Actions = m.Actions
	return json.Marshal(w)
}

// UnmarshalJSON decodes {"content": {"actions": […]}}, as the API returns
// it, with the action union. Meta is left zero.
func (m *PersistentMenu) UnmarshalJSON(b []byte) error {
	var w wirePersistentMenu
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	acts, err := actionList(w.Content.Actions)
	if err != nil {
		return err
	}
	*m = PersistentMenu{Actions: acts}
	return nil
}

func validatePersistentMenu(actions []Action) error {
	var v validator
	v.actions("content.actions", actions, 1, limits.persistentActions, inPersistentMenu)
	for i, a := range actions {
		if _, ok := a.(*PostbackAction); ok {
			v.add(fmt.Sprintf("content.actions[%d].type", i), "postback actions are not allowed in a persistent menu")
		}
	}
	return v.err()
}

// SetPersistentMenu registers the persistent menu. It fails while rich
// menus exist; adding a rich menu deletes it.
func (c *Client) SetPersistentMenu(ctx context.Context, actions ...Action) (*Result, error) {
	if err := validatePersistentMenu(actions); err != nil {
		return nil, err
	}
	return c.result(ctx, "Client.SetPersistentMenu", http.MethodPost, c.botPath("persistentmenu"), PersistentMenu{Actions: actions})
}

// PersistentMenu returns the registered persistent menu.
func (c *Client) PersistentMenu(ctx context.Context) (*PersistentMenu, error) {
	var m PersistentMenu
	meta, err := c.call(ctx, "Client.PersistentMenu", http.MethodGet, c.botPath("persistentmenu"), nil, &m, true)
	if err != nil {
		return nil, err
	}
	m.Meta = meta
	return &m, nil
}

// DeletePersistentMenu removes the persistent menu.
func (c *Client) DeletePersistentMenu(ctx context.Context) (*Result, error) {
	return c.result(ctx, "Client.DeletePersistentMenu", http.MethodDelete, c.botPath("persistentmenu"), nil)
}

// RichMenuSize is a rich menu's size: 2500×1686 or 2500×843.
type RichMenuSize struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Rich menu sizes NAVER WORKS accepts.
var (
	RichMenuLarge = RichMenuSize{Width: 2500, Height: 1686}
	RichMenuSmall = RichMenuSize{Width: 2500, Height: 843}
)

// Bounds is a tappable area of a rich menu, in image pixels.
type Bounds struct {
	X      int `json:"x"`
	Y      int `json:"y"`
	Width  int `json:"width"`
	Height int `json:"height"`
}

// RichMenuArea is one tappable area and its action (postback, message,
// uri or copy).
type RichMenuArea struct {
	Bounds Bounds `json:"bounds"`
	Action Action `json:"action"`
}

// UnmarshalJSON decodes the action union.
func (a *RichMenuArea) UnmarshalJSON(b []byte) error {
	var w struct {
		Bounds Bounds          `json:"bounds"`
		Action json.RawMessage `json:"action"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	act, err := decodeAction(w.Action)
	if err != nil {
		return err
	}
	a.Bounds, a.Action = w.Bounds, act
	return nil
}

// RichMenu is a bot rich menu. RichMenuID is set by the server.
type RichMenu struct {
	RichMenuID   string         `json:"richmenuId,omitempty"`
	RichMenuName string         `json:"richmenuName"`
	Size         RichMenuSize   `json:"size"`
	Areas        []RichMenuArea `json:"areas"`
	Meta         Meta           `json:"-"`
}

func (m *RichMenu) validate() error {
	var v validator
	v.required("richmenuName", m.RichMenuName)
	v.maxLen("richmenuName", m.RichMenuName, limits.richMenuName)
	if m.Size != RichMenuLarge && m.Size != RichMenuSmall {
		v.add("size", "must be 2500x1686 or 2500x843")
	}
	if len(m.Areas) == 0 || len(m.Areas) > limits.richMenuAreas {
		v.add("areas", "need 1 to %d areas, got %d", limits.richMenuAreas, len(m.Areas))
	}
	for i, a := range m.Areas {
		p := "areas[" + strconv.Itoa(i) + "]"
		b := a.Bounds
		if b.X < 0 || b.Y < 0 || b.Width <= 0 || b.Height <= 0 || b.X+b.Width > m.Size.Width || b.Y+b.Height > m.Size.Height {
			v.add(p+".bounds", "outside the menu")
		}
		v.action(p+".action", a.Action, inRichMenu)
	}
	return v.err()
}

// CreateRichMenu registers a rich menu and returns it with its ID. Set its
// image with [Client.SetRichMenuImage] and show it with
// [Client.SetUserRichMenu].
func (c *Client) CreateRichMenu(ctx context.Context, m RichMenu) (*RichMenu, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	m.RichMenuID = ""
	out := m
	meta, err := c.call(ctx, "Client.CreateRichMenu", http.MethodPost, c.botPath("richmenus"), &m, &out, false)
	if err != nil {
		return nil, err
	}
	if out.RichMenuID == "" {
		return nil, errors.New("naverworks: create rich menu: no richmenuId in the response")
	}
	out.Meta = meta
	return &out, nil
}

// SetRichMenuImage sets the image of a rich menu to an uploaded attachment
// (JPEG or PNG, 2500×1686 or 2500×843, at most 1 MB).
func (c *Client) SetRichMenuImage(ctx context.Context, richMenuID, fileID string) (*Result, error) {
	const fn = "Client.SetRichMenuImage"
	switch {
	case richMenuID == "":
		return nil, argError(fn, "richMenuID", "empty")
	case fileID == "":
		return nil, argError(fn, "fileID", "empty")
	}
	return c.result(ctx, fn, http.MethodPost, c.botPath("richmenus", richMenuID, "image"), map[string]string{"fileId": fileID})
}

// SetUserRichMenu shows a rich menu to one user (it beats the default).
func (c *Client) SetUserRichMenu(ctx context.Context, richMenuID, userID string) (*Result, error) {
	const fn = "Client.SetUserRichMenu"
	switch {
	case richMenuID == "":
		return nil, argError(fn, "richMenuID", "empty")
	case userID == "":
		return nil, argError(fn, "userID", "empty")
	}
	return c.result(ctx, fn, http.MethodPost, c.botPath("richmenus", richMenuID, "users", userID), nil)
}

// DeleteRichMenu deletes a rich menu.
func (c *Client) DeleteRichMenu(ctx context.Context, richMenuID string) (*Result, error) {
	if richMenuID == "" {
		return nil, argError("Client.DeleteRichMenu", "richMenuID", "empty")
	}
	return c.result(ctx, "Client.DeleteRichMenu", http.MethodDelete, c.botPath("richmenus", richMenuID), nil)
}

// RichMenus is one page of the bot's rich menus.
type RichMenus struct {
	RichMenus  []RichMenu
	NextCursor string
	Meta       Meta
}

// RichMenus lists the bot's rich menus, count per page (0 means the
// server's default of 50; at most 100). Pass "" as cursor for the first
// page, then RichMenus.NextCursor.
func (c *Client) RichMenus(ctx context.Context, cursor string, count int) (*RichMenus, error) {
	if count < 0 || count > 100 {
		return nil, argError("Client.RichMenus", "count", "must be between 0 and 100")
	}
	q := url.Values{}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if count > 0 {
		q.Set("count", strconv.Itoa(count))
	}
	path := c.botPath("richmenus")
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out struct {
		RichMenus    []RichMenu   `json:"richmenus"`
		ResponseMeta responseMeta `json:"responseMetaData"`
	}
	meta, err := c.call(ctx, "Client.RichMenus", http.MethodGet, path, nil, &out, true)
	if err != nil {
		return nil, err
	}
	return &RichMenus{RichMenus: out.RichMenus, NextCursor: out.ResponseMeta.NextCursor, Meta: meta}, nil
}
