package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// config is what the bridge needs; main fills it from the environment.
type config struct {
	// lineSecrets are the LINE channel secrets to accept, current first.
	lineSecrets []string
	lineToken   string
	invokeURL   string
	chatbotKey  string
}

// Canned replies for when the chatbot cannot be asked.
const (
	sorryText   = "죄송해요, 지금은 답할 수 없어요. 잠시 후 다시 시도해 주세요."
	textOnly    = "텍스트로 말씀해 주세요."
	emptyAnswer = "..."
)

// chatbotTimeout bounds one question to the chatbot; a LINE reply token
// stays usable for about a minute.
const chatbotTimeout = 20 * time.Second

// bridge answers LINE events with a CLOVA Chatbot domain.
type bridge struct {
	line    *line.Client
	chatbot *clova.Client
	log     *slog.Logger
}

// newBridge returns the LINE webhook handler. lineOpts and chatbotOpts are
// added to the clients' options (tests point them at fakes).
func newBridge(cfg config, logger *slog.Logger, lineOpts []line.Option, chatbotOpts []clova.Option) (*line.WebhookHandler, error) {
	secrets, err := signature.NewSecretSet(cfg.lineSecrets...)
	if err != nil {
		return nil, err
	}
	lc, err := line.New(cfg.lineToken, append([]line.Option{line.WithLogger(logger)}, lineOpts...)...)
	if err != nil {
		return nil, err
	}
	cb, err := clova.New(cfg.invokeURL, cfg.chatbotKey, append([]clova.Option{clova.WithLogger(logger)}, chatbotOpts...)...)
	if err != nil {
		return nil, err
	}
	b := &bridge{line: lc, chatbot: cb, log: logger}
	return line.NewWebhookHandler(secrets, b.handle,
		// Acknowledge LINE at once and ask the chatbot afterwards: LINE
		// wants its answer within about 2 seconds.
		line.WithAsync(),
		line.WithMaxInFlight(64),
		line.WithLogger(logger),
		line.WithErrorHandler(func(r *http.Request, err error) {
			logger.ErrorContext(r.Context(), "LINE webhook failed", "err", err)
		}),
	)
}

// handle answers every event of a callback.
func (b *bridge) handle(ctx context.Context, cb *line.Callback) error {
	var errs []error
	for _, ev := range cb.Events {
		if err := b.answer(ctx, ev); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// answer asks the chatbot about one event and replies with its answer.
func (b *bridge) answer(ctx context.Context, ev line.Event) error {
	in, ok := line.ToIncoming(ev)
	token := line.ReplyToken(ev)
	if !ok || token == "" || in.UserID == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, chatbotTimeout)
	defer cancel()

	var (
		resp *clova.ChatbotResponse
		err  error
	)
	switch in.Kind {
	case message.KindFollow:
		resp, err = b.chatbot.Open(ctx, in.UserID)
	case message.KindPostback:
		// A postback button of an earlier answer: its data is what the
		// chatbot wants back.
		resp, err = b.chatbot.Send(ctx, in.UserID, in.Data)
	case message.KindMessage:
		text, ok := in.Content.(*message.Text)
		if !ok {
			return b.reply(ctx, token, in.ConversationID, []message.Content{&message.Text{Text: textOnly}})
		}
		resp, err = b.chatbot.Send(ctx, in.UserID, text.Text)
	default:
		return nil
	}
	if err != nil {
		// Tell the user rather than leave them waiting; the reply token is
		// still good.
		return errors.Join(fmt.Errorf("asking the chatbot: %w", err),
			b.reply(ctx, token, in.ConversationID, []message.Content{&message.Text{Text: sorryText}}))
	}

	contents, rep := clova.ToContent(resp.Bubbles)
	if !rep.Lossless() {
		b.log.InfoContext(ctx, "chatbot answer not fully representable", "losses", rep.String())
	}
	return b.reply(ctx, token, in.ConversationID, contents)
}

// reply renders contents for LINE and sends them with the reply token,
// or pushes them to the conversation `to` when LINE refuses the token (the
// chatbot was slow, or the event waited for a free worker, and the token
// expired). Everything LINE cannot show is logged.
func (b *bridge) reply(ctx context.Context, token, to string, contents []message.Content) error {
	var (
		msgs []messaging_api.MessageInterface
		rep  message.Report
	)
	for i, c := range contents {
		path := fmt.Sprintf("[%d]", i)
		m, r, err := line.Render(c, message.RenderOptions{})
		if err != nil {
			// Content LINE cannot show at all (a CLOVA Flex bubble, say).
			rep.Add(path, message.Dropped, err.Error())
			continue
		}
		rep.Merge(path, r)
		msgs = append(msgs, m...)
	}
	if max := line.Capabilities.MaxMessagesPerReply; len(msgs) > max {
		rep.Addf(fmt.Sprintf("messages[%d:]", max), message.Dropped, "LINE replies hold at most %d messages", max)
		msgs = msgs[:max]
	}
	if !rep.Lossless() {
		b.log.InfoContext(ctx, "LINE could not show all of the answer", "losses", rep.String())
	}
	if len(msgs) == 0 {
		msgs = []messaging_api.MessageInterface{messaging_api.TextMessage{Text: emptyAnswer}}
	}
	_, err := b.line.Reply(ctx, token, msgs)
	var apiErr *line.APIError
	if errors.As(err, &apiErr) && apiErr.InvalidReplyToken() && to != "" {
		if _, err = b.line.Push(ctx, to, msgs); err != nil {
			return fmt.Errorf("pushing on LINE after the reply token was refused: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("replying on LINE: %w", err)
	}
	return nil
}
