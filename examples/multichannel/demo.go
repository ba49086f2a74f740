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

// collector is the demo's Observer: it keeps the turns and the handler
// failures of the current step.
type collector struct {
	mu       sync.Mutex
	answers  []Answer
	failures []error
}

func (c *collector) Observe(a Answer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answers = append(c.answers, a)
}

func (c *collector) Failed(_ message.Platform, _ *http.Request, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failures = append(c.failures, err)
}

func (c *collector) drain() ([]Answer, []error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	answers, failures := c.answers, c.failures
	c.answers, c.failures = nil, nil
	return answers, failures
}

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

type rigFunc func(obs Observer) (*rig, error)

// runDemo starts every platform's fake, drives each through a signed
// conversation and prints the transcript. It returns false if any round
// trip failed.
func runDemo(ctx context.Context, w io.Writer, opts demoOptions, rigs []rigFunc) bool {
	ok := true
	for _, newRig := range rigs {
		obs := &collector{}
		r, err := newRig(obs)
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

func runRig(ctx context.Context, w io.Writer, opts demoOptions, r *rig, obs *collector) bool {
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
func runStep(ctx context.Context, w io.Writer, opts demoOptions, r *rig, obs *collector, srv *httptest.Server, st step) bool {
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
	answers, failures := obs.drain()
	if waitErr != nil {
		failures = append(failures, fmt.Errorf("waiting for its background work: %w", waitErr))
	}
	if len(answers) == 0 {
		fmt.Fprintf(w, "» %s\n", st.label)
	}
	for _, a := range answers {
		fmt.Fprintf(w, "» %s: %s\n", st.label, describeIncoming(a.In))
		if a.Out == nil {
			fmt.Fprintln(w, "  bot: (no answer)")
		} else {
			fmt.Fprintf(w, "  bot: %s\n", describe(a.Out))
		}
		for _, l := range a.Report.Losses {
			fmt.Fprintf(w, "  loss: %s: %s\n", a.Platform, l)
		}
		if a.Err != nil {
			fmt.Fprintf(w, "  FAILED: %v\n", a.Err)
			ok = false
		}
		answered = answered || (a.Out != nil && a.Err == nil)
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
	if len(bytes.TrimSpace(body)) > 0 {
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
