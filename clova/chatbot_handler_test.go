package clova_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// replyRecorder is a Responder that records what it was asked to reply
// and answers err.
type replyRecorder struct {
	mu      sync.Mutex
	replies [][]message.Content
	err     error
}

func (r *replyRecorder) Reply(_ context.Context, cs ...message.Content) (message.Report, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies = append(r.replies, cs)
	return message.Report{}, r.err
}
func (r *replyRecorder) Typing(context.Context) error         { return nil }
func (r *replyRecorder) PassToHuman(context.Context) error    { return nil }
func (r *replyRecorder) TakeBack(context.Context) error       { return nil }
func (r *replyRecorder) Capabilities() message.Capabilities   { return message.Capabilities{} }
func (r *replyRecorder) RenderOptions() message.RenderOptions { return message.RenderOptions{} }
func (r *replyRecorder) texts() []string                      { return contentTexts(r.replies) }
func (r *replyRecorder) count() int                           { r.mu.Lock(); defer r.mu.Unlock(); return len(r.replies) }
func newChatbotFake(t *testing.T) *clovatest.Server           { return scriptedFake(t) }
func mustChatbot(t *testing.T, cl *clova.Client, opts ...clova.ChatbotOption) *clova.ChatbotHandler {
	t.Helper()
	h, err := clova.NewChatbotHandler(cl, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func contentTexts(replies [][]message.Content) []string {
	var out []string
	for _, cs := range replies {
		for _, c := range cs {
			switch c := c.(type) {
			case *message.Text:
				out = append(out, c.Text)
			case *message.Card:
				out = append(out, "card:"+c.Title)
			default:
				out = append(out, fmt.Sprintf("%T", c))
			}
		}
	}
	return out
}

// scriptedFake is a chatbot domain that answers "hi", the postback
// "order:pizza", the intent "OrderPizza", the utterance "two pepperoni"
// and the "[unsupported]" stand-in.
func scriptedFake(t *testing.T) *clovatest.Server {
	s := clovatest.NewServer(t)
	s.Welcome(&clova.TextBubble{Data: clova.TextData{Description: "Welcome!"}})
	s.ReplyText("hi", "hello")
	s.ReplyText("order:pizza", "one pizza")
	s.ReplyText("OrderPizza", "which pizza?")
	s.ReplyText("two pepperoni", "two pepperoni coming")
	s.ReplyText("[unsupported]", "I read text only")
	return s
}

// asked is one chatbot call: event, user ID and text.
type asked struct{ Event, UserID, Text string }

func askedOf(t *testing.T, s *clovatest.Server) []asked {
	t.Helper()
	var out []asked
	for _, c := range s.Calls() {
		if !c.SignatureValid {
			t.Error("a chatbot call was not signed with the domain's secret key")
		}
		a := asked{Event: string(c.Request.Event), UserID: c.Request.UserID}
		if len(c.Request.Bubbles) > 0 {
			a.Text = c.Request.Bubbles[0].Data.Description
		}
		out = append(out, a)
	}
	return out
}

func cekIncoming(t *testing.T, req *clova.Request, botID string) *message.Incoming {
	t.Helper()
	in, ok := clova.ToIncoming(req)
	if !ok {
		t.Fatal("ToIncoming refused the request")
	}
	in.BotID = botID
	return &in
}

// TestChatbotHandlerEveryPlatform: what each platform's Incoming asks the
// domain, for which chatbot user, and what is replied.
func TestChatbotHandlerEveryPlatform(t *testing.T) {
	t.Parallel()
	text := func(p message.Platform, bot, user, conv, s string) *message.Incoming {
		return &message.Incoming{Platform: p, Kind: message.KindMessage, BotID: bot, UserID: user, ConversationID: conv, Content: &message.Text{Text: s}}
	}
	tests := []struct {
		name      string
		in        *message.Incoming
		opts      []clova.ChatbotOption
		wantAsked []asked
		wantReply []string
	}{
		{"line text", text(message.LINE, "", "U1", "U1", "hi"),
			nil, []asked{{"send", "line::U1", "hi"}}, []string{"hello"}},
		{"line follow", &message.Incoming{Platform: message.LINE, Kind: message.KindFollow, UserID: "U1", ConversationID: "U1"},
			nil, []asked{{"open", "line::U1", ""}}, []string{"Welcome!"}},
		{"line postback", &message.Incoming{Platform: message.LINE, Kind: message.KindPostback, UserID: "U1", ConversationID: "U1", Data: "order:pizza"},
			nil, []asked{{"send", "line::U1", "order:pizza"}}, []string{"one pizza"}},
		{"line group: the sender is the user", text(message.LINE, "Ubot", "U1", "C9", "hi"),
			nil, []asked{{"send", "line:Ubot:U1", "hi"}}, []string{"hello"}},
		{"line image: nothing asked", &message.Incoming{Platform: message.LINE, Kind: message.KindMessage, UserID: "U1", ConversationID: "U1", Content: &message.Image{URL: "https://example.com/a.png"}},
			nil, nil, nil},
		{"line sticker with a stand-in", &message.Incoming{Platform: message.LINE, Kind: message.KindMessage, UserID: "U1", ConversationID: "U1", Content: &message.Sticker{}},
			[]clova.ChatbotOption{clova.WithUnsupportedText("[unsupported]")}, []asked{{"send", "line::U1", "[unsupported]"}}, []string{"I read text only"}},
		{"blank text: nothing asked", text(message.LINE, "", "U1", "U1", "  "), nil, nil, nil},
		{"line unfollow: nothing asked", &message.Incoming{Platform: message.LINE, Kind: message.KindUnfollow, UserID: "U1", ConversationID: "U1"}, nil, nil, nil},
		{"talktalk text", text(message.TalkTalk, "partner-1", "tt-user", "tt-user", "hi"),
			nil, []asked{{"send", "talktalk:partner-1:tt-user", "hi"}}, []string{"hello"}},
		{"talktalk postback", &message.Incoming{Platform: message.TalkTalk, Kind: message.KindPostback, BotID: "partner-1", UserID: "tt-user", ConversationID: "tt-user", Data: "order:pizza"},
			nil, []asked{{"send", "talktalk:partner-1:tt-user", "order:pizza"}}, []string{"one pizza"}},
		{"kakao text", text(message.Kakao, "kakao-bot", "kakao-user-key", "kakao-user-key", "hi"),
			nil, []asked{{"send", "kakao:kakao-bot:kakao-user-key", "hi"}}, []string{"hello"}},
		{"naverworks channel text", text(message.NaverWorks, "2000001", "user-uuid", "channel-id", "hi"),
			nil, []asked{{"send", "naverworks:2000001:user-uuid", "hi"}}, []string{"hello"}},
		{"naverworks: no user, the conversation", &message.Incoming{Platform: message.NaverWorks, Kind: message.KindFollow, ConversationID: "channel-id"},
			nil, []asked{{"open", "naverworks::channel-id", ""}}, []string{"Welcome!"}},
		{"cek launch", cekIncoming(t, clovatest.Launch(), extA),
			nil, []asked{{"open", "clova:" + extA + ":" + clovatest.UserID, ""}}, []string{"Welcome!"}},
		{"cek intent: its name", cekIncoming(t, clovatest.Intent("OrderPizza", clovatest.WithSlot("utterance", "two pepperoni")), extA),
			nil, []asked{{"send", "clova:" + extA + ":" + clovatest.UserID, "OrderPizza"}}, []string{"which pizza?"}},
		{"cek intent: its utterance slot", cekIncoming(t, clovatest.Intent("OrderPizza", clovatest.WithSlot("utterance", "two pepperoni")), extA),
			[]clova.ChatbotOption{clova.WithCEKSlot("utterance")}, []asked{{"send", "clova:" + extA + ":" + clovatest.UserID, "two pepperoni"}}, []string{"two pepperoni coming"}},
		{"cek intent without the slot: its name", cekIncoming(t, clovatest.Intent("OrderPizza"), extA),
			[]clova.ChatbotOption{clova.WithCEKSlot("utterance")}, []asked{{"send", "clova:" + extA + ":" + clovatest.UserID, "OrderPizza"}}, []string{"which pizza?"}},
		{"cek session end: nothing asked", cekIncoming(t, clovatest.SessionEnded(), extA), nil, nil, nil},
		{"custom user ID", text(message.Kakao, "kakao-bot", "kakao-user-key", "kakao-user-key", "hi"),
			[]clova.ChatbotOption{clova.WithChatbotUserID(func(in *message.Incoming) string { return "tenant-7/" + in.UserID })},
			[]asked{{"send", "tenant-7/kakao-user-key", "hi"}}, []string{"hello"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := newChatbotFake(t)
			h := mustChatbot(t, fake.Client(), tc.opts...)
			rec := &replyRecorder{}
			if err := h.Handle(context.Background(), tc.in, rec); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if diff := cmp.Diff(tc.wantAsked, askedOf(t, fake)); diff != "" {
				t.Errorf("the chatbot was asked (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantReply, rec.texts()); diff != "" {
				t.Errorf("replied (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChatbotHandlerPostbackButtonsRoundTrip(t *testing.T) {
	t.Parallel()
	fake := newChatbotFake(t)
	fake.Reply("menu", &clova.TextBubble{Title: "Menu", Data: clova.TextData{Description: "Pick one"},
		BubbleExtras: clova.BubbleExtras{QuickButtons: []*clova.ButtonBubble{{Title: "Pizza", Data: clova.ButtonData{Action: &clova.ChatbotAction{Type: clova.ActionPostback, Data: json.RawMessage(`{"postback":"order:pizza"}`)}}}}}})
	h := mustChatbot(t, fake.Client())
	rec := &replyRecorder{}
	in := &message.Incoming{Platform: message.LINE, Kind: message.KindMessage, UserID: "U1", ConversationID: "U1", Content: &message.Text{Text: "menu"}}
	if err := h.Handle(context.Background(), in, rec); err != nil {
		t.Fatal(err)
	}
	if rec.count() != 1 || len(rec.replies[0]) != 1 {
		t.Fatalf("replies %v, want one content", rec.replies)
	}
	qr := rec.replies[0][0].Replies()
	if len(qr) != 1 {
		t.Fatalf("quick replies %v, want one", qr)
	}
	pb, ok := qr[0].Action.(*message.Postback)
	if !ok {
		t.Fatalf("quick reply action %T, want a postback", qr[0].Action)
	}
	// The user taps it: the platform's postback carries the Data back.
	tap := &message.Incoming{Platform: message.LINE, Kind: message.KindPostback, UserID: "U1", ConversationID: "U1", Data: pb.Data}
	if err := h.Handle(context.Background(), tap, rec); err != nil {
		t.Fatal(err)
	}
	want := []asked{{"send", "line::U1", "menu"}, {"send", "line::U1", "order:pizza"}}
	if diff := cmp.Diff(want, askedOf(t, fake)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestChatbotHandlerErrors(t *testing.T) {
	t.Parallel()
	hi := &message.Incoming{Platform: message.LINE, Kind: message.KindMessage, UserID: "U1", ConversationID: "U1", Content: &message.Text{Text: "hi"}}
	t.Run("chatbot API failure", func(t *testing.T) {
		t.Parallel()
		fake := newChatbotFake(t)
		fake.FailNext(clovatest.Fault{Status: http.StatusServiceUnavailable})
		rec := &replyRecorder{}
		err := mustChatbot(t, fake.Client()).Handle(context.Background(), hi, rec)
		var ae *clova.APIError
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("Handle = %v, want an *APIError 503", err)
		}
		if strings.Contains(err.Error(), clovatest.SecretKey) {
			t.Errorf("error %q holds the secret key", err)
		}
		if rec.count() != 0 {
			t.Errorf("replied %v after a failure", rec.replies)
		}
	})
	t.Run("no user", func(t *testing.T) {
		t.Parallel()
		fake := newChatbotFake(t)
		err := mustChatbot(t, fake.Client()).Handle(context.Background(), &message.Incoming{Platform: message.LINE, Kind: message.KindFollow}, &replyRecorder{})
		if !errors.Is(err, clova.ErrInvalid) || len(fake.Calls()) != 0 {
			t.Errorf("Handle = %v with %d calls, want ErrInvalid and none", err, len(fake.Calls()))
		}
	})
	t.Run("empty custom user", func(t *testing.T) {
		t.Parallel()
		fake := newChatbotFake(t)
		h := mustChatbot(t, fake.Client(), clova.WithChatbotUserID(func(*message.Incoming) string { return "" }))
		if err := h.Handle(context.Background(), hi, &replyRecorder{}); !errors.Is(err, clova.ErrInvalid) {
			t.Errorf("Handle = %v, want ErrInvalid", err)
		}
	})
	t.Run("a failed reply is the error", func(t *testing.T) {
		t.Parallel()
		fake := newChatbotFake(t)
		boom := errors.New("push failed")
		if err := mustChatbot(t, fake.Client()).Handle(context.Background(), hi, &replyRecorder{err: boom}); !errors.Is(err, boom) {
			t.Errorf("Handle = %v, want the Reply's error", err)
		}
	})
	t.Run("content the platform cannot show is not", func(t *testing.T) {
		t.Parallel()
		fake := newChatbotFake(t)
		cant := fmt.Errorf("reply[0]: %w", errors.ErrUnsupported)
		if err := mustChatbot(t, fake.Client()).Handle(context.Background(), hi, &replyRecorder{err: cant}); err != nil {
			t.Errorf("Handle = %v, want nil: the loss is in the report", err)
		}
	})
	t.Run("constructor", func(t *testing.T) {
		t.Parallel()
		fake := newChatbotFake(t)
		for name, err := range map[string]error{
			"nil client": func() error { _, err := clova.NewChatbotHandler(nil); return err }(),
			"nil option": func() error { _, err := clova.NewChatbotHandler(fake.Client(), nil); return err }(),
			"nil user ID": func() error {
				_, err := clova.NewChatbotHandler(fake.Client(), clova.WithChatbotUserID(nil))
				return err
			}(),
			"empty stand-in": func() error {
				_, err := clova.NewChatbotHandler(fake.Client(), clova.WithUnsupportedText(" "))
				return err
			}(),
			"empty slot":      func() error { _, err := clova.NewChatbotHandler(fake.Client(), clova.WithCEKSlot("")); return err }(),
			"nil accountlink": func() error { _, err := clova.NewChatbotHandler(fake.Client(), clova.WithAccountLink(nil)); return err }(),
		} {
			if !errors.Is(err, clova.ErrInvalid) {
				t.Errorf("%s: error %v, want ErrInvalid", name, err)
			}
		}
	})
}

func TestChatbotUserID(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("u", 300)
	tests := []struct {
		name string
		in   message.Incoming
		want string
	}{
		{"user", message.Incoming{Platform: message.Kakao, BotID: "b", UserID: "u", ConversationID: "c"}, "kakao:b:u"},
		{"conversation", message.Incoming{Platform: message.NaverWorks, BotID: "b", ConversationID: "c"}, "naverworks:b:c"},
		{"none", message.Incoming{Platform: message.LINE}, ""},
	}
	for _, tc := range tests {
		if got := clova.ChatbotUserID(&tc.in); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	a := clova.ChatbotUserID(&message.Incoming{Platform: message.LINE, UserID: long})
	b := clova.ChatbotUserID(&message.Incoming{Platform: message.LINE, UserID: long + "x"})
	if n := utf8.RuneCountInString(a); n > 256 || !strings.HasPrefix(a, "line:sha256:") || a == b {
		t.Errorf("long IDs map to %q and %q (%d characters): want distinct digests within 256", a, b, n)
	}
}

// TestChatbotHandlerAccountLink: a CEK access token goes to the
// WithAccountLink function with the chatbot user, and never to the
// chatbot or into an error.
func TestChatbotHandlerAccountLink(t *testing.T) {
	t.Parallel()
	const token = "cek-linked-account-TOKEN-42"
	type linked struct{ UserID, Token string }
	var got []linked
	fake := newChatbotFake(t)
	h := mustChatbot(t, fake.Client(), clova.WithAccountLink(func(_ context.Context, uid string, tok clova.AccessToken) error {
		got = append(got, linked{uid, string(tok)})
		if uid == "clova:"+extB+":"+clovatest.UserID {
			return errors.New("no such account")
		}
		return nil
	}))
	in := cekIncoming(t, clovatest.Launch(clovatest.WithAccessToken(token)), extA)
	if err := h.Handle(context.Background(), in, &replyRecorder{}); err != nil {
		t.Fatal(err)
	}
	unlinked := cekIncoming(t, clovatest.Launch(), extA)
	if err := h.Handle(context.Background(), unlinked, &replyRecorder{}); err != nil {
		t.Fatal(err)
	}
	refused := cekIncoming(t, clovatest.Launch(clovatest.WithAccessToken(token)), extB)
	err := h.Handle(context.Background(), refused, &replyRecorder{})
	if err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("Handle = %v, want the link's error without the token", err)
	}
	want := []linked{{"clova:" + extA + ":" + clovatest.UserID, token}, {"clova:" + extB + ":" + clovatest.UserID, token}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("linked (-want +got):\n%s", diff)
	}
	calls := fake.Calls()
	if len(calls) != 2 {
		t.Fatalf("%d chatbot calls, want 2 (the refused link asks nothing)", len(calls))
	}
	for _, c := range calls {
		if strings.Contains(string(c.Body), token) || strings.Contains(fmt.Sprint(c.Header), token) {
			t.Errorf("the token reached the chatbot: %s %v", c.Body, c.Header)
		}
	}
	if s := fmt.Sprintf("%v %+v", h, h); strings.Contains(s, clovatest.SecretKey) {
		t.Errorf("the handler prints its secret key: %s", s)
	}
}

// TestChatbotHandlerThroughLINE: a LINE bot linked to the domain end to
// end, through line.NewBotHandler and the two fakes.
func TestChatbotHandlerThroughLINE(t *testing.T) {
	t.Parallel()
	fake := newChatbotFake(t)
	lf := linetest.NewServer(t)
	var mu sync.Mutex
	var reported []error
	bh, err := line.NewBotHandler(signature.MustSecretSet(linetest.ChannelSecret), mustChatbot(t, fake.Client()),
		line.WithClient(lf.Client()), line.WithErrorHandler(func(_ *http.Request, err error) {
			mu.Lock()
			reported = append(reported, err)
			mu.Unlock()
		}))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []line.Event{linetest.Follow("U1"), linetest.TextMessage("U1", "hi"), linetest.Postback("U1", "order:pizza"), linetest.StickerMessage("U1", "1", "1")} {
		rec := httptest.NewRecorder()
		bh.ServeHTTP(rec, linetest.NewRequest(t, linetest.ChannelSecret, ev))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		if err := bh.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	wantAsked := []asked{{"open", "line::U1", ""}, {"send", "line::U1", "hi"}, {"send", "line::U1", "order:pizza"}}
	if diff := cmp.Diff(wantAsked, askedOf(t, fake)); diff != "" {
		t.Errorf("asked (-want +got):\n%s", diff)
	}
	var texts []string
	for _, c := range lf.Replies() {
		for _, m := range c.Messages {
			s, _ := m["text"].(string)
			texts = append(texts, s)
		}
	}
	if diff := cmp.Diff([]string{"Welcome!", "hello", "one pizza"}, texts); diff != "" {
		t.Errorf("LINE replies (-want +got):\n%s", diff)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 0 {
		t.Errorf("errors reported: %v", reported)
	}
}

// TestChatbotHandlerThroughCEK: CEK voice linked to the domain, through a
// multi-bot BotHandler: the answer is spoken, the user is the extension's.
func TestChatbotHandlerThroughCEK(t *testing.T) {
	t.Parallel()
	fake := newChatbotFake(t)
	var linkedTo string
	h, err := clova.NewMultiBotHandler(staticBots(t, extA, extB), mustChatbot(t, fake.Client(), clova.WithCEKSlot("utterance"),
		clova.WithAccountLink(func(_ context.Context, uid string, _ clova.AccessToken) error { linkedTo = uid; return nil })),
		clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for _, req := range []*clova.Request{
		clovatest.Launch(clovatest.WithApplicationID(extA), clovatest.WithAccessToken("tok-1")),
		clovatest.Intent("Free", clovatest.WithApplicationID(extB), clovatest.WithSlot("utterance", "two pepperoni")),
	} {
		said = append(said, spokenBody(t, serve(h, clovatest.NewRequest(t, nil, req)))...)
	}
	if diff := cmp.Diff([]string{"Welcome!", "two pepperoni coming"}, said); diff != "" {
		t.Errorf("spoken (-want +got):\n%s", diff)
	}
	wantAsked := []asked{{"open", "clova:" + extA + ":" + clovatest.UserID, ""}, {"send", "clova:" + extB + ":" + clovatest.UserID, "two pepperoni"}}
	if diff := cmp.Diff(wantAsked, askedOf(t, fake)); diff != "" {
		t.Errorf("asked (-want +got):\n%s", diff)
	}
	if linkedTo != "clova:"+extA+":"+clovatest.UserID {
		t.Errorf("linked %q", linkedTo)
	}
}
