package naverworks

import "github.com/channelkit/channelkit/message"

// buttons renders up to max buttons as actions allowed in w; max 0 drops
// them all (each reported).
func (r *renderer) buttons(p string, bs []message.Button, max int, w where) []Action {
	var out []Action
	for i, b := range bs {
		bp := message.Index(p, i)
		if !usableAction(b.Action) {
			r.action(bp+".Action", bp, "", b.Label, b.Action, w) // reports the drop
			continue
		}
		if len(out) == max {
			if max == 0 {
				r.rep.Add(bp, message.Dropped, "the card is sent as text, which has no buttons")
			} else {
				r.rep.Addf(bp, message.Dropped, "at most %d buttons fit here", max)
			}
			continue
		}
		label := r.trunc(bp+".Label", b.Label, limits.label)
		if label == "" {
			label = " "
		}
		out = append(out, r.action(bp+".Action", bp, label, b.Label, b.Action, w))
	}
	return out
}

// action renders one neutral action at path p, labelled label (already
// cut to the limit, the cut reported). full is the label as given: a
// downgraded postback without display text sends it, not the cut label.
// When the action cannot be rendered, the loss is reported Dropped at
// dropPath (the button or quick reply, whose label goes with it) and
// action returns nil.
func (r *renderer) action(p, dropPath, label, full string, a message.Action, w where) Action {
	label, _ = message.TruncateText(label, limits.label, limits.unit)
	if full == "" {
		full = label
	}
	switch a := a.(type) {
	case *message.Postback:
		if w.allows(&PostbackAction{}) {
			return &PostbackAction{
				Label:       label,
				Data:        r.trunc(p+".Data", a.Data, limits.postbackData),
				DisplayText: r.trunc(p+".DisplayText", a.DisplayText, limits.displayText),
			}
		}
		r.rep.Addf(p, message.Downgraded, "a %s cannot hold postback actions; sent as a message action carrying the data", w)
		text, textPath := a.DisplayText, p+".DisplayText"
		if text == "" {
			text, textPath = full, message.JoinPath(dropPath, "Label")
			if dropPath == p {
				textPath = p // a list element: its label is the title
			}
		}
		return &MessageAction{Label: label, Text: r.trunc(textPath, text, limits.messageText), Postback: r.trunc(p+".Data", a.Data, limits.messagePostback)}
	case *message.MessageAction:
		return &MessageAction{Label: label, Text: r.trunc(p+".Text", a.Text, limits.messageText)}
	case *message.URLAction:
		if !linkURL(a.URL) {
			r.rep.Addf(dropPath, message.Dropped, "NAVER WORKS links need an http(s) URL of at most %d characters", limits.url)
			return nil
		}
		return &URIAction{Label: label, URI: a.URL}
	case *message.CallAction:
		if a.Phone == "" {
			r.rep.Add(dropPath, message.Dropped, "a call without a phone number")
			return nil
		}
		r.rep.Add(p, message.Downgraded, "NAVER WORKS has no call action; sent as a tel: link")
		return &URIAction{Label: label, URI: "tel:" + a.Phone}
	case *message.ShareAction:
		r.rep.Add(dropPath, message.Dropped, "NAVER WORKS has no share action")
		return nil
	case nil:
		r.rep.Add(dropPath, message.Dropped, "no action")
		return nil
	}
	r.rep.Addf(dropPath, message.Dropped, "unsupported action %T", a)
	return nil
}

func (r *renderer) quickReplies(qs []message.QuickReply) *QuickReply {
	if len(qs) == 0 {
		return nil
	}
	qr := &QuickReply{}
	for i, q := range qs {
		p := message.Index("QuickReplies", i)
		if len(qr.Items) == limits.quickReplies {
			r.rep.Addf(p, message.Dropped, "NAVER WORKS shows at most %d quick replies", limits.quickReplies)
			continue
		}
		if !usableAction(q.Action) {
			r.action(p+".Action", p, "", q.Label, q.Action, inQuickReply) // reports the drop
			continue
		}
		label := r.trunc(p+".Label", q.Label, limits.label)
		if label == "" {
			label = " "
		}
		a := r.action(p+".Action", p, label, q.Label, q.Action, inQuickReply)
		if pb, ok := a.(*PostbackAction); ok && pb.DisplayText == "" {
			// Required in quick replies: show the label, as tapping a chip
			// shows it elsewhere (the whole label, not the cut one).
			full := q.Label
			if full == "" {
				full = label
			}
			pb.DisplayText, _ = message.TruncateText(full, limits.displayText, limits.unit)
		}
		item := QuickReplyItem{Action: a}
		if q.ImageURL != "" {
			if mediaURL(q.ImageURL) {
				item.ImageURL = q.ImageURL
			} else {
				r.rep.Add(p+".ImageURL", message.Dropped, "quick reply icons must be https URLs of at most 1000 characters")
			}
		}
		qr.Items = append(qr.Items, item)
	}
	if len(qr.Items) == 0 {
		return nil
	}
	return qr
}

func setQuickReply(c Content, qr *QuickReply) {
	switch c := c.(type) {
	case *Text:
		c.QuickReply = qr
	case *Image:
		c.QuickReply = qr
	case *File:
		c.QuickReply = qr
	case *Audio:
		c.QuickReply = qr
	case *Video:
		c.QuickReply = qr
	case *Link:
		c.QuickReply = qr
	case *Sticker:
		c.QuickReply = qr
	case *Location:
		c.QuickReply = qr
	case *ButtonTemplate:
		c.QuickReply = qr
	case *ListTemplate:
		c.QuickReply = qr
	case *Carousel:
		c.QuickReply = qr
	case *ImageCarousel:
		c.QuickReply = qr
	case *Flex:
		c.QuickReply = qr
	default:
		// raw content is sent exactly as given
	}
}
