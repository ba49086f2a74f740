package main

import (
	"context"
	"net/http"
	"strconv"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/message"
)

// utteranceIntent is the intent of this bot's interaction model that
// carries what the user said, whole, in its utteranceSlot (a free-speech
// slot); CEK sends analysed intents, never the raw utterance.
const (
	utteranceIntent = "FreeSpeechIntent"
	utteranceSlot   = "utterance"
)

// clovaSpeech is CLOVA's middleware: it hands the bot what the user said
// as a text message, as every other platform does, and keeps the session
// open. The clova bot handler ends the session after each answer unless
// the conversation holds state: here the state counts the turns.
func clovaSpeech(next message.Handler) message.Handler {
	return message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		if req, ok := in.Raw.(*clova.Request); ok {
			if ir, ok := req.Request.(*clova.IntentRequest); ok && ir.Intent.Name == utteranceIntent {
				if slot, ok := ir.Intent.Slots[utteranceSlot]; ok {
					in.Kind, in.Data = message.KindMessage, ""
					in.Content = &message.Text{Text: slot.Value.String()}
				}
			}
		}
		if c := message.ConversationFrom(ctx); c != nil && in.Kind != message.KindOther {
			n, _ := strconv.Atoi(string(c.Value()))
			c.Set([]byte(strconv.Itoa(n + 1)))
		}
		return next.Handle(ctx, in, r)
	})
}

func clovaConfig() platformConfig {
	return platformConfig{
		name:     "CLOVA",
		pattern:  "/clova",
		required: [][]string{{"CLOVA_EXTENSION_ID"}},
		optional: []string{"CLOVA_PUBLIC_KEY_URL"},
		mount: func(ctx context.Context, s setup) (http.Handler, func(context.Context) error, error) {
			// Every request's SignatureCEK is verified with CLOVA's key
			// (embedded in the clova package, or fetched from
			// CLOVA_PUBLIC_KEY_URL), and its application ID checked. The
			// bot's replies are spoken in the response.
			opts := []clova.HandlerOption{clova.WithErrorHandler(s.onError(message.Clova))}
			if u := s.env("CLOVA_PUBLIC_KEY_URL"); u != "" {
				opts = append(opts, clova.WithPublicKeyURL(u, 0))
			}
			h, err := clova.NewBotHandler(s.env("CLOVA_EXTENSION_ID"), s.handler(clovaSpeech), append(opts, s.clova...)...)
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
	}
}
