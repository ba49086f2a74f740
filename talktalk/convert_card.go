package talktalk

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/channelkit/channelkit/internal/wire"
	"github.com/channelkit/channelkit/message"
)

// Rendering neutral cards, carousels, lists, buttons and quick replies.

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
