package clova

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/message"
)

// ChatbotHandler is a [message.Handler] that answers every messenger with
// a CLOVA Chatbot domain, as the CLOVA Chatbot console's messenger
// linkage does: run it under any channelkit platform's bot handler (LINE,
// Kakao, TalkTalk, NAVER WORKS, or a CEK [BotHandler]) and each event is
// asked of the domain through a [Client], and the answer's bubbles are
// replied as [ToContent] turns them into neutral content.
//
// What each event asks:
//
//   - KindFollow (a LINE follow, a CEK launch, …) asks for the welcome
//     message: an open event ([Client.Open]).
//   - KindMessage with a *message.Text asks its text: a send event
//     ([Client.Send]).
//   - KindPostback sends its Data back as a send event: the chatbot's own
//     form of a postback (a button [ToContent] made carries the chatbot's
//     postback text as its Data). A CEK intent arrives as a postback whose
//     Data is the intent's name; [WithCEKSlot] asks a slot's value
//     instead.
//   - A message the chatbot cannot take (an image, a sticker, a location,
//     a file, an empty text) is not sent: nothing is asked or replied,
//     unless [WithUnsupportedText] names a text to ask in its place (a
//     question the domain answers with "I can only read text", say).
//   - Every other kind (unfollow, join, leave, other) is ignored.
//
// The chatbot's user ID is "<platform>:<bot ID>:<user ID>" (the user ID,
// or the conversation ID when the event has none; the bot ID is
// Incoming.BotID, empty from a single-bot handler), so that users of two
// messengers, or of two bots, are never one chatbot user. An ID longer
// than the chatbot's 256 characters is "<platform>:sha256:<hex digest>" of
// it. [WithChatbotUserID] replaces the mapping.
//
// Errors: a failed chatbot call (an [*APIError], a network error) is the
// Handler's error, and so the platform handler's (reported wrapping
// ErrCallback; a synchronous platform answers 500). So is a failed Reply,
// except a content the platform cannot show (its error wraps
// errors.ErrUnsupported): that content is a loss in Reply's report, which
// the platform handler reports, and the Handler returns nil so that what
// could be shown is answered. An event with no user or conversation ID is
// an error.
//
// Account linking: a CEK request's access token (the account linked to
// the CLOVA user, [Request.AccessToken]) is never sent to the chatbot.
// The custom API's documented request (version, userId, userIp,
// timestamp, bubbles, event) has no field for it; whether it accepts an
// undocumented one is UNCONFIRMED. The builder's documented way to gate a
// domain on a linked account is its auth service, which CLOVA Chatbot
// calls with the userId only; [WithAccountLink] hands the token, with the
// chatbot user ID it is for, to your code, which can keep it where that
// service finds it.
//
// A ChatbotHandler is safe for concurrent use. It prints as the [Client]
// it asks, never the secret key.
type ChatbotHandler struct {
	cl          *Client
	userID      func(*message.Incoming) string
	unsupported string
	cekSlot     string
	link        func(ctx context.Context, userID string, token AccessToken) error
}

var _ message.Handler = (*ChatbotHandler)(nil)

// ChatbotOption configures a [ChatbotHandler]; pass it to
// [NewChatbotHandler].
type ChatbotOption func(*ChatbotHandler) error

// WithChatbotUserID maps an event to the chatbot's user ID instead of
// "<platform>:<bot ID>:<user ID>". The ID must be stable per user and at
// most 256 characters; an empty one makes Handle fail. fn must be safe
// for concurrent use. A nil fn is an error.
func WithChatbotUserID(fn func(in *message.Incoming) string) ChatbotOption {
	return func(h *ChatbotHandler) error {
		if fn == nil {
			return argError("WithChatbotUserID", "fn", "is nil")
		}
		h.userID = fn
		return nil
	}
}

// WithUnsupportedText asks text in place of a message the chatbot cannot
// take (anything but text: an image, a sticker, a location, a file), so
// that the domain can answer it. Without it such a message asks and
// replies nothing. An empty text is an error.
func WithUnsupportedText(text string) ChatbotOption {
	return func(h *ChatbotHandler) error {
		if strings.TrimSpace(text) == "" {
			return argError("WithUnsupportedText", "text", "is empty")
		}
		h.unsupported = text
		return nil
	}
}

// WithCEKSlot asks the value of the intent slot name of a CEK
// IntentRequest (a slot that catches the whole utterance, say) instead of
// the intent's name. An intent without that slot, or with an empty one,
// still asks its name. An empty name is an error.
func WithCEKSlot(name string) ChatbotOption {
	return func(h *ChatbotHandler) error {
		if name == "" {
			return argError("WithCEKSlot", "name", "is empty")
		}
		h.cekSlot = name
		return nil
	}
}

// WithAccountLink calls fn with the chatbot user ID and the access token
// of a CEK request that carries one (an account linked to the CLOVA
// user), before the chatbot is asked. An error from fn is the Handler's,
// and the chatbot is not asked. The token is never sent to the chatbot,
// logged or put in an error. fn must be safe for concurrent use. A nil fn
// is an error.
func WithAccountLink(fn func(ctx context.Context, userID string, token AccessToken) error) ChatbotOption {
	return func(h *ChatbotHandler) error {
		if fn == nil {
			return argError("WithAccountLink", "fn", "is nil")
		}
		h.link = fn
		return nil
	}
}

// NewChatbotHandler returns a [ChatbotHandler] that asks the domain cl
// calls. A nil cl and a nil or failing option are errors.
func NewChatbotHandler(cl *Client, opts ...ChatbotOption) (*ChatbotHandler, error) {
	if cl == nil {
		return nil, argError("NewChatbotHandler", "cl", "is nil")
	}
	h := &ChatbotHandler{cl: cl, userID: ChatbotUserID}
	for _, o := range opts {
		if o == nil {
			return nil, argError("NewChatbotHandler", "opts", "holds a nil ChatbotOption")
		}
		if err := o(h); err != nil {
			return nil, err
		}
	}
	return h, nil
}

func (h *ChatbotHandler) form() redact.Form {
	var cl any = redact.Form{Type: "<nil>"}
	if h.cl != nil {
		cl = h.cl.form()
	}
	return redact.Form{Type: "clova.ChatbotHandler", Fields: []redact.Field{{Name: "Client", Value: cl}}}
}

// Format writes the handler's client, for every verb.
func (h *ChatbotHandler) Format(f fmt.State, verb rune) { h.form().Format(f, verb) }

// LogValue logs the handler's client.
func (h *ChatbotHandler) LogValue() slog.Value { return h.form().LogValue() }

// maxChatbotUserID is the chatbot's bound on userId, in characters.
const maxChatbotUserID = maxUserIDRunes

// ChatbotUserID is a [ChatbotHandler]'s default user ID for in:
// "<platform>:<bot ID>:<user ID>", with the conversation ID when in has no
// user ID, and "<platform>:sha256:<hex>" of that when it is longer than
// the chatbot's 256 characters ("sha256:<hex>" if even that is). It is ""
// when in has neither ID.
func ChatbotUserID(in *message.Incoming) string {
	user := in.UserID
	if user == "" {
		user = in.ConversationID
	}
	if user == "" {
		return ""
	}
	id := string(in.Platform) + ":" + in.BotID + ":" + user
	if utf8.RuneCountInString(id) <= maxChatbotUserID {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	hashed := "sha256:" + hex.EncodeToString(sum[:])
	if p := string(in.Platform) + ":" + hashed; utf8.RuneCountInString(p) <= maxChatbotUserID {
		return p
	}
	return hashed // a platform name no channelkit package has
}

// Handle asks the chatbot what in says and replies its answer; see
// [ChatbotHandler].
func (h *ChatbotHandler) Handle(ctx context.Context, in *message.Incoming, r message.Responder) error {
	if in == nil {
		return argError("ChatbotHandler.Handle", "in", "is nil")
	}
	if r == nil {
		return argError("ChatbotHandler.Handle", "r", "is nil")
	}
	ev, text, ok := h.question(in)
	if !ok {
		return nil
	}
	uid := h.userID(in)
	if uid == "" {
		return fmt.Errorf("clova: chatbot handler: the %s %s event has no user to ask for: %w", in.Platform, in.Kind, ErrInvalid)
	}
	if h.link != nil {
		if req, ok := in.Raw.(*Request); ok {
			if tok := req.AccessToken(); tok != "" {
				if err := h.link(ctx, uid, tok); err != nil {
					return fmt.Errorf("clova: chatbot handler: account link: %w", err)
				}
			}
		}
	}
	var resp *ChatbotResponse
	var err error
	if ev == EventOpen {
		resp, err = h.cl.Open(ctx, uid)
	} else {
		resp, err = h.cl.Send(ctx, uid, text)
	}
	if err != nil {
		return err
	}
	contents, _ := ToContent(resp.Bubbles)
	if len(contents) == 0 {
		return nil
	}
	if _, err := r.Reply(ctx, contents...); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}

// question returns what in asks the chatbot, or false for an event that
// asks nothing.
func (h *ChatbotHandler) question(in *message.Incoming) (ChatbotEvent, string, bool) {
	switch in.Kind {
	case message.KindFollow:
		return EventOpen, "", true
	case message.KindMessage:
		if t, ok := in.Content.(*message.Text); ok && strings.TrimSpace(t.Text) != "" {
			return EventSend, t.Text, true
		}
		if h.unsupported != "" {
			return EventSend, h.unsupported, true
		}
		return "", "", false
	case message.KindPostback:
		data := in.Data
		if h.cekSlot != "" {
			if req, ok := in.Raw.(*Request); ok {
				if ir, ok := req.Request.(*IntentRequest); ok {
					if s, ok := ir.Intent.Slot(h.cekSlot); ok && strings.TrimSpace(s.Value.String()) != "" {
						data = s.Value.String()
					}
				}
			}
		}
		if strings.TrimSpace(data) == "" {
			return "", "", false
		}
		return EventSend, data, true
	}
	return "", "", false
}
