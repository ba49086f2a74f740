package main

import (
	"fmt"
	"net/http"

	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// The demo's TalkTalk partner accounts: their IDs are the path segments
// their webhook URLs carry.
const (
	demoTalkEcho    = "cafe"
	demoTalkChatbot = "bakery"
	demoTalkUnknown = "nobody"
	demoTalkUser    = "al-2eGuGr5WQOnco1_V-FQ"
)

// talktalkDemo sets up two TalkTalk partner accounts, each on a fake
// TalkTalk of its own that accepts only its authorization key.
func talktalkDemo(w *demoWiring) (*platformDemo, error) {
	d := &platformDemo{name: "TalkTalk", credName: "authorization key"}
	var closers []func()
	d.close = func() {
		for _, c := range closers {
			c()
		}
	}
	var fakes []*talktalktest.Server
	for _, id := range []string{demoTalkEcho, demoTalkChatbot} {
		token, err := demoSecret()
		if err != nil {
			d.close()
			return nil, err
		}
		key, err := demoSecret()
		if err != nil {
			d.close()
			return nil, err
		}
		fake, err := talktalktest.Start(talktalktest.WithAuthorizationKey(key))
		if err != nil {
			d.close()
			return nil, err
		}
		fakes, closers = append(fakes, fake), append(closers, fake.Close)
		w.talktalk[id] = []talktalk.Option{talktalk.WithBaseURL(fake.BaseURL()), talktalk.WithHTTPClient(fake.HTTPClient())}
		b := &demoBot{sign: token, out: key, cfg: BotConfig{
			Platform: "talktalk", ID: id,
			TalkTalk: &TalkTalkBot{AuthorizationKey: key, PathTokens: []string{token}},
			Answer:   Answer{Go: "echo"},
		}}
		if id == demoTalkChatbot {
			cb, ckey, err := newChatbot(w, "talktalk", id)
			if err != nil {
				d.close()
				return nil, err
			}
			closers = append(closers, cb.Close)
			b.chatbot = cb
			b.cfg.Answer = Answer{Chatbot: &ChatbotAnswer{InvokeURL: cb.URL(), SecretKey: ckey}}
		}
		d.bots = append(d.bots, b)
	}
	// The demo's requests reach the server from loopback, as they would
	// through a reverse proxy on the same host: trust it, and let
	// X-Forwarded-For carry TalkTalk's address.
	w.settings.TalkTalk = &TalkTalkSettings{TrustedProxies: []string{"127.0.0.1/32", "::1/128"}}
	d.calls = func() [][]platformCall {
		out := make([][]platformCall, len(fakes))
		for i, f := range fakes {
			for _, c := range f.Calls() {
				cred := c.Header.Get("Authorization")
				out[i] = append(out[i], platformCall{What: c.Method + " " + c.Path, By: owner(d.bots, cred), Body: compact(c.Body), cred: cred})
			}
		}
		return out
	}
	d.steps = func(b *demoBot) []demoStep {
		return []demoStep{
			{"greeting", talkRequest(b.cfg.ID, b.sign, talktalktest.Open(demoTalkUser))},
			{"text", talkRequest(b.cfg.ID, b.sign, talktalktest.Text(demoTalkUser, "hello"))},
			{"button press", talkRequest(b.cfg.ID, b.sign, talktalktest.ButtonPress(demoTalkUser, "Order", "order=latte"))},
		}
	}
	d.refusals = func() []demoRefusal {
		a, b := d.bots[0], d.bots[1]
		return []demoRefusal{
			{demoStep{fmt.Sprintf("cross-signed: %s's URL with %s's path token", a.cfg.ID, b.cfg.ID),
				talkRequest(a.cfg.ID, b.sign, talktalktest.Text(demoTalkUser, "hello"))}, http.StatusUnauthorized},
			{demoStep{fmt.Sprintf("unknown bot: the URL of %s, whom nobody serves", demoTalkUnknown),
				talkRequest(demoTalkUnknown, a.sign, talktalktest.Text(demoTalkUser, "hello"))}, http.StatusUnauthorized},
		}
	}
	return d, nil
}

// talkRequest returns a webhook request carrying ev for the partner id at
// its URL ending in token, as TalkTalk sends it.
func talkRequest(id, token string, ev talktalk.Event) func(string) (*http.Request, error) {
	return func(base string) (*http.Request, error) {
		req, err := talktalktest.BuildEvent(ev,
			talktalktest.WithTarget(base+"/talktalk/"+id+"/"+token),
			talktalktest.WithForwardedFor("211.249.40.10"))
		if err != nil {
			return nil, err
		}
		req.RequestURI = "" // built for a handler; sent here by a client
		return req, nil
	}
}
