package talktalk

import (
	"bytes"
	"encoding/json"
	"testing"
)

func fastCases(s string) []Event {
	yes, no := true, false
	return []Event{
		&SendEvent{User: s, Content: Content{Text: &TextContent{Text: s}}},
		&SendEvent{User: "u", Partner: s, Standby: true, Content: Content{Text: &TextContent{Text: s, Code: s, InputType: s, QuickReply: &QuickReply{ButtonList: ButtonList{
			&TextButton{Title: s, Code: s}, &TextButton{Title: s}, &LinkButton{Title: s, URL: s, MobileURL: s, MobileTarget: s}, &LinkButton{},
		}}}}, Options: SendOptions{Notification: true, Mobile: &no, NoReflectBot: &yes}},
		&SendEvent{Content: Content{Image: &ImageContent{ImageURL: s, ImageID: s, Width: FlexString(s), Height: "1", QuickReply: &QuickReply{ButtonList: ButtonList{}}}}},
		&SendEvent{Content: Content{Image: &ImageContent{ImageID: "x"}}, Options: SendOptions{Mobile: &yes}},
		&SendEvent{Content: Content{Text: &TextContent{Text: s}, Image: &ImageContent{}}},
		&SendEvent{Content: Content{Text: &TextContent{}}},
		&SendEvent{Content: Content{Text: &TextContent{InputType: s, QuickReply: &QuickReply{ButtonList: ButtonList{&TextButton{Title: s}}}}}},
		&SendEvent{Content: Content{Text: &TextContent{QuickReply: &QuickReply{ButtonList: ButtonList{&LinkButton{Title: s, URL: s}}}}}},
		&SendEvent{Content: Content{Image: &ImageContent{QuickReply: &QuickReply{ButtonList: ButtonList{}}}}},
		&SendEvent{},
		&ActionEvent{User: s, Options: ActionOptions{Action: s}},
		&ActionEvent{},
	}
}

func checkFast(t *testing.T, s string) {
	t.Helper()
	for i, ev := range fastCases(s) {
		fast, ok := appendFast(nil, ev)
		if !ok {
			t.Fatalf("case %d not handled by the fast encoder", i)
		}
		want, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast, want) {
			t.Fatalf("case %d (%q):\nfast %s\njson %s", i, s, fast, want)
		}
	}
}

func TestFastEncoding(t *testing.T) {
	for _, s := range []string{"", "hello", "안녕 👋🏽", "<a href=\"x\">&amp;</a>", "tab\tnl\nnul\x00bell\x07\x1f", "back\\slash", "\u2028\u2029", "bad \xff\xfe utf8 \xe2\x82", "\b\f\r", "\x7f"} {
		checkFast(t, s)
	}
	// What the fast path does not cover falls back.
	for _, ev := range []Event{
		&SendEvent{Content: Content{Composite: &CompositeContent{}}},
		&SendEvent{MessageID: "1", Content: Content{Text: &TextContent{Text: "x"}}},
		&SendEvent{Content: Content{Text: &TextContent{Text: "x", QuickReply: &QuickReply{ButtonList: ButtonList{&PayButton{PayKey: "k"}}}}}},
		&SendEvent{Content: Content{Text: &TextContent{Text: "x", QuickReply: &QuickReply{}}}},
		&HandoverEvent{},
	} {
		if _, ok := appendFast(nil, ev); ok {
			t.Errorf("%#v took the fast path", ev)
		}
		fast, err := encodeEvent(ev)
		want, err2 := json.Marshal(ev)
		if err != nil || err2 != nil || !bytes.Equal(fast, want) {
			t.Errorf("encodeEvent = %s, %v; json.Marshal = %s, %v", fast, err, want, err2)
		}
	}
}

func FuzzFastEncoding(f *testing.F) {
	f.Add("hello")
	f.Add("<&>\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) { checkFast(t, s) })
}

// BenchmarkEncodeEvent measures the hand-written encoder on the events a
// bot sends most.
func BenchmarkEncodeEvent(b *testing.B) {
	events := map[string]Event{
		"text_quick_reply": &SendEvent{User: "al-2eGuGr5WQOnco1_V-FQ", Content: Content{Text: &TextContent{Text: "무엇을 도와드릴까요? 아래에서 골라 주세요.", QuickReply: &QuickReply{ButtonList: ButtonList{
			&TextButton{Title: "주문", Code: "order"}, &TextButton{Title: "배송 조회", Code: "track"}, &LinkButton{Title: "홈페이지", URL: "https://example.com", MobileURL: "https://m.example.com"},
		}}}}},
		"image_id": &SendEvent{User: "al-2eGuGr5WQOnco1_V-FQ", Content: Content{Image: &ImageContent{ImageID: "i6pNFk6q9uXyhYKOe2nLAg"}}, Options: SendOptions{Notification: true}},
	}
	for name, ev := range events {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := encodeEvent(ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
