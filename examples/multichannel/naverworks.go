package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
)

// naverworksHandler answers NAVER WORKS callbacks. WORKS has no reply
// token: every answer is a send to the user or channel the event came from.
func naverworksHandler(secrets signature.SecretSet, client *naverworks.Client, obs Observer, opts ...naverworks.HandlerOption) (*naverworks.WebhookHandler, error) {
	return naverworks.NewWebhookHandler(secrets, func(ctx context.Context, ev naverworks.Event) error {
		in, ok := naverworks.ToIncoming(ev)
		if !ok {
			return nil
		}
		a := Answer{Platform: message.NaverWorks, In: in, Out: Bot(in)}
		if a.Out != nil {
			a.Err = naverworksSend(ctx, client, ev, a.Out, &a.Report)
		}
		obs.Observe(a)
		return a.Err
	}, opts...)
}

func naverworksSend(ctx context.Context, client *naverworks.Client, ev naverworks.Event, out message.Content, rep *message.Report) error {
	contents, r, err := naverworks.Render(out, message.RenderOptions{})
	*rep = r
	if err != nil {
		return err
	}
	for _, c := range contents {
		if _, err := client.Reply(ctx, ev, c); err != nil {
			return fmt.Errorf("sending to NAVER WORKS: %w", err)
		}
	}
	return nil
}

func naverworksConfig() platformConfig {
	return platformConfig{
		name: "NAVER WORKS",
		path: "/naverworks",
		required: []string{"NAVERWORKS_BOT_ID", "NAVERWORKS_BOT_SECRET", "NAVERWORKS_CLIENT_ID", "NAVERWORKS_CLIENT_SECRET",
			"NAVERWORKS_SERVICE_ACCOUNT", "NAVERWORKS_PRIVATE_KEY"},
		optional: []string{"NAVERWORKS_SCOPES"},
		mount: func(ctx context.Context, env func(string) string, obs Observer) (http.Handler, func(context.Context) error, error) {
			key, err := readKey(env("NAVERWORKS_PRIVATE_KEY"))
			if err != nil {
				return nil, nil, err
			}
			scopes := strings.Fields(strings.ReplaceAll(env("NAVERWORKS_SCOPES"), ",", " "))
			if len(scopes) == 0 {
				scopes = []string{"bot"}
			}
			ts, err := naverworks.TokenSource(ctx, naverworks.Credentials{
				ClientID:       env("NAVERWORKS_CLIENT_ID"),
				ClientSecret:   env("NAVERWORKS_CLIENT_SECRET"),
				ServiceAccount: env("NAVERWORKS_SERVICE_ACCOUNT"),
				PrivateKey:     key,
				Scopes:         scopes,
			})
			if err != nil {
				return nil, nil, err
			}
			botID := env("NAVERWORKS_BOT_ID")
			client, err := naverworks.New(botID, ts)
			if err != nil {
				return nil, nil, err
			}
			set, err := signature.NewSecretSet(env("NAVERWORKS_BOT_SECRET"))
			if err != nil {
				return nil, nil, err
			}
			h, err := naverworksHandler(set, client, obs, naverworks.WithBotID(botID))
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
	}
}
