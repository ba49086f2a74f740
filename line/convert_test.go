package line_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

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
