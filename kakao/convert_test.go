package kakao

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
)

// renderForSuite adapts Render for messagetest: each output is one element;
// the template's quick replies ride on the last element, so that the
// suite's message count stays the output count.
func renderForSuite(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
	resp, rep, err := Render(c, o)
	if err != nil {
		return nil, rep, err
	}
	// Whatever Render returns must pass the pre-send validation.
	if verr := resp.Validate(); verr != nil {
		return nil, rep, fmt.Errorf("rendered response does not validate: %w", verr)
	}
	outs := resp.Template.Outputs
	out := make([]any, len(outs))
	for i := range outs {
		out[i] = outs[i]
	}
	if qr := resp.Template.QuickReplies; len(qr) > 0 {
		out[len(out)-1] = struct {
			Output       Output       `json:"output"`
			QuickReplies []QuickReply `json:"quickReplies"`
		}{outs[len(outs)-1], qr}
	}
	return out, rep, nil
}

func TestRenderConformance(t *testing.T) {
	messagetest.TestRenderer(t, Capabilities, renderForSuite)
}

func TestRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     message.Content
		want   *Response
		losses []string
	}{
		{"text", &message.Text{Text: "안녕"}, NewResponse(Text("안녕")), nil},
		{"card_postback", &message.Card{Title: "주문", Text: "무엇을 할까요?", Image: &message.Image{URL: "https://example.com/a.png"},
			Buttons: []message.Button{{Label: "구매", Action: &message.Postback{Data: "buy=1", DisplayText: "살게요"}}}},
			NewResponse(BasicCard{Title: "주문", Description: "무엇을 할까요?", Thumbnail: thumb("https://example.com/a.png"),
				Buttons: []Button{{Label: "구매", Action: ActionMessage, MessageText: "살게요", Extra: map[string]any{PostbackKey: "buy=1"}}}}.Output()),
			nil},
		{"text_card", &message.Card{Text: "only", Buttons: []message.Button{{Label: "전화", Action: &message.CallAction{Phone: "1588-0000"}}}},
			NewResponse(TextCard{Description: "only", Buttons: []Button{PhoneButton("전화", "1588-0000")}}.Output()), nil},
		{"quick_replies", &message.Text{Text: "골라요", QuickReplies: []message.QuickReply{
			{Label: "예", Action: &message.MessageAction{Text: "yes"}},
			{Label: "웹", Action: &message.URLAction{URL: "https://example.com"}},
			{Label: "P", Action: &message.Postback{Data: "d"}, ImageURL: "https://example.com/i.png"},
		}}, &Response{Template: &Template{Outputs: []Output{Text("골라요")}, QuickReplies: []QuickReply{
			MessageQuickReply("예", "yes"),
			{Label: "P", Action: ReplyMessage, MessageText: "P", Extra: map[string]any{PostbackKey: "d"}},
		}}}, []string{"QuickReplies[1]", "QuickReplies[2].ImageURL"}},
		{"long_text_split", &message.Text{Text: strings.Repeat("가", 2500)},
			NewResponse(Text(strings.Repeat("가", 1000)), Text(strings.Repeat("가", 1000)), Text(strings.Repeat("가", 500))), []string{"Text"}},
		{"carousel_mixed_images", &message.Carousel{Cards: []message.Card{{Title: "a", Image: &message.Image{URL: "https://x/a"}}, {Title: "b"}}},
			NewResponse(Carousel{Items: []CarouselCard{&TextCard{Title: "a"}, &TextCard{Title: "b"}}}.Output()), []string{"Cards[0].Image"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, rep, err := Render(tt.in, message.RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Render (-want +got):\n%s", diff)
			}
			var paths []string
			for _, l := range rep.Losses {
				paths = append(paths, l.Path)
			}
			if diff := cmp.Diff(tt.losses, paths); diff != "" {
				t.Errorf("losses (-want +got):\n%s", diff)
			}
			_, _, serr := Render(tt.in, message.RenderOptions{Strict: true})
			if (serr != nil) != (len(tt.losses) > 0) {
				t.Errorf("strict error %v with losses %v", serr, tt.losses)
			}
		})
	}
}

func TestRenderUnsupported(t *testing.T) {
	t.Parallel()
	for _, c := range []message.Content{
		&message.Sticker{Platform: message.Kakao, PackageID: "1", StickerID: "2"},
		&message.Unknown{Platform: message.LINE, Raw: json.RawMessage(`{"type":"flex"}`)},
	} {
		if _, _, err := Render(c, message.RenderOptions{}); !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("%T: error %v, want ErrUnsupported", c, err)
		}
	}
	resp, _, err := Render(&message.Unknown{Platform: message.Kakao, Raw: json.RawMessage(`{"itemCard":{"itemList":[{"title":"a","description":"b"}]}}`)}, message.RenderOptions{Strict: true})
	if err != nil || resp.Template.Outputs[0].Kind() != KindRaw {
		t.Errorf("own raw content: %v, %+v", err, resp)
	}
}

func TestToIncoming(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	msg, _ := Decode(readWebhook(t, "text_input.json"))
	pb, _ := Decode(readWebhook(t, "button_postback.json"))
	tests := []struct {
		name string
		req  *Request
		want message.Incoming
	}{
		{"message", msg, message.Incoming{Platform: message.Kakao, Kind: message.KindMessage,
			ConversationID: msg.UserRequest.User.ID, UserID: msg.UserRequest.User.ID,
			Content: &message.Text{Text: "주문 내역 보여줘"}, ReceivedAt: now, Raw: msg}},
		{"postback", pb, message.Incoming{Platform: message.Kakao, Kind: message.KindPostback,
			ConversationID: "c0ffee00", UserID: "c0ffee00", Data: "product=A-100", ReceivedAt: now, Raw: pb}},
		{"empty", &Request{}, message.Incoming{Platform: message.Kakao, Kind: message.KindOther, ReceivedAt: now, Raw: &Request{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := toIncoming(tt.req, now)
			if !ok {
				t.Fatal("not ok")
			}
			messagetest.CheckIncoming(t, got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, ok := ToIncoming(nil); ok {
		t.Error("ToIncoming(nil) ok")
	}
}

// A postback rendered by Render comes back as the same postback data when
// the user presses the button.
func TestPostbackRoundTrip(t *testing.T) {
	t.Parallel()
	resp, _, err := Render(&message.Card{Title: "t", Buttons: []message.Button{{Label: "go", Action: &message.Postback{Data: "step=2"}}}}, message.RenderOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	b := resp.Template.Outputs[0].TextCard.Buttons[0]
	req := &Request{UserRequest: UserRequest{Utterance: b.MessageText}, Action: Action{ClientExtra: b.Extra}}
	in, _ := ToIncoming(req)
	if in.Kind != message.KindPostback || in.Data != "step=2" {
		t.Errorf("incoming %+v", in)
	}
}

func TestRenderTypedNil(t *testing.T) {
	t.Parallel()
	for _, c := range []message.Content{(*message.Text)(nil), (*message.Card)(nil), (*message.Carousel)(nil)} {
		if _, _, err := Render(c, message.RenderOptions{}); err == nil {
			t.Errorf("%T(nil) rendered", c)
		}
	}
}

func TestRenderAdversarial(t *testing.T) {
	t.Parallel()
	card := func(b ...message.Button) *message.Card {
		return &message.Card{Title: "t", Text: "x", Buttons: b}
	}
	ok := message.Button{Label: "ok", Action: &message.MessageAction{Text: "ok"}}
	tests := []struct {
		name    string
		in      message.Content
		want    []message.Loss
		wantErr bool // an error wrapping errors.ErrUnsupported
	}{
		{"label at limit", card(message.Button{Label: strings.Repeat("가", 14), Action: &message.MessageAction{Text: "m"}}), nil, false},
		{"label over limit", card(message.Button{Label: strings.Repeat("가", 15), Action: &message.MessageAction{Text: "m"}}),
			[]message.Loss{{Path: "Buttons[0].Label", Reason: message.Truncated, Detail: "limit is 14 characters"}}, false},
		{"three buttons", card(ok, ok, ok), nil, false},
		{"four buttons", card(ok, ok, ok, ok),
			[]message.Loss{{Path: "Buttons[3]", Reason: message.Dropped, Detail: "a card holds at most 3 buttons"}}, false},
		{"button link ftp", card(message.Button{Label: "f", Action: &message.URLAction{URL: "ftp://e.com/f"}}, ok),
			[]message.Loss{{Path: "Buttons[0]", Reason: message.Dropped, Detail: "action Kakao buttons cannot perform"}}, false},
		{"list item link javascript", &message.List{Title: "L", Items: []message.ListItem{{Title: "a", Action: &message.URLAction{URL: "javascript:alert(1)"}}}},
			[]message.Loss{{Path: "Items[0].Action", Reason: message.Dropped, Detail: "links must be http or https URLs"}}, false},
		{"card image ftp", &message.Card{Title: "t", Image: &message.Image{URL: "ftp://e.com/i.png"}},
			[]message.Loss{{Path: "Image", Reason: message.Dropped, Detail: "card images need an http or https URL"}}, false},
		{"carousel card image without URL", &message.Carousel{Cards: []message.Card{
			{Title: "a", Image: &message.Image{AltText: "alt"}}, {Title: "b", Image: &message.Image{URL: "https://e.com/b.png"}},
		}}, []message.Loss{
			{Path: "Cards[0].Image", Reason: message.Dropped, Detail: "card images need an http or https URL"},
			{Path: "Cards[1].Image", Reason: message.Dropped, Detail: "a carousel shows images on all cards or on none"},
		}, false},
		{"carousel card quick replies", &message.Carousel{Cards: []message.Card{
			{Title: "a", Text: "b", QuickReplies: []message.QuickReply{{Label: "x", Action: &message.MessageAction{Text: "x"}}}},
			{Title: "c", Text: "d"},
		}}, []message.Loss{{Path: "Cards[0].QuickReplies", Reason: message.Dropped, Detail: "Kakao attaches quick replies to a whole response, not to a carousel card"}}, false},
		{"video preview without URL", &message.Video{PreviewURL: "https://e.com/p.png"}, []message.Loss{
			{Path: "PreviewURL", Reason: message.Dropped, Detail: "a video without a URL is sent as text"},
			{Path: "", Reason: message.Downgraded, Detail: "Kakao has no video output: sent as a card linking to the video"},
		}, false},
		{"text at limit", &message.Text{Text: strings.Repeat("가", 1000)}, nil, false},
		{"image ftp", &message.Image{URL: "ftp://e.com/i.png"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, rep, err := Render(tt.in, message.RenderOptions{})
			if tt.wantErr {
				if !errors.Is(err, errors.ErrUnsupported) {
					t.Fatalf("err = %v, want one wrapping errors.ErrUnsupported", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rep.Losses); diff != "" {
				t.Errorf("losses (-want +got):\n%s", diff)
			}
			if err := resp.Validate(); err != nil {
				t.Errorf("rendered response fails validation: %v", err)
			}
			_, _, serr := Render(tt.in, message.RenderOptions{Strict: true})
			if lossy := len(tt.want) > 0; lossy != errors.Is(serr, message.ErrLossy) {
				t.Errorf("strict err = %v; want lossy %v", serr, lossy)
			}
		})
	}
}

// TestCapabilitiesMatchLimits ties Capabilities to the limits table (spec
// kakao.md §4), so that one cannot change without the other.
func TestCapabilitiesMatchLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		got, want int
	}{
		{"MaxTextLen", Capabilities.MaxTextLen, MaxSimpleTextLen},
		{"MaxMessagesPerReply", Capabilities.MaxMessagesPerReply, MaxOutputs},
		{"MaxQuickReplies", Capabilities.MaxQuickReplies, MaxQuickReplies},
		{"MaxButtons", Capabilities.MaxButtons, MaxButtons},
		{"MaxButtonLabelLen", Capabilities.MaxButtonLabelLen, MaxButtonLabel},
		{"MaxCardTitleLen", Capabilities.MaxCardTitleLen, MaxTitleLen},
		{"MaxCarouselCards", Capabilities.MaxCarouselCards, MaxCarouselCards},
		{"MaxListItems", Capabilities.MaxListItems, MaxListItems},
		// Spec values, so that a typo in the table fails too.
		{"spec outputs", MaxOutputs, 3},
		{"spec quick replies", MaxQuickReplies, 10},
		{"spec simpleText", MaxSimpleTextLen, 1000},
		{"spec altText", MaxAltTextLen, 50},
		{"spec title", MaxTitleLen, 50},
		{"spec textCard description", MaxTextCardDesc, 400},
		{"spec carousel textCard description", MaxCarouselDesc, 128},
		{"spec basicCard description", MaxBasicCardDesc, 230},
		{"spec listCard items", MaxListItems, 5},
		{"spec buttons", MaxButtons, 3},
		{"spec horizontal buttons", MaxButtonsH, 2},
		{"spec label", MaxButtonLabel, 14},
		{"spec horizontal label", MaxButtonLabelH, 8},
		{"spec carousel", MaxCarouselCards, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %d, want %d", tt.got, tt.want)
			}
		})
	}
	if Capabilities.TextUnit != message.Runes {
		t.Errorf("TextUnit = %v, want characters", Capabilities.TextUnit)
	}
}
