package message_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/message"
)

func TestReport(t *testing.T) {
	t.Parallel()
	var inner message.Report
	inner.Add("Image", message.Dropped, "no images in cards")
	inner.Addf("Buttons[3]", message.Dropped, "limit is %d", 3)

	var rep message.Report
	rep.Add("QuickReplies[13]", message.Dropped, "")
	rep.Merge("Cards[2]", inner)
	rep.Merge("", message.Report{Losses: []message.Loss{{Path: "Text", Reason: message.Split}}})

	want := []message.Loss{
		{Path: "QuickReplies[13]", Reason: message.Dropped},
		{Path: "Cards[2].Image", Reason: message.Dropped, Detail: "no images in cards"},
		{Path: "Cards[2].Buttons[3]", Reason: message.Dropped, Detail: "limit is 3"},
		{Path: "Text", Reason: message.Split},
	}
	if diff := cmp.Diff(want, rep.Losses); diff != "" {
		t.Errorf("losses (-want +got):\n%s", diff)
	}
	wantStr := "QuickReplies[13]: dropped; Cards[2].Image: dropped (no images in cards); Cards[2].Buttons[3]: dropped (limit is 3); Text: split"
	if got := rep.String(); got != wantStr {
		t.Errorf("String() = %q\nwant        %q", got, wantStr)
	}
	if (message.Report{}).String() != "lossless" {
		t.Error("empty report does not say lossless")
	}
}

func TestJoinPathAndIndex(t *testing.T) {
	t.Parallel()
	tests := []struct{ prefix, path, want string }{
		{"", "Text", "Text"},
		{"Cards[1]", "", "Cards[1]"},
		{"Cards[1]", "Image", "Cards[1].Image"},
		{"Cards", "[1]", "Cards[1]"},
	}
	for _, tt := range tests {
		if got := message.JoinPath(tt.prefix, tt.path); got != tt.want {
			t.Errorf("JoinPath(%q, %q) = %q, want %q", tt.prefix, tt.path, got, tt.want)
		}
	}
	if got := message.Index("Buttons", 3); got != "Buttons[3]" {
		t.Errorf("Index = %q", got)
	}
}

func TestRenderOptionsCheck(t *testing.T) {
	t.Parallel()
	lossy := message.Report{Losses: []message.Loss{{Path: "Image", Reason: message.Dropped}}}
	if err := (message.RenderOptions{}).Check(message.LINE, lossy); err != nil {
		t.Errorf("best-effort Check = %v, want nil", err)
	}
	if err := (message.RenderOptions{Strict: true}).Check(message.LINE, message.Report{}); err != nil {
		t.Errorf("strict lossless Check = %v, want nil", err)
	}
	err := (message.RenderOptions{Strict: true}).Check(message.Clova, lossy)
	if !errors.Is(err, message.ErrLossy) || !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("strict lossy Check = %v; want ErrLossy and ErrUnsupported", err)
	}
	var le *message.LossyError
	if !errors.As(err, &le) || le.Platform != message.Clova || len(le.Report.Losses) != 1 {
		t.Fatalf("errors.As LossyError: %#v", le)
	}
	if !strings.HasPrefix(err.Error(), "clova: lossy rendering: Image: dropped") {
		t.Errorf("error text %q", err)
	}
}

func TestReasonString(t *testing.T) {
	t.Parallel()
	for r, want := range map[message.Reason]string{message.Dropped: "dropped", message.Truncated: "truncated", message.Downgraded: "downgraded", message.Split: "split", 0: "Reason(0)"} {
		if got := r.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(r), got, want)
		}
	}
}

func TestContentTypes(t *testing.T) {
	t.Parallel()
	qr := []message.QuickReply{{Label: "x", Action: &message.MessageAction{Text: "x"}}}
	tests := []struct {
		c    message.Content
		want message.Type
	}{
		{&message.Text{QuickReplies: qr}, message.TypeText},
		{&message.Image{QuickReplies: qr}, message.TypeImage},
		{&message.Video{QuickReplies: qr}, message.TypeVideo},
		{&message.Audio{QuickReplies: qr}, message.TypeAudio},
		{&message.File{QuickReplies: qr}, message.TypeFile},
		{&message.Sticker{QuickReplies: qr}, message.TypeSticker},
		{&message.Location{QuickReplies: qr}, message.TypeLocation},
		{&message.Card{QuickReplies: qr}, message.TypeCard},
		{&message.Carousel{QuickReplies: qr}, message.TypeCarousel},
		{&message.List{QuickReplies: qr}, message.TypeList},
		{&message.Unknown{QuickReplies: qr}, message.TypeUnknown},
	}
	for _, tt := range tests {
		if got := tt.c.Type(); got != tt.want {
			t.Errorf("%T.Type() = %q, want %q", tt.c, got, tt.want)
		}
		if len(tt.c.Replies()) != 1 {
			t.Errorf("%T.Replies() lost the quick replies", tt.c)
		}
	}
	actions := map[message.Action]message.ActionType{
		&message.Postback{}: message.ActionPostback, &message.MessageAction{}: message.ActionMessage,
		&message.URLAction{}: message.ActionURL, &message.CallAction{}: message.ActionCall, &message.ShareAction{}: message.ActionShare,
	}
	for a, want := range actions {
		if got := a.ActionType(); got != want {
			t.Errorf("%T.ActionType() = %q, want %q", a, got, want)
		}
	}
	caps := message.Capabilities{Types: []message.Type{message.TypeText}, Actions: []message.ActionType{message.ActionURL}}
	if !caps.Supports(message.TypeText) || caps.Supports(message.TypeCard) {
		t.Error("Supports is wrong")
	}
	if !caps.SupportsAction(message.ActionURL) || caps.SupportsAction(message.ActionCall) {
		t.Error("SupportsAction is wrong")
	}
}

func TestLossStringWholeContent(t *testing.T) {
	t.Parallel()
	l := message.Loss{Reason: message.Downgraded, Detail: "card spoken as text"}
	if got, want := l.String(), "content: downgraded (card spoken as text)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
