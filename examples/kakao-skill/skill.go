package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/signature"
)

// config is what the skill needs; main fills it from the environment and
// tests fill it directly.
type config struct {
	header        string
	secrets       signature.SecretSet
	botIDs        []string
	callbackHosts []string

	// budget is how long a callback-enabled request waits for the answer
	// before it is answered with useCallback (0: kakao.DefaultCallbackBudget).
	budget time.Duration
	// think answers questions asked on callback-enabled blocks; it may be
	// slow.
	think func(ctx context.Context, question string) (string, error)
	// callbackHTTPClient delivers callbacks (nil: the kakao default).
	callbackHTTPClient *http.Client
}

// newSkillHandler returns the skill: an echo on ordinary blocks, and
// cfg.think on blocks with the AI-chatbot callback enabled.
func newSkillHandler(cfg config, logger *slog.Logger) (*kakao.WebhookHandler, error) {
	var cbOpts []kakao.Option
	if len(cfg.callbackHosts) > 0 {
		cbOpts = append(cbOpts, kakao.WithAllowedHosts(cfg.callbackHosts...))
	}
	if cfg.callbackHTTPClient != nil {
		cbOpts = append(cbOpts, kakao.WithHTTPClient(cfg.callbackHTTPClient))
	}
	cbOpts = append(cbOpts, kakao.WithLogger(logger))
	cb, err := kakao.New(cbOpts...)
	if err != nil {
		return nil, err
	}

	opts := []kakao.HandlerOption{
		kakao.WithHeaderSecret(cfg.header, cfg.secrets),
		kakao.WithClient(cb),
		// The waiting bubble: a block's callback text can show it as
		// {{#webhook.text}}.
		kakao.WithCallback(cfg.budget, &kakao.Response{Data: map[string]any{"text": "생각 중이에요. 잠시만 기다려 주세요."}}),
		// When something fails, the user sees this instead of an error.
		kakao.WithFallback(kakao.NewResponse(kakao.Text("죄송해요, 지금은 답할 수 없어요. 잠시 후 다시 시도해 주세요."))),
		kakao.WithErrorHandler(func(r *http.Request, err error) {
			logger.ErrorContext(r.Context(), "skill request failed", "err", err)
		}),
	}
	if len(cfg.botIDs) > 0 {
		opts = append(opts, kakao.WithBotIDs(cfg.botIDs...))
	}

	think := cfg.think
	return kakao.NewWebhookHandler(func(ctx context.Context, req *kakao.Request) (*kakao.Response, error) {
		utterance := req.UserRequest.Utterance
		if req.UserRequest.CallbackURL == "" {
			// An ordinary block: answer at once.
			resp := kakao.NewResponse(kakao.Text("you said: " + utterance))
			resp.Template.QuickReplies = []kakao.QuickReply{kakao.MessageQuickReply("도움말", "도움말")}
			return resp, nil
		}
		// A callback-enabled block: the answer may take longer than Kakao
		// waits. If think misses the budget, the handler has already
		// answered useCallback and this response goes to the callback URL.
		answer, err := think(ctx, utterance)
		if err != nil {
			return nil, err
		}
		return kakao.NewResponse(kakao.Text(answer)), nil
	}, opts...)
}

// thinkSlowly stands in for a slow backend (a language model, a search).
// Replace it with your own call; keep honouring ctx, which ends when the
// callback URL expires.
func thinkSlowly(ctx context.Context, question string) (string, error) {
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-t.C:
		return "오래 생각해 봤어요: " + question, nil
	}
}
