package line

import (
	"bytes"
	"encoding/json"
)

// The fast path decodes a whole callback in one pass of encoding/json into
// a superset of every known event, source and message shape, and then
// builds the concrete values without looking at the bytes again. It gives
// up (and the per-event path in decode.go takes over) as soon as anything
// is unusual: a type it does not know (whose raw bytes must be kept), a
// field of the wrong JSON type, a message event without a message. Real
// webhook traffic nearly always takes the fast path.

type fastCallback struct {
	Destination string      `json:"destination"`
	Events      []fastEvent `json:"events"`
}

type fastSource struct {
	Type    token  `json:"type"`
	UserID  string `json:"userId"`
	GroupID string `json:"groupId"`
	RoomID  string `json:"roomId"`
}

type fastMessage struct {
	Type                token           `json:"type"`
	ID                  string          `json:"id"`
	Text                string          `json:"text"`
	Emojis              []Emoji         `json:"emojis"`
	Mention             *Mention        `json:"mention"`
	QuoteToken          string          `json:"quoteToken"`
	QuotedMessageID     string          `json:"quotedMessageId"`
	MarkAsReadToken     string          `json:"markAsReadToken"`
	ContentProvider     ContentProvider `json:"contentProvider"`
	ImageSet            *ImageSet       `json:"imageSet"`
	Duration            int64           `json:"duration"`
	FileName            string          `json:"fileName"`
	FileSize            int64           `json:"fileSize"`
	Title               string          `json:"title"`
	Address             string          `json:"address"`
	Latitude            float64         `json:"latitude"`
	Longitude           float64         `json:"longitude"`
	PackageID           string          `json:"packageId"`
	StickerID           string          `json:"stickerId"`
	StickerResourceType string          `json:"stickerResourceType"`
	Keywords            []string        `json:"keywords"`
}

type fastEvent struct {
	Type            token           `json:"type"`
	Mode            token           `json:"mode"`
	Timestamp       int64           `json:"timestamp"`
	Source          *fastSource     `json:"source"`
	WebhookEventID  string          `json:"webhookEventId"`
	DeliveryContext DeliveryContext `json:"deliveryContext"`
	ReplyToken      string          `json:"replyToken"`

	Message           *fastMessage       `json:"message"`
	Postback          *Postback          `json:"postback"`
	Follow            *FollowDetail      `json:"follow"`
	Joined            *Members           `json:"joined"`
	Left              *Members           `json:"left"`
	Unsend            *Unsend            `json:"unsend"`
	VideoPlayComplete *VideoPlayComplete `json:"videoPlayComplete"`
	Beacon            *Beacon            `json:"beacon"`
	Link              *Link              `json:"link"`
	Things            *Things            `json:"things"`
	Membership        *Membership        `json:"membership"`
	Module            *Module            `json:"module"`
	ChatControl       *ChatControl       `json:"chatControl"`
	Delivery          *Delivery          `json:"delivery"`
}

// token is a string that the wire repeats in every event ("message",
// "user", "active"…): known values decode to constants without
// allocating; others decode as usual.
type token string

var tokens = map[string]token{}

func init() {
	for _, s := range []string{
		EventMessage, EventPostback, EventFollow, EventUnfollow, EventJoin, EventLeave, EventMemberJoined,
		EventMemberLeft, EventUnsend, EventVideoPlayComplete, EventBeacon, EventAccountLink, EventThings,
		EventMembership, EventModule, EventActivated, EventDeactivated, EventBotSuspended, EventBotResumed,
		EventDelivery, EventMessageEdited, SourceUser, SourceGroup, SourceRoom, ContentText, ContentImage, ContentVideo,
		ContentAudio, ContentFile, ContentLocation, ContentSticker, string(ModeActive), string(ModeStandby),
	} {
		tokens[s] = token(s)
	}
}

func (t *token) UnmarshalJSON(b []byte) error {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		if v, ok := tokens[string(b[1:len(b)-1])]; ok { // no allocation: map lookup by []byte
			*t = v
			return nil
		}
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = token(s)
	return nil
}

// decodeFast returns nil when the callback needs the per-event path.
func decodeFast(body []byte) *Callback {
	if i := skipSpace(body); i >= len(body) || body[i] != '{' {
		return nil
	}
	var w fastCallback
	// encoding/json decodes into the capacity it finds: a good guess at
	// the event count saves growing (and copying) the slice.
	w.Events = make([]fastEvent, 0, bytes.Count(body, []byte(`"timestamp"`)))
	if json.Unmarshal(body, &w) != nil {
		return nil
	}
	cb := &Callback{Destination: w.Destination, Events: make([]Event, len(w.Events))}
	var s slabs
	for i := range w.Events {
		ev, ok := w.Events[i].build(&s, len(w.Events)-i)
		if !ok {
			return nil
		}
		cb.Events[i] = ev
	}
	return cb
}

// slab hands out values from one allocation sized for the rest of the
// batch, so a callback of n text messages costs a few allocations rather
// than 3n. The values stay alive as long as any of them is referenced.
type slab[T any] struct{ buf []T }

func (s *slab[T]) take(n int) *T {
	if len(s.buf) == 0 {
		s.buf = make([]T, n)
	}
	p := &s.buf[0]
	s.buf = s.buf[1:]
	return p
}

type slabs struct {
	msgEvents slab[MessageEvent]
	texts     slab[TextContent]
	users     slab[UserSource]
	groups    slab[GroupSource]
}

func (f *fastEvent) base(sl *slabs, rest int) (EventBase, bool) {
	b := EventBase{Mode: Mode(f.Mode), Timestamp: f.Timestamp, WebhookEventID: f.WebhookEventID, DeliveryContext: f.DeliveryContext}
	if s := f.Source; s != nil {
		switch string(s.Type) {
		case SourceUser:
			u := sl.users.take(rest)
			u.UserID = s.UserID
			b.Source = u
		case SourceGroup:
			g := sl.groups.take(rest)
			g.GroupID, g.UserID = s.GroupID, s.UserID
			b.Source = g
		case SourceRoom:
			b.Source = &RoomSource{RoomID: s.RoomID, UserID: s.UserID}
		default:
			return b, false
		}
	}
	return b, true
}

func (f *fastEvent) build(sl *slabs, rest int) (Event, bool) {
	b, ok := f.base(sl, rest)
	if !ok {
		return nil, false
	}
	switch string(f.Type) {
	case EventMessage:
		c, ok := f.Message.build(sl, rest)
		if !ok {
			return nil, false
		}
		e := sl.msgEvents.take(rest)
		*e = MessageEvent{EventBase: b, ReplyToken: f.ReplyToken, Message: c}
		return e, true
	case EventMessageEdited:
		c, ok := f.Message.build(sl, rest)
		if !ok {
			return nil, false
		}
		return &MessageEditedEvent{EventBase: b, ReplyToken: f.ReplyToken, Message: c}, true
	case EventPostback:
		e := &PostbackEvent{EventBase: b, ReplyToken: f.ReplyToken}
		if f.Postback != nil {
			e.Postback = *f.Postback
		}
		return e, true
	case EventFollow:
		return &FollowEvent{EventBase: b, ReplyToken: f.ReplyToken, Follow: f.Follow}, true
	case EventUnfollow:
		return &UnfollowEvent{EventBase: b}, true
	case EventJoin:
		return &JoinEvent{EventBase: b, ReplyToken: f.ReplyToken}, true
	case EventLeave:
		return &LeaveEvent{EventBase: b}, true
	case EventMemberJoined:
		e := &MemberJoinedEvent{EventBase: b, ReplyToken: f.ReplyToken}
		if f.Joined != nil {
			e.Joined = *f.Joined
		}
		return e, true
	case EventMemberLeft:
		e := &MemberLeftEvent{EventBase: b}
		if f.Left != nil {
			e.Left = *f.Left
		}
		return e, true
	case EventUnsend:
		e := &UnsendEvent{EventBase: b}
		if f.Unsend != nil {
			e.Unsend = *f.Unsend
		}
		return e, true
	case EventVideoPlayComplete:
		e := &VideoPlayCompleteEvent{EventBase: b, ReplyToken: f.ReplyToken}
		if f.VideoPlayComplete != nil {
			e.VideoPlayComplete = *f.VideoPlayComplete
		}
		return e, true
	case EventBeacon:
		e := &BeaconEvent{EventBase: b, ReplyToken: f.ReplyToken}
		if f.Beacon != nil {
			e.Beacon = *f.Beacon
		}
		return e, true
	case EventAccountLink:
		e := &AccountLinkEvent{EventBase: b, ReplyToken: f.ReplyToken}
		if f.Link != nil {
			e.Link = *f.Link
		}
		return e, true
	case EventActivated:
		return &ActivatedEvent{EventBase: b, ChatControl: f.ChatControl}, true
	case EventDeactivated:
		return &DeactivatedEvent{EventBase: b}, true
	case EventBotSuspended:
		return &BotSuspendedEvent{EventBase: b}, true
	case EventBotResumed:
		return &BotResumedEvent{EventBase: b}, true
	case EventDelivery:
		e := &DeliveryEvent{EventBase: b}
		if f.Delivery != nil {
			e.Delivery = *f.Delivery
		}
		return e, true
	case EventThings:
		e := &ThingsEvent{EventBase: b, ReplyToken: f.ReplyToken}
		if f.Things != nil {
			e.Things = *f.Things
		}
		return e, true
	case EventMembership:
		e := &MembershipEvent{EventBase: b, ReplyToken: f.ReplyToken}
		if f.Membership != nil {
			e.Membership = *f.Membership
		}
		return e, true
	case EventModule:
		e := &ModuleEvent{EventBase: b}
		if f.Module != nil {
			e.Module = *f.Module
		}
		return e, true
	}
	// Unknown event types keep their raw bytes: the per-event path.
	return nil, false
}

func (m *fastMessage) build(sl *slabs, rest int) (MessageContent, bool) {
	if m == nil {
		return nil, false
	}
	switch string(m.Type) {
	case ContentText:
		t := sl.texts.take(rest)
		*t = TextContent{ID: m.ID, Text: m.Text, Emojis: m.Emojis, Mention: m.Mention, QuoteToken: m.QuoteToken, QuotedMessageID: m.QuotedMessageID, MarkAsReadToken: m.MarkAsReadToken}
		return t, true
	case ContentImage:
		return &ImageContent{ID: m.ID, ContentProvider: m.ContentProvider, ImageSet: m.ImageSet, QuoteToken: m.QuoteToken, MarkAsReadToken: m.MarkAsReadToken}, true
	case ContentVideo:
		return &VideoContent{ID: m.ID, Duration: m.Duration, ContentProvider: m.ContentProvider, QuoteToken: m.QuoteToken, MarkAsReadToken: m.MarkAsReadToken}, true
	case ContentAudio:
		return &AudioContent{ID: m.ID, Duration: m.Duration, ContentProvider: m.ContentProvider, MarkAsReadToken: m.MarkAsReadToken}, true
	case ContentFile:
		return &FileContent{ID: m.ID, FileName: m.FileName, FileSize: m.FileSize, MarkAsReadToken: m.MarkAsReadToken}, true
	case ContentLocation:
		return &LocationContent{ID: m.ID, Title: m.Title, Address: m.Address, Latitude: m.Latitude, Longitude: m.Longitude, MarkAsReadToken: m.MarkAsReadToken}, true
	case ContentSticker:
		return &StickerContent{ID: m.ID, PackageID: m.PackageID, StickerID: m.StickerID, StickerResourceType: m.StickerResourceType, Keywords: m.Keywords, Text: m.Text, QuoteToken: m.QuoteToken, QuotedMessageID: m.QuotedMessageID, MarkAsReadToken: m.MarkAsReadToken}, true
	}
	return nil, false
}
