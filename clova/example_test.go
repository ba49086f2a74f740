package clova_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/message"
)

// An extension that takes pizza orders, driven by signed requests from
// clovatest.
func ExampleNewWebhookHandler() {
	h, err := clova.NewWebhookHandler(clovatest.ApplicationID,
		func(ctx context.Context, req *clova.Request) (*clova.Response, error) {
			switch r := req.Request.(type) {
			case *clova.LaunchRequest:
				resp := clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.English, "Which pizza?")))
				resp.Response.ShouldEndSession = false
				return resp, nil
			case *clova.IntentRequest:
				kind, _ := r.Intent.Slot("pizzaType")
				count, _ := r.Intent.Slot("count")
				n, _ := count.Value.Float64()
				return clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.English,
					fmt.Sprintf("%d %s coming up.", int(n), kind.Value)))), nil
			}
			return nil, nil
		},
		clova.WithPublicKey(clovatest.PublicKey())) // production: omit, the CLOVA key is embedded
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	send := func(req *clova.Request) {
		r, err := clovatest.NewSignedRequest(nil, srv.URL, req) // signed with the test key
		if err != nil {
			fmt.Println(err)
			return
		}
		out, err := srv.Client().Do(r)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer out.Body.Close()
		body, _ := io.ReadAll(out.Body)
		fmt.Println(out.StatusCode, string(body))
	}
	send(clovatest.Launch())
	send(clovatest.Intent("OrderPizza", clovatest.WithSlot("pizzaType", "pepperoni"), clovatest.WithSlot("count", 2)))
	send(clovatest.Launch(clovatest.WithApplicationID("com.example.someone.else")))
	// Output:
	// 200 {"version":"1.0","sessionAttributes":{},"response":{"outputSpeech":{"type":"SimpleSpeech","values":{"type":"PlainText","lang":"en","value":"Which pizza?"}},"card":{},"directives":[],"shouldEndSession":false}}
	// 200 {"version":"1.0","sessionAttributes":{},"response":{"outputSpeech":{"type":"SimpleSpeech","values":{"type":"PlainText","lang":"en","value":"2 pepperoni coming up."}},"card":{},"directives":[],"shouldEndSession":true}}
	// 403
}

// A CLOVA Chatbot round trip against the clovatest fake: ask, turn the
// bubbles into neutral content, follow a postback.
func ExampleClient_Send() {
	srv, err := clovatest.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	srv.Reply("menu", &clova.TemplateBubble{Data: clova.TemplateData{
		Cover: &clova.TextBubble{Data: clova.TextData{Description: "What would you like?"}},
		ContentTable: [][]clova.TableCell{{
			{ColSpan: 1, RowSpan: 1, Data: &clova.ButtonBubble{Title: "Pizza", Data: clova.ButtonData{Type: "basic", Action: clova.PostbackAction("Pizza", "order:pizza")}}},
			{ColSpan: 1, RowSpan: 1, Data: &clova.ButtonBubble{Title: "Website", Data: clova.ButtonData{Type: "basic", Action: clova.LinkAction("https://example.com")}}},
		}},
	}})
	srv.ReplyText("order:pizza", "One pizza, coming up.")

	// srv.Client() is this client, wired to the fake.
	cb, err := clova.New(srv.URL(), clovatest.SecretKey, clova.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	res, err := cb.Send(ctx, "user-1", "menu")
	if err != nil {
		fmt.Println(err)
		return
	}
	contents, rep := clova.ToContent(res.Bubbles)
	card := contents[0].(*message.Card)
	fmt.Println(card.Text)
	for _, b := range card.Buttons {
		fmt.Printf("[%s] %s\n", b.Label, b.Action.ActionType())
	}
	fmt.Println("losses:", rep)

	// The user taps "Pizza": send its postback data back.
	res, err = cb.Send(ctx, "user-1", card.Buttons[0].Action.(*message.Postback).Data)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Bubbles[0].(*clova.TextBubble).Data.Description)
	fmt.Println("calls signed:", srv.Calls()[0].SignatureValid && srv.Calls()[1].SignatureValid)
	// Output:
	// What would you like?
	// [Pizza] postback
	// [Website] url
	// losses: [0].Data.ContentTable: downgraded (table layout flattened to a list of buttons)
	// One pizza, coming up.
	// calls signed: true
}

// Rendering neutral content as speech reports what a voice device cannot
// show.
func ExampleRender() {
	resp, rep, err := clova.Render(&message.Card{
		Title:   "Today's special",
		Text:    "Pepperoni pizza.",
		Image:   &message.Image{URL: "https://example.com/pizza.png"},
		Buttons: []message.Button{{Label: "Order", Action: &message.Postback{Data: "order"}}},
	}, message.RenderOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var said []string
	for _, v := range resp.Response.OutputSpeech.Values {
		said = append(said, v.Value)
	}
	fmt.Println(strings.Join(said, " | "))
	for _, l := range rep.Losses {
		fmt.Println(l)
	}
	// Output:
	// Today's special | Pepperoni pizza. | Order
	// Image: dropped (CEK responses are speech only)
	// Buttons[0].Action: dropped (label spoken; the action is not available by voice)
	// content: downgraded (card spoken as text)
}

// Two extensions served by one handler: each request is verified with
// CLOVA's key, then its applicationId picks the extension.
func ExampleNewMultiBotHandler() {
	bots, err := clova.StaticBots(
		&clova.Bot{ID: "com.example.extension.pizza"},
		&clova.Bot{ID: "com.example.extension.coffee"},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	h, err := clova.NewMultiBotHandler(bots, message.HandlerFunc(
		func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			_, err := r.Reply(ctx, &message.Text{Text: "This is " + in.BotID + "."})
			return err
		}),
		clova.WithPublicKey(clovatest.PublicKey())) // production: omit, the CLOVA key is embedded
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	for _, id := range []string{"com.example.extension.pizza", "com.example.extension.coffee", "com.example.extension.unknown"} {
		r, err := clovatest.NewSignedRequest(nil, srv.URL, clovatest.Launch(clovatest.WithApplicationID(id)))
		if err != nil {
			fmt.Println(err)
			return
		}
		out, err := srv.Client().Do(r)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(out.Body)
		out.Body.Close()
		var resp clova.Response
		_ = json.Unmarshal(body, &resp)
		said := ""
		if s := resp.Response.OutputSpeech; s != nil && len(s.Values) > 0 {
			said = s.Values[0].Value
		}
		fmt.Println(out.StatusCode, said)
	}
	// Output:
	// 200 This is com.example.extension.pizza.
	// 200 This is com.example.extension.coffee.
	// 401
}

// A CLOVA Chatbot domain answering a neutral Handler: here called
// directly with the Incoming a messenger package would build; in a
// service, pass it to line.NewBotHandler, kakao.NewBotHandler,
// talktalk.NewBotHandler, naverworks.NewBotHandler or clova.NewBotHandler.
func ExampleNewChatbotHandler() {
	domain, err := clovatest.Start() // the fake domain; a service calls clova.New(invokeURL, secretKey)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer domain.Close()
	domain.ReplyText("opening hours?", "We open at nine.")

	h, err := clova.NewChatbotHandler(domain.Client(), clova.WithUnsupportedText("[non-text message]"))
	if err != nil {
		fmt.Println(err)
		return
	}
	in := &message.Incoming{Platform: message.LINE, Kind: message.KindMessage, UserID: "U4af4980629",
		ConversationID: "U4af4980629", Content: &message.Text{Text: "opening hours?"}}
	if err := h.Handle(context.Background(), in, printResponder{}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("asked as", domain.Calls()[0].Request.UserID)
	// Output:
	// reply: We open at nine.
	// asked as line::U4af4980629
}

// printResponder prints what is replied.
type printResponder struct{}

func (printResponder) Reply(_ context.Context, cs ...message.Content) (message.Report, error) {
	for _, c := range cs {
		if t, ok := c.(*message.Text); ok {
			fmt.Println("reply:", t.Text)
		}
	}
	return message.Report{}, nil
}
func (printResponder) Typing(context.Context) error         { return nil }
func (printResponder) PassToHuman(context.Context) error    { return nil }
func (printResponder) TakeBack(context.Context) error       { return nil }
func (printResponder) Capabilities() message.Capabilities   { return message.Capabilities{} }
func (printResponder) RenderOptions() message.RenderOptions { return message.RenderOptions{} }
