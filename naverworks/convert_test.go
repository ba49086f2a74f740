package naverworks_test

import (
	"errors"
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
				{Path: "Buttons[1].Action", Reason: message.Dropped, Detail: "NAVER WORKS has no share action"},
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
