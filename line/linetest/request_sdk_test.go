package linetest_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/signature"
	"github.com/google/go-cmp/cmp"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// eventRequired lists the properties LINE's webhook schema (line-openapi
// webhook.yml, which line-bot-sdk-go's webhook package is generated from)
// requires on every event; the SDK marks them "(Required)" or decodes them
// into non-omitempty fields.
var eventRequired = []string{"type", "timestamp", "mode", "webhookEventId", "deliveryContext.isRedelivery"}

// contentRequired lists the required properties of each message type.
var contentRequired = map[string][]string{
	line.ContentText:     {"message.type", "message.id", "message.text", "message.quoteToken"},
	line.ContentImage:    {"message.type", "message.id", "message.contentProvider.type", "message.quoteToken"},
	line.ContentVideo:    {"message.type", "message.id", "message.contentProvider.type", "message.quoteToken"},
	line.ContentAudio:    {"message.type", "message.id", "message.contentProvider.type"},
	line.ContentFile:     {"message.type", "message.id", "message.fileName", "message.fileSize"},
	line.ContentLocation: {"message.type", "message.id", "message.latitude", "message.longitude"},
	line.ContentSticker:  {"message.type", "message.id", "message.packageId", "message.stickerId", "message.stickerResourceType", "message.quoteToken"},
}

var (
	ulidPattern        = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{26}$`)
	destinationPattern = regexp.MustCompile(`^U[0-9a-f]{32}$`)
)

// TestBuiltWebhooksDecodeWithSDK builds every kind of event linetest
// offers and checks that line-bot-sdk-go decodes it into its concrete type
// with every required property filled, and that line.Parse reads the same
// key fields from it.
func TestBuiltWebhooksDecodeWithSDK(t *testing.T) {
	t.Parallel()
	user := []string{"replyToken", "source.userId"}
	tests := []struct {
		name     string
		event    line.Event
		sdkType  any      // the SDK event type the event must decode to
		sdkMsg   any      // for message events, the SDK content type
		required []string // required properties besides eventRequired and contentRequired
	}{
		{name: "TextMessage", event: linetest.TextMessage("U1", "hi"), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.TextMessageContent{}, required: user},
		{name: "ImageMessage", event: linetest.ImageMessage("U1", "m1"), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.ImageMessageContent{}, required: user},
		{name: "StickerMessage", event: linetest.StickerMessage("U1", "446", "1988"), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.StickerMessageContent{}, required: user},
		{name: "LocationMessage", event: linetest.LocationMessage("U1", "t", "a", 35.6, 139.7), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.LocationMessageContent{}, required: user},
		{name: "Message in a group", event: linetest.Message(linetest.Group("G1", "U2"), &line.TextContent{Text: "group"}), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.TextMessageContent{}, required: []string{"replyToken", "source.groupId", "source.userId"}},
		{name: "Message text", event: linetest.Message(linetest.User("U1"), &line.TextContent{Text: "x"}), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.TextMessageContent{}, required: user},
		{name: "Message image", event: linetest.Message(linetest.User("U1"), &line.ImageContent{}), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.ImageMessageContent{}, required: user},
		{name: "Message video", event: linetest.Message(linetest.User("U1"), &line.VideoContent{Duration: 1000}), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.VideoMessageContent{}, required: user},
		{name: "Message audio", event: linetest.Message(linetest.User("U1"), &line.AudioContent{Duration: 1000}), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.AudioMessageContent{}, required: user},
		{name: "Message file", event: linetest.Message(linetest.User("U1"), &line.FileContent{FileName: "a.pdf", FileSize: 3}), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.FileMessageContent{}, required: user},
		{name: "Message location", event: linetest.Message(linetest.User("U1"), &line.LocationContent{Latitude: 1, Longitude: 2}), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.LocationMessageContent{}, required: user},
		{name: "Message sticker", event: linetest.Message(linetest.User("U1"), &line.StickerContent{PackageID: "446", StickerID: "1988"}), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.StickerMessageContent{}, required: user},
		{name: "Postback", event: linetest.Postback("U1", "a=1"), sdkType: webhook.PostbackEvent{}, required: append([]string{"postback.data"}, user...)},
		{name: "Follow", event: linetest.Follow("U1"), sdkType: webhook.FollowEvent{}, required: append([]string{"follow.isUnblocked"}, user...)},
		{name: "Unfollow", event: linetest.Unfollow("U1"), sdkType: webhook.UnfollowEvent{}, required: []string{"source.userId"}},
		{name: "Join", event: linetest.Join("G1"), sdkType: webhook.JoinEvent{}, required: []string{"replyToken", "source.groupId"}},
		{name: "Leave", event: linetest.Leave("G1"), sdkType: webhook.LeaveEvent{}, required: []string{"source.groupId"}},
		{name: "Redelivered", event: linetest.Redelivered(linetest.TextMessage("U1", "again")), sdkType: webhook.MessageEvent{}, sdkMsg: webhook.TextMessageContent{}, required: user},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := tt.event
			body := linetest.CallbackBody(t, ev)

			var raw struct {
				Destination string           `json:"destination"`
				Events      []map[string]any `json:"events"`
			}
			if err := json.Unmarshal(body, &raw); err != nil || len(raw.Events) != 1 {
				t.Fatalf("body does not hold one event (%v): %s", err, body)
			}
			if !destinationPattern.MatchString(raw.Destination) {
				t.Errorf("destination %q is not a bot user ID", raw.Destination)
			}
			required := append(append([]string{"source.type"}, eventRequired...), tt.required...)
			if m, ok := ev.(*line.MessageEvent); ok {
				required = append(required, contentRequired[m.Message.Type()]...)
			}
			for _, p := range required {
				if why := missing(raw.Events[0], p); why != "" {
					t.Errorf("%s %s", p, why)
				}
			}

			cb, err := webhook.ParseRequest(linetest.ChannelSecret, linetest.NewRequestBody(linetest.ChannelSecret, body))
			if err != nil {
				t.Fatalf("webhook.ParseRequest: %v", err)
			}
			if len(cb.Events) != 1 {
				t.Fatalf("the SDK decoded %d events", len(cb.Events))
			}
			sdkEv := cb.Events[0]
			if got, want := reflect.TypeOf(sdkEv), reflect.TypeOf(tt.sdkType); got != want {
				t.Fatalf("the SDK decoded a %v, want %v", got, want)
			}
			sdk := sdkKeys(t, sdkEv)
			if tt.sdkMsg != nil {
				if got, want := reflect.TypeOf(reflect.ValueOf(sdkEv).FieldByName("Message").Interface()), reflect.TypeOf(tt.sdkMsg); got != want {
					t.Errorf("the SDK decoded the message as %v, want %v", got, want)
				}
			}
			for name, v := range map[string]string{"webhookEventId": sdk.EventID, "mode": sdk.Mode, "source": sdk.SourceType, "deliveryContext": sdk.Delivery} {
				if v == "" {
					t.Errorf("the SDK decoded no %s", name)
				}
			}
			if sdk.Timestamp <= 0 {
				t.Errorf("the SDK decoded timestamp %d", sdk.Timestamp)
			}
			if !ulidPattern.MatchString(sdk.EventID) {
				t.Errorf("webhookEventId %q is not a ULID", sdk.EventID)
			}
			if needsQuote(tt.sdkMsg) && sdk.QuoteToken == "" {
				t.Errorf("the SDK decoded no quoteToken on a %T", tt.sdkMsg)
			}

			ours, err := line.Parse(signature.MustSecretSet(linetest.ChannelSecret), body, linetest.SignBody(linetest.ChannelSecret, body))
			if err != nil {
				t.Fatalf("line.Parse: %v", err)
			}
			if len(ours.Events) != 1 {
				t.Fatalf("line.Parse decoded %d events", len(ours.Events))
			}
			if diff := cmp.Diff(sdk, ourKeys(ours.Events[0])); diff != "" {
				t.Errorf("key fields (-sdk +line):\n%s", diff)
			}
			if diff := cmp.Diff(ev, ours.Events[0]); diff != "" {
				t.Errorf("event (-built +parsed):\n%s", diff)
			}
		})
	}
}

// missing says why the property at the dotted path p of v is missing or
// empty, or returns "".
func missing(v map[string]any, p string) string {
	var cur any = v
	for _, k := range strings.Split(p, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return "has no parent object"
		}
		if cur, ok = m[k]; !ok {
			return "is missing"
		}
	}
	switch x := cur.(type) {
	case nil:
		return "is null"
	case string:
		if x == "" {
			return "is empty"
		}
	}
	return ""
}

// needsQuote reports whether the SDK's content type requires a quoteToken.
func needsQuote(c any) bool {
	switch c.(type) {
	case webhook.TextMessageContent, webhook.ImageMessageContent, webhook.VideoMessageContent, webhook.StickerMessageContent:
		return true
	default:
		return false
	}
}

// keys are the fields a bot reads from every event, in one shape for the
// SDK's types and ours.
type keys struct {
	Type       string
	EventID    string
	Timestamp  int64
	Mode       string
	Delivery   string // "redelivery", "first", or "" when absent
	SourceType string
	ChatID     string
	UserID     string
	ReplyToken string
	// MessageType, MessageID and QuoteToken are set for message events.
	MessageType string
	MessageID   string
	QuoteToken  string
	// Detail is the event's own payload: postback data, follow's
	// isUnblocked.
	Detail string
}

func delivery(redelivery bool) string {
	if redelivery {
		return "redelivery"
	}
	return "first"
}

// sdkKeys reads keys from an event the SDK decoded. Every SDK event type
// repeats the common fields (Timestamp, Mode, WebhookEventId,
// DeliveryContext, Source) rather than promoting them, so they are read by
// name.
func sdkKeys(t *testing.T, ev webhook.EventInterface) keys {
	t.Helper()
	v := reflect.ValueOf(ev)
	field := func(name string) reflect.Value {
		f := v.FieldByName(name)
		if !f.IsValid() {
			t.Fatalf("%T has no field %s", ev, name)
		}
		return f
	}
	k := keys{
		Type:      ev.GetType(),
		EventID:   field("WebhookEventId").String(),
		Timestamp: field("Timestamp").Int(),
		Mode:      field("Mode").String(),
	}
	if dc, ok := field("DeliveryContext").Interface().(*webhook.DeliveryContext); ok && dc != nil {
		k.Delivery = delivery(dc.IsRedelivery)
	}
	switch s := field("Source").Interface().(type) {
	case webhook.UserSource:
		k.SourceType, k.ChatID, k.UserID = "user", s.UserId, s.UserId
	case webhook.GroupSource:
		k.SourceType, k.ChatID, k.UserID = "group", s.GroupId, s.UserId
	case webhook.RoomSource:
		k.SourceType, k.ChatID, k.UserID = "room", s.RoomId, s.UserId
	case nil:
	default:
		t.Errorf("the SDK decoded the source as %T", s)
	}
	if f := v.FieldByName("ReplyToken"); f.IsValid() {
		k.ReplyToken = f.String()
	}
	switch e := ev.(type) {
	case webhook.MessageEvent:
		k.MessageType = e.Message.GetType()
		switch m := e.Message.(type) {
		case webhook.TextMessageContent:
			k.MessageID, k.QuoteToken = m.Id, m.QuoteToken
		case webhook.ImageMessageContent:
			k.MessageID, k.QuoteToken = m.Id, m.QuoteToken
		case webhook.VideoMessageContent:
			k.MessageID, k.QuoteToken = m.Id, m.QuoteToken
		case webhook.StickerMessageContent:
			k.MessageID, k.QuoteToken = m.Id, m.QuoteToken
		case webhook.AudioMessageContent:
			k.MessageID = m.Id
		case webhook.FileMessageContent:
			k.MessageID = m.Id
		case webhook.LocationMessageContent:
			k.MessageID = m.Id
		default:
			t.Errorf("the SDK decoded the message as %T", m)
		}
	case webhook.PostbackEvent:
		if e.Postback != nil {
			k.Detail = e.Postback.Data
		}
	case webhook.FollowEvent:
		if e.Follow != nil {
			k.Detail = fmt.Sprint(e.Follow.IsUnblocked)
		}
	default:
		// the other events carry only the common fields
	}
	return k
}

// ourKeys reads keys from an event line.Parse decoded.
func ourKeys(ev line.Event) keys {
	b := ev.Base()
	k := keys{
		Type:      ev.Type(),
		EventID:   b.WebhookEventID,
		Timestamp: b.Timestamp,
		Mode:      string(b.Mode),
		Delivery:  delivery(b.IsRedelivery()),
	}
	if b.Source != nil {
		k.SourceType, k.ChatID, k.UserID = b.Source.Type(), b.Source.ChatID(), b.Source.Sender()
	}
	switch e := ev.(type) {
	case *line.MessageEvent:
		k.ReplyToken = e.ReplyToken
		k.MessageType, k.MessageID = e.Message.Type(), e.Message.MessageID()
		switch m := e.Message.(type) {
		case *line.TextContent:
			k.QuoteToken = m.QuoteToken
		case *line.ImageContent:
			k.QuoteToken = m.QuoteToken
		case *line.VideoContent:
			k.QuoteToken = m.QuoteToken
		case *line.StickerContent:
			k.QuoteToken = m.QuoteToken
		default:
			// the other contents cannot be quoted
		}
	case *line.PostbackEvent:
		k.ReplyToken, k.Detail = e.ReplyToken, e.Postback.Data
	case *line.FollowEvent:
		k.ReplyToken = e.ReplyToken
		if e.Follow != nil {
			k.Detail = fmt.Sprint(e.Follow.IsUnblocked)
		}
	case *line.JoinEvent:
		k.ReplyToken = e.ReplyToken
	default:
		// the other events linetest builds have no reply token
	}
	return k
}
