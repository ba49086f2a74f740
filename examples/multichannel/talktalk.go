package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
)

func talktalkConfig() platformConfig {
	return platformConfig{
		name: "TalkTalk",
		// The webhook URL registered in Partner Center ends in the path
		// token: https://<host>/talktalk/<TALKTALK_PATH_TOKEN>.
		pattern:  "/talktalk/",
		required: [][]string{{"TALKTALK_AUTHORIZATION_KEY"}, {"TALKTALK_PATH_TOKEN"}},
		optional: []string{"TALKTALK_PATH_TOKEN_PREVIOUS", "TALKTALK_TRUSTED_PROXIES"},
		mount: func(ctx context.Context, s setup) (http.Handler, func(context.Context) error, error) {
			// The path token (or, while rotating, the previous one) ends the
			// URL. The handler cannot see inside its token set, so a token
			// with a slash, which no path would match, is refused here.
			tokens := []string{s.env("TALKTALK_PATH_TOKEN")}
			if prev := s.env("TALKTALK_PATH_TOKEN_PREVIOUS"); prev != "" {
				tokens = append(tokens, prev)
			}
			if strings.Contains(tokens[0], "/") {
				return nil, nil, errors.New("TALKTALK_PATH_TOKEN: must be one path segment, without a slash")
			}
			if len(tokens) > 1 && strings.Contains(tokens[1], "/") {
				return nil, nil, errors.New("TALKTALK_PATH_TOKEN_PREVIOUS: must be one path segment, without a slash")
			}
			pathTokens, err := signature.NewSecretSet(tokens...)
			if err != nil {
				return nil, nil, fmt.Errorf("TALKTALK_PATH_TOKEN: %w", err)
			}
			client, err := talktalk.New(s.env("TALKTALK_AUTHORIZATION_KEY"), s.talktalk...)
			if err != nil {
				return nil, nil, err
			}
			// TalkTalk signs nothing: only its published addresses are let
			// in, and only at the secret path. Behind a reverse proxy, list
			// the proxy's addresses so that its X-Forwarded-For is believed.
			var allowOpts []signature.AllowOption
			if proxies := splitList(s.env("TALKTALK_TRUSTED_PROXIES")); len(proxies) > 0 {
				allowOpts = append(allowOpts, signature.WithTrustedProxies(proxies...))
			}
			allow, err := signature.NewTalkTalkAllowList(allowOpts...)
			if err != nil {
				return nil, nil, fmt.Errorf("TALKTALK_TRUSTED_PROXIES: %w", err)
			}
			// The bot's first reply goes back in the webhook response; the
			// rest, and anything after the budget, through the send API.
			// While a human agent holds the thread, the bot stays silent.
			h, err := talktalk.NewBotHandler(s.handler(),
				talktalk.WithAllowList(allow),
				talktalk.WithPathToken(pathTokens),
				talktalk.WithClient(client),
				talktalk.WithErrorHandler(s.onError(message.TalkTalk)),
			)
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
	}
}
