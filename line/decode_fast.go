package line

import (
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
	Type    string `json:"type"`
	UserID  string `json:"userId"`
	GroupID string `json:"groupId"`
	RoomID  string `json:"roomId"`
}

type fastMessage struct {
	Type                string          `json:"type"`
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
	Type            string          `json:"type"`
	Mode            Mode            `json:"mode"`
	Timestamp       int64           `json:"timestamp"`
	Source          *fastSource     `json:"source"`
	WebhookEventID  string          `json:"webhookEventId"`
	DeliveryContext DeliveryContext `json:"deliveryContext"`
	ReplyToken      string          `json:"replyToken"`

	Message  *fastMessage  `json:"message"`
	Postback *Postback     `json:"postback"`
	Follow   *FollowDetail `json:"follow"`
	Joined   *Members      `json:"joined"`
	Left     *Members      `json:"left"`
	Unsend   *struct {
		MessageID string `json:"messageId"`
	} `json:"unsend"`
	VideoPlayComplete *struct {
		TrackingID string `json:"trackingId"`
	} `json:"videoPlayComplete"`
	Beacon *Beacon `json:"beacon"`
	Link   *struct {
		Result string `json:"result"`
		Nonce  string `json:"nonce"`
	} `json:"link"`
	Things      *json.RawMessage `json:"things"`
	Membership  *json.RawMessage `json:"membership"`
	Module      *json.RawMessage `json:"module"`
	ChatControl *struct {
		ExpireAt int64 `json:"expireAt"`
	} `json:"chatControl"`
	Delivery *struct {
		Data string `json:"data"`
	} `json:"delivery"`
}

// decodeFast returns nil when the callback needs the per-event path.
func decodeFast(body []byte) *Callback {
	var w fastCallback
	if json.Unmarshal(body, &w) != nil {
		return nil
	}
	cb := &Callback{Destination: w.Destination, Events: make([]Event, len(w.Events))}
	for i := range w.Events {
		ev, ok := w.Events[i].build()
		if !ok {
			return nil
		}
		cb.Events[i] = ev
	}
	return cb
}

func (f *fastEvent) base() (EventBase, bool) {
	b := EventBase{Mode: f.Mode, Timestamp: f.Timestamp, WebhookEventID: f.WebhookEventID, DeliveryContext: f.DeliveryContext}
	if s := f.Source; s != nil {
		switch s.Type {
		case SourceUser:
			b.Source = &UserSource{UserID: s.UserID}
		case SourceGroup:
			b.Source = &GroupSource{GroupID: s.GroupID, UserID: s.UserID}
		case SourceRoom:
			b.Source = &RoomSource{RoomID: s.RoomID, UserID: s.UserID}
		default:
			return b, false
		}
	}
	return b, true
}

func (f *fastEvent) build() (Event, bool) {
	b, ok := f.base()
	if !ok {
		return nil, false
	}
	switch f.Type {
	case EventMessage:
		c, ok := f.Message.build()
		if !ok {
			return nil, false
		}
		return &MessageEvent{EventBase: b, ReplyToken: f.ReplyToken, Message: c}, true
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
			e.Unsend.MessageID = f.Unsend.MessageID
		}
		return e, true
	case EventVideoPlayComplete:
		e := &VideoPlayCompleteEvent{EventBase: b, ReplyToken: f.ReplyToken}
		if f.VideoPlayComplete != nil {
			e.VideoPlayComplete.TrackingID = f.VideoPlayComplete.TrackingID
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
			e.Link.Result, e.Link.Nonce = f.Link.Result, f.Link.Nonce
		}
		return e, true
	case EventActivated:
		e := &ActivatedEvent{EventBase: b}
		if f.ChatControl != nil {
			e.ChatControl = &struct {
				ExpireAt int64 `json:"expireAt"`
			}{f.ChatControl.ExpireAt}
		}
		return e, true
	case EventDeactivated:
		return &DeactivatedEvent{EventBase: b}, true
	case EventBotSuspended:
		return &BotSuspendedEvent{EventBase: b}, true
	case EventBotResumed:
		return &BotResumedEvent{EventBase: b}, true
	case EventDelivery:
		e := &DeliveryEvent{EventBase: b}
		if f.Delivery != nil {
			e.Delivery.Data = f.Delivery.Data
		}
		return e, true
	}
	// things, membership, module (rare, nested shapes) and unknown types:
	// the per-event path.
	return nil, false
}

func (m *fastMessage) build() (MessageContent, bool) {
	if m == nil {
		return nil, false
	}
	switch m.Type {
	case ContentText:
		return &TextContent{ID: m.ID, Text: m.Text, Emojis: m.Emojis, Mention: m.Mention, QuoteToken: m.QuoteToken, QuotedMessageID: m.QuotedMessageID, MarkAsReadToken: m.MarkAsReadToken}, true
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
