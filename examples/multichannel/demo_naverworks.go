package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
)

const demoWorksUser = "a1b2c3d4-5e6f-7081-92a3-b4c5d6e7f809"

func naverworksRig(d demoBot) (*rig, error) {
	fake, err := naverworkstest.Start()
	if err != nil {
		return nil, err
	}
	// The handler is configured as the server configures it: the fake's
	// Service Account, and a Bot Secret of the demo's own that signs
	// every callback.
	secret, err := demoSecret()
	if err != nil {
		fake.Close()
		return nil, err
	}
	creds := fake.Credentials()
	p := naverworksConfig()
	s := d.setup(map[string]string{
		"NAVERWORKS_CLIENT_ID":       creds.ClientID,
		"NAVERWORKS_CLIENT_SECRET":   creds.ClientSecret,
		"NAVERWORKS_SERVICE_ACCOUNT": creds.ServiceAccount,
		"NAVERWORKS_PRIVATE_KEY":     creds.PrivateKey,
		"NAVERWORKS_BOT_ID":          naverworkstest.BotID,
		"NAVERWORKS_BOT_SECRET":      secret,
	})
	s.naverworksToken = []naverworks.TokenOption{naverworks.WithTokenURL(fake.TokenURL()), naverworks.WithTokenHTTPClient(fake.HTTPClient())}
	s.naverworks = []naverworks.Option{naverworks.WithBaseURL(fake.BaseURL()), naverworks.WithHTTPClient(fake.HTTPClient())}
	h, wait, err := p.build(context.Background(), s)
	if err != nil {
		fake.Close()
		return nil, err
	}
	src := naverworks.Source{UserID: demoWorksUser, DomainID: "10000001"}
	env := naverworks.Envelope{Source: src, IssuedTime: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	send := func(ev naverworks.Event) func(string) (*http.Request, error) {
		return func(url string) (*http.Request, error) {
			body, err := json.Marshal(ev)
			if err != nil {
				return nil, err
			}
			return naverworkstest.NewHTTPRequest(url, secret, naverworkstest.BotID, body)
		}
	}
	text := func(s string) naverworks.Event {
		return &naverworks.MessageEvent{Envelope: env, Content: &naverworks.TextContent{Text: s}}
	}
	return &rig{
		name:    "NAVER WORKS",
		pattern: p.pattern,
		target:  p.pattern,
		handler: h,
		steps: []step{
			{"greeting", send(&naverworks.BeginEvent{Envelope: env})},
			{"text", send(text("hello"))},
			{"carousel", send(text("menu"))},
			{"button press", send(&naverworks.PostbackEvent{Envelope: env, Data: "order=latte"})},
			{"image", send(text("photo"))},
			{"unsupported content", send(&naverworks.MessageEvent{Envelope: env, Content: &naverworks.StickerContent{PackageID: "1", StickerID: "2"}})},
			{"over-limit message", send(text("long"))},
		},
		received: func() []call {
			var out []call
			for _, m := range fake.Messages() {
				out = append(out, call{what: fmt.Sprintf("POST /bots/%s/users/%s/messages", m.BotID, m.UserID), body: m.Content})
			}
			return out
		},
		wait: wait,
		close: func() {
			_ = wait(context.Background())
			fake.Close()
		},
	}, nil
}
