package message_test

import (
	"context"
	"fmt"
	"time"

	"github.com/channelkit/channelkit/message"
)

// printResponder stands in for a platform's Responder: the platform
// packages' NewBotHandler hand the bot a real one.
type printResponder struct{ message.Responder }

func (printResponder) Reply(_ context.Context, cs ...message.Content) (message.Report, error) {
	for _, c := range cs {
		fmt.Println("reply:", c.(*message.Text).Text)
	}
	return message.Report{}, nil
}

// One bot for every platform: a router with middleware.
func ExampleRouter() {
	bot := message.NewRouter().
		On(message.KindFollow, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			_, err := r.Reply(ctx, &message.Text{Text: "welcome"})
			return err
		})).
		TextPrefix("order ", message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			_, err := r.Reply(ctx, &message.Text{Text: "ordered: " + in.Content.(*message.Text).Text[len("order "):]})
			return err
		}))

	ctx := context.Background()
	_ = bot.Handle(ctx, &message.Incoming{Kind: message.KindFollow}, printResponder{})
	_ = bot.Handle(ctx, &message.Incoming{Kind: message.KindMessage, Content: &message.Text{Text: "order coffee"}}, printResponder{})
	_ = bot.Handle(ctx, &message.Incoming{Kind: message.KindMessage, Content: &message.Text{Text: "order tea"}, Standby: true}, printResponder{})
	// Output:
	// reply: welcome
	// reply: ordered: coffee
}

// tracer is what an OpenTelemetry adapter looks like: start a span per
// event, end it with the handler's error, and add an event per reply
// (here printed instead of exported).
type tracer struct{}

type spanName struct{}

func (tracer) EventStart(ctx context.Context, in *message.Incoming) context.Context {
	fmt.Println("span start:", "bot."+string(in.Platform)+"."+string(in.Kind))
	return context.WithValue(ctx, spanName{}, string(in.Kind))
}

func (tracer) EventEnd(ctx context.Context, in *message.Incoming, err error, d time.Duration) {
	fmt.Println("span end:", ctx.Value(spanName{}), "error:", err)
}

func (tracer) Sent(ctx context.Context, s message.Sent) {
	fmt.Println("span event: reply, contents:", s.Contents, "losses:", len(s.Report.Losses))
}

func ExampleObserve() {
	echo := message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, in.Content)
		return err
	})
	bot := message.Chain(echo, message.Observe(tracer{}))
	_ = bot.Handle(context.Background(), &message.Incoming{Platform: message.Kakao, Kind: message.KindMessage, Content: &message.Text{Text: "hi"}}, printResponder{})
	// Output:
	// span start: bot.kakao.message
	// reply: hi
	// span event: reply, contents: 1 losses: 0
	// span end: message error: <nil>
}
