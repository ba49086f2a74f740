package clova_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
)

// botServer is a BotHandler behind a real httptest server, with the
// errors its error handler received.
type botServer struct {
	t   testing.TB
	h   *clova.BotHandler
	srv *httptest.Server

	mu   sync.Mutex
	errs []error
}

func newBotServer(t testing.TB, h message.Handler, opts ...clova.HandlerOption) *botServer {
	t.Helper()
	s := &botServer{t: t}
	opts = append([]clova.HandlerOption{
		clova.WithPublicKey(clovatest.PublicKey()),
		clova.WithErrorHandler(func(_ *http.Request, err error) {
			s.mu.Lock()
			s.errs = append(s.errs, err)
			s.mu.Unlock()
		}),
	}, opts...)
	bh, err := clova.NewBotHandler(clovatest.ApplicationID, h, opts...)
	if err != nil {
		t.Fatal(err)
	}
	s.h = bh
	s.srv = httptest.NewServer(bh)
	t.Cleanup(s.srv.Close)
	return s
}

// post sends req signed, waits for the handler, and returns the status and
// the decoded response (nil unless 200).
func (s *botServer) post(req *clova.Request) (int, *clova.Response) {
	s.t.Helper()
	hr, err := clovatest.NewSignedRequest(nil, s.srv.URL, req)
	if err != nil {
		s.t.Fatal(err)
	}
	res, err := s.srv.Client().Do(hr)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.h.Wait(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		if len(body) != 0 {
			s.t.Errorf("status %d with body %q, want an empty body", res.StatusCode, body)
		}
		return res.StatusCode, nil
	}
	resp := new(clova.Response)
	if err := json.Unmarshal(body, resp); err != nil {
		s.t.Fatalf("decoding %s: %v", body, err)
	}
	if err := resp.Validate(); err != nil {
		s.t.Errorf("the handler answered an invalid response: %v", err)
	}
	return res.StatusCode, resp
}

func (s *botServer) reported() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.errs...)
}

// spoken returns the PlainText values a response speaks, in order.
func spoken(resp *clova.Response) []string {
	var out []string
	if resp == nil || resp.Response.OutputSpeech == nil {
		return nil
	}
	for _, v := range resp.Response.OutputSpeech.Values {
		if v.Type == clova.PlainTextType {
			out = append(out, v.Value)
		}
	}
	return out
}

func text(s string) *message.Text { return &message.Text{Text: s} }

// TestBotConforms runs the responder suite. CEK never delivers what the
// user said, only the intent CLOVA recognised (ToIncoming makes it a
// KindPostback whose Data is the intent's name), so the harness sends the
// intent "hello" and, before the suite's handler sees it, turns that
// postback into the text the suite expects. Everything the suite checks
// after that (what is spoken, in which order, exactly once; Typing,
// hand-over, the handler's error) goes through the real BotHandler;
// TestBotHandlerSpeaksEveryReplyInOrder checks the Incoming CLOVA really
// gives.
func TestBotConforms(t *testing.T) {
	t.Parallel()
	messagetest.TestBot(t, messagetest.Bot{
		Platform: message.Clova,
		Caps:     clova.Capabilities,
		Run: func(t testing.TB, h message.Handler) ([]string, []error) {
			asText := message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
				if in.Kind != message.KindPostback || in.Data != "hello" {
					t.Errorf("CLOVA delivered %s %q, want the intent hello as a postback", in.Kind, in.Data)
				}
				said := *in
				said.Kind, said.Content, said.Data = message.KindMessage, &message.Text{Text: in.Data}, ""
				return h.Handle(ctx, &said, r)
			})
			s := newBotServer(t, asText)
			code, resp := s.post(clovatest.Intent("hello", clovatest.WithUserID("user-1")))
			if code != http.StatusOK && code != http.StatusInternalServerError {
				t.Errorf("status %d", code)
			}
			return spoken(resp), s.reported()
		},
	})
}

func TestBotHandlerSpeaksEveryReplyInOrder(t *testing.T) {
	t.Parallel()
	var got message.Incoming
	s := newBotServer(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		got = *in
		if _, err := r.Reply(ctx, text("one.")); err != nil {
			return err
		}
		_, err := r.Reply(ctx, text("two."), text("three."))
		return err
	}))
	code, resp := s.post(clovatest.Intent("OrderPizza", clovatest.WithUserID("u1")))
	if code != http.StatusOK {
		t.Fatalf("status %d, want 200; reported %v", code, s.reported())
	}
	if got.Kind != message.KindPostback || got.Data != "OrderPizza" || got.UserID != "u1" || got.Platform != message.Clova {
		t.Errorf("incoming %+v, want the intent as a postback from u1", got)
	}
	if want := []string{"one.", "two.", "three."}; !slices.Equal(spoken(resp), want) {
		t.Errorf("spoken %q, want %q", spoken(resp), want)
	}
	if resp.Response.OutputSpeech.Type != clova.SpeechListType || !resp.Response.ShouldEndSession || resp.Version != "1.0" {
		t.Errorf("response %+v, want a SpeechList that ends the session, version 1.0", resp)
	}
	if errs := s.reported(); len(errs) != 0 {
		t.Errorf("reported %v, want nothing", errs)
	}
}

func TestBotHandlerOneReplyIsRender(t *testing.T) {
	t.Parallel()
	s := newBotServer(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, text("hello"))
		return err
	}))
	_, resp := s.post(clovatest.Launch())
	want, _, err := clova.Render(text("hello"), message.RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want.Version = "1.0"
	if g, w := mustJSON(t, resp), mustJSON(t, want); g != w {
		t.Errorf("response\n%s\nwant Render's\n%s", g, w)
	}
}

func TestBotHandlerLaunchIsFollowAndTelemetrySkipsTheHandler(t *testing.T) {
	t.Parallel()
	var kinds []message.Kind
	s := newBotServer(t, message.HandlerFunc(func(_ context.Context, in *message.Incoming, _ message.Responder) error {
		kinds = append(kinds, in.Kind)
		return nil
	}))
	if code, resp := s.post(clovatest.Launch()); code != http.StatusOK || !resp.Response.ShouldEndSession || resp.Response.OutputSpeech != nil {
		t.Errorf("launch: status %d, response %+v; want 200 and an empty response", code, resp)
	}
	code, resp := s.post(clovatest.Event("AudioPlayer", "PlayStarted", map[string]any{"token": "t"}))
	if code != http.StatusOK || resp.Response.OutputSpeech != nil {
		t.Errorf("telemetry: status %d, response %+v; want 200 and an empty response", code, resp)
	}
	if want := []message.Kind{message.KindFollow}; !slices.Equal(kinds, want) {
		t.Errorf("the handler saw %v, want %v (telemetry never reaches it)", kinds, want)
	}
}

// TestBotHandlerReplyThenFail: a handler that replies and then fails is
// answered 500, not with the half answer, and its error is reported.
func TestBotHandlerReplyThenFail(t *testing.T) {
	t.Parallel()
	boom := errors.New("database down")
	s := newBotServer(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
		if _, err := r.Reply(ctx, text("half an answer")); err != nil {
			t.Error(err)
		}
		return boom
	}))
	code, _ := s.post(clovatest.Intent("Ask"))
	if code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", code)
	}
	errs := s.reported()
	if len(errs) != 1 || !errors.Is(errs[0], boom) || !errors.Is(errs[0], clova.ErrCallback) {
		t.Errorf("reported %v, want the handler's error wrapping ErrCallback, once", errs)
	}
}

func TestBotHandlerPanicIs500AndReported(t *testing.T) {
	t.Parallel()
	s := newBotServer(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
		_, _ = r.Reply(ctx, text("before"))
		panic("bug")
	}))
	if code, _ := s.post(clovatest.Intent("Ask")); code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", code)
	}
	if errs := s.reported(); len(errs) != 1 || !errors.Is(errs[0], clova.ErrCallback) {
		t.Errorf("reported %v, want one error wrapping ErrCallback", errs)
	}
}

// TestBotHandlerSpeechBudget: one response speaks at most 1,000
// characters. A reply that crosses the budget is cut (Truncated); one past
// it is not spoken (Dropped, an error, and reported), and the rest is
// answered.
func TestBotHandlerSpeechBudget(t *testing.T) {
	t.Parallel()
	var reps []message.Report
	var errs []error
	s := newBotServer(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
		for _, c := range []message.Content{text(words(900)), text(words(300)), text("more.")} {
			rep, err := r.Reply(ctx, c)
			reps, errs = append(reps, rep), append(errs, err)
		}
		return nil
	}))
	code, resp := s.post(clovatest.Intent("Tell"))
	if code != http.StatusOK {
		t.Fatalf("status %d, want 200 with what fits", code)
	}
	total := 0
	for _, v := range spoken(resp) {
		total += utf8.RuneCountInString(v)
	}
	if total > 1000 || total < 990 {
		t.Errorf("spoke %d characters, want the budget of 1,000 filled", total)
	}
	if errs[0] != nil || !reps[0].Lossless() {
		t.Errorf("first reply: %v, %v; want lossless", reps[0], errs[0])
	}
	if errs[1] != nil || !hasLoss(reps[1], "[0]", message.Truncated) {
		t.Errorf("second reply: %v, %v; want a Truncated loss and no error", reps[1], errs[1])
	}
	if errs[2] == nil || !errors.Is(errs[2], errors.ErrUnsupported) || !hasLoss(reps[2], "[0]", message.Dropped) {
		t.Errorf("third reply: %v, %v; want a Dropped loss and an error", reps[2], errs[2])
	}
	got := s.reported()
	if len(got) != 1 || !errors.Is(got[0], clova.ErrCallback) || !strings.Contains(got[0].Error(), "speech limit") {
		t.Errorf("reported %v, want the dropped reply wrapping ErrCallback", got)
	}
}

// words returns n characters of sentences of ten.
func words(n int) string {
	return strings.Repeat("abcdefghi.", n/10)
}

// TestBotHandlerUnsayableContent: the contents before one CEK cannot say
// are spoken; it and every later content of the Reply are Dropped, and
// Reply's error wraps why.
func TestBotHandlerUnsayableContent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		opts []clova.HandlerOption
		bad  message.Content
		want error
	}{
		{"unsayable", nil, &message.Video{URL: "https://example.com/v.mp4"}, errors.ErrUnsupported},
		{"strict refuses a loss", []clova.HandlerOption{clova.WithRenderOptions(message.RenderOptions{Strict: true})},
			&message.Card{Title: "Menu", Text: "pizza"}, message.ErrLossy},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rep message.Report
			var rerr error
			s := newBotServer(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
				rep, rerr = r.Reply(ctx, text("here."), tt.bad, text("after."))
				return nil
			}), tt.opts...)
			_, resp := s.post(clovatest.Intent("Show"))
			if want := []string{"here."}; !slices.Equal(spoken(resp), want) {
				t.Errorf("spoken %q, want %q", spoken(resp), want)
			}
			if !errors.Is(rerr, tt.want) {
				t.Errorf("Reply error %v, want one wrapping %v", rerr, tt.want)
			}
			if len(rep.Losses) != 2 ||
				rep.Losses[0].Path != "[1]" || rep.Losses[0].Reason != message.Dropped || !strings.HasPrefix(rep.Losses[0].Detail, "did not render: ") ||
				rep.Losses[1].Path != "[2]" || rep.Losses[1].Reason != message.Dropped || !strings.HasPrefix(rep.Losses[1].Detail, "held back") {
				t.Errorf("losses %v, want [1] dropped (did not render) and [2] dropped (held back)", rep.Losses)
			}
			if errs := s.reported(); len(errs) != 1 || !errors.Is(errs[0], clova.ErrCallback) {
				t.Errorf("reported %v, want the failure wrapping ErrCallback", errs)
			}
		})
	}
}

func TestBotHandlerStrictRefusesALoss(t *testing.T) {
	t.Parallel()
	var rep message.Report
	var rerr error
	var opts message.RenderOptions
	s := newBotServer(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
		opts = r.RenderOptions()
		rep, rerr = r.Reply(ctx, &message.Card{Title: "Menu", Text: "pizza"})
		return nil
	}), clova.WithRenderOptions(message.RenderOptions{Strict: true}))
	_, resp := s.post(clovatest.Intent("Show"))
	if !opts.Strict {
		t.Error("RenderOptions() is not the configured strict")
	}
	if len(spoken(resp)) != 0 {
		t.Errorf("spoken %q, want nothing", spoken(resp))
	}
	if !errors.Is(rerr, message.ErrLossy) || !hasLoss(rep, "[0]", message.Dropped) {
		t.Errorf("Reply = %v, %v; want ErrLossy and a Dropped loss", rep, rerr)
	}
}

// TestBotHandlerReplyAfterReturn: a Responder used after the handler
// returned delivers nothing, returns an error wrapping
// message.ErrResponderDone, reports every content as a Dropped loss at its
// index and leaves the error handler alone (the caller has the error).
func TestBotHandlerReplyAfterReturn(t *testing.T) {
	t.Parallel()
	var late message.Responder
	s := newBotServer(t, message.HandlerFunc(func(_ context.Context, _ *message.Incoming, r message.Responder) error {
		late = r
		return nil
	}))
	s.post(clovatest.Intent("Ask"))
	ctx := context.Background()
	rep, err := late.Reply(ctx, text("too late"), text("later"))
	if !errors.Is(err, message.ErrResponderDone) || !hasLoss(rep, "[0]", message.Dropped) || !hasLoss(rep, "[1]", message.Dropped) {
		t.Errorf("late Reply = %v, %v; want Dropped losses at [0] and [1] and ErrResponderDone", rep, err)
	}
	for name, f := range map[string]func(context.Context) error{"Typing": late.Typing, "PassToHuman": late.PassToHuman, "TakeBack": late.TakeBack} {
		if err := f(ctx); !errors.Is(err, message.ErrResponderDone) {
			t.Errorf("late %s: %v; want ErrResponderDone", name, err)
		}
	}
	if errs := s.reported(); len(errs) != 0 {
		t.Errorf("reported %v; want nothing: the late caller has the error", errs)
	}
}

// TestBotHandlerSessionEnded: CLOVA ignores the response to a
// SessionEndedRequest, so a reply to it is a loss and an error, not
// silence.
func TestBotHandlerSessionEnded(t *testing.T) {
	t.Parallel()
	var rep message.Report
	var rerr error
	s := newBotServer(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		rep, rerr = r.Reply(ctx, text("bye"))
		return nil
	}))
	if code, _ := s.post(clovatest.SessionEnded()); code != http.StatusOK {
		t.Errorf("status %d, want 200", code)
	}
	if !errors.Is(rerr, errors.ErrUnsupported) || !hasLoss(rep, "[0]", message.Dropped) {
		t.Errorf("Reply = %v, %v; want a Dropped loss and ErrUnsupported", rep, rerr)
	}
	if errs := s.reported(); len(errs) != 1 || !errors.Is(errs[0], clova.ErrCallback) {
		t.Errorf("reported %v, want the reply wrapping ErrCallback", errs)
	}
}

func TestBotHandlerResponderModel(t *testing.T) {
	t.Parallel()
	s := newBotServer(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
		if err := r.Typing(ctx); !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("Typing = %v, want ErrUnsupported", err)
		}
		if err := r.PassToHuman(ctx); !errors.Is(err, message.ErrNoHandover) {
			t.Errorf("PassToHuman = %v, want ErrNoHandover", err)
		}
		if err := r.TakeBack(ctx); !errors.Is(err, message.ErrNoHandover) {
			t.Errorf("TakeBack = %v, want ErrNoHandover", err)
		}
		if c := r.Capabilities(); c.Platform != message.Clova || c.MaxTextLen != clova.Capabilities.MaxTextLen {
			t.Errorf("Capabilities = %+v, want clova.Capabilities", c)
		}
		if r.RenderOptions().Strict {
			t.Error("RenderOptions is strict by default")
		}
		return nil
	}))
	s.post(clovatest.Intent("Ask"))
}

func TestBotHandlerSpeaksTheLocale(t *testing.T) {
	t.Parallel()
	s := newBotServer(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, text("こんにちは"))
		return err
	}))
	req := clovatest.Intent("Greet")
	req.Request.(*clova.IntentRequest).Locale = "ja-JP"
	_, resp := s.post(req)
	if v := resp.Response.OutputSpeech.Values; len(v) != 1 || v[0].Lang != clova.Japanese {
		t.Errorf("speech %+v, want Japanese", v)
	}
}

// TestBotHandlerSessionState: without a state store, the conversation
// state is the session attribute channelkit.state, sent back (with the
// other attributes) when the handler changes it, and the session is kept
// open for it.
func TestBotHandlerSessionState(t *testing.T) {
	t.Parallel()
	var seen []string
	s := newBotServer(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		conv := message.ConversationFrom(ctx)
		if conv == nil || conv.ID != in.ConversationID {
			t.Fatalf("conversation %+v, want one for %q", conv, in.ConversationID)
		}
		seen = append(seen, string(conv.Value()))
		switch in.Data {
		case "Count":
			conv.Set(append(conv.Value(), '+'))
		case "Forget":
			conv.Set(nil)
		}
		_, err := r.Reply(ctx, text("ok"))
		return err
	}))
	attrs := map[string]any{clova.StateAttribute: "+", "mine": 7}

	_, resp := s.post(clovatest.Intent("Count", clovatest.WithSessionAttributes(attrs)))
	if got := decodeAttrs(t, resp); got[clova.StateAttribute] != "++" || got["mine"] != float64(7) {
		t.Errorf("attributes %v, want the state ++ and mine kept", got)
	}
	if resp.Response.ShouldEndSession {
		t.Error("the session ends, and the state with it")
	}

	_, resp = s.post(clovatest.Intent("Look", clovatest.WithSessionAttributes(attrs)))
	if got := decodeAttrs(t, resp); got[clova.StateAttribute] != "+" || got["mine"] != float64(7) {
		t.Errorf("unchanged: attributes %v, want the request's sent back", got)
	}
	if !resp.Response.ShouldEndSession {
		t.Error("unchanged state: the session stays open, want it ended as NewResponse does")
	}

	_, resp = s.post(clovatest.Intent("Forget", clovatest.WithSessionAttributes(attrs)))
	if got := decodeAttrs(t, resp); len(got) != 1 || got["mine"] != float64(7) {
		t.Errorf("forgotten: attributes %v, want only mine", got)
	}

	_, resp = s.post(clovatest.Intent("Count", clovatest.WithoutSession()))
	if got := decodeAttrs(t, resp); got[clova.StateAttribute] != "+" {
		t.Errorf("no session: attributes %v, want the new state", got)
	}
	if want := []string{"+", "+", "+", ""}; !slices.Equal(seen, want) {
		t.Errorf("the handler saw states %q, want %q", seen, want)
	}
}

// TestBotHandlerStateStore: with message.Conversations the store keeps the
// state, and the session attributes are sent back untouched.
func TestBotHandlerStateStore(t *testing.T) {
	t.Parallel()
	st := message.NewMemoryState(0)
	h := message.Chain(message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
		message.ConversationFrom(ctx).Set([]byte("stored"))
		return nil
	}), message.Conversations(st, 0))
	s := newBotServer(t, h)
	_, resp := s.post(clovatest.Intent("Count", clovatest.WithUserID("u9"), clovatest.WithSessionAttributes(map[string]any{"mine": 1})))
	if got := decodeAttrs(t, resp); len(got) != 1 || got["mine"] != float64(1) {
		t.Errorf("attributes %v, want the request's untouched", got)
	}
	if v, ok, _ := st.Load(context.Background(), "u9"); !ok || string(v) != "stored" {
		t.Errorf("store holds %q, %v; want stored", v, ok)
	}
}

func TestBotHandlerStateNotText(t *testing.T) {
	t.Parallel()
	s := newBotServer(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, _ message.Responder) error {
		message.ConversationFrom(ctx).Set([]byte{0xff, 0xfe})
		return nil
	}))
	if code, _ := s.post(clovatest.Intent("Count")); code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", code)
	}
	if errs := s.reported(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "UTF-8") {
		t.Errorf("reported %v, want the state error", errs)
	}
}

func TestNewBotHandlerArguments(t *testing.T) {
	t.Parallel()
	h := message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
	if _, err := clova.NewBotHandler("", h); !errors.Is(err, clova.ErrInvalid) {
		t.Errorf("empty extension ID: %v, want ErrInvalid", err)
	}
	if _, err := clova.NewBotHandler(clovatest.ApplicationID, nil); !errors.Is(err, clova.ErrInvalid) {
		t.Errorf("nil handler: %v, want ErrInvalid", err)
	}
	if _, err := clova.NewBotHandler(clovatest.ApplicationID, h, nil); !errors.Is(err, clova.ErrInvalid) {
		t.Errorf("nil option: %v, want ErrInvalid", err)
	}
	fn := func(context.Context, *clova.Request) (*clova.Response, error) { return nil, nil }
	if _, err := clova.NewWebhookHandler(clovatest.ApplicationID, fn, clova.WithRenderOptions(message.RenderOptions{})); !errors.Is(err, clova.ErrInvalid) {
		t.Errorf("NewWebhookHandler(WithRenderOptions): %v, want ErrInvalid", err)
	}
	b, err := clova.NewBotHandler(clovatest.ApplicationID, h)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(fmt.Sprintf("%v", b)); !strings.Contains(got, clovatest.ApplicationID) || !strings.HasPrefix(got, "clova.BotHandler") {
		t.Errorf("prints as %q", got)
	}
}

func hasLoss(rep message.Report, path string, reason message.Reason) bool {
	for _, l := range rep.Losses {
		if l.Path == path && l.Reason == reason {
			return true
		}
	}
	return false
}

func decodeAttrs(t *testing.T, resp *clova.Response) map[string]any {
	t.Helper()
	m := map[string]any{}
	if resp == nil {
		t.Fatal("no response")
	}
	if len(resp.SessionAttributes) > 0 {
		if err := json.Unmarshal(resp.SessionAttributes, &m); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
