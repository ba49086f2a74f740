package main

import (
	"context"

	"github.com/channelkit/channelkit/message"
)

// answerer answers one bot's conversations: a Go handler, or a CLOVA
// Chatbot domain through clova.NewChatbotHandler. Every platform runs it through its NewMultiBotHandler,
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
