package naverworks_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
)

// An echo bot: a signed callback comes in, the reply goes out through the
// client, and the fake records it.
func Example() {
	srv, err := naverworkstest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client := srv.Client()
	h, err := naverworks.NewWebhookHandler(signature.MustSecretSet(naverworkstest.BotSecret),
		func(ctx context.Context, ev naverworks.Event) error {
			m, ok := ev.(*naverworks.MessageEvent)
			if !ok {
				return nil
			}
			if t, ok := m.Content.(*naverworks.TextContent); ok {
				_, err := client.Reply(ctx, m, &naverworks.Text{Text: "echo: " + t.Text})
				return err
			}
			return nil
		}, naverworks.WithBotID(naverworkstest.BotID))
	if err != nil {
		panic(err)
	}
	body := []byte(`{"type":"message","source":{"userId":"user-1","domainId":40029600},"issuedTime":"2026-04-29T00:00:00.000Z","content":{"type":"text","text":"안녕"}}`)
	req, err := naverworkstest.NewHTTPRequest("http://bot.example/callback", naverworkstest.BotSecret, naverworkstest.BotID, body)
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if err := h.Wait(context.Background()); err != nil {
		panic(err)
	}
	fmt.Println("status:", rec.Code)
	for _, m := range srv.Messages() {
		fmt.Printf("to %s: %s\n", m.UserID, m.Content)
	}
	fmt.Println("token requests:", srv.TokenRequests())
	// Output:
	// status: 200
	// to user-1: {"type":"text","text":"echo: 안녕"}
	// token requests: 1
}

// Rendering neutral content reports what NAVER WORKS cannot show.
func ExampleRender() {
	out, rep, err := naverworks.Render(&message.Card{
		Text: "주문하시겠어요?",
		Buttons: []message.Button{
			{Label: "예", Action: &message.Postback{Data: "order=yes", DisplayText: "예"}},
			{Label: "공유", Action: &message.ShareAction{}},
		},
	}, message.RenderOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(out[0].Type())
	for _, l := range rep.Losses {
		fmt.Println(l.Path, l.Reason)
	}
	// Output:
	// button_template
	// Buttons[0].Action downgraded
	// Buttons[1] dropped
}

// Many bots on one handler: each callback names its bot in X-WORKS-BotId,
// is verified with that bot's secret and answered through that bot's
// client. The bots share one Service Account, so their clients share one
// token source: one token exchange serves them all.
func ExampleNewMultiBotHandler() {
	srv, err := naverworkstest.Start(naverworkstest.WithBotIDs("2000002"))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ts, err := srv.TokenSource() // in production: naverworks.TokenSource(ctx, creds)
	if err != nil {
		panic(err)
	}
	var bots []*naverworks.Bot
	for id, secret := range map[string]string{"2000001": "secret-one", "2000002": "secret-two"} {
		client, err := srv.NewBotClient(id, ts) // in production: naverworks.New(id, ts)
		if err != nil {
			panic(err)
		}
		bots = append(bots, &naverworks.Bot{ID: id, Secrets: signature.MustSecretSet(secret), Client: client})
	}
	resolver, err := naverworks.StaticBots(bots...)
	if err != nil {
		panic(err)
	}
	h, err := naverworks.NewMultiBotHandler(resolver, message.HandlerFunc(
		func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			_, err := r.Reply(ctx, &message.Text{Text: "this is bot " + in.BotID})
			return err
		}))
	if err != nil {
		panic(err)
	}
	body := []byte(`{"type":"message","source":{"userId":"user-1","domainId":40029600},"issuedTime":"2026-04-29T00:00:00.000Z","content":{"type":"text","text":"hi"}}`)
	for _, bot := range []struct{ id, secret string }{{"2000001", "secret-one"}, {"2000002", "secret-two"}, {"2000002", "secret-one"}} {
		req, err := naverworkstest.NewHTTPRequest("http://bot.example/callback", bot.secret, bot.id, body)
		if err != nil {
			panic(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println("bot", bot.id, "status", rec.Code)
	}
	if err := h.Wait(context.Background()); err != nil {
		panic(err)
	}
	for _, m := range srv.Messages() {
		fmt.Printf("bot %s to %s: %s\n", m.BotID, m.UserID, m.Text)
	}
	fmt.Println("token requests:", srv.TokenRequests())
	// Output:
	// bot 2000001 status 200
	// bot 2000002 status 200
	// bot 2000002 status 401
	// bot 2000001 to user-1: this is bot 2000001
	// bot 2000002 to user-1: this is bot 2000002
	// token requests: 1
}

// Mentioning a user in a room: the tag becomes @name in NAVER WORKS.
func ExampleMention() {
	srv, err := naverworkstest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	text := &naverworks.Text{Text: "Lunch, " + naverworks.Mention("kim@example.com") + "? " + naverworks.Mention(naverworks.MentionAll)}
	if _, err := srv.Client().SendToChannel(context.Background(), "room-1", text); err != nil {
		panic(err)
	}
	fmt.Println(text.Text)
	fmt.Println(srv.Messages()[0].Mentions)
	// Output:
	// Lunch, <m userId="kim@example.com">? <m userId="all">
	// [kim@example.com all]
}
