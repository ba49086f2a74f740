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
		pattern:  "/clova",
		required: [][]string{{"CLOVA_EXTENSION_ID"}},
		optional: []string{"CLOVA_PUBLIC_KEY_URL"},
		mount: func(ctx context.Context, s setup) (http.Handler, func(context.Context) error, error) {
			// Every request's SignatureCEK is verified with CLOVA's key
			// (embedded in the clova package, or fetched from
			// CLOVA_PUBLIC_KEY_URL), and its application ID checked.
			opts := []clova.HandlerOption{
				clova.WithErrorHandler(func(r *http.Request, err error) { s.obs.Failed(message.Clova, r, err) }),
			}
			if u := s.env("CLOVA_PUBLIC_KEY_URL"); u != "" {
				opts = append(opts, clova.WithPublicKeyURL(u, 0))
			}
			h, err := clova.NewWebhookHandler(s.env("CLOVA_EXTENSION_ID"), clovaFunc(s.obs), append(opts, s.clova...)...)
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
	}
}
