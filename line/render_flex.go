package line

import (
	"strings"

	"github.com/channelkit/channelkit/message"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// Flex messages (cards, carousels, lists), their actions and quick
// replies, for Render.

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
