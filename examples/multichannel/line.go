package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// lineFunc answers LINE webhooks: each event goes through Bot, the answer
// is rendered for LINE and sent with the event's reply token (or pushed,
// for events that carry none).
func lineFunc(client *line.Client, obs Observer) func(context.Context, *line.Callback) error {
	return func(ctx context.Context, cb *line.Callback) error {
		for _, ev := range cb.Events {
			in, ok := line.ToIncoming(ev)
			if !ok {
				continue
			}
			a := Answer{Platform: message.LINE, In: in, Out: Bot(in)}
			if a.Out != nil {
				a.Err = lineSend(ctx, client, ev, in, a.Out, &a.Report)
			}
			obs.Observe(a)
		}
		return nil
	}
}

func lineSend(ctx context.Context, client *line.Client, ev line.Event, in message.Incoming, out message.Content, rep *message.Report) error {
	msgs, r, err := line.Render(out, message.RenderOptions{})
	*rep = r
	if err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	if token := line.ReplyToken(ev); token != "" {
		_, err = client.Reply(ctx, token, msgs)
	} else {
		_, err = client.Push(ctx, in.ConversationID, msgs)
	}
	if err != nil {
		return fmt.Errorf("sending to LINE: %w", err)
	}
	return nil
}

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
			// Answer LINE at once and reply in the background: LINE wants
			// its webhook acknowledged within a couple of seconds.
			h, err := line.NewWebhookHandler(set, lineFunc(client, s.obs),
				line.WithAsync(),
				line.WithMaxInFlight(64),
				line.WithErrorHandler(func(r *http.Request, err error) { s.obs.Failed(message.LINE, r, err) }),
			)
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
	}
}
