package emulator

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
)

// echoBot answers a text with "You said: …" and a postback with "You
// chose: …".
func echoBot() message.Handler {
	return message.NewRouter().
		On(message.KindPostback, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			_, err := r.Reply(ctx, &message.Text{Text: "You chose: " + in.Data})
			return err
		})).
		On(message.KindMessage, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			t, _ := in.Content.(*message.Text)
			if t == nil {
				t = &message.Text{Text: "?"}
			}
			_, err := r.Reply(ctx, &message.Text{Text: "You said: " + t.Text})
			return err
		}))
}

// startBot serves echoBot on all five platforms, each handler configured
// from the emulator's Settings as a bot's owner would configure it, and
// points the emulator at it.
func startBot(t testing.TB, e *Emulator) {
	t.Helper()
	s := e.Settings()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	secret := func(v string) signature.SecretSet {
		set, err := signature.NewSecretSet(v)
		must(err)
		return set
	}
	mux := http.NewServeMux()

	lc, err := line.New(s.LINEChannelToken, line.WithBaseURL(s.LINEBaseURL))
	must(err)
	lh, err := line.NewBotHandler(secret(s.LINEChannelSecret), echoBot(), line.WithClient(lc))
	must(err)
	mux.Handle("POST /line", lh)

	kh, err := kakao.NewBotHandler(echoBot(), kakao.WithHeaderSecret(s.KakaoHeader, secret(s.KakaoSkillSecret)), kakao.WithBotIDs(s.KakaoBotID))
	must(err)
	mux.Handle("POST /kakao", kh)

	tc, err := talktalk.New(s.TalkTalkAuthorizationKey, talktalk.WithBaseURL(s.TalkTalkBaseURL))
	must(err)
	allow, err := signature.NewTalkTalkAllowList(signature.WithTrustedProxies("127.0.0.1", "::1"))
	must(err)
	th, err := talktalk.NewBotHandler(echoBot(), talktalk.WithClient(tc), talktalk.WithAllowList(allow), talktalk.WithPathToken(secret("pathtoken")))
	must(err)
	mux.Handle("POST /talktalk/", th)

	ts, err := naverworks.TokenSource(context.Background(), naverworks.Credentials{
		ClientID: s.NaverWorksClientID, ClientSecret: s.NaverWorksClientSecret, ServiceAccount: s.NaverWorksServiceAccount,
		PrivateKey: s.NaverWorksPrivateKey, Scopes: []string{"bot"},
	}, naverworks.WithTokenURL(s.NaverWorksTokenURL))
	must(err)
	wc, err := naverworks.New(s.NaverWorksBotID, ts, naverworks.WithBaseURL(s.NaverWorksBaseURL))
	must(err)
	wh, err := naverworks.NewBotHandler(secret(s.NaverWorksBotSecret), echoBot(), naverworks.WithClient(wc), naverworks.WithBotID(s.NaverWorksBotID))
	must(err)
	mux.Handle("POST /works", wh)

	ch, err := clova.NewBotHandler(s.ClovaExtensionID, speech(echoBot()), clova.WithPublicKeyURL(s.ClovaPublicKeyURL, 0))
	must(err)
	mux.Handle("POST /clova", ch)

	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		for _, w := range []func(context.Context) error{lh.Wait, kh.Wait, th.Wait, wh.Wait, ch.Wait} {
			_ = w(context.Background())
		}
	})
	e.SetTargets(Targets{LINE: srv.URL + "/line", Kakao: srv.URL + "/kakao", TalkTalk: srv.URL + "/talktalk/pathtoken",
		NaverWorks: srv.URL + "/works", Clova: srv.URL + "/clova"})
}

// speech hands the bot what the user said to CEK as a text.
func speech(next message.Handler) message.Handler {
	return message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		if req, ok := in.Raw.(*clova.Request); ok {
			if ir, ok := req.Request.(*clova.IntentRequest); ok {
				if slot, ok := ir.Intent.Slots["utterance"]; ok {
					in.Kind, in.Content = message.KindMessage, &message.Text{Text: slot.Value.String()}
				}
			}
		}
		return next.Handle(ctx, in, r)
	})
}

func newEmulator(t testing.TB) (*Emulator, *httptest.Server) {
	t.Helper()
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	page := httptest.NewServer(e)
	t.Cleanup(func() {
		e.Close()
		page.Close()
	})
	return e, page
}

// stream reads the page's event stream.
type stream struct {
	sc  *bufio.Scanner
	raw bytes.Buffer
}

func openStream(t testing.TB, ctx context.Context, page *httptest.Server) *stream {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, page.URL+"/api/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := page.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events Content-Type = %q", ct)
	}
	s := &stream{}
	s.sc = bufio.NewScanner(io.TeeReader(resp.Body, &s.raw))
	s.sc.Buffer(nil, 8<<20)
	return s
}

// next returns the next event that match accepts; the test's context
// bounds the wait.
func (s *stream) next(t testing.TB, match func(event) bool) event {
	t.Helper()
	for s.sc.Scan() {
		line := s.sc.Text()
		if !strings.HasPrefix(line, "data: ") {
			continue
		}
		var ev event
		if err := json.Unmarshal([]byte(line[len("data: "):]), &ev); err != nil {
			t.Fatalf("event is not JSON: %v", err)
		}
		if match(ev) {
			return ev
		}
	}
	t.Fatalf("event stream ended: %v", s.sc.Err())
	return event{}
}

func post(t testing.TB, page *httptest.Server, a action) (int, []byte) {
	t.Helper()
	b, _ := json.Marshal(a)
	resp, err := page.Client().Post(page.URL+"/api/send", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// answerText pulls the text out of each platform's answer body.
func answerText(t testing.TB, platform string, body any) string {
	t.Helper()
	b, _ := json.Marshal(body)
	var v struct {
		Messages []struct{ Text string } `json:"messages"`
		Template struct {
			Outputs []struct {
				SimpleText struct{ Text string } `json:"simpleText"`
			} `json:"outputs"`
		} `json:"template"`
		TextContent struct{ Text string } `json:"textContent"`
		Content     struct{ Text string } `json:"content"`
		Response    struct {
			OutputSpeech struct {
				Values json.RawMessage `json:"values"`
			} `json:"outputSpeech"`
		} `json:"response"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	switch platform {
	case LINE:
		if len(v.Messages) > 0 {
			return v.Messages[0].Text
		}
	case Kakao:
		if len(v.Template.Outputs) > 0 {
			return v.Template.Outputs[0].SimpleText.Text
		}
	case TalkTalk:
		return v.TextContent.Text
	case NaverWorks:
		return v.Content.Text
	case Clova:
		var one struct{ Value string }
		if json.Unmarshal(v.Response.OutputSpeech.Values, &one) == nil {
			return one.Value
		}
	}
	return ""
}

// TestRoundTrip sends a text and a button press on every platform to real
// channelkit handlers configured from Settings: the handlers accept the
// emulator's signatures and secrets, their answers reach the page (through
// the webhook response or the fronts), and the validators find nothing to
// refuse.
func TestRoundTrip(t *testing.T) {
	e, page := newEmulator(t)
	startBot(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := openStream(t, ctx, page)

	tests := []struct {
		platform string
		send     action
		want     string
	}{
		{LINE, action{Kind: "text", Text: "hello"}, "You said: hello"},
		{LINE, action{Kind: "postback", Data: "order=latte", Shown: "One latte"}, "You chose: order=latte"},
		{Kakao, action{Kind: "text", Text: "hello"}, "You said: hello"},
		{Kakao, action{Kind: "postback", Text: "One latte", Extra: map[string]any{kakao.PostbackKey: "order=latte"}}, "You chose: order=latte"},
		{TalkTalk, action{Kind: "text", Text: "hello"}, "You said: hello"},
		{TalkTalk, action{Kind: "postback", Text: "Order", Data: "order=latte"}, "You chose: order=latte"},
		{NaverWorks, action{Kind: "text", Text: "hello"}, "You said: hello"},
		{NaverWorks, action{Kind: "postback", Data: "order=latte"}, "You chose: order=latte"},
		{Clova, action{Kind: "text", Text: "hello"}, "You said: hello"},
	}
	for _, tt := range tests {
		t.Run(tt.platform+"/"+tt.send.Kind, func(t *testing.T) {
			tt.send.Platform = tt.platform
			status, body := post(t, page, tt.send)
			if status != http.StatusOK {
				t.Fatalf("send: HTTP %d: %s", status, body)
			}
			var res sendResult
			if err := json.Unmarshal(body, &res); err != nil {
				t.Fatal(err)
			}
			if res.Status != http.StatusOK {
				t.Fatalf("the bot answered the webhook with HTTP %d", res.Status)
			}
			user := s.next(t, func(ev event) bool { return ev.Kind == kindUser && ev.Platform == tt.platform })
			if user.Seq != res.Turn {
				t.Errorf("user event seq %d, turn %d", user.Seq, res.Turn)
			}
			ans := s.next(t, func(ev event) bool {
				return (ev.Kind == kindAnswer || ev.Kind == kindError) && ev.Platform == tt.platform
			})
			if ans.Kind == kindError {
				t.Fatalf("error: %s", ans.Error)
			}
			if diff := cmp.Diff(tt.want, answerText(t, tt.platform, ans.Body)); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
			if len(ans.Problems) > 0 {
				t.Errorf("problems in a valid answer: %q", ans.Problems)
			}
		})
	}

	// The event stream shows what travelled, never the secrets the bot
	// checks it with (the page's settings panel shows those).
	set := e.Settings()
	for _, secret := range []string{set.LINEChannelSecret, set.KakaoSkillSecret, set.NaverWorksBotSecret, "pathtoken"} {
		if strings.Contains(s.raw.String(), secret) {
			t.Errorf("the event stream shows a secret (%.6s…)", secret)
		}
	}
}

// TestProblems feeds each platform's validator an over-limit answer: the
// page lists the problem by JSON path, and never quotes the content.
func TestProblems(t *testing.T) {
	long := strings.Repeat("가", 10_001) + "MARKER"
	enc := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name, platform string
		body           []byte
		want           *regexp.Regexp
	}{
		{"line text", LINE, enc(map[string]any{"replyToken": "x", "messages": []any{map[string]any{"type": "text", "text": long}}}), regexp.MustCompile(`messages\[0\]\.text`)},
		{"line no messages", LINE, []byte(`{"replyToken":"x","messages":[]}`), regexp.MustCompile(`messages`)},
		{"kakao simpleText", Kakao, enc(map[string]any{"version": "2.0", "template": map[string]any{"outputs": []any{map[string]any{"simpleText": map[string]any{"text": long}}}}}), regexp.MustCompile(`template\.outputs\[0\]\.simpleText\.text`)},
		{"talktalk text", TalkTalk, enc(map[string]any{"event": "send", "textContent": map[string]any{"text": long}}), regexp.MustCompile(`textContent\.text`)},
		{"naverworks text", NaverWorks, enc(map[string]any{"content": map[string]any{"type": "text", "text": long}}), regexp.MustCompile(`content\.text`)},
		{"clova speech", Clova, enc(map[string]any{"version": "1.0", "response": map[string]any{"outputSpeech": map[string]any{"type": "SimpleSpeech", "values": map[string]any{"type": "PlainText", "lang": "ko", "value": long}}}}), regexp.MustCompile(`response\.outputSpeech`)},
		{"not JSON", Kakao, []byte(`{"version":`), regexp.MustCompile(`.`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(tt.platform, tt.body)
			if len(got) == 0 {
				t.Fatal("no problem found")
			}
			if !tt.want.MatchString(strings.Join(got, "\n")) {
				t.Errorf("problems %q do not match %v", got, tt.want)
			}
			for _, p := range got {
				if strings.Contains(p, "MARKER") || strings.Contains(p, "가가가") {
					t.Errorf("a problem quotes the content: %.80q", p)
				}
			}
		})
	}
}

// TestRefusedCall: an answer the bot sends past its package's checks (raw
// JSON to the LINE front) is shown with the validators' problems and the
// fake's refusal.
func TestRefusedCall(t *testing.T) {
	e, page := newEmulator(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := openStream(t, ctx, page)

	body := `{"replyToken":"linetest-reply-token-1","messages":[{"type":"text","text":"` + strings.Repeat("a", 5001) + `"}]}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.Settings().LINEBaseURL+"/v2/bot/message/reply", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.Settings().LINEChannelToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("the fake answered HTTP %d, want 400", resp.StatusCode)
	}
	ev := s.next(t, func(ev event) bool { return ev.Kind == kindAnswer })
	want := []string{"line: messages[0].text: 5001 characters exceed 5000"}
	if diff := cmp.Diff(want, ev.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if ev.Status != http.StatusBadRequest || ev.Refused == "" {
		t.Errorf("status %d, refused %q: want the fake's 400 and its answer", ev.Status, ev.Refused)
	}
}

// TestSendErrors: what the page cannot send is a clear error, not a
// webhook.
func TestSendErrors(t *testing.T) {
	e, page := newEmulator(t)
	e.SetTargets(Targets{Kakao: "http://127.0.0.1:1/kakao"})
	tests := []struct {
		name string
		send action
		want string
	}{
		{"no target", action{Platform: LINE, Kind: "text", Text: "hi"}, errNotConnected.Error()},
		{"no such event", action{Platform: Kakao, Kind: "sticker"}, `Kakao sends no "sticker" event`},
		{"no such platform", action{Platform: "telegram", Kind: "text"}, `unknown platform "telegram"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, page, tt.send)
			if status != http.StatusUnprocessableEntity {
				t.Errorf("HTTP %d, want 422", status)
			}
			var v struct{ Error string }
			_ = json.Unmarshal(body, &v)
			if diff := cmp.Diff(tt.want, v.Error); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPageOffline: the page is served with a policy that loads nothing
// from elsewhere, and none of its files names another origin.
func TestPageOffline(t *testing.T) {
	_, page := newEmulator(t)
	resp, err := page.Client().Get(page.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(`)
	err = fs.WalkDir(webFS, "web", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := webFS.ReadFile(path)
		if err != nil {
			return err
		}
		if m := external.Find(b); m != nil {
			t.Errorf("%s refers elsewhere: %q", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestClassify: each API call shows as what it is, and Kakao's callback
// path never shows its single-use token.
func TestClassify(t *testing.T) {
	tests := []struct {
		name, platform, method, path, body string
		want                               classified
	}{
		{"line reply", LINE, "POST", "/v2/bot/message/reply", "", classified{kind: kindAnswer, label: "reply", shown: "/v2/bot/message/reply", answer: LINE}},
		{"line push", LINE, "POST", "/v2/bot/message/push", "", classified{kind: kindAnswer, label: "push", shown: "/v2/bot/message/push", answer: LINE}},
		{"line typing", LINE, "POST", "/v2/bot/chat/loading/start", "", classified{kind: kindCall, label: "typing…", shown: "/v2/bot/chat/loading/start", showBody: true}},
		{"line hand-over", LINE, "POST", "/v2/bot/chat/U1/control/pass", "", classified{kind: kindCall, label: "hand-over (pass)", shown: "/v2/bot/chat/U1/control/pass", showBody: true}},
		{"kakao callback", Kakao, "POST", "/v1/callback/0123abcd", "", classified{kind: kindAnswer, label: "callback", shown: "/v1/callback/…", answer: Kakao}},
		{"talktalk send", TalkTalk, "POST", "/chatbot/v1/event", `{"event":"send","user":"u"}`, classified{kind: kindAnswer, label: "send API", shown: "/chatbot/v1/event", answer: TalkTalk}},
		{"talktalk typing", TalkTalk, "POST", "/chatbot/v1/event", `{"event":"action","options":{"action":"typingOn"}}`, classified{kind: kindCall, label: "action typingOn", shown: "/chatbot/v1/event", answer: TalkTalk, showBody: true}},
		{"talktalk hand-over", TalkTalk, "POST", "/chatbot/v1/event", `{"event":"handover"}`, classified{kind: kindCall, label: "hand-over", shown: "/chatbot/v1/event", answer: TalkTalk, showBody: true}},
		{"works send", NaverWorks, "POST", "/v1.0/bots/1/users/u/messages", "", classified{kind: kindAnswer, label: "send", shown: "/v1.0/bots/1/users/u/messages", answer: NaverWorks}},
		{"works token", NaverWorks, "POST", "/oauth2/v2.0/token", "", classified{kind: kindCall, label: "access token", shown: "/oauth2/v2.0/token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classify(tt.platform, tt.method, tt.path)
			if tt.platform == TalkTalk && got.kind == kindAnswer {
				got = classifyTalkTalk([]byte(tt.body), got)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(classified{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestSlowPage: a page that falls behind loses its stream, never an
// event: reconnecting with Last-Event-ID replays what it missed.
func TestSlowPage(t *testing.T) {
	h := newHub()
	defer h.close()
	srv := httptest.NewServer(http.HandlerFunc(h.serve))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	// The page reads nothing while far more events than its buffer are
	// published: the hub ends its stream.
	for i := range 2000 {
		h.publish(event{Kind: kindCall, Platform: LINE, Label: strings.Repeat("x", i%7)})
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatalf("the stream did not end cleanly: %v", err)
	}
	resp.Body.Close()
	// Reconnecting after event 1600 replays 1601 to 2000 from the backlog.
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	req.Header.Set("Last-Event-ID", "1600")
	resp, err = srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	s := &stream{sc: bufio.NewScanner(resp.Body)}
	for want := int64(1601); want <= 2000; want++ {
		if ev := s.next(t, func(event) bool { return true }); ev.Seq != want {
			t.Fatalf("replayed event %d, want %d", ev.Seq, want)
		}
	}
}
