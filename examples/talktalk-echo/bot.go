package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
)

// config is what the bot needs; main fills it from the environment.
type config struct {
	authorizationKey string
	pathTokens       []string // the current token, then the previous one while rotating
	trustedProxies   []string
}

// handoverKeyword in a user's text asks for a human agent.
const handoverKeyword = "상담원"

// What the bot says.
const (
	welcome      = "안녕하세요! 무엇이든 말씀해 주세요. 상담원 연결을 원하시면 '상담원'이라고 입력해 주세요."
	connecting   = "상담원에게 연결해 드릴게요. 잠시만 기다려 주세요."
	noAgent      = "지금은 상담원을 연결할 수 없어요. 잠시 후 다시 시도해 주세요."
	botIsBack    = "상담이 끝났어요. 다시 챗봇이 도와드릴게요."
	textOnlyEcho = "텍스트만 따라 할 수 있어요."
)

// newBot returns the webhook handler. clientOpts are added to the send API
// client's options (tests point it at a fake).
func newBot(cfg config, logger *slog.Logger, clientOpts []talktalk.Option) (*talktalk.WebhookHandler, error) {
	client, err := talktalk.New(cfg.authorizationKey, append([]talktalk.Option{talktalk.WithLogger(logger)}, clientOpts...)...)
	if err != nil {
		return nil, err
	}
	var allowOpts []signature.AllowOption
	if len(cfg.trustedProxies) > 0 {
		allowOpts = append(allowOpts, signature.WithTrustedProxies(cfg.trustedProxies...))
	}
	allow, err := signature.NewTalkTalkAllowList(allowOpts...)
	if err != nil {
		return nil, fmt.Errorf("TALKTALK_TRUSTED_PROXIES: %w", err)
	}
	tokens, err := signature.NewSecretSet(cfg.pathTokens...)
	if err != nil {
		return nil, fmt.Errorf("TALKTALK_PATH_TOKEN: %w", err)
	}
	b := &bot{send: client, handover: client, log: logger}
	return talktalk.NewWebhookHandler(b.answer,
		talktalk.WithAllowList(allow),
		talktalk.WithPathToken(tokens),
		// A reply that misses the webhook budget is sent through the API.
		talktalk.WithLateReplyClient(client),
		talktalk.WithLogger(logger),
		talktalk.WithErrorHandler(func(r *http.Request, err error) {
			logger.ErrorContext(r.Context(), "TalkTalk webhook failed", "err", err)
		}),
	)
}

// bot answers TalkTalk events.
type bot struct {
	send *talktalk.Client
	// handover is the platform-neutral hand-over; *talktalk.Client
	// implements it with pass/take thread.
	handover message.Handover
	log      *slog.Logger
}

// answer is the webhook function: the event it returns is the
// synchronous reply, nil answers an empty 200.
func (b *bot) answer(ctx context.Context, ev talktalk.Event) (talktalk.Event, error) {
	switch ev := ev.(type) {
	case *talktalk.OpenEvent:
		return textReply(welcome), nil

	case *talktalk.SendEvent:
		if ev.Standby {
			// A human agent holds the thread: stay out of it.
			return nil, nil
		}
		if ev.Text == nil {
			return textReply(textOnlyEcho), nil
		}
		if strings.Contains(ev.Text.Text, handoverKeyword) {
			return b.passToAgent(ctx, ev.User)
		}
		return textReply(ev.Text.Text), nil

	case *talktalk.HandoverEvent:
		// The agent finished and passed the thread back to the bot.
		if ev.Options.Control == talktalk.PassThread {
			if _, err := b.send.SendText(ctx, ev.User, botIsBack); err != nil {
				return nil, fmt.Errorf("greeting after hand-over: %w", err)
			}
		}
		return nil, nil
	default:
		// the rest need no answer: see below
	}
	// Echo events (copies of what the bot or an agent sent), friend,
	// leave, profile and the rest need no answer. Never answer an echo:
	// that loops.
	return nil, nil
}

// passToAgent tells the user an agent is coming and passes the thread.
// The notice goes first: once the thread is passed, the bot no longer
// speaks in it.
func (b *bot) passToAgent(ctx context.Context, user string) (talktalk.Event, error) {
	if _, err := b.send.SendText(ctx, user, connecting); err != nil {
		return nil, fmt.Errorf("announcing hand-over: %w", err)
	}
	if err := b.handover.PassToHuman(ctx, user); err != nil {
		// Hand-over switched off in Partner Center, say. The user is
		// still talking to the bot, so tell them.
		b.log.ErrorContext(ctx, "hand-over failed", "err", err)
		return textReply(noAgent), nil
	}
	return nil, nil
}

func textReply(text string) *talktalk.SendEvent {
	return &talktalk.SendEvent{Content: talktalk.Content{Text: &talktalk.TextContent{Text: text}}}
}
