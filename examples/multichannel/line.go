package main

import (
	"context"
	"net/http"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

func lineConfig() platformConfig {
	return platformConfig{
		name:     "LINE",
		pattern:  "/line",
		required: [][]string{{"LINE_CHANNEL_SECRET"}, {"LINE_CHANNEL_TOKEN"}},
		optional: []string{"LINE_CHANNEL_SECRET_PREVIOUS"},
		mount: func(ctx context.Context, s setup) (http.Handler, func(context.Context) error, error) {
			// Every webhook's X-Line-Signature is checked with the channel
			// secret (or, while rotating, the previous one).
			secrets := []string{s.env("LINE_CHANNEL_SECRET")}
			if prev := s.env("LINE_CHANNEL_SECRET_PREVIOUS"); prev != "" {
				secrets = append(secrets, prev)
			}
			set, err := signature.NewSecretSet(secrets...)
			if err != nil {
				return nil, nil, err
			}
			client, err := line.New(s.env("LINE_CHANNEL_TOKEN"), s.line...)
			if err != nil {
				return nil, nil, err
			}
			// The bot handler answers LINE at once and replies in the
			// background (LINE wants its webhook acknowledged within a
			// couple of seconds): the first 5 messages with the reply
			// token, the rest pushed.
			h, err := line.NewBotHandler(set, s.handler(),
				line.WithClient(client),
				line.WithMaxInFlight(64),
				line.WithErrorHandler(s.onError(message.LINE)),
			)
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
	}
}
