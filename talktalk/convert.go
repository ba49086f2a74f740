package talktalk

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/wire"
	"github.com/channelkit/channelkit/message"
)

// ErrUnsupportedContent is wrapped by Render's errors for content TalkTalk
// cannot show in any form (stickers, other platforms' raw content). It
// wraps [errors.ErrUnsupported].
var ErrUnsupportedContent = fmt.Errorf("talktalk: content not supported: %w", errors.ErrUnsupported)

// ToIncoming converts an inbound event to the neutral form. ok is false
// when the bot must not answer the event: echoes (answering one loops),
// user messages sent while a human agent holds the thread (Standby), and
// outbound-only events. The Incoming is filled in either case.
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

func quickReplies(qrs []message.QuickReply, rep *message.Report) *QuickReply {
	var list ButtonList
	for i, q := range qrs {
		p := message.Index("QuickReplies", i)
		if i >= limits.QuickReplies {
			rep.Addf(p, message.Dropped, "TalkTalk shows at most %d quick replies", limits.QuickReplies)
			continue
		}
		if q.ImageURL != "" {
			rep.Add(message.JoinPath(p, "ImageURL"), message.Dropped, "TalkTalk quick replies have no icons")
		}
		if b := button(p, message.JoinPath(p, "Action"), q.Label, message.JoinPath(p, "Label"), q.Action, limits.InnerButtonTitle, rep); b != nil {
			list = append(list, b)
		}
	}
	if len(list) == 0 {
		return nil
	}
	return &QuickReply{ButtonList: list}
}

// button renders one labelled action. path is where dropping the whole
// button is reported, ap the path of the action, labelPath where a label
// cut is reported ("" when the label is derived, not the user's).
func button(path, ap, label, labelPath string, a message.Action, titleMax int, rep *message.Report) Button {
	if strings.TrimSpace(label) == "" {
		rep.Add(path, message.Dropped, "TalkTalk buttons need a title")
		return nil
	}
	title := label
	if labelPath != "" {
		title = rep.Truncate(labelPath, label, titleMax, unit)
	} else {
		title, _ = message.TruncateText(label, titleMax, unit)
	}
	switch a := a.(type) {
	case *message.Postback:
		if a.DisplayText != "" && a.DisplayText != title {
			rep.Add(message.JoinPath(ap, "DisplayText"), message.Dropped, "TalkTalk shows the button title as the user's message")
		}
		return &TextButton{Title: title, Code: rep.Truncate(message.JoinPath(ap, "Data"), a.Data, limits.Code, unit)}
	case *message.MessageAction:
		if a.Text == title {
			return &TextButton{Title: title}
		}
		rep.Add(ap, message.Downgraded, "TalkTalk sends the button title as the user's message; the text travels as its code")
		return &TextButton{Title: title, Code: rep.Truncate(message.JoinPath(ap, "Text"), a.Text, limits.Code, unit)}
	case *message.URLAction:
		if !strings.HasPrefix(a.URL, "https://") && !strings.HasPrefix(a.URL, "http://") {
			rep.Add(path, message.Dropped, "TalkTalk links must be http(s) URLs")
			return nil
		}
		return &LinkButton{Title: title, URL: a.URL, MobileURL: a.URL}
	case *message.CallAction:
		if strings.TrimSpace(a.Phone) == "" {
			rep.Add(path, message.Dropped, "no phone number")
			return nil
		}
		u := "tel:" + a.Phone
		return &LinkButton{Title: title, URL: u, MobileURL: u}
	case *message.ShareAction:
		rep.Add(path, message.Dropped, "TalkTalk has no share button")
	default:
		rep.Add(path, message.Dropped, "no action")
	}
	return nil
}

func buttons(path string, bs []message.Button, rep *message.Report) ButtonList {
	var out ButtonList
	for i, b := range bs {
		p := message.Index(path, i)
		if i >= limits.Buttons {
			rep.Addf(p, message.Dropped, "TalkTalk shows at most %d buttons", limits.Buttons)
			continue
		}
		if btn := button(p, message.JoinPath(p, "Action"), b.Label, message.JoinPath(p, "Label"), b.Action, limits.ButtonTitle, rep); btn != nil {
			out = append(out, btn)
		}
	}
	return out
}

// composite renders a card at path. ok is false when the card does not
// have the two parts a composite needs.
func composite(path string, c *message.Card, rep *message.Report) (Composite, bool) {
	var sub message.Report
	out := Composite{
		Title:       sub.Truncate("Title", c.Title, limits.CompositeTitle, unit),
		Description: sub.Truncate("Text", c.Text, limits.CompositeDesc, unit),
	}
	if c.Image != nil && c.Image.URL != "" {
		out.Image = &Image{ImageURL: c.Image.URL}
		dropImageExtras("Image", c.Image, &sub)
	} else if c.Image != nil {
		sub.Add("Image", message.Dropped, "image without URL")
	}
	if len(c.QuickReplies) > 0 && path != "" {
		sub.Add("QuickReplies", message.Dropped, "TalkTalk attaches quick replies to a whole message, not to a carousel card")
	}
	out.ButtonList = buttons("Buttons", c.Buttons, &sub)
	primary := btoi(out.Title != "") + btoi(out.Description != "")
	parts := primary + btoi(out.Image != nil) + btoi(len(out.ButtonList) > 0)
	if primary == 0 || parts < 2 {
		return Composite{}, false
	}
	rep.Merge(path, sub)
	return out, true
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func renderCard(c *message.Card, rep *message.Report) (Content, error) {
	if comp, ok := composite("", c, rep); ok {
		return Content{Composite: &CompositeContent{CompositeList: []Composite{comp}, QuickReply: quickReplies(c.QuickReplies, rep)}}, nil
	}
	// Too little for a composite: one part, plus perhaps buttons that need
	// a title or text to hang on.
	switch {
	case c.Title != "" || c.Text != "":
		if len(c.Buttons) > 0 {
			rep.Add("Buttons", message.Dropped, "no button survived for a TalkTalk composite")
		}
		if c.Image != nil {
			rep.Add("Image", message.Dropped, "image without URL")
		}
		return Content{Text: &TextContent{Text: rep.Truncate("", lines(c.Title, c.Text), limits.Text, unit), QuickReply: quickReplies(c.QuickReplies, rep)}}, nil
	case c.Image != nil && c.Image.URL != "":
		if len(c.Buttons) > 0 {
			rep.Add("Buttons", message.Dropped, "a TalkTalk composite needs a title or text for its buttons")
		}
		dropImageExtras("Image", c.Image, rep)
		return Content{Image: &ImageContent{ImageURL: c.Image.URL, QuickReply: quickReplies(c.QuickReplies, rep)}}, nil
	}
	return Content{}, errors.New("talktalk: empty card")
}

func renderCarousel(c *message.Carousel, rep *message.Report) (Content, error) {
	var list []Composite
	for i := range c.Cards {
		p := message.Index("Cards", i)
		if i >= limits.Composites {
			rep.Addf(p, message.Dropped, "TalkTalk shows at most %d cards", limits.Composites)
			continue
		}
		comp, ok := composite(p, &c.Cards[i], rep)
		if !ok {
			rep.Add(p, message.Dropped, "a TalkTalk composite needs a title or text and one more part")
			continue
		}
		list = append(list, comp)
	}
	if len(list) == 0 {
		return Content{}, errors.New("talktalk: carousel without a renderable card")
	}
	return Content{Composite: &CompositeContent{CompositeList: list, QuickReply: quickReplies(c.QuickReplies, rep)}}, nil
}

func renderList(l *message.List, rep *message.Report) (Content, error) {
	var sub message.Report
	var data []ElementData
	for i, it := range l.Items {
		p := message.Index("Items", i)
		if i >= limits.Elements {
			sub.Addf(p, message.Dropped, "TalkTalk element lists hold at most %d rows", limits.Elements)
			continue
		}
		title, desc, descPath := it.Title, it.Text, message.JoinPath(p, "Text")
		if title == "" {
			title, desc, descPath = it.Text, "", ""
		}
		if title == "" {
			sub.Add(p, message.Dropped, "a TalkTalk element needs a title")
			continue
		}
		titlePath := message.JoinPath(p, "Title")
		if it.Title == "" {
			titlePath = message.JoinPath(p, "Text")
		}
		d := ElementData{
			Title:       sub.Truncate(titlePath, title, limits.ElementText, unit),
			Description: sub.Truncate(descPath, desc, limits.ElementText, unit),
		}
		if it.ImageURL != "" {
			d.Image = &Image{ImageURL: it.ImageURL}
		}
		if it.Action != nil {
			ap := message.JoinPath(p, "Action")
			d.Button = button(ap, ap, title, "", it.Action, limits.InnerButtonTitle, &sub)
		}
		data = append(data, d)
	}
	comp := Composite{Title: sub.Truncate("Title", l.Title, limits.CompositeTitle, unit)}
	if len(data) > 0 {
		comp.ElementList = &ElementList{Data: data}
	}
	comp.ButtonList = buttons("Buttons", l.Buttons, &sub)
	primary := btoi(comp.Title != "") + btoi(comp.ElementList != nil)
	if primary > 0 && primary+btoi(len(comp.ButtonList) > 0) >= 2 {
		rep.Merge("", sub)
		return Content{Composite: &CompositeContent{CompositeList: []Composite{comp}, QuickReply: quickReplies(l.QuickReplies, rep)}}, nil
	}
	// A lone title or lone rows: TalkTalk wants two parts, so send text.
	if len(l.Buttons) > 0 {
		rep.Add("Buttons", message.Dropped, "a TalkTalk composite needs two parts: sent as text")
	}
	var b strings.Builder
	b.WriteString(l.Title)
	for i, it := range l.Items {
		p := message.Index("Items", i)
		if it.ImageURL != "" {
			rep.Add(message.JoinPath(p, "ImageURL"), message.Dropped, "sent as text")
		}
		if it.Action != nil {
			rep.Add(message.JoinPath(p, "Action"), message.Dropped, "sent as text")
		}
		if s := lines(it.Title, it.Text); s != "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(s)
		}
	}
	if b.Len() == 0 {
		return Content{}, errors.New("talktalk: empty list")
	}
	return downgradeText(b.String(), l.QuickReplies, rep, "a TalkTalk composite needs two parts: sent as text")
}

func renderUnknown(u *message.Unknown, rep *message.Report) (Content, error) {
	if u.Platform != message.TalkTalk {
		return Content{}, fmt.Errorf("%w: raw content of platform %q", ErrUnsupportedContent, u.Platform)
	}
	var c Content
	var err error
	switch ContentKind(u.Kind) {
	case KindText:
		c.Text = new(TextContent)
		err = json.Unmarshal(u.Raw, c.Text)
	case KindImage:
		c.Image = new(ImageContent)
		err = json.Unmarshal(u.Raw, c.Image)
	case KindComposite:
		c.Composite = new(CompositeContent)
		err = json.Unmarshal(u.Raw, c.Composite)
	default:
		return Content{}, fmt.Errorf("%w: raw %q content", ErrUnsupportedContent, u.Kind)
	}
	if err != nil {
		return Content{}, fmt.Errorf("talktalk: raw %s: %w", u.Kind, wire.JSONError(err))
	}
	if len(u.QuickReplies) > 0 {
		qr := quickReplies(u.QuickReplies, rep)
		switch {
		case c.Text != nil:
			c.Text.QuickReply = qr
		case c.Image != nil:
			c.Image.QuickReply = qr
		default:
			c.Composite.QuickReply = qr
		}
	}
	return c, nil
}
