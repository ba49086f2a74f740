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

// kakaoHeader is the default name of the shared-secret header: register it,
// with the value of KAKAO_SKILL_SECRET, under "헤더값 입력" in the skill's
// settings in Kakao i Open Builder.
const kakaoHeader = kakao.DefaultSecretHeader

func kakaoConfig() platformConfig {
	return platformConfig{
		name:     "Kakao",
		pattern:  "/kakao/skill",
		required: [][]string{{"KAKAO_SKILL_SECRET"}},
		optional: []string{"KAKAO_SKILL_HEADER", "KAKAO_BOT_IDS"},
		mount: func(ctx context.Context, s setup) (http.Handler, func(context.Context) error, error) {
			// Kakao signs nothing: the header secret is what keeps
			// strangers out.
			secrets, err := signature.NewSecretSet(s.env("KAKAO_SKILL_SECRET"))
			if err != nil {
				return nil, nil, fmt.Errorf("KAKAO_SKILL_SECRET: %w", err)
			}
			header := s.env("KAKAO_SKILL_HEADER")
			if header == "" {
				header = kakaoHeader
			}
			opts := []kakao.HandlerOption{
				kakao.WithHeaderSecret(header, secrets),
				kakao.WithErrorHandler(func(r *http.Request, err error) { s.obs.Failed(message.Kakao, r, err) }),
			}
			if ids := splitList(s.env("KAKAO_BOT_IDS")); len(ids) > 0 {
				opts = append(opts, kakao.WithBotIDs(ids...))
			}
			h, err := kakao.NewWebhookHandler(kakaoFunc(s.obs), opts...)
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
	}
}
