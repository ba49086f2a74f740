package linetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/signature"
)

// Destination is the bot user ID that [NewRequest] puts in callbacks.
const Destination = "U00000000000000000000000000000000"

// SignBody returns the X-Line-Signature of body under secret.
func SignBody(secret string, body []byte) string {
	return signature.SignHMACSHA256([]byte(secret), body)
}

// CallbackBody encodes events as a webhook body, as LINE sends it.
func CallbackBody(t testing.TB, events ...line.Event) []byte {
	t.Helper()
	b, err := EncodeCallback(events...)
	if err != nil {
		t.Fatalf("linetest: %v", err)
	}
	return b
}

// EncodeCallback is [CallbackBody] for programs.
func EncodeCallback(events ...line.Event) ([]byte, error) {
	if events == nil {
		events = []line.Event{}
	}
	b, err := json.Marshal(&line.Callback{Destination: Destination, Events: events})
	if err != nil {
		return nil, fmt.Errorf("encoding callback: %w", err)
	}
	return b, nil
}

// NewRequest returns a webhook request carrying events, signed with
// secret, for a handler's ServeHTTP. No events make the empty batch LINE
// sends to check a webhook URL.
func NewRequest(t testing.TB, secret string, events ...line.Event) *http.Request {
	t.Helper()
	return NewRequestBody(secret, CallbackBody(t, events...))
}

// NewRequestBody returns a webhook request with body, signed with secret.
func NewRequestBody(secret string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/callback", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Header.Set(line.SignatureHeader, SignBody(secret, body))
	return r
}

// NewHTTPRequest returns a signed webhook request for a real server at
// url (for programs that POST to a running handler).
func NewHTTPRequest(url, secret string, events ...line.Event) (*http.Request, error) {
	body, err := EncodeCallback(events...)
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Header.Set(line.SignatureHeader, SignBody(secret, body))
	return r, nil
}

var counter atomic.Uint64

// base returns realistic common properties: active mode, the current
// time, a unique webhookEventId.
func base(src line.Source) line.EventBase {
	n := counter.Add(1)
	now := time.Now().UnixMilli()
	return line.EventBase{
		Mode:           line.ModeActive,
		Timestamp:      now,
		Source:         src,
		WebhookEventID: ulid(now, n),
	}
}

// crockford is the base32 alphabet of ULIDs.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ulid returns a ULID, as LINE's webhookEventId is: 10 characters of
// millisecond time, then 16 characters that here hold the counter n
// instead of randomness, so IDs are unique within a process.
func ulid(ms int64, n uint64) string {
	var b [26]byte
	for i := 9; i >= 0; i-- {
		b[i] = crockford[ms&31]
		ms >>= 5
	}
	for i := 25; i >= 10; i-- {
		b[i] = crockford[n&31]
		n >>= 5
	}
	return string(b[:])
}

func replyToken() string { return fmt.Sprintf("linetest-reply-token-%d", counter.Add(1)) }

func messageID() string { return fmt.Sprintf("%018d", 468789577898262530+counter.Add(1)) }

// fillID sets an empty message ID.
func fillID(id *string) {
	if *id == "" {
		*id = messageID()
	}
}

// fillQuoteToken sets an empty quote token from the message ID.
func fillQuoteToken(token *string, id string) {
	if *token == "" {
		*token = "quote-" + id
	}
}

// fillProvider makes a media message held by LINE unless it says
// otherwise.
func fillProvider(p *line.ContentProvider) {
	if p.Type == "" {
		p.Type = "line"
	}
}

// User returns a one-to-one chat source.
func User(userID string) *line.UserSource { return &line.UserSource{UserID: userID} }

// Group returns a group chat source with a sender.
func Group(groupID, userID string) *line.GroupSource {
	return &line.GroupSource{GroupID: groupID, UserID: userID}
}

// Message returns a message event from src with content c. What LINE
// always sends and c leaves empty is filled in, in c: the message ID; the
// quoteToken of a text, image, video or sticker; "line" as the content
// provider of an image, video or audio; "STATIC" as a sticker's resource
// type.
func Message(src line.Source, c line.MessageContent) *line.MessageEvent {
	switch m := c.(type) {
	case *line.TextContent:
		fillID(&m.ID)
		fillQuoteToken(&m.QuoteToken, m.ID)
	case *line.ImageContent:
		fillID(&m.ID)
		fillQuoteToken(&m.QuoteToken, m.ID)
		fillProvider(&m.ContentProvider)
	case *line.VideoContent:
		fillID(&m.ID)
		fillQuoteToken(&m.QuoteToken, m.ID)
		fillProvider(&m.ContentProvider)
	case *line.AudioContent:
		fillID(&m.ID)
		fillProvider(&m.ContentProvider)
	case *line.FileContent:
		fillID(&m.ID)
	case *line.LocationContent:
		fillID(&m.ID)
	case *line.StickerContent:
		fillID(&m.ID)
		fillQuoteToken(&m.QuoteToken, m.ID)
		if m.StickerResourceType == "" {
			m.StickerResourceType = "STATIC"
		}
	default:
		// an UnknownContent is sent as given
	}
	return &line.MessageEvent{EventBase: base(src), ReplyToken: replyToken(), Message: c}
}

// TextMessage returns a text message event from a user.
func TextMessage(userID, text string) *line.MessageEvent {
	return Message(User(userID), &line.TextContent{Text: text})
}

// ImageMessage returns an image message event from a user; the image is
// held by LINE (download it with GetContent(messageID); see
// [Server.SetContent]).
func ImageMessage(userID, messageID string) *line.MessageEvent {
	return Message(User(userID), &line.ImageContent{ID: messageID, ContentProvider: line.ContentProvider{Type: "line"}})
}

// StickerMessage returns a sticker message event from a user.
func StickerMessage(userID, packageID, stickerID string) *line.MessageEvent {
	return Message(User(userID), &line.StickerContent{PackageID: packageID, StickerID: stickerID, StickerResourceType: "STATIC"})
}

// LocationMessage returns a location message event from a user.
func LocationMessage(userID, title, address string, lat, lng float64) *line.MessageEvent {
	return Message(User(userID), &line.LocationContent{Title: title, Address: address, Latitude: lat, Longitude: lng})
}

// Postback returns a postback event from a user.
func Postback(userID, data string) *line.PostbackEvent {
	return &line.PostbackEvent{EventBase: base(User(userID)), ReplyToken: replyToken(), Postback: line.Postback{Data: data}}
}

// Follow returns a follow event (a user added the bot).
func Follow(userID string) *line.FollowEvent {
	return &line.FollowEvent{EventBase: base(User(userID)), ReplyToken: replyToken(), Follow: &line.FollowDetail{}}
}

// Unfollow returns an unfollow event (a user blocked the bot).
func Unfollow(userID string) *line.UnfollowEvent {
	return &line.UnfollowEvent{EventBase: base(User(userID))}
}

// Join returns a join event (the bot was added to a group).
func Join(groupID string) *line.JoinEvent {
	return &line.JoinEvent{EventBase: base(&line.GroupSource{GroupID: groupID}), ReplyToken: replyToken()}
}

// Leave returns a leave event (the bot was removed from a group).
func Leave(groupID string) *line.LeaveEvent {
	return &line.LeaveEvent{EventBase: base(&line.GroupSource{GroupID: groupID})}
}

// Redelivered marks ev as a redelivery and returns it.
func Redelivered[E line.Event](ev E) E {
	ev.Base().DeliveryContext.IsRedelivery = true
	return ev
}
