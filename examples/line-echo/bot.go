package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// config is what the bot needs; main fills it from the environment.
type config struct {
	// secrets are the channel secrets to accept, current first.
	secrets []string
	// token is a channel access token pasted from the console; when it
	// is empty, creds issue tokens that renew themselves.
	token string
	creds line.Credentials
	// tokenOpts are added to the token source's options (tests point it
	// at a fake).
	tokenOpts []line.TokenOption
}

// String describes the configuration without its secrets, token or key:
// fmt would otherwise print them, since it reaches unexported fields
// without calling their own redacting methods.
func (c config) String() string {
	return fmt.Sprintf("line-echo config{%d channel secrets, pasted token: %t, channel %s}", len(c.secrets), c.token != "", c.creds.ChannelID)
}

// Redelivered events are recognised for this long. LINE's redelivery
// schedule is not published; ten minutes covers the retries seen in
// practice, and a deployment on several machines should put a shared
// store behind message.Deduper instead.
const (
	dedupeTTL  = 10 * time.Minute
	dedupeKeys = 100_000
)

// newBot returns the webhook handler. clientOpts are added to the LINE
// client's options (tests point it at a fake).
func newBot(cfg config, logger *slog.Logger, clientOpts []line.Option) (*line.WebhookHandler, error) {
	client, err := newClient(cfg, logger, clientOpts)
	if err != nil {
		return nil, err
	}
	return newHandler(cfg, client, logger)
}

// newClient returns the LINE client: with the pasted token, or with a
// token source that issues v2.1 tokens from the channel's assertion key
// and renews them before they expire.
func newClient(cfg config, logger *slog.Logger, clientOpts []line.Option) (*line.Client, error) {
	opts := append([]line.Option{line.WithLogger(logger)}, clientOpts...)
	if cfg.token != "" {
		return line.New(cfg.token, opts...)
	}
	ts, err := line.TokenSource(context.Background(), cfg.creds, append([]line.TokenOption{line.WithTokenLogger(logger)}, cfg.tokenOpts...)...)
	if err != nil {
		return nil, err
	}
	return line.New("", append(opts, line.WithTokenSource(ts))...)
}

// newHandler returns the webhook handler answering with client.
func newHandler(cfg config, client *line.Client, logger *slog.Logger) (*line.WebhookHandler, error) {
	secrets, err := signature.NewSecretSet(cfg.secrets...)
	if err != nil {
		return nil, err
	}
	dedupe, err := message.NewMemoryDeduper(dedupeTTL, dedupeKeys)
	if err != nil {
		return nil, err
	}
	return line.NewWebhookHandler(secrets, func(ctx context.Context, cb *line.Callback) error {
		var errs []error
		for _, ev := range cb.Events {
			if err := answer(ctx, client, ev); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	},
		line.WithAsync(),
		line.WithMaxInFlight(64),
		line.WithDeduper(dedupe),
		line.WithLogger(logger),
		line.WithErrorHandler(func(r *http.Request, err error) {
			logger.ErrorContext(r.Context(), "LINE webhook failed", "err", err)
		}),
	)
}

// answer replies to one event.
func answer(ctx context.Context, client *line.Client, ev line.Event) error {
	msgs := echo(ev)
	token := line.ReplyToken(ev)
	if len(msgs) == 0 || token == "" {
		return nil
	}
	_, err := client.Reply(ctx, token, msgs)
	var apiErr *line.APIError
	if errors.As(err, &apiErr) && apiErr.InvalidReplyToken() {
		// The token expired or was used (a late redelivery, say): push
		// to the same conversation instead.
		in, ok := line.ToIncoming(ev)
		if !ok || in.ConversationID == "" {
			return fmt.Errorf("reply token refused and nowhere to push: %w", err)
		}
		_, err = client.Push(ctx, in.ConversationID, msgs)
	}
	if err != nil {
		return fmt.Errorf("answering %s: %w", ev.Type(), err)
	}
	return nil
}

// echo is the bot: what to answer ev with, or nothing.
func echo(ev line.Event) []messaging_api.MessageInterface {
	text := func(s string) []messaging_api.MessageInterface {
		return []messaging_api.MessageInterface{messaging_api.TextMessage{Text: s}}
	}
	switch ev := ev.(type) {
	case *line.MessageEvent:
		if t, ok := ev.Message.(*line.TextContent); ok {
			return text(t.Text)
		}
		return text("I can only echo text.")
	case *line.FollowEvent:
		return text("Thanks for adding me! Send me a message and I will echo it.")
	case *line.PostbackEvent:
		return text("you chose: " + ev.Postback.Data)
	default:
		// other events need no answer
	}
	return nil
}
