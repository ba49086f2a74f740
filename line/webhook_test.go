package line_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
	"github.com/channelkit/channelkit/signature"
	"github.com/google/go-cmp/cmp"
)

const secret = linetest.ChannelSecret

func typesOf(cb *line.Callback) []string {
	out := make([]string, len(cb.Events))
	for i, e := range cb.Events {
		out[i] = fmt.Sprintf("%T", e)
		if m, ok := e.(*line.MessageEvent); ok {
			out[i] += fmt.Sprintf("/%T", m.Message)
		}
		if m, ok := e.(*line.MessageEditedEvent); ok {
			out[i] += fmt.Sprintf("/%T", m.Message)
		}
		if s := e.Base().Source; s != nil {
			out[i] += fmt.Sprintf("@%T", s)
		}
	}
	return out
}

func TestTestdataRoundTrip(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/webhook/*.json")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	want := map[string][]string{
		"message_text_emoji_mention": {"*line.MessageEvent/*line.TextContent@*line.GroupSource", "*line.MessageEvent/*line.TextContent@*line.UserSource"},
		"message_media": {
			"*line.MessageEvent/*line.ImageContent@*line.UserSource", "*line.MessageEvent/*line.ImageContent@*line.UserSource",
			"*line.MessageEvent/*line.VideoContent@*line.UserSource", "*line.MessageEvent/*line.AudioContent@*line.UserSource",
			"*line.MessageEvent/*line.FileContent@*line.UserSource", "*line.MessageEvent/*line.LocationContent@*line.RoomSource",
			"*line.MessageEvent/*line.StickerContent@*line.UserSource", "*line.MessageEvent/*line.StickerContent@*line.UserSource",
		},
		"postback": {"*line.PostbackEvent@*line.UserSource", "*line.PostbackEvent@*line.UserSource", "*line.PostbackEvent@*line.UserSource", "*line.PostbackEvent@*line.UserSource", "*line.PostbackEvent@*line.UserSource"},
		"membership_lifecycle": {"*line.FollowEvent@*line.UserSource", "*line.UnfollowEvent@*line.UserSource", "*line.JoinEvent@*line.GroupSource",
			"*line.LeaveEvent@*line.GroupSource", "*line.MemberJoinedEvent@*line.GroupSource", "*line.MemberLeftEvent@*line.GroupSource"},
		"other_events": {"*line.UnsendEvent@*line.GroupSource", "*line.VideoPlayCompleteEvent@*line.UserSource", "*line.BeaconEvent@*line.UserSource",
			"*line.AccountLinkEvent@*line.UserSource", "*line.AccountLinkEvent@*line.UserSource", "*line.ThingsEvent@*line.UserSource", "*line.MembershipEvent@*line.UserSource"},
		"module_events": {"*line.ModuleEvent", "*line.ModuleEvent", "*line.ActivatedEvent@*line.UserSource", "*line.DeactivatedEvent@*line.UserSource",
			"*line.BotSuspendedEvent", "*line.BotResumedEvent", "*line.DeliveryEvent@*line.UserSource"},
		"message_edited": {"*line.MessageEditedEvent/*line.TextContent@*line.GroupSource", "*line.MessageEditedEvent/*line.TextContent@*line.GroupSource"},
		"redelivery":     {"*line.MessageEvent/*line.TextContent@*line.UserSource"},
		"unknown_types":  {"*line.UnknownEvent@*line.UserSource", "*line.MessageEvent/*line.TextContent@*line.UnknownSource", "*line.MessageEvent/*line.UnknownContent@*line.UserSource"},
		"empty":          {},
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			cb, err := line.Parse(signature.MustSecretSet(secret), body, linetest.SignBody(secret, body))
			if err != nil {
				t.Fatal(err)
			}
			checkPathsAgree(t, body)
			w, ok := want[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			if diff := cmp.Diff(w, typesOf(cb)); diff != "" {
				t.Errorf("event types (-want +got):\n%s", diff)
			}
			out, err := json.Marshal(cb)
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			json.Unmarshal(body, &a)
			json.Unmarshal(out, &b)
			if diff := cmp.Diff(a, b); diff != "" {
				t.Errorf("round trip (-in +out):\n%s", diff)
			}
		})
	}
}

func TestDecodeFields(t *testing.T) {
	t.Parallel()
	body, _ := os.ReadFile("testdata/webhook/message_text_emoji_mention.json")
	cb, err := line.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	ev := cb.Events[0].(*line.MessageEvent)
	want := &line.MessageEvent{
		EventBase: line.EventBase{
			Mode: line.ModeActive, Timestamp: ev.Timestamp,
			Source:         &line.GroupSource{GroupID: "Ca56f94637c0123456789abcdef012345", UserID: "U4af4980629a6b2b1a2b3c4d5e6f7a8b9"},
			WebhookEventID: ev.WebhookEventID,
		},
		ReplyToken: ev.ReplyToken,
		Message: &line.TextContent{
			ID: "468789577898262530", Text: "@Brown hello (love) 안녕", QuoteToken: "q3Plxr4AgKd",
			Emojis: []line.Emoji{{Index: 13, Length: 6, ProductID: "5ac1bfd5040ab15980c9b435", EmojiID: "001"}},
			Mention: &line.Mention{Mentionees: []line.Mentionee{
				{Index: 0, Length: 6, Type: "user", UserID: "U0123456789abcdef0123456789abcdef", IsSelf: true},
				{Type: "all"},
			}},
		},
	}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
	if ev.Time().UnixMilli() != ev.Timestamp || ev.IsRedelivery() || line.ReplyToken(ev) != ev.ReplyToken {
		t.Error("helpers disagree with fields")
	}
	pb, _ := os.ReadFile("testdata/webhook/postback.json")
	cb, _ = line.Decode(pb)
	if got := cb.Events[1].(*line.PostbackEvent).Postback.Params; got == nil || got.Datetime != "2017-12-25T01:00" {
		t.Errorf("datetime params = %+v", got)
	}
	if got := cb.Events[4].(*line.PostbackEvent).Postback.Params; got.NewRichMenuAliasID != "richmenu-alias-b" || got.Status != "SUCCESS" {
		t.Errorf("rich menu params = %+v", got)
	}
	rd, _ := os.ReadFile("testdata/webhook/redelivery.json")
	cb, _ = line.Decode(rd)
	if !cb.Events[0].Base().IsRedelivery() {
		t.Error("redelivery not seen")
	}
}

func TestDecodeIsolatesBadEvents(t *testing.T) {
	t.Parallel()
	body := []byte(`{"destination":"U1","events":[
		{"type":"message","timestamp":1,"source":{"type":"user","userId":"U1"},"webhookEventId":"e1","message":{"id":"1","type":"text","text":"ok"}},
		{"type":"message","timestamp":2,"webhookEventId":"e2","message":{"id":"2","type":"text","text":123}},
		1,
		null,
		{"type":"follow","source":"nope"},
		{"type":"postback","postback":{"data":["x"]}},
		{"type":"message","source":{"type":"user","userId":"U1"}},
		{"type":7},
		{"type":"join","timestamp":3,"source":{"type":"group","groupId":"G1"}}
	]}`)
	cb, err := line.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	got := typesOf(cb)
	want := []string{"*line.MessageEvent/*line.TextContent@*line.UserSource", "*line.InvalidEvent", "*line.InvalidEvent", "*line.InvalidEvent",
		"*line.InvalidEvent", "*line.InvalidEvent", "*line.InvalidEvent", "*line.InvalidEvent", "*line.JoinEvent@*line.GroupSource"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("types (-want +got):\n%s", diff)
	}
	bad := cb.Events[1].(*line.InvalidEvent)
	if bad.EventType != "message" || bad.WebhookEventID != "e2" || !errors.Is(bad.Err, line.ErrMalformed) {
		t.Errorf("invalid event = %+v", bad)
	}
	if strings.Contains(bad.Err.Error(), "123") {
		t.Errorf("error holds payload: %v", bad.Err)
	}
	if _, ok := line.ToIncoming(bad); ok {
		t.Error("ToIncoming accepted an invalid event")
	}
	out, _ := json.Marshal(bad)
	if !bytes.Equal(out, bad.Raw) || !bytes.Contains(body, out) {
		t.Errorf("invalid event re-encodes as %s", out)
	}
}

func TestUnknownKeepsExactBytes(t *testing.T) {
	t.Parallel()
	ev := `{"type":"greatNewFeature","timestamp":5,"webhookEventId":"x1",  "data":{"a":[1,2.50,"\u00e9"]}}`
	src := `{"type":"channel","id":"C1","n":1.0}`
	msg := `{"type":"hologram","id":"m1","depth":[ 1 , 2 ]}`
	body := `{"events":[` + ev + `,{"type":"message","source":` + src + `,"message":` + msg + `}]}`
	cb, err := line.Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	u := cb.Events[0].(*line.UnknownEvent)
	if u.EventType != "greatNewFeature" || u.WebhookEventID != "x1" || u.Timestamp != 5 {
		t.Errorf("unknown event = %+v", u)
	}
	m := cb.Events[1].(*line.MessageEvent)
	for _, tc := range []struct {
		v    json.Marshaler
		want string
	}{{u, ev}, {m.Source.(*line.UnknownSource), src}, {m.Message.(*line.UnknownContent), msg}} {
		got, _ := tc.v.MarshalJSON()
		if string(got) != tc.want {
			t.Errorf("%T re-encodes as %s, want %s", tc.v, got, tc.want)
		}
	}
	if id := m.Message.MessageID(); id != "m1" {
		t.Errorf("unknown content ID = %q", id)
	}
}

func TestDecodeRejectsNonCallbacks(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `null`, `[]`, `"events"`, `{"events":{}}`, `{"events":[}`, `i am not jason`, `{"destination":5}`} {
		_, err := line.Decode([]byte(body))
		if !errors.Is(err, line.ErrMalformed) {
			t.Errorf("Decode(%q) = %v; want ErrMalformed", body, err)
			continue
		}
		if len(body) > 3 && strings.Contains(err.Error(), body) {
			t.Errorf("error holds the body: %v", err)
		}
	}
	for _, body := range []string{`{}`, "\n  {\"events\":[]}\n", `{"events":null}`} {
		if _, err := line.Decode([]byte(body)); err != nil {
			t.Errorf("Decode(%q) = %v", body, err)
		}
	}
}

func TestSignatures(t *testing.T) {
	t.Parallel()
	body := []byte(`{"events":[]}`)
	sig := linetest.SignBody(secret, body)
	if err := line.VerifySignature(signature.MustSecretSet(secret), body, sig); err != nil {
		t.Errorf("valid signature: %v", err)
	}
	tests := []struct {
		name    string
		secrets signature.SecretSet
		body    []byte
		sig     string
		wantErr error
	}{
		{"missing", signature.MustSecretSet(secret), body, "", signature.ErrMissing},
		{"wrong secret", signature.MustSecretSet("other"), body, sig, signature.ErrMismatch},
		{"tampered", signature.MustSecretSet(secret), []byte(`{"events":[ ]}`), sig, signature.ErrMismatch},
		{"garbage", signature.MustSecretSet(secret), body, "not-base64!", signature.ErrMismatch},
		{"empty set", signature.SecretSet{}, body, linetest.SignBody("", body), signature.ErrMismatch},
		{"previous secret", signature.MustSecretSet("new-secret", secret), body, sig, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := line.VerifySignature(tt.secrets, tt.body, tt.sig); !errors.Is(err, tt.wantErr) {
				t.Errorf("VerifySignature = %v, want %v", err, tt.wantErr)
			}
		})
	}
	// Rotation: the previous secret still verifies through a SecretSet.
	set := signature.MustSecretSet("new-secret", secret)
	if _, err := line.Parse(set, body, sig); err != nil {
		t.Errorf("Parse with the previous secret: %v", err)
	}
	r := linetest.NewRequestBody(secret, body)
	if _, err := line.ParseRequest(set, r); err != nil {
		t.Errorf("ParseRequest: %v", err)
	}
	big := linetest.NewRequestBody(secret, bytes.Repeat([]byte(" "), line.DefaultMaxBodyBytes+1))
	var mbe *http.MaxBytesError
	if _, err := line.ParseRequest(set, big); !errors.As(err, &mbe) {
		t.Errorf("oversized body: %v", err)
	}
	if _, err := line.Parse(set, []byte(`i am not jason`), linetest.SignBody(secret, []byte(`i am not jason`))); !errors.Is(err, line.ErrMalformed) {
		t.Errorf("signed non-JSON: %v", err)
	}
}

func TestHandlerStatuses(t *testing.T) {
	t.Parallel()
	okBody := linetest.CallbackBody(t, linetest.TextMessage("U1", "hi"))
	tests := []struct {
		name   string
		req    func() *http.Request
		fnErr  error
		opts   []line.HandlerOption
		status int
		called bool
	}{
		{"ok", func() *http.Request { return linetest.NewRequestBody(secret, okBody) }, nil, nil, 200, true},
		{"connection check", func() *http.Request { return linetest.NewRequest(t, secret) }, nil, nil, 200, true},
		{"GET", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/callback", nil) }, nil, nil, 405, false},
		{"no signature", func() *http.Request {
			r := linetest.NewRequestBody(secret, okBody)
			r.Header.Del(line.SignatureHeader)
			return r
		}, nil, nil, 401, false},
		{"wrong secret", func() *http.Request { return linetest.NewRequestBody("other", okBody) }, nil, nil, 401, false},
		{"signed garbage", func() *http.Request { return linetest.NewRequestBody(secret, []byte("i am not jason")) }, nil, nil, 400, false},
		{"too large", func() *http.Request { return linetest.NewRequestBody(secret, okBody) }, nil, []line.HandlerOption{line.WithMaxBodyBytes(10)}, 413, false},
		{"callback fails", func() *http.Request { return linetest.NewRequestBody(secret, okBody) }, errors.New("boom"), nil, 500, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			called := false
			var reported []error
			opts := append([]line.HandlerOption{line.WithErrorHandler(func(_ *http.Request, err error) { reported = append(reported, err) })}, tt.opts...)
			h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(ctx context.Context, cb *line.Callback) error {
				called = true
				return tt.fnErr
			}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req())
			if rec.Code != tt.status || called != tt.called {
				t.Errorf("status %d called %v; want %d %v", rec.Code, called, tt.status, tt.called)
			}
			if rec.Body.Len() != 0 {
				t.Errorf("response body %q; details must not be sent", rec.Body.String())
			}
			if (tt.status != 200) != (len(reported) == 1) {
				t.Errorf("error handler got %v", reported)
			}
		})
	}
	if _, err := line.NewWebhookHandler(signature.SecretSet{}, func(context.Context, *line.Callback) error { return nil }); err == nil {
		t.Error("handler without secret")
	}
	if _, err := line.NewWebhookHandler(signature.MustSecretSet(secret), nil); err == nil {
		t.Error("handler without function")
	}
}

func TestHandlerDedupe(t *testing.T) {
	t.Parallel()
	d, err := message.NewMemoryDeduper(time.Hour, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(ctx context.Context, cb *line.Callback) error {
		var ids []string
		for _, e := range cb.Events {
			ids = append(ids, e.Base().WebhookEventID)
		}
		got = append(got, ids)
		return nil
	}, line.WithDeduper(d))
	if err != nil {
		t.Fatal(err)
	}
	a, b := linetest.TextMessage("U1", "a"), linetest.Follow("U1")
	noID := linetest.TextMessage("U1", "legacy")
	noID.WebhookEventID = ""
	for _, evs := range [][]line.Event{{a}, {linetest.Redelivered(a), b}, {a, b}, {noID}, {noID}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, linetest.NewRequest(t, secret, evs...))
		if rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
	}
	want := [][]string{{a.WebhookEventID}, {b.WebhookEventID}, {""}, {""}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("batches seen (-want +got):\n%s", diff)
	}
}

// A deduper sized n drops the redelivery of every one of n distinct
// events: the function runs once per event, never twice.
func TestHandlerDedupeRemembersMaxEvents(t *testing.T) {
	t.Parallel()
	const n = 1000
	d, err := message.NewMemoryDeduper(time.Hour, n)
	if err != nil {
		t.Fatal(err)
	}
	runs := make(map[string]int, n)
	h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(ctx context.Context, cb *line.Callback) error {
		for _, e := range cb.Events {
			runs[e.Base().WebhookEventID]++
		}
		return nil
	}, line.WithDeduper(d))
	if err != nil {
		t.Fatal(err)
	}
	events := make([]*line.MessageEvent, n)
	for i := range events {
		events[i] = linetest.TextMessage("U1", fmt.Sprint("message ", i))
	}
	for _, redelivery := range []bool{false, true} {
		for _, ev := range events {
			if redelivery {
				ev = linetest.Redelivered(ev)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, linetest.NewRequest(t, secret, ev))
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
		}
	}
	total, twice := 0, 0
	for _, c := range runs {
		total += c
		if c > 1 {
			twice++
		}
	}
	if total != n || len(runs) != n || twice != 0 {
		t.Errorf("function ran %d times for %d distinct events (%d of them twice), want %d runs, each once", total, len(runs), twice, n)
	}
}

// A callback that fails answers 500 so LINE redelivers; the deduper must
// not then drop the redelivery as a duplicate.
func TestHandlerDedupeForgetsFailedEvents(t *testing.T) {
	t.Parallel()
	d, err := message.NewMemoryDeduper(time.Hour, 100)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(ctx context.Context, cb *line.Callback) error {
		calls++
		if calls == 1 {
			return errors.New("database down")
		}
		return nil
	}, line.WithDeduper(d))
	if err != nil {
		t.Fatal(err)
	}
	ev := linetest.TextMessage("U1", "order")
	for i, want := range []int{500, 200, 200} {
		e := line.Event(ev)
		if i > 0 {
			e = linetest.Redelivered(ev)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, linetest.NewRequest(t, secret, e))
		if rec.Code != want {
			t.Fatalf("delivery %d: status %d, want %d", i+1, rec.Code, want)
		}
	}
	// First delivery failed, the redelivery was processed, the third was a
	// true duplicate.
	if calls != 2 {
		t.Errorf("callback ran %d times, want 2", calls)
	}
}

// A callback that panics in the default synchronous mode answers 500 like
// one that fails (the panic goes to the error handler), and the deduper
// takes the events back so LINE's redelivery is processed.
func TestHandlerSyncPanic(t *testing.T) {
	t.Parallel()
	d, err := message.NewMemoryDeduper(time.Hour, 100)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	var reported []error
	h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(ctx context.Context, cb *line.Callback) error {
		calls++
		if calls == 1 {
			panic("nil map")
		}
		return nil
	}, line.WithDeduper(d), line.WithErrorHandler(func(_ *http.Request, err error) { reported = append(reported, err) }))
	if err != nil {
		t.Fatal(err)
	}
	ev := linetest.TextMessage("U1", "order")
	for i, want := range []int{500, 200} {
		e := line.Event(ev)
		if i > 0 {
			e = linetest.Redelivered(ev)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, linetest.NewRequest(t, secret, e))
		if rec.Code != want {
			t.Fatalf("delivery %d: status %d, want %d", i+1, rec.Code, want)
		}
		if rec.Body.Len() != 0 {
			t.Errorf("delivery %d: body %q; want none", i+1, rec.Body)
		}
	}
	if calls != 2 {
		t.Errorf("callback ran %d times, want 2", calls)
	}
	if len(reported) != 1 || !strings.Contains(reported[0].Error(), "panic") {
		t.Errorf("reported %v; want one callback panic", reported)
	}
}

func TestHandlerAsync(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	done := make(chan error, 1)
	var mu sync.Mutex
	var errs []error
	h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(ctx context.Context, cb *line.Callback) error {
		<-release
		done <- ctx.Err()
		return errors.New("late failure")
	}, line.WithAsync(), line.WithMaxInFlight(1), line.WithErrorHandler(func(_ *http.Request, err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	req := linetest.NewRequest(t, secret, linetest.TextMessage("U1", "hi"))
	out, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/callback", req.Body)
	if err != nil {
		t.Fatal(err)
	}
	out.Header = req.Header
	resp, err := srv.Client().Do(out)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d; want 200 before the function finishes", resp.StatusCode)
	}
	// The request is over (its connection too); the function's context
	// lives on.
	srv.CloseClientConnections()

	// A second request finds the only slot busy and gives up with its own
	// context: 503, so that LINE redelivers it.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	rec2 := httptest.NewRecorder()
	h.ServeHTTP(rec2, linetest.NewRequest(t, secret, linetest.TextMessage("U1", "2")).WithContext(ctx2))
	if rec2.Code != http.StatusServiceUnavailable {
		t.Errorf("busy handler answered %d; want 503", rec2.Code)
	}

	close(release)
	if err := <-done; err != nil {
		t.Errorf("function context: %v", err)
	}
	if err := h.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 2 || !errors.Is(errs[0], line.ErrBusy) || !strings.Contains(errs[1].Error(), "late failure") || !errors.Is(errs[1], line.ErrCallback) {
		t.Errorf("reported errors = %v; want ErrBusy, then the late failure", errs)
	}
}

// TestHandlerBusyForgetsEvents: a request answered 503 because no slot
// came free gives its events back to the deduper, so LINE's redelivery is
// processed.
func TestHandlerBusyForgetsEvents(t *testing.T) {
	t.Parallel()
	for _, async := range []bool{false, true} {
		t.Run(fmt.Sprint("async=", async), func(t *testing.T) {
			t.Parallel()
			d, err := message.NewMemoryDeduper(time.Hour, 100)
			if err != nil {
				t.Fatal(err)
			}
			release := make(chan struct{})
			started := make(chan struct{}, 1)
			var mu sync.Mutex
			var ran []string
			opts := []line.HandlerOption{line.WithDeduper(d), line.WithMaxInFlight(1)}
			if async {
				opts = append(opts, line.WithAsync())
			}
			h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(ctx context.Context, cb *line.Callback) error {
				mu.Lock()
				ran = append(ran, cb.Events[0].Base().WebhookEventID)
				mu.Unlock()
				select {
				case started <- struct{}{}:
					<-release
				default:
				}
				return nil
			}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			first := make(chan int, 1)
			go func() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, linetest.NewRequest(t, secret, linetest.TextMessage("U1", "holds the slot")))
				first <- rec.Code
			}()
			<-started
			ev := linetest.TextMessage("U1", "order")
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, linetest.NewRequest(t, secret, ev).WithContext(ctx))
			if rec.Code != http.StatusServiceUnavailable {
				t.Fatalf("busy: status %d, want 503", rec.Code)
			}
			close(release)
			if code := <-first; code != 200 {
				t.Fatalf("first request: status %d", code)
			}
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, linetest.NewRequest(t, secret, linetest.Redelivered(ev)))
			if rec.Code != 200 {
				t.Fatalf("redelivery: status %d", rec.Code)
			}
			if err := h.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(ran) != 2 || ran[1] != ev.WebhookEventID {
				t.Errorf("function ran for %v; want the first event, then the redelivered one", ran)
			}
		})
	}
}

// TestHandlerCapUnderLoad: with WithMaxInFlight(n), at most n calls of the
// function run at once in either mode; the requests beyond the cap wait
// for a slot (none is refused while its context lives), and the handler
// starts no goroutine of its own: under load the goroutines are the
// requests' own.
func TestHandlerCapUnderLoad(t *testing.T) {
	// Not parallel: it counts goroutines.
	for _, mode := range []struct {
		name string
		opts []line.HandlerOption
	}{{"sync", nil}, {"async", []line.HandlerOption{line.WithAsync()}}} {
		t.Run(mode.name, func(t *testing.T) {
			const limit, load = 3, 64
			var running, peak, calls atomic.Int32
			started := make(chan struct{}, load)
			release := make(chan struct{})
			h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(ctx context.Context, cb *line.Callback) error {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				calls.Add(1)
				started <- struct{}{}
				<-release
				running.Add(-1)
				return nil
			}, append(mode.opts, line.WithMaxInFlight(limit))...)
			if err != nil {
				t.Fatal(err)
			}
			reqs := make([]*http.Request, load)
			recs := make([]*httptest.ResponseRecorder, load)
			for i := range reqs {
				reqs[i] = linetest.NewRequest(t, secret, linetest.TextMessage("U1", fmt.Sprint(i)))
				recs[i] = httptest.NewRecorder()
			}
			base := runtime.NumGoroutine()
			var wg sync.WaitGroup
			for i := range reqs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					h.ServeHTTP(recs[i], reqs[i])
				}()
			}
			for range limit {
				<-started
			}
			if g := runtime.NumGoroutine() - base; g > load {
				t.Errorf("%d goroutines under a load of %d requests; the handler started its own", g, load)
			}
			if n := running.Load(); n != limit {
				t.Errorf("%d calls running with the cap full, want %d", n, limit)
			}
			close(release)
			wg.Wait()
			if err := h.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			if p := peak.Load(); p != limit {
				t.Errorf("at most %d calls ran at once, want the cap, %d", p, limit)
			}
			if n := calls.Load(); n != load {
				t.Errorf("function ran %d times for %d requests", n, load)
			}
			for i, rec := range recs {
				if rec.Code != 200 {
					t.Errorf("request %d: status %d", i, rec.Code)
				}
			}
		})
	}
}

// TestHandlerArmsNoTimer: LINE's handler has no budget, so a request costs
// no timer in either mode (the runner's clock is never asked for one).
func TestHandlerArmsNoTimer(t *testing.T) {
	t.Parallel()
	for _, async := range []bool{false, true} {
		t.Run(fmt.Sprint("async=", async), func(t *testing.T) {
			t.Parallel()
			var opts []line.HandlerOption
			if async {
				opts = append(opts, line.WithAsync())
			}
			h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(context.Context, *line.Callback) error { return nil }, opts...)
			if err != nil {
				t.Fatal(err)
			}
			clk := &countingClock{ManualClock: webhookio.NewManualClock(time.Unix(0, 0))}
			line.SetClock(h, clk)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, linetest.NewRequest(t, secret, linetest.TextMessage("U1", "hi")))
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			if n := clk.armed.Load(); n != 0 {
				t.Errorf("%d timers armed for one request, want none", n)
			}
		})
	}
}

// countingClock counts the timers asked of it.
type countingClock struct {
	*webhookio.ManualClock
	armed atomic.Int32
}

func (c *countingClock) AfterFunc(d time.Duration, f func()) webhookio.Timer {
	c.armed.Add(1)
	return c.ManualClock.AfterFunc(d, f)
}

func TestToIncoming(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ev   line.Event
		want message.Incoming
	}{
		{"text", linetest.TextMessage("U1", "hi"), message.Incoming{Kind: message.KindMessage, ConversationID: "U1", UserID: "U1", Content: &message.Text{Text: "hi"}}},
		{"group sticker", linetest.Message(linetest.Group("G1", "U2"), &line.StickerContent{PackageID: "1", StickerID: "2"}), message.Incoming{Kind: message.KindMessage, ConversationID: "G1", UserID: "U2", Content: &message.Sticker{Platform: message.LINE, PackageID: "1", StickerID: "2"}}},
		{"location", linetest.LocationMessage("U1", "t", "a", 1, 2), message.Incoming{Kind: message.KindMessage, ConversationID: "U1", UserID: "U1", Content: &message.Location{Title: "t", Address: "a", Latitude: 1, Longitude: 2}}},
		{"image", linetest.ImageMessage("U1", "m1"), message.Incoming{Kind: message.KindMessage, ConversationID: "U1", UserID: "U1", Content: &message.Image{}}},
		{"postback", linetest.Postback("U1", "a=1"), message.Incoming{Kind: message.KindPostback, ConversationID: "U1", UserID: "U1", Data: "a=1"}},
		{"follow", linetest.Follow("U1"), message.Incoming{Kind: message.KindFollow, ConversationID: "U1", UserID: "U1"}},
		{"unfollow", linetest.Unfollow("U1"), message.Incoming{Kind: message.KindUnfollow, ConversationID: "U1", UserID: "U1"}},
		{"join", linetest.Join("G1"), message.Incoming{Kind: message.KindJoin, ConversationID: "G1"}},
		{"leave", linetest.Leave("G1"), message.Incoming{Kind: message.KindLeave, ConversationID: "G1"}},
		{"redelivered", linetest.Redelivered(linetest.Follow("U1")), message.Incoming{Kind: message.KindFollow, ConversationID: "U1", UserID: "U1", Redelivery: true}},
		{"unknown", &line.UnknownEvent{EventType: "x", Raw: []byte(`{"type":"x"}`)}, message.Incoming{Kind: message.KindOther}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, ok := line.ToIncoming(tt.ev)
			if !ok {
				t.Fatal("not converted")
			}
			messagetest.CheckIncoming(t, in)
			tt.want.Platform = message.LINE
			tt.want.EventID = tt.ev.Base().WebhookEventID
			tt.want.Raw = tt.ev
			ignore := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".ReceivedAt" }, cmp.Ignore())
			if diff := cmp.Diff(tt.want, in, ignore); diff != "" {
				t.Errorf("Incoming (-want +got):\n%s", diff)
			}
			if ts := tt.ev.Base().Timestamp; ts > 0 && !in.ReceivedAt.Equal(time.UnixMilli(ts)) {
				t.Errorf("ReceivedAt = %v", in.ReceivedAt)
			}
		})
	}
	if _, ok := line.ToIncoming(nil); ok {
		t.Error("nil converted")
	}
}

func TestHandlerAsyncRecoversPanics(t *testing.T) {
	t.Parallel()
	errc := make(chan error, 1)
	h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(context.Context, *line.Callback) error {
		panic("bot bug")
	}, line.WithAsync(), line.WithMaxInFlight(2), line.WithErrorHandler(func(_ *http.Request, err error) { errc <- err }))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, linetest.NewRequest(t, secret, linetest.Follow("U1")))
	h.Wait(context.Background())
	if rec.Code != 200 {
		t.Errorf("status %d", rec.Code)
	}
	if err := <-errc; !strings.Contains(err.Error(), "panicked: bot bug") || !errors.Is(err, webhookio.ErrPanic) || !errors.Is(err, line.ErrCallback) {
		t.Errorf("reported %v; want the panic, wrapping ErrPanic and ErrCallback", err)
	}
}

// TestParseRequestWithoutBody: a request built with a nil body (as
// http.NewRequest does) or no request at all is an error, never a panic.
func TestParseRequestWithoutBody(t *testing.T) {
	t.Parallel()
	secrets := signature.MustSecretSet(linetest.ChannelSecret)
	r, err := http.NewRequest(http.MethodPost, "http://bot.example/callback", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set(line.SignatureHeader, linetest.SignBody(linetest.ChannelSecret, nil))
	if _, err := line.ParseRequest(secrets, r); !errors.Is(err, line.ErrMalformed) {
		t.Errorf("nil body: %v; want ErrMalformed", err)
	}
	if _, err := line.ParseRequest(secrets, nil); err == nil {
		t.Error("nil request: no error")
	}
}

func TestHandlerReportsErrCallback(t *testing.T) {
	t.Parallel()
	var reported error
	h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(context.Context, *line.Callback) error {
		return errors.New("database down")
	}, line.WithErrorHandler(func(_ *http.Request, err error) { reported = err }))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, linetest.NewRequest(t, secret, linetest.TextMessage("U1", "hi")))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	if !errors.Is(reported, line.ErrCallback) {
		t.Errorf("reported %v; want it to wrap line.ErrCallback", reported)
	}
}

// TestHandlerWorkTimeout: with WithAsync the function's context, detached
// from the request's, ends at the work timeout (DefaultWorkTimeout unless
// WithWorkTimeout says otherwise), so a function that hangs gives up its
// slot and Wait returns. In synchronous mode the context is the
// request's.
func TestHandlerWorkTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []line.HandlerOption
		// hang makes the function wait for its context to end.
		hang         bool
		wantDeadline bool
		wantErr      error
	}{
		{"async, a tiny work timeout", []line.HandlerOption{line.WithAsync(), line.WithWorkTimeout(time.Nanosecond)}, true, true, context.DeadlineExceeded},
		{"async, the default work timeout", []line.HandlerOption{line.WithAsync()}, false, true, nil},
		{"sync, the request's context", []line.HandlerOption{line.WithWorkTimeout(time.Nanosecond)}, false, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var hasDeadline bool
			var ctxErr error
			h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(ctx context.Context, cb *line.Callback) error {
				_, hasDeadline = ctx.Deadline()
				if tt.hang {
					<-ctx.Done()
				}
				ctxErr = ctx.Err()
				return nil
			}, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, linetest.NewRequest(t, secret, linetest.TextMessage("U1", "hi")))
			if err := h.Wait(t.Context()); err != nil {
				t.Fatal(err)
			}
			if rec.Code != 200 {
				t.Errorf("status %d, want 200", rec.Code)
			}
			if hasDeadline != tt.wantDeadline {
				t.Errorf("function's context has a deadline: %v, want %v", hasDeadline, tt.wantDeadline)
			}
			if !errors.Is(ctxErr, tt.wantErr) {
				t.Errorf("function's context ended with %v, want %v", ctxErr, tt.wantErr)
			}
		})
	}
}
