package clova_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
)

func TestRenderConformance(t *testing.T) {
	t.Parallel()
	messagetest.TestRenderer(t, clova.Capabilities, func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
		resp, rep, err := clova.Render(c, o)
		if err != nil {
			return nil, rep, err
		}
		if verr := resp.Validate(); verr != nil {
			t.Errorf("Render produced an invalid response: %v", verr)
		}
		return []any{resp.Response.OutputSpeech}, rep, nil
	})
}

// errAny in a want field accepts any non-nil error.
var errAny = errors.New("any error")

func TestRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       message.Content
		wantText []string // speech values in order
		wantLoss []string // "path reason"
		wantErr  error
	}{
		{"text", &message.Text{Text: "안녕하세요."}, []string{"안녕하세요."}, nil, nil},
		{"audio", &message.Audio{URL: "https://example.com/a.mp3"}, []string{"https://example.com/a.mp3"}, nil, nil},
		{"long sentences are chunked, not lost", &message.Text{Text: strings.Repeat("가", 150) + ". " + strings.Repeat("나", 150) + "."},
			[]string{strings.Repeat("가", 150) + ".", " " + strings.Repeat("나", 150) + "."}, nil, nil},
		{"card", &message.Card{Title: "피자", Text: "무엇을 드릴까요?", Image: &message.Image{URL: "https://example.com/p.png"},
			Buttons: []message.Button{{Label: "주문", Action: &message.Postback{Data: "order"}}}},
			[]string{"피자무엇을 드릴까요?주문"}, []string{"Image dropped", "Buttons[0].Action dropped", " downgraded"}, nil},
		{"quick replies are spoken", &message.Text{Text: "고르세요.", QuickReplies: []message.QuickReply{
			{Label: "네", Action: &message.MessageAction{Text: "yes"}}, {Label: "아니요", Action: &message.MessageAction{Text: "no"}}}},
			[]string{"고르세요.네, 아니요"}, []string{"QuickReplies[0].Action dropped", "QuickReplies[1].Action dropped"}, nil},
		{"over the total", &message.Text{Text: strings.Repeat("가나다라마. ", 200)}, nil, []string{"Text truncated"}, nil},
		{"audio with a relative URL", &message.Audio{URL: "/a.mp3"}, nil, nil, errAny},
		{"video", &message.Video{URL: "https://example.com/v.mp4"}, nil, nil, errors.ErrUnsupported},
		{"image without alt", &message.Image{URL: "https://example.com/a.png"}, nil, nil, errors.ErrUnsupported},
		{"own unknown speech", &message.Unknown{Platform: message.Clova, Raw: json.RawMessage(`{"type":"SimpleSpeech","values":{"type":"PlainText","lang":"ja","value":"はい"}}`)},
			[]string{"はい"}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, rep, err := clova.Render(tc.in, message.RenderOptions{})
			if tc.wantErr != nil {
				if err == nil || tc.wantErr != errAny && !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var losses []string
			for _, l := range rep.Losses {
				losses = append(losses, l.Path+" "+l.Reason.String())
			}
			if d := cmp.Diff(tc.wantLoss, losses); d != "" {
				t.Errorf("losses (-want +got):\n%s", d)
			}
			if tc.wantText != nil {
				var got []string
				for _, v := range resp.Response.OutputSpeech.Values {
					got = append(got, v.Value)
				}
				// Card pieces are separate values; compare their concatenation
				// when the test lists one string.
				if len(tc.wantText) == 1 && len(got) > 1 {
					got = []string{strings.Join(got, "")}
				}
				if d := cmp.Diff(tc.wantText, got); d != "" {
					t.Errorf("speech (-want +got):\n%s", d)
				}
			}
			if !resp.Response.ShouldEndSession {
				t.Error("Render should end the session by default")
			}
		})
	}
}

func TestToIncoming(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		req      *clova.Request
		wantKind message.Kind
		wantData string
		wantOK   bool
	}{
		{"launch", clovatest.Launch(), message.KindFollow, "", true},
		{"intent", clovatest.Intent("OrderPizza", clovatest.WithSlot("n", 2)), message.KindPostback, "OrderPizza", true},
		{"session ended", clovatest.SessionEnded(), message.KindOther, "", true},
		{"skill enabled", clovatest.Event("ClovaSkill", "SkillEnabled", nil, clovatest.WithoutSession(), clovatest.WithTimestamp(at)), message.KindFollow, "", true},
		{"skill disabled", clovatest.Event("ClovaSkill", "SkillDisabled", nil), message.KindUnfollow, "", true},
		{"audio telemetry", clovatest.Event("AudioPlayer", "PlayStarted", map[string]any{"token": "t"}), message.KindOther, "", false},
		{"unknown", &clova.Request{Request: &clova.UnknownRequest{RequestType: "X", Raw: json.RawMessage(`{"type":"X"}`)}}, message.KindOther, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in, ok := clova.ToIncoming(tc.req)
			if ok != tc.wantOK || in.Kind != tc.wantKind || in.Data != tc.wantData {
				t.Errorf("got (%v, %s, %q), want (%v, %s, %q)", ok, in.Kind, in.Data, tc.wantOK, tc.wantKind, tc.wantData)
			}
			messagetest.CheckIncoming(t, in)
			if in.Raw != tc.req {
				t.Error("Raw is not the request")
			}
		})
	}
	in, _ := clova.ToIncoming(clovatest.Event("ClovaSkill", "SkillEnabled", nil, clovatest.WithTimestamp(at), clovatest.WithRequestID("ev-1")))
	if !in.ReceivedAt.Equal(at) || in.EventID != "ev-1" || in.UserID != clovatest.UserID {
		t.Errorf("incoming = %+v", in)
	}
	if _, ok := clova.ToIncoming(nil); ok {
		t.Error("ToIncoming(nil) reported ok")
	}
}

func TestRenderLang(t *testing.T) {
	t.Parallel()
	resp, _, err := clova.RenderLang(clova.Japanese, &message.Text{Text: "こんにちは"}, message.RenderOptions{})
	if err != nil || resp.Response.OutputSpeech.Values[0].Lang != clova.Japanese {
		t.Fatalf("RenderLang: %+v %v", resp, err)
	}
	if _, _, err := clova.RenderLang("de", &message.Text{Text: "Hallo"}, message.RenderOptions{}); err == nil {
		t.Error("RenderLang(de) succeeded")
	}
	_, _, err = clova.Render(&message.Card{Title: "x", Image: &message.Image{URL: "https://example.com/a.png"}}, message.RenderOptions{Strict: true})
	if !errors.Is(err, message.ErrLossy) {
		t.Errorf("strict card: %v", err)
	}
}

// Quick-reply labels past the speech budget are dropped one by one and
// reported; no label is split across speech values.
func TestRenderQuickRepliesPastTheSpeechBudget(t *testing.T) {
	t.Parallel()
	var qr []message.QuickReply
	for i := range 60 {
		qr = append(qr, message.QuickReply{Label: fmt.Sprintf("선택지 번호 %02d번", i)})
	}
	text := strings.Repeat("가", 900)
	resp, rep, err := clova.Render(&message.Text{Text: text, QuickReplies: qr}, message.RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spoken := map[string]bool{}
	total := 0
	for _, v := range resp.Response.OutputSpeech.Values {
		total += utf8.RuneCountInString(v.Value)
		for _, l := range strings.Split(v.Value, ", ") {
			spoken[l] = true
		}
	}
	if total > 1000 {
		t.Errorf("spoke %d characters, limit is 1000", total)
	}
	dropped := map[string]bool{}
	for _, l := range rep.Losses {
		dropped[l.Path] = l.Reason == message.Dropped
	}
	for i, q := range qr {
		p := fmt.Sprintf("QuickReplies[%d]", i)
		if spoken[q.Label] == dropped[p] {
			t.Errorf("%s: spoken=%v dropped=%v; want exactly one", p, spoken[q.Label], dropped[p])
		}
	}
	if len(dropped) == 0 || !spoken[qr[0].Label] {
		t.Errorf("want the first labels spoken and the rest dropped; losses: %s", rep)
	}
}
