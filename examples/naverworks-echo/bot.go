package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
)

// config is what the bot needs; main fills it from the environment.
type config struct {
	creds     naverworks.Credentials
	botID     string
	botSecret string
}

// newBot returns the callback handler. tokenOpts and clientOpts are added
// to the token source's and the client's options (tests point them at a
// fake).
func newBot(cfg config, logger *slog.Logger, tokenOpts []naverworks.TokenOption, clientOpts []naverworks.Option) (*naverworks.WebhookHandler, error) {
	// TokenSource checks the key now and fetches nothing until the first
	// send; the context only carries values, so Background is right here.
	ts, err := naverworks.TokenSource(context.Background(), cfg.creds,
		append([]naverworks.TokenOption{naverworks.WithTokenLogger(logger)}, tokenOpts...)...)
	if err != nil {
		return nil, err
	}
	// One logger option for the client and the handler: it is a
	// naverworks.SharedOption.
	logOpt := naverworks.WithLogger(logger)
	client, err := naverworks.New(cfg.botID, ts, append([]naverworks.Option{logOpt}, clientOpts...)...)
	if err != nil {
		return nil, err
	}
	secrets, err := signature.NewSecretSet(cfg.botSecret)
	if err != nil {
		return nil, err
	}
	return naverworks.NewWebhookHandler(secrets, func(ctx context.Context, ev naverworks.Event) error {
		reply := answer(ev)
		if reply == nil {
			return nil
		}
		if _, err := client.Reply(ctx, ev, reply); err != nil {
			return fmt.Errorf("replying to %s: %w", ev.Type(), err)
		}
		return nil
	},
		naverworks.WithBotID(cfg.botID),
		logOpt,
		naverworks.WithErrorHandler(func(r *http.Request, err error) {
			logger.ErrorContext(r.Context(), "callback failed", "err", err)
		}),
	)
}

// answer is the bot: what to send back for ev, or nil for nothing.
func answer(ev naverworks.Event) naverworks.Content {
	switch ev := ev.(type) {
	case *naverworks.MessageEvent:
		switch c := ev.Content.(type) {
		case *naverworks.TextContent:
			return &naverworks.Text{Text: "echo: " + c.Text}
		case *naverworks.StickerContent:
			return &naverworks.Text{Text: "nice sticker! I can only echo text."}
		default:
			return &naverworks.Text{Text: "I can only echo text."}
		}
	case *naverworks.PostbackEvent:
		return &naverworks.Text{Text: "you chose: " + ev.Data}
	case *naverworks.JoinEvent:
		return &naverworks.Text{Text: "Hello, everyone! Say something and I will echo it."}
	default:
		// other events need no answer
	}
	return nil
}
