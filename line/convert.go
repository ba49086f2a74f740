package line

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/channelkit/channelkit/message"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// ToIncoming turns an event into channelkit's neutral form. It returns
// false for nil and for an [*InvalidEvent]; every other event converts
// (events without a neutral meaning become message.KindOther, with the
// event in Raw).
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

// Render turns neutral content into LINE messages, ready for Client.Reply
// or Push, and reports everything LINE could not show faithfully.
//
//   - Text over 5,000 UTF-16 code units is split into several messages
//     (at most 5 in all; the rest is truncated).
//   - Cards, carousels (up to 12 cards) and lists become Flex messages;
//     their alt text (shown in notifications) is derived from the content.
//   - Buttons and quick replies: postback, message, URL (http or https
//     only); a call becomes a tel: link; share has no LINE equivalent and
//     is dropped. A postback quick reply without display text shows its
//     label (LINE requires one). Quick replies on the cards of a carousel
//     are dropped: LINE attaches them to a whole message.
//   - Images, videos and audio need HTTPS URLs of at most 2,000
//     characters: otherwise Render fails with an error wrapping
//     errors.ErrUnsupported. A preview URL LINE would refuse is dropped
//     (an image is then its own preview; a video is sent as a link), and
//     so is a card or list image LINE would refuse.
//   - Files cannot be sent by a bot: a file becomes a text with its name
//     and link (downgraded). Image alt text has no place in an image
//     message and is dropped.
//   - Stickers render only if they are LINE stickers; unknown content
//     only if it is LINE's own JSON. Otherwise Render fails with an error
//     wrapping errors.ErrUnsupported.
//
// With opts.Strict any loss is an error wrapping message.ErrLossy instead.
func Render(c message.Content, opts message.RenderOptions) ([]messaging_api.MessageInterface, message.Report, error) {
	var rep message.Report
	if c == nil {
		return nil, rep, errors.New("line: nil content")
	}
	r := renderer{rep: &rep}
	msgs, err := r.content(c)
	if err != nil {
		return nil, rep, err
	}
	if len(msgs) == 0 {
		return nil, rep, fmt.Errorf("line: %s content has nothing to send: %w", c.Type(), errors.ErrUnsupported)
	}
	if qr := r.quickReplies(c.Replies()); qr != nil && !setQuickReply(msgs[len(msgs)-1], qr) {
		rep.Add("QuickReplies", message.Dropped, "raw LINE content keeps its own quick replies")
	}
	if err := opts.Check(message.LINE, rep); err != nil {
		return nil, rep, err
	}
	for _, m := range msgs {
		setType(m)
	}
	return msgs, rep, nil
}

// setType fills in the discriminator of a message Render built, so that
// GetType reports it before the message is encoded.
func setType(m messaging_api.MessageInterface) {
	switch m := m.(type) {
	case *messaging_api.TextMessage:
		m.Type = "text"
	case *messaging_api.ImageMessage:
		m.Type = "image"
	case *messaging_api.VideoMessage:
		m.Type = "video"
	case *messaging_api.AudioMessage:
		m.Type = "audio"
	case *messaging_api.StickerMessage:
		m.Type = "sticker"
	case *messaging_api.LocationMessage:
		m.Type = "location"
	case *messaging_api.FlexMessage:
		m.Type = "flex"
	}
}

type renderer struct{ rep *message.Report }

func (r renderer) content(c message.Content) ([]messaging_api.MessageInterface, error) {
	switch c := c.(type) {
	case *message.Text:
		return r.text("Text", c.Text, limits.messages)
	case *message.Image:
		if !mediaURL(c.URL) {
			return nil, fmt.Errorf("line: image needs an HTTPS URL of at most %d characters: %w", limits.mediaURL, errors.ErrUnsupported)
		}
		prev := r.preview(c.PreviewURL, c.URL)
		if c.AltText != "" {
			r.rep.Add("AltText", message.Dropped, "LINE image messages have no alt text")
		}
		return one(&messaging_api.ImageMessage{OriginalContentUrl: c.URL, PreviewImageUrl: prev}), nil
	case *message.Video:
		if !mediaURL(c.URL) {
			return nil, fmt.Errorf("line: video needs an HTTPS URL of at most %d characters: %w", limits.mediaURL, errors.ErrUnsupported)
		}
		if c.PreviewURL != "" && !mediaURL(c.PreviewURL) {
			r.rep.Addf("PreviewURL", message.Dropped, "LINE needs an HTTPS preview URL of at most %d characters", limits.mediaURL)
		}
		if !mediaURL(c.PreviewURL) {
			// LINE requires a preview image: send a link instead.
			r.rep.Add("", message.Downgraded, "LINE needs a preview image for a video; sent as a link")
			return r.text("URL", c.URL, 1)
		}
		return one(&messaging_api.VideoMessage{OriginalContentUrl: c.URL, PreviewImageUrl: c.PreviewURL}), nil
	case *message.Audio:
		if !mediaURL(c.URL) {
			return nil, fmt.Errorf("line: audio needs an HTTPS URL of at most %d characters: %w", limits.mediaURL, errors.ErrUnsupported)
		}
		ms := c.Duration.Milliseconds()
		if ms <= 0 {
			ms = 1
			r.rep.Add("Duration", message.Downgraded, "LINE requires an audio duration; 1 ms sent")
		}
		return one(&messaging_api.AudioMessage{OriginalContentUrl: c.URL, Duration: ms}), nil
	case *message.File:
		if c.URL == "" {
			return nil, fmt.Errorf("line: file without URL: %w", errors.ErrUnsupported)
		}
		r.rep.Add("", message.Downgraded, "LINE bots cannot send files; sent as a text link")
		text := c.URL
		if c.Name != "" {
			text = c.Name + "\n" + c.URL
		}
		return r.text("", text, 1)
	case *message.Sticker:
		if c.Platform != "" && c.Platform != message.LINE {
			return nil, fmt.Errorf("line: a %s sticker cannot be shown on LINE: %w", c.Platform, errors.ErrUnsupported)
		}
		return one(&messaging_api.StickerMessage{PackageId: c.PackageID, StickerId: c.StickerID}), nil
	case *message.Location:
		title, addr := c.Title, c.Address
		if title == "" {
			title = "Location"
		}
		if addr == "" {
			addr = fmt.Sprintf("%.6f, %.6f", c.Latitude, c.Longitude)
		}
		title = r.rep.Truncate("Title", title, limits.locationTitle, message.UTF16)
		addr = r.rep.Truncate("Address", addr, limits.locationAddress, message.UTF16)
		return one(&messaging_api.LocationMessage{Title: title, Address: addr, Latitude: c.Latitude, Longitude: c.Longitude}), nil
	case *message.Card:
		if c.Title == "" && c.Text == "" && c.Image == nil && len(c.Buttons) == 0 {
			return nil, errors.New("line: empty card")
		}
		b := r.bubble("", c)
		return one(&messaging_api.FlexMessage{AltText: altText(c.Title, c.Text), Contents: b}), nil
	case *message.Carousel:
		if len(c.Cards) == 0 {
			return nil, errors.New("line: empty carousel")
		}
		cards := c.Cards
		if len(cards) > limits.flexBubbles {
			for i := limits.flexBubbles; i < len(cards); i++ {
				r.rep.Addf(message.Index("Cards", i), message.Dropped, "LINE carousels hold %d cards", limits.flexBubbles)
			}
			cards = cards[:limits.flexBubbles]
		}
		bubbles := make([]messaging_api.FlexBubble, len(cards))
		for i := range cards {
			p := message.Index("Cards", i)
			bubbles[i] = *r.bubble(p, &cards[i])
			if len(cards[i].QuickReplies) > 0 {
				r.rep.Add(message.JoinPath(p, "QuickReplies"), message.Dropped, "LINE attaches quick replies to a message, not to a carousel card")
			}
		}
		alt := altText(cards[0].Title, cards[0].Text)
		return one(&messaging_api.FlexMessage{AltText: alt, Contents: &messaging_api.FlexCarousel{Contents: bubbles}}), nil
	case *message.List:
		if c.Title == "" && len(c.Items) == 0 && len(c.Buttons) == 0 {
			return nil, errors.New("line: empty list")
		}
		return one(r.list(c)), nil
	case *message.Unknown:
		if c.Platform != message.LINE || len(c.Raw) == 0 {
			return nil, fmt.Errorf("line: unknown %s content from %q: %w", c.Kind, c.Platform, errors.ErrUnsupported)
		}
		return one(RawMessage(c.Raw)), nil
	}
	return nil, fmt.Errorf("line: unsupported content %T: %w", c, errors.ErrUnsupported)
}

// mediaURL reports whether u is a URL LINE accepts for media and images:
// HTTPS and at most 2,000 characters.
func mediaURL(u string) bool {
	return strings.HasPrefix(u, "https://") && len(u) > len("https://") && utf16Len(u) <= limits.mediaURL
}

// preview returns the preview image URL for an image at url: the given
// one if LINE accepts it, else url itself (with a loss if one was given).
func (r renderer) preview(preview, url string) string {
	switch {
	case preview == "":
		return url
	case !mediaURL(preview):
		r.rep.Addf("PreviewURL", message.Dropped, "LINE needs an HTTPS preview URL of at most %d characters; the image is its own preview", limits.mediaURL)
		return url
	}
	return preview
}

func one(m messaging_api.MessageInterface) []messaging_api.MessageInterface {
	return []messaging_api.MessageInterface{m}
}

// text splits s into at most max text messages.
func (r renderer) text(path, s string, max int) ([]messaging_api.MessageInterface, error) {
	if s == "" {
		return nil, errors.New("line: empty text")
	}
	parts := message.SplitText(s, limits.text, message.UTF16)
	if len(parts) > max {
		if max == 1 {
			r.rep.Addf(path, message.Truncated, "limit is %d %s", limits.text, message.UTF16)
		} else {
			r.rep.Addf(path, message.Truncated, "LINE sends at most %d messages of %d %s", max, limits.text, message.UTF16)
		}
		parts = parts[:max]
	}
	if len(parts) > 1 {
		r.rep.Addf(path, message.Split, "%d messages of at most %d %s", len(parts), limits.text, message.UTF16)
	}
	out := make([]messaging_api.MessageInterface, len(parts))
	for i, p := range parts {
		out[i] = &messaging_api.TextMessage{Text: p}
	}
	return out, nil
}

// altText derives the notification text of a Flex message.
func altText(parts ...string) string {
	s := strings.TrimSpace(strings.Join(parts, "\n"))
	if s == "" {
		s = "Message"
	}
	s, _ = message.TruncateText(s, limits.altText, message.UTF16)
	return s
}

func flexText(s string, bold bool) *messaging_api.FlexText {
	t := &messaging_api.FlexText{Text: s, Wrap: true}
	if bold {
		t.Weight = messaging_api.FlexTextWEIGHT_BOLD
		t.Size = "lg"
	}
	return t
}

func (r renderer) bubble(prefix string, c *message.Card) *messaging_api.FlexBubble {
	b := &messaging_api.FlexBubble{}
	if c.Image != nil && mediaURL(c.Image.URL) {
		b.Hero = &messaging_api.FlexImage{Url: c.Image.URL, Size: "full", AspectMode: messaging_api.FlexImageASPECT_MODE_COVER}
		if c.Image.PreviewURL != "" {
			r.rep.Add(message.JoinPath(prefix, "Image.PreviewURL"), message.Dropped, "Flex images have no preview")
		}
		if c.Image.AltText != "" {
			r.rep.Add(message.JoinPath(prefix, "Image.AltText"), message.Dropped, "Flex images have no alt text")
		}
	} else if c.Image != nil {
		r.rep.Addf(message.JoinPath(prefix, "Image"), message.Dropped, "LINE needs an HTTPS image URL of at most %d characters", limits.mediaURL)
	}
	var body []messaging_api.FlexComponentInterface
	if c.Title != "" {
		body = append(body, flexText(r.rep.Truncate(message.JoinPath(prefix, "Title"), c.Title, limits.text, message.UTF16), true))
	}
	if c.Text != "" {
		body = append(body, flexText(r.rep.Truncate(message.JoinPath(prefix, "Text"), c.Text, limits.text, message.UTF16), false))
	}
	if len(body) > 0 {
		b.Body = &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Spacing: "sm", Contents: body}
	}
	if f := r.buttons(message.JoinPath(prefix, "Buttons"), c.Buttons); f != nil {
		b.Footer = f
	}
	if b.Body == nil && b.Hero == nil && b.Footer == nil {
		b.Body = &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Contents: []messaging_api.FlexComponentInterface{flexText(" ", false)}}
	}
	return b
}

func (r renderer) buttons(path string, bs []message.Button) *messaging_api.FlexBox {
	var comps []messaging_api.FlexComponentInterface
	for i, btn := range bs {
		p := message.Index(path, i)
		if btn.Label == "" {
			r.rep.Add(p, message.Dropped, "a LINE button needs a label")
			continue
		}
		a := r.action(p, p, p+".Label", btn.Label, btn.Action, false)
		if a == nil {
			continue
		}
		comps = append(comps, &messaging_api.FlexButton{Action: a, Style: messaging_api.FlexButtonSTYLE_LINK, Height: messaging_api.FlexButtonHEIGHT_SM})
	}
	if len(comps) == 0 {
		return nil
	}
	return &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Spacing: "sm", Contents: comps}
}

func (r renderer) list(c *message.List) *messaging_api.FlexMessage {
	b := &messaging_api.FlexBubble{}
	var body []messaging_api.FlexComponentInterface
	if c.Title != "" {
		body = append(body, flexText(r.rep.Truncate("Title", c.Title, limits.text, message.UTF16), true))
	}
	for i, it := range c.Items {
		p := message.Index("Items", i)
		var col []messaging_api.FlexComponentInterface
		if it.Title != "" {
			col = append(col, &messaging_api.FlexText{Text: r.rep.Truncate(p+".Title", it.Title, limits.text, message.UTF16), Wrap: true, Weight: messaging_api.FlexTextWEIGHT_BOLD})
		}
		if it.Text != "" {
			col = append(col, &messaging_api.FlexText{Text: r.rep.Truncate(p+".Text", it.Text, limits.text, message.UTF16), Wrap: true, Size: "sm"})
		}
		if len(col) == 0 {
			col = append(col, flexText(" ", false))
		}
		row := &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Contents: col, Flex: 1}
		var line []messaging_api.FlexComponentInterface
		if it.ImageURL != "" && !mediaURL(it.ImageURL) {
			r.rep.Addf(p+".ImageURL", message.Dropped, "LINE needs an HTTPS image URL of at most %d characters", limits.mediaURL)
		} else if it.ImageURL != "" {
			line = append(line, &messaging_api.FlexImage{Url: it.ImageURL, Size: "xs", AspectMode: messaging_api.FlexImageASPECT_MODE_COVER})
		}
		line = append(line, row)
		box := &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_HORIZONTAL, Spacing: "md", Contents: line}
		if it.Action != nil {
			label := it.Title
			if label == "" {
				label = it.Text
			}
			label, _ = message.TruncateText(label, limits.label, message.UTF16)
			box.Action = r.action(p, p+".Action", "", label, it.Action, false)
		}
		body = append(body, box)
	}
	if len(body) > 0 {
		b.Body = &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Spacing: "md", Contents: body}
	}
	if f := r.buttons("Buttons", c.Buttons); f != nil {
		b.Footer = f
	}
	if b.Body == nil && b.Footer == nil {
		b.Body = &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Contents: []messaging_api.FlexComponentInterface{flexText(" ", false)}}
	}
	first := ""
	if len(c.Items) > 0 {
		first = c.Items[0].Title
	}
	return &messaging_api.FlexMessage{AltText: altText(c.Title, first), Contents: b}
}

// action converts the action of the button, quick reply or list item at
// path; nil (with a loss at drop) when LINE has no equivalent. A label of
// the user's (labelPath set) is truncated with a loss there; quick-reply
// postbacks get a display text.
func (r renderer) action(path, drop, labelPath, label string, a message.Action, quickReply bool) messaging_api.ActionInterface {
	lbl := label
	if labelPath != "" {
		lbl = r.rep.Truncate(labelPath, label, limits.label, message.UTF16)
	}
	switch a := a.(type) {
	case *message.Postback:
		data := r.rep.Truncate(path+".Action.Data", a.Data, limits.postbackData, message.UTF16)
		disp := r.rep.Truncate(path+".Action.DisplayText", a.DisplayText, limits.displayText, message.UTF16)
		if quickReply && disp == "" {
			disp = lbl
		}
		if data == "" {
			r.rep.Add(drop, message.Dropped, "a LINE postback needs data")
			return nil
		}
		return &messaging_api.PostbackAction{Label: lbl, Data: data, DisplayText: disp}
	case *message.MessageAction:
		if a.Text == "" {
			r.rep.Add(drop, message.Dropped, "a LINE message action needs text")
			return nil
		}
		return &messaging_api.MessageAction{Label: lbl, Text: r.rep.Truncate(path+".Action.Text", a.Text, limits.actionText, message.UTF16)}
	case *message.URLAction:
		if !hasScheme(a.URL, "http://", "https://") || utf16Len(a.URL) > limits.uri {
			r.rep.Addf(drop, message.Dropped, "a LINE link must be an http or https URL of at most %d characters", limits.uri)
			return nil
		}
		return &messaging_api.UriAction{Label: lbl, Uri: a.URL}
	case *message.CallAction:
		if a.Phone == "" || utf16Len("tel:"+a.Phone) > limits.uri {
			r.rep.Addf(drop, message.Dropped, "a LINE tel: link needs a phone number of at most %d characters", limits.uri-len("tel:"))
			return nil
		}
		return &messaging_api.UriAction{Label: lbl, Uri: "tel:" + a.Phone}
	case *message.ShareAction:
		r.rep.Add(drop, message.Dropped, "LINE has no share action")
		return nil
	case nil:
		r.rep.Add(drop, message.Dropped, "no action")
		return nil
	}
	r.rep.Add(drop, message.Dropped, "unsupported action")
	return nil
}

func (r renderer) quickReplies(qs []message.QuickReply) *messaging_api.QuickReply {
	if len(qs) == 0 {
		return nil
	}
	var items []messaging_api.QuickReplyItem
	for i, q := range qs {
		p := message.Index("QuickReplies", i)
		if len(items) == limits.quickReplies {
			r.rep.Addf(p, message.Dropped, "LINE shows at most %d quick replies", limits.quickReplies)
			continue
		}
		if q.Label == "" {
			r.rep.Add(p, message.Dropped, "a LINE quick reply needs a label")
			continue
		}
		a := r.action(p, p, p+".Label", q.Label, q.Action, true)
		if a == nil {
			continue
		}
		it := messaging_api.QuickReplyItem{Type: "action", Action: a}
		if q.ImageURL != "" {
			if strings.HasPrefix(q.ImageURL, "https://") && utf16Len(q.ImageURL) <= limits.quickReplyImageURL {
				it.ImageUrl = q.ImageURL
			} else {
				r.rep.Add(p+".ImageURL", message.Dropped, "LINE needs an HTTPS icon URL of at most 2000 characters")
			}
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil
	}
	return &messaging_api.QuickReply{Items: items}
}

func setQuickReply(m messaging_api.MessageInterface, qr *messaging_api.QuickReply) bool {
	switch m := m.(type) {
	case *messaging_api.TextMessage:
		m.QuickReply = qr
	case *messaging_api.ImageMessage:
		m.QuickReply = qr
	case *messaging_api.VideoMessage:
		m.QuickReply = qr
	case *messaging_api.AudioMessage:
		m.QuickReply = qr
	case *messaging_api.StickerMessage:
		m.QuickReply = qr
	case *messaging_api.LocationMessage:
		m.QuickReply = qr
	case *messaging_api.FlexMessage:
		m.QuickReply = qr
	default:
		return false
	}
	return true
}
