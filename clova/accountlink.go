package clova

import (
	"context"

	"github.com/channelkit/channelkit/message"
)

// Account linking: see the package documentation's "Account linking".

// DefaultLinkPrompt is what [RequireLinkedAccount] says when given no
// prompt of its own.
const DefaultLinkPrompt = "이 기능을 쓰려면 클로바 앱에서 계정을 연결해 주세요."

// LinkPrompt returns the answer for a request without a linked account:
// text (DefaultLinkPrompt when empty) spoken in lang, and the session
// ended, since nothing can be done until the user links the account in
// the CLOVA app.
func LinkPrompt(lang Lang, text string) *Response {
	if text == "" {
		text = DefaultLinkPrompt
	}
	return NewResponse(SimpleSpeech(PlainText(lang, text)))
}

// RequireLinkedAccount returns a HandlerFunc that answers a request with
// no access token with prompt (or [LinkPrompt] in the request's language
// when prompt is nil) and passes every other request to next. It checks
// only that a token is present: next must still check it with the
// service that issued it, and answer [LinkPrompt] when it is refused.
// CLOVA's own events (SkillEnabled, SkillDisabled, SessionEnded and the
// AudioPlayer and SpeechSynthesizer reports) go to next whether or not a
// token is present, since nobody is there to hear a prompt.
func RequireLinkedAccount(prompt *Response, next HandlerFunc) HandlerFunc {
	return func(ctx context.Context, req *Request) (*Response, error) {
		if req.AccessToken() != "" || !asksUser(req) {
			return next(ctx, req)
		}
		if prompt != nil {
			return prompt, nil
		}
		return LinkPrompt(langOf(req), ""), nil
	}
}

// RequireLinkedAccountMiddleware is [RequireLinkedAccount] for the
// conversation layer: on CLOVA, a launch or intent request with no
// access token is answered with prompt (DefaultLinkPrompt when empty) and
// the handler is not called; events of other platforms pass through.
func RequireLinkedAccountMiddleware(prompt string) message.Middleware {
	if prompt == "" {
		prompt = DefaultLinkPrompt
	}
	return func(next message.Handler) message.Handler {
		return message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
			req, ok := in.Raw.(*Request)
			if !ok || in.Platform != message.Clova || req.AccessToken() != "" || !asksUser(req) {
				return next.Handle(ctx, in, r)
			}
			_, err := r.Reply(ctx, &message.Text{Text: prompt})
			return err
		})
	}
}

// asksUser reports whether req is the user speaking (a launch or an
// intent), which a prompt can answer.
func asksUser(req *Request) bool {
	switch req.Request.(type) {
	case *LaunchRequest, *IntentRequest:
		return true
	default:
		return false
	}
}
