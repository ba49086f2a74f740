package line_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

func ExampleNewWebhookHandler() {
	// A fake Messaging API stands in for api.line.me.
	api, err := linetest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer api.Close()
	client := api.Client()

	// An echo bot.
	secrets := signature.MustSecretSet(linetest.ChannelSecret)
	handler, err := line.NewWebhookHandler(secrets, func(ctx context.Context, cb *line.Callback) error {
		for _, ev := range cb.Events {
			e, ok := ev.(*line.MessageEvent)
			if !ok {
				continue
			}
			if text, ok := e.Message.(*line.TextContent); ok {
				msgs := []messaging_api.MessageInterface{messaging_api.TextMessage{Text: "you said: " + text.Text}}
				if _, err := client.Reply(ctx, e.ReplyToken, msgs); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}

	// LINE delivers a signed webhook.
	body, err := linetest.EncodeCallback(linetest.TextMessage("U4af4980629", "hello"))
	if err != nil {
		log.Fatal(err)
	}
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, linetest.NewRequestBody(linetest.ChannelSecret, body))
	fmt.Println("webhook answered", rec.Code)

	for _, call := range api.Replies() {
		fmt.Println(call.Messages[0]["type"], call.Messages[0]["text"])
	}
	// Output:
	// webhook answered 200
	// text you said: hello
}

func ExampleClient_Reply() {
	api, err := linetest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer api.Close()
	client := api.Client()
	ctx := context.Background()

	msgs := []messaging_api.MessageInterface{
		messaging_api.TextMessage{Text: "Pick one"},
		&messaging_api.StickerMessage{PackageId: "446", StickerId: "1988"},
	}
	res, err := client.Reply(ctx, "reply-token-1", msgs)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("sent", len(res.SentMessages), "messages")

	// A reply token works once.
	_, err = client.Reply(ctx, "reply-token-1", msgs)
	var apiErr *line.APIError
	if errors.As(err, &apiErr) && apiErr.InvalidReplyToken() {
		fmt.Println("second reply:", apiErr.StatusCode, apiErr.Message)
	}
	// Output:
	// sent 2 messages
	// second reply: 400 Invalid reply token
}

// Render turns neutral content into LINE messages and reports what LINE
// could not show.
func ExampleRender() {
	card := &message.Card{
		Title: "Coffee",
		Text:  "Today's special",
		Buttons: []message.Button{
			{Label: "Order", Action: &message.Postback{Data: "order=1", DisplayText: "One, please"}},
			{Label: "Share", Action: &message.ShareAction{}},
		},
	}
	msgs, report, err := line.Render(card, message.RenderOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(msgs), msgs[0].GetType())
	fmt.Println(report)

	_, _, err = line.Render(card, message.RenderOptions{Strict: true})
	fmt.Println(errors.Is(err, message.ErrLossy))
	// Output:
	// 1 flex
	// Buttons[1]: dropped (LINE has no share action)
	// true
}

// One handler answers for two LINE channels: each webhook is verified with
// its bot's secret and answered with its bot's token.
func ExampleNewMultiBotHandler() {
	// Two channels, each with its own fake Messaging API and token.
	apiA, err := linetest.Start(linetest.WithChannelToken("token-of-shop-a"))
	if err != nil {
		log.Fatal(err)
	}
	defer apiA.Close()
	apiB, err := linetest.Start(linetest.WithChannelToken("token-of-shop-b"))
	if err != nil {
		log.Fatal(err)
	}
	defer apiB.Close()

	const shopA, shopB = "U00000000000000000000000000000a01", "U00000000000000000000000000000b02"
	bots, err := line.StaticBots(
		&line.Bot{ID: shopA, Secrets: signature.MustSecretSet("secret-of-shop-a"), Client: apiA.Client()},
		&line.Bot{ID: shopB, Secrets: signature.MustSecretSet("secret-of-shop-b"), Client: apiB.Client()},
	)
	if err != nil {
		log.Fatal(err)
	}
	handler, err := line.NewMultiBotHandler(bots, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, &message.Text{Text: "hello from " + in.BotID})
		return err
	}))
	if err != nil {
		log.Fatal(err)
	}

	// LINE delivers each channel's webhook, signed with that channel's
	// secret, to the same URL; the destination names the bot.
	for _, c := range []struct{ bot, secret string }{{shopA, "secret-of-shop-a"}, {shopB, "secret-of-shop-b"}} {
		body, err := json.Marshal(&line.Callback{Destination: c.bot, Events: []line.Event{linetest.TextMessage("U4af4980629", "hi")}})
		if err != nil {
			log.Fatal(err)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, linetest.NewRequestBody(c.secret, body))
		fmt.Println("webhook answered", rec.Code)
	}
	if err := handler.Wait(context.Background()); err != nil {
		log.Fatal(err)
	}
	for _, api := range []*linetest.Server{apiA, apiB} {
		for _, call := range api.Replies() {
			fmt.Println(call.Header.Get("Authorization"), call.Messages[0]["text"])
		}
	}
	// Output:
	// webhook answered 200
	// webhook answered 200
	// Bearer token-of-shop-a hello from U00000000000000000000000000000a01
	// Bearer token-of-shop-b hello from U00000000000000000000000000000b02
}
