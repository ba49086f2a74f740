package kakao_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

func ExampleNewWebhookHandler() {
	h, err := kakao.NewWebhookHandler(func(ctx context.Context, req *kakao.Request) (*kakao.Response, error) {
		resp := kakao.NewResponse(kakao.Text("you said: " + req.UserRequest.Utterance))
		resp.Template.QuickReplies = []kakao.QuickReply{kakao.MessageQuickReply("도움말", "help")}
		return resp, nil
	}, kakao.WithHeaderSecret("X-Skill-Token", signature.MustSecretSet("s3cr3t")))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	body, _ := json.Marshal(kakaotest.NewPayload(kakaotest.WithUtterance("안녕")))
	req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	req.Header.Set("X-Skill-Token", "s3cr3t")
	res, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode)
	fmt.Println(string(out))
	// Output:
	// 200
	// {"version":"2.0","template":{"outputs":[{"simpleText":{"text":"you said: 안녕"}}],"quickReplies":[{"label":"도움말","action":"message","messageText":"help"}]}}
}

func ExampleWithCallback() {
	cb, err := kakaotest.Start()
	if err != nil {
		panic(err)
	}
	defer cb.Close()

	release := make(chan struct{})
	h, err := kakao.NewWebhookHandler(func(ctx context.Context, req *kakao.Request) (*kakao.Response, error) {
		<-release // a slow model
		return kakao.NewResponse(kakao.Text("오래 생각한 답")), nil
	}, kakao.WithCallback(10*time.Millisecond, &kakao.Response{Data: map[string]any{"text": "생각 중이에요"}}))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	body, _ := json.Marshal(kakaotest.NewPayload(kakaotest.WithCallbackURL(cb.NewCallbackURL())))
	res, err := srv.Client().Post(srv.URL, "application/json", bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	waiting, _ := io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Println(string(waiting))

	close(release)
	h.Wait(context.Background()) // the final answer has been POSTed to the callback URL
	for _, d := range cb.Calls() {
		fmt.Println(d.Status, string(d.Body))
	}
	// Output:
	// {"version":"2.0","data":{"text":"생각 중이에요"},"useCallback":true}
	// SUCCESS {"version":"2.0","template":{"outputs":[{"simpleText":{"text":"오래 생각한 답"}}]}}
}

func ExampleResponse_Validate() {
	resp := kakao.NewResponse(kakao.BasicCard{
		Title:   "보물상자",
		Buttons: []kakao.Button{kakao.WebLinkButton("아주 긴 버튼 라벨입니다 정말로요", "https://example.com")},
	}.Output())
	fmt.Println(resp.Validate())
	// Output:
	// kakao: 2 problems: template.outputs[0].basicCard.thumbnail: required; template.outputs[0].basicCard.buttons[0].label: 18 characters, limit is 14
}

func ExampleRender() {
	resp, rep, err := kakao.Render(&message.Card{
		Title: "주문하시겠어요?",
		Buttons: []message.Button{
			{Label: "네", Action: &message.Postback{Data: "order=yes"}},
			{Label: "지도", Action: &message.URLAction{URL: "https://map.kakao.com"}},
		},
	}, message.RenderOptions{})
	if err != nil {
		panic(err)
	}
	out, _ := json.Marshal(resp)
	fmt.Println(string(out))
	fmt.Println(rep)
	// Output:
	// {"version":"2.0","template":{"outputs":[{"textCard":{"title":"주문하시겠어요?","buttons":[{"label":"네","action":"message","messageText":"네","extra":{"channelkit_postback":"order=yes"}},{"label":"지도","action":"webLink","webLinkUrl":"https://map.kakao.com"}]}}]}}
	// lossless
}

func ExampleNewBotHandler() {
	h, err := kakao.NewBotHandler(message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		if in.Kind == message.KindFollow {
			_, err := r.Reply(ctx, &message.Text{Text: "어서 오세요"})
			return err
		}
		_, err := r.Reply(ctx, &message.Text{Text: "you said: " + in.Content.(*message.Text).Text},
			&message.Text{Text: "또 물어보세요"})
		return err
	}), kakao.WithWelcomeBlock("웰컴 블록"))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	for _, body := range [][]byte{
		mustJSON(kakaotest.NewPayload(kakaotest.WithUtterance("안녕"))),
		mustJSON(kakaotest.NewPayload(kakaotest.WithBlock("b1", "웰컴 블록"))),
	} {
		res, err := srv.Client().Post(srv.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			panic(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(string(out))
	}
	// Output:
	// {"version":"2.0","template":{"outputs":[{"simpleText":{"text":"you said: 안녕"}},{"simpleText":{"text":"또 물어보세요"}}]}}
	// {"version":"2.0","template":{"outputs":[{"simpleText":{"text":"어서 오세요"}}]}}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func ExampleNewMultiBotHandler() {
	// The bots a builder serves, with each bot's skill-settings header
	// secret; a resolver over a database works the same way.
	bots, err := kakao.StaticBots(
		&kakao.Bot{ID: "64e9a0b1c2d3e4f5a6b7c8d9", HeaderSecrets: signature.MustSecretSet("secret-of-shop-bot")},
		&kakao.Bot{ID: "65f0b1c2d3e4f5a6b7c8d9e0", HeaderSecrets: signature.MustSecretSet("secret-of-clinic-bot")},
	)
	if err != nil {
		panic(err)
	}
	brain := message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, &message.Text{Text: "bot " + in.BotID + " heard you"})
		return err
	})
	h, err := kakao.NewMultiBotHandler(bots, brain)
	if err != nil {
		panic(err)
	}
	for _, c := range []struct{ bot, secret string }{
		{"64e9a0b1c2d3e4f5a6b7c8d9", "secret-of-shop-bot"},
		{"65f0b1c2d3e4f5a6b7c8d9e0", "secret-of-clinic-bot"},
		{"64e9a0b1c2d3e4f5a6b7c8d9", "secret-of-clinic-bot"}, // another bot's secret
		{"00000000000000000000000f", "secret-of-shop-bot"},   // a bot it does not serve
	} {
		body, _ := json.Marshal(kakaotest.NewPayload(kakaotest.WithBotID(c.bot)))
		r := httptest.NewRequest(http.MethodPost, "/kakao/skill", bytes.NewReader(body))
		r.Header.Set(kakao.DefaultSecretHeader, c.secret)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Body.Len() == 0 {
			fmt.Println(w.Code, "(empty body)")
			continue
		}
		fmt.Println(w.Code, w.Body.String())
	}
	// Output:
	// 200 {"version":"2.0","template":{"outputs":[{"simpleText":{"text":"bot 64e9a0b1c2d3e4f5a6b7c8d9 heard you"}}]}}
	// 200 {"version":"2.0","template":{"outputs":[{"simpleText":{"text":"bot 65f0b1c2d3e4f5a6b7c8d9e0 heard you"}}]}}
	// 401 (empty body)
	// 401 (empty body)
}
