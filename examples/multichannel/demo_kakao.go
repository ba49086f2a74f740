package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
)

const demoKakaoBot = "5f1a2b3c4d5e6f7a8b9c0d1e"

func kakaoRig(obs Observer) (*rig, error) {
	// The skill is configured as the server configures it, with a
	// shared secret of the demo's own; Kakao sends it in the header
	// registered in the skill's settings.
	secret, err := demoSecret()
	if err != nil {
		return nil, err
	}
	p := kakaoConfig()
	h, wait, err := p.build(context.Background(), setup{
		env: envOf(map[string]string{"KAKAO_SKILL_SECRET": secret, "KAKAO_BOT_IDS": demoKakaoBot}),
		obs: obs,
	})
	if err != nil {
		return nil, err
	}
	say := func(opts ...kakaotest.RequestOption) func(string) (*http.Request, error) {
		return func(url string) (*http.Request, error) {
			body, err := json.Marshal(kakaotest.NewPayload(append(opts, kakaotest.WithBotID(demoKakaoBot))...))
			if err != nil {
				return nil, err
			}
			req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(kakaoHeader, secret)
			return req, nil
		}
	}
	text := func(s string) func(string) (*http.Request, error) { return say(kakaotest.WithUtterance(s)) }
	return &rig{
		name:    "Kakao",
		pattern: p.pattern,
		target:  p.pattern,
		handler: h,
		steps: []step{
			{"greeting", text("시작하기")},
			{"text", text("hello")},
			{"carousel", text("menu")},
			{"button press", say(kakaotest.WithUtterance("One 카페라떼, please"),
				kakaotest.WithClientExtra(map[string]any{kakao.PostbackKey: "order=latte"}))},
			{"image", text("photo")},
			{"unsupported content", text("where")},
			{"over-limit message", text("long")},
		},
		wait:  wait,
		close: func() { _ = wait(context.Background()) },
	}, nil
}
