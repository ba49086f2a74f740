package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/message"
)

// answerer answers one bot's conversations: a Go handler or a CLOVA
// Chatbot domain. Every platform runs it through its NewMultiBotHandler,
// so it is written once, against the neutral model.
type answerer = message.Handler

// newEcho is the Go handler named "echo": a greeting (follow, join, a
// CEK launch) gets a welcome in two messages, a text its echo, a button
// press (postback) what was chosen, anything else a polite text. It says
// which bot answered (Incoming.BotID), to show that every bot is
// answered as itself.
func newEcho() answerer {
	return message.NewRouter().
		On(message.KindFollow, message.HandlerFunc(welcome)).
		On(message.KindJoin, message.HandlerFunc(welcome)).
		On(message.KindPostback, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			_, err := r.Reply(ctx, &message.Text{Text: "You chose: " + in.Data})
			return err
		})).
		On(message.KindMessage, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			t, ok := in.Content.(*message.Text)
			if !ok {
				_, err := r.Reply(ctx, &message.Text{Text: "I can read text only."})
				return err
			}
			_, err := r.Reply(ctx, &message.Text{Text: "You said: " + t.Text})
			return err
		}))
}

// welcome greets in two messages: on TalkTalk the first goes back in the
// webhook response and the second through the send API, with the bot's
// own authorization key.
func welcome(ctx context.Context, in *message.Incoming, r message.Responder) error {
	_, err := r.Reply(ctx,
		&message.Text{Text: "Hello from " + in.BotID + "!"},
		&message.Text{Text: "Say anything and I will say it back."},
	)
	return err
}

// Canned answers for when the chatbot cannot be asked.
const (
	chatbotSorry    = "죄송해요, 지금은 답할 수 없어요. 잠시 후 다시 시도해 주세요."
	chatbotTextOnly = "텍스트로 말씀해 주세요."
)

// chatbotTimeout bounds one question to the chatbot.
const chatbotTimeout = 20 * time.Second

// chatbot answers a bot's conversations with a CLOVA Chatbot domain: a
// greeting asks for the domain's welcome message (open), a text is sent
// as the user's utterance, a button press sends the button's data back
// (the chatbot's postback), and the answer's bubbles are turned into
// neutral content (clova.ToContent) that the platform renders. What the
// bubbles hold that the neutral model cannot goes to lost; what the
// platform cannot show is in the Reply's report, as for any handler.
type chatbot struct {
	client *clova.Client
	// lost is told what clova.ToContent could not carry over; never nil.
	lost func(ctx context.Context, in *message.Incoming, rep message.Report)
}

// Handle implements [message.Handler].
func (c *chatbot) Handle(ctx context.Context, in *message.Incoming, r message.Responder) error {
	if in.UserID == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, chatbotTimeout)
	defer cancel()
	var (
		resp *clova.ChatbotResponse
		err  error
	)
	switch in.Kind {
	case message.KindFollow, message.KindJoin:
		resp, err = c.client.Open(ctx, in.UserID)
	case message.KindPostback:
		resp, err = c.client.Send(ctx, in.UserID, in.Data)
	case message.KindMessage:
		t, ok := in.Content.(*message.Text)
		if !ok {
			_, err := r.Reply(ctx, &message.Text{Text: chatbotTextOnly})
			return err
		}
		resp, err = c.client.Send(ctx, in.UserID, t.Text)
	default:
		return nil
	}
	if err != nil {
		// Tell the user rather than leave them waiting.
		_, rerr := r.Reply(ctx, &message.Text{Text: chatbotSorry})
		return errors.Join(fmt.Errorf("asking the chatbot: %w", err), rerr)
	}
	contents, rep := clova.ToContent(resp.Bubbles)
	if !rep.Lossless() {
		c.lost(ctx, in, rep)
	}
	if len(contents) == 0 {
		return errors.New("the chatbot answered nothing that can be shown")
	}
	_, err = r.Reply(ctx, contents...)
	return err
}
