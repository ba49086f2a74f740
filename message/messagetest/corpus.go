package messagetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/channelkit/channelkit/message"
)

// Case is one neutral content of the corpus.
type Case struct {
	Name string
	// New builds a fresh value each time, so the suite can check that
	// rendering leaves its input untouched.
	New func() message.Content
}

// Corpus returns the fixed corpus, sized against caps (over-limit cases go
// just past each limit).
func Corpus(caps message.Capabilities) []Case {
	p := caps.Platform
	textMax := caps.MaxTextLen
	if textMax <= 0 {
		textMax = 2000
	}
	over := func(limit, fallback int) int {
		if limit <= 0 {
			return fallback
		}
		return limit + 2
	}
	qr := func(n int) []message.QuickReply {
		out := make([]message.QuickReply, n)
		for i := range out {
			// Not zero-padded: "옵션1번" is no longer than "옵션 1", so
			// platforms that speak or join the labels see the same lengths.
			out[i] = message.QuickReply{Label: fmt.Sprintf("옵션%d번", i+1), Action: &message.MessageAction{Text: fmt.Sprintf("choice-%d.", i+1)}}
		}
		return out
	}
	buttons := func(n int) []message.Button {
		out := make([]message.Button, n)
		for i := range out {
			out[i] = message.Button{Label: fmt.Sprintf("버튼 %02d", i+1), Action: &message.Postback{Data: fmt.Sprintf("btn=%02d", i+1)}}
		}
		return out
	}
	cards := func(n int) []message.Card {
		out := make([]message.Card, n)
		for i := range out {
			out[i] = message.Card{
				Title:   fmt.Sprintf("카드 %02d", i+1),
				Text:    fmt.Sprintf("설명 %02d", i+1),
				Image:   &message.Image{URL: fmt.Sprintf("https://example.com/card-%02d.png", i+1)},
				Buttons: []message.Button{{Label: "열기", Action: &message.URLAction{URL: fmt.Sprintf("https://example.com/item/%02d", i+1)}}},
			}
		}
		return out
	}
	// No numbered value is a substring of another ("버튼 01" is not inside
	// "버튼 10"): the silent-loss check looks for each input string inside
	// the output strings, and must not find a dropped one inside another.
	longText := overLong(textMax, caps.TextUnit)
	return []Case{
		{"text", func() message.Content { return &message.Text{Text: "hello, world"} }},
		{"text_unicode", func() message.Content { return &message.Text{Text: "안녕하세요 👋🏽 emoji ✓ 日本語"} }},
		{"text_multiline", func() message.Content { return &message.Text{Text: "line one\nline two\n\nline four"} }},
		{"text_over_limit", func() message.Content { return &message.Text{Text: longText} }},
		{"text_quick_replies", func() message.Content {
			return &message.Text{Text: "pick one", QuickReplies: []message.QuickReply{
				{Label: "Yes", Action: &message.Postback{Data: "answer=yes", DisplayText: "Yes!"}},
				{Label: "No", Action: &message.MessageAction{Text: "no"}},
				{Label: "Web", Action: &message.URLAction{URL: "https://example.com/qr"}},
			}}
		}},
		{"text_too_many_quick_replies", func() message.Content {
			return &message.Text{Text: "too many choices", QuickReplies: qr(over(caps.MaxQuickReplies, 30))}
		}},
		{"image", func() message.Content {
			return &message.Image{URL: "https://example.com/a.png", PreviewURL: "https://example.com/a-small.png", AltText: "a cat"}
		}},
		{"video", func() message.Content {
			return &message.Video{URL: "https://example.com/v.mp4", PreviewURL: "https://example.com/v.png", Duration: 12 * time.Second}
		}},
		{"audio", func() message.Content {
			return &message.Audio{URL: "https://example.com/a.m4a", Duration: 3 * time.Second}
		}},
		{"file", func() message.Content {
			// Name is not a substring of URL, so dropping it is noticed.
			return &message.File{URL: "https://example.com/files/q3.pdf", Name: "3분기 보고서.pdf", Size: 1234}
		}},
		{"sticker_own", func() message.Content { return &message.Sticker{Platform: p, PackageID: "446", StickerID: "1988"} }},
		{"sticker_foreign", func() message.Content {
			return &message.Sticker{Platform: "elsewhere", PackageID: "pack-x", StickerID: "stk-y"}
		}},
		{"location", func() message.Content {
			return &message.Location{Title: "NAVER 1784", Address: "경기도 성남시 분당구 정자일로 95", Latitude: 37.3595704, Longitude: 127.105399}
		}},
		{"card_every_action", func() message.Content {
			return &message.Card{Title: "주문", Text: "what next?", Image: &message.Image{URL: "https://example.com/card.png"},
				Buttons: []message.Button{
					{Label: "Buy", Action: &message.Postback{Data: "action=buy&id=1", DisplayText: "I'll buy it"}},
					{Label: "Say hi", Action: &message.MessageAction{Text: "hi"}},
					{Label: "Site", Action: &message.URLAction{URL: "https://example.com/shop"}},
					{Label: "Call", Action: &message.CallAction{Phone: "+82-2-1588-3820"}},
					{Label: "Share", Action: &message.ShareAction{}},
				}}
		}},
		{"card_too_many_buttons", func() message.Content {
			return &message.Card{Title: "buttons", Text: "many buttons", Buttons: buttons(over(caps.MaxButtons, 12))}
		}},
		{"card_long_label", func() message.Content {
			return &message.Card{Title: "labels", Text: "a long label", Buttons: []message.Button{
				{Label: strings.Repeat("긴", over(caps.MaxButtonLabelLen, 60)), Action: &message.MessageAction{Text: "long"}},
			}}
		}},
		{"card_text_only", func() message.Content { return &message.Card{Text: "only text in a card"} }},
		{"card_label_is_its_text", func() message.Content {
			// A label over the limit that is also what the button says:
			// cutting the label must not cut the text the user sends.
			l := strings.Repeat("주문", over(caps.MaxButtonLabelLen, 40)/2+1)
			return &message.Card{Title: "orders", Text: "label is the text", Buttons: []message.Button{
				{Label: l, Action: &message.MessageAction{Text: l}},
			}}
		}},
		{"card_odd_links", func() message.Content {
			return &message.Card{Title: "links", Text: "some links no platform opens", Buttons: []message.Button{
				{Label: "ftp", Action: &message.URLAction{URL: "ftp://example.com/pub/notes.txt"}},
				{Label: "script", Action: &message.URLAction{URL: "javascript:alert(1)"}},
				{Label: "relative", Action: &message.URLAction{URL: "/relative/path"}},
				{Label: "web", Action: &message.URLAction{URL: "https://example.com/ok"}},
			}}
		}},
		{"image_plain_http", func() message.Content {
			return &message.Image{URL: "http://example.com/plain.png", AltText: "served without TLS"}
		}},
		{"card_quick_replies", func() message.Content {
			return &message.Card{Title: "with chips", Text: "card text", Buttons: buttons(1), QuickReplies: qr(2)}
		}},
		{"carousel", func() message.Content { return &message.Carousel{Cards: cards(3)} }},
		{"carousel_card_quick_replies", func() message.Content {
			c := &message.Carousel{Cards: cards(2)}
			c.Cards[1].QuickReplies = []message.QuickReply{{Label: "카드칩", Action: &message.MessageAction{Text: "card-chip"}}}
			return c
		}},
		{"carousel_too_many_cards", func() message.Content {
			return &message.Carousel{Cards: cards(over(caps.MaxCarouselCards, 12))}
		}},
		{"list", func() message.Content {
			return &message.List{Title: "메뉴", Items: []message.ListItem{
				{Title: "아메리카노", Text: "4,000원", ImageURL: "https://example.com/1.png", Action: &message.Postback{Data: "menu=1"}},
				{Title: "라떼", Text: "4,500원"},
				{Title: "Tea", Text: "3,000원", Action: &message.URLAction{URL: "https://example.com/tea"}},
			}, Buttons: []message.Button{{Label: "더보기", Action: &message.MessageAction{Text: "more"}}}}
		}},
		{"unknown_foreign", func() message.Content {
			return &message.Unknown{Platform: "elsewhere", Kind: "hologram", Raw: json.RawMessage(`{"type":"hologram"}`)}
		}},
		{"empty_text", func() message.Content { return &message.Text{} }},
		{"empty_card", func() message.Content { return &message.Card{} }},
		{"empty_carousel", func() message.Content { return &message.Carousel{} }},
	}
}

// overLong returns mixed Hangul, ASCII and emoji text that exceeds limit in
// u by a few words, whatever the unit and however large the limit.
func overLong(limit int, u message.Unit) string {
	const word = "가나다라마 hello 👋 "
	n := limit/u.Len(word) + 3
	return strings.Repeat(word, n)
}

// emptyCases may fail with any error: they are not valid content anywhere.
var emptyCases = map[string]bool{"empty_text": true, "empty_card": true, "empty_carousel": true}
