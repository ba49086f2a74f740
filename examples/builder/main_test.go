package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// The demo is the end-to-end test: two bots per platform on one server,
// each driven through signed requests over HTTP, answered by its Go
// handler or its chatbot domain, and delivered to its own fake account.
func TestDemo(t *testing.T) {
	var out bytes.Buffer
	rep := runDemo(context.Background(), &out)
	if !rep.ok() {
		t.Fatalf("demo failed:\n%s", out.String())
	}

	// Every platform served two bots, one answered by Go and one by a
	// chatbot, each through the three steps.
	type botKey struct{ Platform, BotID, Answer string }
	var got []botKey
	for _, b := range rep.Bots {
		got = append(got, botKey{b.Platform, b.BotID, b.Answer})
	}
	want := []botKey{
		{"LINE", demoLINEEcho, "echo"}, {"LINE", demoLINEChatbot, "chatbot"},
		{"Kakao", demoKakaoEcho, "echo"}, {"Kakao", demoKakaoChatbot, "chatbot"},
		{"TalkTalk", demoTalkEcho, "echo"}, {"TalkTalk", demoTalkChatbot, "chatbot"},
		{"NAVER WORKS", demoWorksEcho, "echo"}, {"NAVER WORKS", demoWorksChatbot, "chatbot"},
		{"CLOVA", demoClovaEcho, "echo"}, {"CLOVA", demoClovaChatbot, "chatbot"},
	}
	// Platforms whose answers go through an API the bot calls with its
	// own credential; the others answer in the webhook response.
	apiPlatforms := map[string]bool{"LINE": true, "TalkTalk": true, "NAVER WORKS": true}
	steps := map[string][]string{"CLOVA": {"greeting", "intent"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bots (-want +got):\n%s", diff)
	}
	for _, b := range rep.Bots {
		var labels []string
		sentWithOwn := 0
		for _, s := range b.Steps {
			labels = append(labels, s.Label)
			if !s.ok() || s.Status != http.StatusOK || len(s.In) == 0 || len(s.Said) == 0 || (len(s.Received) == 0 && s.Response == "") {
				t.Errorf("%s %s %s: %+v", b.Platform, b.BotID, s.Label, s)
			}
			// Every call the platform received carried this bot's
			// credential.
			for _, c := range s.Received {
				if c.By != b.BotID {
					t.Errorf("%s %s %s: %s went out with %q's credential", b.Platform, b.BotID, s.Label, c.What, c.By)
				}
				sentWithOwn++
			}
			// A chatbot bot's domain was asked, signed with its key.
			if b.Answer == "chatbot" && (len(s.Asked) != 1 || !strings.Contains(s.Asked[0], "signed with this bot's secret key")) {
				t.Errorf("%s %s %s: chatbot asked %q", b.Platform, b.BotID, s.Label, s.Asked)
			}
			if b.Answer != "chatbot" && len(s.Asked) > 0 {
				t.Errorf("%s %s %s: a Go-answered bot asked a chatbot: %q", b.Platform, b.BotID, s.Label, s.Asked)
			}
		}
		wantSteps, ok := steps[b.Platform]
		if !ok {
			wantSteps = []string{"greeting", "text", "button press"}
		}
		if diff := cmp.Diff(wantSteps, labels); diff != "" {
			t.Errorf("%s %s steps (-want +got):\n%s", b.Platform, b.BotID, diff)
		}
		// Each bot's API calls show its own credential at least once
		// (LINE replies; TalkTalk's second greeting message; NAVER WORKS
		// sends).
		if apiPlatforms[b.Platform] && sentWithOwn == 0 {
			t.Errorf("%s %s: the platform API was never called with the bot's credential", b.Platform, b.BotID)
		}
	}

	// One cross-signed and one unknown-bot request per platform, each
	// refused 401 with nothing reaching a bot.
	var refusals []string
	for _, f := range rep.Refusals {
		refusals = append(refusals, f.Platform+" "+strings.SplitN(f.Label, ":", 2)[0])
		if f.Status != http.StatusUnauthorized || len(f.Failures) > 0 || len(f.Errors) == 0 {
			t.Errorf("refusal %+v", f)
		}
	}
	if diff := cmp.Diff([]string{
		"LINE cross-signed", "LINE unknown bot", "Kakao cross-signed", "Kakao unknown bot",
		"TalkTalk cross-signed", "TalkTalk unknown bot", "NAVER WORKS cross-signed", "NAVER WORKS unknown bot",
		"CLOVA forged", "CLOVA unknown bot",
	}, refusals); diff != "" {
		t.Errorf("refusals (-want +got):\n%s", diff)
	}
	if strings.Contains(out.String(), "FAILED") {
		t.Errorf("transcript reports a failure:\n%s", out.String())
	}
}

// go run ./examples/builder -demo exits 0 when the demo works.
func TestRunDemoExitCode(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-demo"}, &out, &out, func(string) string { return "" }); code != 0 {
		t.Fatalf("demo exited %d:\n%s", code, out.String())
	}
}

// The demo fails, saying why, when any bot's round trip breaks.
func TestDemoFailsWhenARoundTripBreaks(t *testing.T) {
	tests := []struct {
		name     string
		platform platformFunc
		want     string // in the transcript
	}{
		{
			// Bot A's client holds bot B's token: its fake account
			// refuses it, and the transcript names whose token it was.
			name: "reply_with_the_other_bots_token",
			platform: func(w *demoWiring) (*platformDemo, error) {
				d, err := lineDemo(w)
				if err == nil {
					d.bots[0].cfg.LINE.ChannelToken = d.bots[1].out
				}
				return d, err
			},
			want: "went out with bot " + demoLINEChatbot + "'s channel token",
		},
		{
			// Bot B's client sends as bot A (one Service Account serves
			// both): the answer goes out under the wrong bot.
			name: "naverworks_sends_as_the_other_bot",
			platform: func(w *demoWiring) (*platformDemo, error) {
				d, err := naverworksDemo(w)
				if err == nil {
					d.bots[1].out = "someone-else"
				}
				return d, err
			},
			want: "went out with no bot's bot ID",
		},
		{
			name: "chatbot_down",
			platform: func(w *demoWiring) (*platformDemo, error) {
				d, err := talktalkDemo(w)
				if err == nil {
					d.bots[1].chatbot.FailNext(clovatest.Fault{Status: http.StatusServiceUnavailable, Times: 10})
				}
				return d, err
			},
			want: "chatbot API error",
		},
		{
			// Both bots share a secret: the cross-signed request is
			// accepted, which the demo must not call a success.
			name: "cross_signed_accepted",
			platform: func(w *demoWiring) (*platformDemo, error) {
				d, err := lineDemo(w)
				if err == nil {
					d.bots[1].sign = d.bots[0].sign
					d.bots[1].cfg.LINE.ChannelSecrets = []string{d.bots[0].sign}
				}
				return d, err
			},
			want: "answered HTTP 200, want 401",
		},
		{
			// The platform never gets the answer: its calls go missing.
			name: "answer_lost",
			platform: func(w *demoWiring) (*platformDemo, error) {
				d, err := lineDemo(w)
				if err == nil {
					d.calls = func() [][]platformCall { return nil }
				}
				return d, err
			},
			want: "the bot answered but LINE received nothing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			rep := runPlatforms(context.Background(), &out, []platformFunc{tt.platform})
			if rep.ok() {
				t.Fatalf("demo succeeded although a round trip broke:\n%s", out.String())
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("transcript does not say %q:\n%s", tt.want, out.String())
			}
		})
	}
}

// exampleEnv sets every variable bots.example.json refers to.
func exampleEnv(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("bots.example.json")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, m := range regexp.MustCompile(`"env:([A-Z0-9_]+)"`).FindAllStringSubmatch(string(data), -1) {
		env[m[1]] = "secret-value-of-" + strings.ToLower(m[1])
	}
	env["WORKS_PRIVATE_KEY"] = naverworkstest.PrivateKeyPEM()
	if len(env) == 0 {
		t.Fatal("bots.example.json refers to no environment variable")
	}
	return env
}

// The example configuration is valid, and holds no secret of its own:
// every credential is an env: reference.
func TestExampleConfig(t *testing.T) {
	t.Parallel()
	cfg, err := loadConfig("bots.example.json")
	if err != nil {
		t.Fatal(err)
	}
	env := exampleEnv(t)
	bots, err := cfg.resolve(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	platforms := map[string]bool{}
	for _, b := range bots {
		platforms[b.Platform] = true
		for _, s := range slices.Concat(b.lineSecrets, []string{b.lineToken, b.talkKey, b.chatbotKey}, b.talkTokens) {
			if s != "" && !strings.HasPrefix(s, "secret-value-of-") {
				t.Errorf("%s: a literal credential in the example", b.label())
			}
		}
	}
	for _, p := range platformNames {
		if !platforms[p] {
			t.Errorf("the example has no %s bot", p)
		}
	}
	if _, err := buildServer(context.Background(), cfg, bots, wiring{}); err != nil {
		t.Fatal(err)
	}
}

// A broken configuration is refused at start-up, with every problem named
// by bot and field, and never a secret's value.
func TestBrokenConfigRefused(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-never-printed"
	lineBot := func(extra string) string {
		return `{"platform":"line","id":"U0123456789abcdef0123456789abcdef",` +
			`"line":{"channelSecrets":["env:LS"],"channelToken":"env:LT"},"answer":"echo"` + extra + `}`
	}
	talkBot := func(id, tokens string) string {
		return `{"platform":"talktalk","id":"` + id + `","talktalk":{"authorizationKey":"env:TK","pathTokens":` + tokens + `},"answer":"echo"}`
	}
	env := map[string]string{"LS": secret, "LT": secret, "TK": secret, "SLASHED": "a/" + secret}
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"ends_early", `{"bots": [` + secret, []string{"configuration", "not valid JSON at line 1"}},
		{"empty", ``, []string{"the file is empty or ends early"}},
		{"syntax_error", "{\n\"bots\": [\n{\"platform\": \"line\", \"id\": '" + secret + "'}]}", []string{"not valid JSON at line 3"}},
		{"wrong_type", `{"bots":[{"platform":"line","id":1234}]}`, []string{"bots.id: wrong type (want string)"}},
		{"unknown_field", `{"bots":[{"platform":"line","ID2":"x"}]}`, []string{`unknown field "ID2"`}},
		{"no_bots", `{"bots":[]}`, []string{"bots: no bot configured"}},
		{"unknown_platform", `{"bots":[{"platform":"icq","id":"x","answer":"echo"}]}`, []string{`bots[0] (icq "x"): platform: want one of line, kakao, talktalk, naverworks, clova`}},
		{"missing_id", `{"bots":[{"platform":"line","line":{"channelSecrets":["env:LS"],"channelToken":"env:LT"},"answer":"echo"}]}`, []string{"bots[0] (line): id: missing"}},
		{"unset_env", `{"bots":[` + strings.Replace(lineBot(""), "env:LT", "env:NOT_SET", 1) + `]}`, []string{`bots[0] (line "U0123456789abcdef0123456789abcdef"): line.channelToken: environment variable NOT_SET is not set`}},
		{"missing_section", `{"bots":[{"platform":"line","id":"U1","answer":"echo"}]}`, []string{`bots[0] (line "U1"): line: missing`}},
		{"other_platforms_section", `{"bots":[` + strings.Replace(lineBot(""), `"line":`, `"talktalk":{"authorizationKey":"env:TK","pathTokens":["env:TK"]},"line":`, 1) + `]}`, []string{"talktalk: a talktalk section on a line bot"}},
		{"duplicate", `{"bots":[` + lineBot("") + `,` + lineBot("") + `]}`, []string{`bots[1] (line "U0123456789abcdef0123456789abcdef"): id: the same as bots[0]`}},
		{"no_answer", `{"bots":[` + strings.Replace(lineBot(""), `,"answer":"echo"`, "", 1) + `]}`, []string{"answer: missing"}},
		{"unknown_handler", `{"bots":[` + strings.Replace(lineBot(""), `"answer":"echo"`, `"answer":"parrot"`, 1) + `]}`, []string{`answer: no Go handler "parrot" (have "echo")`}},
		{"chatbot_without_url", `{"bots":[` + strings.Replace(lineBot(""), `"answer":"echo"`, `"answer":{"chatbot":{"secretKey":"env:LS"}}`, 1) + `]}`, []string{"answer.chatbot.invokeURL: missing"}},
		{"chatbot_bad_shape", `{"bots":[` + strings.Replace(lineBot(""), `"answer":"echo"`, `"answer":{"bot":"`+secret+`"}`, 1) + `]}`, []string{`answer: want a handler's name ("echo") or {"chatbot"`}},
		{"literal_empty_secret", `{"bots":[` + strings.Replace(lineBot(""), `"env:LS"`, `""`, 1) + `]}`, []string{"line.channelSecrets[0]: missing"}},
		{"path_token_with_slash", `{"bots":[` + talkBot("cafe", `["env:SLASHED"]`) + `]}`, []string{`bots[0] (talktalk "cafe"): talktalk.pathTokens[0]: must be one path segment`}},
		{"talktalk_id_with_slash", `{"bots":[` + talkBot("ca/fe", `["env:TK"]`) + `]}`, []string{`id: must be one path segment`}},
		{"works_unknown_account", `{"bots":[{"platform":"naverworks","id":"2000001","naverworks":{"botSecrets":["env:LS"],"serviceAccount":"app"},"answer":"echo"}]}`,
			[]string{`bots[0] (naverworks "2000001"): naverworks.serviceAccount: no "app" in naverworks.serviceAccounts`}},
		{"works_two_keys", `{"naverworks":{"serviceAccounts":{"app":{"clientID":"c","clientSecret":"env:LS","serviceAccount":"s","privateKey":"env:LS","privateKeyFile":"/k.pem"}}},` +
			`"bots":[{"platform":"naverworks","id":"2000001","naverworks":{"botSecrets":["env:LS"],"serviceAccount":"app"},"answer":"echo"}]}`,
			[]string{`naverworks.serviceAccounts["app"]: set only one of privateKey and privateKeyFile`}},
		{"works_unset_client_secret", `{"naverworks":{"serviceAccounts":{"app":{"clientID":"c","clientSecret":"env:NOPE","serviceAccount":"s","privateKey":"env:LS"}}},` +
			`"bots":[{"platform":"naverworks","id":"2000001","naverworks":{"botSecrets":["env:LS"],"serviceAccount":"app"},"answer":"echo"}]}`,
			[]string{`naverworks.serviceAccounts["app"].clientSecret: environment variable NOPE is not set`}},
		{"clova_key_url_not_https", `{"clova":{"publicKeyURL":"http://example.com/key.pem"},"bots":[{"platform":"clova","id":"com.example.x","answer":"echo"}]}`,
			[]string{"clova.publicKeyURL: want an https URL"}},
		{"kakao_without_secrets", `{"bots":[{"platform":"kakao","id":"64e9a0b1c2d3e4f5a6b7c8d9","kakao":{"headerSecrets":[]},"answer":"echo"}]}`,
			[]string{`bots[0] (kakao "64e9a0b1c2d3e4f5a6b7c8d9"): kakao.headerSecrets: missing`}},
		{"every_problem_at_once", `{"bots":[` + talkBot("cafe", `[]`) + `,` + strings.Replace(lineBot(""), "env:LS", "env:NOPE", 1) + `]}`, []string{
			`bots[0] (talktalk "cafe"): talktalk.pathTokens: missing`,
			`bots[1] (line "U0123456789abcdef0123456789abcdef"): line.channelSecrets[0]: environment variable NOPE is not set`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "bots.json")
			if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			getenv := func(k string) string {
				if k == "ADDR" {
					return "127.0.0.1:0"
				}
				return env[k]
			}
			// A cancelled context: a server that starts anyway stops at
			// once, and exits 0.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if code := run(ctx, []string{"-config", path}, &stderr, &stderr, getenv); code != 1 {
				t.Fatalf("exit code %d, want 1; output:\n%s", code, stderr.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("output does not say %q:\n%s", w, stderr.String())
				}
			}
			if strings.Contains(stderr.String(), secret) {
				t.Errorf("output shows a secret:\n%s", stderr.String())
			}
		})
	}
}

func TestNoConfiguration(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	if code := run(context.Background(), nil, &stderr, &stderr, func(string) string { return "" }); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "BUILDER_CONFIG") {
		t.Errorf("output does not name BUILDER_CONFIG: %s", stderr.String())
	}
}

// exampleServer builds the server of bots.example.json.
func exampleServer(t *testing.T) (*server, map[string]string) {
	t.Helper()
	cfg, err := loadConfig("bots.example.json")
	if err != nil {
		t.Fatal(err)
	}
	env := exampleEnv(t)
	bots, err := cfg.resolve(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	s, err := buildServer(context.Background(), cfg, bots, wiring{failed: func(_ message.Platform, _ *http.Request, err error) {}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, m := range s.mounted {
			_ = m.wait(context.Background())
		}
	})
	return s, env
}

// A request for a bot the server does not serve is answered 401 with an
// empty body, exactly as a request with a wrong signature or token is,
// so that a caller cannot probe which bots exist.
func TestServerRefusesUnknownBot(t *testing.T) {
	t.Parallel()
	s, env := exampleServer(t)
	const served = "U0123456789abcdef0123456789abcdef"
	secret := env["CAFE_LINE_CHANNEL_SECRET"]
	lineReq := func(destination, secret string) *http.Request {
		body, err := json.Marshal(&line.Callback{Destination: destination, Events: []line.Event{linetest.TextMessage(demoLINEUser, "hi")}})
		if err != nil {
			t.Fatal(err)
		}
		r := linetest.NewRequestBody(secret, body)
		r.URL.Path = "/line"
		return r
	}
	talkReq := func(target string) *http.Request {
		return talktalktest.NewEvent(t, talktalktest.Text(demoTalkUser, "hi"), talktalktest.WithTarget(target))
	}
	cafeToken := env["CAFE_TALKTALK_PATH_TOKEN"]
	kakaoReq := func(id, secret string) *http.Request {
		r, err := kakaoRequest(id, secret, kakaotest.WithUtterance("hi"))("")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	worksReq := func(id, secret string) *http.Request {
		r, err := worksRequest(id, secret, &naverworks.MessageEvent{Content: &naverworks.TextContent{Text: "hi"}})("")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name           string
		unknown, wrong *http.Request
	}{
		{"line", lineReq("U99999999999999999999999999999999", secret), lineReq(served, "not-the-secret")},
		{"talktalk", talkReq("/talktalk/nobody/" + cafeToken), talkReq("/talktalk/cafe/not-the-token")},
		{"kakao", kakaoReq("66000000000000000000dead", env["CAFE_KAKAO_SKILL_SECRET"]), kakaoReq("64e9a0b1c2d3e4f5a6b7c8d9", "not-the-secret")},
		{"naverworks", worksReq("2999999", env["CAFE_WORKS_BOT_SECRET"]), worksReq("2000001", "not-the-secret")},
	}
	type answer struct {
		Status int
		Body   string
	}
	serve := func(r *http.Request) answer {
		w := httptest.NewRecorder()
		s.mux.ServeHTTP(w, r)
		return answer{w.Code, w.Body.String()}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unknown, wrong := serve(tt.unknown), serve(tt.wrong)
			if diff := cmp.Diff(answer{Status: http.StatusUnauthorized}, unknown); diff != "" {
				t.Errorf("unknown bot (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wrong, unknown); diff != "" {
				t.Errorf("unknown bot and wrong credential answered differently (-wrong +unknown):\n%s", diff)
			}
		})
	}
}

// TestServe runs the server of bots.example.json on a real socket: it
// answers /healthz and a signed LINE webhook, then shuts down when the
// context ends.
func TestServe(t *testing.T) {
	t.Parallel()
	s, env := exampleServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, s, slog.New(slog.DiscardHandler)) }()
	base := "http://" + ln.Addr().String()

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Errorf("healthz = %d %q", resp.StatusCode, body)
	}
	// An empty batch, as LINE's console sends to check the URL: verified
	// with the bot's secret and answered 200.
	req, err := lineRequest("U0123456789abcdef0123456789abcdef", env["CAFE_LINE_CHANNEL_SECRET"])(base)
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("LINE webhook check = %d, want 200", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after shutdown: %v", err)
	}
}

// A LINE answer whose reply token has expired (a slow chatbot) is pushed
// instead, with the bot's own channel token.
func TestLINEExpiredReplyTokenIsPushed(t *testing.T) {
	t.Parallel()
	const id, secret, token = "U0123456789abcdef0123456789abcdef", "line-secret", "line-token"
	fake := linetest.NewServer(t, linetest.WithChannelToken(token))
	fake.InvalidReplyToken(1)
	cfg := &Config{Bots: []BotConfig{{Platform: "line", ID: id,
		LINE: &LINEBot{ChannelSecrets: []string{secret}, ChannelToken: token}, Answer: Answer{Go: "echo"}}}}
	bots, err := cfg.resolve(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var failures []error
	s, err := buildServer(context.Background(), cfg, bots, wiring{
		lineOpts: func(*resolved) []line.Option {
			return []line.Option{line.WithBaseURL(fake.URL()), line.WithHTTPClient(fake.HTTPClient())}
		},
		failed: func(_ message.Platform, _ *http.Request, err error) { failures = append(failures, err) },
	})
	if err != nil {
		t.Fatal(err)
	}
	req, err := lineRequest(id, secret, linetest.TextMessage(demoLINEUser, "hello"))("")
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	s.mux.ServeHTTP(w, req)
	if err := s.mounted[0].wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w.Code != http.StatusOK || len(failures) > 0 {
		t.Fatalf("webhook = %d, failures %v", w.Code, failures)
	}
	type push struct{ Auth, To, Text string }
	var got []push
	for _, c := range fake.Pushes() {
		got = append(got, push{c.Header.Get("Authorization"), strings.Join(c.To, ","), c.Messages[0]["text"].(string)})
	}
	if diff := cmp.Diff([]push{{"Bearer " + token, demoLINEUser, "You said: hello"}}, got); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}
