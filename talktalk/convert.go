package talktalk

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/channelkit/channelkit/message"
)

// ErrUnsupportedContent is wrapped by Render's errors for content TalkTalk
// cannot show in any form (stickers, other platforms' raw content). It
// wraps [errors.ErrUnsupported].
var ErrUnsupportedContent = fmt.Errorf("talktalk: content not supported: %w", errors.ErrUnsupported)

// ToIncoming converts an inbound event to the neutral form. ok is false
// when the bot must not answer the event: echoes (answering one loops),
// user messages sent while a human agent holds the thread (Incoming.Standby
// is set on those), and outbound-only events. The Incoming is filled in
// either case.
//
// Open and friend "on" are KindFollow; leave and friend "off" are
// KindUnfollow; handover, profile and payment events are KindOther with the
// typed event in Raw. A text the user produced by pressing a button that carries a code (TEXT
// buttons, quick replies, persistent menu items) becomes KindPostback with
// Data set to the code; time, calendar and time-interval picks stay
// messages (the text is the value picked) with Data set to the code. The
// user ID is both UserID and ConversationID. TalkTalk sends no event ID or
// timestamp: EventID is empty and ReceivedAt is the time of conversion.
func ToIncoming(ev Event) (message.Incoming, bool) {
	in := message.Incoming{Platform: message.TalkTalk, Kind: message.KindOther, ReceivedAt: time.Now(), Raw: ev}
	if ev == nil {
		in.Raw = (*UnknownEvent)(nil)
		return in, false
	}
	in.UserID = ev.UserID()
	in.ConversationID = in.UserID
	switch e := ev.(type) {
	case *SendEvent:
		sendToIncoming(&in, &e.Content)
		in.Standby = e.Standby
		return in, !e.Standby
	case *EchoEvent:
		return in, false
	case *OpenEvent:
		in.Kind = message.KindFollow
	case *FriendEvent:
		switch e.Options.Set {
		case "on":
			in.Kind = message.KindFollow
		case "off":
			in.Kind = message.KindUnfollow
		}
	case *LeaveEvent:
		in.Kind = message.KindUnfollow
	case *ActionEvent, *PersistentMenuEvent, *ProductEvent:
		return in, false
	default:
		// the rest stay KindOther and are answered
	}
	return in, true
}

func sendToIncoming(in *message.Incoming, c *Content) {
	switch c.Kind() {
	case KindText:
		t := c.Text
		switch {
		case t.Code == "":
			in.Kind, in.Content = message.KindMessage, &message.Text{Text: t.Text}
		case t.InputType == InputTime || t.InputType == InputCalendar || t.InputType == InputTimeInterval:
			in.Kind, in.Content, in.Data = message.KindMessage, &message.Text{Text: t.Text}, t.Code
		default:
			in.Kind, in.Data = message.KindPostback, t.Code
		}
	case KindImage:
		in.Kind, in.Content = message.KindMessage, &message.Image{URL: c.Image.ImageURL}
	case KindFile:
		in.Kind, in.Content = message.KindMessage, &message.File{URL: c.File.DownloadURL, Name: c.File.FileName}
	case KindComposite:
		raw, _ := json.Marshal(c.Composite)
		in.Kind, in.Content = message.KindMessage, &message.Unknown{Platform: message.TalkTalk, Kind: string(KindComposite), Raw: raw}
	case KindMixed:
		raw, _ := json.Marshal(c)
		in.Kind, in.Content = message.KindMessage, &message.Unknown{Platform: message.TalkTalk, Kind: string(KindMixed), Raw: raw}
	}
}

// Render turns neutral content into a TalkTalk send event (always exactly
// one, without User: set it before [Client.Send], or return the event as a
// synchronous reply). Whatever TalkTalk cannot show is in the report, with
// the path of the neutral field; with opts.Strict any loss is an error
// wrapping [message.ErrLossy]. Content TalkTalk cannot show at all
// (stickers, foreign raw content, or a result that fails [Validate], such
// as an image at a URL that is not http or https) is an error wrapping
// [ErrUnsupportedContent].
//
// Mapping: Text → textContent (cut at 10,000 characters); Image →
// imageContent; Card → one composite (a card with only a title or only
// text becomes text; one with only an image becomes an image); Carousel →
// composites; List → a composite with an element list of up to 3 rows;
// Video, Audio, File and Location → text with a link or the address.
// Postback → TEXT button with the data as code; MessageAction → TEXT button
// (the text becomes the code when it differs from the title shown, which
// is the label cut to the title limit); URLAction → LINK (http and https
// only); CallAction → LINK to tel:; ShareAction is dropped. Quick replies
// on the cards of a carousel are dropped: TalkTalk attaches them to a
// whole message.
func Render(c message.Content, opts message.RenderOptions) ([]*SendEvent, message.Report, error) {
	var rep message.Report
	content, err := render(c, &rep)
	if err != nil {
		return nil, rep, err
	}
	if err := opts.Check(message.TalkTalk, rep); err != nil {
		return nil, rep, err
	}
	ev := &SendEvent{Content: content}
	if err := Validate(ev); err != nil {
		return nil, rep, fmt.Errorf("%w: %w", ErrUnsupportedContent, err)
	}
	return []*SendEvent{ev}, rep, nil
}

func render(c message.Content, rep *message.Report) (Content, error) {
	switch c := c.(type) {
	case nil:
		return Content{}, errors.New("talktalk: nil content")
	case *message.Text:
		if c.Text == "" {
			return Content{}, errors.New("talktalk: empty text")
		}
		return Content{Text: &TextContent{Text: rep.Truncate("Text", c.Text, limits.Text, unit), QuickReply: quickReplies(c.QuickReplies, rep)}}, nil
	case *message.Image:
		if c.URL == "" {
			return Content{}, errors.New("talktalk: image without URL")
		}
		dropImageExtras("", c, rep)
		return Content{Image: &ImageContent{ImageURL: c.URL, QuickReply: quickReplies(c.QuickReplies, rep)}}, nil
	case *message.Video:
		if c.PreviewURL != "" {
			rep.Add("PreviewURL", message.Dropped, "TalkTalk has no video message: sent as a link")
		}
		return downgradeText(c.URL, c.QuickReplies, rep, "TalkTalk has no video message: sent as a link")
	case *message.Audio:
		return downgradeText(c.URL, c.QuickReplies, rep, "TalkTalk has no audio message: sent as a link")
	case *message.File:
		return downgradeText(lines(c.Name, c.URL), c.QuickReplies, rep, "TalkTalk bots cannot send files: sent as a link")
	case *message.Location:
		coords := strconv.FormatFloat(c.Latitude, 'f', -1, 64) + "," + strconv.FormatFloat(c.Longitude, 'f', -1, 64)
		return downgradeText(lines(c.Title, c.Address, coords), c.QuickReplies, rep, "TalkTalk has no location message: sent as text")
	case *message.Sticker:
		return Content{}, fmt.Errorf("%w: stickers", ErrUnsupportedContent)
	case *message.Card:
		return renderCard(c, rep)
	case *message.Carousel:
		return renderCarousel(c, rep)
	case *message.List:
		return renderList(c, rep)
	case *message.Unknown:
		return renderUnknown(c, rep)
	}
	return Content{}, fmt.Errorf("%w: %T", ErrUnsupportedContent, c)
}

func lines(parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n")
}

func downgradeText(text string, qr []message.QuickReply, rep *message.Report, why string) (Content, error) {
	if text == "" {
		return Content{}, errors.New("talktalk: nothing to send")
	}
	rep.Add("", message.Downgraded, why)
	text = rep.Truncate("", text, limits.Text, unit)
	return Content{Text: &TextContent{Text: text, QuickReply: quickReplies(qr, rep)}}, nil
}

func dropImageExtras(path string, im *message.Image, rep *message.Report) {
	if im.PreviewURL != "" {
		rep.Add(message.JoinPath(path, "PreviewURL"), message.Dropped, "TalkTalk has no preview images")
	}
	if im.AltText != "" {
		rep.Add(message.JoinPath(path, "AltText"), message.Dropped, "TalkTalk has no alternative text")
	}
}
