package hostile_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
)

// TestHostileInputsMultiBotCLOVA runs the corpus against the multi-bot
// handlers, each serving the corpus's bot among others: a hostile request
// gets what it gets from the single-bot handler. A request for a bot the
// handler does not serve is refused 401 (ErrUnknownBot), not 403, so the
// platform's forbidden request is left out.
func TestHostileInputsMultiBotCLOVA(t *testing.T) {
	t.Parallel()
	multi := map[string]func(t *testing.T, p *probe) (http.Handler, func(context.Context) error){
		"clova": func(t *testing.T, p *probe) (http.Handler, func(context.Context) error) {
			bots, err := clova.StaticBots(&clova.Bot{ID: "com.example.other"}, &clova.Bot{ID: clovaApp})
			if err != nil {
				t.Fatal(err)
			}
			h, err := clova.NewMultiWebhookHandler(bots, func(_ context.Context, req *clova.Request) (*clova.Response, error) {
				text := ""
				if ir, ok := req.Request.(*clova.IntentRequest); ok {
					if s, ok := ir.Intent.Slot("text"); ok {
						text = s.Value.String()
					}
				}
				return nil, p.ran(text)
			}, clova.WithPublicKey(clovatest.PublicKey()), clova.WithErrorHandler(p.onErr), clova.WithLogger(p.logger()))
			if err != nil {
				t.Fatal(err)
			}
			return h, h.Wait
		},
	}
	for _, base := range platforms(t) {
		build, ok := multi[base.name]
		if !ok {
			continue
		}
		p := *base
		p.handler, p.forbid = build, nil
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
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
		})
	}
}
