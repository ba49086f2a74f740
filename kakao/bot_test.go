package kakao_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
	"github.com/google/go-cmp/cmp"
)

// botRig is one bot handler behind a real httptest server, with a fake
// callback endpoint and the errors the handler reported.
type botRig struct {
	t   testing.TB
	cb  *kakaotest.Server
	clk *webhookio.ManualClock
	bot *kakao.BotHandler
	srv *httptest.Server
	rec *errRecorder
}

// newBotRig builds a callback-enabled bot around h. When late is set, h
// runs only after the callback budget has run out: the answer goes to the
// callback URL.
func newBotRig(t testing.TB, h message.Handler, late bool, opts ...kakao.HandlerOption) *botRig {
	t.Helper()
	g := &botRig{t: t, cb: kakaotest.NewServer(t), clk: webhookio.NewManualClock(time.Now()), rec: &errRecorder{}}
	if late {
		inner := h
		h = message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			g.clk.Advance(kakao.DefaultCallbackBudget) // writes the useCallback answer
			return inner.Handle(ctx, in, r)
		})
	}
	opts = append([]kakao.HandlerOption{
		kakao.WithCallback(0, nil), kakao.WithClient(g.cb.Client()), kakao.WithErrorHandler(g.rec.handle),
	}, opts...)
	bot, err := kakao.NewBotHandler(h, opts...)
	if err != nil {
		t.Fatal(err)
	}
	kakao.SetBotClock(bot, g.clk)
	g.bot = bot
	g.srv = httptest.NewServer(bot)
	t.Cleanup(g.srv.Close)
	return g
}

// post sends a skill request with a fresh callback URL over HTTP, waits
// for the handler, and returns its HTTP answer.
func (g *botRig) post(opts ...kakaotest.RequestOption) (int, *kakao.Response) {
	g.t.Helper()
	opts = append([]kakaotest.RequestOption{kakaotest.WithCallbackURL(g.cb.NewCallbackURL())}, opts...)
	res, err := g.srv.Client().Post(g.srv.URL, "application/json", bytes.NewReader(kakaotest.NewBody(g.t, opts...)))
	if err != nil {
		g.t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		g.t.Fatal(err)
	}
	if err := g.bot.Wait(context.Background()); err != nil {
		g.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, nil
	}
	var resp kakao.Response
	if err := json.Unmarshal(body, &resp); err != nil {
		g.t.Fatalf("answer %s: %v", body, err)
	}
	return res.StatusCode, &resp
}

// texts returns the simpleText outputs of resp.
func texts(resp *kakao.Response) []string {
	var out []string
	if resp == nil || resp.Template == nil {
		return nil
	}
	for _, o := range resp.Template.Outputs {
		if o.SimpleText != nil {
			out = append(out, o.SimpleText.Text)
		}
	}
	return out
}

// received is every text the user got: the HTTP answer's, then the
// callback deliveries' that Kakao accepted.
func (g *botRig) received(answer *kakao.Response) []string {
	var got []string
	if answer != nil && !answer.UseCallback {
		got = texts(answer)
	}
	for _, c := range g.cb.Calls() {
		if c.Status == kakao.CallbackSuccess {
			got = append(got, texts(c.Response)...)
		}
	}
	return got
}

func kakaoBot(late bool) messagetest.Bot {
	return messagetest.Bot{
		Platform: message.Kakao,
		Caps:     kakao.Capabilities,
		Run: func(t testing.TB, h message.Handler) ([]string, []error) {
			g := newBotRig(t, h, late)
			status, answer := g.post(kakaotest.WithUtterance("hello"))
			if late && (status != 200 || !answer.UseCallback) {
				t.Errorf("HTTP answer %d %+v, want the useCallback answer", status, answer)
			}
			return g.received(answer), g.rec.all()
		},
	}
}

func TestBotConformance(t *testing.T) {
	t.Run("skill_response", func(t *testing.T) { messagetest.TestBot(t, kakaoBot(false)) })
	t.Run("callback", func(t *testing.T) { messagetest.TestBot(t, kakaoBot(true)) })
}

// TestBotCallbackRefused: Kakao refuses the callback (a FAIL or ERROR in
// its answer, or an HTTP failure); the failure reaches the error handler,
// and the answer was POSTed exactly once.
func TestBotCallbackRefused(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		refuse  func(cb *kakaotest.Server)
		code    string
		status  int
		message string
	}{
		{"reject_fail", func(cb *kakaotest.Server) { cb.RejectNext(kakao.CallbackFail, "Invalid bot ID. Check your Bot ID.") },
			"FAIL", 200, "Invalid bot ID. Check your Bot ID."},
		{"reject_error", func(cb *kakaotest.Server) {
			cb.RejectNext(kakao.CallbackError, "Internal server error occured. Please contact technical support. 501")
		}, "ERROR", 200, "Internal server error occured. Please contact technical support. 501"},
		{"fail_502", func(cb *kakaotest.Server) {
			cb.FailNext(kakaotest.Fault{Path: kakaotest.CallbackPath, Status: http.StatusBadGateway})
		}, "ERROR", http.StatusBadGateway, kakaotest.MsgInternalError},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := newBotRig(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
				_, err := r.Reply(ctx, &message.Text{Text: "늦은 답"})
				return err
			}), true)
			tt.refuse(g.cb)
			status, answer := g.post()
			if status != 200 || answer == nil || !answer.UseCallback {
				t.Fatalf("HTTP answer %d %+v, want the useCallback answer", status, answer)
			}
			calls := g.cb.Calls()
			if len(calls) != 1 {
				t.Fatalf("%d callback POSTs, want exactly 1", len(calls))
			}
			if diff := cmp.Diff([]string{"늦은 답"}, texts(calls[0].Response)); diff != "" {
				t.Errorf("posted answer (-want +got):\n%s", diff)
			}
			errs := g.rec.all()
			if len(errs) != 1 {
				t.Fatalf("reported %v, want one error", errs)
			}
			var apiErr *kakao.APIError
			if !errors.Is(errs[0], kakao.ErrCallback) || !errors.As(errs[0], &apiErr) {
				t.Fatalf("reported %v, want an *APIError wrapping ErrCallback", errs[0])
			}
			if apiErr.StatusCode != tt.status || apiErr.Code != tt.code || apiErr.Message != tt.message {
				t.Errorf("APIError %+v", apiErr)
			}
			if strings.Contains(errs[0].Error(), calls[0].Token) {
				t.Errorf("the error holds the callback token: %v", errs[0])
			}
		})
	}
}

// TestBotReplies covers what the Responder makes of replies: appended in
// order, over the output limit dropped and reported, a handler's error
// after a reply, nothing replied, strict rendering.
func TestBotReplies(t *testing.T) {
	t.Parallel()
	text := func(s string) message.Content { return &message.Text{Text: s} }
	type result struct {
		reports []message.Report
		errs    []error
	}
	errBoom := errors.New("boom")
	for _, tt := range []struct {
		name      string
		opts      []kakao.HandlerOption
		handle    func(ctx context.Context, r message.Responder, res *result) error
		status    int
		body      []string // texts answered
		losses    [][]string
		failed    []bool // Reply returned an error
		reported  error  // wrapped by the one reported error; nil: none
		noReplyOK bool   // the answer is the empty {"version":"2.0"}
		// reportsReply: the one reported error carries the last Reply's
		// error.
		reportsReply bool
	}{
		{
			name: "two_replies_in_order",
			handle: func(ctx context.Context, r message.Responder, res *result) error {
				for _, s := range []string{"하나", "둘"} {
					rep, err := r.Reply(ctx, text(s))
					res.reports, res.errs = append(res.reports, rep), append(res.errs, err)
				}
				return nil
			},
			status: 200, body: []string{"하나", "둘"}, losses: [][]string{nil, nil}, failed: []bool{false, false},
		},
		{
			name: "over_the_output_limit",
			handle: func(ctx context.Context, r message.Responder, res *result) error {
				rep, err := r.Reply(ctx, text("1"), text("2"))
				res.reports, res.errs = append(res.reports, rep), append(res.errs, err)
				rep, err = r.Reply(ctx, text("3"), text("4"), &message.Sticker{PackageID: "1", StickerID: "2"})
				res.reports, res.errs = append(res.reports, rep), append(res.errs, err)
				return nil
			},
			status: 200, body: []string{"1", "2", "3"},
			losses: [][]string{nil, {"[1]: dropped", "[2]: dropped"}}, failed: []bool{false, true}, reportsReply: true,
		},
		{
			name: "long_text_in_part",
			handle: func(ctx context.Context, r message.Responder, res *result) error {
				rep, err := r.Reply(ctx, text("1"), text(strings.Repeat("가", 2*kakao.MaxSimpleTextLen+1)))
				res.reports, res.errs = append(res.reports, rep), append(res.errs, err)
				return nil
			},
			status: 200, body: []string{"1", strings.Repeat("가", kakao.MaxSimpleTextLen), strings.Repeat("가", kakao.MaxSimpleTextLen)},
			losses: [][]string{{"[1]: dropped", "[1].Text: split"}}, failed: []bool{true}, reportsReply: true,
		},
		{
			name: "strict_refuses_a_loss",
			opts: []kakao.HandlerOption{kakao.WithRenderOptions(message.RenderOptions{Strict: true})},
			handle: func(ctx context.Context, r message.Responder, res *result) error {
				long := text(strings.Repeat("가", kakao.MaxSimpleTextLen+1))
				rep, err := r.Reply(ctx, text("짧은 답"), long)
				res.reports, res.errs = append(res.reports, rep), append(res.errs, err)
				return nil
			},
			status: 200, body: []string{"짧은 답"}, losses: [][]string{{"[1]: dropped"}}, failed: []bool{true}, reportsReply: true,
		},
		{
			name: "render_failure_holds_back_the_rest",
			handle: func(ctx context.Context, r message.Responder, res *result) error {
				rep, err := r.Reply(ctx, text("1"), &message.Unknown{Platform: message.LINE}, text("3"))
				res.reports, res.errs = append(res.reports, rep), append(res.errs, err)
				if !errors.Is(err, errors.ErrUnsupported) {
					t.Errorf("Reply error %v; want the render error", err)
				}
				return nil
			},
			status: 200, body: []string{"1"}, losses: [][]string{{"[1]: dropped", "[2]: dropped"}}, failed: []bool{true}, reportsReply: true,
		},
		{
			name: "strict_refusal_holds_back_the_rest",
			opts: []kakao.HandlerOption{kakao.WithRenderOptions(message.RenderOptions{Strict: true})},
			handle: func(ctx context.Context, r message.Responder, res *result) error {
				long := text(strings.Repeat("가", kakao.MaxSimpleTextLen+1))
				rep, err := r.Reply(ctx, text("1"), long, text("3"))
				res.reports, res.errs = append(res.reports, rep), append(res.errs, err)
				if !errors.Is(err, message.ErrLossy) {
					t.Errorf("Reply error %v; want the refused loss", err)
				}
				return nil
			},
			status: 200, body: []string{"1"}, losses: [][]string{{"[1]: dropped", "[2]: dropped"}}, failed: []bool{true}, reportsReply: true,
		},
		{
			name: "failed_reply_returned_is_reported_once",
			handle: func(ctx context.Context, r message.Responder, res *result) error {
				rep, err := r.Reply(ctx, text("1"), &message.Sticker{PackageID: "1", StickerID: "2"})
				res.reports, res.errs = append(res.reports, rep), append(res.errs, err)
				return err
			},
			status: 200, body: []string{"1"}, losses: [][]string{{"[1]: dropped"}}, failed: []bool{true}, reportsReply: true,
		},
		{
			name: "error_after_a_reply_is_delivered_and_reported",
			handle: func(ctx context.Context, r message.Responder, res *result) error {
				rep, err := r.Reply(ctx, text("죄송합니다"))
				res.reports, res.errs = append(res.reports, rep), append(res.errs, err)
				return errBoom
			},
			status: 200, body: []string{"죄송합니다"}, losses: [][]string{nil}, failed: []bool{false}, reported: errBoom,
		},
		{
			name:     "error_without_a_reply_is_500",
			handle:   func(context.Context, message.Responder, *result) error { return errBoom },
			status:   500,
			reported: errBoom,
		},
		{
			name:      "nothing_replied",
			handle:    func(context.Context, message.Responder, *result) error { return nil },
			status:    200,
			noReplyOK: true,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var res result
			var rec errRecorder
			opts := append([]kakao.HandlerOption{kakao.WithErrorHandler(rec.handle)}, tt.opts...)
			bot, err := kakao.NewBotHandler(message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
				return tt.handle(ctx, r, &res)
			}), opts...)
			if err != nil {
				t.Fatal(err)
			}
			got := kakaotest.Post(t, bot)
			if got.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", got.StatusCode, tt.status)
			}
			if diff := cmp.Diff(tt.body, texts(got.Response)); diff != "" {
				t.Errorf("answered (-want +got):\n%s", diff)
			}
			if tt.noReplyOK && string(got.Body) != `{"version":"2.0"}` {
				t.Errorf("empty answer %s", got.Body)
			}
			var losses [][]string
			var failed []bool
			for i, rep := range res.reports {
				var ls []string
				for _, l := range rep.Losses {
					ls = append(ls, l.Path+": "+l.Reason.String())
				}
				losses = append(losses, ls)
				failed = append(failed, res.errs[i] != nil)
			}
			if diff := cmp.Diff(tt.losses, losses); diff != "" {
				t.Errorf("losses (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.failed, failed); diff != "" {
				t.Errorf("Reply errors (-want +got):\n%s", diff)
			}
			errs := rec.all()
			switch {
			case tt.reportsReply:
				last := res.errs[len(res.errs)-1]
				if len(errs) != 1 || !errors.Is(errs[0], last) || !errors.Is(errs[0], kakao.ErrCallback) {
					t.Errorf("reported %v, want one error wrapping ErrCallback and the failed Reply's %v", errs, last)
				}
			case tt.reported == nil && len(errs) != 0:
				t.Errorf("reported %v", errs)
			case tt.reported != nil && (len(errs) != 1 || !errors.Is(errs[0], tt.reported) || !errors.Is(errs[0], kakao.ErrCallback)):
				t.Errorf("reported %v, want one error wrapping ErrCallback and %v", errs, tt.reported)
			}
		})
	}
}

// TestBotQuickReplies: quick replies of several contents attach to the one
// response, up to Kakao's limit; the rest are Dropped losses and the
// Reply's error (reported, as the handler ignored it). Strict rendering
// refuses the content whose quick replies do not fit.
func TestBotQuickReplies(t *testing.T) {
	t.Parallel()
	withQR := func(text string, n int) message.Content {
		c := &message.Text{Text: text}
		for i := range n {
			c.QuickReplies = append(c.QuickReplies, message.QuickReply{Label: text + string(rune('a'+i)), Action: &message.MessageAction{Text: "x"}})
		}
		return c
	}
	for _, tt := range []struct {
		name   string
		strict bool
		quick  int
		texts  []string
		paths  []string
	}{
		{"best_effort", false, kakao.MaxQuickReplies, []string{"a", "b"}, []string{"[1].QuickReplies[4]", "[1].QuickReplies[5]"}},
		{"strict", true, 6, []string{"a"}, []string{"[1]"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rep message.Report
			var replyErr error
			var rec errRecorder
			bot, err := kakao.NewBotHandler(message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
				rep, replyErr = r.Reply(ctx, withQR("a", 6), withQR("b", 6))
				return nil
			}), kakao.WithErrorHandler(rec.handle), kakao.WithRenderOptions(message.RenderOptions{Strict: tt.strict}))
			if err != nil {
				t.Fatal(err)
			}
			got := kakaotest.Post(t, bot)
			if n := len(got.Response.Template.QuickReplies); n != tt.quick {
				t.Errorf("%d quick replies, want %d", n, tt.quick)
			}
			if diff := cmp.Diff(tt.texts, texts(got.Response)); diff != "" {
				t.Errorf("answered (-want +got):\n%s", diff)
			}
			var paths []string
			for _, l := range rep.Losses {
				if l.Reason == message.Dropped {
					paths = append(paths, l.Path)
				}
			}
			if diff := cmp.Diff(tt.paths, paths); diff != "" {
				t.Errorf("losses (-want +got):\n%s", diff)
			}
			if replyErr == nil {
				t.Error("Reply with quick replies over the limit: no error")
			}
			if errs := rec.all(); len(errs) != 1 || !errors.Is(errs[0], kakao.ErrCallback) {
				t.Errorf("reported %v, want the ignored Reply error wrapping ErrCallback", errs)
			}
		})
	}
}

// TestBotReplyAfterReturn: a Responder kept past Handle delivers nothing,
// reports every content as a Dropped loss and returns an error wrapping
// message.ErrResponderDone, which the error handler does not get.
func TestBotReplyAfterReturn(t *testing.T) {
	t.Parallel()
	kept := make(chan message.Responder, 1)
	var rec errRecorder
	bot, err := kakao.NewBotHandler(message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
		kept <- r
		_, err := r.Reply(ctx, &message.Text{Text: "제때"})
		return err
	}), kakao.WithErrorHandler(rec.handle))
	if err != nil {
		t.Fatal(err)
	}
	got := kakaotest.Post(t, bot)
	r := <-kept
	ctx := context.Background()
	rep, err := r.Reply(ctx, &message.Text{Text: "늦게"}, &message.Text{Text: "더 늦게"})
	if !errors.Is(err, message.ErrResponderDone) {
		t.Errorf("late Reply: %v; want ErrResponderDone", err)
	}
	var paths []string
	for _, l := range rep.Losses {
		if l.Reason == message.Dropped {
			paths = append(paths, l.Path)
		}
	}
	if diff := cmp.Diff([]string{"[0]", "[1]"}, paths); diff != "" {
		t.Errorf("late Reply's Dropped losses (-want +got):\n%s", diff)
	}
	for name, f := range map[string]func(context.Context) error{"Typing": r.Typing, "PassToHuman": r.PassToHuman, "TakeBack": r.TakeBack} {
		if err := f(ctx); !errors.Is(err, message.ErrResponderDone) {
			t.Errorf("late %s: %v; want ErrResponderDone", name, err)
		}
	}
	if diff := cmp.Diff([]string{"제때"}, texts(got.Response)); diff != "" {
		t.Errorf("answered (-want +got):\n%s", diff)
	}
	if errs := rec.all(); len(errs) != 0 {
		t.Errorf("reported %v; want nothing: the late caller has the error", errs)
	}
}

// TestBotIncoming: a message, a postback, and the welcome block as a
// follow, with WithWelcomeBlock matching the block's ID or its name.
func TestBotIncoming(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		welcome string
		req     []kakaotest.RequestOption
		kind    message.Kind
		content message.Content
		data    string
	}{
		{"message", "", []kakaotest.RequestOption{kakaotest.WithUtterance("안녕")}, message.KindMessage, &message.Text{Text: "안녕"}, ""},
		{"postback", "", []kakaotest.RequestOption{kakaotest.WithClientExtra(map[string]any{kakao.PostbackKey: "buy=1"})}, message.KindPostback, nil, "buy=1"},
		{"welcome_by_id", "welcome-id", []kakaotest.RequestOption{kakaotest.WithBlock("welcome-id", "웰컴 블록")}, message.KindFollow, nil, ""},
		{"welcome_by_name", "웰컴 블록", []kakaotest.RequestOption{kakaotest.WithBlock("welcome-id", "웰컴 블록")}, message.KindFollow, nil, ""},
		{"other_block", "웰컴 블록", []kakaotest.RequestOption{kakaotest.WithBlock("b-id", "주문"), kakaotest.WithUtterance("주문")}, message.KindMessage, &message.Text{Text: "주문"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []kakao.HandlerOption
			if tt.welcome != "" {
				opts = append(opts, kakao.WithWelcomeBlock(tt.welcome))
			}
			var in message.Incoming
			bot, err := kakao.NewBotHandler(message.HandlerFunc(func(_ context.Context, got *message.Incoming, _ message.Responder) error {
				in = *got
				return nil
			}), opts...)
			if err != nil {
				t.Fatal(err)
			}
			kakaotest.Post(t, bot, tt.req...)
			if in.Kind != tt.kind || in.Data != tt.data || in.Platform != message.Kakao || in.ConversationID == "" {
				t.Errorf("Incoming %s/%s data %q conversation %q", in.Platform, in.Kind, in.Data, in.ConversationID)
			}
			if diff := cmp.Diff(tt.content, in.Content); diff != "" {
				t.Errorf("content (-want +got):\n%s", diff)
			}
			if _, ok := in.Raw.(*kakao.Request); !ok {
				t.Errorf("Raw is %T, want *kakao.Request", in.Raw)
			}
		})
	}
}

func TestBotOptions(t *testing.T) {
	t.Parallel()
	h := message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
	for _, tt := range []struct {
		name string
		make func() error
	}{
		{"nil_handler", func() error { _, err := kakao.NewBotHandler(nil); return err }},
		{"empty_welcome", func() error { _, err := kakao.NewBotHandler(h, kakao.WithWelcomeBlock("")); return err }},
		{"render_options_on_webhook", func() error {
			_, err := kakao.NewWebhookHandler(echo, kakao.WithRenderOptions(message.RenderOptions{}))
			return err
		}},
		{"welcome_on_webhook", func() error { _, err := kakao.NewWebhookHandler(echo, kakao.WithWelcomeBlock("w")); return err }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ae *kakao.ArgumentError
			if err := tt.make(); !errors.As(err, &ae) || !errors.Is(err, kakao.ErrInvalid) {
				t.Errorf("error %v, want an *ArgumentError", err)
			}
		})
	}
}

// TestBotRespondsLikeThePlatform: the Responder's fixed answers.
func TestBotRespondsLikeThePlatform(t *testing.T) {
	t.Parallel()
	var typing, pass, take error
	var opts message.RenderOptions
	var caps message.Capabilities
	bot, err := kakao.NewBotHandler(message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
		typing, pass, take = r.Typing(ctx), r.PassToHuman(ctx), r.TakeBack(ctx)
		opts, caps = r.RenderOptions(), r.Capabilities()
		return nil
	}), kakao.WithRenderOptions(message.RenderOptions{Strict: true}))
	if err != nil {
		t.Fatal(err)
	}
	kakaotest.Post(t, bot)
	if !errors.Is(typing, errors.ErrUnsupported) || !errors.Is(pass, message.ErrNoHandover) || !errors.Is(take, message.ErrNoHandover) {
		t.Errorf("Typing %v, PassToHuman %v, TakeBack %v", typing, pass, take)
	}
	if !opts.Strict || caps.Platform != message.Kakao || caps.MaxMessagesPerReply != kakao.MaxOutputs {
		t.Errorf("RenderOptions %+v, Capabilities %+v", opts, caps)
	}
}

// glueHandler is what NewBotHandler replaces: a WebhookHandler whose
// function does by hand what the bot handler does for an echo, ToIncoming
// and Render.
func glueHandler(b *testing.B) http.Handler {
	h, err := kakao.NewWebhookHandler(func(_ context.Context, req *kakao.Request) (*kakao.Response, error) {
		in, ok := kakao.ToIncoming(req)
		if !ok || in.Content == nil {
			return nil, errors.New("not a message")
		}
		resp, _, err := kakao.Render(in.Content, message.RenderOptions{})
		return resp, err
	})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// botHandler is the same echo as a message.Handler.
func botHandler(b *testing.B) http.Handler {
	h, err := kakao.NewBotHandler(message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, in.Content)
		return err
	}))
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkBotHandler compares the bot handler with the hand-written glue
// in process: each alone (time and allocations), then interleaved request
// by request, reporting the medians and their ratio (bot/glue).
func BenchmarkBotHandler(b *testing.B) {
	body := kakaotest.NewBody(b, kakaotest.WithUtterance("오늘 날씨 어때?"), kakaotest.WithParam("sys_location", "서울"))
	serve := func(h http.Handler) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
		if w.Code != 200 || !bytes.Contains(w.Body.Bytes(), []byte("오늘 날씨 어때?")) {
			b.Fatalf("status %d %s", w.Code, w.Body)
		}
	}
	for _, bc := range []struct {
		name string
		h    func(*testing.B) http.Handler
	}{{"glue", glueHandler}, {"bot", botHandler}} {
		b.Run(bc.name, func(b *testing.B) {
			h := bc.h(b)
			b.ReportAllocs()
			for b.Loop() {
				serve(h)
			}
		})
	}
	b.Run("ratio", func(b *testing.B) {
		glue, bot := glueHandler(b), botHandler(b)
		timed := func(h http.Handler) func() time.Duration {
			return func() time.Duration {
				start := time.Now()
				serve(h)
				return time.Since(start)
			}
		}
		ratio(b, timed(glue), timed(bot))
	})
}

// TestBotCallbackErrorAfterReply: past the budget, a handler that replied
// and then failed has its reply POSTed once and its error reported.
func TestBotCallbackErrorAfterReply(t *testing.T) {
	t.Parallel()
	errBoom := errors.New("boom")
	g := newBotRig(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
		if _, err := r.Reply(ctx, &message.Text{Text: "일부 답"}); err != nil {
			return err
		}
		return errBoom
	}), true)
	if _, answer := g.post(); answer == nil || !answer.UseCallback {
		t.Fatalf("HTTP answer %+v, want the useCallback answer", answer)
	}
	calls := g.cb.Calls()
	if len(calls) != 1 || calls[0].Status != kakao.CallbackSuccess {
		t.Fatalf("callback POSTs %+v, want exactly one, accepted", calls)
	}
	if diff := cmp.Diff([]string{"일부 답"}, texts(calls[0].Response)); diff != "" {
		t.Errorf("posted (-want +got):\n%s", diff)
	}
	if errs := g.rec.all(); len(errs) != 1 || !errors.Is(errs[0], errBoom) || !errors.Is(errs[0], kakao.ErrCallback) {
		t.Errorf("reported %v, want the handler's error wrapping ErrCallback", errs)
	}
}
