package hostile_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/signature"
)

// TestHostileInputsKakaoMulti runs the corpus against kakao's multi-bot
// handler serving the corpus's bot, with its header secrets on the Bot:
// a wrong credential is answered 401 there (as an unknown bot is), not
// 403. Unknown bots are tested in the kakao package.
func TestHostileInputsKakaoMulti(t *testing.T) {
	t.Parallel()
	var p *platform
	for _, q := range platforms(t) {
		if q.name == "kakao" {
			p = q
		}
	}
	if p == nil {
		t.Fatal("no kakao platform in the corpus")
	}
	p.authFails = http.StatusUnauthorized
	p.forbid, p.forbidTwice = nil, nil
	p.handler = func(t *testing.T, pr *probe) (http.Handler, func(context.Context) error) {
		bots, err := kakao.StaticBots(&kakao.Bot{ID: kakaoBot, HeaderSecrets: signature.MustSecretSet(kakaoSecret, kakaoPrevious)})
		if err != nil {
			t.Fatal(err)
		}
		h, err := kakao.NewMultiWebhookHandler(bots, func(_ context.Context, req *kakao.Request) (*kakao.Response, error) {
			if err := pr.ran(req.UserRequest.Utterance); err != nil {
				return nil, err
			}
			return &kakao.Response{Template: &kakao.Template{Outputs: []kakao.Output{kakao.Text("ok")}}}, nil
		}, kakao.WithErrorHandler(pr.onErr), kakao.WithLogger(pr.logger()), kakao.WithHeaderSecret(kakaoHeader, signature.MustSecretSet("unused-default")))
		if err != nil {
			t.Fatal(err)
		}
		return h, h.Wait
	}
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			if c.skip != nil {
				if why := c.skip(p); why != "" {
					t.Skip(why)
				}
			}
			t.Parallel()
			check(t, p, &c)
		})
	}
}
