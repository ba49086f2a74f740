package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

// The demo's LINE bots: their IDs are bot user IDs, as LINE's destination
// carries them.
const (
	demoLINEEcho    = "U0000000000000000000000000000ca1e"
	demoLINEChatbot = "U00000000000000000000000000c1a5a"
	demoLINEUnknown = "U0000000000000000000000000000dead"
	demoLINEUser    = "U4af4980629a1b2c3d4e5f60718293a4b"
)

// lineDemo sets up two LINE bots, each on a fake LINE account of its own
// that accepts only its channel token.
func lineDemo(w *demoWiring) (*platformDemo, error) {
	d := &platformDemo{name: "LINE", credName: "channel token"}
	var fakes []*linetest.Server
	d.close = func() {
		for _, f := range fakes {
			f.Close()
		}
	}
	for _, id := range []string{demoLINEEcho, demoLINEChatbot} {
		secret, err := demoSecret()
		if err != nil {
			d.close()
			return nil, err
		}
		token, err := demoSecret()
		if err != nil {
			d.close()
			return nil, err
		}
		fake, err := linetest.Start(linetest.WithChannelToken(token))
		if err != nil {
			d.close()
			return nil, err
		}
		fakes = append(fakes, fake)
		w.line[id] = []line.Option{line.WithBaseURL(fake.URL()), line.WithHTTPClient(fake.HTTPClient())}
		b := &demoBot{sign: secret, out: token, cfg: BotConfig{
			Platform: "line", ID: id,
			LINE:   &LINEBot{ChannelSecrets: []string{secret}, ChannelToken: token},
			Answer: Answer{Go: "echo"},
		}}
		if id == demoLINEChatbot {
			cb, key, err := newChatbot(w, "line", id)
			if err != nil {
				d.close()
				return nil, err
			}
			prev := d.close
			d.close = func() { prev(); cb.Close() }
			b.chatbot = cb
			b.cfg.Answer = Answer{Chatbot: &ChatbotAnswer{InvokeURL: cb.URL(), SecretKey: key}}
		}
		d.bots = append(d.bots, b)
	}
	d.calls = func() [][]platformCall {
		out := make([][]platformCall, len(fakes))
		for i, f := range fakes {
			for _, c := range f.Calls() {
				cred := strings.TrimPrefix(c.Header.Get("Authorization"), "Bearer ")
				out[i] = append(out[i], platformCall{What: c.Method + " " + c.Path, By: owner(d.bots, cred), Body: compact(c.Body), cred: cred})
			}
		}
		return out
	}
	d.steps = func(b *demoBot) []demoStep {
		return []demoStep{
			{"greeting", lineRequest(b.cfg.ID, b.sign, linetest.Follow(demoLINEUser))},
			{"text", lineRequest(b.cfg.ID, b.sign, linetest.TextMessage(demoLINEUser, "hello"))},
			{"button press", lineRequest(b.cfg.ID, b.sign, linetest.Postback(demoLINEUser, "order=latte"))},
		}
	}
	d.refusals = func() []demoRefusal {
		a, b := d.bots[0], d.bots[1]
		return []demoRefusal{
			{demoStep{fmt.Sprintf("cross-signed: a body for %s signed with %s's channel secret", a.cfg.ID, b.cfg.ID),
				lineRequest(a.cfg.ID, b.sign, linetest.TextMessage(demoLINEUser, "hello"))}, http.StatusUnauthorized},
			{demoStep{fmt.Sprintf("unknown bot: a body for %s, which nobody serves", demoLINEUnknown),
				lineRequest(demoLINEUnknown, a.sign, linetest.TextMessage(demoLINEUser, "hello"))}, http.StatusUnauthorized},
		}
	}
	return d, nil
}

// lineRequest returns a webhook request for bot destination, carrying
// events and signed with secret, as LINE sends it.
func lineRequest(destination, secret string, events ...line.Event) func(string) (*http.Request, error) {
	return func(base string) (*http.Request, error) {
		body, err := json.Marshal(&line.Callback{Destination: destination, Events: events})
		if err != nil {
			return nil, err
		}
		r, err := http.NewRequest(http.MethodPost, base+"/line", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		r.Header.Set("Content-Type", "application/json; charset=utf-8")
		r.Header.Set(line.SignatureHeader, linetest.SignBody(secret, body))
		return r, nil
	}
}
