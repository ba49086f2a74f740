package talktalk_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
	"github.com/channelkit/channelkit/talktalk"
)

func TestRenderConformance(t *testing.T) {
	t.Parallel()
	messagetest.TestRenderer(t, talktalk.Capabilities, func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
		evs, rep, err := talktalk.Render(c, o)
		out := make([]any, len(evs))
		for i, e := range evs {
			out[i] = e
		}
		return out, rep, err
	}, messagetest.WithValidator(func(out []any) error {
		for _, e := range out {
			if err := talktalk.Validate(e.(*talktalk.SendEvent)); err != nil {
				return err
			}
		}
		return nil
	}))
}

func TestToIncoming(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		body        string
		wantKind    message.Kind
		wantOK      bool
		wantContent message.Content
		wantData    string
	}{
		{"typed text", `{"event":"send","user":"u","textContent":{"text":"안녕","inputType":"typing"}}`, message.KindMessage, true, &message.Text{Text: "안녕"}, ""},
		{"button press", `{"event":"send","user":"u","textContent":{"text":"주문","code":"order=1","inputType":"button"}}`, message.KindPostback, true, nil, "order=1"},
		{"time pick", `{"event":"send","user":"u","textContent":{"text":"14:00","code":"t","inputType":"time"}}`, message.KindMessage, true, &message.Text{Text: "14:00"}, "t"},
		{"calendar pick", `{"event":"send","user":"u","textContent":{"text":"20180320","code":"d","inputType":"calendar"}}`, message.KindMessage, true, &message.Text{Text: "20180320"}, "d"},
		{"image", `{"event":"send","user":"u","imageContent":{"imageUrl":"https://talk.pstatic.net/a.jpg"}}`, message.KindMessage, true, &message.Image{URL: "https://talk.pstatic.net/a.jpg"}, ""},
		{"standby", `{"standby":true,"event":"send","user":"u","textContent":{"text":"hi"}}`, message.KindMessage, false, &message.Text{Text: "hi"}, ""},
		{"composite", `{"event":"send","user":"u","compositeContent":{"compositeList":[{"title":"t","description":"d"}]}}`, message.KindMessage, true,
			&message.Unknown{Platform: message.TalkTalk, Kind: "compositeContent", Raw: []byte(`{"compositeList":[{"title":"t","description":"d"}]}`)}, ""},
		{"send without content", `{"event":"send","user":"u"}`, message.KindOther, true, nil, ""},
		{"echo", `{"event":"echo","user":"u","textContent":{"text":"hi"}}`, message.KindOther, false, nil, ""},
		{"open", `{"event":"open","user":"u","options":{"under14":false}}`, message.KindFollow, true, nil, ""},
		{"friend on", `{"event":"friend","user":"u","options":{"set":"on"}}`, message.KindFollow, true, nil, ""},
		{"friend off", `{"event":"friend","user":"u","options":{"set":"off"}}`, message.KindUnfollow, true, nil, ""},
		{"leave", `{"event":"leave","user":"u"}`, message.KindUnfollow, true, nil, ""},
		{"handover", `{"event":"handover","user":"u","options":{"control":"passThread"}}`, message.KindOther, true, nil, ""},
		{"pay_complete", `{"event":"pay_complete","user":"u","options":{"paymentResult":{"code":"Success"}}}`, message.KindOther, true, nil, ""},
		{"action (outbound only)", `{"event":"action","user":"u","options":{"action":"typingOn"}}`, message.KindOther, false, nil, ""},
		{"unknown", `{"event":"reaction","user":"u"}`, message.KindOther, true, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := talktalk.Decode([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			in, ok := talktalk.ToIncoming(ev)
			messagetest.CheckIncoming(t, in)
			if ok != tt.wantOK || in.Kind != tt.wantKind || in.Data != tt.wantData || in.UserID != "u" || in.ConversationID != "u" || in.Platform != message.TalkTalk {
				t.Errorf("got kind=%s ok=%v data=%q user=%q conv=%q", in.Kind, ok, in.Data, in.UserID, in.ConversationID)
			}
			if diff := cmp.Diff(tt.wantContent, in.Content); diff != "" {
				t.Errorf("content (-want +got):\n%s", diff)
			}
			if in.Standby != (tt.name == "standby") {
				t.Errorf("Standby = %v", in.Standby)
			}
			if in.Raw != ev {
				t.Error("Raw is not the event")
			}
		})
	}
}

func TestRenderUnknownOwnContent(t *testing.T) {
	t.Parallel()
	// What ToIncoming makes of a composite renders back to the same wire.
	ev, _ := talktalk.Decode([]byte(`{"event":"send","user":"u","compositeContent":{"compositeList":[{"title":"t","description":"d"}]}}`))
	in, _ := talktalk.ToIncoming(ev)
	evs, rep, err := talktalk.Render(in.Content, message.RenderOptions{Strict: true})
	if err != nil || !rep.Lossless() {
		t.Fatalf("Render: %v %s", err, rep)
	}
	if diff := cmp.Diff(ev.(*talktalk.SendEvent).Composite, evs[0].Composite); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRenderReports(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   message.Content
		want []message.Loss
	}{
		{"share dropped, display text dropped", &message.Card{Title: "t", Buttons: []message.Button{
			{Label: "Share", Action: &message.ShareAction{}},
			{Label: "Buy", Action: &message.Postback{Data: "buy", DisplayText: "I'll buy"}},
		}}, []message.Loss{
			{Path: "Buttons[0]", Reason: message.Dropped, Detail: "TalkTalk has no share button"},
			{Path: "Buttons[1].Action.DisplayText", Reason: message.Dropped, Detail: "TalkTalk shows the button title as the user's message"},
		}},
		{"image-only card keeps the image", &message.Card{Image: &message.Image{URL: "https://x/a.png"}, Buttons: []message.Button{{Label: "b", Action: &message.Postback{Data: "d"}}}}, []message.Loss{
			{Path: "Buttons", Reason: message.Dropped, Detail: "a TalkTalk composite needs a title or text for its buttons"},
		}},
		{"sticker", &message.Sticker{StickerID: "1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rep, err := talktalk.Render(tt.in, message.RenderOptions{})
			if tt.name == "sticker" {
				if !errors.Is(err, talktalk.ErrUnsupportedContent) || !errors.Is(err, errors.ErrUnsupported) {
					t.Errorf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rep.Losses); diff != "" {
				t.Errorf("losses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderAdversarial(t *testing.T) {
	t.Parallel()
	card := func(b ...message.Button) *message.Card {
		return &message.Card{Title: "t", Text: "x", Buttons: b}
	}
	tests := []struct {
		name    string
		in      message.Content
		want    []message.Loss
		wantErr bool // an error wrapping ErrUnsupportedContent
	}{
		{"message label at limit", card(message.Button{Label: strings.Repeat("가", 18), Action: &message.MessageAction{Text: strings.Repeat("가", 18)}}), nil, false},
		{"message label over limit", card(message.Button{Label: strings.Repeat("가", 19), Action: &message.MessageAction{Text: strings.Repeat("가", 19)}}), []message.Loss{
			{Path: "Buttons[0].Label", Reason: message.Truncated, Detail: "limit is 18 characters"},
			{Path: "Buttons[0].Action", Reason: message.Downgraded, Detail: "TalkTalk sends the button title as the user's message; the text travels as its code"},
		}, false},
		{"postback display text equal to a cut label", card(message.Button{Label: strings.Repeat("가", 19), Action: &message.Postback{Data: "d", DisplayText: strings.Repeat("가", 19)}}), []message.Loss{
			{Path: "Buttons[0].Label", Reason: message.Truncated, Detail: "limit is 18 characters"},
			{Path: "Buttons[0].Action.DisplayText", Reason: message.Dropped, Detail: "TalkTalk shows the button title as the user's message"},
		}, false},
		{"quick reply label over limit", &message.Text{Text: "t", QuickReplies: []message.QuickReply{{Label: strings.Repeat("가", 11), Action: &message.MessageAction{Text: strings.Repeat("가", 11)}}}}, []message.Loss{
			{Path: "QuickReplies[0].Label", Reason: message.Truncated, Detail: "limit is 10 characters"},
			{Path: "QuickReplies[0].Action", Reason: message.Downgraded, Detail: "TalkTalk sends the button title as the user's message; the text travels as its code"},
		}, false},
		{"blank label", card(message.Button{Label: "  ", Action: &message.MessageAction{Text: "m"}}, message.Button{Label: "ok", Action: &message.MessageAction{Text: "ok"}}),
			[]message.Loss{{Path: "Buttons[0]", Reason: message.Dropped, Detail: "TalkTalk buttons need a title"}}, false},
		{"call without number", card(message.Button{Label: "call", Action: &message.CallAction{}}, message.Button{Label: "ok", Action: &message.MessageAction{Text: "ok"}}),
			[]message.Loss{{Path: "Buttons[0]", Reason: message.Dropped, Detail: "no phone number"}}, false},
		{"link ftp", card(message.Button{Label: "f", Action: &message.URLAction{URL: "ftp://e.com/f"}}, message.Button{Label: "ok", Action: &message.MessageAction{Text: "ok"}}),
			[]message.Loss{{Path: "Buttons[0]", Reason: message.Dropped, Detail: "TalkTalk links must be http(s) URLs"}}, false},
		{"card image without URL", &message.Card{Title: "t", Text: "x", Image: &message.Image{AltText: "alt"}},
			[]message.Loss{{Path: "Image", Reason: message.Dropped, Detail: "image without URL"}}, false},
		{"title-only card, image without URL", &message.Card{Title: "t", Image: &message.Image{PreviewURL: "https://e.com/p.png"}},
			[]message.Loss{{Path: "Image", Reason: message.Dropped, Detail: "image without URL"}}, false},
		{"carousel card quick replies", &message.Carousel{Cards: []message.Card{
			{Title: "a", Text: "b", QuickReplies: []message.QuickReply{{Label: "x", Action: &message.MessageAction{Text: "x"}}}},
			{Title: "c", Text: "d"},
		}}, []message.Loss{{Path: "Cards[0].QuickReplies", Reason: message.Dropped, Detail: "TalkTalk attaches quick replies to a whole message, not to a carousel card"}}, false},
		{"text at limit", &message.Text{Text: strings.Repeat("가", 10000)}, nil, false},
		{"text over limit", &message.Text{Text: strings.Repeat("가", 10001)},
			[]message.Loss{{Path: "Text", Reason: message.Truncated, Detail: "limit is 10000 characters"}}, false},
		{"image ftp", &message.Image{URL: "ftp://e.com/i.png"}, nil, true},
		{"card image ftp", &message.Card{Title: "t", Image: &message.Image{URL: "ftp://e.com/i.png"}}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			evs, rep, err := talktalk.Render(tt.in, message.RenderOptions{})
			if tt.wantErr {
				if !errors.Is(err, talktalk.ErrUnsupportedContent) || !errors.Is(err, errors.ErrUnsupported) {
					t.Fatalf("err = %v, want one wrapping ErrUnsupportedContent", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rep.Losses); diff != "" {
				t.Errorf("losses (-want +got):\n%s", diff)
			}
			if err := talktalk.Validate(evs[0]); err != nil {
				t.Errorf("rendered event fails validation: %v", err)
			}
			_, _, serr := talktalk.Render(tt.in, message.RenderOptions{Strict: true})
			if lossy := len(tt.want) > 0; lossy != errors.Is(serr, message.ErrLossy) {
				t.Errorf("strict err = %v; want lossy %v", serr, lossy)
			}
		})
	}
}
