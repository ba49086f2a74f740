package talktalk_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// reports collects what a handler passes to its error handler.
type reports struct {
	mu   sync.Mutex
	errs []error
}

func (r *reports) handle(_ *http.Request, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, err)
}

func (r *reports) all() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]error(nil), r.errs...)
}

// botRun is one event served by a bot handler wired to a fresh fake.
type botRun struct {
	srv     *talktalktest.Server
	bh      *talktalk.BotHandler
	rec     *httptest.ResponseRecorder
	reports *reports
}

// newBot returns a bot handler around h with the fake's client (unless
// noClient) and an error collector; opts come last.
func newBot(t testing.TB, h message.Handler, noClient bool, opts ...talktalk.HandlerOption) *botRun {
	t.Helper()
	b := &botRun{srv: talktalktest.NewServer(t), rec: httptest.NewRecorder(), reports: &reports{}}
	all := []talktalk.HandlerOption{talktalk.WithErrorHandler(b.reports.handle)}
	if !noClient {
		all = append(all, talktalk.WithClient(b.srv.Client()))
	}
	bh, err := talktalk.NewBotHandler(h, append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	b.bh = bh
	return b
}

// serve serves ev and waits for the handler.
func (b *botRun) serve(t testing.TB, ev talktalk.Event) {
	t.Helper()
	b.bh.ServeHTTP(b.rec, talktalktest.NewEvent(t, ev))
	if err := b.bh.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// inResponse is the text of the webhook response's reply, or "".
func (b *botRun) inResponse(t testing.TB) string {
	t.Helper()
	if b.rec.Body.Len() == 0 {
		return ""
	}
	ev, err := talktalk.Decode(b.rec.Body.Bytes())
	if err != nil {
		t.Fatalf("response body: %v", err)
	}
	se, ok := ev.(*talktalk.SendEvent)
	if !ok || se.Text == nil || se.User != "" {
		t.Fatalf("response is %#v, want a text send event without user", ev)
	}
	return se.Text.Text
}

// sent is the texts the send API accepted for user, in order.
func (b *botRun) sent(user string) []string {
	var out []string
	for _, se := range b.srv.Sent() {
		if se.User == user && se.Text != nil {
			out = append(out, se.Text.Text)
		}
	}
	return out
}

// received is what the user got: the response's reply, which the handler
// flushes before it sends anything else, then the send API's.
func (b *botRun) received(t testing.TB, user string) []string {
	var out []string
	if s := b.inResponse(t); s != "" {
		out = append(out, s)
	}
	return append(out, b.sent(user)...)
}

func TestBotConformance(t *testing.T) {
	messagetest.TestBot(t, messagetest.Bot{
		Platform: message.TalkTalk,
		Caps:     talktalk.Capabilities,
		Run: func(t testing.TB, h message.Handler) ([]string, []error) {
			b := newBot(t, h, false)
			b.serve(t, talktalktest.Text(userID, "hello"))
			return b.received(t, userID), b.reports.all()
		},
	})
}

func texts(ss ...string) []message.Content {
	out := make([]message.Content, len(ss))
	for i, s := range ss {
		out[i] = &message.Text{Text: s}
	}
	return out
}

// replyOnce returns a handler that replies contents once and keeps
// Reply's report and error.
type replyOnce struct {
	contents []message.Content
	returns  bool // the handler returns Reply's error
	rep      message.Report
	err      error
}

func (r *replyOnce) Handle(ctx context.Context, in *message.Incoming, rs message.Responder) error {
	r.rep, r.err = rs.Reply(ctx, r.contents...)
	if r.returns {
		return r.err
	}
	return nil
}

// TestBotHandlerReplyRenderFailure: the contents before one that fails to
// render are delivered; it and every later content are Dropped, saying
// why, and Reply's error wraps the render error.
func TestBotHandlerReplyRenderFailure(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		opts []talktalk.HandlerOption
		bad  message.Content
		want error
	}{
		{"unrenderable", nil, &message.Sticker{PackageID: "1", StickerID: "2"}, errors.ErrUnsupported},
		{"strict refuses a loss", []talktalk.HandlerOption{talktalk.WithRenderOptions(message.RenderOptions{Strict: true})},
			&message.Image{URL: "https://example.com/a.png", AltText: "a cat"}, message.ErrLossy},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := &replyOnce{contents: []message.Content{&message.Text{Text: "before"}, tt.bad, &message.Text{Text: "after"}}}
			b := newBot(t, h, false, tt.opts...)
			b.serve(t, talktalktest.Text(userID, "hi"))
			if got := b.inResponse(t); got != "before" {
				t.Errorf("response %q, want before", got)
			}
			if sent := b.sent(userID); len(sent) != 0 {
				t.Errorf("sent %q, want nothing more", sent)
			}
			if !errors.Is(h.err, tt.want) {
				t.Errorf("Reply error %v, want one wrapping %v", h.err, tt.want)
			}
			if l := h.rep.Losses; len(l) != 2 ||
				l[0].Path != "[1]" || l[0].Reason != message.Dropped || !strings.HasPrefix(l[0].Detail, "did not render: ") ||
				l[1].Path != "[2]" || l[1].Reason != message.Dropped || l[1].Detail != "held back: an earlier content did not render" {
				t.Errorf("losses %v, want [1] dropped (did not render) and [2] dropped (held back)", l)
			}
		})
	}
}

func TestBotHandlerReplyPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		noClient     bool
		contents     []message.Content
		wantResponse string
		wantSent     []string
		wantDropped  []string // loss paths
		wantReported int
		wantFlushed  bool // flushed with Connection: close before a send
	}{
		{"one message in the response", false, texts("one"), "one", nil, nil, 0, false},
		{"the rest through the send API", false, texts("one", "two", "three"), "one", []string{"two", "three"}, nil, 0, true},
		{"one message without a client", true, texts("one"), "one", nil, nil, 0, false},
		{"the rest without a client", true, texts("one", "two", "three"), "one", nil, []string{"[1]", "[2]"}, 1, true},
		{"unrenderable content holds back the rest", false, []message.Content{&message.Sticker{PackageID: "1", StickerID: "2"}, &message.Text{Text: "after"}}, "", nil, []string{"[0]", "[1]"}, 1, false},
		{"no gap after unrenderable content", false, []message.Content{&message.Text{Text: "before"}, &message.Sticker{PackageID: "1", StickerID: "2"}, &message.Text{Text: "after"}}, "before", nil, []string{"[1]", "[2]"}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := &replyOnce{contents: tt.contents}
			b := newBot(t, h, tt.noClient)
			b.serve(t, talktalktest.Text(userID, "hi"))
			if b.rec.Code != 200 {
				t.Errorf("status %d, want 200", b.rec.Code)
			}
			if b.rec.Flushed != tt.wantFlushed || (b.rec.Header().Get("Connection") == "close") != tt.wantFlushed {
				t.Errorf("flushed %v, Connection %q; want flushed and closed: %v", b.rec.Flushed, b.rec.Header().Get("Connection"), tt.wantFlushed)
			}
			if got := b.inResponse(t); got != tt.wantResponse {
				t.Errorf("response %q, want %q", got, tt.wantResponse)
			}
			if diff := cmp.Diff(tt.wantSent, b.sent(userID)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			var dropped []string
			for _, l := range h.rep.Losses {
				if l.Reason == message.Dropped {
					dropped = append(dropped, l.Path)
				}
			}
			if diff := cmp.Diff(tt.wantDropped, dropped); diff != "" {
				t.Errorf("dropped (-want +got):\n%s", diff)
			}
			if (h.err != nil) != (len(tt.wantDropped) > 0) {
				t.Errorf("Reply error %v with dropped %q", h.err, dropped)
			}
			got := b.reports.all()
			if len(got) != tt.wantReported {
				t.Errorf("reported %v, want %d errors", got, tt.wantReported)
			}
			for _, e := range got {
				if !errors.Is(e, talktalk.ErrCallback) || !errors.Is(e, h.err) {
					t.Errorf("reported %v: want it to wrap ErrCallback and Reply's error", e)
				}
			}
		})
	}
}

// TestBotHandlerSendFailure: the send API answers success:false for the
// second message; the first, in the webhook response, is delivered once,
// and the failure is reported once even when the handler returns it.
func TestBotHandlerSendFailure(t *testing.T) {
	t.Parallel()
	for _, returns := range []bool{false, true} {
		name := "handler ignores the error"
		if returns {
			name = "handler returns the error"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := &replyOnce{contents: texts("first", "second", "third"), returns: returns}
			b := newBot(t, h, false)
			b.srv.FailNextResult(talktalk.CodeServer, "서버 오류")
			b.serve(t, talktalktest.Text(userID, "hi"))
			if diff := cmp.Diff([]string{"first"}, b.received(t, userID)); diff != "" {
				t.Errorf("received (-want +got):\n%s", diff)
			}
			if n := len(b.srv.Calls()); n != 1 {
				t.Errorf("%d send API calls, want 1 (the failed second; the third not attempted)", n)
			}
			if b.rec.Code != 200 {
				t.Errorf("status %d, want the response's 200", b.rec.Code)
			}
			var ae *talktalk.APIError
			if !errors.As(h.err, &ae) || ae.Code != talktalk.CodeServer || !errors.Is(h.err, talktalk.ErrServer) {
				t.Errorf("Reply error %v, want the *APIError with code 99", h.err)
			}
			want := []message.Loss{{Path: "[1]", Reason: message.Dropped, Detail: "not delivered"}, {Path: "[2]", Reason: message.Dropped, Detail: "not sent: an earlier message was not delivered"}}
			if diff := cmp.Diff(want, h.rep.Losses); diff != "" {
				t.Errorf("losses (-want +got):\n%s", diff)
			}
			got := b.reports.all()
			if len(got) != 1 || !errors.Is(got[0], talktalk.ErrCallback) || !errors.As(got[0], &ae) {
				t.Errorf("reported %v, want the failure once, wrapping ErrCallback and the *APIError", got)
			}
		})
	}
}

// botBlocked is a handler that waits for the test before it goes on.
type botBlocked struct {
	started chan struct{}
	release chan struct{}
	inner   message.Handler
}

func blocked(inner message.Handler) *botBlocked {
	return &botBlocked{started: make(chan struct{}), release: make(chan struct{}), inner: inner}
}

func (h *botBlocked) Handle(ctx context.Context, in *message.Incoming, r message.Responder) error {
	close(h.started)
	<-h.release
	return h.inner.Handle(ctx, in, r)
}

// serveAfterBudget serves ev through b, whose handler closes started and
// waits for release, and releases it once the budget ran out. It returns
// the response as it was at the budget.
func serveAfterBudget(t *testing.T, b *botRun, started, release chan struct{}, ev talktalk.Event) (code int, body string) {
	t.Helper()
	clock := webhookio.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	talktalk.SetBotClock(b.bh, clock)
	done := make(chan struct{})
	go func() {
		b.bh.ServeHTTP(b.rec, talktalktest.NewEvent(t, ev))
		close(done)
	}()
	<-started
	clock.WaitForTimer(1)
	clock.Advance(talktalk.DefaultBudget)
	code, body = b.rec.Code, b.rec.Body.String()
	close(release)
	<-done
	if err := b.bh.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	return code, body
}

// serveBlockedAfterBudget is serveAfterBudget for a handler held before
// it starts; the acknowledgement must be an empty 200.
func serveBlockedAfterBudget(t *testing.T, b *botRun, h *botBlocked, ev talktalk.Event) {
	t.Helper()
	if code, body := serveAfterBudget(t, b, h.started, h.release, ev); code != 200 || body != "" {
		t.Errorf("acknowledgement %d %q, want an empty 200", code, body)
	}
}

// TestBotHandlerHeldAtBudget: a reply held for the response when the
// budget runs out is the response.
func TestBotHandlerHeldAtBudget(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	var errs []error
	b := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, texts("first")...)
		errs = append(errs, err)
		close(started)
		<-release
		_, err = r.Reply(ctx, texts("second")...)
		errs = append(errs, err)
		return nil
	}), false)
	code, body := serveAfterBudget(t, b, started, release, talktalktest.Text(userID, "hi"))
	if code != 200 || !strings.Contains(body, `"first"`) {
		t.Errorf("response at the budget %d %q, want the held reply", code, body)
	}
	if diff := cmp.Diff([]string{"first", "second"}, b.received(t, userID)); diff != "" {
		t.Errorf("received (-want +got):\n%s", diff)
	}
	if err := errors.Join(errs...); err != nil || len(b.reports.all()) != 0 {
		t.Errorf("Reply errors %v, reported %v", err, b.reports.all())
	}
}

// brokenWriter is a response whose connection is gone.
type brokenWriter struct {
	header http.Header
	code   int
}

func (w *brokenWriter) Header() http.Header         { return w.header }
func (w *brokenWriter) WriteHeader(code int)        { w.code = code }
func (w *brokenWriter) Write(b []byte) (int, error) { return 0, errors.New("connection reset by peer") }
func (w *brokenWriter) Flush()                      {}

// TestBotHandlerResponseFails: a held reply the response cannot carry is
// sent through the API before the send that follows it, or when the
// handler returns (it was only reported); without a client it is
// reported.
func TestBotHandlerResponseFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		noClient     bool
		contents     []message.Content
		wantSent     []string
		wantReported bool
	}{
		{"a send follows: through the API, in order", false, texts("first", "second"), []string{"first", "second"}, false},
		{"the only reply: through the API when the handler returns", false, texts("only"), []string{"only"}, false},
		{"the only reply, no client: reported", true, texts("only"), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := &replyOnce{contents: tt.contents}
			b := newBot(t, h, tt.noClient)
			b.bh.ServeHTTP(&brokenWriter{header: http.Header{}}, talktalktest.NewEvent(t, talktalktest.Text(userID, "hi")))
			if err := b.bh.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantSent, b.sent(userID)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			if h.err != nil {
				t.Errorf("Reply error %v", h.err)
			}
			got := b.reports.all()
			if tt.wantReported != (len(got) == 1 && errors.Is(got[0], talktalk.ErrCallback)) || (!tt.wantReported && len(got) != 0) {
				t.Errorf("reported %v, want reported: %v", got, tt.wantReported)
			}
		})
	}
}

func TestBotHandlerAfterBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		noClient     bool
		failSend     bool
		wantReceived []string
		wantErr      bool
	}{
		{"sent through the API", false, false, []string{"late one", "late two"}, false},
		{"send API fails", false, true, nil, true},
		{"no client", true, false, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inner := &replyOnce{contents: texts("late one", "late two")}
			h := blocked(inner)
			b := newBot(t, h, tt.noClient)
			if tt.failSend {
				b.srv.FailNextResult(talktalk.CodeCannotSend, "보낼 수 없음")
			}
			serveBlockedAfterBudget(t, b, h, talktalktest.Text(userID, "hi"))
			if diff := cmp.Diff(tt.wantReceived, b.received(t, userID)); diff != "" {
				t.Errorf("received (-want +got):\n%s", diff)
			}
			got := b.reports.all()
			if !tt.wantErr {
				if inner.err != nil || len(got) != 0 {
					t.Errorf("Reply error %v, reported %v", inner.err, got)
				}
				return
			}
			if inner.err == nil || len(inner.rep.Losses) != 2 {
				t.Errorf("Reply = %v, %v; want two Dropped losses and an error", inner.rep, inner.err)
			}
			if len(got) != 1 || !errors.Is(got[0], inner.err) || !errors.Is(got[0], talktalk.ErrCallback) {
				t.Errorf("reported %v, want Reply's error once, wrapping ErrCallback", got)
			}
			if tt.failSend && !errors.Is(got[0], talktalk.ErrCannotSend) {
				t.Errorf("reported %v, want the send API's ErrCannotSend", got[0])
			}
		})
	}
}

func TestBotHandlerHandlerError(t *testing.T) {
	t.Parallel()
	errBot := errors.New("bot failed")
	tests := []struct {
		name        string
		contents    []message.Content
		afterBudget bool
		wantStatus  int
		wantLate    bool
	}{
		{"nothing written: 500", nil, false, 500, false},
		{"after a reply in the response: the response stands", texts("partial"), false, 200, false},
		{"after the budget: reported late", nil, true, 200, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inner := message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
				if len(tt.contents) > 0 {
					if _, err := r.Reply(ctx, tt.contents...); err != nil {
						t.Error(err)
					}
				}
				return errBot
			})
			var b *botRun
			if tt.afterBudget {
				h := blocked(inner)
				b = newBot(t, h, false)
				serveBlockedAfterBudget(t, b, h, talktalktest.Text(userID, "hi"))
			} else {
				b = newBot(t, inner, false)
				b.serve(t, talktalktest.Text(userID, "hi"))
			}
			if b.rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", b.rec.Code, tt.wantStatus)
			}
			got := b.reports.all()
			if len(got) != 1 || !errors.Is(got[0], errBot) || !errors.Is(got[0], talktalk.ErrCallback) || errors.Is(got[0], talktalk.ErrLate) != tt.wantLate {
				t.Errorf("reported %v, want the handler's error once (late %v)", got, tt.wantLate)
			}
			if len(tt.contents) > 0 && b.inResponse(t) != "partial" {
				t.Errorf("response %q, want the reply", b.inResponse(t))
			}
		})
	}
}

func TestBotHandlerEvents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		ev          talktalk.Event
		wantCalled  bool
		wantStandby bool
	}{
		{"message", talktalktest.Text(userID, "hi"), true, false},
		{"standby message", &talktalk.SendEvent{User: userID, Standby: true, Content: talktalk.Content{Text: &talktalk.TextContent{Text: "hi"}}}, true, true},
		{"echo", &talktalk.EchoEvent{User: userID, Content: talktalk.Content{Text: &talktalk.TextContent{Text: "hi"}}}, false, false},
		{"open", talktalktest.Open(userID), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got *message.Incoming
			b := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
				c := *in
				got = &c
				return nil
			}), false)
			b.serve(t, tt.ev)
			if b.rec.Code != 200 || b.rec.Body.Len() != 0 {
				t.Errorf("answer %d %q, want an empty 200", b.rec.Code, b.rec.Body)
			}
			if (got != nil) != tt.wantCalled {
				t.Fatalf("handler called: %v, want %v", got != nil, tt.wantCalled)
			}
			if got != nil && (got.Standby != tt.wantStandby || got.UserID != userID || got.Raw == nil) {
				t.Errorf("Incoming %+v, want Standby %v from %s", got, tt.wantStandby, userID)
			}
		})
	}
}

func TestBotHandlerTypingAndHandover(t *testing.T) {
	t.Parallel()
	t.Run("with a client", func(t *testing.T) {
		t.Parallel()
		b := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			return errors.Join(r.Typing(ctx), r.PassToHuman(ctx), r.TakeBack(ctx))
		}), false)
		b.serve(t, talktalktest.Text(userID, "hi"))
		if got := b.reports.all(); len(got) != 0 {
			t.Fatalf("reported %v", got)
		}
		var got []string
		for _, ev := range b.srv.Events() {
			switch e := ev.(type) {
			case *talktalk.ActionEvent:
				got = append(got, e.User+" "+e.Options.Action)
			case *talktalk.HandoverEvent:
				got = append(got, e.User+" "+e.Options.Control)
			default:
				t.Errorf("unexpected %T", ev)
			}
		}
		want := []string{userID + " " + talktalk.TypingOn, userID + " " + talktalk.PassThread, userID + " " + talktalk.TakeThread}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
	t.Run("without a client", func(t *testing.T) {
		t.Parallel()
		var typing, pass, take error
		b := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			typing, pass, take = r.Typing(ctx), r.PassToHuman(ctx), r.TakeBack(ctx)
			return nil
		}), true)
		b.serve(t, talktalktest.Text(userID, "hi"))
		if !errors.Is(typing, errors.ErrUnsupported) || !errors.Is(pass, message.ErrNoHandover) || !errors.Is(take, message.ErrNoHandover) {
			t.Errorf("Typing %v, PassToHuman %v, TakeBack %v", typing, pass, take)
		}
	})
}

func TestBotHandlerPayment(t *testing.T) {
	t.Parallel()
	pay := &talktalk.PayCompleteEvent{User: userID}
	tests := []struct {
		name       string
		err        error
		wantStatus int
	}{
		{"approved", nil, 200},
		{"declined", talktalk.ErrDecline, talktalk.StatusDeclined},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := &replyOnce{contents: texts("receipt")}
			b := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
				_ = h.Handle(ctx, in, r)
				return tt.err
			}), false)
			b.serve(t, pay)
			if b.rec.Code != tt.wantStatus || b.rec.Body.Len() != 0 {
				t.Errorf("answer %d %q, want %d and no body: the status approves the payment", b.rec.Code, b.rec.Body, tt.wantStatus)
			}
			if diff := cmp.Diff([]string{"receipt"}, b.sent(userID)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			if got := b.reports.all(); len(got) != 0 || h.err != nil {
				t.Errorf("Reply error %v, reported %v", h.err, got)
			}
		})
	}
}

func TestBotHandlerOptions(t *testing.T) {
	t.Parallel()
	srv := talktalktest.NewServer(t)
	echo := func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil }
	for _, o := range []talktalk.HandlerOption{talktalk.WithClient(srv.Client()), talktalk.WithRenderOptions(message.RenderOptions{Strict: true})} {
		if _, err := talktalk.NewWebhookHandler(echo, o); !errors.Is(err, talktalk.ErrInvalid) {
			t.Errorf("NewWebhookHandler with a bot option: %v, want an ArgumentError", err)
		}
	}
	for _, tc := range []struct {
		name string
		h    message.Handler
		opts []talktalk.HandlerOption
	}{
		{"nil handler", nil, nil},
		{"nil client", message.HandlerFunc(nil), []talktalk.HandlerOption{talktalk.WithClient(nil)}},
		{"nil option", message.HandlerFunc(nil), []talktalk.HandlerOption{nil}},
	} {
		if _, err := talktalk.NewBotHandler(tc.h, tc.opts...); !errors.Is(err, talktalk.ErrInvalid) {
			t.Errorf("%s: %v, want an ArgumentError", tc.name, err)
		}
	}
	var opts message.RenderOptions
	b := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		opts = r.RenderOptions()
		_, err := r.Reply(ctx, &message.Text{Text: "x", QuickReplies: []message.QuickReply{{Action: &message.ShareAction{}}}})
		return err
	}), false, talktalk.WithRenderOptions(message.RenderOptions{Strict: true}))
	b.serve(t, talktalktest.Text(userID, "hi"))
	if !opts.Strict {
		t.Error("RenderOptions not the configured ones")
	}
	if got := b.reports.all(); len(got) != 1 || !errors.Is(got[0], message.ErrLossy) {
		t.Errorf("reported %v, want the strict refusal", got)
	}
	if s := fmt.Sprintf("%v", b.bh); !strings.HasPrefix(s, "talktalk.BotHandler{") {
		t.Errorf("printed as %s", s)
	}
}

// TestBotHandlerBudgetRacesRelease: the budget's acknowledgement (on the
// timer's goroutine) and a Reply that releases the held reply (on the
// handler's) both write the response; whichever comes first, the user
// gets both messages in order, and -race sees every write under the
// call's lock (the runner once set Connection: close and flushed outside
// it: a race on the header map).
func TestBotHandlerBudgetRacesRelease(t *testing.T) {
	t.Parallel()
	for range 100 {
		replied, goOn := make(chan struct{}), make(chan struct{})
		var errs []error
		b := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			_, err := r.Reply(ctx, texts("one")...)
			errs = append(errs, err)
			close(replied)
			<-goOn
			_, err = r.Reply(ctx, texts("two")...)
			errs = append(errs, err)
			return nil
		}), false)
		clock := webhookio.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		talktalk.SetBotClock(b.bh, clock)
		done := make(chan struct{})
		go func() {
			b.bh.ServeHTTP(b.rec, talktalktest.NewEvent(t, talktalktest.Text(userID, "hi")))
			close(done)
		}()
		<-replied
		clock.WaitForTimer(1)
		fired := make(chan struct{})
		go func() {
			clock.Advance(talktalk.DefaultBudget)
			close(fired)
		}()
		close(goOn)
		<-fired
		<-done
		if err := b.bh.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"one", "two"}, b.received(t, userID)); diff != "" {
			t.Fatalf("received (-want +got):\n%s", diff)
		}
		if err := errors.Join(errs...); err != nil || len(b.reports.all()) != 0 {
			t.Fatalf("Reply errors %v, reported %v", err, b.reports.all())
		}
	}
}

// TestBotHandlerResponderAfterReturn: a Responder kept from one request
// and used during another user's request, and after it, delivers nothing
// to anyone: every call fails with ErrResponderDone and Reply reports each
// content Dropped. (Calls were reused: the kept Responder answered the
// other user, then panicked.)
func TestBotHandlerResponderAfterReturn(t *testing.T) {
	t.Parallel()
	const other = "bob-9xQ2"
	var kept message.Responder
	check := func(when string) {
		ctx := context.Background()
		rep, err := kept.Reply(ctx, texts("leak one", "leak two")...)
		if !errors.Is(err, message.ErrResponderDone) {
			t.Errorf("%s: Reply error %v, want ErrResponderDone", when, err)
		}
		want := []message.Loss{{Path: "[0]", Reason: message.Dropped}, {Path: "[1]", Reason: message.Dropped}}
		if diff := cmp.Diff(want, rep.Losses, cmpopts.IgnoreFields(message.Loss{}, "Detail")); diff != "" {
			t.Errorf("%s: losses (-want +got):\n%s", when, diff)
		}
		for name, f := range map[string]func(context.Context) error{"Typing": kept.Typing, "PassToHuman": kept.PassToHuman, "TakeBack": kept.TakeBack} {
			if err := f(ctx); !errors.Is(err, message.ErrResponderDone) {
				t.Errorf("%s: %s error %v, want ErrResponderDone", when, name, err)
			}
		}
	}
	b := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		if kept == nil {
			kept = r
			return nil
		}
		check("during another request")
		_, err := r.Reply(ctx, texts("yours")...)
		return err
	}), false)
	b.serve(t, talktalktest.Text(userID, "first"))
	b.rec = httptest.NewRecorder()
	b.serve(t, talktalktest.Text(other, "second"))
	check("after it")

	// Used on another goroutine while the calls are reused for more
	// requests: still nothing, and no race.
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := kept.Reply(context.Background(), texts("leak")...); !errors.Is(err, message.ErrResponderDone) {
				t.Errorf("concurrent Reply error %v, want ErrResponderDone", err)
				return
			}
			_ = kept.Typing(context.Background())
		}
	}()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			b.bh.ServeHTTP(rec, talktalktest.NewEvent(t, talktalktest.Text(other, "more")))
			if !strings.Contains(rec.Body.String(), `"yours"`) || strings.Contains(rec.Body.String(), "leak") {
				t.Errorf("response %q, want only the user's own reply", rec.Body.String())
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-stopped
	if err := b.bh.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := b.inResponse(t); got != "yours" {
		t.Errorf("the other user's response %q, want only their own reply", got)
	}
	if evs := b.srv.Events(); len(evs) != 0 {
		t.Errorf("send API got %d events, want none: %v", len(evs), evs)
	}
	if got := b.reports.all(); len(got) != 0 {
		t.Errorf("reported %v", got)
	}
}

// TestBotHandlerResponseFailsAtBudget: a held reply the response cannot
// carry at the budget goes through the API, before the handler's next
// message or when the handler returns (it was only reported).
func TestBotHandlerResponseFailsAtBudget(t *testing.T) {
	t.Parallel()
	for _, then := range [][]string{nil, {"two"}} {
		t.Run(fmt.Sprintf("then %q", then), func(t *testing.T) {
			t.Parallel()
			started, release := make(chan struct{}), make(chan struct{})
			var errs []error
			b := newBot(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
				_, err := r.Reply(ctx, texts("one")...)
				errs = append(errs, err)
				close(started)
				<-release
				if then != nil {
					_, err = r.Reply(ctx, texts(then...)...)
					errs = append(errs, err)
				}
				return nil
			}), false)
			clock := webhookio.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			talktalk.SetBotClock(b.bh, clock)
			done := make(chan struct{})
			go func() {
				b.bh.ServeHTTP(&brokenWriter{header: http.Header{}}, talktalktest.NewEvent(t, talktalktest.Text(userID, "hi")))
				close(done)
			}()
			<-started
			clock.WaitForTimer(1)
			clock.Advance(talktalk.DefaultBudget)
			close(release)
			<-done
			if err := b.bh.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(append([]string{"one"}, then...), b.sent(userID)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			if err := errors.Join(errs...); err != nil || len(b.reports.all()) != 0 {
				t.Errorf("Reply errors %v, reported %v", err, b.reports.all())
			}
		})
	}
}
