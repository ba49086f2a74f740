package line_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
	"github.com/channelkit/channelkit/signature"
)

// botEnv is a BotHandler behind a real loopback server, answering
// through the linetest fake, with the errors it reports.
type botEnv struct {
	fake *linetest.Server
	srv  *httptest.Server
	bot  *line.BotHandler

	mu   sync.Mutex
	errs []error
}

func newBot(t testing.TB, h message.Handler, opts ...line.HandlerOption) *botEnv {
	t.Helper()
	e := &botEnv{fake: linetest.NewServer(t)}
	onErr := func(_ *http.Request, err error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.errs = append(e.errs, err)
	}
	all := append([]line.HandlerOption{line.WithClient(e.fake.Client()), line.WithErrorHandler(onErr)}, opts...)
	bot, err := line.NewBotHandler(signature.MustSecretSet(secret), h, all...)
	if err != nil {
		t.Fatal(err)
	}
	e.bot = bot
	e.srv = httptest.NewServer(bot)
	t.Cleanup(e.srv.Close)
	return e
}

// send posts a signed callback with events, checks the 200 and waits
// until the handler is done with it.
func (e *botEnv) send(t testing.TB, events ...line.Event) {
	t.Helper()
	req, err := linetest.NewHTTPRequest(e.srv.URL+"/callback", secret, events...)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d; want 200", resp.StatusCode)
	}
	if err := e.bot.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (e *botEnv) reported() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}

// sent lists the sends the fake accepted as "reply:text" or
// "push(to):text", in order.
func sent(fake *linetest.Server) []string {
	var out []string
	for _, c := range fake.Accepted() {
		var how string
		switch c.Path {
		case "/v2/bot/message/reply":
			how = "reply"
		case "/v2/bot/message/push":
			how = "push(" + strings.Join(c.To, ",") + ")"
		default:
			continue
		}
		for _, m := range c.Messages {
			out = append(out, fmt.Sprintf("%s:%v", how, m["text"]))
		}
	}
	return out
}

func texts(s ...string) []message.Content {
	out := make([]message.Content, len(s))
	for i, x := range s {
		out[i] = &message.Text{Text: x}
	}
	return out
}

func TestBotHandlerReplies(t *testing.T) {
	t.Parallel()
	var got message.Incoming
	e := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		got = *in
		rep, err := r.Reply(ctx, &message.Text{Text: "echo: " + in.Content.(*message.Text).Text})
		if err != nil || !rep.Lossless() {
			t.Errorf("Reply: %v, %v", rep, err)
		}
		return nil
	}))
	ev := linetest.TextMessage("U1", "hello")
	e.send(t, ev)
	if d := cmp.Diff([]string{"reply:echo: hello"}, sent(e.fake)); d != "" {
		t.Errorf("sent (-want +got):\n%s", d)
	}
	if r := e.fake.Replies(); len(r) != 1 || r[0].ReplyToken != ev.ReplyToken {
		t.Errorf("replies %+v; want one with the event's token", r)
	}
	if got.Platform != message.LINE || got.ConversationID != "U1" || got.UserID != "U1" || got.Raw == nil {
		t.Errorf("Incoming %+v", got)
	}
	if errs := e.reported(); len(errs) != 0 {
		t.Errorf("reported %v", errs)
	}
}

// TestBotHandlerReplyThenPush: the first 5 messages go with the reply
// token, the rest and every later Reply are pushed to the conversation.
func TestBotHandlerReplyThenPush(t *testing.T) {
	t.Parallel()
	e := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		if _, err := r.Reply(ctx, texts("1", "2", "3", "4", "5", "6", "7")...); err != nil {
			return err
		}
		_, err := r.Reply(ctx, texts("8")...)
		return err
	}))
	e.send(t, linetest.Message(linetest.Group("G1", "U1"), &line.TextContent{Text: "hi"}))
	want := []string{"reply:1", "reply:2", "reply:3", "reply:4", "reply:5", "push(G1):6", "push(G1):7", "push(G1):8"}
	if d := cmp.Diff(want, sent(e.fake)); d != "" {
		t.Errorf("sent (-want +got):\n%s", d)
	}
	if errs := e.reported(); len(errs) != 0 {
		t.Errorf("reported %v", errs)
	}
}

// TestBotHandlerInvalidReplyToken is the reply path's failure: LINE
// refuses the reply token. Without WithPushFallback the error is
// reported once and nothing is sent twice; with it the messages are
// pushed exactly once.
func TestBotHandlerInvalidReplyToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		opts     []line.HandlerOption
		handler  func(err error) error // what the handler returns, given Reply's error
		wantSent []string
		wantErr  bool
	}{
		{"no fallback, handler returns the error", nil, func(err error) error { return err }, nil, true},
		{"no fallback, handler drops the error", nil, func(error) error { return nil }, nil, true},
		{"no fallback, handler wraps the error", nil, func(err error) error { return fmt.Errorf("answering: %w", err) }, nil, true},
		{"push fallback", []line.HandlerOption{line.WithPushFallback()}, func(err error) error { return err }, []string{"push(U1):a", "push(U1):b"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var rep message.Report
			var rerr error
			e := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
				rep, rerr = r.Reply(ctx, texts("a", "b")...)
				return tc.handler(rerr)
			}), tc.opts...)
			e.fake.InvalidReplyToken(1)
			e.send(t, linetest.TextMessage("U1", "hello"))

			if d := cmp.Diff(tc.wantSent, sent(e.fake)); d != "" {
				t.Errorf("delivered (-want +got):\n%s", d)
			}
			if n := len(e.fake.Replies()); n != 1 {
				t.Errorf("%d replies; want the one refused", n)
			}
			errs := e.reported()
			if !tc.wantErr {
				if rerr != nil || len(errs) != 0 || !rep.Lossless() {
					t.Errorf("Reply = %v, %v; reported %v; want the messages pushed", rep, rerr, errs)
				}
				return
			}
			var apiErr *line.APIError
			if !errors.As(rerr, &apiErr) || !apiErr.InvalidReplyToken() {
				t.Errorf("Reply error %v; want the invalid reply token", rerr)
			}
			want := []message.Loss{
				{Path: "[0]", Reason: message.Dropped, Detail: "not delivered"},
				{Path: "[1]", Reason: message.Dropped, Detail: "not delivered"},
			}
			if d := cmp.Diff(want, rep.Losses); d != "" {
				t.Errorf("report (-want +got):\n%s", d)
			}
			if len(errs) != 1 {
				t.Fatalf("reported %d errors (%v); want 1", len(errs), errs)
			}
			if !errors.Is(errs[0], line.ErrCallback) || !errors.As(errs[0], &apiErr) || !strings.Contains(errs[0].Error(), "WithPushFallback") {
				t.Errorf("reported %v; want ErrCallback and the APIError, naming WithPushFallback", errs[0])
			}
			if strings.Count(errs[0].Error(), "Invalid reply token") != 1 {
				t.Errorf("reported %q; want the failure once", errs[0])
			}
		})
	}
}

// TestBotHandlerPushFailure: a push that fails after the reply went out
// is reported, its messages lost, the reply not repeated.
func TestBotHandlerPushFailure(t *testing.T) {
	t.Parallel()
	var rep message.Report
	e := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		rep, _ = r.Reply(ctx, &message.Text{Text: "first"}, &message.Text{Text: strings.Repeat("x", 5001*5)}, &message.Text{Text: "last"})
		return nil
	}))
	e.fake.FailNext(linetest.Fault{Path: "/v2/bot/message/push", Status: http.StatusForbidden})
	e.send(t, linetest.TextMessage("U1", "hello"))
	if n := len(sent(e.fake)); n != 5 {
		t.Errorf("%d messages delivered; want the reply's 5", n)
	}
	want := []message.Loss{
		{Path: "[1].Text", Reason: message.Truncated},
		{Path: "[1].Text", Reason: message.Split},
		{Path: "[1]", Reason: message.Dropped, Detail: "1 of 5 messages not delivered"},
		{Path: "[2]", Reason: message.Dropped, Detail: "not delivered"},
	}
	if d := cmp.Diff(want, rep.Losses, cmp.Comparer(func(a, b message.Loss) bool {
		return a.Path == b.Path && a.Reason == b.Reason && (a.Detail == b.Detail || a.Reason != message.Dropped)
	})); d != "" {
		t.Errorf("report (-want +got):\n%s", d)
	}
	errs := e.reported()
	var apiErr *line.APIError
	if len(errs) != 1 || !errors.As(errs[0], &apiErr) || apiErr.StatusCode != http.StatusForbidden {
		t.Errorf("reported %v; want the push's 403", errs)
	}
}

// TestBotHandlerEvents: every mapped event reaches the handler in order;
// one that cannot be answered by reply token is pushed to; an invalid
// event and a panic are reported without keeping the others from their
// answers.
func TestBotHandlerEvents(t *testing.T) {
	t.Parallel()
	e := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		if in.Kind == message.KindPostback {
			panic("bot bug")
		}
		_, err := r.Reply(ctx, &message.Text{Text: string(in.Kind)})
		return err
	}))
	body := fmt.Sprintf(`{"destination":"U0","events":[
		{"type":"follow","mode":"active","timestamp":1,"webhookEventId":"E1","deliveryContext":{"isRedelivery":false},"source":{"type":"user","userId":"U1"},"replyToken":"t1"},
		{"type":"message","mode":"active","timestamp":1,"webhookEventId":"E2","deliveryContext":{"isRedelivery":false},"source":{"type":"user","userId":"U1"},"replyToken":"t2","message":7},
		{"type":"postback","mode":"active","timestamp":1,"webhookEventId":"E3","deliveryContext":{"isRedelivery":false},"source":{"type":"user","userId":"U1"},"replyToken":"t3","postback":{"data":"x"}},
		{"type":"unfollow","mode":"active","timestamp":1,"webhookEventId":"E4","deliveryContext":{"isRedelivery":false},"source":{"type":"user","userId":"U2"}}
	]}`)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL, strings.NewReader(body))
	req.Header.Set(line.SignatureHeader, linetest.SignBody(secret, []byte(body)))
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := e.bot.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"reply:follow", "push(U2):unfollow"}, sent(e.fake)); d != "" {
		t.Errorf("sent (-want +got):\n%s", d)
	}
	errs := e.reported()
	if len(errs) != 1 {
		t.Fatalf("reported %v; want one report", errs)
	}
	if !errors.Is(errs[0], line.ErrCallback) || !errors.Is(errs[0], webhookio.ErrPanic) || !strings.Contains(errs[0].Error(), "could not be decoded") {
		t.Errorf("reported %v; want the invalid event and the panic, wrapping ErrCallback", errs[0])
	}
}

func TestBotHandlerTypingAndHandover(t *testing.T) {
	t.Parallel()
	type result struct{ typing, pass, take error }
	results := make(chan result, 2)
	e := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		var res result
		res.typing = r.Typing(ctx)
		res.pass = r.PassToHuman(ctx)
		res.take = r.TakeBack(ctx)
		results <- res
		return nil
	}))
	e.send(t, linetest.TextMessage("U1", "hello"))
	e.send(t, linetest.Message(linetest.Group("G1", "U1"), &line.TextContent{Text: "hi"}))
	user, group := <-results, <-results
	if user.typing != nil || user.pass != nil || user.take != nil {
		t.Errorf("user chat: %+v", user)
	}
	if !errors.Is(group.typing, errors.ErrUnsupported) || group.pass != nil || group.take != nil {
		t.Errorf("group chat: %+v; want Typing unsupported", group)
	}
	var paths []string
	for _, c := range e.fake.Calls() {
		paths = append(paths, c.Path)
	}
	want := []string{
		"/v2/bot/chat/loading/start", "/v2/bot/chat/U1/control/release", "/v2/bot/chat/U1/control/acquire",
		"/v2/bot/chat/G1/control/release", "/v2/bot/chat/G1/control/acquire",
	}
	if d := cmp.Diff(want, paths); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestBotHandlerResponder(t *testing.T) {
	t.Parallel()
	strict := message.RenderOptions{Strict: true}
	var kept message.Responder
	var reply error
	e := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		kept = r
		if r.RenderOptions() != strict || r.Capabilities().Platform != line.Capabilities.Platform {
			t.Errorf("RenderOptions %+v, Capabilities %+v", r.RenderOptions(), r.Capabilities())
		}
		_, reply = r.Reply(ctx, &message.Text{Text: "ok"}, &message.Text{Text: strings.Repeat("x", 5001)})
		return nil
	}), line.WithRenderOptions(strict))
	e.send(t, linetest.TextMessage("U1", "hello"))
	if !errors.Is(reply, message.ErrLossy) {
		t.Errorf("strict Reply of a split text: %v; want ErrLossy", reply)
	}
	if d := cmp.Diff([]string{"reply:ok"}, sent(e.fake)); d != "" {
		t.Errorf("sent (-want +got):\n%s; want what came before the refused content", d)
	}
	if errs := e.reported(); len(errs) != 1 || !errors.Is(errs[0], message.ErrLossy) {
		t.Errorf("reported %v; want the refused render", errs)
	}
	if _, err := kept.Reply(context.Background(), &message.Text{Text: "late"}); err == nil {
		t.Error("Reply after the handler returned: no error")
	}
}

func TestToIncomingStandby(t *testing.T) {
	t.Parallel()
	ev := linetest.TextMessage("U1", "hi")
	ev.Mode = line.ModeStandby
	if in, ok := line.ToIncoming(ev); !ok || !in.Standby {
		t.Errorf("standby event: Standby = %v", in.Standby)
	}
	if in, _ := line.ToIncoming(linetest.TextMessage("U1", "hi")); in.Standby {
		t.Error("active event: Standby")
	}
}

func TestNewBotHandlerErrors(t *testing.T) {
	t.Parallel()
	set := signature.MustSecretSet(secret)
	h := message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
	cl := linetest.NewServer(t).Client()
	for _, tc := range []struct {
		name    string
		secrets signature.SecretSet
		h       message.Handler
		opts    []line.HandlerOption
		want    string
	}{
		{"no secret", signature.SecretSet{}, h, []line.HandlerOption{line.WithClient(cl)}, "missing channel secret"},
		{"nil handler", set, nil, []line.HandlerOption{line.WithClient(cl)}, "nil message handler"},
		{"no client", set, h, nil, "needs WithClient"},
		{"nil client", set, h, []line.HandlerOption{line.WithClient(nil)}, "nil client"},
		{"nil option", set, h, []line.HandlerOption{line.WithClient(cl), nil}, "nil option"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := line.NewBotHandler(tc.secrets, tc.h, tc.opts...); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v; want %q", err, tc.want)
			}
		})
	}
	for _, o := range []line.HandlerOption{line.WithClient(cl), line.WithRenderOptions(message.RenderOptions{}), line.WithPushFallback()} {
		_, err := line.NewWebhookHandler(set, func(context.Context, *line.Callback) error { return nil }, o)
		if err == nil || !strings.Contains(err.Error(), "option of NewBotHandler") {
			t.Errorf("NewWebhookHandler with a bot option: %v", err)
		}
	}
	b, err := line.NewBotHandler(set, h, line.WithClient(cl))
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprintf("%+v", b); s != "line.BotHandler{Secrets:signature.SecretSet{Len:1}}" || strings.Contains(s, secret) {
		t.Errorf("printed %s", s)
	}
}

// TestBotConformance runs messagetest's responder suite: one "hello"
// from one user, the texts LINE accepted for that user (the reply with
// the event's token, and pushes to the user), in order.
func TestBotConformance(t *testing.T) {
	t.Parallel()
	messagetest.TestBot(t, messagetest.Bot{
		Platform: message.LINE,
		Caps:     line.Capabilities,
		Run: func(t testing.TB, h message.Handler) ([]string, []error) {
			e := newBot(t, h)
			ev := linetest.TextMessage("U1", "hello")
			e.send(t, ev)
			var got []string
			for _, c := range e.fake.Accepted() {
				if c.ReplyToken == ev.ReplyToken || slices.Equal(c.To, []string{"U1"}) {
					for _, m := range c.Messages {
						got = append(got, fmt.Sprint(m["text"]))
					}
				}
			}
			return got, e.reported()
		},
	})
}

// TestBotHandlerWorkTimeout: the bot handler is asynchronous, so its
// handler's context ends at the work timeout (DefaultWorkTimeout by
// default), and a handler that waits for it returns and is reported.
func TestBotHandlerWorkTimeout(t *testing.T) {
	t.Parallel()
	t.Run("default", func(t *testing.T) {
		t.Parallel()
		var hasDeadline bool
		e := newBot(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, _ message.Responder) error {
			_, hasDeadline = ctx.Deadline()
			return nil
		}))
		e.send(t, linetest.TextMessage("U1", "hi"))
		if !hasDeadline {
			t.Error("the handler's context has no deadline; want the default work timeout's")
		}
	})
	t.Run("WithWorkTimeout", func(t *testing.T) {
		t.Parallel()
		e := newBot(t, message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, _ message.Responder) error {
			<-ctx.Done()
			return ctx.Err()
		}), line.WithWorkTimeout(time.Nanosecond))
		e.send(t, linetest.TextMessage("U1", "hi"))
		errs := e.reported()
		if len(errs) != 1 || !errors.Is(errs[0], context.DeadlineExceeded) || !errors.Is(errs[0], line.ErrCallback) {
			t.Errorf("reported %v; want the handler's context error, wrapping ErrCallback", errs)
		}
	})
}

// TestBotHandlerAfterReturn: a Responder used after the handler returned
// delivers nothing, returns an error wrapping message.ErrResponderDone,
// reports every content as a Dropped loss at its index and leaves the
// error handler alone (the caller has the error).
func TestBotHandlerAfterReturn(t *testing.T) {
	t.Parallel()
	var kept message.Responder
	e := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		kept = r
		return nil
	}))
	e.send(t, linetest.TextMessage("U1", "hello"))
	ctx := context.Background()
	rep, err := kept.Reply(ctx, texts("late", "later")...)
	if !errors.Is(err, message.ErrResponderDone) {
		t.Errorf("late Reply: %v; want ErrResponderDone", err)
	}
	var paths []string
	for _, l := range rep.Losses {
		if l.Reason == message.Dropped {
			paths = append(paths, l.Path)
		}
	}
	if d := cmp.Diff([]string{"[0]", "[1]"}, paths); d != "" {
		t.Errorf("late Reply's Dropped losses (-want +got):\n%s", d)
	}
	for name, f := range map[string]func(context.Context) error{"Typing": kept.Typing, "PassToHuman": kept.PassToHuman, "TakeBack": kept.TakeBack} {
		if err := f(ctx); !errors.Is(err, message.ErrResponderDone) {
			t.Errorf("late %s: %v; want ErrResponderDone", name, err)
		}
	}
	if len(e.fake.Calls()) != 0 {
		t.Errorf("calls %v; want none after the handler returned", e.fake.Calls())
	}
	if errs := e.reported(); len(errs) != 0 {
		t.Errorf("reported %v; want nothing: the late caller has the error", errs)
	}
}

// TestBotHandlerReplyRacesReturn: a Reply that fails while the handler
// returns is either reported (it came first) or ErrResponderDone, without
// a data race (go test -race).
func TestBotHandlerReplyRacesReturn(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	var late error
	e := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, late = r.Reply(context.Background(), &message.Text{Text: strings.Repeat("x", 5001)})
		}()
		return nil
	}), line.WithRenderOptions(message.RenderOptions{Strict: true}))
	e.send(t, linetest.TextMessage("U1", "hello"))
	wg.Wait()
	errs := e.reported()
	switch {
	case errors.Is(late, message.ErrResponderDone):
		if len(errs) != 0 {
			t.Errorf("reported %v for a Reply after the return", errs)
		}
	case errors.Is(late, message.ErrLossy):
		// Before the return: the handler did not return it, so it is
		// reported.
	default:
		t.Errorf("racing Reply: %v; want ErrLossy or ErrResponderDone", late)
	}
}

// TestBotHandlerReplyHoldsBackAfterARenderFailure: the contents before
// one that fails to render are delivered; it and every later content of
// the Reply are Dropped, and Reply's error wraps the render error.
func TestBotHandlerReplyHoldsBackAfterARenderFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   message.RenderOptions
		bad    message.Content
		detail string
		want   error
	}{
		{"unrenderable", message.RenderOptions{}, &message.Unknown{Platform: message.Kakao}, "did not render: line: unknown  content from \"kakao\": unsupported operation", errors.ErrUnsupported},
		{"strict refusal", message.RenderOptions{Strict: true}, &message.Text{Text: strings.Repeat("x", 5001)}, "", message.ErrLossy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rep message.Report
			var err error
			e := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
				rep, err = r.Reply(ctx, &message.Text{Text: "first"}, tt.bad, &message.Text{Text: "last"})
				return nil
			}), line.WithRenderOptions(tt.opts))
			e.send(t, linetest.TextMessage("U1", "hello"))
			if d := cmp.Diff([]string{"reply:first"}, sent(e.fake)); d != "" {
				t.Errorf("sent (-want +got):\n%s", d)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Reply error %v; want one wrapping %v", err, tt.want)
			}
			want := []message.Loss{
				{Path: "[1]", Reason: message.Dropped, Detail: tt.detail},
				{Path: "[2]", Reason: message.Dropped, Detail: "held back: an earlier content did not render"},
			}
			if d := cmp.Diff(want, rep.Losses, cmp.Comparer(func(a, b message.Loss) bool {
				return a.Path == b.Path && a.Reason == b.Reason &&
					(a.Detail == b.Detail || a.Detail == "" && strings.HasPrefix(b.Detail, "did not render: ") || b.Detail == "" && strings.HasPrefix(a.Detail, "did not render: "))
			})); d != "" {
				t.Errorf("report (-want +got):\n%s", d)
			}
		})
	}
}

// TestBotHandlerConcurrentDetachedWork: 200 webhooks at once through a
// real server, each acknowledged before its handler runs (the handler
// outlives the request, on a pooled call): every event is handled exactly
// once, and every reply goes to its own event's reply token. Run with
// -race, it also proves that no pooled call is reused while its work
// still runs.
func TestBotHandlerConcurrentDetachedWork(t *testing.T) {
	const n = 200
	var mu sync.Mutex
	handled := map[string]int{}
	e := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		text := in.Content.(*message.Text).Text
		mu.Lock()
		handled[text]++
		mu.Unlock()
		_, err := r.Reply(ctx, &message.Text{Text: "re:" + text})
		return err
	}))
	want := map[string]string{} // reply token → the reply its event asked for
	var wg sync.WaitGroup
	for i := range n {
		ev := linetest.TextMessage(fmt.Sprintf("U%031d", i), fmt.Sprintf("hello %d", i))
		want[ev.ReplyToken] = fmt.Sprintf("re:hello %d", i)
		req, err := linetest.NewHTTPRequest(e.srv.URL+"/callback", secret, ev)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := e.srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d; want 200", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	if err := e.bot.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if errs := e.reported(); len(errs) != 0 {
		t.Fatalf("reported %v", errs)
	}
	for i := range n {
		if c := handled[fmt.Sprintf("hello %d", i)]; c != 1 {
			t.Errorf("event %d handled %d times, want once", i, c)
		}
	}
	got := map[string]string{}
	for _, c := range e.fake.Accepted() {
		if c.Path != "/v2/bot/message/reply" {
			continue
		}
		if _, dup := got[c.ReplyToken]; dup || len(c.Messages) != 1 {
			t.Errorf("reply token used twice, or %d messages", len(c.Messages))
		}
		got[c.ReplyToken] = fmt.Sprint(c.Messages[0]["text"])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("replies by reply token (-want +got):\n%s", diff)
	}
}
