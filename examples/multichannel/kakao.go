package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

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
				kakao.WithErrorHandler(s.onError(message.Kakao)),
			}
			if ids := splitList(s.env("KAKAO_BOT_IDS")); len(ids) > 0 {
				opts = append(opts, kakao.WithBotIDs(ids...))
			}
			// The bot's replies become the skill response.
			h, err := kakao.NewBotHandler(s.handler(), append(opts, s.kakao...)...)
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
	}
}
