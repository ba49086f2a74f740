package naverworks_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
)

const botUser = "user-1"

// botRig is one BotHandler behind a real HTTP server, replying through a
// client wired to a fresh fake.
type botRig struct {
	srv    *naverworkstest.Server
	bot    *naverworks.BotHandler
	url    string
	sleeps chan time.Duration // the client's retry waits, taken without sleeping

	mu       sync.Mutex
	reported []error
}

func newBotRig(t testing.TB, h message.Handler, clientOpts []naverworks.Option, opts ...naverworks.HandlerOption) *botRig {
	t.Helper()
	rig := &botRig{srv: naverworkstest.NewServer(t), sleeps: make(chan time.Duration, 16)}
	cl, err := rig.srv.NewClient(append([]naverworks.Option{naverworks.WithSleep(func(_ context.Context, d time.Duration) error {
		rig.sleeps <- d
		return nil
	})}, clientOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	opts = append([]naverworks.HandlerOption{
		naverworks.WithClient(cl),
		naverworks.WithBotID(naverworkstest.BotID),
		naverworks.WithErrorHandler(func(_ *http.Request, err error) {
			rig.mu.Lock()
			rig.reported = append(rig.reported, err)
			rig.mu.Unlock()
		}),
	}, opts...)
	rig.bot, err = naverworks.NewBotHandler(secrets, h, opts...)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(rig.bot)
	t.Cleanup(hs.Close)
	rig.url = hs.URL + "/callback"
	return rig
}

// post sends a signed callback for ev over HTTP and returns the status.
func (rig *botRig) post(t testing.TB, ev naverworks.Event) int {
	t.Helper()
	body, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	req, err := naverworkstest.NewHTTPRequest(rig.url, naverworkstest.BotSecret, naverworkstest.BotID, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err := rig.bot.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode
}

// texts returns what the fake received for user, in order: texts as they
// are, other types as "<type>".
func (rig *botRig) texts(user string) []string {
	var out []string
	for _, m := range rig.srv.Messages() {
		if m.UserID != user {
			continue
		}
		if m.Type == "text" {
			out = append(out, m.Text)
		} else {
			out = append(out, "<"+m.Type+">")
		}
	}
	return out
}

func (rig *botRig) errs() []error {
	rig.mu.Lock()
	defer rig.mu.Unlock()
	return append([]error(nil), rig.reported...)
}

func hello(user string) *naverworks.MessageEvent {
	return &naverworks.MessageEvent{
		Envelope: naverworks.Envelope{Source: naverworks.Source{UserID: user, DomainID: "40029600"}, IssuedTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		Content:  &naverworks.TextContent{Text: "hello"},
	}
}

func TestBot(t *testing.T) {
	messagetest.TestBot(t, messagetest.Bot{
		Platform: message.NaverWorks,
		Caps:     naverworks.Capabilities,
		Run: func(t testing.TB, h message.Handler) ([]string, []error) {
			rig := newBotRig(t, h, nil)
			rig.post(t, hello(botUser))
			return rig.texts(botUser), rig.errs()
		},
	})
}

// replyWith is a handler that replies contents and hands Reply's result
// to got.
func replyWith(got chan<- replyResult, contents ...message.Content) message.Handler {
	return message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		rep, err := r.Reply(ctx, contents...)
		got <- replyResult{rep, err}
		return nil
	})
}

type replyResult struct {
	rep message.Report
	err error
}

func TestBotHandlerRepliesToTheRoom(t *testing.T) {
	got := make(chan replyResult, 1)
	rig := newBotRig(t, replyWith(got, &message.Text{Text: "hi, room"}), nil)
	ev := hello(botUser)
	ev.Source.ChannelID = "room-1"
	if code := rig.post(t, ev); code != http.StatusOK {
		t.Fatalf("status %d, want 200", code)
	}
	if r := <-got; r.err != nil || !r.rep.Lossless() {
		t.Fatalf("Reply: %v, %v", r.rep, r.err)
	}
	msgs := rig.srv.Messages()
	if len(msgs) != 1 || msgs[0].ChannelID != "room-1" || msgs[0].UserID != "" || msgs[0].Text != "hi, room" {
		t.Fatalf("sent %+v, want one text to room-1", msgs)
	}
}

// TestBotHandlerRetriesA429: NAVER WORKS throttles a send with 429 and
// Retry-After; the client waits as asked and sends once more, and the
// answer arrives exactly once with nothing reported.
func TestBotHandlerRetriesA429(t *testing.T) {
	got := make(chan replyResult, 1)
	rig := newBotRig(t, replyWith(got, &message.Text{Text: "one"}, &message.Text{Text: "two"}), nil)
	rig.srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: http.StatusTooManyRequests,
		Header: http.Header{"Retry-After": {"2"}}})
	if code := rig.post(t, hello(botUser)); code != http.StatusOK {
		t.Fatalf("status %d, want 200", code)
	}
	r := <-got
	if r.err != nil || !r.rep.Lossless() {
		t.Fatalf("Reply: report %v, error %v; want lossless and nil", r.rep, r.err)
	}
	if texts := rig.texts(botUser); strings.Join(texts, ",") != "one,two" {
		t.Errorf("delivered %q, want [one two] once each", texts)
	}
	if d := <-rig.sleeps; d != 2*time.Second {
		t.Errorf("the client waited %v, want the Retry-After of 2s", d)
	}
	if errs := rig.errs(); len(errs) != 0 {
		t.Errorf("reported %v for a delivered reply", errs)
	}
}

// TestBotHandlerReports429Exhausted: the send is throttled on every
// attempt. The message is a Dropped loss, the one after it is held back
// (and Dropped), Reply fails with the *APIError, and the error handler
// gets it wrapping ErrCallback although the handler returned nil.
func TestBotHandlerReports429Exhausted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  []naverworks.Option
		times int
		waits int
	}{
		{"retries exhausted", []naverworks.Option{naverworks.WithRetry(3, time.Millisecond, 10*time.Second)}, 3, 2},
		{"Retry-After past the cap", []naverworks.Option{naverworks.WithRetry(3, time.Millisecond, time.Second)}, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := make(chan replyResult, 1)
			rig := newBotRig(t, replyWith(got, &message.Text{Text: "one"}, &message.Text{Text: "two"}), tc.opts)
			rig.srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: http.StatusTooManyRequests,
				Header: http.Header{"Retry-After": {"2"}}, Times: tc.times})
			if code := rig.post(t, hello(botUser)); code != http.StatusInternalServerError {
				t.Errorf("status %d, want 500 (the reply failed within the budget)", code)
			}
			r := <-got
			var ae *naverworks.APIError
			if !errors.As(r.err, &ae) || ae.StatusCode != http.StatusTooManyRequests || ae.RetryAfter != 2*time.Second {
				t.Fatalf("Reply error %v, want the 429 *APIError with RetryAfter 2s", r.err)
			}
			var re *naverworks.ReplyError
			if !errors.As(r.err, &re) || re.Undelivered != 2 {
				t.Errorf("Reply error %#v, want a *ReplyError with 2 undelivered", r.err)
			}
			want := []message.Loss{
				{Path: "[0]", Reason: message.Dropped, Detail: "message 1 of 1 not sent: HTTP 429 TOO_MANY_REQUESTS"},
				{Path: "[1]", Reason: message.Dropped, Detail: "not sent: an earlier message of the reply failed"},
			}
			if fmt.Sprint(r.rep.Losses) != fmt.Sprint(want) {
				t.Errorf("losses %v, want %v", r.rep.Losses, want)
			}
			if texts := rig.texts(botUser); len(texts) != 0 {
				t.Errorf("delivered %q, want nothing", texts)
			}
			if n := len(rig.sleeps); n != tc.waits {
				t.Errorf("the client waited %d times, want %d", n, tc.waits)
			}
			errs := rig.errs()
			if len(errs) != 1 || !errors.Is(errs[0], naverworks.ErrCallback) || !errors.As(errs[0], &ae) {
				t.Errorf("reported %v, want one error wrapping ErrCallback and the *APIError", errs)
			}
		})
	}
}

// TestBotHandlerReportsOnce: a handler that returns Reply's error gets it
// reported once, not twice.
func TestBotHandlerReportsOnce(t *testing.T) {
	rig := newBotRig(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, &message.Text{Text: "one"})
		return fmt.Errorf("answering: %w", err)
	}), []naverworks.Option{naverworks.WithRetry(1, 0, 0)})
	rig.srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: http.StatusServiceUnavailable})
	rig.post(t, hello(botUser))
	errs := rig.errs()
	if len(errs) != 1 {
		t.Fatalf("reported %d errors, want 1: %v", len(errs), errs)
	}
	if n := strings.Count(errs[0].Error(), "not delivered"); n != 1 {
		t.Errorf("the Reply error appears %d times in %q, want once", n, errs[0])
	}
}

// TestBotHandlerLateFailure: the reply fails after the budget ran out and
// the callback was acknowledged; the failure still reaches the error
// handler.
func TestBotHandlerLateFailure(t *testing.T) {
	release := make(chan struct{})
	got := make(chan replyResult, 1)
	rig := newBotRig(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		<-release
		rep, err := r.Reply(ctx, &message.Text{Text: "late"})
		got <- replyResult{rep, err}
		return nil
	}), []naverworks.Option{naverworks.WithRetry(1, 0, 0)})
	clock := webhookio.NewManualClock(time.Unix(1_700_000_000, 0))
	naverworks.SetBotClock(rig.bot, clock)
	rig.srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: http.StatusBadRequest})
	go func() {
		clock.WaitForTimer(1)
		clock.Advance(naverworks.DefaultBudget)
		close(release)
	}()
	if code := rig.post(t, hello(botUser)); code != http.StatusOK {
		t.Errorf("status %d, want the budget's 200", code)
	}
	if r := <-got; r.err == nil {
		t.Fatal("Reply succeeded against a 400")
	}
	errs := rig.errs()
	if len(errs) != 1 || !errors.Is(errs[0], naverworks.ErrCallback) || !errors.Is(errs[0], naverworks.ErrLate) {
		t.Errorf("reported %v, want one error wrapping ErrLate and ErrCallback", errs)
	}
}

// TestBotHandlerRender: the contents before one that fails to render are
// sent; it and every later content of the Reply are Dropped, and Reply's
// error wraps the render error.
func TestBotHandlerRender(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts []naverworks.HandlerOption
		bad  message.Content
		want error
	}{
		{"best effort", nil, &message.Unknown{Platform: message.LINE, Kind: "flex"}, errors.ErrUnsupported},
		{"strict refuses a loss", []naverworks.HandlerOption{naverworks.WithRenderOptions(message.RenderOptions{Strict: true})},
			&message.Image{URL: "https://example.com/a.png", AltText: "a cat"}, message.ErrLossy},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := make(chan replyResult, 1)
			rig := newBotRig(t, replyWith(got,
				&message.Text{Text: "before"},
				tt.bad,
				&message.Text{Text: "after"},
			), nil, tt.opts...)
			rig.post(t, hello(botUser))
			r := <-got
			if !errors.Is(r.err, tt.want) {
				t.Errorf("Reply error %v, want one wrapping %v", r.err, tt.want)
			}
			if texts := rig.texts(botUser); len(texts) != 1 || texts[0] != "before" {
				t.Errorf("delivered %q, want before only", texts)
			}
			if len(r.rep.Losses) != 2 ||
				r.rep.Losses[0].Path != "[1]" || r.rep.Losses[0].Reason != message.Dropped || !strings.HasPrefix(r.rep.Losses[0].Detail, "did not render: ") ||
				r.rep.Losses[1].Path != "[2]" || r.rep.Losses[1].Reason != message.Dropped || !strings.HasPrefix(r.rep.Losses[1].Detail, "held back") {
				t.Errorf("losses %v, want [1] dropped (did not render) and [2] dropped (held back)", r.rep.Losses)
			}
			if len(rig.errs()) != 1 {
				t.Errorf("reported %v, want the render failure", rig.errs())
			}
		})
	}
}

func TestBotHandlerResponder(t *testing.T) {
	var kept message.Responder
	rig := newBotRig(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		kept = r
		if err := r.Typing(ctx); !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("Typing: %v", err)
		}
		for _, err := range []error{r.PassToHuman(ctx), r.TakeBack(ctx)} {
			if !errors.Is(err, message.ErrNoHandover) {
				t.Errorf("hand-over: %v", err)
			}
		}
		if r.Capabilities().Platform != message.NaverWorks {
			t.Errorf("Capabilities: %+v", r.Capabilities())
		}
		if rep, err := r.Reply(ctx); err != nil || !rep.Lossless() {
			t.Errorf("Reply(): %v, %v", rep, err)
		}
		return nil
	}), nil)
	rig.post(t, hello(botUser))
	if _, err := kept.Reply(context.Background(), &message.Text{Text: "too late"}); err == nil {
		t.Error("Reply after the handler returned succeeded")
	}
	if n := len(rig.srv.Messages()); n != 0 {
		t.Errorf("sent %d messages", n)
	}
}

func TestNewBotHandlerArguments(t *testing.T) {
	h := message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
	cl := naverworkstest.NewServer(t).Client()
	for name, err := range map[string]error{
		"no client": func() error { _, err := naverworks.NewBotHandler(secrets, h); return err }(),
		"nil h":     func() error { _, err := naverworks.NewBotHandler(secrets, nil, naverworks.WithClient(cl)); return err }(),
		"nil client": func() error {
			_, err := naverworks.NewBotHandler(secrets, h, naverworks.WithClient(nil))
			return err
		}(),
		"bot option to NewWebhookHandler": func() error {
			_, err := naverworks.NewWebhookHandler(secrets, func(context.Context, naverworks.Event) error { return nil }, naverworks.WithClient(cl))
			return err
		}(),
	} {
		var ae *naverworks.ArgumentError
		if !errors.As(err, &ae) {
			t.Errorf("%s: %v, want an *ArgumentError", name, err)
		}
	}
	b, err := naverworks.NewBotHandler(secrets, h, naverworks.WithClient(cl), naverworks.WithBotID("bot-9"))
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprintf("%+v", b); strings.Contains(s, secret) || !strings.Contains(s, "naverworks.BotHandler") {
		t.Errorf("printed as %s", s)
	}
}

// TestBotHandlerAfterReturn: a Responder used after the handler returned
// sends nothing, returns an error wrapping message.ErrResponderDone,
// reports every content as a Dropped loss at its index and leaves the
// error handler alone (the caller has the error).
func TestBotHandlerAfterReturn(t *testing.T) {
	var kept message.Responder
	rig := newBotRig(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		kept = r
		return nil
	}), nil)
	rig.post(t, hello(botUser))
	ctx := context.Background()
	rep, err := kept.Reply(ctx, &message.Text{Text: "late"}, &message.Text{Text: "later"})
	if !errors.Is(err, message.ErrResponderDone) {
		t.Errorf("late Reply: %v; want ErrResponderDone", err)
	}
	var paths []string
	for _, l := range rep.Losses {
		if l.Reason == message.Dropped {
			paths = append(paths, l.Path)
		}
	}
	if got := strings.Join(paths, " "); got != "[0] [1]" {
		t.Errorf("late Reply's Dropped losses at %q; want \"[0] [1]\"", got)
	}
	for name, f := range map[string]func(context.Context) error{"Typing": kept.Typing, "PassToHuman": kept.PassToHuman, "TakeBack": kept.TakeBack} {
		if err := f(ctx); !errors.Is(err, message.ErrResponderDone) {
			t.Errorf("late %s: %v; want ErrResponderDone", name, err)
		}
	}
	if n := len(rig.srv.Messages()); n != 0 {
		t.Errorf("sent %d messages after the handler returned", n)
	}
	if errs := rig.errs(); len(errs) != 0 {
		t.Errorf("reported %v; want nothing: the late caller has the error", errs)
	}
}

// TestBotHandlerReplyRacesReturn: a Reply made while the handler returns
// is delivered or ErrResponderDone, without a data race (go test -race).
func TestBotHandlerReplyRacesReturn(t *testing.T) {
	var wg sync.WaitGroup
	var late error
	rig := newBotRig(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, late = r.Reply(context.Background(), &message.Text{Text: "racing"})
		}()
		return nil
	}), nil)
	rig.post(t, hello(botUser))
	wg.Wait()
	if late != nil && !errors.Is(late, message.ErrResponderDone) {
		t.Errorf("racing Reply: %v; want nil or ErrResponderDone", late)
	}
	if errs := rig.errs(); len(errs) != 0 {
		t.Errorf("reported %v", errs)
	}
}
