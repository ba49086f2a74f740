package message

import (
	"context"
	"errors"
)

// Handler answers one neutral event: the conversation contract every
// platform's NewBotHandler calls. One Handler runs on all five platforms;
// the Responder does each platform's reply model underneath.
type Handler interface {
	Handle(ctx context.Context, in *Incoming, r Responder) error
}

// HandlerFunc adapts a function to [Handler].
type HandlerFunc func(ctx context.Context, in *Incoming, r Responder) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, in *Incoming, r Responder) error {
	return f(ctx, in, r)
}

// Responder answers the event being handled, by the platform's own reply
// model: LINE's reply token then push, Kakao's skill response or its
// callback URL, TalkTalk's webhook response then the send API, a NAVER
// WORKS message to the channel or user, CLOVA's speech response. A
// Responder is valid until the Handler returns (later calls fail with
// [ErrResponderDone]), and is not meant for concurrent use: answer in
// order from one goroutine.
type Responder interface {
	// Reply renders contents for the platform with RenderOptions and
	// delivers them after what earlier Reply calls delivered. The report
	// lists every loss, including messages that could not be delivered;
	// the error is non-nil when nothing, or not everything, was
	// delivered, or when strict rendering refused a loss.
	//
	// Reply never leaves a gap: the user never sees a later content
	// without an earlier one. When content i fails to render (strict
	// rendering refusing a loss included), the contents before it are
	// delivered in order; content i and every content after it in that
	// Reply are Dropped losses at "[i]", "[i+1]", …, whose Detail says
	// why ("did not render: …", then "held back: …"), and the error
	// wraps the render error. A failed send holds back the rest of the
	// Reply the same way.
	Reply(ctx context.Context, contents ...Content) (Report, error)
	// Typing shows that the bot is preparing an answer (LINE's loading
	// animation, TalkTalk's typing indicator). Elsewhere it returns an
	// error wrapping errors.ErrUnsupported.
	Typing(ctx context.Context) error
	// PassToHuman hands the conversation to a human agent, and TakeBack
	// returns it to the bot (TalkTalk pass/take thread, LINE chat
	// control). Elsewhere they return an error wrapping [ErrNoHandover].
	PassToHuman(ctx context.Context) error
	TakeBack(ctx context.Context) error
	// Capabilities is what the platform can show.
	Capabilities() Capabilities
	// RenderOptions is how Reply renders: strict or best effort.
	RenderOptions() RenderOptions
}

// ErrResponderDone is wrapped by the error of a Responder call made after
// the Handler it was given to had returned: nothing is delivered, and
// Reply reports every content as a Dropped loss.
var ErrResponderDone = errors.New("message: responder used after the handler returned")

// Middleware wraps a Handler: logging, state, locks, observation.
type Middleware func(Handler) Handler

// Chain returns h wrapped by mw, the first outermost: Chain(h, a, b)
// runs a, then b, then h.
func Chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}
