package hostile_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
)

// TestHostileInputsNaverWorksManyBots runs the hostile corpus against
// naverworks' multi-bot handler, which resolves the bot from the
// X-WORKS-BotId header before it verifies anything. Its bot-ID refusals
// are 401 (an unknown bot), tested in the package, so the corpus's 403
// cases do not apply.
func TestHostileInputsNaverWorksManyBots(t *testing.T) {
	t.Parallel()
	var base *platform
	for _, p := range platforms(t) {
		if p.name == "naverworks" {
			base = p
		}
	}
	if base == nil {
		t.Fatal("no naverworks platform in the corpus")
	}
	p := *base
	p.forbid, p.forbidTwice = nil, nil
	p.handler = func(t *testing.T, pr *probe) (http.Handler, func(context.Context) error) {
		bots, err := naverworks.StaticBots(
			&naverworks.Bot{ID: naverworkstest.BotID, Secrets: signature.MustSecretSet(worksSecret, worksPrevious)},
			&naverworks.Bot{ID: "2000002", Secrets: signature.MustSecretSet("another-bot-secret")},
		)
		if err != nil {
			t.Fatal(err)
		}
		h, err := naverworks.NewMultiWebhookHandler(bots,
			func(_ context.Context, ev naverworks.Event) error {
				text := ""
				if m, ok := ev.(*naverworks.MessageEvent); ok {
					if c, ok := m.Content.(*naverworks.TextContent); ok {
						text = c.Text
					}
				}
				return pr.ran(text)
			},
			naverworks.WithErrorHandler(pr.onErr), naverworks.WithLogger(pr.logger()))
		if err != nil {
			t.Fatal(err)
		}
		return h, h.Wait
	}
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			if c.skip != nil {
				if why := c.skip(&p); why != "" {
					t.Skip(why)
				}
			}
			t.Parallel()
			check(t, &p, &c)
		})
	}
}
