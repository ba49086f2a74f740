package clova

import (
	"strings"

	"github.com/channelkit/channelkit/message"
)

// ToContent turns a CLOVA Chatbot answer into neutral content, one value
// per bubble, for a messenger package to render. Loss paths are Go paths
// into bubbles ("[0].Data.ContentTable", "[1].QuickButtons[2].Data.Action").
//
// The mapping: a text bubble with only a description is a *message.Text;
// with a title, subtitle, URL or action it is a *message.Card (the URL and
// the action become buttons). An image bubble is a *message.Image, or a
// *message.Card when it has words or links. A template is a *message.Card:
// its cover gives title, text and image, its content table's buttons become
// Buttons in row order (a multi-column layout is reported Downgraded). A
// carousel is a *message.Carousel. Quick buttons become QuickReplies.
// Unknown bubbles (Flex…) become *message.Unknown with Platform Clova and the
// raw JSON, which other platforms report as lost when they render it.
//
// Quick buttons of a carousel's card become that card's QuickReplies, and
// a template cover's join the template's.
//
// Actions: link → URLAction (a button without a title is labelled with the
// URL); postback → Postback{Data: postbackFull or postback, DisplayText:
// postback}; utterance → Postback{Data: postback, or text when there is no
// postback, DisplayText: text}; phone → CallAction. A welcome or unknown action is
// Dropped. When the user taps a Postback, Send its Data back with
// [Client.Send].
func ToContent(bubbles []Bubble) ([]message.Content, message.Report) {
	var rep message.Report
	var out []message.Content
	for i, b := range bubbles {
		p := message.Index("", i)
		c := bubbleContent(b, p, &rep)
		if c == nil {
			if b != nil {
				rep.Add(p, message.Dropped, "bubble has nothing to show")
			}
			continue
		}
		if qb := extras(b).QuickButtons; len(qb) > 0 {
			setQuickReplies(c, append(c.Replies(), quickReplies(qb, message.JoinPath(p, "QuickButtons"), &rep)...))
		}
		out = append(out, c)
	}
	return out, rep
}

func extras(b Bubble) BubbleExtras {
	switch b := b.(type) {
	case *TextBubble:
		return b.BubbleExtras
	case *ImageBubble:
		return b.BubbleExtras
	case *ButtonBubble:
		return b.BubbleExtras
	case *TemplateBubble:
		return b.BubbleExtras
	case *CarouselBubble:
		return b.BubbleExtras
	default:
		// *UnknownBubble: its extras are not decoded
	}
	return BubbleExtras{}
}

func bubbleContent(b Bubble, p string, rep *message.Report) message.Content {
	switch b := b.(type) {
	case *TextBubble:
		d := b.Data
		if b.Title == "" && b.SubTitle == "" && d.URL == "" && d.Action == nil {
			if d.Description == "" {
				return nil
			}
			return &message.Text{Text: d.Description}
		}
		return bubbleCard(b.Title, b.SubTitle, d.Description, "", d.URL, d.URLAlias, d.Action, p, rep)
	case *ImageBubble:
		d := b.Data
		if b.Title == "" && b.SubTitle == "" && d.Description == "" && d.URL == "" && d.Action == nil {
			if d.ImageURL == "" {
				return nil
			}
			return &message.Image{URL: d.ImageURL}
		}
		return bubbleCard(b.Title, b.SubTitle, d.Description, d.ImageURL, d.URL, d.URLAlias, d.Action, p, rep)
	case *ButtonBubble:
		c := &message.Card{}
		if b.Data.ImageURL != "" {
			c.Image = &message.Image{URL: b.Data.ImageURL}
		}
		if btn, ok := button(b, p, rep); ok {
			c.Buttons = append(c.Buttons, btn)
		}
		if c.Image == nil && len(c.Buttons) == 0 {
			return nil
		}
		return c
	case *TemplateBubble:
		return templateCard(b, p, rep)
	case *CarouselBubble:
		car := &message.Carousel{}
		for i, cb := range b.Data.Cards {
			cp := message.JoinPath(p, message.Index("Data.Cards", i))
			var card *message.Card
			switch c := bubbleContent(cb, cp, rep).(type) {
			case *message.Card:
				card = c
			case *message.Image:
				card = &message.Card{Image: c}
			case *message.Text:
				card = &message.Card{Text: c.Text}
			case nil:
				rep.Add(cp, message.Dropped, "card has nothing to show")
				continue
			default:
				rep.Add(cp, message.Dropped, "not a card")
				continue
			}
			if qb := extras(cb).QuickButtons; len(qb) > 0 {
				card.QuickReplies = quickReplies(qb, message.JoinPath(cp, "QuickButtons"), rep)
			}
			car.Cards = append(car.Cards, *card)
		}
		if len(car.Cards) == 0 {
			return nil
		}
		return car
	case *UnknownBubble:
		return &message.Unknown{Platform: message.Clova, Kind: b.Type, Raw: b.Raw}
	}
	return nil
}

func bubbleCard(title, sub, desc, image, url, alias string, a *ChatbotAction, p string, rep *message.Report) *message.Card {
	c := &message.Card{Title: title, Text: joinNonEmpty("\n", sub, desc)}
	if image != "" {
		c.Image = &message.Image{URL: image}
	}
	if url != "" {
		label := alias
		if label == "" {
			label = url
		}
		c.Buttons = append(c.Buttons, message.Button{Label: label, Action: &message.URLAction{URL: url}})
	}
	if a != nil {
		ap := message.JoinPath(p, "Data.Action")
		if act := neutralAction(a, ap, rep); act != nil {
			label := a.DisplayText()
			if label == "" {
				label = title
			}
			if label == "" && a.Type == ActionLink {
				label = a.URL()
			}
			c.Buttons = append(c.Buttons, message.Button{Label: label, Action: act})
			rep.Add(ap, message.Downgraded, "a tap on the whole bubble became a button")
		}
	}
	return c
}

func templateCard(b *TemplateBubble, p string, rep *message.Report) message.Content {
	c := &message.Card{Title: b.Title}
	switch cv := b.Data.Cover.(type) {
	case nil:
	case *TextBubble, *ImageBubble:
		if qb := extras(cv).QuickButtons; len(qb) > 0 {
			c.QuickReplies = quickReplies(qb, message.JoinPath(p, "Data.Cover.QuickButtons"), rep)
		}
		cc := bubbleContent(cv, message.JoinPath(p, "Data.Cover"), rep)
		switch cc := cc.(type) {
		case *message.Text:
			c.Text = cc.Text
		case *message.Image:
			c.Image = cc
		case *message.Card:
			if c.Title == "" {
				c.Title = cc.Title
			} else if cc.Title != "" {
				c.Text = cc.Title
			}
			c.Text = joinNonEmpty("\n", c.Text, cc.Text)
			c.Image = cc.Image
			c.Buttons = append(c.Buttons, cc.Buttons...)
		default:
			// bubbleContent gives a text or image cover only the types above
		}
	default:
		rep.Add(message.JoinPath(p, "Data.Cover"), message.Dropped, "cover of type "+cv.BubbleType()+" is not supported")
	}
	multi := false
	for i, row := range b.Data.ContentTable {
		if len(row) > 1 {
			multi = true
		}
		for j, cell := range row {
			cp := message.JoinPath(p, message.Index(message.Index("Data.ContentTable", i), j))
			if cell.ColSpan > 1 || cell.RowSpan > 1 {
				multi = true
			}
			switch d := cell.Data.(type) {
			case *ButtonBubble:
				if btn, ok := button(d, message.JoinPath(cp, "Data"), rep); ok {
					c.Buttons = append(c.Buttons, btn)
				}
			case nil:
			default:
				rep.Add(message.JoinPath(cp, "Data"), message.Dropped, "only buttons are kept from a content table")
			}
		}
	}
	if multi {
		rep.Add(message.JoinPath(p, "Data.ContentTable"), message.Downgraded, "table layout flattened to a list of buttons")
	}
	if c.Title == "" && c.Text == "" && c.Image == nil && len(c.Buttons) == 0 {
		return nil
	}
	return c
}

func button(b *ButtonBubble, p string, rep *message.Report) (message.Button, bool) {
	if b == nil || b.Data.Action == nil {
		if b != nil && b.Title != "" {
			rep.Add(p, message.Dropped, "button without action")
		}
		return message.Button{}, false
	}
	act := neutralAction(b.Data.Action, message.JoinPath(p, "Data.Action"), rep)
	if act == nil {
		return message.Button{}, false
	}
	label := b.Title
	if label == "" {
		label = b.Data.Action.DisplayText()
	}
	if u, ok := act.(*message.URLAction); ok && label == "" {
		label = u.URL
	}
	return message.Button{Label: label, Action: act}, true
}

func quickReplies(bs []*ButtonBubble, p string, rep *message.Report) []message.QuickReply {
	var out []message.QuickReply
	for i, b := range bs {
		bp := message.Index(p, i)
		btn, ok := button(b, bp, rep)
		if !ok {
			continue
		}
		qr := message.QuickReply{Label: btn.Label, Action: btn.Action}
		if b.Data.ImageURL != "" {
			qr.ImageURL = b.Data.ImageURL
		}
		out = append(out, qr)
	}
	return out
}

func neutralAction(a *ChatbotAction, p string, rep *message.Report) message.Action {
	switch a.Type {
	case ActionLink:
		if u := a.URL(); u != "" {
			return &message.URLAction{URL: u}
		}
	case ActionPostback, ActionUtterance:
		d := a.PostbackText()
		if d == "" && a.Type == ActionUtterance {
			// An utterance with only its text: saying it is the answer.
			d = a.DisplayText()
		}
		if d != "" {
			disp := a.DisplayText()
			if disp == d {
				disp = ""
			}
			return &message.Postback{Data: d, DisplayText: disp}
		}
	case ActionPhone:
		if n := a.Phone(); n != "" {
			return &message.CallAction{Phone: n}
		}
	}
	rep.Add(p, message.Dropped, "action "+a.Type+" has no neutral form")
	return nil
}

func setQuickReplies(c message.Content, qr []message.QuickReply) {
	switch c := c.(type) {
	case *message.Text:
		c.QuickReplies = qr
	case *message.Image:
		c.QuickReplies = qr
	case *message.Card:
		c.QuickReplies = qr
	case *message.Carousel:
		c.QuickReplies = qr
	case *message.Unknown:
		c.QuickReplies = qr
	default:
		// ToContent attaches quick replies only to the types above
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, s := range parts {
		if s != "" {
			keep = append(keep, s)
		}
	}
	return strings.Join(keep, sep)
}
