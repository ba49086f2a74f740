package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
)

// The demo's NAVER WORKS bots, of one app: one Service Account sends for
// both.
const (
	demoWorksEcho    = naverworkstest.BotID // "2000001"
	demoWorksChatbot = "2000002"
	demoWorksUnknown = "2999999"
	demoWorksUser    = "a1b2c3d4-5e6f-7081-92a3-b4c5d6e7f809"
	demoWorksAccount = "demo-app"
)

// naverworksDemo sets up two NAVER WORKS bots of one app, each with its
// own Bot Secret, on one fake NAVER WORKS that serves both bot IDs. The
// Bot API names the bot in its URL: that is the credential shown.
func naverworksDemo(w *demoWiring) (*platformDemo, error) {
	d := &platformDemo{name: "NAVER WORKS", credName: "bot ID"}
	fake, err := naverworkstest.Start(naverworkstest.WithBotIDs(demoWorksChatbot))
	if err != nil {
		return nil, err
	}
	closers := []func(){fake.Close}
	d.close = func() {
		for _, c := range closers {
			c()
		}
	}
	creds := fake.Credentials()
	w.settings.NaverWorks = &NaverWorksSettings{ServiceAccounts: map[string]*ServiceAccount{demoWorksAccount: {
		ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, ServiceAccount: creds.ServiceAccount, PrivateKey: creds.PrivateKey,
	}}}
	w.worksToken[demoWorksAccount] = []naverworks.TokenOption{naverworks.WithTokenURL(fake.TokenURL()), naverworks.WithTokenHTTPClient(fake.HTTPClient())}
	for _, id := range []string{demoWorksEcho, demoWorksChatbot} {
		secret, err := demoSecret()
		if err != nil {
			d.close()
			return nil, err
		}
		w.works[id] = []naverworks.Option{naverworks.WithBaseURL(fake.BaseURL()), naverworks.WithHTTPClient(fake.HTTPClient())}
		b := &demoBot{sign: secret, out: id, cfg: BotConfig{
			Platform: "naverworks", ID: id,
			NaverWorks: &NaverWorksBot{BotSecrets: []string{secret}, ServiceAccount: demoWorksAccount},
			Answer:     Answer{Go: "echo"},
		}}
		if id == demoWorksChatbot {
			cb, key, err := newChatbot(w, "naverworks", id)
			if err != nil {
				d.close()
				return nil, err
			}
			closers = append(closers, cb.Close)
			b.chatbot = cb
			b.cfg.Answer = Answer{Chatbot: &ChatbotAnswer{InvokeURL: cb.URL(), SecretKey: key}}
		}
		d.bots = append(d.bots, b)
	}
	d.calls = func() [][]platformCall {
		var out []platformCall
		for _, c := range fake.Calls() {
			// The token exchange is the Service Account's, shared by
			// both bots: only Bot API calls are the bots'.
			rest, ok := strings.CutPrefix(c.Path, naverworkstest.BotAPIPath+"bots/")
			if !ok {
				continue
			}
			id, _, _ := strings.Cut(rest, "/")
			out = append(out, platformCall{What: c.Method + " " + c.Path, By: owner(d.bots, id), Body: compact(c.Body), cred: id})
		}
		return [][]platformCall{out}
	}
	env := naverworks.Envelope{Source: naverworks.Source{UserID: demoWorksUser, DomainID: "10000001"}, IssuedTime: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	text := func(s string) naverworks.Event {
		return &naverworks.MessageEvent{Envelope: env, Content: &naverworks.TextContent{Text: s}}
	}
	d.steps = func(b *demoBot) []demoStep {
		return []demoStep{
			{"greeting", worksRequest(b.cfg.ID, b.sign, &naverworks.BeginEvent{Envelope: env})},
			{"text", worksRequest(b.cfg.ID, b.sign, text("hello"))},
			{"button press", worksRequest(b.cfg.ID, b.sign, &naverworks.PostbackEvent{Envelope: env, Data: "order=latte"})},
		}
	}
	d.refusals = func() []demoRefusal {
		a, b := d.bots[0], d.bots[1]
		return []demoRefusal{
			{demoStep{fmt.Sprintf("cross-signed: a callback for bot %s signed with bot %s's Bot Secret", a.cfg.ID, b.cfg.ID),
				worksRequest(a.cfg.ID, b.sign, text("hello"))}, http.StatusUnauthorized},
			{demoStep{fmt.Sprintf("unknown bot: a callback for bot %s, which nobody serves", demoWorksUnknown),
				worksRequest(demoWorksUnknown, a.sign, text("hello"))}, http.StatusUnauthorized},
		}
	}
	return d, nil
}

// worksRequest returns a callback for bot id carrying ev, signed with
// secret, as NAVER WORKS sends it.
func worksRequest(id, secret string, ev naverworks.Event) func(string) (*http.Request, error) {
	return func(base string) (*http.Request, error) {
		body, err := json.Marshal(ev)
		if err != nil {
			return nil, err
		}
		return naverworkstest.NewHTTPRequest(base+"/naverworks", secret, id, body)
	}
}
