package message_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/channelkit/channelkit/message"
)

// A bot written once against the neutral model.
func Example() {
	bot := func(in message.Incoming) message.Content {
		switch c := in.Content.(type) {
		case *message.Text:
			return &message.Text{Text: "you said: " + c.Text}
		case *message.Image:
			return &message.Text{Text: "nice picture"}
		}
		return &message.Card{
			Title: "Hello",
			Buttons: []message.Button{
				{Label: "Menu", Action: &message.Postback{Data: "menu"}},
			},
		}
	}
	in := message.Incoming{Platform: message.LINE, Kind: message.KindMessage, Content: &message.Text{Text: "hi"}}
	fmt.Println(bot(in).(*message.Text).Text)
	// Output: you said: hi
}

// A platform's Render records what it could not show; strict rendering
// turns the same loss into an error.
func ExampleReport() {
	var rep message.Report
	title := rep.Truncate("Title", "환영합니다! Welcome to the shop", 10, message.Runes)
	rep.Add("Image", message.Dropped, "speech-only platform")
	fmt.Println(title)
	fmt.Println(rep)

	err := message.RenderOptions{Strict: true}.Check(message.Clova, rep)
	fmt.Println(errors.Is(err, message.ErrLossy), errors.Is(err, errors.ErrUnsupported))
	// Output:
	// 환영합니다! Wel
	// Title: truncated (limit is 10 characters); Image: dropped (speech-only platform)
	// true true
}

func ExampleSplitText() {
	for _, part := range message.SplitText("첫 번째 문장입니다. Second sentence here.", 12, message.Runes) {
		fmt.Printf("%q\n", part)
	}
	// Output:
	// "첫 번째 문장입니다. "
	// "Second "
	// "sentence "
	// "here."
}

func ExampleMemoryDeduper() {
	dedupe, err := message.NewMemoryDeduper(10*time.Minute, 100_000)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for _, id := range []string{"01HZ-A", "01HZ-B", "01HZ-A"} {
		dup, _ := dedupe.Seen(ctx, id)
		fmt.Println(id, "redelivered:", dup)
	}
	// Output:
	// 01HZ-A redelivered: false
	// 01HZ-B redelivered: false
	// 01HZ-A redelivered: true
}
