package hostile_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/signature"
)

// noBotNamed are the cases whose body names no bot a multi-bot handler
// can resolve (LINE's destination cannot be found in it): the request is
// for an unknown bot, answered 401 before anything in the body is
// trusted, where a single-bot handler verifies the body and then finds it
// malformed (400) or an empty batch (200).
var noBotNamed = map[string]bool{
	"body_empty": true, "body_null": true, "body_array": true, "body_empty_object": true,
	"body_string": true, "body_number": true, "body_bom": true, "utf8_invalid_outside_string": true,
	"nested_arrays": true, "nested_objects": true,
}

// TestHostileInputsMultiBot runs the corpus against LINE's multi-bot
// handler, serving the bot the corpus's bodies are for among others.
func TestHostileInputsMultiBot(t *testing.T) {
	t.Parallel()
	var single *platform
	for _, p := range platforms(t) {
		if p.name == "line" {
			single = p
		}
	}
	if single == nil {
		t.Fatal("no line platform in the corpus")
	}
	multi := *single
	multi.handler = func(t *testing.T, p *probe) (http.Handler, func(context.Context) error) {
		bots, err := line.StaticBots(
			&line.Bot{ID: "U0000000000000000000000000000000a", Secrets: signature.MustSecretSet("another-bots-secret")},
			&line.Bot{ID: linetest.Destination, Secrets: signature.MustSecretSet(lineSecret, linePrevious)},
		)
		if err != nil {
			t.Fatal(err)
		}
		h, err := line.NewMultiWebhookHandler(bots, func(_ context.Context, cb *line.Callback) error {
			text := ""
			if len(cb.Events) > 0 {
				if ev, ok := cb.Events[0].(*line.MessageEvent); ok {
					if m, ok := ev.Message.(*line.TextContent); ok {
						text = m.Text
					}
				}
			}
			return p.ran(text)
		}, line.WithErrorHandler(p.onErr), line.WithLogger(p.logger()))
		if err != nil {
			t.Fatal(err)
		}
		return h, h.Wait
	}
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			if c.skip != nil {
				if why := c.skip(&multi); why != "" {
					t.Skip(why)
				}
			}
			t.Parallel()
			if noBotNamed[c.name] {
				c.wantBy = map[string]int{"line": http.StatusUnauthorized}
			}
			check(t, &multi, &c)
		})
	}
}
