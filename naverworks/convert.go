package naverworks

import (
	"time"

	"github.com/channelkit/channelkit/message"
)

// ToIncoming converts a callback event to the neutral form. It reports
// false only for a nil event. Message contents map to their neutral types
// (files to *message.File with no URL: download them with
// [Client.Download] using the FileID in Raw). A text carrying a postback
// (the payload of a message action) stays KindMessage, with Data holding
// the postback. join/leave map to KindJoin/KindLeave, begin/end to
// KindFollow/KindUnfollow, joined/left and unknown types to KindOther.
//
// ConversationID is where a reply goes: the channel ID when there is one,
// else the user ID. NAVER WORKS events carry no ID, so EventID is empty.
// ReceivedAt is issuedTime, or the time of the call when absent.
func ToIncoming(ev Event) (message.Incoming, bool) {
	if ev == nil {
		return message.Incoming{}, false
	}
	src := ev.EventSource()
	in := message.Incoming{
		Platform:   message.NaverWorks,
		Kind:       message.KindOther,
		UserID:     src.UserID,
		ReceivedAt: ev.EventTime(),
		Raw:        ev,
	}
	if ch, user := src.ReplyTarget(); ch != "" {
		in.ConversationID = ch
	} else {
		in.ConversationID = user
	}
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = time.Now()
	}
	switch ev := ev.(type) {
	case *MessageEvent:
		in.Kind = message.KindMessage
		in.Content = toContent(ev.Content)
		if t, ok := ev.Content.(*TextContent); ok {
			in.Data = t.Postback
		}
	case *PostbackEvent:
		in.Kind = message.KindPostback
		in.Data = ev.Data
	case *JoinEvent:
		in.Kind = message.KindJoin
	case *LeaveEvent:
		in.Kind = message.KindLeave
	case *BeginEvent:
		in.Kind = message.KindFollow
	case *EndEvent:
		in.Kind = message.KindUnfollow
	default:
		// joined, left and unknown events stay KindOther
	}
	return in, true
}

func toContent(c MessageContent) message.Content {
	switch c := c.(type) {
	case *TextContent:
		return &message.Text{Text: c.Text}
	case *LocationContent:
		return &message.Location{Title: c.Title, Address: c.Address, Latitude: c.Latitude, Longitude: c.Longitude}
	case *StickerContent:
		return &message.Sticker{Platform: message.NaverWorks, PackageID: c.PackageID, StickerID: c.StickerID}
	case *ImageContent:
		return &message.Image{}
	case *FileContent:
		return &message.File{Name: c.FileName}
	case *AudioContent:
		return &message.Audio{}
	case *VideoContent:
		return &message.Video{}
	case *UnknownContent:
		return &message.Unknown{Platform: message.NaverWorks, Kind: c.ContentType, Raw: c.Raw}
	}
	return &message.Unknown{Platform: message.NaverWorks}
}
