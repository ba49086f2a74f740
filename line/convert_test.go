package line_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
)

func TestRenderConformance(t *testing.T) {
	t.Parallel()
	messagetest.TestRenderer(t, line.Capabilities, func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
		msgs, rep, err := line.Render(c, o)
		if err != nil {
			return nil, rep, err
		}
		// What is sent is the encoding the client makes: check it too.
		enc, err := line.EncodeMessages(msgs)
		if err != nil {
			t.Errorf("rendered messages do not pass validation: %v", err)
			return nil, rep, err
		}
		out := make([]any, len(enc))
		for i, m := range enc {
			out[i] = m
		}
		return out, rep, nil
	})
}

func TestRenderLosses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   message.Content
		want []message.Loss
		msgs int
	}{
		{"share button dropped", &message.Card{Title: "t", Buttons: []message.Button{
			{Label: "ok", Action: &message.Postback{Data: "d"}},
			{Label: "share", Action: &message.ShareAction{}},
		}}, []message.Loss{{Path: "Buttons[1]", Reason: message.Dropped, Detail: "LINE has no share action"}}, 1},
		{"image alt text", &message.Image{URL: "https://e.com/a.png", AltText: "cat"},
			[]message.Loss{{Path: "AltText", Reason: message.Dropped, Detail: "LINE image messages have no alt text"}}, 1},
		{"file as link", &message.File{URL: "https://e.com/f.pdf", Name: "f.pdf"},
			[]message.Loss{{Path: "", Reason: message.Downgraded, Detail: "LINE bots cannot send files; sent as a text link"}}, 1},
		{"video without preview", &message.Video{URL: "https://e.com/v.mp4"},
			[]message.Loss{{Path: "", Reason: message.Downgraded, Detail: "LINE needs a preview image for a video; sent as a link"}}, 1},
		{"long text split", &message.Text{Text: strings.Repeat("😀", 3000)},
			[]message.Loss{{Path: "Text", Reason: message.Split, Detail: "2 messages of at most 5000 UTF-16 code units"}}, 2},
		{"text over five messages", &message.Text{Text: strings.Repeat("a ", 14000)},
			[]message.Loss{
				{Path: "Text", Reason: message.Truncated, Detail: "LINE sends at most 5 messages of 5000 UTF-16 code units"},
				{Path: "Text", Reason: message.Split, Detail: "5 messages of at most 5000 UTF-16 code units"},
			}, 5},
		{"quick reply share", &message.Text{Text: "x", QuickReplies: []message.QuickReply{{Label: "s", Action: &message.ShareAction{}}}},
			[]message.Loss{{Path: "QuickReplies[0]", Reason: message.Dropped, Detail: "LINE has no share action"}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msgs, rep, err := line.Render(tt.in, message.RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rep.Losses); diff != "" {
				t.Errorf("losses (-want +got):\n%s", diff)
			}
			if len(msgs) != tt.msgs {
				t.Errorf("%d messages, want %d", len(msgs), tt.msgs)
			}
			if _, _, err := line.Render(tt.in, message.RenderOptions{Strict: true}); !errors.Is(err, message.ErrLossy) {
				t.Errorf("strict: %v", err)
			}
		})
	}
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   message.Content
	}{
		{"text_quick_replies", &message.Text{Text: "pick", QuickReplies: []message.QuickReply{
			{Label: "Yes", Action: &message.Postback{Data: "yes"}, ImageURL: "https://e.com/y.png"},
			{Label: "Call", Action: &message.CallAction{Phone: "+82-2-1588-3820"}},
		}}},
		{"card", &message.Card{Title: "주문", Text: "what next?", Image: &message.Image{URL: "https://e.com/c.png"}, Buttons: []message.Button{
			{Label: "Buy", Action: &message.Postback{Data: "buy", DisplayText: "Buy it"}},
			{Label: "Site", Action: &message.URLAction{URL: "https://e.com"}},
		}}},
		{"carousel", &message.Carousel{Cards: []message.Card{{Title: "a", Text: "1"}, {Title: "b", Buttons: []message.Button{{Label: "go", Action: &message.MessageAction{Text: "go"}}}}}}},
		{"list", &message.List{Title: "menu", Items: []message.ListItem{{Title: "tea", Text: "3,000", Action: &message.Postback{Data: "tea"}}}}},
		{"location", &message.Location{Title: "NAVER 1784", Address: "정자일로 95", Latitude: 37.36, Longitude: 127.1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msgs, _, err := line.Render(tt.in, message.RenderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			enc, err := line.EncodeMessages(msgs)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			for _, m := range enc {
				checkTypes(t, m)
				if err := json.Indent(&out, m, "", "  "); err != nil {
					t.Fatal(err)
				}
				out.WriteByte('\n')
			}
			golden(t, filepath.Join("testdata", "golden", "render_"+tt.name+".json"), out.Bytes())
		})
	}
}

func TestRenderAdversarial(t *testing.T) {
	t.Parallel()
	qr := func(a message.Action) []message.QuickReply {
		return []message.QuickReply{{Label: "q", Action: a}}
	}
	card := func(a message.Action) *message.Card {
		return &message.Card{Title: "t", Buttons: []message.Button{{Label: "ok", Action: &message.MessageAction{Text: "ok"}}, {Label: "b", Action: a}}}
	}
	tests := []struct {
		name    string
		in      message.Content
		want    []message.Loss
		wantErr bool // an error wrapping errors.ErrUnsupported
	}{
		{"button link ftp", card(&message.URLAction{URL: "ftp://e.com/f"}),
			[]message.Loss{{Path: "Buttons[1]", Reason: message.Dropped, Detail: "a LINE link must be an http or https URL of at most 1000 characters"}}, false},
		{"button link javascript", card(&message.URLAction{URL: "javascript:alert(1)"}),
			[]message.Loss{{Path: "Buttons[1]", Reason: message.Dropped, Detail: "a LINE link must be an http or https URL of at most 1000 characters"}}, false},
		{"button link http", card(&message.URLAction{URL: "http://e.com/h"}), nil, false},
		{"quick reply relative link", &message.Text{Text: "t", QuickReplies: qr(&message.URLAction{URL: "e.com/rel"})},
			[]message.Loss{{Path: "QuickReplies[0]", Reason: message.Dropped, Detail: "a LINE link must be an http or https URL of at most 1000 characters"}}, false},
		{"quick reply link at limit", &message.Text{Text: "t", QuickReplies: qr(&message.URLAction{URL: "https://e.com/" + strings.Repeat("a", 1000-14)})}, nil, false},
		{"quick reply link over limit", &message.Text{Text: "t", QuickReplies: qr(&message.URLAction{URL: "https://e.com/" + strings.Repeat("a", 1000-13)})},
			[]message.Loss{{Path: "QuickReplies[0]", Reason: message.Dropped, Detail: "a LINE link must be an http or https URL of at most 1000 characters"}}, false},
		{"label at limit", card(&message.Postback{Data: "d", DisplayText: strings.Repeat("가", 20)}), nil, false},
		{"emoji label over limit", &message.Text{Text: "t", QuickReplies: []message.QuickReply{{Label: strings.Repeat("a", 19) + "😀", Action: &message.MessageAction{Text: "m"}}}},
			[]message.Loss{{Path: "QuickReplies[0].Label", Reason: message.Truncated, Detail: "limit is 20 UTF-16 code units"}}, false},
		{"list item share", &message.List{Title: "L", Items: []message.ListItem{{Title: "a", Action: &message.ShareAction{}}}},
			[]message.Loss{{Path: "Items[0].Action", Reason: message.Dropped, Detail: "LINE has no share action"}}, false},
		{"list item http image", &message.List{Title: "L", Items: []message.ListItem{{Title: "a", ImageURL: "http://e.com/i.png"}}},
			[]message.Loss{{Path: "Items[0].ImageURL", Reason: message.Dropped, Detail: "LINE needs an HTTPS image URL of at most 2000 characters"}}, false},
		{"card http image", &message.Card{Title: "t", Image: &message.Image{URL: "http://e.com/i.png"}},
			[]message.Loss{{Path: "Image", Reason: message.Dropped, Detail: "LINE needs an HTTPS image URL of at most 2000 characters"}}, false},
		{"carousel card quick replies", &message.Carousel{Cards: []message.Card{
			{Title: "a", QuickReplies: qr(&message.MessageAction{Text: "x"})}, {Title: "b"},
		}}, []message.Loss{{Path: "Cards[0].QuickReplies", Reason: message.Dropped, Detail: "LINE attaches quick replies to a message, not to a carousel card"}}, false},
		{"image http", &message.Image{URL: "http://e.com/i.png"}, nil, true},
		{"image over 2000", &message.Image{URL: "https://e.com/" + strings.Repeat("a", 2000)}, nil, true},
		{"image http preview", &message.Image{URL: "https://e.com/i.png", PreviewURL: "http://e.com/p.png"},
			[]message.Loss{{Path: "PreviewURL", Reason: message.Dropped, Detail: "LINE needs an HTTPS preview URL of at most 2000 characters; the image is its own preview"}}, false},
		{"video http preview", &message.Video{URL: "https://e.com/v.mp4", PreviewURL: "http://e.com/p.png"}, []message.Loss{
			{Path: "PreviewURL", Reason: message.Dropped, Detail: "LINE needs an HTTPS preview URL of at most 2000 characters"},
			{Path: "", Reason: message.Downgraded, Detail: "LINE needs a preview image for a video; sent as a link"},
		}, false},
		{"audio http", &message.Audio{URL: "http://e.com/a.m4a", Duration: time.Second}, nil, true},
		{"call without number", card(&message.CallAction{}),
			[]message.Loss{{Path: "Buttons[1]", Reason: message.Dropped, Detail: "a LINE tel: link needs a phone number of at most 996 characters"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msgs, rep, err := line.Render(tt.in, message.RenderOptions{})
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
			if _, err := line.EncodeMessages(msgs); err != nil {
				t.Errorf("rendered messages fail validation: %v", err)
			}
			_, _, serr := line.Render(tt.in, message.RenderOptions{Strict: true})
			if lossy := len(tt.want) > 0; lossy != errors.Is(serr, message.ErrLossy) {
				t.Errorf("strict err = %v; want lossy %v", serr, lossy)
			}
		})
	}
}

// TestRenderRefusesEmptyContent: content with nothing in it is a bad
// argument, not a loss.
func TestRenderRefusesEmptyContent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   message.Content
	}{
		{"nil", nil},
		{"empty text", &message.Text{}},
		{"empty card", &message.Card{}},
		{"empty carousel", &message.Carousel{}},
		{"empty list", &message.List{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := line.Render(tt.in, message.RenderOptions{})
			var ae *line.ArgumentError
			if !errors.As(err, &ae) || ae.Func != "Render" || ae.Arg != "c" || !errors.Is(err, line.ErrInvalid) {
				t.Errorf("Render = %v; want an *ArgumentError for c", err)
			}
		})
	}
}
