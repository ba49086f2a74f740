package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

const demoLineUser = "U4af4980629a1b2c3d4e5f60718293a4b"

func lineRig(d demoBot) (*rig, error) {
	fake, err := linetest.Start()
	if err != nil {
		return nil, err
	}
	// The handler is configured as the server configures it, with a
	// channel secret of the demo's own that signs every webhook.
	secret, err := demoSecret()
	if err != nil {
		fake.Close()
		return nil, err
	}
	p := lineConfig()
	s := d.setup(map[string]string{"LINE_CHANNEL_SECRET": secret, "LINE_CHANNEL_TOKEN": linetest.ChannelToken})
	s.line = []line.Option{line.WithBaseURL(fake.URL()), line.WithHTTPClient(fake.HTTPClient())}
	h, wait, err := p.build(context.Background(), s)
	if err != nil {
		fake.Close()
		return nil, err
	}
	send := func(events ...line.Event) func(string) (*http.Request, error) {
		return func(url string) (*http.Request, error) {
			return linetest.NewHTTPRequest(url, secret, events...)
		}
	}
	return &rig{
		name:    "LINE",
		pattern: p.pattern,
		target:  p.pattern,
		handler: h,
		steps: []step{
			{"greeting", send(linetest.Follow(demoLineUser))},
			{"text", send(linetest.TextMessage(demoLineUser, "hello"))},
			{"carousel", send(linetest.TextMessage(demoLineUser, "menu"))},
			{"button press", send(linetest.Postback(demoLineUser, "order=latte"))},
			{"image", send(linetest.TextMessage(demoLineUser, "photo"))},
			{"unsupported content", send(linetest.LocationMessage(demoLineUser, "NAVER 1784", "경기도 성남시 분당구 정자일로 95", 37.3595704, 127.105399))},
			{"over-limit message", send(linetest.TextMessage(demoLineUser, "long"))},
			{"more messages than one reply takes", send(linetest.TextMessage(demoLineUser, "hours"))},
		},
		received: func() []call {
			var out []call
			for _, c := range fake.Calls() {
				out = append(out, call{what: fmt.Sprintf("%s %s", c.Method, c.Path), body: c.Body})
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
