package main

import (
	"context"
	"net/http"

	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

const demoTalkUser = "al-2eGuGr5WQOnco1_V-FQ"

func talktalkRig(d demoBot) (*rig, error) {
	fake, err := talktalktest.Start()
	if err != nil {
		return nil, err
	}
	// The handler is configured as the server configures it, with a path
	// token of the demo's own. The demo's requests reach it from loopback,
	// as they would through a reverse proxy on the same host: trust it,
	// and let X-Forwarded-For carry TalkTalk's address.
	token, err := demoSecret()
	if err != nil {
		fake.Close()
		return nil, err
	}
	p := talktalkConfig()
	s := d.setup(map[string]string{
		"TALKTALK_AUTHORIZATION_KEY": fake.AuthorizationKey(),
		"TALKTALK_PATH_TOKEN":        token,
		"TALKTALK_TRUSTED_PROXIES":   "127.0.0.1, ::1",
	})
	s.talktalk = []talktalk.Option{talktalk.WithBaseURL(fake.BaseURL()), talktalk.WithHTTPClient(fake.HTTPClient())}
	h, wait, err := p.build(context.Background(), s)
	if err != nil {
		fake.Close()
		return nil, err
	}
	send := func(ev talktalk.Event) func(string) (*http.Request, error) {
		return func(url string) (*http.Request, error) {
			req, err := talktalktest.BuildEvent(ev, talktalktest.WithTarget(url), talktalktest.WithForwardedFor("211.249.40.10"))
			if err != nil {
				return nil, err
			}
			req.RequestURI = "" // built for a handler; sent here by a client
			return req, nil
		}
	}
	text := func(s string) func(string) (*http.Request, error) { return send(talktalktest.Text(demoTalkUser, s)) }
	return &rig{
		name:    "TalkTalk",
		pattern: p.pattern,
		target:  p.pattern + token,
		handler: h,
		steps: []step{
			{"greeting", send(talktalktest.Open(demoTalkUser))},
			{"text", text("hello")},
			{"carousel", text("menu")},
			{"button press", send(talktalktest.ButtonPress(demoTalkUser, "Order", "order=latte"))},
			{"image", text("photo")},
			{"unsupported content", send(talktalktest.Image(demoTalkUser, "https://example.com/user-upload.jpg"))},
			{"over-limit message", text("long")},
		},
		// Single answers come back in the webhook response; answers that
		// need several messages go through the send API.
		received: func() []call {
			var out []call
			for _, c := range fake.Calls() {
				out = append(out, call{what: c.Method + " " + c.Path, body: c.Body})
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
