package talktalk_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

const userID = "al-2eGuGr5WQOnco1_V-FQ"

type errSink struct {
	mu   sync.Mutex
	errs []error
	ch   chan error
}

func newSink() *errSink { return &errSink{ch: make(chan error, 16)} }

func (s *errSink) handle(_ *http.Request, err error) {
	s.mu.Lock()
	s.errs = append(s.errs, err)
	s.mu.Unlock()
	s.ch <- err
}

func (s *errSink) all() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.errs...)
}

func textReply(s string) *talktalk.SendEvent {
	return &talktalk.SendEvent{Content: talktalk.Content{Text: &talktalk.TextContent{Text: s}}}
}

func TestWebhookStatuses(t *testing.T) {
	t.Parallel()
	proxyList, err := signature.NewTalkTalkAllowList(signature.WithTrustedProxies("10.0.0.0/8"))
	if err != nil {
		t.Fatal(err)
	}
	echoFn := func(_ context.Context, ev talktalk.Event) (talktalk.Event, error) {
		switch e := ev.(type) {
		case *talktalk.SendEvent:
			switch {
			case e.Text == nil:
				return nil, nil
			case e.Text.Text == "fail":
				return nil, errors.New("database down")
			case e.Text.Text == "panic":
				panic("boom")
			case e.Text.Text == "invalid":
				return &talktalk.SendEvent{}, nil
			case e.Text.Text == "typing":
				return &talktalk.ActionEvent{User: "someone", Options: talktalk.ActionOptions{Action: talktalk.TypingOn}}, nil
			}
			return textReply("echo: " + e.Text.Text), nil
		case *talktalk.LeaveEvent:
			return textReply("bye"), nil
		case *talktalk.PayCompleteEvent:
			switch e.Options.PaymentResult.MerchantPayKey {
			case "decline":
				return textReply("재고가 없습니다"), talktalk.ErrDecline
			case "fail":
				return nil, errors.New("db")
			}
			return nil, nil
		}
		return nil, nil
	}
	send := func(text string) []byte {
		return []byte(`{"event":"send","user":"` + userID + `","textContent":{"text":"` + text + `","inputType":"typing"}}`)
	}
	// The new token first, the previous one still accepted.
	rotating := signature.MustSecretSet("n3w-path", "s3cr3t-path")
	pay := func(key string) []byte {
		return []byte(`{"event":"pay_complete","user":"u","options":{"paymentResult":{"code":"Success","merchantPayKey":"` + key + `"}}}`)
	}
	tests := []struct {
		name       string
		opts       []talktalk.HandlerOption
		req        func(t *testing.T) *http.Request
		wantStatus int
		wantBody   string
		wantErr    error // wrapped by the reported error; nil: none reported
	}{
		{"sync reply", nil, func(t *testing.T) *http.Request { return talktalktest.NewRequest(t, send("hi")) }, 200, `{"event":"send","textContent":{"text":"echo: hi"}}`, nil},
		{"reply user is stripped", nil, func(t *testing.T) *http.Request { return talktalktest.NewRequest(t, send("typing")) }, 200, `{"event":"action","options":{"action":"typingOn"}}`, nil},
		{"nil reply acks empty", nil, func(t *testing.T) *http.Request {
			return talktalktest.NewEvent(t, talktalktest.Image(userID, "https://talk.pstatic.net/a.jpg"))
		}, 200, "", nil},
		{"leave reply ignored", nil, func(t *testing.T) *http.Request { return talktalktest.NewEvent(t, &talktalk.LeaveEvent{User: userID}) }, 200, "", nil},
		{"GET", nil, func(t *testing.T) *http.Request {
			r := talktalktest.NewRequest(t, send("hi"))
			r.Method = http.MethodGet
			return r
		}, 405, "", nil},
		{"outside allow-list", nil, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithRemoteAddr("203.0.113.9:5555"))
		}, 403, "", signature.ErrForbidden},
		{"forged X-Forwarded-For from an untrusted peer", []talktalk.HandlerOption{talktalk.WithAllowList(proxyList)}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithRemoteAddr("203.0.113.9:5555"), talktalktest.WithForwardedFor("211.249.40.10"))
		}, 403, "", signature.ErrForbidden},
		{"through a trusted proxy", []talktalk.HandlerOption{talktalk.WithAllowList(proxyList)}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithRemoteAddr("10.1.2.3:5555"), talktalktest.WithForwardedFor("211.249.68.7, 10.0.0.2"))
		}, 200, `{"event":"send","textContent":{"text":"echo: hi"}}`, nil},
		{"through a trusted proxy from elsewhere", []talktalk.HandlerOption{talktalk.WithAllowList(proxyList)}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithRemoteAddr("10.1.2.3:5555"), talktalktest.WithForwardedFor("198.51.100.1"))
		}, 403, "", signature.ErrForbidden},
		{"path token", []talktalk.HandlerOption{talktalk.WithPathToken(signature.MustSecretSet("s3cr3t-path"))}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithTarget("/talktalk/s3cr3t-path"))
		}, 200, `{"event":"send","textContent":{"text":"echo: hi"}}`, nil},
		{"wrong path token", []talktalk.HandlerOption{talktalk.WithPathToken(signature.MustSecretSet("s3cr3t-path"))}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithTarget("/talktalk/s3cr3t-pat"))
		}, 403, "", signature.ErrForbidden},
		{"no path token", []talktalk.HandlerOption{talktalk.WithPathToken(signature.MustSecretSet("s3cr3t-path"))}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"))
		}, 403, "", signature.ErrForbidden},
		{"header token", []talktalk.HandlerOption{talktalk.WithHeaderToken("X-Relay-Token", signature.MustSecretSet("hdr-s3cr3t"))}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithHeader("X-Relay-Token", "hdr-s3cr3t"))
		}, 200, `{"event":"send","textContent":{"text":"echo: hi"}}`, nil},
		{"wrong header token", []talktalk.HandlerOption{talktalk.WithHeaderToken("X-Relay-Token", signature.MustSecretSet("hdr-s3cr3t"))}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithHeader("X-Relay-Token", "hdr-s3cr3"))
		}, 403, "", signature.ErrForbidden},
		// Rotation: while the token changes, the set holds the new one and
		// the previous one, and a request with either is let in.
		{"previous path token", []talktalk.HandlerOption{talktalk.WithPathToken(rotating)}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithTarget("/talktalk/s3cr3t-path"))
		}, 200, `{"event":"send","textContent":{"text":"echo: hi"}}`, nil},
		{"current path token", []talktalk.HandlerOption{talktalk.WithPathToken(rotating)}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithTarget("/talktalk/n3w-path"))
		}, 200, `{"event":"send","textContent":{"text":"echo: hi"}}`, nil},
		{"neither path token", []talktalk.HandlerOption{talktalk.WithPathToken(rotating)}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithTarget("/talktalk/retired-path"))
		}, 403, "", signature.ErrForbidden},
		{"previous header token", []talktalk.HandlerOption{talktalk.WithHeaderToken("X-Relay-Token", rotating)}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithHeader("X-Relay-Token", "s3cr3t-path"))
		}, 200, `{"event":"send","textContent":{"text":"echo: hi"}}`, nil},
		{"neither header token", []talktalk.HandlerOption{talktalk.WithHeaderToken("X-Relay-Token", rotating)}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithHeader("X-Relay-Token", "retired-path"))
		}, 403, "", signature.ErrForbidden},
		// A SecretSet hides its secrets, so a token with a slash cannot be
		// refused by WithPathToken; it is one no request path matches.
		{"slash in path token", []talktalk.HandlerOption{talktalk.WithPathToken(signature.MustSecretSet("a/b"))}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("hi"), talktalktest.WithTarget("/talktalk/a/b"))
		}, 403, "", signature.ErrForbidden},
		{"body too large", []talktalk.HandlerOption{talktalk.WithMaxBodyBytes(32)}, func(t *testing.T) *http.Request {
			return talktalktest.NewRequest(t, send("a long enough message"))
		}, 413, "", nil},
		{"malformed", nil, func(t *testing.T) *http.Request { return talktalktest.NewRequest(t, []byte(`{"user":"u"}`)) }, 400, "", talktalk.ErrMalformed},
		{"callback error", nil, func(t *testing.T) *http.Request { return talktalktest.NewRequest(t, send("fail")) }, 500, "", nil},
		{"callback panic", nil, func(t *testing.T) *http.Request { return talktalktest.NewRequest(t, send("panic")) }, 500, "", nil},
		{"invalid reply", nil, func(t *testing.T) *http.Request { return talktalktest.NewRequest(t, send("invalid")) }, 500, "", talktalk.ErrInvalid},
		{"payment approved", nil, func(t *testing.T) *http.Request { return talktalktest.NewRequest(t, pay("ok")) }, 200, "", nil},
		{"payment declined", nil, func(t *testing.T) *http.Request { return talktalktest.NewRequest(t, pay("decline")) }, 422, `{"event":"send","textContent":{"text":"재고가 없습니다"}}`, nil},
		{"payment callback error", nil, func(t *testing.T) *http.Request { return talktalktest.NewRequest(t, pay("fail")) }, 500, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sink := newSink()
			h, err := talktalk.NewWebhookHandler(echoFn, append([]talktalk.HandlerOption{talktalk.WithErrorHandler(sink.handle)}, tt.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req(t))
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantBody, rec.Body.String()); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if tt.wantBody != "" && rec.Header().Get("Content-Type") != "application/json;charset=UTF-8" {
				t.Errorf("Content-Type = %q", rec.Header().Get("Content-Type"))
			}
			if tt.wantStatus == 405 && rec.Header().Get("Allow") != "POST" {
				t.Errorf("Allow = %q", rec.Header().Get("Allow"))
			}
			errs := sink.all()
			if tt.wantStatus == 200 || tt.wantStatus == 422 {
				if len(errs) != 0 {
					t.Errorf("errors reported on success: %v", errs)
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("reported %d errors, want 1: %v", len(errs), errs)
			}
			if tt.wantErr != nil && !errors.Is(errs[0], tt.wantErr) {
				t.Errorf("reported %v; want it to wrap %v", errs[0], tt.wantErr)
			}
			for _, secret := range []string{"s3cr3t", "hdr-s3cr3", userID, "a long enough"} {
				if strings.Contains(errs[0].Error(), secret) {
					t.Errorf("reported error %q contains %q", errs[0], secret)
				}
			}
		})
	}
}

func TestWebhookConstructorErrors(t *testing.T) {
	t.Parallel()
	fn := func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil }
	tests := []struct {
		name string
		fn   talktalk.HandlerFunc
		opts []talktalk.HandlerOption
	}{
		{"nil fn", nil, nil},
		{"nil allow-list", fn, []talktalk.HandlerOption{talktalk.WithAllowList(nil)}},
		{"empty path token set", fn, []talktalk.HandlerOption{talktalk.WithPathToken(signature.SecretSet{})}},
		{"empty header token set", fn, []talktalk.HandlerOption{talktalk.WithHeaderToken("X-T", signature.SecretSet{})}},
		{"empty header name", fn, []talktalk.HandlerOption{talktalk.WithHeaderToken("", signature.MustSecretSet("t"))}},
		{"budget over TalkTalk's timeout", fn, []talktalk.HandlerOption{talktalk.WithBudget(5 * time.Second)}},
		{"zero budget", fn, []talktalk.HandlerOption{talktalk.WithBudget(0)}},
		{"work timeout shorter than budget", fn, []talktalk.HandlerOption{talktalk.WithBudget(2 * time.Second), talktalk.WithWorkTimeout(time.Second)}},
		{"zero work timeout", fn, []talktalk.HandlerOption{talktalk.WithWorkTimeout(0)}},
		{"zero max in flight", fn, []talktalk.HandlerOption{talktalk.WithMaxInFlight(0)}},
		{"nil logger", fn, []talktalk.HandlerOption{talktalk.WithLogger(nil)}},
		{"nil error handler", fn, []talktalk.HandlerOption{talktalk.WithErrorHandler(nil)}},
		{"nil option", fn, []talktalk.HandlerOption{nil}},
		{"zero body limit", fn, []talktalk.HandlerOption{talktalk.WithMaxBodyBytes(0)}},
		{"nil late client", fn, []talktalk.HandlerOption{talktalk.WithLateReplyClient(nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := talktalk.NewWebhookHandler(tt.fn, tt.opts...)
			if err == nil {
				t.Fatal("NewWebhookHandler succeeded")
			}
			var ae *talktalk.ArgumentError
			if !errors.As(err, &ae) || !errors.Is(err, talktalk.ErrInvalid) || !strings.HasPrefix(err.Error(), "talktalk: ") {
				t.Errorf("err = %v; want a *talktalk.ArgumentError prefixed talktalk:", err)
			}
		})
	}
}

// slowBot blocks each callback until release is closed, and records the
// context it ran with.
type slowBot struct {
	started chan context.Context
	release chan struct{}
	reply   talktalk.Event
	err     error
}

func newSlowBot(reply talktalk.Event, err error) *slowBot {
	return &slowBot{started: make(chan context.Context, 1), release: make(chan struct{}), reply: reply, err: err}
}

func (b *slowBot) fn(ctx context.Context, _ talktalk.Event) (talktalk.Event, error) {
	b.started <- ctx
	<-b.release
	return b.reply, b.err
}

// manualHandler returns a handler whose budget runs out only when the
// test advances the returned clock.
func manualHandler(t *testing.T, fn talktalk.HandlerFunc, opts ...talktalk.HandlerOption) (*talktalk.WebhookHandler, *webhookio.ManualClock) {
	t.Helper()
	h, err := talktalk.NewWebhookHandler(fn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	clock := webhookio.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	talktalk.SetClock(h, clock)
	return h, clock
}

// serveLate runs one request whose callback outlives the budget: the
// clock passes the budget once the callback has started, and serveLate
// returns the acknowledgement, with the callback still running, and a
// channel closed when ServeHTTP returns.
func serveLate(t *testing.T, h http.Handler, req *http.Request, bot *slowBot, clock *webhookio.ManualClock) (*httptest.ResponseRecorder, context.Context, <-chan struct{}) {
	t.Helper()
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		h.ServeHTTP(rec, req)
		close(done)
	}()
	ctx := <-bot.started
	clock.WaitForTimer(1)
	clock.Advance(talktalk.DefaultBudget)
	return rec, ctx, done
}

func TestWebhookBudgetLateReplyReported(t *testing.T) {
	t.Parallel()
	bot := newSlowBot(textReply("늦은 답장"), nil)
	sink := newSink()
	h, clock := manualHandler(t, bot.fn, talktalk.WithErrorHandler(sink.handle))
	reqCtx, cancelReq := context.WithCancel(context.Background())
	req := talktalktest.NewEvent(t, talktalktest.Text(userID, "hi")).WithContext(reqCtx)
	rec, cbCtx, done := serveLate(t, h, req, bot, clock)
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Fatalf("ack = %d %q; want an empty 200", rec.Code, rec.Body)
	}
	// TalkTalk hangs up; the callback's context lives on.
	cancelReq()
	if err := cbCtx.Err(); err != nil {
		t.Fatalf("callback ctx ended with the request: %v", err)
	}
	if _, ok := cbCtx.Deadline(); !ok {
		t.Error("callback ctx has no deadline: the background run is unbounded")
	}
	close(bot.release)
	if err := h.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-done
	got := <-sink.ch
	var le *talktalk.LateError
	if !errors.As(got, &le) || !errors.Is(got, talktalk.ErrLate) {
		t.Fatalf("reported %v; want a *LateError", got)
	}
	if le.Reply == nil || le.SendErr != nil || le.Err != nil {
		t.Errorf("late error = %+v", le)
	}
	if errors.Is(got, talktalk.ErrCallback) {
		t.Errorf("reported %v: a late reply is no failure of the callback", got)
	}
	if strings.Contains(got.Error(), "늦은") {
		t.Errorf("error %q quotes the reply", got)
	}
}

func TestWebhookBudgetLateReplySentByClient(t *testing.T) {
	t.Parallel()
	srv := talktalktest.NewServer(t)
	bot := newSlowBot(textReply("늦은 답장"), nil)
	sink := newSink()
	h, clock := manualHandler(t, bot.fn, talktalk.WithErrorHandler(sink.handle), talktalk.WithLateReplyClient(srv.Client()))
	rec, _, done := serveLate(t, h, talktalktest.NewEvent(t, talktalktest.Text(userID, "hi")), bot, clock)
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Fatalf("ack = %d %q", rec.Code, rec.Body)
	}
	close(bot.release)
	if err := h.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-done
	sent := srv.Sent()
	if len(sent) != 1 || sent[0].User != userID || sent[0].Text.Text != "늦은 답장" {
		t.Fatalf("sent = %+v", sent)
	}
	if errs := sink.all(); len(errs) != 0 {
		t.Errorf("errors reported: %v", errs)
	}
	if bot.reply.(*talktalk.SendEvent).User != "" {
		t.Error("the callback's reply value was modified")
	}
}

func TestWebhookBudgetLateSendFails(t *testing.T) {
	t.Parallel()
	srv := talktalktest.NewServer(t)
	srv.FailNextResult(talktalk.CodeCannotSend, "현재 이 사용자에게 메시지를 보낼 수 없음")
	bot := newSlowBot(textReply("늦은 답장"), nil)
	sink := newSink()
	h, clock := manualHandler(t, bot.fn, talktalk.WithErrorHandler(sink.handle), talktalk.WithLateReplyClient(srv.Client()))
	_, _, done := serveLate(t, h, talktalktest.NewEvent(t, talktalktest.Text(userID, "hi")), bot, clock)
	close(bot.release)
	_ = h.Wait(context.Background())
	<-done
	got := <-sink.ch
	if !errors.Is(got, talktalk.ErrLate) || !errors.Is(got, talktalk.ErrCannotSend) {
		t.Errorf("reported %v; want ErrLate and ErrCannotSend", got)
	}
}

func TestWebhookBudgetLateError(t *testing.T) {
	t.Parallel()
	cause := errors.New("slow database")
	bot := newSlowBot(nil, cause)
	sink := newSink()
	h, clock := manualHandler(t, bot.fn, talktalk.WithErrorHandler(sink.handle))
	rec, _, done := serveLate(t, h, talktalktest.NewEvent(t, talktalktest.Text(userID, "hi")), bot, clock)
	if rec.Code != 200 {
		t.Errorf("status = %d", rec.Code)
	}
	close(bot.release)
	_ = h.Wait(context.Background())
	<-done
	if got := <-sink.ch; !errors.Is(got, talktalk.ErrLate) || !errors.Is(got, cause) || !errors.Is(got, talktalk.ErrCallback) {
		t.Errorf("reported %v; want ErrLate, ErrCallback and the cause", got)
	}
}

// TestWebhookBudgetLatePanic: a callback that panics after the budget is
// recovered and reported as a late failure.
func TestWebhookBudgetLatePanic(t *testing.T) {
	t.Parallel()
	started, release := make(chan context.Context, 1), make(chan struct{})
	sink := newSink()
	h, clock := manualHandler(t, func(ctx context.Context, _ talktalk.Event) (talktalk.Event, error) {
		started <- ctx
		<-release
		panic("boom")
	}, talktalk.WithErrorHandler(sink.handle))
	bot := &slowBot{started: started, release: release}
	rec, _, done := serveLate(t, h, talktalktest.NewEvent(t, talktalktest.Text(userID, "hi")), bot, clock)
	if rec.Code != 200 {
		t.Errorf("status = %d", rec.Code)
	}
	close(release)
	_ = h.Wait(context.Background())
	<-done
	if got := <-sink.ch; !errors.Is(got, talktalk.ErrLate) || !errors.Is(got, talktalk.ErrCallback) {
		t.Errorf("reported %v; want ErrLate and ErrCallback", got)
	}
}

func TestWebhookBudgetPaymentDeclined(t *testing.T) {
	t.Parallel()
	bot := newSlowBot(nil, nil)
	sink := newSink()
	h, clock := manualHandler(t, bot.fn, talktalk.WithErrorHandler(sink.handle), talktalk.WithBudget(time.Second))
	ev := &talktalk.PayCompleteEvent{User: userID, Options: talktalk.PayCompleteOptions{PaymentResult: talktalk.PaymentResult{Code: "Success", MerchantPayKey: "k"}}}
	rec, cbCtx, done := serveLate(t, h, talktalktest.NewEvent(t, ev), bot, clock)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d; a payment must not be approved by a timeout", rec.Code)
	}
	if dl, ok := cbCtx.Deadline(); !ok || time.Until(dl) > time.Second {
		t.Errorf("pay_complete callback ctx deadline %v; want it to end with the budget", dl)
	}
	close(bot.release)
	_ = h.Wait(context.Background())
	<-done
	if errs := sink.all(); len(errs) != 0 {
		t.Errorf("nil late result reported: %v", errs)
	}
}

func TestWebhookInTimeReplyNotLate(t *testing.T) {
	t.Parallel()
	// The clock never moves: the callback answers in time, on the
	// request's own goroutine.
	h, clock := manualHandler(t, func(context.Context, talktalk.Event) (talktalk.Event, error) {
		return textReply("fast"), nil
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, talktalktest.NewEvent(t, talktalktest.Text(userID, "hi")))
	if !bytes.Contains(rec.Body.Bytes(), []byte(`"fast"`)) {
		t.Errorf("body = %s", rec.Body)
	}
	if n := clock.Pending(); n != 0 {
		t.Errorf("%d budget timers left armed after an answer in time", n)
	}
}

func TestParseRequest(t *testing.T) {
	t.Parallel()
	ev, err := talktalk.ParseRequest(nil, talktalktest.NewEvent(t, talktalktest.Open(userID)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ev.(*talktalk.OpenEvent); !ok || ev.UserID() != userID {
		t.Errorf("got %#v", ev)
	}
	big := bytes.Repeat([]byte(" "), 2<<20)
	if _, err := talktalk.ParseRequest(nil, talktalktest.NewRequest(t, big)); err == nil {
		t.Error("ParseRequest read an over-limit body")
	}
}

// TestParseRequestWithoutBody: a request built with a nil body (as
// http.NewRequest does) or no request at all is an error, never a panic.
func TestParseRequestWithoutBody(t *testing.T) {
	t.Parallel()
	r, err := http.NewRequest(http.MethodPost, "http://bot.example/talktalk", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.RemoteAddr = talktalktest.RemoteAddr
	if _, err := talktalk.ParseRequest(nil, r); !errors.Is(err, talktalk.ErrMalformed) {
		t.Errorf("nil body: %v; want ErrMalformed", err)
	}
	if _, err := talktalk.ParseRequest(nil, nil); !errors.Is(err, talktalk.ErrInvalid) {
		t.Errorf("nil request: %v; want an argument error", err)
	}
}

// TestParseRequestAllowList: ParseRequest refuses a sender outside the
// list before reading the body; nil is the published TalkTalk list.
func TestParseRequestAllowList(t *testing.T) {
	t.Parallel()
	relay, err := signature.NewAllowList([]string{"198.51.100.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		allow   *signature.AllowList
		remote  string
		wantErr error // nil: decodes
	}{
		{"default list, TalkTalk address", nil, talktalktest.RemoteAddr, nil},
		{"default list, elsewhere", nil, "203.0.113.9:5555", signature.ErrForbidden},
		{"own list, its address", relay, "198.51.100.7:4000", nil},
		{"own list, TalkTalk address", relay, talktalktest.RemoteAddr, signature.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := talktalktest.NewEvent(t, talktalktest.Open(userID), talktalktest.WithRemoteAddr(tt.remote))
			body := &countingBody{Reader: r.Body}
			r.Body = body
			ev, err := talktalk.ParseRequest(tt.allow, r)
			if tt.wantErr == nil {
				if err != nil || ev.Type() != talktalk.EventOpen {
					t.Fatalf("ParseRequest = %v, %v", ev, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if body.n != 0 {
				t.Errorf("read %d bytes from a refused sender", body.n)
			}
		})
	}
}

type countingBody struct {
	io.Reader
	n int
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	c.n += n
	return n, err
}

func (*countingBody) Close() error { return nil }

// TestWebhookInFlightCap: under a burst of concurrent requests, no more
// functions run at once than WithMaxInFlight allows, counting those past
// their budget; the handler starts no goroutine of its own per request;
// and requests still waiting for a slot when TalkTalk hangs up are
// answered 503 and reported as ErrBusy. Not parallel: it counts
// goroutines.
func TestWebhookInFlightCap(t *testing.T) {
	const (
		capacity = 4
		requests = 64
	)
	var running, peak atomic.Int32
	started, release := make(chan struct{}, requests), make(chan struct{})
	sink := &errSink{ch: make(chan error, requests)}
	h, clock := manualHandler(t, func(context.Context, talktalk.Event) (talktalk.Event, error) {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		started <- struct{}{}
		<-release
		running.Add(-1)
		return textReply("late"), nil
	}, talktalk.WithMaxInFlight(capacity), talktalk.WithErrorHandler(sink.handle))

	base := runtime.NumGoroutine()
	reqCtx, hangUp := context.WithCancel(context.Background())
	defer hangUp()
	recs := make([]*httptest.ResponseRecorder, requests)
	var wg sync.WaitGroup
	for i := range recs {
		recs[i] = httptest.NewRecorder()
		req := talktalktest.NewEvent(t, talktalktest.Text(userID, "hi")).WithContext(reqCtx)
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.ServeHTTP(recs[i], req)
		}()
	}
	for range capacity {
		<-started
	}
	// The budget runs out for the running ones: they are acknowledged,
	// and go on holding their slots.
	clock.WaitForTimer(capacity)
	clock.Advance(talktalk.DefaultBudget)
	if extra := runtime.NumGoroutine() - base; extra > requests+2*capacity {
		t.Errorf("%d goroutines for %d requests: the handler starts goroutines of its own", extra, requests)
	}
	// TalkTalk hangs up on the requests still waiting for a slot.
	hangUp()
	for range requests - capacity {
		if err := <-sink.ch; !errors.Is(err, talktalk.ErrBusy) {
			t.Errorf("reported %v; want ErrBusy", err)
		}
	}
	close(release)
	wg.Wait()
	if err := h.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p != capacity {
		t.Errorf("peak of %d functions at once; want the cap, %d", p, capacity)
	}
	got := map[int]int{}
	for _, rec := range recs {
		got[rec.Code]++
	}
	if diff := cmp.Diff(map[int]int{200: capacity, 503: requests - capacity}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	// The late replies were reported (no late-reply client).
	for range capacity {
		if err := <-sink.ch; !errors.Is(err, talktalk.ErrLate) {
			t.Errorf("reported %v; want ErrLate", err)
		}
	}
}

// TestWebhookLogger: a refused request is logged at Debug, without the
// tokens it carried.
func TestWebhookLogger(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := talktalk.NewWebhookHandler(func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil },
		talktalk.WithLogger(logger), talktalk.WithPathToken(signature.MustSecretSet("s3cr3t-path")))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, talktalktest.NewEvent(t, talktalktest.Text(userID, "hi"), talktalktest.WithTarget("/talktalk/s3cr3t-pat")))
	if rec.Code != http.StatusForbidden {
		t.Fatalf("status = %d", rec.Code)
	}
	if !strings.Contains(logs.String(), "path token") {
		t.Errorf("refusal not logged: %s", logs.String())
	}
	for _, secret := range []string{"s3cr3t", userID} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("log contains %q: %s", secret, logs.String())
		}
	}
}
