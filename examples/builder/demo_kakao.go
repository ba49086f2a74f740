package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
)

// The demo's Kakao bots: their IDs are the bot IDs Kakao puts in bot.id.
const (
	demoKakaoEcho    = "64e9a0b1c2d3e4f5a6b7c8d9"
	demoKakaoChatbot = "65f0b1c2d3e4f5a6b7c8d9e0"
	demoKakaoUnknown = "66000000000000000000dead"
)

// kakaoDemo sets up two Kakao bots, each with a header secret of its own.
// Kakao calls no API of the bot's: the answer is the skill response.
func kakaoDemo(w *demoWiring) (*platformDemo, error) {
	d := &platformDemo{name: "Kakao", credName: "header secret"}
	var closers []func()
	d.close = func() {
		for _, c := range closers {
			c()
		}
	}
	for _, id := range []string{demoKakaoEcho, demoKakaoChatbot} {
		secret, err := demoSecret()
		if err != nil {
			d.close()
			return nil, err
		}
		b := &demoBot{sign: secret, cfg: BotConfig{
			Platform: "kakao", ID: id,
			Kakao:  &KakaoBot{HeaderSecrets: []string{secret}},
			Answer: Answer{Go: "echo"},
		}}
		if id == demoKakaoChatbot {
			cb, key, err := newChatbot(w, "kakao", id)
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
	d.calls = func() [][]platformCall { return nil }
	d.steps = func(b *demoBot) []demoStep {
		return []demoStep{
			{"greeting", kakaoRequest(b.cfg.ID, b.sign, kakaotest.WithUtterance("시작하기"))},
			{"text", kakaoRequest(b.cfg.ID, b.sign, kakaotest.WithUtterance("hello"))},
			{"button press", kakaoRequest(b.cfg.ID, b.sign, kakaotest.WithUtterance("카페라떼 주세요"),
				kakaotest.WithClientExtra(map[string]any{kakao.PostbackKey: "order=latte"}))},
		}
	}
	d.refusals = func() []demoRefusal {
		a, b := d.bots[0], d.bots[1]
		return []demoRefusal{
			{demoStep{fmt.Sprintf("cross-signed: a skill request for %s with %s's header secret", a.cfg.ID, b.cfg.ID),
				kakaoRequest(a.cfg.ID, b.sign, kakaotest.WithUtterance("hello"))}, http.StatusUnauthorized},
			{demoStep{fmt.Sprintf("unknown bot: a skill request for %s, which nobody serves", demoKakaoUnknown),
				kakaoRequest(demoKakaoUnknown, a.sign, kakaotest.WithUtterance("hello"))}, http.StatusUnauthorized},
		}
	}
	return d, nil
}

// kakaoRequest returns a skill request for bot id with the header secret,
// as Kakao i Open Builder sends it.
func kakaoRequest(id, secret string, opts ...kakaotest.RequestOption) func(string) (*http.Request, error) {
	return func(base string) (*http.Request, error) {
		body, err := json.Marshal(kakaotest.NewPayload(append(opts, kakaotest.WithBotID(id))...))
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequest(http.MethodPost, base+"/kakao", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(kakao.DefaultSecretHeader, secret)
		return req, nil
	}
}
