package naverworks_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
)

const secret = naverworkstest.BotSecret

var secrets = signature.MustSecretSet(secret)

func TestParseEvents(t *testing.T) {
	t.Parallel()
	ts := time.Date(2022, 1, 4, 5, 16, 5, 716e6, time.UTC)
	tests := []struct {
		file string
		want naverworks.Event
	}{
		{"message_text_room.json", &naverworks.MessageEvent{
			Envelope: naverworks.Envelope{Source: naverworks.Source{UserID: "c72af563-0f21-4736-11e4-045237113344", ChannelID: "2b2b2b2b-1111-2222-3333-444455556666", DomainID: "40029600"}, IssuedTime: ts},
			Content:  &naverworks.TextContent{Text: "안녕하세요 👋", Postback: "start"},
		}},
		{"message_location.json", &naverworks.MessageEvent{
			Envelope: naverworks.Envelope{Source: naverworks.Source{UserID: "u-1", DomainID: "40029600"}, IssuedTime: ts.Truncate(time.Second)},
			Content:  &naverworks.LocationContent{Address: "경기도 성남시 분당구 정자일로 95", Latitude: 37.3595704, Longitude: 127.105399},
		}},
		{"message_unknown_content.json", &naverworks.MessageEvent{
			Envelope: naverworks.Envelope{Source: naverworks.Source{UserID: "u-1", DomainID: "d-3"}, IssuedTime: ts},
			Content:  &naverworks.UnknownContent{ContentType: "hologram", Raw: json.RawMessage(`{"type":"hologram","depth":3}`)},
		}},
		{"postback.json", &naverworks.PostbackEvent{
			Envelope: naverworks.Envelope{Source: naverworks.Source{UserID: "u-1", ChannelID: "c-1", DomainID: "40029600"}, IssuedTime: ts},
			Data:     "action=buy&id=1",
		}},
		{"joined.json", &naverworks.JoinedEvent{
			Envelope: naverworks.Envelope{Source: naverworks.Source{ChannelID: "c-1", DomainID: "40029600"}, IssuedTime: ts},
			Members:  []string{"u-1", "u-2"},
		}},
		{"begin.json", &naverworks.BeginEvent{Envelope: naverworks.Envelope{Source: naverworks.Source{UserID: "u-1", ChannelID: "c-1", DomainID: "40029600"}, IssuedTime: ts}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "webhook", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			body = []byte(strings.TrimSpace(string(body)))
			got, err := naverworks.Parse(secrets, body, signature.SignHMACSHA256([]byte(secret), body))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, ignoreRaw); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
			// Round trip: encoding the value gives the same JSON, semantically.
			enc, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(jsonValue(t, body), jsonValue(t, enc)); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

// ignoreRaw ignores Envelope.Raw (the whole body), not UnknownContent.Raw.
var ignoreRaw = cmp.FilterPath(func(p cmp.Path) bool {
	return p.Last().String() == ".Raw" && p.Index(-2).Type() == reflect.TypeOf(naverworks.Envelope{})
}, cmp.Ignore())

func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("bad JSON %s: %v", b, err)
	}
	return v
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	body := []byte(`{"type":"message","content":{"type":"text","text":"hi"}}`)
	sig := signature.SignHMACSHA256([]byte(secret), body)
	tests := []struct {
		name    string
		secrets signature.SecretSet
		body    string
		sig     string
		want    error
	}{
		{"missing signature", secrets, string(body), "", signature.ErrMissing},
		{"wrong secret", signature.MustSecretSet("other"), string(body), sig, signature.ErrMismatch},
		{"trailing newline", secrets, string(body) + "\n", sig, signature.ErrMismatch},
		{"empty secret set", signature.SecretSet{}, string(body), sig, signature.ErrMismatch},
		{"truncated signature", secrets, string(body), sig[:20], signature.ErrMismatch},
		{"not JSON", secrets, "nope", signature.SignHMACSHA256([]byte(secret), []byte("nope")), naverworks.ErrMalformed},
		{"no type", secrets, `{}`, signature.SignHMACSHA256([]byte(secret), []byte(`{}`)), naverworks.ErrMalformed},
		{"numeric type", secrets, `{"type":1}`, signature.SignHMACSHA256([]byte(secret), []byte(`{"type":1}`)), naverworks.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := naverworks.Parse(tt.secrets, []byte(tt.body), tt.sig)
			if !errors.Is(err, tt.want) || ev != nil {
				t.Fatalf("Parse = %v, %v; want %v", ev, err, tt.want)
			}
			if strings.Contains(err.Error(), sig) || strings.Contains(err.Error(), "hi") {
				t.Errorf("error leaks the signature or body: %v", err)
			}
		})
	}
}

func TestParseTolerates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want naverworks.Event
	}{
		{"content field of the wrong JSON type", `{"type":"message","content":{"type":"location","latitude":"north"}}`,
			&naverworks.MessageEvent{Content: &naverworks.UnknownContent{ContentType: "location", Raw: json.RawMessage(`{"type":"location","latitude":"north"}`)}}},
		{"content not an object", `{"type":"message","content":"hi"}`,
			&naverworks.MessageEvent{Content: &naverworks.UnknownContent{Raw: json.RawMessage(`"hi"`)}}},
		{"no content", `{"type":"message"}`, &naverworks.MessageEvent{Content: &naverworks.UnknownContent{Raw: json.RawMessage(`null`)}}},
		{"domainId object", `{"type":"join","source":{"channelId":"c","domainId":{}}}`, &naverworks.JoinEvent{Envelope: naverworks.Envelope{Source: naverworks.Source{ChannelID: "c"}}}},
		{"bad issuedTime", `{"type":"leave","issuedTime":"yesterday"}`, &naverworks.LeaveEvent{}},
		{"unknown type", `{"type":"memberJoined","x":1}`, &naverworks.UnknownEvent{EventType: "memberJoined"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := naverworks.Decode([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, ignoreRaw); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	ev, _ := naverworks.Decode([]byte(`{"type":"memberJoined","x":1}`))
	if b, _ := json.Marshal(ev); string(b) != `{"type":"memberJoined","x":1}` {
		t.Errorf("unknown event re-encodes as %s", b)
	}
}

func newHandler(t *testing.T, fn func(context.Context, naverworks.Event) error, opts ...naverworks.HandlerOption) (*naverworks.WebhookHandler, *[]error) {
	t.Helper()
	var mu sync.Mutex
	errs := &[]error{}
	opts = append([]naverworks.HandlerOption{naverworks.WithErrorHandler(func(_ *http.Request, err error) {
		mu.Lock()
		defer mu.Unlock()
		*errs = append(*errs, err)
	})}, opts...)
	h, err := naverworks.NewWebhookHandler(signature.MustSecretSet(secret), fn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h, errs
}

// errPanic makes a test's function panic instead of returning.
var errPanic = errors.New("panic")

func TestWebhookHandlerStatuses(t *testing.T) {
	t.Parallel()
	text := &naverworks.MessageEvent{Envelope: naverworks.Envelope{Source: naverworks.Source{UserID: "u"}}, Content: &naverworks.TextContent{Text: "hi"}}
	tests := []struct {
		name   string
		req    func() *http.Request
		fnErr  error
		want   int
		called bool
	}{
		{"ok", func() *http.Request { return naverworkstest.NewRequest(t, secret, text) }, nil, 200, true},
		{"fn fails", func() *http.Request { return naverworkstest.NewRequest(t, secret, text) }, errors.New("boom"), 500, true},
		{"fn panics", func() *http.Request { return naverworkstest.NewRequest(t, secret, text) }, errPanic, 500, true},
		{"bad signature", func() *http.Request { return naverworkstest.NewRequest(t, "wrong", text) }, nil, 401, false},
		{"no signature", func() *http.Request {
			r := naverworkstest.NewRequest(t, secret, text)
			r.Header.Del(naverworks.SignatureHeader)
			return r
		}, nil, 401, false},
		{"wrong bot", func() *http.Request {
			r := naverworkstest.NewRequest(t, secret, text)
			r.Header.Set("x-works-botid", "999")
			return r
		}, nil, 403, false},
		{"lower-case header names", func() *http.Request {
			r := naverworkstest.NewRequest(t, secret, text)
			sig := r.Header.Get(naverworks.SignatureHeader)
			r.Header = http.Header{}
			r.Header.Set("x-works-signature", sig)
			r.Header.Set("x-works-botid", naverworkstest.BotID)
			return r
		}, nil, 200, true},
		{"GET", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/callback", nil) }, nil, 405, false},
		{"too large", func() *http.Request {
			return naverworkstest.NewRequest(t, secret, []byte(`{"type":"message","pad":"`+strings.Repeat("x", 2048)+`"}`))
		}, nil, 413, false},
		{"malformed", func() *http.Request { return naverworkstest.NewRequest(t, secret, []byte(`{"type":`)) }, nil, 400, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			called := false
			h, errs := newHandler(t, func(ctx context.Context, ev naverworks.Event) error {
				called = true
				if _, ok := ctx.Deadline(); !ok {
					t.Error("fn context has no deadline")
				}
				if tt.fnErr == errPanic {
					panic("bad event")
				}
				return tt.fnErr
			}, naverworks.WithBotID(naverworkstest.BotID), naverworks.WithMaxBodyBytes(1024))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req())
			if err := h.Wait(t.Context()); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tt.want || called != tt.called {
				t.Errorf("status %d called %v; want %d %v (errors: %v)", rec.Code, called, tt.want, tt.called, *errs)
			}
			if rec.Body.Len() != 0 {
				t.Errorf("body %q; want empty", rec.Body)
			}
			if (tt.want != 200) != (len(*errs) > 0) {
				t.Errorf("error handler got %v", *errs)
			}
		})
	}
}

// fn slower than the budget: the handler answers 200 when the budget runs
// out (on a manual clock, so nothing sleeps) and the work goes on with a
// live context; its error still reaches the error handler.
func TestWebhookHandlerAcksBeforeSlowWork(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	finished := make(chan error, 1)
	h, errs := newHandler(t, func(ctx context.Context, ev naverworks.Event) error {
		<-release
		finished <- ctx.Err()
		return errors.New("late failure")
	})
	clock := webhookio.NewManualClock(time.Unix(1_700_000_000, 0))
	naverworks.SetClock(h, clock)
	rec := httptest.NewRecorder()
	served := make(chan struct{})
	go func() {
		defer close(served)
		h.ServeHTTP(rec, naverworkstest.NewRequest(t, secret, &naverworks.JoinEvent{}))
	}()
	clock.WaitForTimer(1)
	clock.Advance(naverworks.DefaultBudget - time.Millisecond)
	if rec.Flushed {
		t.Fatal("answered before the budget ran out")
	}
	clock.Advance(time.Millisecond)
	// Advance returns once the budget's acknowledgement is written and
	// flushed, while fn still works.
	if rec.Code != 200 || !rec.Flushed || rec.Body.Len() != 0 || rec.Header().Get("Connection") != "close" {
		t.Fatalf("at the budget: status %d, flushed %v, body %q, Connection %q; want an empty 200, flushed, closing the connection", rec.Code, rec.Flushed, rec.Body, rec.Header().Get("Connection"))
	}
	close(release)
	if err := <-finished; err != nil {
		t.Errorf("fn context was cancelled after the ack: %v", err)
	}
	<-served
	if err := h.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(*errs) != 1 || !strings.Contains((*errs)[0].Error(), "late failure") || !errors.Is((*errs)[0], naverworks.ErrCallback) {
		t.Errorf("errors = %v", *errs)
	}
}

func TestWebhookHandlerZeroBudgetAndPanic(t *testing.T) {
	t.Parallel()
	h, errs := newHandler(t, func(ctx context.Context, ev naverworks.Event) error { panic("bad event") }, naverworks.WithBudget(0))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, naverworkstest.NewRequest(t, secret, &naverworks.LeaveEvent{}))
	if err := h.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 200 || len(*errs) != 1 || !strings.Contains((*errs)[0].Error(), "panicked: bad event") || !errors.Is((*errs)[0], naverworks.ErrCallback) {
		t.Errorf("status %d errors %v", rec.Code, *errs)
	}
}

// TestWebhookHandlerInFlightCap: under load (many callbacks at once, every
// function blocked), at most WithMaxInFlight functions run, the handler
// starts no goroutine of its own per callback (the goroutine count stays
// that of the callers), and a callback whose request ends while it waits
// for a slot is answered 503 with ErrBusy. Then every waiting callback
// runs, still within the cap.
func TestWebhookHandlerInFlightCap(t *testing.T) {
	const (
		limit   = 4
		callers = 64
		doomed  = 8 // callers whose request ends while they wait
	)
	for _, tt := range []struct {
		name   string
		budget time.Duration
	}{
		{"acknowledge first", 0},
		{"default budget", naverworks.DefaultBudget},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var running, most, calls atomic.Int64
			started := make(chan struct{}, callers)
			release := make(chan struct{})
			h, errs := newHandler(t, func(ctx context.Context, ev naverworks.Event) error {
				n := running.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				calls.Add(1)
				started <- struct{}{}
				<-release
				running.Add(-1)
				return nil
			}, naverworks.WithMaxInFlight(limit), naverworks.WithBudget(tt.budget))
			// The budget never runs out: the clock only moves when told to.
			naverworks.SetClock(h, webhookio.NewManualClock(time.Unix(1_700_000_000, 0)))
			base := runtime.NumGoroutine()
			peak := 0
			sample := func() {
				peak = max(peak, runtime.NumGoroutine()-base)
			}

			var wg sync.WaitGroup
			codes := make(chan int, callers+doomed)
			serve := func(ctx context.Context) {
				defer wg.Done()
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, naverworkstest.NewRequest(t, secret, &naverworks.JoinEvent{}).WithContext(ctx))
				codes <- rec.Code
			}
			for range callers {
				wg.Add(1)
				go serve(context.Background())
			}
			for range limit {
				<-started
				sample()
			}
			// Every slot is taken: these wait, and give up when their
			// request ends.
			ctx, cancel := context.WithCancel(context.Background())
			var doomedWG sync.WaitGroup
			for range doomed {
				wg.Add(1)
				doomedWG.Add(1)
				go func() { defer doomedWG.Done(); serve(ctx) }()
			}
			sample()
			cancel()
			doomedWG.Wait()
			sample()
			if got := running.Load(); got != limit {
				t.Errorf("%d functions running with every slot taken, want %d", got, limit)
			}
			close(release)
			for range callers - limit {
				<-started
				sample()
			}
			wg.Wait()
			if err := h.Wait(t.Context()); err != nil {
				t.Fatal(err)
			}
			close(codes)
			got := map[int]int{}
			for c := range codes {
				got[c]++
			}
			if diff := cmp.Diff(map[int]int{200: callers, 503: doomed}, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if most.Load() > limit || calls.Load() != callers {
				t.Errorf("%d functions ran at once (cap %d), %d in all (want %d)", most.Load(), limit, calls.Load(), callers)
			}
			// The callers' own goroutines, and a few for the runtime and
			// the test: never one per callback on top.
			if peak > callers+doomed+8 {
				t.Errorf("goroutines grew by %d for %d callbacks: the handler starts goroutines of its own", peak, callers+doomed)
			}
			busy := 0
			for _, err := range *errs {
				if errors.Is(err, naverworks.ErrBusy) {
					busy++
				}
			}
			if busy != doomed || len(*errs) != doomed {
				t.Errorf("error handler got %d errors, %d ErrBusy; want %d ErrBusy: %v", len(*errs), busy, doomed, *errs)
			}
		})
	}
}

func TestNewWebhookHandlerErrors(t *testing.T) {
	t.Parallel()
	fn := func(context.Context, naverworks.Event) error { return nil }
	if _, err := naverworks.NewWebhookHandler(signature.SecretSet{}, fn); err == nil {
		t.Error("empty secret set accepted")
	}
	if _, err := naverworks.NewWebhookHandler(signature.MustSecretSet("s"), nil); err == nil {
		t.Error("nil fn accepted")
	}
	if _, err := naverworks.NewWebhookHandler(signature.MustSecretSet("s"), fn, naverworks.WithBotID("")); err == nil {
		t.Error("empty bot ID accepted")
	}
}

func TestSecretRotation(t *testing.T) {
	t.Parallel()
	got := 0
	h, err := naverworks.NewWebhookHandler(signature.MustSecretSet("new", "old"), func(context.Context, naverworks.Event) error { got++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"new", "old"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, naverworkstest.NewRequest(t, s, &naverworks.JoinEvent{}))
		if rec.Code != 200 {
			t.Errorf("secret %q: status %d", s, rec.Code)
		}
	}
	if got != 2 {
		t.Errorf("fn called %d times", got)
	}
}

func TestParseRequest(t *testing.T) {
	t.Parallel()
	ev, err := naverworks.ParseRequest(secrets, naverworkstest.NewRequest(t, secret, &naverworks.PostbackEvent{Data: "d"}))
	if err != nil {
		t.Fatal(err)
	}
	if pb, ok := ev.(*naverworks.PostbackEvent); !ok || pb.Data != "d" {
		t.Errorf("ev = %#v", ev)
	}
	big := naverworkstest.NewRequest(t, secret, []byte(strings.Repeat(" ", naverworks.DefaultMaxBodyBytes+1)))
	var mbe *http.MaxBytesError
	if _, err := naverworks.ParseRequest(secrets, big); !errors.As(err, &mbe) {
		t.Errorf("oversized body: err = %v", err)
	}
}

func TestToIncoming(t *testing.T) {
	t.Parallel()
	ts := time.Date(2022, 1, 4, 5, 16, 5, 0, time.UTC)
	env := naverworks.Envelope{Source: naverworks.Source{UserID: "u", ChannelID: "c"}, IssuedTime: ts}
	tests := []struct {
		ev   naverworks.Event
		want message.Incoming
	}{
		{&naverworks.MessageEvent{Envelope: env, Content: &naverworks.TextContent{Text: "hi", Postback: "p"}},
			message.Incoming{Kind: message.KindMessage, Content: &message.Text{Text: "hi"}, Data: "p"}},
		{&naverworks.MessageEvent{Envelope: env, Content: &naverworks.StickerContent{PackageID: "1", StickerID: "2"}},
			message.Incoming{Kind: message.KindMessage, Content: &message.Sticker{Platform: message.NaverWorks, PackageID: "1", StickerID: "2"}}},
		{&naverworks.MessageEvent{Envelope: env, Content: &naverworks.UnknownContent{ContentType: "x", Raw: json.RawMessage(`{"type":"x"}`)}},
			message.Incoming{Kind: message.KindMessage, Content: &message.Unknown{Platform: message.NaverWorks, Kind: "x", Raw: json.RawMessage(`{"type":"x"}`)}}},
		{&naverworks.PostbackEvent{Envelope: env, Data: "d"}, message.Incoming{Kind: message.KindPostback, Data: "d"}},
		{&naverworks.JoinEvent{Envelope: env}, message.Incoming{Kind: message.KindJoin}},
		{&naverworks.LeaveEvent{Envelope: env}, message.Incoming{Kind: message.KindLeave}},
		{&naverworks.BeginEvent{Envelope: env}, message.Incoming{Kind: message.KindFollow}},
		{&naverworks.EndEvent{Envelope: env}, message.Incoming{Kind: message.KindUnfollow}},
		{&naverworks.JoinedEvent{Envelope: env}, message.Incoming{Kind: message.KindOther}},
		{&naverworks.UnknownEvent{Envelope: env, EventType: "x"}, message.Incoming{Kind: message.KindOther}},
	}
	for _, tt := range tests {
		got, ok := naverworks.ToIncoming(tt.ev)
		if !ok {
			t.Fatalf("%T: not converted", tt.ev)
		}
		messagetest.CheckIncoming(t, got)
		tt.want.Platform, tt.want.ConversationID, tt.want.UserID, tt.want.ReceivedAt, tt.want.Raw = message.NaverWorks, "c", "u", ts, tt.ev
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%T (-want +got):\n%s", tt.ev, diff)
		}
	}
	if _, ok := naverworks.ToIncoming(nil); ok {
		t.Error("nil event converted")
	}
}

// TestParseRequestWithoutBody: a request built with a nil body (as
// http.NewRequest does) or no request at all is an error, never a panic.
func TestParseRequestWithoutBody(t *testing.T) {
	t.Parallel()
	r, err := http.NewRequest(http.MethodPost, "http://bot.example/callback", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set(naverworks.SignatureHeader, signature.SignHMACSHA256([]byte("s"), []byte("{}")))
	if _, err := naverworks.ParseRequest(signature.MustSecretSet("s"), r); !errors.Is(err, signature.ErrMismatch) {
		t.Errorf("nil body: %v; want signature.ErrMismatch", err)
	}
	if _, err := naverworks.ParseRequest(signature.MustSecretSet("s"), nil); err == nil {
		t.Error("nil request: no error")
	}
}
