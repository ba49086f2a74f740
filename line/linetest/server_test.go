package linetest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/signature"
	"github.com/google/go-cmp/cmp"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

func post(t *testing.T, srv *linetest.Server, path, token string, header http.Header, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	if res.Header.Get("X-Line-Request-Id") == "" {
		t.Errorf("%s: no x-line-request-id", path)
	}
	return res.StatusCode, out, res.Header
}

func TestServerBehavesLikeLINE(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	tok := linetest.ChannelToken
	const text = `{"messages":[{"type":"text","text":"hi"}]`
	key := http.Header{"X-Line-Retry-Key": {"123e4567-e89b-12d3-a456-426614174000"}}
	tests := []struct {
		name    string
		path    string
		token   string
		header  http.Header
		body    string
		status  int
		message string
	}{
		{"no token", "/v2/bot/message/push", "", nil, `{"to":"U1"` + text[1:], 401, "Authentication failed. Confirm that the access token in the authorization header is valid."},
		{"wrong token", "/v2/bot/message/push", "nope", nil, `{"to":"U1",` + text[1:], 401, "Authentication failed. Confirm that the access token in the authorization header is valid."},
		{"reply", "/v2/bot/message/reply", tok, nil, `{"replyToken":"r1",` + text[1:] + `}`, 200, ""},
		{"reply again", "/v2/bot/message/reply", tok, nil, `{"replyToken":"r1",` + text[1:] + `}`, 400, "Invalid reply token"},
		{"reply with retry key", "/v2/bot/message/reply", tok, key, `{"replyToken":"r2",` + text[1:] + `}`, 400, "The retry key is not supported for this API"},
		{"push", "/v2/bot/message/push", tok, key, `{"to":"U1",` + text[1:] + `}`, 200, ""},
		{"push same key", "/v2/bot/message/push", tok, key, `{"to":"U1",` + text[1:] + `}`, 409, "The retry key is already accepted"},
		{"bad key", "/v2/bot/message/push", tok, http.Header{"X-Line-Retry-Key": {"x"}}, `{"to":"U1",` + text[1:] + `}`, 400, "The value for the 'X-Line-Retry-Key' header is invalid"},
		{"empty key is no key", "/v2/bot/message/push", tok, http.Header{"X-Line-Retry-Key": {""}}, `{"to":"U1",` + text[1:] + `}`, 200, ""},
		{"empty type", "/v2/bot/message/push", tok, nil, `{"to":"U1","messages":[{"type":"","text":"hi"}]}`, 400, "The request body has 1 error(s)"},
		{"six messages", "/v2/bot/message/broadcast", tok, nil, `{"messages":[` + strings.Repeat(`{"type":"text","text":"x"},`, 5) + `{"type":"text","text":"x"}]}`, 400, "The request body has 1 error(s)"},
		{"no recipient", "/v2/bot/message/push", tok, nil, text + `}`, 400, "The request body has 1 error(s)"},
		{"unknown endpoint", "/v2/bot/nothing", tok, nil, `{}`, 404, "Not found"},
	}
	for _, tt := range tests { // in order: later cases depend on earlier ones
		code, body, h := post(t, srv, tt.path, tt.token, tt.header, tt.body)
		if code != tt.status {
			t.Errorf("%s: status %d, want %d (%v)", tt.name, code, tt.status, body)
		}
		if tt.message != "" && body["message"] != tt.message {
			t.Errorf("%s: message %q, want %q", tt.name, body["message"], tt.message)
		}
		if tt.status == 409 && h.Get("X-Line-Accepted-Request-Id") == "" {
			t.Errorf("%s: no x-line-accepted-request-id", tt.name)
		}
	}
	_, body, _ := post(t, srv, "/v2/bot/message/push", tok, nil, `{"to":"U1","messages":[{"type":"","text":"hi"}]}`)
	if diff := cmp.Diff([]any{map[string]any{"message": "missing message type", "property": "messages[0].type"}}, body["details"]); diff != "" {
		t.Errorf("details (-want +got):\n%s", diff)
	}
	calls := srv.Calls()
	if len(calls) != len(tests)+1 {
		t.Fatalf("%d calls recorded", len(calls))
	}
	if c := calls[2]; c.ReplyToken != "r1" || c.Messages[0]["text"] != "hi" || c.JSON == nil {
		t.Errorf("decoded reply call = %+v", c)
	}
	if c := calls[5]; c.RetryKey != key.Get("X-Line-Retry-Key") || !cmp.Equal(c.To, []string{"U1"}) {
		t.Errorf("decoded push call = %+v", c)
	}
	srv.Reset()
	if len(srv.Calls()) != 0 {
		t.Error("Reset kept calls")
	}
	if code, _, _ := post(t, srv, "/v2/bot/message/reply", tok, nil, `{"replyToken":"r1",`+text[1:]+`}`); code != 200 {
		t.Errorf("after Reset a reply token is fresh again; got %d", code)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	srv.RateLimit("/v2/bot/message/push", 3*time.Second, 1)
	code, body, h := post(t, srv, "/v2/bot/message/push", linetest.ChannelToken, nil, `{}`)
	if code != 429 || h.Get("Retry-After") != "3" || body["message"] == nil {
		t.Errorf("rate limit: %d %v %v", code, h, body)
	}
	srv.FailNext(linetest.Fault{Path: "/v2/bot/message/reply", Status: 503})
	if code, _, _ := post(t, srv, "/v2/bot/message/reply", linetest.ChannelToken, nil, `{}`); code != 503 {
		t.Errorf("FailNext: %d", code)
	}
	srv.Handle("GET /v2/bot/info", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/v2/bot/info", nil)
	req.Header.Set("Authorization", "Bearer "+linetest.ChannelToken)
	res, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTeapot {
		t.Errorf("override: %d", res.StatusCode)
	}
}

func TestNewRequestIsSignedAndDecodes(t *testing.T) {
	t.Parallel()
	evs := []line.Event{
		linetest.TextMessage("U1", "hi"),
		linetest.ImageMessage("U1", "m1"),
		linetest.StickerMessage("U1", "446", "1988"),
		linetest.LocationMessage("U1", "t", "a", 1, 2),
		linetest.Message(linetest.Group("G1", "U2"), &line.TextContent{Text: "group"}),
		linetest.Postback("U1", "a=1"),
		linetest.Follow("U1"),
		linetest.Unfollow("U1"),
		linetest.Join("G1"),
		linetest.Leave("G1"),
		linetest.Redelivered(linetest.TextMessage("U1", "again")),
	}
	r := linetest.NewRequest(t, linetest.ChannelSecret, evs...)
	cb, err := line.ParseRequest(signature.MustSecretSet(linetest.ChannelSecret), r)
	if err != nil {
		t.Fatal(err)
	}
	if cb.Destination != linetest.Destination || len(cb.Events) != len(evs) {
		t.Fatalf("callback = %+v", cb)
	}
	ids := map[string]bool{}
	for i, ev := range cb.Events {
		if diff := cmp.Diff(evs[i], ev); diff != "" {
			t.Errorf("event %d (-sent +parsed):\n%s", i, diff)
		}
		id := ev.Base().WebhookEventID
		if id == "" || ids[id] {
			t.Errorf("event %d has a missing or repeated webhookEventId %q", i, id)
		}
		ids[id] = true
	}
	body := linetest.CallbackBody(t)
	if !bytes.Contains(body, []byte(`"events":[]`)) {
		t.Errorf("empty batch body = %s", body)
	}
	if err := line.VerifySignature(signature.MustSecretSet(linetest.ChannelSecret), body, linetest.SignBody(linetest.ChannelSecret, body)); err != nil {
		t.Error(err)
	}
}

func TestStartAndClose(t *testing.T) {
	t.Parallel()
	srv, err := linetest.Start(linetest.WithChannelToken("tok"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := srv.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	srv.SetProfile(line.Profile{UserID: "U1", DisplayName: "Brown"})
	p, err := c.GetProfile(t.Context(), "U1")
	if err != nil || p.DisplayName != "Brown" {
		t.Fatalf("profile %+v, %v", p, err)
	}
	srv.Close()
	if _, err := c.GetProfile(t.Context(), "U1"); err == nil {
		t.Error("closed server still answers")
	}
}

// TestFailNext: a fault answers the requests it matches, as many times as
// it says, with LINE's own error body when it brings none.
func TestFailNext(t *testing.T) {
	t.Parallel()
	const push, reply = "/v2/bot/message/push", "/v2/bot/message/reply"
	pushBody := `{"to":"U1","messages":[{"type":"text","text":"hi"}]}`
	tests := []struct {
		name  string
		fault linetest.Fault
		// paths are posted in order; want are the statuses they get.
		paths []string
		want  []int
		// body is the first answer's "message".
		body string
	}{
		{"LINE's body for a 500", linetest.Fault{Path: push, Status: 500}, []string{push, push}, []int{500, 200}, "An error occurred in the server"},
		{"LINE's body for a 429", linetest.Fault{Status: 429}, []string{push}, []int{429}, "The API rate limit has been exceeded. Try again later."},
		{"LINE's body for a 403", linetest.Fault{Path: push, Status: 403}, []string{push}, []int{403}, "Access to this API is not available for your account"},
		{"own body", linetest.Fault{Path: push, Status: 502, Body: []byte(`{"message":"gateway"}`)}, []string{push}, []int{502}, "gateway"},
		{"times", linetest.Fault{Path: push, Status: 503, Times: 2}, []string{push, push, push}, []int{503, 503, 200}, "An error occurred in the server"},
		{"other path untouched", linetest.Fault{Path: reply, Status: 500}, []string{push}, []int{200}, ""},
		{"other method untouched", linetest.Fault{Method: http.MethodGet, Path: push, Status: 500}, []string{push}, []int{200}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := linetest.NewServer(t)
			srv.FailNext(tt.fault)
			var got []int
			var first map[string]any
			for i, p := range tt.paths {
				code, body, _ := post(t, srv, p, linetest.ChannelToken, nil, pushBody)
				got = append(got, code)
				if i == 0 {
					first = body
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if tt.body != "" && first["message"] != tt.body {
				t.Errorf("message = %v, want %q", first["message"], tt.body)
			}
		})
	}
}

// TestClient: Client and NewClient talk to the fake with its token.
func TestClient(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t, linetest.WithChannelToken("tok"))
	if srv.Client() != srv.Client() {
		t.Error("Client made a new client on each call")
	}
	if _, err := srv.Client().Push(t.Context(), "U1", []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "hi"}}); err != nil {
		t.Fatal(err)
	}
	c, err := srv.NewClient(line.WithUserAgent("test-bot"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ShowLoading(t.Context(), "U1", 5); err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls()
	if len(calls) != 2 || calls[1].Header.Get("User-Agent") != "test-bot" || !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Errorf("calls = %+v, URL %s", calls, srv.URL())
	}
}

// TestAccepted: only the sends LINE would deliver are listed, in order;
// a push accepted before its answer was lost counts once.
func TestAccepted(t *testing.T) {
	t.Parallel()
	srv := linetest.NewServer(t)
	send := func(path, body string, header http.Header) int {
		code, _, _ := post(t, srv, path, linetest.ChannelToken, header, body)
		return code
	}
	msg := `"messages":[{"type":"text","text":"%s"}]`
	key := http.Header{"X-Line-Retry-Key": {"123e4567-e89b-42d3-a456-426614174000"}}
	srv.InvalidReplyToken(1)
	steps := []struct {
		path, body string
		header     http.Header
		want       int
	}{
		{"/v2/bot/message/reply", `{"replyToken":"t1",` + strings.Replace(msg, "%s", "refused", 1) + `}`, nil, 400},
		{"/v2/bot/message/reply", `{"replyToken":"t2",` + strings.Replace(msg, "%s", "one", 1) + `}`, nil, 200},
		{"/v2/bot/message/reply", `{"replyToken":"t2",` + strings.Replace(msg, "%s", "spent", 1) + `}`, nil, 400},
		{"/v2/bot/message/push", `{"to":"U1",` + strings.Replace(msg, "%s", "two", 1) + `}`, key, 500},
		{"/v2/bot/message/push", `{"to":"U1",` + strings.Replace(msg, "%s", "two", 1) + `}`, key, 409},
	}
	srv.FailAfterAccept("/v2/bot/message/push", 1)
	for i, s := range steps {
		if code := send(s.path, s.body, s.header); code != s.want {
			t.Errorf("step %d: %d; want %d", i, code, s.want)
		}
	}
	var got []string
	for _, c := range srv.Accepted() {
		got = append(got, c.Path+":"+c.Messages[0]["text"].(string))
	}
	want := []string{"/v2/bot/message/reply:one", "/v2/bot/message/push:two"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Accepted (-want +got):\n%s", d)
	}
	srv.Reset()
	if a := srv.Accepted(); len(a) != 0 {
		t.Errorf("after Reset: %v", a)
	}
}
