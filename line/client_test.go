package line_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/channelkit/channelkit/internal/uuid"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
)

var update = flag.Bool("update", false, "rewrite golden files")

type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func newClient(t *testing.T, srv *linetest.Server, opts ...line.Option) (*line.Client, *sleeps) {
	t.Helper()
	sl := &sleeps{}
	c, err := srv.NewClient(append([]line.Option{line.WithSleep(sl.sleep)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, sl
}

func text(s string) []messaging_api.MessageInterface {
	return []messaging_api.MessageInterface{messaging_api.TextMessage{Text: s}}
}

func TestReply(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	res, err := c.Reply(t.Context(), "tok-1", text("hi"), line.NotificationDisabled())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.SentMessages) != 1 || res.SentMessages[0].ID == "" || res.Meta.StatusCode != 200 || res.Meta.RequestID == "" {
		t.Errorf("result = %+v", res)
	}
	calls := srv.Replies()
	if len(calls) != 1 {
		t.Fatalf("%d reply calls, want 1", len(calls))
	}
	want := map[string]any{"replyToken": "tok-1", "notificationDisabled": true, "messages": []any{map[string]any{"type": "text", "text": "hi"}}}
	if diff := cmp.Diff(want, calls[0].JSON); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	if got := calls[0].Header.Get("Authorization"); got != "Bearer "+linetest.ChannelToken {
		t.Errorf("Authorization = %q", got)
	}
	if calls[0].RetryKey != "" {
		t.Errorf("reply carried a retry key %q", calls[0].RetryKey)
	}
}

func TestReplyIsNotRetriedOnceSent(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 429} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			srv := linetest.NewServer(t)
			c, sl := newClient(t, srv)
			srv.FailNext(linetest.Fault{Path: "/v2/bot/message/reply", Status: status, Times: 1})
			_, err := c.Reply(t.Context(), "tok", text("hi"))
			var apiErr *line.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
				t.Fatalf("err = %v; want APIError %d", err, status)
			}
			if n := len(srv.Replies()); n != 1 {
				t.Errorf("reply sent %d times; want 1", n)
			}
			if len(sl.got()) != 0 {
				t.Errorf("slept %v before a retry that must not happen", sl.got())
			}
		})
	}
}

func TestReplyInvalidToken(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	srv.InvalidReplyToken(1)
	_, err := c.Reply(t.Context(), "tok", text("hi"))
	var apiErr *line.APIError
	if !errors.As(err, &apiErr) || !apiErr.InvalidReplyToken() || apiErr.Retryable() {
		t.Fatalf("err = %v; want an invalid-reply-token APIError", err)
	}
	if apiErr.RequestID == "" {
		t.Error("APIError without request ID")
	}
}

func TestPushRetryKeyIsReusedAcrossRetries(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, sl := newClient(t, srv)
	srv.FailNext(linetest.Fault{Path: "/v2/bot/message/push", Status: 500, Times: 2})
	res, err := c.Push(t.Context(), "U1", text("hi"))
	if err != nil {
		t.Fatal(err)
	}
	calls := srv.Pushes()
	if len(calls) != 3 {
		t.Fatalf("%d push attempts, want 3", len(calls))
	}
	key := calls[0].RetryKey
	if len(key) != 36 || key[14] != '4' || !strings.ContainsRune("89ab", rune(key[19])) {
		t.Errorf("retry key %q is not a version 4 UUID", key)
	}
	for i, c := range calls {
		if c.RetryKey != key {
			t.Errorf("attempt %d used key %q, want %q", i+1, c.RetryKey, key)
		}
	}
	if res.RetryKey != key || res.Duplicate || res.Meta.Attempts != 3 {
		t.Errorf("result = %+v", res)
	}
	if got := len(sl.got()); got != 2 {
		t.Errorf("%d waits, want 2", got)
	}
	// A second logical push gets a new key.
	if _, err := c.Push(t.Context(), "U1", text("again")); err != nil {
		t.Fatal(err)
	}
	if calls := srv.Pushes(); calls[3].RetryKey == key {
		t.Error("a new push reused the previous push's retry key")
	}
}

func TestPushConflictIsAcceptedDuplicate(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	// LINE accepts the push but its answer is lost: the retry gets 409.
	srv.FailAfterAccept("/v2/bot/message/push", 1)
	res, err := c.Push(t.Context(), "U1", text("once"))
	if err != nil {
		t.Fatalf("Push: %v", err)
	}
	if !res.Duplicate || res.AcceptedRequestID == "" || res.Meta.StatusCode != http.StatusConflict {
		t.Errorf("result = %+v; want a duplicate with the accepted request ID", res)
	}
	calls := srv.Pushes()
	if len(calls) != 2 || calls[0].RetryKey != calls[1].RetryKey {
		t.Errorf("calls = %d, keys %q", len(calls), []string{calls[0].RetryKey, calls[len(calls)-1].RetryKey})
	}

	// A caller-chosen key sent twice: the second is a duplicate.
	const key = "123e4567-e89b-12d3-a456-426614174000"
	if res, err := c.Multicast(t.Context(), []string{"U1"}, text("x"), line.RetryKey(key)); err != nil || res.Duplicate {
		t.Fatalf("first multicast: %+v, %v", res, err)
	}
	res, err = c.Multicast(t.Context(), []string{"U1"}, text("x"), line.RetryKey(key))
	if err != nil || !res.Duplicate || res.RetryKey != key {
		t.Fatalf("second multicast: %+v, %v", res, err)
	}
}

// TestKeyedSendsCarryARetryKey checks that push, multicast and broadcast
// always send one X-Line-Retry-Key holding a UUID: linetest, like
// line-bot-sdk-go's users, takes an empty key for none, so an empty key
// would pass the fake while leaving the send without idempotency.
func TestKeyedSendsCarryARetryKey(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	tests := []struct {
		name string
		send func() (*line.SendResult, error)
	}{
		{"push", func() (*line.SendResult, error) { return c.Push(t.Context(), "U1", text("x")) }},
		{"multicast", func() (*line.SendResult, error) { return c.Multicast(t.Context(), []string{"U1"}, text("x")) }},
		{"broadcast", func() (*line.SendResult, error) { return c.Broadcast(t.Context(), text("x")) }},
	}
	for _, tt := range tests { // in turn: each reads the last call
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.send()
			if err != nil {
				t.Fatal(err)
			}
			calls := srv.Calls()
			keys := calls[len(calls)-1].Header["X-Line-Retry-Key"]
			if len(keys) != 1 || !uuid.Valid(keys[0]) || keys[0] != res.RetryKey {
				t.Errorf("sent X-Line-Retry-Key %q and reported %q; want one UUID, the same", keys, res.RetryKey)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	t.Run("retry after the server's wait", func(t *testing.T) {
		t.Parallel()
		srv := linetest.NewServer(t)
		c, sl := newClient(t, srv)
		srv.RateLimit("/v2/bot/message/push", 2*time.Second, 1)
		if _, err := c.Push(t.Context(), "U1", text("hi")); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]time.Duration{2 * time.Second}, sl.got()); diff != "" {
			t.Errorf("waits (-want +got):\n%s", diff)
		}
	})
	t.Run("wait longer than allowed", func(t *testing.T) {
		t.Parallel()
		srv := linetest.NewServer(t)
		c, sl := newClient(t, srv, line.WithRetry(3, 100*time.Millisecond, time.Second))
		srv.RateLimit("/v2/bot/message/broadcast", 30*time.Second, 1)
		_, err := c.Broadcast(t.Context(), text("hi"))
		var apiErr *line.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.RetryAfter != 30*time.Second || !apiErr.Retryable() {
			t.Fatalf("err = %#v", err)
		}
		if len(sl.got()) != 0 {
			t.Errorf("waited %v", sl.got())
		}
	})
}

func TestSendValidation(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	six := make([]messaging_api.MessageInterface, 6)
	for i := range six {
		six[i] = &messaging_api.TextMessage{Text: "x"}
	}
	items := make([]messaging_api.QuickReplyItem, 14)
	for i := range items {
		items[i] = messaging_api.QuickReplyItem{Action: messaging_api.MessageAction{Label: "l", Text: "t"}}
	}
	// A case names either the JSON path of a broken limit (a
	// *ValidationError) or the function and argument at fault (an
	// *ArgumentError).
	tests := []struct {
		name    string
		send    func() error
		path    string
		fn, arg string
	}{
		{"no messages", func() error { _, err := c.Push(t.Context(), "U1", nil); return err }, "messages", "", ""},
		{"six messages", func() error { _, err := c.Push(t.Context(), "U1", six); return err }, "messages", "", ""},
		{"long text", func() error {
			_, err := c.Reply(t.Context(), "tok", text(strings.Repeat("😀", 2501)))
			return err
		}, "messages[0].text", "", ""},
		{"empty text", func() error { _, err := c.Reply(t.Context(), "tok", text("")); return err }, "messages[0].text", "", ""},
		{"14 quick replies", func() error {
			_, err := c.Push(t.Context(), "U1", []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "x", QuickReply: &messaging_api.QuickReply{Items: items}}})
			return err
		}, "messages[0].quickReply.items", "", ""},
		{"long label", func() error {
			m := &messaging_api.TemplateMessage{AltText: "alt", Template: &messaging_api.ButtonsTemplate{Text: "t", Actions: []messaging_api.ActionInterface{
				&messaging_api.PostbackAction{Label: strings.Repeat("a", 21), Data: "d"},
			}}}
			_, err := c.Push(t.Context(), "U1", []messaging_api.MessageInterface{m})
			return err
		}, "messages[0].template.actions[0].label", "", ""},
		{"carousel columns", func() error {
			cols := make([]messaging_api.CarouselColumn, 11)
			for i := range cols {
				cols[i] = messaging_api.CarouselColumn{Text: "t", Actions: []messaging_api.ActionInterface{messaging_api.MessageAction{Label: "l", Text: "t"}}}
			}
			m := &messaging_api.TemplateMessage{AltText: "alt", Template: &messaging_api.CarouselTemplate{Columns: cols}}
			_, err := c.Push(t.Context(), "U1", []messaging_api.MessageInterface{m})
			return err
		}, "messages[0].template.columns", "", ""},
		{"raw without type", func() error {
			_, err := c.Push(t.Context(), "U1", []messaging_api.MessageInterface{line.RawMessage(`{"text":"x"}`)})
			return err
		}, "messages[0].type", "", ""},
		{"501 recipients", func() error {
			_, err := c.Multicast(t.Context(), make([]string, 501), text("x"))
			return err
		}, "", "Client.Multicast", "to"},
		{"empty recipient", func() error {
			_, err := c.Multicast(t.Context(), []string{"U1", ""}, text("x"))
			return err
		}, "", "Client.Multicast", "to[1]"},
		{"bad retry key", func() error { _, err := c.Push(t.Context(), "U1", text("x"), line.RetryKey("nope")); return err }, "", "RetryKey", "key"},
		{"empty retry key", func() error { _, err := c.Push(t.Context(), "U1", text("x"), line.RetryKey("")); return err }, "", "RetryKey", "key"},
		{"nil send option", func() error { _, err := c.Push(t.Context(), "U1", text("x"), nil); return err }, "", "Client.Push", "opts"},
		{"empty reply token", func() error { _, err := c.Reply(t.Context(), "", text("x")); return err }, "", "Client.Reply", "replyToken"},
		{"retry key on a reply", func() error {
			_, err := c.Reply(t.Context(), "tok", text("x"), line.RetryKey("123e4567-e89b-42d3-a456-426614174000"))
			return err
		}, "", "Client.Reply", "opts"},
		{"nil message", func() error {
			_, err := c.Reply(t.Context(), "tok", []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "x"}, nil})
			return err
		}, "", "Client.Reply", "msgs[1]"},
		{"empty push recipient", func() error { _, err := c.Push(t.Context(), "", text("x")); return err }, "", "Client.Push", "to"},
		{"loading seconds", func() error { _, err := c.ShowLoading(t.Context(), "U1", 7); return err }, "", "Client.ShowLoading", "seconds"},
		{"loading chat", func() error { _, err := c.ShowLoading(t.Context(), "", 5); return err }, "", "Client.ShowLoading", "chatID"},
		{"profile user", func() error { _, err := c.GetProfile(t.Context(), ""); return err }, "", "Client.GetProfile", "userID"},
		{"content message", func() error { _, err := c.GetContent(t.Context(), ""); return err }, "", "Client.GetContent", "messageID"},
		{"chat control ttl", func() error { _, err := c.AcquireChatControl(t.Context(), "U1", -time.Second); return err }, "", "Client.AcquireChatControl", "ttl"},
		{"chat control chat", func() error { _, err := c.ReleaseChatControl(t.Context(), ""); return err }, "", "Client.ReleaseChatControl", "chatID"},
		{"units on broadcast", func() error { _, err := c.Broadcast(t.Context(), text("x"), line.AggregationUnits("u")); return err }, "", "Client.Broadcast", "opts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.send()
			if !errors.Is(err, line.ErrInvalid) {
				t.Fatalf("err = %v; want one wrapping ErrInvalid", err)
			}
			if tt.arg != "" {
				var ae *line.ArgumentError
				if !errors.As(err, &ae) {
					t.Fatalf("err = %v; want an *ArgumentError", err)
				}
				if ae.Func != tt.fn || ae.Arg != tt.arg {
					t.Errorf("argument = %s %s, want %s %s (%v)", ae.Func, ae.Arg, tt.fn, tt.arg, err)
				}
				return
			}
			var ve *line.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v; want a *ValidationError", err)
			}
			if ve.Path != tt.path {
				t.Errorf("path = %q, want %q (%v)", ve.Path, tt.path, err)
			}
		})
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("%d requests sent; invalid requests must not be sent", len(calls))
	}
}

func TestAPIErrorDecoding(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	srv.Handle("POST /v2/bot/message/push", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Line-Request-Id", "req-123")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"message":"The request body has 2 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"},{"message":"Must be one of the following values: [text, image]","property":"messages[1].type"}]}`)
	}))
	_, err := c.Push(t.Context(), "U1", text("hi"))
	var apiErr *line.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	want := &line.APIError{
		StatusCode: 400,
		Message:    "The request body has 2 error(s)",
		Details: []line.ErrorDetail{
			{Message: "May not be empty", Property: "messages[0].text"},
			{Message: "Must be one of the following values: [text, image]", Property: "messages[1].type"},
		},
		RequestID: "req-123",
	}
	if diff := cmp.Diff(want, apiErr, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Body" }, cmp.Ignore())); diff != "" {
		t.Errorf("APIError (-want +got):\n%s", diff)
	}
	if len(apiErr.Body) == 0 {
		t.Error("Body not kept")
	}
	const wantMsg = "line: HTTP 400: The request body has 2 error(s) (messages[0].text: May not be empty; messages[1].type: Must be one of the following values: [text, image]) [request req-123]"
	if err.Error() != wantMsg {
		t.Errorf("Error() = %q\nwant      %q", err.Error(), wantMsg)
	}
	if n := len(srv.Pushes()); n != 1 {
		t.Errorf("a 400 was retried: %d attempts", n)
	}
}

func TestAuthFailure(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t, linetest.WithChannelToken("right"))
	c, err := line.New("wrong", line.WithBaseURL(srv.URL()), line.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetProfile(t.Context(), "U1")
	var apiErr *line.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
		t.Fatalf("err = %v; want 401", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Error("error text holds the token")
	}
}

func TestMulticastAndBroadcast(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	if _, err := c.Multicast(t.Context(), []string{"U1", "U2"}, text("hi"), line.AggregationUnits("promo")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Broadcast(t.Context(), text("all")); err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls()
	if len(calls) != 2 {
		t.Fatalf("%d calls", len(calls))
	}
	if diff := cmp.Diff([]string{"U1", "U2"}, calls[0].To); diff != "" {
		t.Errorf("multicast to (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{"promo"}, calls[0].JSON["customAggregationUnits"]); diff != "" {
		t.Errorf("units (-want +got):\n%s", diff)
	}
	if _, ok := calls[1].JSON["to"]; ok || calls[1].Path != "/v2/bot/message/broadcast" || calls[1].RetryKey == "" {
		t.Errorf("broadcast call = %+v", calls[1].JSON)
	}
	if _, err := c.Broadcast(t.Context(), text("all"), line.AggregationUnits("x")); !errors.Is(err, line.ErrInvalid) {
		t.Errorf("broadcast with units: %v", err)
	}
}

func TestShowLoadingProfileContentAndChatControl(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := t.Context()

	if m, err := c.ShowLoading(ctx, "U1", 10); err != nil || m.Meta.StatusCode != http.StatusAccepted {
		t.Fatalf("ShowLoading: %+v, %v", m, err)
	}
	if got := srv.CallsTo("/v2/bot/chat/loading/start")[0].JSON; !reflect.DeepEqual(got, map[string]any{"chatId": "U1", "loadingSeconds": float64(10)}) {
		t.Errorf("loading body = %v", got)
	}

	srv.SetProfile(line.Profile{UserID: "U1", DisplayName: "Brown", Language: "ko"})
	p, err := c.GetProfile(ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if p.DisplayName != "Brown" || p.Language != "ko" || p.Meta.RequestID == "" {
		t.Errorf("profile = %+v", p)
	}
	_, err = c.GetProfile(ctx, "U404")
	var apiErr *line.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Errorf("missing profile: %v", err)
	}

	srv.SetContent("m1", "image/jpeg", []byte("\xff\xd8jpeg"))
	ct, err := c.GetContent(ctx, "m1")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(ct.Body)
	ct.Body.Close()
	if ct.ContentType != "image/jpeg" || ct.Length != 6 || string(data) != "\xff\xd8jpeg" {
		t.Errorf("content = %+v %q", ct, data)
	}
	if _, err := c.GetContent(ctx, "missing"); !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Errorf("missing content: %v", err)
	}

	var h message.Handover = c
	if err := h.PassToHuman(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if err := h.TakeBack(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AcquireChatControl(ctx, "U1", time.Hour); err != nil {
		t.Fatal(err)
	}
	rel := srv.CallsTo("/v2/bot/chat/U1/control/release")
	acq := srv.CallsTo("/v2/bot/chat/U1/control/acquire")
	if len(rel) != 1 || len(acq) != 2 {
		t.Fatalf("release %d, acquire %d calls", len(rel), len(acq))
	}
	if diff := cmp.Diff(map[string]any{"expired": false}, acq[0].JSON); diff != "" {
		t.Errorf("take back body (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"expired": true, "ttl": float64(3600)}, acq[1].JSON); diff != "" {
		t.Errorf("acquire body (-want +got):\n%s", diff)
	}
	if _, err := c.ReleaseChatControl(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	srv.FailNext(linetest.Fault{Path: "/v2/bot/chat/U2/control/release", Status: http.StatusForbidden, Times: 1})
	if _, err := c.ReleaseChatControl(ctx, "U2"); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
		t.Errorf("release refused: err = %v", err)
	}
}

func TestBaseURLPathPrefix(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	mux := http.NewServeMux()
	var got string
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Path
		w.Write([]byte(`{"sentMessages":[]}`))
	})
	srv.Handle("/proxy/", mux)
	c, _ := newClient(t, srv, line.WithBaseURL(srv.URL()+"/proxy"))
	if _, err := c.Push(t.Context(), "U1", text("x")); err != nil {
		t.Fatal(err)
	}
	if got != "/proxy/v2/bot/message/push" {
		t.Errorf("path = %q; the base URL's path must be kept", got)
	}
}

// TestConcurrentCallsKeepTheirOwnContext shows what the SDK's
// WithContext gets wrong: here each call's context governs only that
// call, and one shared message value is sent from many goroutines without
// a data race (run with -race).
func TestConcurrentCallsKeepTheirOwnContext(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	newShared := func() []messaging_api.MessageInterface {
		return []messaging_api.MessageInterface{
			messaging_api.TextMessage{Text: "shared", QuickReply: &messaging_api.QuickReply{Items: []messaging_api.QuickReplyItem{
				{Action: messaging_api.PostbackAction{Label: "ok", Data: "ok", DisplayText: "ok"}},
				{Action: &messaging_api.MessageAction{Label: "m", Text: "m"}},
			}}},
			&messaging_api.TemplateMessage{AltText: "alt", Template: &messaging_api.ButtonsTemplate{Text: "t", Actions: []messaging_api.ActionInterface{
				&messaging_api.MessageAction{Label: "l", Text: "t"},
			}}},
			&messaging_api.FlexMessage{AltText: "alt", Contents: &messaging_api.FlexBubble{Body: &messaging_api.FlexBox{
				Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Contents: []messaging_api.FlexComponentInterface{&messaging_api.FlexText{Text: "x"}},
			}}},
		}
	}
	shared := newShared()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	const n = 40
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := t.Context()
			if i%2 == 1 {
				ctx = cancelled
			}
			if i%4 < 2 {
				_, errs[i] = c.Push(ctx, "U1", shared)
			} else {
				_, errs[i] = c.Reply(ctx, fmt.Sprintf("tok-%d", i), shared)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if i%2 == 1 {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("call %d with a cancelled context: %v", i, err)
			}
		} else if err != nil {
			t.Errorf("call %d with a live context: %v", i, err)
		}
	}
	// The SDK's MarshalJSON methods fill in "type" by writing to their
	// receivers; the client encodes a copy, so the caller's values (here
	// pointers all the way down) are untouched.
	if !reflect.DeepEqual(shared, newShared()) {
		t.Error("sending modified the caller's messages")
	}
	if got := len(srv.Calls()); got != n/2 {
		t.Errorf("%d requests reached the server; want %d", got, n/2)
	}
}

// TestErrorsAndLogsHoldNoSecrets drives failures and retries with a debug
// logger and checks that neither errors nor logs contain the token or any
// message content.
func TestErrorsAndLogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	const token = "SECRET-TOKEN-abc123"
	const content = "PRIVATE-MESSAGE-xyz"
	srv := linetest.NewServer(t, linetest.WithChannelToken(token))
	var logs bytes.Buffer
	var mu sync.Mutex
	lw := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return logs.Write(p) })
	logger := slog.New(slog.NewTextHandler(lw, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sl := &sleeps{}
	c, err := srv.NewClient(line.WithLogger(logger), line.WithSleep(sl.sleep))
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext(linetest.Fault{Path: "/v2/bot/message/push", Status: 503, Times: 5})
	_, err1 := c.Push(t.Context(), "U1", text(content))
	srv.InvalidReplyToken(1)
	_, err2 := c.Reply(t.Context(), "tok", text(content))
	_, err3 := c.Reply(t.Context(), "tok", text(strings.Repeat(content, 400)))
	bad, _ := line.New(token, line.WithBaseURL("http://127.0.0.1:1"), line.WithSleep(sl.sleep))
	_, err4 := bad.Push(t.Context(), "U1", text(content))
	for i, err := range []error{err1, err2, err3, err4} {
		if err == nil {
			t.Fatalf("error %d is nil", i+1)
		}
		if s := err.Error(); strings.Contains(s, token) || strings.Contains(s, content) {
			t.Errorf("error %d leaks: %s", i+1, s)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if logs.Len() == 0 {
		t.Fatal("no debug logs were written; the test proves nothing")
	}
	if s := logs.String(); strings.Contains(s, token) || strings.Contains(s, content) {
		t.Errorf("logs leak:\n%s", s)
	}
}

// TestClientErrorHandler: the client's error handler hears of each failed
// attempt that was retried (which the caller never sees), with no
// request; the failure the caller gets is not reported twice.
func TestClientErrorHandler(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	var mu sync.Mutex
	var reported []error
	c, _ := newClient(t, srv, line.WithErrorHandler(func(r *http.Request, err error) {
		mu.Lock()
		defer mu.Unlock()
		if r != nil {
			t.Error("a client handed a request to the error handler")
		}
		reported = append(reported, err)
	}))
	srv.FailNext(linetest.Fault{Path: "/v2/bot/message/push", Status: 503, Times: 3})
	_, err := c.Push(t.Context(), "U1", text("hi"))
	var final *line.APIError
	if !errors.As(err, &final) || final.StatusCode != 503 {
		t.Fatalf("err = %v; want the third 503", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 2 {
		t.Fatalf("reported %d failures, want the 2 retried attempts: %v", len(reported), reported)
	}
	for i, err := range reported {
		var apiErr *line.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || !strings.HasPrefix(err.Error(), "line: ") {
			t.Errorf("report %d = %v; want a line: *APIError 503", i, err)
		}
		if apiErr != nil && apiErr == final {
			t.Errorf("report %d is the error the caller got", i)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestGoldenMessages pins the JSON of every message kind, given as a value
// and as a pointer: each must carry its "type", and so must nested
// actions, templates and Flex components (the SDK's value types encode
// "type":"" on their own).
func TestGoldenMessages(t *testing.T) {
	t.Parallel()
	qr := &messaging_api.QuickReply{Items: []messaging_api.QuickReplyItem{
		{Action: messaging_api.PostbackAction{Label: "Yes", Data: "a=1", DisplayText: "Yes"}},
		{Action: messaging_api.CameraAction{Label: "Camera"}},
		{Action: &messaging_api.UriAction{Label: "Web", Uri: "https://example.com"}},
	}}
	bubble := messaging_api.FlexBubble{
		Hero: messaging_api.FlexImage{Url: "https://example.com/a.png", Size: "full"},
		Body: &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Contents: []messaging_api.FlexComponentInterface{
			messaging_api.FlexText{Text: "title", Wrap: true},
			messaging_api.FlexButton{Action: messaging_api.MessageAction{Label: "say", Text: "hi"}},
		}},
	}
	cases := []struct {
		name string
		msg  messaging_api.MessageInterface
	}{
		{"text", messaging_api.TextMessage{Text: "hello", QuickReply: qr}},
		// The SDK types TextMessageV2.Substitution as the base struct, so a
		// mention's fields cannot be given; use RawMessage for those.
		{"text_v2", messaging_api.TextMessageV2{Text: "hi"}},
		{"raw_text_v2_mention", line.RawMessage(`{"type":"textV2","text":"hi {u}","substitution":{"u":{"type":"mention","mentionee":{"type":"user","userId":"U1"}}}}`)},
		{"sticker", messaging_api.StickerMessage{PackageId: "446", StickerId: "1988"}},
		{"image", messaging_api.ImageMessage{OriginalContentUrl: "https://example.com/a.png", PreviewImageUrl: "https://example.com/p.png"}},
		{"video", messaging_api.VideoMessage{OriginalContentUrl: "https://example.com/v.mp4", PreviewImageUrl: "https://example.com/p.png"}},
		{"audio", messaging_api.AudioMessage{OriginalContentUrl: "https://example.com/a.m4a", Duration: 1000}},
		{"location", messaging_api.LocationMessage{Title: "t", Address: "a", Latitude: 1.5, Longitude: 2.5}},
		{"template_buttons", messaging_api.TemplateMessage{AltText: "alt", Template: messaging_api.ButtonsTemplate{Text: "t", Actions: []messaging_api.ActionInterface{
			messaging_api.PostbackAction{Label: "p", Data: "d"},
			messaging_api.DatetimePickerAction{Label: "when", Data: "dt", Mode: messaging_api.DatetimePickerActionMODE_DATE},
		}}}},
		{"template_confirm", messaging_api.TemplateMessage{AltText: "alt", Template: messaging_api.ConfirmTemplate{Text: "sure?", Actions: []messaging_api.ActionInterface{
			messaging_api.MessageAction{Label: "yes", Text: "yes"}, messaging_api.MessageAction{Label: "no", Text: "no"},
		}}}},
		{"template_carousel", messaging_api.TemplateMessage{AltText: "alt", Template: messaging_api.CarouselTemplate{Columns: []messaging_api.CarouselColumn{
			{Text: "c1", Actions: []messaging_api.ActionInterface{messaging_api.UriAction{Label: "u", Uri: "https://example.com"}}},
		}}}},
		{"flex_bubble", messaging_api.FlexMessage{AltText: "alt", Contents: bubble}},
		{"flex_carousel", messaging_api.FlexMessage{AltText: "alt", Contents: messaging_api.FlexCarousel{Contents: []messaging_api.FlexBubble{bubble}}}},
		{"raw", line.RawMessage(`{"type":"coupon","couponId":"c1"}`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			variants := []messaging_api.MessageInterface{tc.msg}
			if v := reflect.ValueOf(tc.msg); v.Kind() == reflect.Struct {
				p := reflect.New(v.Type())
				p.Elem().Set(v)
				variants = append(variants, p.Interface().(messaging_api.MessageInterface))
			}
			var first []byte
			for i, m := range variants {
				enc, err := line.EncodeMessages([]messaging_api.MessageInterface{m})
				if err != nil {
					t.Fatalf("variant %d: %v", i, err)
				}
				var pretty bytes.Buffer
				if err := json.Indent(&pretty, enc[0], "", "  "); err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = pretty.Bytes()
				} else if !bytes.Equal(first, pretty.Bytes()) {
					t.Errorf("pointer and value encode differently:\n%s\nvs\n%s", first, pretty.Bytes())
				}
				checkTypes(t, enc[0])
			}
			golden(t, filepath.Join("testdata", "golden", "message_"+tc.name+".json"), append(first, '\n'))
		})
	}
}

// checkTypes fails if any object that has a "type" key has it empty.
func checkTypes(t *testing.T, raw []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, x any)
	walk = func(path string, x any) {
		switch x := x.(type) {
		case map[string]any:
			if typ, ok := x["type"]; ok && typ == "" {
				t.Errorf("%s has an empty type", path)
			}
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("message", v)
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func TestEncodeRejectsBadMessages(t *testing.T) {
	t.Parallel()
	var nilText *messaging_api.TextMessage
	for _, tc := range []struct {
		name string
		msg  messaging_api.MessageInterface
	}{
		{"nil", nil},
		{"nil pointer", nilText},
		{"raw not JSON", line.RawMessage(`{"type":`)},
		{"raw array", line.RawMessage(`[{"type":"text"}]`)},
	} {
		_, err := line.EncodeMessages([]messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "ok"}, tc.msg})
		var ae *line.ArgumentError
		if !errors.As(err, &ae) || ae.Func != "EncodeMessages" || ae.Arg != "msgs[1]" || !errors.Is(err, line.ErrInvalid) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestContentUsesDataHost(t *testing.T) {
	t.Parallel()
	api := linetest.NewServer(t)
	data := linetest.NewServer(t)
	data.SetContent("m1", "audio/m4a", []byte("aac"))
	c, err := line.New(linetest.ChannelToken, line.WithBaseURL(api.URL()), line.WithDataBaseURL(data.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := c.GetContent(t.Context(), "m1")
	if err != nil {
		t.Fatal(err)
	}
	ct.Body.Close()
	if len(api.Calls()) != 0 || len(data.Calls()) != 1 {
		t.Errorf("api got %d calls, data host %d", len(api.Calls()), len(data.Calls()))
	}
}
