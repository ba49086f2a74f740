package naverworks

import (
	"context"
	"errors"
	"net/http"
)

// DefaultRichMenu is the rich menu every user of the bot sees unless one
// was set for them ([Client.SetUserRichMenu] beats it). Note the wire
// spelling defaultRichmenuId.
type DefaultRichMenu struct {
	BotID      string `json:"botId,omitempty"`
	RichMenuID string `json:"defaultRichmenuId"`
	Meta       Meta   `json:"-"`
}

// SetDefaultRichMenu makes a rich menu the bot's default
// (POST /bots/{botId}/richmenus/{richmenuId}/set-default, answered 201
// with the bot and the menu).
func (c *Client) SetDefaultRichMenu(ctx context.Context, richMenuID string) (*Result, error) {
	if richMenuID == "" {
		return nil, argError("Client.SetDefaultRichMenu", "richMenuID", "empty")
	}
	return c.result(ctx, "Client.SetDefaultRichMenu", http.MethodPost, c.botPath("richmenus", richMenuID, "set-default"), nil)
}

// DefaultRichMenu returns the bot's default rich menu
// (GET /bots/{botId}/richmenus/default). A bot without one gets an
// [*APIError] (404).
func (c *Client) DefaultRichMenu(ctx context.Context) (*DefaultRichMenu, error) {
	var out DefaultRichMenu
	meta, err := c.call(ctx, "Client.DefaultRichMenu", http.MethodGet, c.botPath("richmenus", "default"), nil, &out, true)
	if err != nil {
		return nil, err
	}
	if out.RichMenuID == "" {
		return nil, errors.New("naverworks: default rich menu: no defaultRichmenuId in the response")
	}
	out.Meta = meta
	return &out, nil
}

// DeleteDefaultRichMenu removes the bot's default rich menu (the menu
// itself stays) with DELETE /bots/{botId}/richmenus/default. UNCONFIRMED:
// several client libraries call it, but no official reference page was
// found for it.
func (c *Client) DeleteDefaultRichMenu(ctx context.Context) (*Result, error) {
	return c.result(ctx, "Client.DeleteDefaultRichMenu", http.MethodDelete, c.botPath("richmenus", "default"), nil)
}
