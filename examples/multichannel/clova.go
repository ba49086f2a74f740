package main

import (
	"context"
	"net/http"

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

// clovaFunc answers a CEK request with speech. CLOVA is synchronous and
// speech-only: cards, images and buttons are spoken or reported as lost.
func clovaFunc(obs Observer) clova.HandlerFunc {
	return func(ctx context.Context, req *clova.Request) (*clova.Response, error) {
		in, ok := clova.ToIncoming(req)
		if !ok {
			return nil, nil // device events: nothing to say
		}
		if ir, isIntent := req.Request.(*clova.IntentRequest); isIntent && ir.Intent.Name == utteranceIntent {
			if slot, ok := ir.Intent.Slots[utteranceSlot]; ok {
				in.Kind, in.Data = message.KindMessage, ""
				in.Content = &message.Text{Text: slot.Value.String()}
			}
		}
		a := Answer{Platform: message.Clova, In: in, Out: Bot(in)}
		var resp *clova.Response
		if a.Out != nil {
			resp, a.Report, a.Err = clova.Render(a.Out, message.RenderOptions{})
			if resp != nil {
				resp.Response.ShouldEndSession = false
			}
		}
		obs.Observe(a)
		return resp, a.Err
	}
}

func clovaConfig() platformConfig {
	return platformConfig{
		name:     "CLOVA",
		path:     "/clova",
		required: []string{"CLOVA_EXTENSION_ID"},
		mount: func(ctx context.Context, env func(string) string, obs Observer) (http.Handler, func(context.Context) error, error) {
			// Requests are verified with CLOVA's production key, embedded in
			// the clova package.
			h, err := clova.NewExtensionHandler(env("CLOVA_EXTENSION_ID"), clovaFunc(obs))
			if err != nil {
				return nil, nil, err
			}
			return h, nil, nil
		},
	}
}
