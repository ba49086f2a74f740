package line

import (
	"time"

	"github.com/channelkit/channelkit/message"
)

// ToIncoming turns an event into channelkit's neutral form. It returns
// false for nil and for an [*InvalidEvent]; every other event converts
// (events without a neutral meaning become message.KindOther, with the
// event in Raw). An event of a channel in standby mode (another channel
// holds the chat; see [Client.AcquireChatControl]) is marked Standby.
func ToIncoming(ev Event) (message.Incoming, bool) {
	if ev == nil {
		return message.Incoming{}, false
	}
	if _, bad := ev.(*InvalidEvent); bad {
		return message.Incoming{}, false
	}
	b := ev.Base()
	in := message.Incoming{
		Platform:   message.LINE,
		Kind:       message.KindOther,
		EventID:    b.WebhookEventID,
		Redelivery: b.DeliveryContext.IsRedelivery,
		Standby:    b.Mode == ModeStandby,
		Raw:        ev,
	}
	if b.Timestamp > 0 {
		in.ReceivedAt = time.UnixMilli(b.Timestamp)
	} else {
		in.ReceivedAt = time.Now()
	}
	if b.Source != nil {
		in.ConversationID = b.Source.ChatID()
		in.UserID = b.Source.Sender()
	}
	switch e := ev.(type) {
	case *MessageEvent:
		if e.Message == nil {
			return in, true
		}
		in.Kind = message.KindMessage
		in.Content = toContent(e.Message)
	case *PostbackEvent:
		in.Kind = message.KindPostback
		in.Data = e.Postback.Data
	case *FollowEvent:
		in.Kind = message.KindFollow
	case *UnfollowEvent:
		in.Kind = message.KindUnfollow
	case *JoinEvent:
		in.Kind = message.KindJoin
	case *LeaveEvent:
		in.Kind = message.KindLeave
	default:
		// every other event stays KindOther
	}
	return in, true
}

func toContent(m MessageContent) message.Content {
	switch c := m.(type) {
	case *TextContent:
		return &message.Text{Text: c.Text}
	case *ImageContent:
		return &message.Image{URL: c.ContentProvider.OriginalContentURL, PreviewURL: c.ContentProvider.PreviewImageURL}
	case *VideoContent:
		return &message.Video{URL: c.ContentProvider.OriginalContentURL, PreviewURL: c.ContentProvider.PreviewImageURL, Duration: time.Duration(c.Duration) * time.Millisecond}
	case *AudioContent:
		return &message.Audio{URL: c.ContentProvider.OriginalContentURL, Duration: time.Duration(c.Duration) * time.Millisecond}
	case *FileContent:
		return &message.File{Name: c.FileName, Size: c.FileSize}
	case *LocationContent:
		return &message.Location{Title: c.Title, Address: c.Address, Latitude: c.Latitude, Longitude: c.Longitude}
	case *StickerContent:
		return &message.Sticker{Platform: message.LINE, PackageID: c.PackageID, StickerID: c.StickerID}
	case *UnknownContent:
		return &message.Unknown{Platform: message.LINE, Kind: c.ContentType, Raw: c.Raw}
	}
	return &message.Unknown{Platform: message.LINE, Kind: m.Type()}
}
