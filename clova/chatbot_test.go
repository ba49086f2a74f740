package clova_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

const secretKey = "chatbot-SECRET-key-0001"

func newChatbot(t *testing.T, srv *clovatest.Server, opts ...clova.Option) *clova.Client {
	t.Helper()
	clock := func() time.Time { return time.UnixMilli(1700000000000) }
	opts = append([]clova.Option{clova.WithHTTPClient(srv.HTTPClient()), clova.WithClock(clock), clova.WithRetry(2, time.Millisecond, time.Millisecond)}, opts...)
	cb, err := clova.New(srv.URL(), secretKey, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

func TestChatbotSendAndOpen(t *testing.T) {
	t.Parallel()
	srv := clovatest.NewServer(t, clovatest.WithSecretKey(secretKey))
	srv.ReplyText("영업시간?", "9시부터 6시까지예요.")
	cb := newChatbot(t, srv)
	ctx := context.Background()

	res, err := cb.Send(ctx, "user-1", "영업시간?", clova.WithUserIP("203.0.113.7"))
	if err != nil {
		t.Fatal(err)
	}
	want := clova.Bubbles{&clova.TextBubble{Data: clova.TextData{Description: "9시부터 6시까지예요."}}}
	if d := cmp.Diff(want, res.Bubbles); d != "" {
		t.Errorf("bubbles (-want +got):\n%s", d)
	}
	if res.Meta.StatusCode != 200 || res.Meta.RequestID != "clovatest-trace" || res.UserID != "user-1" || res.Event != clova.EventSend {
		t.Errorf("response = %+v", res)
	}
	if _, err := cb.Open(ctx, "user-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := cb.OpenWith(ctx, "user-1", "welcome-postback"); err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls()
	if len(calls) != 3 {
		t.Fatalf("%d calls, want 3", len(calls))
	}
	wantBodies := []string{
		`{"version":"v2","userId":"user-1","userIp":"203.0.113.7","timestamp":1700000000000,"bubbles":[{"type":"text","data":{"description":"영업시간?"}}],"event":"send"}`,
		`{"version":"v2","userId":"user-1","timestamp":1700000000000,"bubbles":[],"event":"open"}`,
		`{"version":"v2","userId":"user-1","timestamp":1700000000000,"bubbles":[{"type":"text","data":{"description":"welcome-postback"}}],"event":"open"}`,
	}
	for i, c := range calls {
		if string(c.Body) != wantBodies[i] {
			t.Errorf("call %d body:\n got %s\nwant %s", i, c.Body, wantBodies[i])
		}
		if !c.SignatureValid {
			t.Errorf("call %d: signature invalid", i)
		}
		// The signature is over the exact bytes sent.
		if got, want := c.Header.Get(clova.ChatbotSignatureHeader), clova.SignChatbotBody(secretKey, c.Body); got != want {
			t.Errorf("call %d: signature %q, want %q", i, got, want)
		}
		if err := clova.VerifyChatbotSignature(secretKey, c.Body, c.Header.Get(clova.ChatbotSignatureHeader)); err != nil {
			t.Errorf("call %d: VerifyChatbotSignature: %v", i, err)
		}
		if !strings.HasPrefix(c.Header.Get("Content-Type"), "application/json") {
			t.Errorf("call %d: Content-Type %q", i, c.Header.Get("Content-Type"))
		}
	}
	if calls[1].Request.Event != clova.EventOpen || calls[0].Request.UserIP != "203.0.113.7" {
		t.Errorf("decoded calls: %+v", calls)
	}
}

func TestVerifyChatbotSignature(t *testing.T) {
	t.Parallel()
	body := []byte(`{"version":"v2","userId":"u","timestamp":1,"bubbles":[{"type":"text","data":{"description":"hi"}}],"event":"send"}`)
	good := clova.SignChatbotBody(secretKey, body)
	tests := []struct {
		name   string
		secret string
		body   []byte
		sig    string
		want   error
	}{
		{"valid", secretKey, body, good, nil},
		{"tampered body", secretKey, []byte(strings.Replace(string(body), "hi", "ho", 1)), good, signature.ErrMismatch},
		{"wrong secret", "other", body, good, signature.ErrMismatch},
		{"empty secret", "", body, good, signature.ErrMismatch},
		{"missing", secretKey, body, "", signature.ErrMissing},
		{"truncated", secretKey, body, good[:20], signature.ErrMismatch},
		{"non-base64", secretKey, body, "%%%%" + good[4:], signature.ErrMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := clova.VerifyChatbotSignature(tc.secret, tc.body, tc.sig)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err != nil && (strings.Contains(err.Error(), secretKey) || strings.Contains(err.Error(), good)) {
				t.Errorf("error leaks: %v", err)
			}
		})
	}
}

func TestChatbotErrors(t *testing.T) {
	t.Parallel()
	srv := clovatest.NewServer(t, clovatest.WithSecretKey(secretKey))
	ctx := context.Background()

	// Wrong secret: the fake answers 401 as API Gateway does.
	wrong, err := clova.New(srv.URL(), "not-the-secret", clova.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.Send(ctx, "u", "hi")
	var ae *clova.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != "200" || ae.Message != "Authentication Failed" || ae.RequestID != "clovatest-trace" {
		t.Fatalf("wrong secret: %#v", err)
	}
	if strings.Contains(err.Error(), "not-the-secret") || strings.Contains(err.Error(), "{") {
		t.Errorf("error leaks the secret or the body: %v", err)
	}
	if len(ae.Body) == 0 {
		t.Error("APIError.Body is empty")
	}

	// A 5xx is not retried: Send is not idempotent.
	cb := newChatbot(t, srv)
	srv.Reset()
	srv.FailNext(clovatest.Fault{Status: 503, Body: []byte(`{"error":{"errorCode":"300","message":"Service Unavailable"}}`), Times: 2})
	_, err = cb.Send(ctx, "u", "hi")
	if !errors.As(err, &ae) || ae.StatusCode != 503 || ae.Code != "300" {
		t.Fatalf("503: %v", err)
	}
	if n := len(srv.Calls()); n != 1 {
		t.Errorf("%d calls after a 503 on a non-idempotent send, want 1", n)
	}

	// 429 carries Retry-After.
	srv.Reset()
	srv.FailNext(clovatest.Fault{Status: 429, Header: http.Header{"Retry-After": {"7"}}, Body: []byte(`{"code":429,"message":"slow down"}`)})
	_, err = cb.Send(ctx, "u", "hi")
	if !errors.As(err, &ae) || ae.RetryAfter != 7*time.Second || ae.Code != "429" {
		t.Fatalf("429: %#v", err)
	}

	// A 200 that is not JSON is an APIError too.
	srv.Reset()
	srv.FailNext(clovatest.Fault{Status: 200, Body: []byte(`<html>`)})
	if _, err = cb.Send(ctx, "u", "hi"); !errors.As(err, &ae) || ae.StatusCode != 200 {
		t.Fatalf("bad 200: %v", err)
	}

	// Invalid requests never leave the process.
	srv.Reset()
	var ve *clova.ValidationError
	if _, err := cb.Send(ctx, "", "hi"); !errors.As(err, &ve) || ve.Path != "userId" || !errors.Is(err, clova.ErrInvalid) {
		t.Errorf("empty user: %v", err)
	}
	if _, err := cb.Send(ctx, strings.Repeat("u", 257), "hi"); !errors.As(err, &ve) || !errors.Is(err, clova.ErrInvalid) {
		t.Errorf("long user: %v", err)
	}
	if _, err := cb.Send(ctx, "u", ""); !errors.As(err, &ve) || ve.Path != "bubbles[0].data.description" {
		t.Errorf("empty text: %v", err)
	}
	var ves clova.ValidationErrors
	if err := (&clova.ChatbotRequest{}).Validate(); !errors.As(err, &ves) || len(ves) != 2 || ves[0].Path != "userId" || ves[1].Path != "event" {
		t.Errorf("two problems: %v", err)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("%d calls for invalid requests", n)
	}

	// Network failures name no URL.
	srv2, _ := clovatest.Start(clovatest.WithSecretKey(secretKey))
	dead, _ := clova.New(srv2.URL()+"?code=SECRET", secretKey, clova.WithRetry(1, 0, 0))
	srv2.Close()
	if _, err := dead.Send(ctx, "u", "hi"); err == nil || strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), clovatest.InvokePath) {
		t.Errorf("network error: %v", err)
	}
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		url, secret string
		opts        []clova.Option
	}{
		"empty secret":      {"https://x.apigw.ntruss.com/custom", "", nil},
		"relative URL":      {"/custom", "s", nil},
		"bad scheme":        {"ftp://x/custom", "s", nil},
		"nil HTTP client":   {"https://x/c", "s", []clova.Option{clova.WithHTTPClient(nil)}},
		"bad retry":         {"https://x/c", "s", []clova.Option{clova.WithRetry(3, 0, 0)}},
		"empty user agent":  {"https://x/c", "s", []clova.Option{clova.WithUserAgent("")}},
		"nil logger":        {"https://x/c", "s", []clova.Option{clova.WithLogger(nil)}},
		"nil clock":         {"https://x/c", "s", []clova.Option{clova.WithClock(nil)}},
		"nil error handler": {"https://x/c", "s", []clova.Option{clova.WithErrorHandler(nil)}},
		"nil option":        {"https://x/c", "s", []clova.Option{nil}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := clova.New(tc.url, tc.secret, tc.opts...)
			if err == nil {
				t.Fatal("New succeeded")
			}
			var ae *clova.ArgumentError
			if !errors.As(err, &ae) || !errors.Is(err, clova.ErrInvalid) || !strings.HasPrefix(err.Error(), "clova: ") {
				t.Errorf("error %q is not a clova *ArgumentError", err)
			}
		})
	}
}

func readAnswer(t *testing.T) (*clova.ChatbotResponse, []byte) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "chatbot", "answer_mixed.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res clova.ChatbotResponse
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	return &res, body
}

func TestBubblesRoundTrip(t *testing.T) {
	t.Parallel()
	res, body := readAnswer(t)
	kinds := make([]string, len(res.Bubbles))
	for i, b := range res.Bubbles {
		kinds[i] = b.BubbleType()
	}
	if d := cmp.Diff([]string{"text", "text", "image", "template", "carousel", "flex", "text"}, kinds); d != "" {
		t.Errorf("kinds (-want +got):\n%s", d)
	}
	if _, ok := res.Bubbles[5].(*clova.UnknownBubble); !ok {
		t.Errorf("flex is %T", res.Bubbles[5])
	}
	if res.Scenario == nil || res.Scenario.Name != "인사" || res.Scenario.ChatUtteranceSetID != "4929383" {
		t.Errorf("scenario = %+v", res.Scenario)
	}
	if info := res.Bubbles[0].(*clova.TextBubble).Information; len(info) != 2 || info[1].Value != "1.0" && info[1].Value != "1" {
		t.Errorf("information = %+v", info)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, body, out)
}

func TestToContent(t *testing.T) {
	t.Parallel()
	res, _ := readAnswer(t)
	got, rep := clova.ToContent(res.Bubbles)
	want := []message.Content{
		&message.Text{Text: "안녕하세요! 무엇을 도와드릴까요?"},
		&message.Card{Title: "공지", Text: "오늘\n영업시간 안내", Buttons: []message.Button{
			{Label: "자세히", Action: &message.URLAction{URL: "https://example.com/hours"}},
			{Label: "영업시간", Action: &message.Postback{Data: "_T_영업시간", DisplayText: "영업시간"}},
		}},
		&message.Image{URL: "https://example.com/a.png"},
		&message.Card{Title: "메뉴", Text: "오늘의 메뉴", Image: &message.Image{URL: "https://example.com/menu.png"}, Buttons: []message.Button{
			{Label: "주문", Action: &message.Postback{Data: "주문하기"}},
			{Label: "전화", Action: &message.CallAction{Phone: "+82-2-1234-5678"}},
			{Label: "홈페이지", Action: &message.URLAction{URL: "https://example.com"}},
		}},
		&message.Carousel{Cards: []message.Card{
			{Image: &message.Image{URL: "https://example.com/1.png"}, Buttons: []message.Button{{Label: "https://example.com/1", Action: &message.URLAction{URL: "https://example.com/1"}}}},
			{Title: "둘", Text: "두 번째", Buttons: []message.Button{{Label: "선택", Action: &message.Postback{Data: "select-2", DisplayText: "두 번째 선택"}}}},
		}},
		&message.Unknown{Platform: message.Clova, Kind: "flex", Raw: json.RawMessage(`{"type": "flex", "data": {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": []}}}`)},
		&message.Text{Text: "더 필요하신 게 있나요?", QuickReplies: []message.QuickReply{{Label: "예", Action: &message.Postback{Data: "예"}}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("content (-want +got):\n%s", d)
	}
	var losses []string
	for _, l := range rep.Losses {
		losses = append(losses, l.Path+" "+l.Reason.String())
	}
	wantLoss := []string{
		"[1].Data.Action downgraded",
		"[3].Data.ContentTable downgraded",
		"[4].Data.Cards[0].Data.Cover.Data.Action downgraded",
		"[6].QuickButtons[1].Data.Action dropped",
	}
	if d := cmp.Diff(wantLoss, losses); d != "" {
		t.Errorf("losses (-want +got):\n%s", d)
	}
}

// TestChatbotBridgeRoundTrip is the CLOVA Chatbot linkage: a messenger
// user's text goes to the chatbot, the answer becomes neutral content, and
// a tapped postback goes back as text.
func TestChatbotBridgeRoundTrip(t *testing.T) {
	t.Parallel()
	srv := clovatest.NewServer(t, clovatest.WithSecretKey(secretKey))
	srv.Reply("메뉴", &clova.TemplateBubble{Data: clova.TemplateData{
		Cover: &clova.TextBubble{Data: clova.TextData{Description: "무엇을 드릴까요?"}},
		ContentTable: [][]clova.TableCell{{{ColSpan: 1, RowSpan: 1, Data: &clova.ButtonBubble{Title: "피자",
			Data: clova.ButtonData{Type: "basic", Action: clova.PostbackAction("피자", "_T_피자")}}}}},
	}})
	srv.ReplyText("_T_피자", "피자를 주문했어요.")
	cb := newChatbot(t, srv)
	res, err := cb.Send(context.Background(), "u", "메뉴")
	if err != nil {
		t.Fatal(err)
	}
	contents, rep := clova.ToContent(res.Bubbles)
	if !rep.Lossless() || len(contents) != 1 {
		t.Fatalf("contents %v, report %s", contents, rep)
	}
	card := contents[0].(*message.Card)
	pb := card.Buttons[0].Action.(*message.Postback)
	res, err = cb.Send(context.Background(), "u", pb.Data)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Bubbles[0].(*clova.TextBubble).Data.Description; got != "피자를 주문했어요." {
		t.Errorf("answer = %q", got)
	}
}

func TestChatbotLogsNoSecrets(t *testing.T) {
	t.Parallel()
	srv := clovatest.NewServer(t, clovatest.WithSecretKey(secretKey))
	srv.FailNext(clovatest.Fault{Status: 500, Body: []byte(`{"error":{"errorCode":"900","message":"down"}}`)})
	var logs strings.Builder
	// A dial failure is retried even for a send (the request never left),
	// which makes the client log.
	dead, _ := clovatest.Start(clovatest.WithSecretKey(secretKey))
	deadURL := dead.URL()
	dead.Close()
	for _, u := range []string{srv.URL(), deadURL} {
		cb, err := clova.New(u, secretKey, clova.WithHTTPClient(srv.HTTPClient()), clova.WithLogger(slogTo(&logs)),
			clova.WithRetry(2, time.Millisecond, time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		_, err = cb.Send(context.Background(), "user-1", "private question")
		if err == nil {
			t.Fatal("send succeeded")
		}
		if s := err.Error(); strings.Contains(s, secretKey) || strings.Contains(s, "private question") {
			t.Errorf("error leaks: %s", s)
		}
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Errorf("no retry was logged: %q", logs.String())
	}
	sent := srv.Calls()[0].Header.Get(clova.ChatbotSignatureHeader)
	if sent == "" {
		t.Fatal("no signature was sent")
	}
	for _, secret := range []string{secretKey, "private question", sent} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

// A nil request is an error and a nil SendOption is ignored: neither
// panics.
func TestChatbotNilArguments(t *testing.T) {
	t.Parallel()
	srv := clovatest.NewServer(t)
	cb := srv.Client()
	var ae *clova.ArgumentError
	if _, err := cb.Do(t.Context(), nil); !errors.As(err, &ae) || ae.Arg != "r" {
		t.Errorf("Do(nil) = %v, want an *ArgumentError", err)
	}
	if _, err := cb.Send(t.Context(), "u1", "hi", nil); err != nil {
		t.Errorf("Send with a nil SendOption: %v", err)
	}
}

// TestToContentReviewCases covers bubbles whose parts were lost without a
// report: nested quick buttons, text-only utterances, untitled links.
func TestToContentReviewCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		json   string
		want   []message.Content
		losses []message.Loss
	}{
		{
			name: "utterance with only text is a postback of that text",
			json: `[{"type":"text","data":{"description":"d","action":{"type":"utterance","data":{"text":"hello"}}}}]`,
			want: []message.Content{&message.Card{Text: "d", Buttons: []message.Button{{Label: "hello", Action: &message.Postback{Data: "hello"}}}}},
			losses: []message.Loss{
				{Path: "[0].Data.Action", Reason: message.Downgraded, Detail: "a tap on the whole bubble became a button"},
			},
		},
		{
			name: "quick buttons of a carousel card stay on the card",
			json: `[{"type":"carousel","data":{"cards":[{"type":"template","title":"t","data":{"cover":{"type":"text","data":{"description":"c"}},"contentTable":[]},"quickButtons":[{"title":"q","data":{"action":{"type":"postback","data":{"postback":"p"}}}}]}]}}]`,
			want: []message.Content{&message.Carousel{Cards: []message.Card{{Title: "t", Text: "c", QuickReplies: []message.QuickReply{
				{Label: "q", Action: &message.Postback{Data: "p"}},
			}}}}},
		},
		{
			name: "quick buttons of a template cover join the template's",
			json: `[{"type":"template","data":{"cover":{"type":"text","data":{"description":"c"},"quickButtons":[{"title":"q","data":{"action":{"type":"postback","data":{"postback":"p"}}}}]},"contentTable":[]},"quickButtons":[{"title":"r","data":{"action":{"type":"postback","data":{"postback":"s"}}}}]}]`,
			want: []message.Content{&message.Card{Text: "c", QuickReplies: []message.QuickReply{
				{Label: "q", Action: &message.Postback{Data: "p"}},
				{Label: "r", Action: &message.Postback{Data: "s"}},
			}}},
		},
		{
			name: "untitled link button is labelled with its URL",
			json: `[{"type":"button","data":{"action":{"type":"link","data":{"url":"https://example.com/x"}}}}]`,
			want: []message.Content{&message.Card{Buttons: []message.Button{{Label: "https://example.com/x", Action: &message.URLAction{URL: "https://example.com/x"}}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var bs clova.Bubbles
			if err := json.Unmarshal([]byte(tt.json), &bs); err != nil {
				t.Fatal(err)
			}
			got, rep := clova.ToContent(bs)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ToContent (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.losses, rep.Losses); diff != "" {
				t.Errorf("losses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderBadAudioURLIsUnsupported(t *testing.T) {
	t.Parallel()
	_, _, err := clova.Render(&message.Audio{URL: "ftp://example.com/a.mp3"}, message.RenderOptions{})
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Render error = %v, want one wrapping errors.ErrUnsupported", err)
	}
}

// TestClientErrorHandler: the error handler sees each failed attempt that
// is retried, with a nil request; the last failure goes to the caller
// only, and a failure that is not retried never reaches the handler.
func TestClientErrorHandler(t *testing.T) {
	t.Parallel()
	dead, err := clovatest.Start(clovatest.WithSecretKey(secretKey))
	if err != nil {
		t.Fatal(err)
	}
	deadURL := dead.URL() + "?code=SECRET"
	dead.Close()
	live := clovatest.NewServer(t, clovatest.WithSecretKey(secretKey))
	live.FailNext(clovatest.Fault{Status: 503})
	tests := []struct {
		name     string
		url      string
		attempts int
		want     int // errors handed to the error handler
	}{
		{"dial errors retried", deadURL, 3, 2},
		{"single attempt", deadURL, 1, 0},
		{"503 not retried", live.URL(), 3, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var got []error
			cb, err := clova.New(tc.url, secretKey, clova.WithHTTPClient(live.HTTPClient()),
				clova.WithRetry(tc.attempts, time.Microsecond, time.Microsecond),
				clova.WithErrorHandler(func(r *http.Request, err error) {
					mu.Lock()
					defer mu.Unlock()
					if r != nil {
						t.Errorf("error handler got a request: %v", r.URL)
					}
					got = append(got, err)
				}))
			if err != nil {
				t.Fatal(err)
			}
			_, sendErr := cb.Send(t.Context(), "u", "private question")
			if sendErr == nil {
				t.Fatal("Send succeeded")
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != tc.want {
				t.Fatalf("error handler got %d errors, want %d: %v", len(got), tc.want, got)
			}
			for _, e := range got {
				s := e.Error()
				if !strings.HasPrefix(s, "clova: ") || strings.Contains(s, "SECRET") || strings.Contains(s, secretKey) || strings.Contains(s, "private question") {
					t.Errorf("reported error %q: want the package prefix and no secret", s)
				}
			}
		})
	}
}
