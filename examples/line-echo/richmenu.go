package main

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/channelkit/channelkit/line"
)

// menuAlias names the bot's rich menu, so that a restart finds it.
const menuAlias = "line-echo-main"

// richMenu is the bot's menu: two halves, each sending a postback.
func richMenu() messaging_api.RichMenuRequest {
	half := func(x int64, label, data string) messaging_api.RichMenuArea {
		return messaging_api.RichMenuArea{
			Bounds: &messaging_api.RichMenuBounds{X: x, Y: 0, Width: 1250, Height: 843},
			Action: &messaging_api.PostbackAction{Label: label, Data: data, DisplayText: label},
		}
	}
	return messaging_api.RichMenuRequest{
		Size:        &messaging_api.RichMenuSize{Width: 2500, Height: 843},
		Selected:    true,
		Name:        "line-echo main menu",
		ChatBarText: "Menu",
		Areas:       []messaging_api.RichMenuArea{half(0, "Hello", "menu=hello"), half(1250, "Help", "menu=help")},
	}
}

// menuImage draws the menu's image: two coloured halves.
func menuImage() ([]byte, error) {
	img := image.NewPaletted(image.Rect(0, 0, 2500, 843), color.Palette{color.RGBA{0x06, 0xc7, 0x55, 0xff}, color.RGBA{0x33, 0x33, 0x33, 0xff}})
	for y := range 843 {
		for x := 1250; x < 2500; x++ {
			img.SetColorIndex(x, y, 1)
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// ensureRichMenu makes the bot's rich menu the default and returns its ID.
// It is idempotent: the first start creates the menu, uploads its image
// and names it with menuAlias; every later start finds it by the alias.
func ensureRichMenu(ctx context.Context, client *line.Client) (string, error) {
	alias, err := client.GetRichMenuAlias(ctx, menuAlias)
	var apiErr *line.APIError
	switch {
	case err == nil:
		_, err = client.SetDefaultRichMenu(ctx, alias.RichMenuID)
		return alias.RichMenuID, err
	case !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound:
		return "", err
	}
	created, err := client.CreateRichMenu(ctx, richMenu())
	if err != nil {
		return "", err
	}
	id := created.RichMenuID
	img, err := menuImage()
	if err != nil {
		return "", err
	}
	if _, err := client.SetRichMenuImage(ctx, id, "image/png", img); err != nil {
		return "", err
	}
	if _, err := client.CreateRichMenuAlias(ctx, menuAlias, id); err != nil {
		return "", err
	}
	_, err = client.SetDefaultRichMenu(ctx, id)
	return id, err
}
