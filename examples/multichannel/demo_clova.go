package main

import (
	"context"
	"net/http"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
)

func clovaRig(d demoBot) (*rig, error) {
	// The handler is configured as the server configures it, except that
	// the fake CEK signs with clovatest's key pair instead of CLOVA's.
	p := clovaConfig()
	s := d.setup(map[string]string{"CLOVA_EXTENSION_ID": clovatest.ApplicationID})
	s.clova = []clova.HandlerOption{clova.WithPublicKey(clovatest.PublicKey())}
	h, _, err := p.build(context.Background(), s)
	if err != nil {
		return nil, err
	}
	send := func(req *clova.Request) func(string) (*http.Request, error) {
		return func(url string) (*http.Request, error) {
			return clovatest.NewSignedRequest(clovatest.Key(), url, req)
		}
	}
	say := func(s string) func(string) (*http.Request, error) {
		return send(clovatest.Intent(utteranceIntent, clovatest.WithSlot(utteranceSlot, s)))
	}
	return &rig{
		name:    "CLOVA",
		pattern: p.pattern,
		target:  p.pattern,
		handler: h,
		steps: []step{
			{"greeting", send(clovatest.Launch())},
			{"text", say("hello")},
			{"carousel", say("menu")},
			{"button press", send(clovatest.Intent("OrderIntent", clovatest.WithSlot("drink", "latte")))},
			{"image", say("photo")},
			{"unsupported content", say("where")},
			{"over-limit message", say("long")},
		},
		close: func() {},
	}, nil
}
