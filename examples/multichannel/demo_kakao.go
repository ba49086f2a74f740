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

func kakaoRig(d demoBot) (*rig, error) {
	// The fake callback endpoint stands in for Kakao's callback URLs.
	fake, err := kakaotest.Start()
	if err != nil {
		return nil, err
	}
	// The skill is configured as the server configures it, with a
	// shared secret of the demo's own; Kakao sends it in the header
	// registered in the skill's settings. The demo also turns on the
	// AI-chatbot callback, with a budget short enough for "slow" to
	// outlast it: the handler answers useCallback, then POSTs the bot's
	// answer to the request's callback URL.
	secret, err := demoSecret()
	if err != nil {
		fake.Close()
		return nil, err
	}
	p := kakaoConfig()
	s := d.setup(map[string]string{"KAKAO_SKILL_SECRET": secret, "KAKAO_BOT_IDS": demoKakaoBot})
	s.kakao = []kakao.HandlerOption{
		kakao.WithCallback(demoKakaoBudget, &kakao.Response{Data: map[string]any{"text": "생각 중이에요. 잠시만 기다려 주세요."}}),
		kakao.WithClient(fake.Client()),
	}
	h, wait, err := p.build(context.Background(), s)
	if err != nil {
		fake.Close()
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
			{"slower than the budget", say(kakaotest.WithUtterance("slow"), kakaotest.WithCallbackURL(fake.NewCallbackURL()))},
		},
		// Answers come back in the skill response, or, when the bot
		// outlasts the budget, in one POST to the callback URL (whose
		// secret part is not shown).
		received: func() []call {
			var out []call
			for _, c := range fake.Calls() {
				out = append(out, call{what: c.Method + " " + kakaotest.CallbackPath + "…", body: c.Body})
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
