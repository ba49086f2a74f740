package main

import (
	"fmt"
	"strings"

	"github.com/channelkit/channelkit/message"
)

// Bot is the whole bot: written once against the neutral model, it runs
// on every platform. It answers
//
//   - a greeting (follow, join, launch) with a welcome card;
//   - "menu" with a carousel, "photo" with an image, "where" with a map
//     location, "long" with a text longer than any platform allows (to show
//     splitting and truncation), "start" with the welcome card;
//   - any other text with an echo and quick replies;
//   - a button press (postback) with what was chosen;
//   - content it cannot read (a sticker, a location, ...) with a polite
//     text.
//
// It returns nil for events it does not answer.
func Bot(in message.Incoming) message.Content {
	switch in.Kind {
	case message.KindFollow, message.KindJoin:
		return welcome()
	case message.KindPostback:
		return &message.Text{Text: "You chose: " + in.Data, QuickReplies: chips()}
	case message.KindMessage:
	default:
		return nil
	}
	t, ok := in.Content.(*message.Text)
	if !ok {
		return &message.Text{Text: fmt.Sprintf("I can't read that yet (%s). Try typing \"menu\".", in.Content.Type())}
	}
	switch strings.ToLower(strings.TrimSpace(t.Text)) {
	case "start", "시작", "시작하기":
		// Kakao and CLOVA have no follow event: the welcome block or the
		// launch phrase says it.
		return welcome()
	case "where":
		return &message.Location{
			Title:     "channelkit 카페",
			Address:   "경기도 성남시 분당구 정자일로 95",
			Latitude:  37.3595704,
			Longitude: 127.105399,
		}
	case "menu":
		return menu()
	case "photo":
		return &message.Image{
			URL:        "https://example.com/channelkit/coffee.jpg",
			PreviewURL: "https://example.com/channelkit/coffee-small.jpg",
			AltText:    "a cup of coffee",
		}
	case "long":
		return &message.Text{Text: longText()}
	}
	return &message.Text{Text: "You said: " + t.Text, QuickReplies: chips()}
}

func welcome() *message.Card {
	return &message.Card{
		Title: "channelkit 카페",
		Text:  "Welcome! What would you like?",
		Image: &message.Image{URL: "https://example.com/channelkit/welcome.jpg"},
		Buttons: []message.Button{
			{Label: "Menu", Action: &message.Postback{Data: "action=menu", DisplayText: "Show me the menu"}},
			{Label: "Website", Action: &message.URLAction{URL: "https://example.com/channelkit"}},
		},
		QuickReplies: chips(),
	}
}

func menu() *message.Carousel {
	items := []struct{ name, price, id string }{
		{"아메리카노", "4,000원", "americano"},
		{"카페라떼", "4,500원", "latte"},
		{"Earl Grey", "3,500원", "tea"},
	}
	c := &message.Carousel{}
	for _, it := range items {
		c.Cards = append(c.Cards, message.Card{
			Title: it.name,
			Text:  it.price,
			Image: &message.Image{URL: "https://example.com/channelkit/" + it.id + ".jpg"},
			Buttons: []message.Button{
				{Label: "Order", Action: &message.Postback{Data: "order=" + it.id, DisplayText: "One " + it.name + ", please"}},
				{Label: "Details", Action: &message.URLAction{URL: "https://example.com/channelkit/menu/" + it.id}},
			},
		})
	}
	return c
}

func chips() []message.QuickReply {
	return []message.QuickReply{
		{Label: "Menu", Action: &message.MessageAction{Text: "menu"}},
		{Label: "Photo", Action: &message.MessageAction{Text: "photo"}},
	}
}

// longText is longer than any platform's single-message limit.
func longText() string {
	var b strings.Builder
	for i := 1; b.Len() < 21_000; i++ {
		fmt.Fprintf(&b, "%d. channelkit는 메시지를 플랫폼 한도에 맞게 나누거나 자릅니다. ", i)
	}
	return b.String()
}
