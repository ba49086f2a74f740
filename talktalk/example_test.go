package talktalk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// A bot that answers in the webhook response itself.
func ExampleNewWebhookHandler() {
	h, err := talktalk.NewWebhookHandler(func(ctx context.Context, ev talktalk.Event) (talktalk.Event, error) {
		msg, ok := ev.(*talktalk.SendEvent)
		if !ok || msg.Standby || msg.Text == nil {
			return nil, nil
		}
		return &talktalk.SendEvent{Content: talktalk.Content{
			Text: &talktalk.TextContent{Text: "you said: " + msg.Text.Text},
		}}, nil
	})
	if err != nil {
		log.Fatal(err)
	}

	// A request as TalkTalk sends it, from one of its addresses.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, talktalktest.BuildRequest([]byte(`{"event":"send","user":"al-2eGuGr5WQOnco1_V-FQ","textContent":{"text":"안녕","inputType":"typing"}}`)))
	fmt.Println(rec.Code, rec.Body.String())

	// The same request from elsewhere.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, talktalktest.BuildRequest([]byte(`{"event":"send","user":"x","textContent":{"text":"hi"}}`), talktalktest.WithRemoteAddr("203.0.113.9:4000")))
	fmt.Println(rec.Code)
	// Output:
	// 200 {"event":"send","textContent":{"text":"you said: 안녕"}}
	// 403
}

func ExampleClient_Send() {
	srv, err := talktalktest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := talktalk.New(srv.AuthorizationKey(), talktalk.WithBaseURL(srv.BaseURL()))
	if err != nil {
		log.Fatal(err)
	}

	res, err := client.Send(context.Background(), &talktalk.SendEvent{
		User: "al-2eGuGr5WQOnco1_V-FQ",
		Content: talktalk.Content{Text: &talktalk.TextContent{
			Text: "주문하시겠어요?",
			QuickReply: &talktalk.QuickReply{ButtonList: talktalk.ButtonList{
				&talktalk.TextButton{Title: "네", Code: "order=yes"},
				&talktalk.TextButton{Title: "아니요", Code: "order=no"},
			}},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.ResultCode, len(srv.Sent()), srv.Sent()[0].Text.Text)

	// TalkTalk reports failures inside HTTP 200.
	srv.FailNextResult(talktalk.CodeInvalidJSON, "request json 문자열 파싱 오류")
	_, err = client.SendText(context.Background(), "al-2eGuGr5WQOnco1_V-FQ", "again")
	var apiErr *talktalk.APIError
	fmt.Println(errors.Is(err, talktalk.ErrInvalidJSON), errors.As(err, &apiErr) && apiErr.StatusCode == 200)
	// Output:
	// 00 1 주문하시겠어요?
	// true true
}

// Rendering neutral content for TalkTalk, and what could not be shown.
func ExampleRender() {
	evs, rep, err := talktalk.Render(&message.Card{
		Title: "주문",
		Text:  "무엇을 할까요?",
		Buttons: []message.Button{
			{Label: "결제", Action: &message.Postback{Data: "pay=1"}},
			{Label: "공유", Action: &message.ShareAction{}},
		},
	}, message.RenderOptions{})
	if err != nil {
		log.Fatal(err)
	}
	ev := evs[0]
	ev.User = "al-2eGuGr5WQOnco1_V-FQ" // Render leaves the user to the caller
	b, _ := json.Marshal(ev)
	fmt.Println(string(b))
	fmt.Println(rep)
	// Output:
	// {"event":"send","user":"al-2eGuGr5WQOnco1_V-FQ","compositeContent":{"compositeList":[{"title":"주문","description":"무엇을 할까요?","buttonList":[{"type":"TEXT","data":{"title":"결제","code":"pay=1"}}]}]}}
	// Buttons[1]: dropped (TalkTalk has no share button)
}

// Turning a webhook event into the neutral form.
func ExampleToIncoming() {
	ev, err := talktalk.Decode([]byte(`{"event":"send","user":"al-2eGuGr5WQOnco1_V-FQ","textContent":{"text":"결제","code":"pay=1","inputType":"button"}}`))
	if err != nil {
		log.Fatal(err)
	}
	in, answer := talktalk.ToIncoming(ev)
	fmt.Println(in.Kind, in.Data, in.UserID, answer)
	// Output:
	// postback pay=1 al-2eGuGr5WQOnco1_V-FQ true
}

// One handler answers for two partner accounts, each on its own webhook
// URL with its own path token, sending through its own authorization key.
func ExampleNewMultiBotHandler() {
	apiA, err := talktalktest.Start(talktalktest.WithAuthorizationKey("key-of-shop-1"))
	if err != nil {
		log.Fatal(err)
	}
	defer apiA.Close()
	apiB, err := talktalktest.Start(talktalktest.WithAuthorizationKey("key-of-shop-2"))
	if err != nil {
		log.Fatal(err)
	}
	defer apiB.Close()

	bots, err := talktalk.StaticBots(
		&talktalk.Bot{ID: "shop-1", Tokens: signature.MustSecretSet("token-of-shop-1"), Client: apiA.Client()},
		&talktalk.Bot{ID: "shop-2", Tokens: signature.MustSecretSet("token-of-shop-2"), Client: apiB.Client()},
	)
	if err != nil {
		log.Fatal(err)
	}
	handler, err := talktalk.NewMultiBotHandler(bots, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		// The first message goes in the webhook response, the second
		// through the partner's own client.
		_, err := r.Reply(ctx, &message.Text{Text: "hello from " + in.BotID}, &message.Text{Text: "bye from " + in.BotID})
		return err
	}), talktalk.WithBotPath("bot"))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /talktalk/{bot}/{token}", handler)

	for _, target := range []string{"/talktalk/shop-1/token-of-shop-1", "/talktalk/shop-2/token-of-shop-2", "/talktalk/shop-1/token-of-shop-2"} {
		req, err := talktalktest.BuildEvent(talktalktest.Text("user-1", "hi"), talktalktest.WithTarget(target))
		if err != nil {
			log.Fatal(err)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		var reply talktalk.SendEvent
		_ = json.Unmarshal(rec.Body.Bytes(), &reply)
		text := ""
		if reply.Text != nil {
			text = reply.Text.Text
		}
		fmt.Printf("%s %d %q\n", target, rec.Code, text)
	}
	if err := handler.Wait(context.Background()); err != nil {
		log.Fatal(err)
	}
	for _, api := range []*talktalktest.Server{apiA, apiB} {
		for _, call := range api.Calls() {
			fmt.Println(call.Header.Get("Authorization"), api.Sent()[0].Content.Text.Text)
		}
	}
	// Output:
	// /talktalk/shop-1/token-of-shop-1 200 "hello from shop-1"
	// /talktalk/shop-2/token-of-shop-2 200 "hello from shop-2"
	// /talktalk/shop-1/token-of-shop-2 401 ""
	// key-of-shop-1 bye from shop-1
	// key-of-shop-2 bye from shop-2
}
