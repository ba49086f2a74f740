package line_test

import (
	"context"
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
