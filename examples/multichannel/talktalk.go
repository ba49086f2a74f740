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
		optional: []string{"TALKTALK_TRUSTED_PROXIES"},
		mount: func(ctx context.Context, s setup) (http.Handler, func(context.Context) error, error) {
			pathToken := s.env("TALKTALK_PATH_TOKEN")
			if strings.Contains(pathToken, "/") {
				return nil, nil, errors.New("TALKTALK_PATH_TOKEN: must be one path segment, without a slash")
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
				talktalk.WithPathToken(pathToken),
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
