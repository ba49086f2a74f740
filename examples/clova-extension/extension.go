package main

import (
	"context"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/channelkit/channelkit/clova"
)

// config is what the extension needs; main fills it from the environment.
type config struct {
	extensionID string
	// keyURL, if set, replaces the embedded production key with the key
	// served at this URL.
	keyURL string
	// publicKey, if set, replaces the verification key (tests use the
	// clovatest key; production leaves it nil).
	publicKey *rsa.PublicKey
}

// newExtension returns the extension's handler.
func newExtension(cfg config, logger *slog.Logger) (*clova.WebhookHandler, error) {
	opts := []clova.HandlerOption{
		clova.WithLogger(logger),
		clova.WithErrorHandler(func(r *http.Request, err error) {
			logger.ErrorContext(r.Context(), "CEK request failed", "err", err)
		}),
	}
	switch {
	case cfg.publicKey != nil:
		opts = append(opts, clova.WithPublicKey(cfg.publicKey))
	case cfg.keyURL != "":
		opts = append(opts, clova.WithPublicKeyURL(cfg.keyURL, 0))
	}
	return clova.NewWebhookHandler(cfg.extensionID, pizzaShop(logger), opts...)
}

// pizzaShop is the extension's conversation.
func pizzaShop(logger *slog.Logger) clova.HandlerFunc {
	return func(ctx context.Context, req *clova.Request) (*clova.Response, error) {
		switch r := req.Request.(type) {
		case *clova.LaunchRequest:
			return ask("피자 가게입니다. 어떤 피자를 드릴까요?"), nil

		case *clova.IntentRequest:
			switch r.Intent.Name {
			case "OrderPizza":
				return order(r.Intent), nil
			case "Clova.GuideIntent":
				return ask("페퍼로니 피자 두 판, 처럼 말씀해 주세요."), nil
			default:
				return ask("잘 모르겠어요. 어떤 피자를 드릴까요?"), nil
			}

		case *clova.SessionEndedRequest:
			// The user left (or CLOVA closed the session). Nothing can be
			// said any more; an empty answer ends the exchange.
			logger.InfoContext(ctx, "session ended")
			return nil, nil
		default:
			// events and unknown request types: answered below
		}
		// Events and request types this extension does not use.
		return nil, nil
	}
}

// order answers an OrderPizza intent: it confirms a complete order and ends
// the session, or asks for the pizza type and keeps listening.
func order(intent clova.Intent) *clova.Response {
	kind, ok := intent.Slot("pizzaType")
	if !ok || kind.Value.Kind() == clova.SlotNull || kind.Value.String() == "" {
		return ask("어떤 피자를 드릴까요?")
	}
	count := 1
	if c, ok := intent.Slot("count"); ok {
		if n, err := c.Value.Float64(); err == nil && n >= 1 && n <= 20 {
			count = int(n)
		}
	}
	return clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.Korean,
		fmt.Sprintf("%s 피자 %d판 주문했어요. 감사합니다.", kind.Value.String(), count))))
}

// ask says text and keeps the session open for the answer, repeating the
// question once if the user stays silent.
func ask(text string) *clova.Response {
	resp := clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.Korean, text)))
	resp.Response.ShouldEndSession = false
	resp.Response.Reprompt = &clova.Reprompt{OutputSpeech: clova.SimpleSpeech(clova.PlainText(clova.Korean, text))}
	return resp
}
