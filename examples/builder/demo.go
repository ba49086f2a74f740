package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/talktalk"
)

// The demo runs the builder as the server runs it (the same Config,
// checked by the same code, the same buildServer, one mux), with every
// client pointed at an in-process fake: one fake platform account per bot
// (each accepting only that bot's credential) and one fake CLOVA Chatbot
// domain per chatbot-answered bot (each accepting only that bot's secret
// key). It drives every bot through signed requests over real HTTP and
// checks that each was answered as itself, through its own credentials.

// demoReport is what the demo found: per bot the steps it ran, and the
// requests that had to be refused.
type demoReport struct {
	Setup    string // why the demo could not start, if it could not
	Bots     []botRun
	Refusals []refusalRun
}

// botRun is one bot's round trips.
type botRun struct {
	Platform string // "LINE"
	BotID    string
	Answer   string // "echo" or "chatbot"
	Steps    []stepRun
}

// stepRun is one user action sent to a bot and what came of it.
type stepRun struct {
	Label  string
	Status int      // the webhook's HTTP status
	In     []string // what the bot's handler received
	Said   []string // what the bot answered
	// Received are the calls the platform's fakes received, each with the
	// bot whose credential it carried; Response is the webhook response
	// body, for platforms that answer in it.
	Received []platformCall
	Response string
	// Asked are the calls the chatbot-answered bot's domain received.
	Asked    []string
	Losses   []string
	Failures []string
}

// ok reports whether the round trip worked.
func (s stepRun) ok() bool { return len(s.Failures) == 0 }

// refusalRun is a request that must be refused.
type refusalRun struct {
	Platform string
	Label    string
	Status   int
	Want     int
	Errors   []string // what the error handler was told
	Failures []string
}

// platformCall is a call a fake platform received from the server.
type platformCall struct {
	What string // "POST /v2/bot/message/reply"
	// By is the bot whose credential the call carried ("" for none of
	// the demo's bots); cred is the credential itself, never printed.
	By   string
	Body string
	cred string
}

// ok reports whether every bot's every round trip worked and every
// refusal was refused.
func (r demoReport) ok() bool {
	if r.Setup != "" || len(r.Bots) == 0 {
		return false
	}
	for _, b := range r.Bots {
		if len(b.Steps) == 0 {
			return false
		}
		for _, s := range b.Steps {
			if !s.ok() {
				return false
			}
		}
	}
	for _, f := range r.Refusals {
		if len(f.Failures) > 0 {
			return false
		}
	}
	return true
}

// demoBot is one bot of the demo: its configuration, its fakes and how
// its requests are signed.
type demoBot struct {
	cfg     BotConfig
	chatbot *clovatest.Server // nil for a Go-answered bot
	// sign is the inbound credential (a LINE channel secret, a TalkTalk
	// path token), out the outbound one (a LINE channel token, a TalkTalk
	// authorization key).
	sign, out string
}

func (b *demoBot) answer() string {
	if b.chatbot != nil {
		return "chatbot"
	}
	return b.cfg.Answer.Go
}

// platformDemo is one platform of the demo.
type platformDemo struct {
	name string // "LINE", as mounted
	// credName names the outbound credential ("channel token").
	credName string
	bots     []*demoBot
	// calls returns every call the platform's fakes received so far, a
	// list per fake.
	calls func() [][]platformCall
	// steps are the user actions sent to bot b, in order.
	steps func(b *demoBot) []demoStep
	// refusals are the requests the handler must refuse.
	refusals func() []demoRefusal
	close    func()
}

// demoStep is one signed webhook request, built against the server's base
// URL.
type demoStep struct {
	label   string
	request func(base string) (*http.Request, error)
}

type demoRefusal struct {
	demoStep
	want int
}

// demoWiring collects what each platform's demo points the clients at.
type demoWiring struct {
	line       map[string][]line.Option
	talktalk   map[string][]talktalk.Option
	works      map[string][]naverworks.Option
	worksToken map[string][]naverworks.TokenOption // by Service Account name
	clova      []clova.HandlerOption
	chatbot    map[string][]clova.Option // by platform+"\x00"+ID
	settings   Config                    // the shared sections
}

type platformFunc func(w *demoWiring) (*platformDemo, error)

// demoPlatforms lists the platforms the demo runs, in order.
func demoPlatforms() []platformFunc {
	return []platformFunc{lineDemo, kakaoDemo, talktalkDemo, naverworksDemo, clovaDemo}
}

// demoSecret returns a fresh random secret: the demo configures every
// credential with values of its own.
func demoSecret() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// newChatbot starts a fake CLOVA Chatbot domain with its own secret key
// and scripted answers, for bot id on platform.
func newChatbot(w *demoWiring, platform, id string) (*clovatest.Server, string, error) {
	key, err := demoSecret()
	if err != nil {
		return nil, "", err
	}
	fake, err := clovatest.Start(clovatest.WithSecretKey(key))
	if err != nil {
		return nil, "", err
	}
	fake.Welcome(
		&clova.TextBubble{Data: clova.TextData{Description: "안녕하세요! 챗봇 " + id + "이에요."}},
		&clova.TextBubble{Data: clova.TextData{Description: "무엇이든 물어보세요."}},
	)
	fake.ReplyText("hello", "반가워요! (chatbot "+id+")")
	fake.ReplyText("시작하기", "안녕하세요! 챗봇 "+id+"이에요.")
	fake.ReplyText("order=latte", "카페라떼 한 잔 주문했어요.")
	w.chatbot[platform+"\x00"+id] = []clova.Option{clova.WithHTTPClient(fake.HTTPClient())}
	return fake, key, nil
}

// runDemo runs every platform's demo, prints the transcript to out and
// returns what it found.
func runDemo(ctx context.Context, out io.Writer) demoReport {
	rep := runPlatforms(ctx, out, demoPlatforms())
	if rep.ok() {
		fmt.Fprintln(out, "\nevery bot's round trip worked, and every request that had to be refused was")
	} else {
		fmt.Fprintln(out, "\nFAILED: some round trips broke (see FAILED above)")
	}
	return rep
}

func runPlatforms(ctx context.Context, out io.Writer, platforms []platformFunc) demoReport {
	var rep demoReport
	w := &demoWiring{
		line: map[string][]line.Option{}, talktalk: map[string][]talktalk.Option{},
		works: map[string][]naverworks.Option{}, worksToken: map[string][]naverworks.TokenOption{},
		chatbot: map[string][]clova.Option{},
	}
	var demos []*platformDemo
	defer func() {
		for _, d := range demos {
			d.close()
		}
	}()
	cfg := &w.settings
	for _, p := range platforms {
		d, err := p(w)
		if err != nil {
			rep.Setup = "setting up the fakes: " + err.Error()
			fmt.Fprintln(out, "FAILED:", rep.Setup)
			return rep
		}
		demos = append(demos, d)
		for _, b := range d.bots {
			cfg.Bots = append(cfg.Bots, b.cfg)
		}
	}
	// The demo's configuration goes through the server's own checks.
	bots, err := cfg.resolve(func(string) string { return "" })
	if err != nil {
		rep.Setup = err.Error()
		fmt.Fprintln(out, "FAILED:", rep.Setup)
		return rep
	}
	obs := &transcript{}
	s, err := buildServer(ctx, cfg, bots, wiring{
		lineOpts:       func(b *resolved) []line.Option { return w.line[b.ID] },
		talktalkOpts:   func(b *resolved) []talktalk.Option { return w.talktalk[b.ID] },
		worksOpts:      func(b *resolved) []naverworks.Option { return w.works[b.ID] },
		worksTokenOpts: func(account string) []naverworks.TokenOption { return w.worksToken[account] },
		clovaOpts:      w.clova,
		chatbotOpts:    func(b *resolved) []clova.Option { return w.chatbot[b.Platform+"\x00"+b.ID] },
		mw:             obs.middleware(),
		failed:         obs.failed,
	})
	if err != nil {
		rep.Setup = err.Error()
		fmt.Fprintln(out, "FAILED:", rep.Setup)
		return rep
	}
	srv := httptest.NewServer(s.mux)
	defer srv.Close()
	// Every platform's requests come from loopback here; the fakes stand
	// behind it.
	var chatbots []*demoBot
	for _, d := range demos {
		for _, b := range d.bots {
			if b.chatbot != nil {
				chatbots = append(chatbots, b)
			}
		}
	}
	r := &demoRun{ctx: ctx, out: out, srv: srv, obs: obs, s: s, chatbots: chatbots}
	for _, d := range demos {
		fmt.Fprintf(out, "\n━━ %s %s\n", d.name, strings.Repeat("━", 60-utf8.RuneCountInString(d.name)))
		for _, b := range d.bots {
			run := botRun{Platform: d.name, BotID: b.cfg.ID, Answer: b.answer()}
			fmt.Fprintf(out, "── bot %s (%s)\n", b.cfg.ID, describeAnswer(b))
			for _, st := range d.steps(b) {
				run.Steps = append(run.Steps, r.step(d, b, st))
			}
			rep.Bots = append(rep.Bots, run)
		}
		fmt.Fprintln(out, "── requests that must be refused")
		for _, f := range d.refusals() {
			rep.Refusals = append(rep.Refusals, r.refusal(d, f))
		}
	}
	return rep
}

func describeAnswer(b *demoBot) string {
	if b.chatbot != nil {
		return "answered by a CLOVA Chatbot domain"
	}
	return "answered by the Go handler " + fmt.Sprintf("%q", b.cfg.Answer.Go)
}

// demoRun is the state of one demo run.
type demoRun struct {
	ctx      context.Context
	out      io.Writer
	srv      *httptest.Server
	obs      *transcript
	s        *server
	chatbots []*demoBot
}

// send sends one request and waits until the platform's handler has
// finished its background work.
func (r *demoRun) send(d *platformDemo, st demoStep) (int, []byte, error) {
	req, err := st.request(r.srv.URL)
	if err != nil {
		return 0, nil, fmt.Errorf("building the request: %w", err)
	}
	resp, err := r.srv.Client().Do(req.WithContext(r.ctx))
	if err != nil {
		return 0, nil, fmt.Errorf("webhook call: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, nil, fmt.Errorf("reading the webhook response: %w", err)
	}
	for _, m := range r.s.mounted {
		if m.name != d.name {
			continue
		}
		wctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
		err = m.wait(wctx)
		cancel()
		if err != nil {
			return resp.StatusCode, body, fmt.Errorf("waiting for the handler's background work: %w", err)
		}
	}
	return resp.StatusCode, body, nil
}

// chatbotCalls counts the calls every chatbot domain has received.
func (r *demoRun) chatbotCalls() []int {
	n := make([]int, len(r.chatbots))
	for i, b := range r.chatbots {
		n[i] = len(b.chatbot.Calls())
	}
	return n
}

// step sends one user action to bot b and checks the round trip.
func (r *demoRun) step(d *platformDemo, b *demoBot, st demoStep) stepRun {
	res := stepRun{Label: st.label}
	fail := func(format string, a ...any) { res.Failures = append(res.Failures, fmt.Sprintf(format, a...)) }
	before, asked := d.calls(), r.chatbotCalls()
	status, body, err := r.send(d, st)
	res.Status = status
	if err != nil {
		fail("%v", err)
	}
	turns, failures := r.obs.drain()
	for _, err := range failures {
		fail("the %s handler: %v", d.name, err)
	}
	if status != http.StatusOK && err == nil {
		fail("webhook answered HTTP %d", status)
	}

	answered := false
	for _, tu := range turns {
		res.In = append(res.In, describeIncoming(tu.in))
		if tu.in.BotID != b.cfg.ID {
			fail("the handler got an event for bot %q", tu.in.BotID)
		}
		for _, rp := range tu.replies {
			for _, c := range rp.contents {
				res.Said = append(res.Said, describe(c))
			}
			for _, l := range rp.report.Losses {
				res.Losses = append(res.Losses, fmt.Sprintf("%s: %s", tu.in.Platform, l))
			}
			if rp.err != nil {
				fail("reply: %v", rp.err)
			}
			answered = answered || (len(rp.contents) > 0 && rp.err == nil)
		}
		if tu.err != nil {
			fail("the bot: %v", tu.err)
		}
	}
	if len(turns) == 0 {
		fail("the bot's handler received nothing")
	} else if !answered {
		fail("the bot did not answer")
	}

	// The chatbot: only this bot's domain may have been asked, and it
	// must have been, signed with this bot's key.
	after := r.chatbotCalls()
	for i, cb := range r.chatbots {
		calls := cb.chatbot.Calls()[asked[i]:after[i]]
		if cb != b {
			if len(calls) > 0 {
				fail("the chatbot of bot %s was asked %d times", cb.cfg.ID, len(calls))
			}
			continue
		}
		for _, c := range calls {
			q := string(c.Request.Event)
			if len(c.Request.Bubbles) > 0 {
				q += fmt.Sprintf(" %q", c.Request.Bubbles[0].Data.Description)
			}
			if !c.SignatureValid {
				fail("the chatbot was asked without this bot's secret key")
				q += " (signature INVALID)"
			} else {
				q += " (signed with this bot's secret key)"
			}
			res.Asked = append(res.Asked, q)
		}
	}
	if b.chatbot != nil && len(res.Asked) == 0 {
		fail("the bot's chatbot domain was never asked")
	}

	// What the platform received: the webhook response, and the calls of
	// its API, each with the credential of the bot it was sent for.
	delivered := false
	if len(bytes.TrimSpace(body)) > 0 && status == http.StatusOK {
		res.Response = string(bytes.TrimSpace(body))
		delivered = true
	}
	for _, c := range since(before, d.calls()) {
		res.Received = append(res.Received, c)
		delivered = true
		if c.By != b.cfg.ID {
			who := "no bot's"
			if c.By != "" {
				who = "bot " + c.By + "'s"
			}
			fail("%s %s went out with %s %s", d.name, c.What, who, d.credName)
		}
	}
	if answered && !delivered {
		fail("the bot answered but %s received nothing", d.name)
	}
	r.print(d, res)
	return res
}

func (r *demoRun) print(d *platformDemo, res stepRun) {
	w := r.out
	if len(res.In) == 0 {
		fmt.Fprintf(w, "» %s\n", res.Label)
	}
	for _, in := range res.In {
		fmt.Fprintf(w, "» %s: %s\n", res.Label, in)
	}
	for _, q := range res.Asked {
		fmt.Fprintf(w, "  chatbot asked: %s\n", q)
	}
	for _, s := range res.Said {
		fmt.Fprintf(w, "  bot: %s\n", s)
	}
	if res.Response != "" {
		fmt.Fprintf(w, "  %s got the answer in the webhook response:\n    %s\n", d.name, res.Response)
	}
	for _, c := range res.Received {
		who := "no bot's " + d.credName
		if c.By != "" {
			who = c.By + "'s " + d.credName
		}
		fmt.Fprintf(w, "  %s received %s, with %s\n    %s\n", d.name, c.What, who, c.Body)
	}
	for _, l := range res.Losses {
		fmt.Fprintf(w, "  loss: %s\n", l)
	}
	for _, f := range res.Failures {
		fmt.Fprintf(w, "  FAILED: %s\n", f)
	}
}

// refusal sends a request the handler must refuse, and checks that it
// was refused with the status wanted, with an empty body, that no bot
// saw it and that the platform received nothing.
func (r *demoRun) refusal(d *platformDemo, f demoRefusal) refusalRun {
	res := refusalRun{Platform: d.name, Label: f.label, Want: f.want}
	fail := func(format string, a ...any) { res.Failures = append(res.Failures, fmt.Sprintf(format, a...)) }
	before, asked := d.calls(), r.chatbotCalls()
	status, body, err := r.send(d, f.demoStep)
	res.Status = status
	if err != nil {
		fail("%v", err)
	}
	turns, failures := r.obs.drain()
	for _, e := range failures {
		res.Errors = append(res.Errors, e.Error())
	}
	switch {
	case status != f.want:
		fail("answered HTTP %d, want %d", status, f.want)
	case len(bytes.TrimSpace(body)) > 0:
		fail("the refusal has a body")
	}
	if len(turns) > 0 {
		fail("a bot handled it")
	}
	if n := len(since(before, d.calls())); n > 0 {
		fail("%s received %d calls", d.name, n)
	}
	for i, n := range r.chatbotCalls() {
		if n != asked[i] {
			fail("a chatbot was asked")
		}
	}
	mark := "refused"
	if len(res.Failures) > 0 {
		mark = "NOT refused as it should be"
	}
	fmt.Fprintf(r.out, "» %s: HTTP %d, %s\n", f.label, status, mark)
	for _, e := range res.Errors {
		fmt.Fprintf(r.out, "  error handler: %s\n", e)
	}
	for _, m := range res.Failures {
		fmt.Fprintf(r.out, "  FAILED: %s\n", m)
	}
	return res
}

// transcript is the demo's [message.Observer]: it sees every event a bot
// handles and every Reply (with its report and error), and through
// contents what each Reply said; it also keeps the handlers' failures.
// drain hands over the current step's.
type transcript struct {
	mu       sync.Mutex
	turns    []*turn
	failures []error
}

// turn is one event a bot handled.
type turn struct {
	in      message.Incoming
	replies []replied
	err     error
}

type replied struct {
	contents []message.Content
	report   message.Report
	err      error
}

type turnKey struct{}

func (t *transcript) middleware() []message.Middleware {
	return []message.Middleware{message.Observe(t), t.contents}
}

// EventStart implements [message.Observer].
func (t *transcript) EventStart(ctx context.Context, in *message.Incoming) context.Context {
	tu := &turn{in: *in}
	t.mu.Lock()
	t.turns = append(t.turns, tu)
	t.mu.Unlock()
	return context.WithValue(ctx, turnKey{}, tu)
}

// EventEnd implements [message.Observer].
func (t *transcript) EventEnd(ctx context.Context, _ *message.Incoming, err error, _ time.Duration) {
	if tu, ok := ctx.Value(turnKey{}).(*turn); ok {
		t.mu.Lock()
		tu.err = err
		t.mu.Unlock()
	}
}

// Sent implements [message.Observer]: it completes the Reply that
// contents recorded.
func (t *transcript) Sent(ctx context.Context, s message.Sent) {
	tu, ok := ctx.Value(turnKey{}).(*turn)
	if !ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := len(tu.replies); n > 0 {
		tu.replies[n-1].report, tu.replies[n-1].err = s.Report, s.Err
	}
}

// contents is middleware that records what each Reply said.
func (t *transcript) contents(next message.Handler) message.Handler {
	return message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		return next.Handle(ctx, in, recording{r, t})
	})
}

type recording struct {
	message.Responder
	t *transcript
}

func (r recording) Reply(ctx context.Context, contents ...message.Content) (message.Report, error) {
	if tu, ok := ctx.Value(turnKey{}).(*turn); ok {
		r.t.mu.Lock()
		tu.replies = append(tu.replies, replied{contents: contents})
		r.t.mu.Unlock()
	}
	return r.Responder.Reply(ctx, contents...)
}

// failed is the handlers' error handler.
func (t *transcript) failed(_ message.Platform, _ *http.Request, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failures = append(t.failures, err)
}

func (t *transcript) drain() ([]*turn, []error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	turns, failures := t.turns, t.failures
	t.turns, t.failures = nil, nil
	return turns, failures
}

func describeIncoming(in message.Incoming) string {
	switch in.Kind {
	case message.KindMessage:
		if t, ok := in.Content.(*message.Text); ok {
			return fmt.Sprintf("text %q from %s", clipText(t.Text, 40), in.UserID)
		}
		return fmt.Sprintf("%s from %s", in.Content.Type(), in.UserID)
	case message.KindPostback:
		return fmt.Sprintf("postback %q from %s", in.Data, in.UserID)
	}
	return fmt.Sprintf("%s from %s", in.Kind, in.UserID)
}

// describe summarises an answer in one line.
func describe(c message.Content) string {
	var s string
	switch c := c.(type) {
	case *message.Text:
		s = fmt.Sprintf("text %q", clipText(c.Text, 60))
	case *message.Image:
		s = "image " + c.URL
	case *message.Card:
		s = fmt.Sprintf("card %q with %d buttons", c.Title, len(c.Buttons))
	case *message.Carousel:
		s = fmt.Sprintf("carousel of %d cards", len(c.Cards))
	default:
		s = string(c.Type())
	}
	if n := len(c.Replies()); n > 0 {
		s += fmt.Sprintf(", %d quick replies", n)
	}
	return s
}

func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// compact prints a JSON body on one line.
func compact(b []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return string(b)
	}
	return buf.String()
}

// owner returns the ID of the bot whose outbound credential cred is.
func owner(bots []*demoBot, cred string) string {
	for _, b := range bots {
		if b.out == cred {
			return b.cfg.ID
		}
	}
	return ""
}

// since returns the calls in after that are not in before (per fake).
func since(before, after [][]platformCall) []platformCall {
	var out []platformCall
	for i, cs := range after {
		n := 0
		if i < len(before) {
			n = len(before[i])
		}
		out = append(out, cs[n:]...)
	}
	return out
}
