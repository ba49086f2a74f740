package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/channelkit/channelkit/message"
)

// NewBot returns the whole bot: one [message.Handler], written once
// against the neutral model, that every platform's NewBotHandler runs. It
// answers
//
//   - a greeting (follow, join, launch, or "start") with a welcome card;
//   - "menu" with a carousel, "photo" with an image, "where" with a map
//     location, "long" with a text longer than any platform allows (to
//     show splitting and truncation);
//   - "hours" with seven texts, one a day: more messages than LINE takes
//     in one reply;
//   - "slow" after slow has passed, as a bot waiting on a slow backend
//     would;
//   - any other text with an echo and quick replies;
//   - a button press (postback) with what was chosen;
//   - content it cannot read (a sticker, a location, ...) with a polite
//     text.
//
// It answers nothing else, and nothing while a human agent holds the
// conversation. How each answer reaches the user (reply token or push,
// skill response or callback, webhook response or send API) is the
// platform's Responder's business, not the bot's.
func NewBot(slow time.Duration) message.Handler {
	return message.NewRouter().
		On(message.KindFollow, reply(welcome())).
		On(message.KindJoin, reply(welcome())).
		// Kakao and CLOVA have no follow event: the welcome block or the
		// launch phrase says it.
		TextMatch(words("start", "시작", "시작하기"), reply(welcome())).
		TextMatch(words("menu"), reply(menu())).
		TextMatch(words("photo"), reply(&message.Image{
			URL:        "https://example.com/channelkit/coffee.jpg",
			PreviewURL: "https://example.com/channelkit/coffee-small.jpg",
			AltText:    "a cup of coffee",
		})).
		TextMatch(words("where"), reply(&message.Location{
			Title:     "channelkit 카페",
			Address:   "경기도 성남시 분당구 정자일로 95",
			Latitude:  37.3595704,
			Longitude: 127.105399,
		})).
		TextMatch(words("long"), reply(&message.Text{Text: longText()})).
		TextMatch(words("hours"), reply(hours()...)).
		TextMatch(words("slow"), message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			select {
			case <-time.After(slow):
			case <-ctx.Done():
				return ctx.Err()
			}
			_, err := r.Reply(ctx, &message.Text{Text: fmt.Sprintf("Sorry for the wait: that took %v.", slow)})
			return err
		})).
		On(message.KindPostback, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			_, err := r.Reply(ctx, &message.Text{Text: "You chose: " + in.Data, QuickReplies: chips()})
			return err
		})).
		On(message.KindMessage, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			var out message.Content
			if t, ok := in.Content.(*message.Text); ok {
				out = &message.Text{Text: "You said: " + t.Text, QuickReplies: chips()}
			} else {
				out = &message.Text{Text: fmt.Sprintf("I can't read that yet (%s). Try typing \"menu\".", typeOf(in.Content))}
			}
			_, err := r.Reply(ctx, out)
			return err
		}))
}

// reply returns a handler that answers with contents.
func reply(contents ...message.Content) message.Handler {
	return message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, contents...)
		return err
	})
}

// words matches a text that is one of ws, ignoring case and surrounding
// spaces.
func words(ws ...string) *regexp.Regexp {
	quoted := make([]string, len(ws))
	for i, w := range ws {
		quoted[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(`(?i)^\s*(?:` + strings.Join(quoted, "|") + `)\s*$`)
}

func typeOf(c message.Content) message.Type {
	if c == nil {
		return "nothing"
	}
	return c.Type()
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

// hours is the week's opening hours, one text a day: seven messages.
func hours() []message.Content {
	days := []string{"월 Mon 8:00–20:00", "화 Tue 8:00–20:00", "수 Wed 8:00–20:00", "목 Thu 8:00–20:00", "금 Fri 8:00–22:00", "토 Sat 10:00–22:00", "일 Sun closed"}
	out := make([]message.Content, len(days))
	for i, d := range days {
		out[i] = &message.Text{Text: d}
	}
	return out
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
