package naverworks_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
	"github.com/channelkit/channelkit/naverworks"
)

func TestRenderConformance(t *testing.T) {
	messagetest.TestRenderer(t, naverworks.Capabilities, func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
		out, rep, err := naverworks.Render(c, o)
		anys := make([]any, len(out))
		for i, m := range out {
			anys[i] = m
		}
		return anys, rep, err
	}, messagetest.WithValidator(func(out []any) error {
		for _, m := range out {
			if err := naverworks.Validate(m.(naverworks.Content)); err != nil {
				return err
			}
		}
		return nil
	}))
}

func TestRenderMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     message.Content
		want   []naverworks.Content
		losses []message.Loss
	}{
		{
			name: "text with quick replies",
			in: &message.Text{Text: "pick", QuickReplies: []message.QuickReply{
				{Label: "Yes", Action: &message.Postback{Data: "yes"}},
			}},
			want: []naverworks.Content{&naverworks.Text{Text: "pick", QuickReply: &naverworks.QuickReply{Items: []naverworks.QuickReplyItem{
				{Action: &naverworks.PostbackAction{Label: "Yes", Data: "yes", DisplayText: "Yes"}},
			}}}},
		},
		{
			name: "card without image becomes a button template, postback downgraded",
			in: &message.Card{Text: "menu", Buttons: []message.Button{
				{Label: "Buy", Action: &message.Postback{Data: "buy=1", DisplayText: "Buy it"}},
				{Label: "Share", Action: &message.ShareAction{}},
			}},
			want: []naverworks.Content{&naverworks.ButtonTemplate{ContentText: "menu", Actions: []naverworks.Action{
				&naverworks.MessageAction{Label: "Buy", Text: "Buy it", Postback: "buy=1"},
			}}},
			losses: []message.Loss{
				{Path: "Buttons[0].Action", Reason: message.Downgraded, Detail: "a button template cannot hold postback actions; sent as a message action carrying the data"},
				{Path: "Buttons[1]", Reason: message.Dropped, Detail: "NAVER WORKS has no share action"},
			},
		},
		{
			name: "card with image becomes a one-column carousel",
			in: &message.Card{Title: "T", Text: "x", Image: &message.Image{URL: "https://example.com/a.png"}, Buttons: []message.Button{
				{Label: "Go", Action: &message.Postback{Data: "go"}},
			}},
			want: []naverworks.Content{&naverworks.Carousel{Columns: []naverworks.CarouselColumn{{
				OriginalContentURL: "https://example.com/a.png", Title: "T", Text: "x",
				Actions: []naverworks.Action{&naverworks.PostbackAction{Label: "Go", Data: "go"}},
			}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rep, err := naverworks.Render(tt.in, message.RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Render (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.losses, rep.Losses); diff != "" {
				t.Errorf("losses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderStrict(t *testing.T) {
	t.Parallel()
	_, _, err := naverworks.Render(&message.Card{Text: "x", Buttons: []message.Button{{Label: "s", Action: &message.ShareAction{}}}}, message.RenderOptions{Strict: true})
	if !errors.Is(err, message.ErrLossy) {
		t.Fatalf("strict render error = %v, want ErrLossy", err)
	}
}

// TestRenderEdgeCases renders what NAVER WORKS refuses or limits: every
// output must pass Validate, and every change must be a loss at the path
// of the field that changed.
func TestRenderEdgeCases(t *testing.T) {
	t.Parallel()
	pb := func(d string) message.Action { return &message.Postback{Data: d} }
	img := &message.Image{URL: "https://example.com/a.png"}
	long := "https://example.com/" + strings.Repeat("a", 1000)
	tests := []struct {
		name   string
		in     message.Content
		want   []naverworks.Content
		losses []message.Loss
	}{
		{
			name: "card with image and no buttons is an image and a text",
			in:   &message.Card{Title: "T", Text: "x", Image: img},
			want: []naverworks.Content{
				&naverworks.Image{OriginalContentURL: img.URL, PreviewImageURL: img.URL},
				&naverworks.Text{Text: "T\nx"},
			},
			losses: []message.Loss{
				{Path: "", Reason: message.Split, Detail: "a card without buttons is sent as an image and a text"},
				{Path: "Title", Reason: message.Downgraded, Detail: "sent as the first line of the text"},
			},
		},
		{
			name: "card image over http is dropped, not refused",
			in:   &message.Card{Text: "x", Image: &message.Image{URL: "http://example.com/a.png"}, Buttons: []message.Button{{Label: "a", Action: &message.MessageAction{Text: "a"}}}},
			want: []naverworks.Content{&naverworks.ButtonTemplate{ContentText: "x", Actions: []naverworks.Action{&naverworks.MessageAction{Label: "a", Text: "a"}}}},
			losses: []message.Loss{
				{Path: "Image", Reason: message.Dropped, Detail: "NAVER WORKS needs an https image URL of at most 1000 characters"},
			},
		},
		{
			name: "javascript link dropped with its button",
			in:   &message.Card{Text: "x", Buttons: []message.Button{{Label: "a", Action: &message.URLAction{URL: "javascript:alert(1)"}}}},
			want: []naverworks.Content{&naverworks.Text{Text: "x"}},
			losses: []message.Loss{
				{Path: "Buttons[0]", Reason: message.Dropped, Detail: "NAVER WORKS links need an http(s) URL of at most 1000 characters"},
			},
		},
		{
			name: "empty link dropped with its button",
			in:   &message.Card{Text: "x", Buttons: []message.Button{{Label: "a", Action: &message.URLAction{}}, {Label: "b", Action: &message.MessageAction{Text: "b"}}}},
			want: []naverworks.Content{&naverworks.ButtonTemplate{ContentText: "x", Actions: []naverworks.Action{&naverworks.MessageAction{Label: "b", Text: "b"}}}},
			losses: []message.Loss{
				{Path: "Buttons[0]", Reason: message.Dropped, Detail: "NAVER WORKS links need an http(s) URL of at most 1000 characters"},
			},
		},
		{
			name: "downgraded postback sends the whole label, not the cut one",
			in:   &message.Card{Text: "x", Buttons: []message.Button{{Label: strings.Repeat("가", 19) + "😀", Action: pb("a")}}},
			want: []naverworks.Content{&naverworks.ButtonTemplate{ContentText: "x", Actions: []naverworks.Action{
				&naverworks.MessageAction{Label: strings.Repeat("가", 19), Text: strings.Repeat("가", 19) + "😀", Postback: "a"},
			}}},
			losses: []message.Loss{
				{Path: "Buttons[0].Label", Reason: message.Truncated, Detail: "limit is 20 UTF-16 code units"},
				{Path: "Buttons[0].Action", Reason: message.Downgraded, Detail: "a button template cannot hold postback actions; sent as a message action carrying the data"},
			},
		},
		{
			name: "quick reply postback shows the whole label",
			in:   &message.Text{Text: "x", QuickReplies: []message.QuickReply{{Label: strings.Repeat("😀", 11), Action: pb("a")}}},
			want: []naverworks.Content{&naverworks.Text{Text: "x", QuickReply: &naverworks.QuickReply{Items: []naverworks.QuickReplyItem{
				{Action: &naverworks.PostbackAction{Label: strings.Repeat("😀", 10), Data: "a", DisplayText: strings.Repeat("😀", 11)}},
			}}}},
			losses: []message.Loss{{Path: "QuickReplies[0].Label", Reason: message.Truncated, Detail: "limit is 20 UTF-16 code units"}},
		},
		{
			name:   "call without number dropped from quick replies",
			in:     &message.Text{Text: "x", QuickReplies: []message.QuickReply{{Label: "call", Action: &message.CallAction{}}}},
			want:   []naverworks.Content{&naverworks.Text{Text: "x"}},
			losses: []message.Loss{{Path: "QuickReplies[0]", Reason: message.Dropped, Detail: "a call without a phone number"}},
		},
		{
			name: "carousel column whose only link is too long keeps columns uniform",
			in: &message.Carousel{Cards: []message.Card{
				{Text: "a", Buttons: []message.Button{{Label: "a", Action: &message.URLAction{URL: long}}}},
				{Text: "b", Buttons: []message.Button{{Label: "b", Action: pb("b")}}},
			}},
			want: []naverworks.Content{&naverworks.Text{Text: "a"}, &naverworks.Text{Text: "b"}},
			losses: []message.Loss{
				{Path: "Cards", Reason: message.Downgraded, Detail: "carousel columns need at least one button each; sent as texts"},
				{Path: "Cards[0].Buttons[0]", Reason: message.Dropped, Detail: "NAVER WORKS links need an http(s) URL of at most 1000 characters"},
				{Path: "Cards[1].Buttons[0]", Reason: message.Dropped, Detail: "the card is sent as text, which has no buttons"},
			},
		},
		{
			name:   "carousel text cut to four lines",
			in:     &message.Carousel{Cards: []message.Card{{Text: "a\nb\nc\nd\ne", Buttons: []message.Button{{Label: "a", Action: pb("a")}}}}},
			want:   []naverworks.Content{&naverworks.Carousel{Columns: []naverworks.CarouselColumn{{Text: "a\nb\nc\nd", Actions: []naverworks.Action{&naverworks.PostbackAction{Label: "a", Data: "a"}}}}}},
			losses: []message.Loss{{Path: "Cards[0].Text", Reason: message.Truncated, Detail: "carousel text shows at most 4 lines here"}},
		},
		{
			name: "list item without title labels its action with its text",
			in:   &message.List{Items: []message.ListItem{{Text: "t", Action: &message.MessageAction{Text: "go"}}}},
			want: []naverworks.Content{&naverworks.ListTemplate{Elements: []naverworks.ListElement{{Title: "t", Action: &naverworks.MessageAction{Label: "t", Text: "go"}}}}},
		},
		{
			name:   "list item image over http dropped",
			in:     &message.List{Items: []message.ListItem{{Title: "t", ImageURL: "http://example.com/a.png"}}},
			want:   []naverworks.Content{&naverworks.ListTemplate{Elements: []naverworks.ListElement{{Title: "t"}}}},
			losses: []message.Loss{{Path: "Items[0].ImageURL", Reason: message.Dropped, Detail: "NAVER WORKS needs an https image URL of at most 1000 characters"}},
		},
		{
			name:   "image preview over http falls back to the image",
			in:     &message.Image{URL: img.URL, PreviewURL: "http://example.com/p.png"},
			want:   []naverworks.Content{&naverworks.Image{OriginalContentURL: img.URL, PreviewImageURL: img.URL}},
			losses: []message.Loss{{Path: "PreviewURL", Reason: message.Dropped, Detail: "NAVER WORKS needs an https preview URL of at most 1000 characters; the image is its own preview"}},
		},
		{
			name:   "location without address reports the title cut once",
			in:     &message.Location{Title: strings.Repeat("a", 101)},
			want:   []naverworks.Content{&naverworks.Location{Title: strings.Repeat("a", 100), Address: strings.Repeat("a", 100)}},
			losses: []message.Loss{{Path: "Title", Reason: message.Truncated, Detail: "limit is 100 UTF-16 code units"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, rep, err := naverworks.Render(tt.in, message.RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Render (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.losses, rep.Losses); diff != "" {
				t.Errorf("losses (-want +got):\n%s", diff)
			}
			_, _, err = naverworks.Render(tt.in, message.RenderOptions{Strict: true})
			if lossy := errors.Is(err, message.ErrLossy); lossy != (len(tt.losses) > 0) {
				t.Errorf("strict error = %v, want lossy %v", err, len(tt.losses) > 0)
			}
		})
	}
}

func TestRenderRefusesMediaNAVERWORKSRefuses(t *testing.T) {
	t.Parallel()
	long := "https://example.com/" + strings.Repeat("a", 1000)
	for _, tt := range []struct {
		name string
		in   message.Content
	}{
		{"image over http", &message.Image{URL: "http://example.com/a.png"}},
		{"audio over http", &message.Audio{URL: "http://example.com/a.m4a"}},
		{"file URL too long", &message.File{URL: long}},
		{"video URL too long", &message.Video{URL: long, PreviewURL: "https://example.com/p.png"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := naverworks.Render(tt.in, message.RenderOptions{})
			if !errors.Is(err, errors.ErrUnsupported) {
				t.Errorf("Render error = %v, want one wrapping errors.ErrUnsupported", err)
			}
		})
	}
}

func TestValidateCarouselLines(t *testing.T) {
	t.Parallel()
	act := []naverworks.Action{&naverworks.MessageAction{Label: "a", Text: "a"}}
	for _, tt := range []struct {
		name string
		col  naverworks.CarouselColumn
		ok   bool
	}{
		{"four lines without title", naverworks.CarouselColumn{Text: "a\nb\nc\nd", Actions: act}, true},
		{"five lines without title", naverworks.CarouselColumn{Text: "a\nb\nc\nd\ne", Actions: act}, false},
		{"two lines with title", naverworks.CarouselColumn{Title: "t", Text: "a\nb", Actions: act}, true},
		{"three lines with title", naverworks.CarouselColumn{Title: "t", Text: "a\nb\nc", Actions: act}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := naverworks.Validate(&naverworks.Carousel{Columns: []naverworks.CarouselColumn{tt.col}})
			if (err == nil) != tt.ok {
				t.Errorf("Validate = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "content.columns[0].text") {
				t.Errorf("error %q does not name content.columns[0].text", err)
			}
		})
	}
}
