package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/internal/benchref"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// hello answers every message with a fixed text, as the references answer
// a fixed reply.
var hello = message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
	_, err := r.Reply(ctx, &message.Text{Text: "hello"})
	return err
})

// botPairs is NewBotHandler answering a fixed text against the stdlib
// reference answering a fixed reply, in process and on loopback.
func botPairs(name, target string, body []byte, header http.Header, ref, bot http.Handler) []pair {
	return sidePairs(name+" NewBotHandler", "stdlib", target, body, header, ref, bot, 1.1)
}

// clientPair is a client's send against a raw POST of the same body, each
// to its own loopback server answering answer with status code.
func clientPair(name string, code int, answer string, send func(base string, hc *http.Client) (func() error, error), raw func(base string, hc *http.Client) func() error) pair {
	var ours, ref func() error
	return pair{
		name:    name + ", loopback",
		refName: "raw net/http POST",
		ref:     func() error { return ref() },
		ours:    func() error { return ours() },
		budget:  1.1,
		setup: func() (func(), error) {
			srv := func() *httptest.Server {
				return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_, _ = io.Copy(io.Discard, r.Body)
					w.Header().Set("Content-Type", "application/json;charset=UTF-8")
					w.WriteHeader(code)
					_, _ = io.WriteString(w, answer)
				}))
			}
			rs, os := srv(), srv()
			cleanup := func() { rs.Close(); os.Close() }
			var err error
			if ours, err = send(os.URL, os.Client()); err != nil {
				cleanup()
				return nil, err
			}
			ref = raw(rs.URL, rs.Client())
			return cleanup, nil
		},
	}
}

// rawSend posts body with header and checks the status; the answer is
// decoded when it has one.
func rawSend(hc *http.Client, url string, body []byte, header http.Header, code int) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	out, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	if res.StatusCode != code {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	if len(out) == 0 {
		return nil
	}
	var v map[string]json.RawMessage
	return json.Unmarshal(out, &v)
}

func kakaoPairs() ([]pair, error) {
	body, err := json.Marshal(kakaotest.NewPayload(kakaotest.WithUtterance("오늘 날씨 어때?"), kakaotest.WithParam("sys_location", "서울")))
	if err != nil {
		return nil, err
	}
	header := http.Header{"Content-Type": {"application/json"}}
	resp := kakao.NewResponse(kakao.Text("hello"))
	ours, err := kakao.NewWebhookHandler(func(context.Context, *kakao.Request) (*kakao.Response, error) { return resp, nil })
	if err != nil {
		return nil, err
	}
	bot, err := kakao.NewBotHandler(hello)
	if err != nil {
		return nil, err
	}
	ps := handlerPairs("Kakao", "/skill", body, header, benchref.Kakao(), ours, 1.1)
	ps = append(ps, botPairs("Kakao", "/skill", body, header, benchref.Kakao(), bot)...)
	out := kakao.NewResponse(kakao.Text("오래 생각한 답"))
	outBody, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	const answer = `{"taskId":"00000000-0000-0000-0000-000000000000","status":"SUCCESS","message":"OK","timestamp":1700000000000}`
	ps = append(ps, clientPair("Kakao Client.Send (callback)", http.StatusOK, answer,
		func(base string, hc *http.Client) (func() error, error) {
			c, err := kakao.New(kakao.WithHTTPClient(hc))
			if err != nil {
				return nil, err
			}
			u := base + kakaotest.CallbackPath + "benchmark-token"
			return func() error { _, err := c.Send(context.Background(), u, out); return err }, nil
		},
		func(base string, hc *http.Client) func() error {
			return func() error {
				return rawSend(hc, base+kakaotest.CallbackPath+"benchmark-token", outBody, header, http.StatusOK)
			}
		}))
	return ps, nil
}

func talktalkPairs() ([]pair, error) {
	body, err := json.Marshal(talktalktest.Text("al-2eGuGr5WQOnco1_V-FQ", "주문한 상품은 언제 도착하나요?"))
	if err != nil {
		return nil, err
	}
	header := http.Header{"Content-Type": {"application/json;charset=UTF-8"}}
	allow, err := signature.NewAllowList([]string{"127.0.0.1", "211.249.40.0/27"})
	if err != nil {
		return nil, err
	}
	ours, err := talktalk.NewWebhookHandler(func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil }, talktalk.WithAllowList(allow))
	if err != nil {
		return nil, err
	}
	bot, err := talktalk.NewBotHandler(hello, talktalk.WithAllowList(allow))
	if err != nil {
		return nil, err
	}
	ref := benchref.TalkTalk()
	ps := handlerPairs("TalkTalk", "/talktalk", body, header, ref, ours, 1.1)
	ps = append(ps, botPairs("TalkTalk", "/talktalk", body, header, ref, bot)...)
	ev := &talktalk.SendEvent{User: "al-2eGuGr5WQOnco1_V-FQ", Content: talktalk.Content{Text: &talktalk.TextContent{Text: "주문이 접수되었습니다. 배송이 시작되면 알려드릴게요."}}}
	evBody, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	const key = "ct_bench_key"
	sendHeader := http.Header{"Content-Type": {"application/json;charset=UTF-8"}, "Authorization": {key}}
	ps = append(ps, clientPair("TalkTalk Client.Send", http.StatusOK, `{"success":true,"resultCode":"00"}`,
		func(base string, hc *http.Client) (func() error, error) {
			c, err := talktalk.New(key, talktalk.WithBaseURL(base+"/chatbot/v1/"), talktalk.WithHTTPClient(hc))
			if err != nil {
				return nil, err
			}
			return func() error { _, err := c.Send(context.Background(), ev); return err }, nil
		},
		func(base string, hc *http.Client) func() error {
			return func() error { return rawSend(hc, base+talktalktest.EventPath, evBody, sendHeader, http.StatusOK) }
		}))
	return ps, nil
}

const naverworksSecret = "bench-bot-secret"

var naverworksBody = []byte(`{"type":"message","source":{"userId":"c72af563-0f21-4736-11e4-045237113344","channelId":"12345a12-b12c-12d3-e123fghijkl","domainId":40029600},"issuedTime":"2022-01-04T05:16:05.716Z","content":{"type":"text","text":"hello, 안녕하세요"}}`)

// staticTokens is a warm token source for the send rows: token lookups
// have rows of their own.
type staticTokens struct{ tok *oauth2.Token }

func (s staticTokens) Token() (*oauth2.Token, error) { return s.tok, nil }

func naverworksPairs() ([]pair, error) {
	header := http.Header{
		"X-Works-Signature": {signature.SignHMACSHA256([]byte(naverworksSecret), naverworksBody)},
		"X-Works-Botid":     {naverworkstest.BotID},
		"Content-Type":      {"application/json"},
	}
	ours, err := naverworks.NewWebhookHandler(signature.MustSecretSet(naverworksSecret), func(context.Context, naverworks.Event) error { return nil }, naverworks.WithBotID(naverworkstest.BotID))
	if err != nil {
		return nil, err
	}
	ps := handlerPairs("NAVER WORKS", "/callback", naverworksBody, header, benchref.NaverWorks([]byte(naverworksSecret), naverworkstest.BotID), ours, 1.1)
	bot, glue, err := naverworksBotPair()
	if err != nil {
		return nil, err
	}
	ps = append(ps, sidePairs("NAVER WORKS NewBotHandler", "WebhookHandler + hand-written glue", "/callback", naverworksBody, header, glue, bot, 1.05)...)
	const user = "c72af563-0f21-4736-11e4-045237113344"
	text := &naverworks.Text{Text: "Hello, world! 안녕하세요 👋"}
	body := []byte(`{"content":{"type":"text","text":"Hello, world! 안녕하세요 👋"}}`)
	sendHeader := http.Header{"Authorization": {"Bearer bench-token"}, "Content-Type": {"application/json"}}
	ps = append(ps, clientPair("NAVER WORKS Client.SendToUser", http.StatusCreated, "",
		func(base string, hc *http.Client) (func() error, error) {
			c, err := naverworks.New(naverworkstest.BotID, staticTokens{&oauth2.Token{AccessToken: "bench-token", TokenType: "Bearer"}},
				naverworks.WithBaseURL(base+"/v1.0/"), naverworks.WithHTTPClient(hc))
			if err != nil {
				return nil, err
			}
			return func() error { _, err := c.SendToUser(context.Background(), user, text); return err }, nil
		},
		func(base string, hc *http.Client) func() error {
			u := base + "/v1.0/bots/" + naverworkstest.BotID + "/users/" + user + "/messages"
			return func() error { return rawSend(hc, u, body, sendHeader, http.StatusCreated) }
		}))
	return ps, nil
}

func clovaPairs() ([]pair, error) {
	req := clovatest.Intent("OrderPizza", clovatest.WithSlot("pizzaType", "pepperoni"), clovatest.WithSlot("count", 3),
		clovatest.WithSessionAttributes(map[string]any{"step": 2}), clovatest.WithAccessToken("tok"))
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	header := http.Header{"Signaturecek": {clovatest.Sign(nil, body)}, "Content-Type": {"application/json"}}
	ours, err := clova.NewWebhookHandler(clovatest.ApplicationID, func(_ context.Context, req *clova.Request) (*clova.Response, error) {
		ir := req.Request.(*clova.IntentRequest)
		return clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.English, ir.Intent.Name))), nil
	}, clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		return nil, err
	}
	bot, err := clova.NewBotHandler(clovatest.ApplicationID, hello, clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		return nil, err
	}
	ref := benchref.Clova(clovatest.PublicKey(), clovatest.ApplicationID)
	ps := handlerPairs("CLOVA", "/cek", body, header, ref, ours, 1.1)
	ps = append(ps, botPairs("CLOVA", "/cek", body, header, ref, bot)...)
	const answer = `{"version":"v2","userId":"user-1","timestamp":1700000000000,"bubbles":[{"type":"text","data":{"description":"9시부터 6시까지예요."}}],"event":"send"}`
	sendBody := []byte(`{"version":"v2","userId":"user-1","timestamp":1700000000000,"bubbles":[{"type":"text","data":{"description":"영업시간?"}}],"event":"send"}`)
	ps = append(ps, clientPair("CLOVA chatbot Client.Send", http.StatusOK, answer,
		func(base string, hc *http.Client) (func() error, error) {
			c, err := clova.New(base, "bench-secret", clova.WithHTTPClient(hc))
			if err != nil {
				return nil, err
			}
			return func() error { _, err := c.Send(context.Background(), "user-1", "영업시간?"); return err }, nil
		},
		func(base string, hc *http.Client) func() error {
			h := http.Header{"Content-Type": {"application/json; charset=UTF-8"}, clova.ChatbotSignatureHeader: {clova.SignChatbotBody("bench-secret", sendBody)}}
			return func() error { return rawSend(hc, base, sendBody, h, http.StatusOK) }
		}))
	return ps, nil
}

// answerBot is the Bot API answering every send 201 in process, so that
// the bot rows measure the handlers, not loopback.
type answerBot struct{}

func (answerBot) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusCreated, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

// naverworksBotPair returns a BotHandler answering every message with a
// fixed text, and the same bot written by hand on NewWebhookHandler
// (ToIncoming, Render, one Client.Reply per message), each with a client
// of its own.
func naverworksBotPair() (bot, glue http.Handler, err error) {
	newClient := func() (*naverworks.Client, error) {
		return naverworks.New(naverworkstest.BotID, staticTokens{&oauth2.Token{AccessToken: "bench-token", TokenType: "Bearer"}},
			naverworks.WithBaseURL("https://bench.invalid/v1.0/"), naverworks.WithHTTPClient(&http.Client{Transport: answerBot{}}))
	}
	answer := &message.Text{Text: "hello"}
	set := signature.MustSecretSet(naverworksSecret)
	bc, err := newClient()
	if err != nil {
		return nil, nil, err
	}
	bh, err := naverworks.NewBotHandler(set, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		if in.Kind != message.KindMessage {
			return nil
		}
		_, err := r.Reply(ctx, answer)
		return err
	}), naverworks.WithClient(bc), naverworks.WithBotID(naverworkstest.BotID))
	if err != nil {
		return nil, nil, err
	}
	gc, err := newClient()
	if err != nil {
		return nil, nil, err
	}
	gh, err := naverworks.NewWebhookHandler(set, func(ctx context.Context, ev naverworks.Event) error {
		in, ok := naverworks.ToIncoming(ev)
		if !ok || in.Kind != message.KindMessage {
			return nil
		}
		msgs, _, err := naverworks.Render(answer, message.RenderOptions{})
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if _, err := gc.Reply(ctx, ev, m); err != nil {
				return err
			}
		}
		return nil
	}, naverworks.WithBotID(naverworkstest.BotID))
	if err != nil {
		return nil, nil, err
	}
	return bh, gh, nil
}
