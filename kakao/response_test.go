package kakao

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

func thumb(u string) *Thumbnail { return &Thumbnail{ImageURL: u} }

// goldenResponses holds one response per output type (and the other parts
// of a response), each valid.
func goldenResponses() map[string]*Response {
	return map[string]*Response{
		"simple_text":  NewResponse(Text("간단한 텍스트 요소입니다.")),
		"simple_image": NewResponse(Image("https://t1.kakaocdn.net/openbuilder/sample/lj3JUcmrzC53YIjNDkqbWK.jpg", "보물상자입니다")),
		"text_card": NewResponse(TextCard{
			Title: "챗봇 관리자센터에 오신 것을 환영합니다 🎉", Description: "챗봇 관리자센터로 챗봇을 제작해 보세요.",
			Buttons: []Button{
				WebLinkButton("소개 보러가기", "https://chatbot.kakao.com/docs/getting-started-overview/"),
				MessageButton("뭐하세요?", "앗, 그건 비밀이에요"),
				PhoneButton("상담원 연결", "1544-4293"),
			},
			ButtonLayout: LayoutVertical,
			Forwardable:  true,
		}.Output()),
		"basic_card": NewResponse(BasicCard{
			Title: "보물상자", Description: "보물상자 안에는 뭐가 있을까",
			Thumbnail: &Thumbnail{ImageURL: "https://t1.kakaocdn.net/openbuilder/sample/lj3JUcmrzC53YIjNDkqbWK.jpg", AltText: "보물상자", Link: &Link{Web: "https://example.com/box"}},
			Profile:   &Profile{Nickname: "라이언", ImageURL: "https://example.com/ryan.png"},
			Buttons: []Button{
				{Label: "열어보기", Action: ActionMessage, MessageText: "짜잔! 우리가 찾던 보물입니다", Extra: map[string]any{"box": "open"}},
				WebLinkButton("구경하기", "https://e.kakao.com/t/hello-ryan"),
			},
		}.Output()),
		"commerce_card": NewResponse(CommerceCard{
			Title: "빈티지 목도리", Description: "따끈따끈한 겨울 신상품", Price: 10000, Currency: "won",
			Discount: 1000, DiscountRate: 10, DiscountedPrice: 9000,
			Thumbnails: []Thumbnail{{ImageURL: "https://example.com/scarf.jpg", Link: &Link{Web: "https://example.com/scarf"}}},
			Profile:    &Profile{Nickname: "보물상점", ImageURL: "https://example.com/shop.png"},
			Buttons:    []Button{WebLinkButton("구매하기", "https://example.com/buy"), PhoneButton("전화하기", "354-86-00070"), ShareButton("공유하기")},
		}.Output()),
		"list_card": NewResponse(ListCard{
			Header: ListItem{Title: "챗봇 관리자센터를 소개합니다"},
			Items: []ListItem{
				{Title: "챗봇 관리자센터", Description: "새로운 AI의 내일과 일상의 변화", ImageURL: "https://example.com/1.jpg", Link: &Link{Web: "https://example.com/1"}},
				{Title: "챗봇 관리자센터", Description: "카카오톡 채널 챗봇 만들기", ImageURL: "https://example.com/2.jpg", Action: "block", BlockID: "62654c249ac8ed78441532de", Extra: map[string]any{"key1": "value1"}},
				{Title: "Kakao i Voice Service", Description: "보이스봇 / KVS 제휴 신청하기", Action: "message", MessageText: "Kakao i Voice Service"},
			},
			Buttons: []Button{BlockButton("더보기", "62654c249ac8ed78441532de"), ShareButton("공유하기")},
		}.Output()),
		"item_card": NewResponse(ItemCard{
			Thumbnail:         &Thumbnail{ImageURL: "https://example.com/item.jpg", Width: 800, Height: 400},
			Profile:           &ItemProfile{Title: "AA Airline", ImageURL: "https://example.com/logo.png", Width: 50, Height: 50},
			ImageTitle:        &ImageTitle{Title: "DEPARTURE", Description: "ICN", ImageURL: "https://example.com/plane.png"},
			ItemList:          []Item{{Title: "Flight", Description: "KE0605"}, {Title: "Boards", Description: "8:50 AM"}},
			ItemListAlignment: "right",
			ItemListSummary:   &Item{Title: "Total", Description: "$4,032.54"},
			Title:             "Enjoy your flight", Description: "Seat 36A",
			Buttons:      []Button{BlockButton("탑승권 보기", "62654c249ac8ed78441532de"), OperatorButton("상담원 연결")},
			ButtonLayout: LayoutVertical,
		}.Output()),
		"carousel_basic_card": NewResponse(Carousel{
			Header: &CarouselHeader{Title: "커버", Description: "커버 설명", Thumbnail: thumb("https://example.com/cover.jpg")},
			Items: []CarouselCard{
				&BasicCard{Title: "보물상자", Thumbnail: thumb("https://example.com/1.jpg"), Buttons: []Button{MessageButton("열어보기", "열기")}},
				&BasicCard{Title: "보물상자2", Thumbnail: thumb("https://example.com/2.jpg"), Buttons: []Button{AddChannelButton("채널 추가")}},
			},
		}.Output()),
		"carousel_text_card": NewResponse(Carousel{Items: []CarouselCard{
			&TextCard{Title: "하나", Description: "첫 번째"},
			&TextCard{Title: "둘", Buttons: []Button{PluginButton("예약", "6392d0f3c93b7e4ab2a1c8f0")}},
		}}.Output()),
		"carousel_list_card": NewResponse(Carousel{Items: []CarouselCard{
			&ListCard{Header: ListItem{Title: "A"}, Items: []ListItem{{Title: "a1"}, {Title: "a2"}}},
			&ListCard{Header: ListItem{Title: "B"}, Items: []ListItem{{Title: "b1"}}},
		}}.Output()),
		"carousel_commerce_card": NewResponse(Carousel{Items: []CarouselCard{
			&CommerceCard{Description: "안녕하세요", Price: 10000, Currency: "won", Discount: 1000, Thumbnails: []Thumbnail{{ImageURL: "https://example.com/a.jpg"}}},
			&CommerceCard{Description: "반가워요", Price: 5900, Thumbnails: []Thumbnail{{ImageURL: "https://example.com/b.jpg"}}},
		}}.Output()),
		"carousel_item_card": NewResponse(Carousel{Items: []CarouselCard{
			&ItemCard{Head: &ItemHead{Title: "영수증"}, ItemList: []Item{{Title: "커피", Description: "4,000원"}}},
			&ItemCard{Head: &ItemHead{Title: "영수증2"}, ItemList: []Item{{Title: "빵", Description: "3,000원"}}},
		}}.Output()),
		"quick_replies_context_data": {
			Template: &Template{
				Outputs:      []Output{Text("무엇을 도와드릴까요?"), Image("https://example.com/help.png", "")},
				QuickReplies: []QuickReply{MessageQuickReply("주문", "주문할래요"), BlockQuickReply("배송", "62654c249ac8ed78441532de"), {Label: "쿠폰", Action: ReplyMessage, MessageText: "쿠폰", Extra: map[string]any{"coupon": 3}}},
			},
			Context: &ContextControl{Values: []ContextValue{{Name: "order", LifeSpan: 5, TTL: 600, Params: map[string]string{"item": "coffee"}}, {Name: "old", LifeSpan: 0}}},
			Data:    map[string]any{"msg": "HI", "name": "Ryan"},
		},
		"use_callback": {UseCallback: true, Data: map[string]any{"text": "생각하고 있는 중이에요😘 15초 정도 소요될 거 같아요 기다려 주실래요?!"}},
		"raw_output":   NewResponse(Output{Raw: json.RawMessage(`{"futureCard":{"title":"새 카드","x":1}}`)}, Text("다음")),
	}
}

func TestGoldenResponses(t *testing.T) {
	for name, resp := range goldenResponses() {
		t.Run(name, func(t *testing.T) {
			if err := resp.Validate(); err != nil {
				t.Fatalf("golden response is invalid: %v", err)
			}
			got, err := json.MarshalIndent(resp, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if string(want) != string(got) {
				t.Errorf("%s differs from golden (run with -update):\n%s", name, jsonDiff(t, want, got))
			}
			if !strings.Contains(string(got), `"version": "2.0"`) {
				t.Errorf("version not written")
			}
			// The golden decodes back to the same value and re-encodes
			// identically.
			var back Response
			if err := json.Unmarshal(want, &back); err != nil {
				t.Fatal(err)
			}
			again, _ := json.MarshalIndent(&back, "", "  ")
			if diff := jsonDiff(t, want, again); diff != "" {
				t.Errorf("decode/encode (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAppendJSON: the handler's encoder writes what json.Marshal writes,
// for every golden response and for strings encoding/json escapes.
func TestAppendJSON(t *testing.T) {
	t.Parallel()
	cases := goldenResponses()
	for i, s := range []string{"", "plain", "한글 😘", "<b>&</b>", "a\u2028b\u2029c", `"q" \ /`, "tab\tnl\n\x01\x7f", "bad \xff\xfe utf-8", "\u00e9\ufffd"} {
		cases[fmt.Sprintf("string_%d", i)] = NewResponse(Text(s), Image("https://example.com/"+s, s), Output{SimpleText: &SimpleText{Text: s}, SimpleImage: &SimpleImage{}})
	}
	cases["nil_outputs"] = &Response{Template: &Template{}}
	cases["empty"] = &Response{}
	cases["raw_spaced"] = NewResponse(Output{Raw: json.RawMessage("{ \"x\" : \"<y>\" }")})
	for name, resp := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			got, err := resp.appendJSON(nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("appendJSON:\n%s\njson.Marshal:\n%s", got, want)
			}
		})
	}
}

func TestOutputKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		json string
		want OutputKind
	}{
		{"simple_text", `{"simpleText":{"text":"a"}}`, KindSimpleText},
		{"simple_image", `{"simpleImage":{"imageUrl":"https://x/y"}}`, KindSimpleImage},
		{"text_card", `{"textCard":{"title":"a"}}`, KindTextCard},
		{"basic_card", `{"basicCard":{"thumbnail":{"imageUrl":"https://x/y"}}}`, KindBasicCard},
		{"commerce_card", `{"commerceCard":{"price":1,"thumbnails":[]}}`, KindCommerceCard},
		{"list_card", `{"listCard":{"header":{"title":"h"},"items":[]}}`, KindListCard},
		{"item_card", `{"itemCard":{"itemList":[]}}`, KindItemCard},
		{"carousel", `{"carousel":{"type":"textCard","items":[{"title":"a"}]}}`, KindCarousel},
		{"unknown_key", `{"hologram":{"x":1}}`, KindRaw},
		{"two_keys", `{"simpleText":{"text":"a"},"simpleImage":{"imageUrl":"https://x/y"}}`, KindRaw},
		{"unknown_carousel", `{"carousel":{"type":"hologramCard","items":[{"x":1}]}}`, KindRaw},
		{"null_variant", `{"simpleText":null}`, KindRaw},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var o Output
			if err := json.Unmarshal([]byte(tt.json), &o); err != nil {
				t.Fatal(err)
			}
			if got := o.Kind(); got != tt.want {
				t.Errorf("Kind = %q, want %q", got, tt.want)
			}
			out, err := json.Marshal(o)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == KindRaw && string(out) != tt.json {
				t.Errorf("raw output re-encoded as %s, want the exact input", out)
			}
			if diff := jsonDiff(t, []byte(tt.json), out); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResponseAlwaysWritesVersion(t *testing.T) {
	t.Parallel()
	for _, v := range []any{Response{}, &Response{UseCallback: true}, []Response{{}}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"version":"2.0"`) {
			t.Errorf("%T encoded without version: %s", v, b)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("가", n) }
	btns := func(n int) []Button {
		out := make([]Button, n)
		for i := range out {
			out[i] = MessageButton("버튼", "b")
		}
		return out
	}
	basic := func(mod func(*BasicCard)) *Response {
		c := BasicCard{Thumbnail: thumb("https://example.com/a.png")}
		mod(&c)
		return NewResponse(c.Output())
	}
	tests := []struct {
		name string
		resp *Response
		want []string // JSON paths
	}{
		{"empty_response", &Response{}, []string{"template"}},
		{"no_outputs", &Response{Template: &Template{}}, []string{"template.outputs"}},
		{"four_outputs", NewResponse(Text("a"), Text("b"), Text("c"), Text("d")), []string{"template.outputs"}},
		{"empty_output", NewResponse(Output{}), []string{"template.outputs[0]"}},
		{"two_kinds", NewResponse(Output{SimpleText: &SimpleText{Text: "a"}, SimpleImage: &SimpleImage{ImageURL: "https://x/y"}}), []string{"template.outputs[0]"}},
		{"text_empty", NewResponse(Text("")), []string{"template.outputs[0].simpleText.text"}},
		{"text_1000_ok", NewResponse(Text(long(1000))), nil},
		{"text_1001", NewResponse(Text(long(1001))), []string{"template.outputs[0].simpleText.text"}},
		{"image_bad_url", NewResponse(Image("ftp://x/y", long(51))), []string{"template.outputs[0].simpleImage.imageUrl", "template.outputs[0].simpleImage.altText"}},
		{"eleven_quick_replies", &Response{Template: &Template{Outputs: []Output{Text("a")}, QuickReplies: slices.Repeat([]QuickReply{MessageQuickReply("a", "a")}, 11)}}, []string{"template.quickReplies"}},
		{"quick_reply_fields", &Response{Template: &Template{Outputs: []Output{Text("a")}, QuickReplies: []QuickReply{{Label: "a", Action: ReplyBlock}, {Action: "webLink"}}}},
			[]string{"template.quickReplies[0].blockId", "template.quickReplies[1].label", "template.quickReplies[1].action"}},
		{"basic_no_thumbnail", NewResponse(BasicCard{Title: "a"}.Output()), []string{"template.outputs[0].basicCard.thumbnail"}},
		{"basic_four_buttons", basic(func(c *BasicCard) { c.Buttons = btns(4) }), []string{"template.outputs[0].basicCard.buttons"}},
		{"basic_three_horizontal", basic(func(c *BasicCard) { c.Buttons = btns(3); c.ButtonLayout = LayoutHorizontal }), []string{"template.outputs[0].basicCard.buttons"}},
		{"fixed_ratio_is_horizontal", basic(func(c *BasicCard) { c.Buttons = btns(3); c.Thumbnail.FixedRatio = true }), []string{"template.outputs[0].basicCard.buttons"}},
		{"layout_overrides_fixed_ratio", basic(func(c *BasicCard) {
			c.Buttons = btns(3)
			c.Thumbnail.FixedRatio = true
			c.ButtonLayout = LayoutVertical
		}), nil},
		{"label_15", basic(func(c *BasicCard) { c.Buttons = append(btns(3), Button{}); c.Buttons[3] = MessageButton(long(15), "x") }),
			[]string{"template.outputs[0].basicCard.buttons", "template.outputs[0].basicCard.buttons[3].label"}},
		{"label_9_side_by_side", basic(func(c *BasicCard) {
			c.ButtonLayout = LayoutHorizontal
			c.Buttons = []Button{MessageButton(long(9), "x"), MessageButton("ok", "y")}
		}), []string{"template.outputs[0].basicCard.buttons[0].label"}},
		{"button_actions", basic(func(c *BasicCard) {
			c.Buttons = []Button{{Label: "a", Action: ActionWebLink, WebLinkURL: "mailto:a@b"}, {Label: "b", Action: ActionPhone}, {Label: "c", Action: "teleport"}}
		}), []string{"template.outputs[0].basicCard.buttons[0].webLinkUrl", "template.outputs[0].basicCard.buttons[1].phoneNumber", "template.outputs[0].basicCard.buttons[2].action"}},
		{"basic_lengths", basic(func(c *BasicCard) { c.Title = long(51); c.Description = long(231) }),
			[]string{"template.outputs[0].basicCard.title", "template.outputs[0].basicCard.description"}},
		{"text_card_empty", NewResponse(TextCard{}.Output()), []string{"template.outputs[0].textCard"}},
		{"text_card_401", NewResponse(TextCard{Description: long(401)}.Output()), []string{"template.outputs[0].textCard.description"}},
		{"commerce", NewResponse(CommerceCard{Title: long(31), Description: long(41), Currency: "usd", DiscountRate: 10, Price: 1}.Output()),
			[]string{"template.outputs[0].commerceCard.title", "template.outputs[0].commerceCard.description", "template.outputs[0].commerceCard.currency",
				"template.outputs[0].commerceCard.discountedPrice", "template.outputs[0].commerceCard.thumbnails"}},
		{"list_six_items", NewResponse(ListCard{Header: ListItem{Title: "h"}, Items: slices.Repeat([]ListItem{{Title: "i"}}, 6)}.Output()), []string{"template.outputs[0].listCard.items"}},
		{"list_item_fields", NewResponse(ListCard{Items: []ListItem{{Action: "block"}}}.Output()),
			[]string{"template.outputs[0].listCard.header.title", "template.outputs[0].listCard.items[0].title", "template.outputs[0].listCard.items[0].blockId"}},
		{"item_card", NewResponse(ItemCard{Head: &ItemHead{Title: "h"}, Profile: &ItemProfile{Title: long(16)}, ItemList: []Item{{Title: long(7)}}, ItemListSummary: &Item{Title: "t", Description: long(15)}, Description: "d"}.Output()),
			[]string{"template.outputs[0].itemCard.profile", "template.outputs[0].itemCard.profile.title", "template.outputs[0].itemCard.itemList[0].title",
				"template.outputs[0].itemCard.itemList[0].description", "template.outputs[0].itemCard.itemListSummary.description", "template.outputs[0].itemCard.title"}},
		{"item_card_text_200", NewResponse(ItemCard{ItemList: []Item{{Title: "a", Description: "b"}}, Title: long(100), Description: long(101)}.Output()),
			[]string{"template.outputs[0].itemCard.description"}},
		{"carousel_empty", NewResponse(Carousel{}.Output()), []string{"template.outputs[0].carousel.items"}},
		{"carousel_eleven", NewResponse(Carousel{Items: slices.Repeat([]CarouselCard{&TextCard{Title: "a"}}, 11)}.Output()), []string{"template.outputs[0].carousel.items"}},
		{"carousel_mixed", NewResponse(Carousel{Items: []CarouselCard{&TextCard{Title: "a"}, &BasicCard{Thumbnail: thumb("https://x/y")}}}.Output()), []string{"template.outputs[0].carousel.items[1]"}},
		{"carousel_text_desc_129", NewResponse(Carousel{Items: []CarouselCard{&TextCard{Description: long(129)}}}.Output()), []string{"template.outputs[0].carousel.items[0].description"}},
		{"carousel_list_five_items", NewResponse(Carousel{Items: []CarouselCard{&ListCard{Header: ListItem{Title: "h"}, Items: slices.Repeat([]ListItem{{Title: "i"}}, 5)}}}.Output()),
			[]string{"template.outputs[0].carousel.items[0].items"}},
		{"carousel_header_on_text", NewResponse(Carousel{Header: &CarouselHeader{Title: "t", Description: "d", Thumbnail: thumb("https://x/y")}, Items: []CarouselCard{&TextCard{Title: "a"}}}.Output()),
			[]string{"template.outputs[0].carousel.header"}},
		{"carousel_item_parts", NewResponse(Carousel{Items: []CarouselCard{
			&ItemCard{Head: &ItemHead{Title: "h"}, ItemList: []Item{{Title: "a", Description: "b"}}},
			&ItemCard{ItemList: []Item{{Title: "a", Description: "b"}}},
		}}.Output()), []string{"template.outputs[0].carousel.items[1]"}},
		{"carousel_nil_cards", NewResponse(Carousel{Items: []CarouselCard{&TextCard{Title: "a"}, nil, (*TextCard)(nil)}}.Output()),
			[]string{"template.outputs[0].carousel.items[1]", "template.outputs[0].carousel.items[2]"}},
		{"context", &Response{Context: &ContextControl{Values: []ContextValue{{LifeSpan: -1}}}}, []string{"context.values[0].name", "context.values[0].lifeSpan"}},
		{"raw_not_component", NewResponse(Output{Raw: json.RawMessage(`{"a":1,"b":2}`)}), []string{"template.outputs[0]"}},
		{"data_only_ok", &Response{Data: map[string]any{"a": 1}}, nil},
		{"callback_ok", &Response{UseCallback: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.resp.Validate()
			got, ok := validationPaths(err)
			if !ok {
				t.Fatalf("Validate returned %T: %v", err, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("paths (-want +got):\n%s\n%v", diff, err)
			}
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("error does not wrap ErrInvalid")
				}
				var ve *ValidationError
				if !errors.As(err, &ve) || ve.Path != tt.want[0] {
					t.Errorf("errors.As *ValidationError = %v", ve)
				}
				if !strings.HasPrefix(err.Error(), "kakao: ") {
					t.Errorf("error %q lacks prefix", err)
				}
			}
		})
	}
}
