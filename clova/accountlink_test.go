package clova_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/message"
)

// speechOf returns the first spoken value of a CEK response body.
func speechOf(t *testing.T, body []byte) string {
	t.Helper()
	var resp clova.Response
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("response %s: %v", body, err)
	}
	os := resp.Response.OutputSpeech
	if os == nil || len(os.Values) == 0 {
		return ""
	}
	return os.Values[0].Value
}

func TestRequireLinkedAccount(t *testing.T) {
	t.Parallel()
	var called int
	next := func(ctx context.Context, req *clova.Request) (*clova.Response, error) {
		called++
		return clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.Korean, "주문을 받았어요"))), nil
	}
	custom := clova.LinkPrompt(clova.Korean, "계정을 먼저 연결해 주세요")
	tests := []struct {
		name       string
		prompt     *clova.Response
		req        *clova.Request
		wantSpeech string
		wantCalled bool
	}{
		{"linked intent", nil, clovatest.Intent("Order", clovatest.WithAccessToken("tok-123")), "주문을 받았어요", true},
		{"unlinked intent", nil, clovatest.Intent("Order"), clova.DefaultLinkPrompt, false},
		{"unlinked launch, own prompt", custom, clovatest.Launch(), "계정을 먼저 연결해 주세요", false},
		{"unlinked SkillEnabled event passes", nil, clovatest.Event(clova.NamespaceClovaSkill, clova.EventSkillEnabled, nil), "주문을 받았어요", true},
		{"unlinked session end passes", nil, clovatest.SessionEnded(), "주문을 받았어요", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called = 0
			h := newHandler(t, clova.RequireLinkedAccount(tt.prompt, next))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, clovatest.NewRequest(t, nil, tt.req))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			if got := speechOf(t, rec.Body.Bytes()); got != tt.wantSpeech {
				t.Errorf("speech = %q, want %q", got, tt.wantSpeech)
			}
			if (called == 1) != tt.wantCalled {
				t.Errorf("next called %d times, want called=%v", called, tt.wantCalled)
			}
		})
	}
}

func TestLinkPromptEndsTheSession(t *testing.T) {
	t.Parallel()
	r := clova.LinkPrompt(clova.English, "")
	if !r.Response.ShouldEndSession {
		t.Error("the link prompt keeps the session open; nothing can happen until the user links the account")
	}
	want := &clova.OutputSpeech{Type: "SimpleSpeech", Values: []clova.SpeechInfo{clova.PlainText(clova.English, clova.DefaultLinkPrompt)}}
	if diff := cmp.Diff(want, r.Response.OutputSpeech); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRequireLinkedAccountMiddleware(t *testing.T) {
	t.Parallel()
	var called int
	bot := message.Chain(message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		called++
		_, err := r.Reply(ctx, &message.Text{Text: "주문을 받았어요"})
		return err
	}), clova.RequireLinkedAccountMiddleware(""))
	bh, err := clova.NewBotHandler(clovatest.ApplicationID, bot, clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		req        *clova.Request
		wantSpeech string
		wantCalled int
	}{
		{clovatest.Intent("Order"), clova.DefaultLinkPrompt, 0},
		{clovatest.Intent("Order", clovatest.WithAccessToken("tok-123")), "주문을 받았어요", 1},
	} {
		called = 0
		rec := httptest.NewRecorder()
		bh.ServeHTTP(rec, clovatest.NewRequest(t, nil, tt.req))
		if got := speechOf(t, rec.Body.Bytes()); rec.Code != 200 || got != tt.wantSpeech || called != tt.wantCalled {
			t.Errorf("status %d, speech %q, handler called %d; want 200, %q, %d", rec.Code, got, called, tt.wantSpeech, tt.wantCalled)
		}
	}
	// Another platform's event passes through untouched.
	called = 0
	h := clova.RequireLinkedAccountMiddleware("x")(message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error {
		called++
		return nil
	}))
	if err := h.Handle(context.Background(), &message.Incoming{Platform: message.LINE, Kind: message.KindMessage}, nil); err != nil || called != 1 {
		t.Errorf("a LINE event: err %v, handler called %d; want it passed on", err, called)
	}
}
