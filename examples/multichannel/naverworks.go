package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
)

func naverworksConfig() platformConfig {
	return platformConfig{
		name:    "NAVER WORKS",
		pattern: "/naverworks/callback",
		required: [][]string{{"NAVERWORKS_CLIENT_ID"}, {"NAVERWORKS_CLIENT_SECRET"}, {"NAVERWORKS_SERVICE_ACCOUNT"},
			{"NAVERWORKS_PRIVATE_KEY", "NAVERWORKS_PRIVATE_KEY_FILE"}, {"NAVERWORKS_BOT_ID"}, {"NAVERWORKS_BOT_SECRET"}},
		optional: []string{"NAVERWORKS_SCOPES"},
		mount: func(ctx context.Context, s setup) (http.Handler, func(context.Context) error, error) {
			key, err := privateKey(s.env)
			if err != nil {
				return nil, nil, err
			}
			scopes := strings.Fields(strings.ReplaceAll(s.env("NAVERWORKS_SCOPES"), ",", " "))
			if len(scopes) == 0 {
				scopes = []string{"bot"}
			}
			ts, err := naverworks.TokenSource(ctx, naverworks.Credentials{
				ClientID:       s.env("NAVERWORKS_CLIENT_ID"),
				ClientSecret:   s.env("NAVERWORKS_CLIENT_SECRET"),
				ServiceAccount: s.env("NAVERWORKS_SERVICE_ACCOUNT"),
				PrivateKey:     key,
				Scopes:         scopes,
			}, s.naverworksToken...)
			if err != nil {
				return nil, nil, err
			}
			botID := s.env("NAVERWORKS_BOT_ID")
			client, err := naverworks.New(botID, ts, s.naverworks...)
			if err != nil {
				return nil, nil, err
			}
			// Every callback's X-WORKS-Signature is checked with the Bot
			// Secret, and its X-WORKS-BotId with the bot's ID.
			secrets, err := signature.NewSecretSet(s.env("NAVERWORKS_BOT_SECRET"))
			if err != nil {
				return nil, nil, err
			}
			// WORKS has no reply token: every reply is a send to the user
			// or channel the event came from.
			h, err := naverworks.NewBotHandler(secrets, s.handler(),
				naverworks.WithClient(client),
				naverworks.WithBotID(botID),
				naverworks.WithErrorHandler(s.onError(message.NaverWorks)),
			)
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
	}
}

// privateKey returns the Service Account's key: NAVERWORKS_PRIVATE_KEY
// (the PEM itself) or the contents of the file NAVERWORKS_PRIVATE_KEY_FILE
// names.
func privateKey(env func(string) string) (string, error) {
	key, file := env("NAVERWORKS_PRIVATE_KEY"), env("NAVERWORKS_PRIVATE_KEY_FILE")
	switch {
	case key != "" && file != "":
		return "", errors.New("set only one of NAVERWORKS_PRIVATE_KEY and NAVERWORKS_PRIVATE_KEY_FILE")
	case key != "":
		return key, nil
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("NAVERWORKS_PRIVATE_KEY_FILE: %w", err)
	}
	return string(pem), nil
}
