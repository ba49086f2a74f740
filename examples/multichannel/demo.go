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

	"github.com/channelkit/channelkit/message"
)

// A rig is one platform set up for the demo: its fake platform running
// in-process, the real webhook handler under test, and the conversation to
// send it.
type rig struct {
	name string
	// pattern is where the handler is served (after "POST "), target the
	// path the platform's requests go to: they differ for TalkTalk, whose
	// path ends in the secret token.
	pattern string
	target  string
	handler http.Handler
	steps   []step
	// received returns every call the fake platform has received so far;
	// nil for platforms that are only answered in the webhook response.
	received func() []call
	// wait blocks until background work started by the handler is done.
	wait  func(context.Context) error
	close func()
}

// A step is one user action: a label for the transcript and the signed
// webhook request the platform would send for it.
type step struct {
	label   string
	request func(url string) (*http.Request, error)
}

// call is a request a fake platform received from the bot.
type call struct {
	what string // "POST /v2/bot/message/reply"
	body []byte
}

// transcript is the demo's [message.Observer]: through message.Observe it
// sees every event the bot handles and every Reply (with its report and
// error), and through [transcript.contents] what each Reply said. It also
// keeps the handlers' failures. drain hands over the current step's.
type transcript struct {
	mu       sync.Mutex
	turns    []*turn
	failures []error
}

// turn is one event the bot handled.
type turn struct {
	in      message.Incoming
	replies []replied
	err     error // the bot's error
}

// replied is one Reply call.
type replied struct {
	contents []message.Content
	report   message.Report
	err      error
}

type turnKey struct{}

// middleware is what the demo wraps the bot in.
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

// contents is middleware that records what each Reply said: the one
// thing message.Sent does not carry.
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

// demoBot is what a rig's handler runs: the bot, watched by the
// transcript.
type demoBot struct {
	bot message.Handler
	t   *transcript
}

// setup is a platform's setup, reading its variables from env, as the
// server reads them from the environment.
func (d demoBot) setup(env map[string]string) setup {
	return setup{env: envOf(env), bot: d.bot, mw: d.t.middleware(), failed: d.t.failed}
}

// demoSlow is how long the bot takes to answer "slow" in the demo, and
// demoKakaoBudget how long Kakao's handler waits before it answers
// useCallback: the demo's short stand-ins for a slow backend and the
// default 3.5-second budget.
const (
	demoSlow        = 200 * time.Millisecond
	demoKakaoBudget = 50 * time.Millisecond
)

// demoSecret returns a fresh random secret: the demo configures every
// platform's defence as the server does, with values of its own.
func demoSecret() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// envOf reads variables from m, as the server reads the environment.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// demoOptions controls the transcript.
type demoOptions struct {
	full bool // print platform JSON untouched, however long
}

type rigFunc func(d demoBot) (*rig, error)

// runDemo starts every platform's fake, drives each through a signed
// conversation and prints the transcript. It returns false if any round
// trip failed.
func runDemo(ctx context.Context, w io.Writer, opts demoOptions, rigs []rigFunc) bool {
	ok := true
	for _, newRig := range rigs {
		obs := &transcript{}
		r, err := newRig(demoBot{bot: NewBot(demoSlow), t: obs})
		if err != nil {
			fmt.Fprintf(w, "setup failed: %v\n", err)
			ok = false
			continue
		}
		if !runRig(ctx, w, opts, r, obs) {
			ok = false
		}
		r.close()
	}
	if ok {
		fmt.Fprintln(w, "\nevery platform round trip worked")
	} else {
		fmt.Fprintln(w, "\nsome round trips FAILED")
	}
	return ok
}

func runRig(ctx context.Context, w io.Writer, opts demoOptions, r *rig, obs *transcript) bool {
	mux := http.NewServeMux()
	mux.Handle("POST "+r.pattern, r.handler)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	fmt.Fprintf(w, "\n━━ %s %s\n", r.name, strings.Repeat("━", 60-utf8.RuneCountInString(r.name)))
	ok := true
	for _, st := range r.steps {
		if !runStep(ctx, w, opts, r, obs, srv, st) {
			ok = false
		}
	}
	return ok
}

// runStep sends one signed webhook request, prints what happened, and
// reports whether the bot answered and the platform got the answer.
func runStep(ctx context.Context, w io.Writer, opts demoOptions, r *rig, obs *transcript, srv *httptest.Server, st step) bool {
	before := 0
	if r.received != nil {
		before = len(r.received())
	}
	req, err := st.request(srv.URL + r.target)
	if err != nil {
		fmt.Fprintf(w, "» %s: building the request failed: %v\n", st.label, err)
		return false
	}
	resp, err := srv.Client().Do(req.WithContext(ctx))
	if err != nil {
		fmt.Fprintf(w, "» %s: webhook call failed: %v\n", st.label, err)
		return false
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var waitErr error
	if r.wait != nil {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		waitErr = r.wait(wctx)
		cancel()
	}

	ok, answered := true, false
	turns, failures := obs.drain()
	if waitErr != nil {
		failures = append(failures, fmt.Errorf("waiting for its background work: %w", waitErr))
	}
	if len(turns) == 0 {
		fmt.Fprintf(w, "» %s\n", st.label)
	}
	for _, tu := range turns {
		fmt.Fprintf(w, "» %s: %s\n", st.label, describeIncoming(tu.in))
		if len(tu.replies) == 0 {
			fmt.Fprintln(w, "  bot: (no answer)")
		}
		for _, rp := range tu.replies {
			for _, c := range rp.contents {
				fmt.Fprintf(w, "  bot: %s\n", describe(c))
			}
			for _, l := range rp.report.Losses {
				fmt.Fprintf(w, "  loss: %s: %s\n", tu.in.Platform, l)
			}
			if rp.err != nil {
				fmt.Fprintf(w, "  FAILED: reply: %v\n", rp.err)
				ok = false
			}
			answered = answered || (len(rp.contents) > 0 && rp.err == nil)
		}
		if tu.err != nil {
			fmt.Fprintf(w, "  FAILED: the bot: %v\n", tu.err)
			ok = false
		}
	}
	for _, err := range failures {
		fmt.Fprintf(w, "  FAILED: the %s handler: %v\n", r.name, err)
		ok = false
	}
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(w, "  FAILED: webhook answered HTTP %d\n", resp.StatusCode)
		return false
	}

	delivered := false
	switch {
	case len(bytes.TrimSpace(body)) == 0:
	case isCallbackAck(body):
		// Not the answer: the promise of one, by callback.
		fmt.Fprintf(w, "  %s got useCallback in the webhook response (the answer follows by callback):\n    %s\n", r.name, showJSON(body, opts))
	default:
		fmt.Fprintf(w, "  %s got the answer in the webhook response:\n    %s\n", r.name, showJSON(body, opts))
		delivered = true
	}
	if r.received != nil {
		for _, c := range r.received()[before:] {
			fmt.Fprintf(w, "  %s received %s\n    %s\n", r.name, c.what, showJSON(c.body, opts))
			delivered = true
		}
	}
	switch {
	case !answered:
		fmt.Fprintf(w, "  FAILED: the bot did not answer\n")
		return false
	case !delivered:
		fmt.Fprintf(w, "  FAILED: the bot answered but %s received nothing\n", r.name)
		return false
	}
	return ok
}

// isCallbackAck reports whether body is Kakao's useCallback answer.
func isCallbackAck(body []byte) bool {
	var v struct {
		UseCallback bool `json:"useCallback"`
	}
	return json.Unmarshal(body, &v) == nil && v.UseCallback
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
	if in.UserID == "" {
		return string(in.Kind)
	}
	return fmt.Sprintf("%s from %s", in.Kind, in.UserID)
}

// describe summarises a neutral answer in one line.
func describe(c message.Content) string {
	var s string
	switch c := c.(type) {
	case *message.Text:
		s = fmt.Sprintf("text %q (%d characters)", clipText(c.Text, 40), utf8.RuneCountInString(c.Text))
	case *message.Image:
		s = "image " + c.URL
	case *message.Card:
		s = fmt.Sprintf("card %q with an image and %d buttons", c.Title, len(c.Buttons))
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

// showJSON prints a platform body compactly. Unless opts.full is set,
// string values longer than 120 characters are shortened so the transcript
// stays readable; -full prints the exact bytes.
func showJSON(b []byte, opts demoOptions) string {
	if opts.full {
		return string(b)
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	shortened := false
	v = shorten(v, &shortened)
	if !shortened {
		return string(bytes.TrimSpace(b))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return string(b)
	}
	return strings.TrimSpace(buf.String()) + "   (long strings shortened; -full prints the exact bytes)"
}

func shorten(v any, did *bool) any {
	switch v := v.(type) {
	case string:
		if utf8.RuneCountInString(v) > 120 {
			*did = true
			return fmt.Sprintf("%s…[%d characters]", string([]rune(v)[:60]), utf8.RuneCountInString(v))
		}
		return v
	case []any:
		for i := range v {
			v[i] = shorten(v[i], did)
		}
		return v
	case map[string]any:
		for k := range v {
			v[k] = shorten(v[k], did)
		}
		return v
	}
	return v
}
