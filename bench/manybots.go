package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// manyBots is how many bots a multi-bot row's handler serves.
const manyBots = 1000

// manyBotsBudget is the most a request to a handler serving 1,000 bots may
// cost against one to a single-bot handler of the same package.
const manyBotsBudget = 1.05

// botRequest is one signed request for one bot.
type botRequest struct {
	target string
	body   []byte
	header http.Header
}

// manyBotsPairs compares, in process and over loopback, a multi-bot
// handler fed requests for each of its bots in turn with a single-bot
// handler of the same package fed as many distinct copies of its one
// bot's request: the difference is the bot's resolution (a cache hit:
// every bot is cached before the row starts) and each bot's own
// credentials and state, which 1,000 bots spread over the CPU caches
// where one bot's stay hot. single and multi must be mounted alike (the
// same ServeMux pattern) so that routing costs both the same. Every
// request on either side has a body and header of its own, as requests
// off the network do: a body shared by all of one side's requests would
// stay in the CPU caches for that side only.
func manyBotsPairs(platform string, single, multi http.Handler, one botRequest, many []botRequest) []pair {
	n := len(many)
	inOne, inMany := make([]*replay, n), make([]*replay, n)
	for k, q := range many {
		inOne[k] = newReplay(one.target, bytes.Clone(one.body), one.header.Clone())
		inMany[k] = newReplay(q.target, bytes.Clone(q.body), q.header.Clone())
	}
	warm := func(serve func(k int) error) error {
		for k := range n {
			if err := serve(k); err != nil {
				return fmt.Errorf("bot %d: %w", k, err)
			}
		}
		return nil
	}
	var i, j int
	inProcess := pair{
		name:    platform + " handler, 1,000 bots, in process",
		refName: "single-bot handler",
		ref:     func() error { err := inOne[i%n].serve(single); i++; return err },
		ours:    func() error { err := inMany[j%n].serve(multi); j++; return err },
		budget:  manyBotsBudget,
		allocs:  true,
		setup: func() (func(), error) {
			return func() {}, warm(func(k int) error { return inMany[k].serve(multi) })
		},
	}
	var refP, oursP []poster
	var a, b int
	loopback := pair{
		name:    platform + " handler, 1,000 bots, loopback",
		refName: "single-bot handler",
		ref:     func() error { err := refP[a%n].post(); a++; return err },
		ours:    func() error { err := oursP[b%n].post(); b++; return err },
		budget:  manyBotsBudget,
		setup: func() (func(), error) {
			rs, os := httptest.NewServer(single), httptest.NewServer(multi)
			refP, oursP = make([]poster, n), make([]poster, n)
			for k, q := range many {
				refP[k] = poster{c: rs.Client(), url: rs.URL + one.target, body: bytes.Clone(one.body), header: one.header.Clone()}
				oursP[k] = poster{c: os.Client(), url: os.URL + q.target, body: bytes.Clone(q.body), header: q.header.Clone()}
			}
			cleanup := func() { rs.Close(); os.Close() }
			if err := warm(func(k int) error { return oursP[k].post() }); err != nil {
				cleanup()
				return nil, err
			}
			return cleanup, nil
		},
	}
	return []pair{inProcess, loopback}
}

// mount puts h behind a ServeMux with pattern, as a server would.
func mount(pattern string, h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(pattern, h)
	return mux
}

// manyBotsPairsAll returns the many-bots rows of all five platforms.
func manyBotsPairsAll() ([]pair, error) {
	var ps []pair
	for _, f := range []func() ([]pair, error){lineManyBots, kakaoManyBots, talktalkManyBots, naverworksManyBots, clovaManyBots} {
		p, err := f()
		if err != nil {
			return nil, err
		}
		ps = append(ps, p...)
	}
	return ps, nil
}

// lineManyBots: the body's destination names the bot; each bot its own
// channel secret and client.
func lineManyBots() ([]pair, error) {
	fn := func(context.Context, *line.Callback) error { return nil }
	base := lineBody(1)
	bots := make([]*line.Bot, manyBots)
	many := make([]botRequest, manyBots)
	for k := range bots {
		id, secret := fmt.Sprintf("U%032x", k+1), "channel-secret-"+strconv.Itoa(k)
		cl, err := line.New("channel-token-" + strconv.Itoa(k))
		if err != nil {
			return nil, err
		}
		bots[k] = &line.Bot{ID: id, Secrets: signature.MustSecretSet(secret), Client: cl}
		body := []byte(strings.Replace(string(base), "U0123456789abcdef0123456789abcdef", id, 1))
		many[k] = botRequest{"/callback", body, http.Header{line.SignatureHeader: {linetest.SignBody(secret, body)}, "Content-Type": {"application/json"}}}
	}
	res, err := line.StaticBots(bots...)
	if err != nil {
		return nil, err
	}
	multi, err := line.NewMultiWebhookHandler(res, fn)
	if err != nil {
		return nil, err
	}
	single, err := line.NewWebhookHandler(signature.MustSecretSet("channel-secret-0"), fn)
	if err != nil {
		return nil, err
	}
	const pattern = "POST /callback"
	return manyBotsPairs("LINE", mount(pattern, single), mount(pattern, multi), many[0], many), nil
}

// kakaoManyBots: the body's bot.id names the bot; each bot its own
// header secret.
func kakaoManyBots() ([]pair, error) {
	resp := kakao.NewResponse(kakao.Text("hello"))
	fn := func(context.Context, *kakao.Request) (*kakao.Response, error) { return resp, nil }
	bots := make([]*kakao.Bot, manyBots)
	many := make([]botRequest, manyBots)
	for k := range bots {
		id, secret := "bench-bot-"+strconv.Itoa(k), "bench-secret-"+strconv.Itoa(k)
		cl, err := kakao.New()
		if err != nil {
			return nil, err
		}
		bots[k] = &kakao.Bot{ID: id, HeaderSecrets: signature.MustSecretSet(secret), Client: cl}
		body, err := json.Marshal(kakaotest.NewPayload(kakaotest.WithBotID(id), kakaotest.WithUtterance("오늘 날씨 어때?"), kakaotest.WithParam("sys_location", "서울")))
		if err != nil {
			return nil, err
		}
		many[k] = botRequest{"/skill", body, http.Header{kakao.DefaultSecretHeader: {secret}, "Content-Type": {"application/json"}}}
	}
	res, err := kakao.StaticBots(bots...)
	if err != nil {
		return nil, err
	}
	multi, err := kakao.NewMultiWebhookHandler(res, fn)
	if err != nil {
		return nil, err
	}
	single, err := kakao.NewWebhookHandler(fn, kakao.WithHeaderSecret(kakao.DefaultSecretHeader, signature.MustSecretSet("bench-secret-0")))
	if err != nil {
		return nil, err
	}
	const pattern = "POST /skill"
	return manyBotsPairs("Kakao", mount(pattern, single), mount(pattern, multi), many[0], many), nil
}

// talktalkManyBots: the path names the partner and carries its token,
// behind the allow-list.
func talktalkManyBots() ([]pair, error) {
	fn := func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil }
	allow, err := signature.NewAllowList([]string{"127.0.0.1", "211.249.40.0/27"})
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(talktalktest.Text("al-2eGuGr5WQOnco1_V-FQ", "주문한 상품은 언제 도착하나요?"))
	if err != nil {
		return nil, err
	}
	header := http.Header{"Content-Type": {"application/json;charset=UTF-8"}}
	bots := make([]*talktalk.Bot, manyBots)
	many := make([]botRequest, manyBots)
	for k := range bots {
		cl, err := talktalk.New("authorization-key-" + strconv.Itoa(k))
		if err != nil {
			return nil, err
		}
		id, token := fmt.Sprintf("partner-%06d", k), fmt.Sprintf("path-token-%06d", k)
		bots[k] = &talktalk.Bot{ID: id, Tokens: signature.MustSecretSet(token), Client: cl}
		many[k] = botRequest{"/talktalk/" + id + "/" + token, body, header}
	}
	res, err := talktalk.StaticBots(bots...)
	if err != nil {
		return nil, err
	}
	multi, err := talktalk.NewMultiWebhookHandler(res, fn, talktalk.WithBotPath("bot"), talktalk.WithAllowList(allow))
	if err != nil {
		return nil, err
	}
	single, err := talktalk.NewWebhookHandler(fn, talktalk.WithPathToken(signature.MustSecretSet("path-token-000000")), talktalk.WithAllowList(allow))
	if err != nil {
		return nil, err
	}
	// The single-bot handler ignores {bot}: the same pattern routes both.
	const pattern = "POST /talktalk/{bot}/{token}"
	return manyBotsPairs("TalkTalk", mount(pattern, single), mount(pattern, multi), many[0], many), nil
}

// naverworksManyBots: X-WORKS-BotId names the bot; each bot its own
// secret and client.
func naverworksManyBots() ([]pair, error) {
	fn := func(context.Context, naverworks.Event) error { return nil }
	ts := staticTokens{nil}
	bots := make([]*naverworks.Bot, manyBots)
	many := make([]botRequest, manyBots)
	for k := range bots {
		id := strconv.Itoa(3000000 + k)
		secret := "bench-secret-" + id
		cl, err := naverworks.New(id, ts)
		if err != nil {
			return nil, err
		}
		bots[k] = &naverworks.Bot{ID: id, Secrets: signature.MustSecretSet(secret), Client: cl}
		many[k] = botRequest{"/callback", naverworksBody, http.Header{
			"X-Works-Signature": {signature.SignHMACSHA256([]byte(secret), naverworksBody)},
			"X-Works-Botid":     {id},
			"Content-Type":      {"application/json"},
		}}
	}
	res, err := naverworks.StaticBots(bots...)
	if err != nil {
		return nil, err
	}
	multi, err := naverworks.NewMultiWebhookHandler(res, fn)
	if err != nil {
		return nil, err
	}
	single, err := naverworks.NewWebhookHandler(signature.MustSecretSet("bench-secret-3000000"), fn, naverworks.WithBotID("3000000"))
	if err != nil {
		return nil, err
	}
	const pattern = "POST /callback"
	return manyBotsPairs("NAVER WORKS", mount(pattern, single), mount(pattern, multi), many[0], many), nil
}

// clovaManyBots: the request's applicationId names the extension, after
// the RSA check every request gets.
func clovaManyBots() ([]pair, error) {
	fn := func(_ context.Context, req *clova.Request) (*clova.Response, error) {
		return clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.English, "hello"))), nil
	}
	bots := make([]*clova.Bot, manyBots)
	many := make([]botRequest, manyBots)
	for k := range bots {
		id := "com.example.extension" + strconv.Itoa(k)
		bots[k] = &clova.Bot{ID: id}
		body, err := json.Marshal(clovatest.Intent("OrderPizza", clovatest.WithApplicationID(id), clovatest.WithSlot("pizzaType", "pepperoni")))
		if err != nil {
			return nil, err
		}
		many[k] = botRequest{"/cek", body, http.Header{"Signaturecek": {clovatest.Sign(nil, body)}, "Content-Type": {"application/json"}}}
	}
	res, err := clova.StaticBots(bots...)
	if err != nil {
		return nil, err
	}
	multi, err := clova.NewMultiWebhookHandler(res, fn, clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		return nil, err
	}
	single, err := clova.NewWebhookHandler(bots[0].ID, fn, clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		return nil, err
	}
	const pattern = "POST /cek"
	return manyBotsPairs("CLOVA", mount(pattern, single), mount(pattern, multi), many[0], many), nil
}
