package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// kakaoFunc answers a Kakao skill request. Kakao is synchronous: the answer
// is the HTTP response.
func kakaoFunc(obs Observer) func(context.Context, *kakao.Request) (*kakao.Response, error) {
	return func(ctx context.Context, req *kakao.Request) (*kakao.Response, error) {
		in, ok := kakao.ToIncoming(req)
		if !ok {
			return nil, fmt.Errorf("kakao: no request")
		}
		a := Answer{Platform: message.Kakao, In: in, Out: Bot(in)}
		var resp *kakao.Response
		if a.Out == nil {
			// A skill must answer something: an empty simpleText is invalid.
			resp = kakao.NewResponse(kakao.Text("…"))
		} else {
			resp, a.Report, a.Err = kakao.Render(a.Out, message.RenderOptions{})
		}
		obs.Observe(a)
		return resp, a.Err
	}
}

func kakaoConfig() platformConfig {
	return platformConfig{
		name:     "Kakao",
		path:     "/kakao",
		required: []string{"KAKAO_BOT_ID"},
		optional: []string{"KAKAO_SKILL_SECRET"},
		mount: func(ctx context.Context, env func(string) string, obs Observer) (http.Handler, func(context.Context) error, error) {
			opts := []kakao.Option{kakao.WithBotIDs(env("KAKAO_BOT_ID"))}
			if s := env("KAKAO_SKILL_SECRET"); s != "" {
				set, err := signature.NewSecretSet(s)
				if err != nil {
					return nil, nil, err
				}
				// Register the same header and value in the skill's settings
				// in Kakao i Open Builder.
				opts = append(opts, kakao.WithHeaderSecret("X-Skill-Secret", set))
			}
			h, err := kakao.NewSkillHandler(kakaoFunc(obs), opts...)
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
	}
}
