package naverworks

import (
	"errors"
	"fmt"
	"path"
	"strings"
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
		return &message.Unknown{Platform: message.NaverWorks, Kind: c.Type, Raw: c.Raw}
	}
	return &message.Unknown{Platform: message.NaverWorks}
}

// Render converts neutral content to NAVER WORKS messages, one send call
// each, in order. What cannot be shown is listed in the report (or, with
// opts.Strict, makes Render fail with an error wrapping message.ErrLossy).
// Content no NAVER WORKS message can carry at all (a foreign sticker or
// Unknown) fails with an error wrapping errors.ErrUnsupported.
//
// Mapping: Text → text (split past 2,000 characters); Image, Video, Audio,
// File → the same types by URL; Sticker → sticker; Location → location;
// Card → a one-column carousel when it has an image, else a
// button_template (a text-only card is a text); Carousel → carousel;
// List → list_template. Postback buttons outside carousels become message
// actions whose postback field carries Data (reported Downgraded), call
// buttons become tel: links (Downgraded), share buttons are dropped.
// Quick replies go on the last message.
func Render(c message.Content, opts message.RenderOptions) ([]Content, message.Report, error) {
	var rep message.Report
	if c == nil {
		return nil, rep, errors.New("naverworks: render: nil content")
	}
	var r renderer
	out, err := r.render(c)
	if err != nil {
		return nil, message.Report{}, err
	}
	rep = r.rep
	if len(out) > 0 && len(c.Replies()) > 0 {
		if _, raw := out[len(out)-1].(*RawContent); raw {
			r.rep.Add("QuickReplies", message.Dropped, "quick replies cannot be added to raw content")
		} else if qr := r.quickReplies(c.Replies()); qr != nil {
			setQuickReply(out[len(out)-1], qr)
		}
	}
	rep = r.rep
	if err := opts.Check(message.NaverWorks, rep); err != nil {
		return nil, rep, err
	}
	for i, m := range out {
		if err := Validate(m); err != nil {
			// Something NAVER WORKS would refuse (a plain-http image URL):
			// the content cannot be shown here.
			return nil, rep, fmt.Errorf("naverworks: render: message %d: %w: %w", i, errUnsupported, err)
		}
	}
	return out, rep, nil
}

type renderer struct{ rep message.Report }

var errUnsupported = errors.ErrUnsupported

func (r *renderer) trunc(p, s string, max int) string {
	return r.rep.Truncate(p, s, max, limits.unit)
}

func (r *renderer) render(c message.Content) ([]Content, error) {
	switch c := c.(type) {
	case *message.Text:
		if c.Text == "" {
			return nil, errors.New("naverworks: render: empty text")
		}
		parts := r.rep.Split("Text", c.Text, limits.text, limits.unit)
		out := make([]Content, len(parts))
		for i, p := range parts {
			out[i] = &Text{Text: p}
		}
		return out, nil
	case *message.Image:
		if c.URL == "" {
			return nil, errors.New("naverworks: render: image without URL")
		}
		preview := c.PreviewURL
		if preview == "" {
			preview = c.URL
		}
		if c.AltText != "" {
			r.rep.Add("AltText", message.Dropped, "NAVER WORKS images have no alternative text")
		}
		return []Content{&Image{OriginalContentURL: c.URL, PreviewImageURL: preview}}, nil
	case *message.Video:
		if c.URL == "" {
			return nil, errors.New("naverworks: render: video without URL")
		}
		if c.PreviewURL == "" {
			r.rep.Add("", message.Downgraded, "NAVER WORKS videos need a preview image; sent as a file")
			return []Content{&File{OriginalContentURL: c.URL}}, nil
		}
		return []Content{&Video{OriginalContentURL: c.URL, PreviewImageURL: c.PreviewURL}}, nil
	case *message.Audio:
		if c.URL == "" {
			return nil, errors.New("naverworks: render: audio without URL")
		}
		return []Content{&Audio{OriginalContentURL: c.URL}}, nil
	case *message.File:
		if c.URL == "" {
			return nil, errors.New("naverworks: render: file without URL")
		}
		if c.Name != "" && path.Base(c.URL) != c.Name {
			r.rep.Add("Name", message.Dropped, "NAVER WORKS shows the file name from the URL")
		}
		return []Content{&File{OriginalContentURL: c.URL}}, nil
	case *message.Sticker:
		if c.Platform != "" && c.Platform != message.NaverWorks {
			return nil, fmt.Errorf("naverworks: render: %s sticker: %w", c.Platform, errUnsupported)
		}
		return []Content{&Sticker{PackageID: c.PackageID, StickerID: c.StickerID}}, nil
	case *message.Location:
		title := c.Title
		if title == "" {
			title = c.Address
		}
		addr := c.Address
		if addr == "" {
			addr = title
		}
		if title == "" {
			return nil, errors.New("naverworks: render: location without title or address")
		}
		return []Content{&Location{
			Title:     r.trunc(pick(c.Title != "", "Title", "Address"), title, limits.locationTitle),
			Address:   r.trunc(pick(c.Address != "", "Address", "Title"), addr, limits.locationAddress),
			Latitude:  c.Latitude,
			Longitude: c.Longitude,
		}}, nil
	case *message.Card:
		return r.card(c)
	case *message.Carousel:
		return r.carousel(c)
	case *message.List:
		return r.list(c)
	case *message.Unknown:
		if c.Platform != message.NaverWorks || len(c.Raw) == 0 {
			return nil, fmt.Errorf("naverworks: render: unknown %s content: %w", c.Platform, errUnsupported)
		}
		return []Content{&RawContent{JSON: append([]byte(nil), c.Raw...)}}, nil
	}
	return nil, fmt.Errorf("naverworks: render: %T: %w", c, errUnsupported)
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

func (r *renderer) card(c *message.Card) ([]Content, error) {
	if c.Title == "" && c.Text == "" && c.Image == nil && len(c.Buttons) == 0 {
		return nil, errors.New("naverworks: render: empty card")
	}
	if c.Image != nil && c.Image.URL != "" {
		col, _ := r.column("", c, limits.carouselActions)
		return []Content{&Carousel{Columns: []CarouselColumn{col}}}, nil
	}
	if c.Image != nil {
		r.rep.Add("Image", message.Dropped, "image without URL")
	}
	text := c.Text
	if c.Title != "" {
		if text != "" {
			text = c.Title + "\n" + text
		} else {
			text = c.Title
		}
	}
	if len(c.Buttons) == 0 {
		if c.Title != "" && c.Text != "" {
			r.rep.Add("Title", message.Downgraded, "sent as the first line of the text")
		}
		return []Content{&Text{Text: r.truncCardText(c, text, limits.text)}}, nil
	}
	if c.Title != "" && c.Text != "" {
		r.rep.Add("Title", message.Downgraded, "a button template has no title; sent as the first line of the text")
	}
	acts := r.buttons("Buttons", c.Buttons, limits.buttonActions, inButton)
	if len(acts) == 0 {
		return []Content{&Text{Text: r.truncCardText(c, text, limits.text)}}, nil
	}
	return []Content{&ButtonTemplate{ContentText: r.truncCardText(c, text, limits.contentText), Actions: acts}}, nil
}

// truncCardText truncates the title+text of a card, reporting the loss on
// Text (or Title when there is no text).
func (r *renderer) truncCardText(c *message.Card, s string, max int) string {
	out, cut := message.TruncateText(s, max, limits.unit)
	if cut {
		r.rep.Addf(pick(c.Text != "", "Text", "Title"), message.Truncated, "limit is %d %s", max, limits.unit)
	}
	return out
}

// column renders one card as a carousel column. prefix is the card's loss
// path ("" for a lone card, "Cards[2]" in a carousel).
func (r *renderer) column(prefix string, c *message.Card, maxActions int) (CarouselColumn, int) {
	col := CarouselColumn{}
	p := func(f string) string { return message.JoinPath(prefix, f) }
	if c.Image != nil && c.Image.URL != "" {
		col.OriginalContentURL = c.Image.URL
		if c.Image.AltText != "" {
			r.rep.Add(p("Image.AltText"), message.Dropped, "carousel images have no alternative text")
		}
	} else if c.Image != nil {
		r.rep.Add(p("Image"), message.Dropped, "image without URL")
	}
	col.Title = r.trunc(p("Title"), c.Title, limits.carouselTitle)
	max := limits.carouselText
	if col.Title != "" || col.OriginalContentURL != "" {
		max = limits.carouselTextCompact
	}
	text := c.Text
	if text == "" {
		text = c.Title
		if text == "" {
			text = " "
		}
	}
	col.Text = r.trunc(p("Text"), text, max)
	col.Actions = r.buttons(p("Buttons"), c.Buttons, maxActions, inCarousel)
	return col, len(col.Actions)
}

func (r *renderer) carousel(c *message.Carousel) ([]Content, error) {
	if len(c.Cards) == 0 {
		return nil, errors.New("naverworks: render: empty carousel")
	}
	cards := c.Cards
	for i, cd := range cards {
		if len(cd.QuickReplies) > 0 && i < limits.carouselColumns {
			r.rep.Add(message.JoinPath(message.Index("Cards", i), "QuickReplies"), message.Dropped, "quick replies belong to a message, not to a carousel column")
		}
	}
	if len(cards) > limits.carouselColumns {
		for i := limits.carouselColumns; i < len(cards); i++ {
			r.rep.Addf(message.Index("Cards", i), message.Dropped, "NAVER WORKS carousels hold %d columns", limits.carouselColumns)
		}
		cards = cards[:limits.carouselColumns]
	}
	// Columns must agree on action count, image and title presence.
	nActions := limits.carouselActions
	allImages, allTitles := true, true
	for _, cd := range cards {
		n := usableButtons(cd.Buttons)
		if n < nActions {
			nActions = n
		}
		allImages = allImages && cd.Image != nil && cd.Image.URL != ""
		allTitles = allTitles && cd.Title != ""
	}
	if nActions == 0 {
		// A carousel column needs an action: fall back to one text per card.
		r.rep.Add("Cards", message.Downgraded, "carousel columns need at least one button each; sent as texts")
		var out []Content
		for _, cd := range cards {
			t := strings.TrimSpace(cd.Title + "\n" + cd.Text)
			if t == "" {
				continue
			}
			out = append(out, &Text{Text: t})
		}
		if len(out) == 0 {
			return nil, errors.New("naverworks: render: carousel without text")
		}
		return out, nil
	}
	cols := make([]CarouselColumn, len(cards))
	for i := range cards {
		cd := cards[i]
		prefix := message.Index("Cards", i)
		if !allImages && cd.Image != nil {
			r.rep.Add(prefix+".Image", message.Dropped, "carousel columns must all have an image or none")
			cd.Image = nil
		}
		if !allTitles && cd.Title != "" {
			r.rep.Add(prefix+".Title", message.Dropped, "carousel columns must all have a title or none")
			cd.Title = ""
		}
		cols[i], _ = r.column(prefix, &cd, nActions)
	}
	return []Content{&Carousel{Columns: cols}}, nil
}

func usableButtons(bs []message.Button) int {
	n := 0
	for _, b := range bs {
		if _, share := b.Action.(*message.ShareAction); !share && b.Action != nil {
			n++
		}
	}
	return n
}

func (r *renderer) list(c *message.List) ([]Content, error) {
	if len(c.Items) == 0 {
		return nil, errors.New("naverworks: render: empty list")
	}
	lt := &ListTemplate{}
	if c.Title != "" {
		lt.CoverData = &ListCover{Title: r.trunc("Title", c.Title, limits.listTitle)}
	}
	items := c.Items
	if len(items) > limits.listElements {
		for i := limits.listElements; i < len(items); i++ {
			r.rep.Addf(message.Index("Items", i), message.Dropped, "NAVER WORKS lists hold %d elements", limits.listElements)
		}
		items = items[:limits.listElements]
	}
	for i, it := range items {
		p := message.Index("Items", i)
		title := it.Title
		if title == "" {
			title = it.Text
		}
		e := ListElement{Title: r.trunc(p+pick(it.Title != "", ".Title", ".Text"), title, limits.listTitle)}
		if it.Title != "" {
			e.Subtitle = r.trunc(p+".Text", it.Text, limits.listTitle)
		}
		if it.ImageURL != "" {
			e.OriginalContentURL = it.ImageURL
		}
		if it.Action != nil {
			e.Action = r.action(p+".Action", it.Title, it.Action, inList)
		}
		lt.Elements = append(lt.Elements, e)
	}
	max := limits.listActionRows * limits.listActionCols
	acts := r.buttons("Buttons", c.Buttons, max, inList)
	for i := 0; i < len(acts); i += limits.listActionCols {
		end := min(i+limits.listActionCols, len(acts))
		lt.Actions = append(lt.Actions, acts[i:end])
	}
	return []Content{lt}, nil
}

// buttons renders up to max buttons as actions allowed in w.
func (r *renderer) buttons(p string, bs []message.Button, max int, w where) []Action {
	var out []Action
	for i, b := range bs {
		bp := message.Index(p, i)
		if len(out) == max {
			r.rep.Addf(bp, message.Dropped, "at most %d buttons fit here", max)
			continue
		}
		label := r.trunc(bp+".Label", b.Label, limits.label)
		if label == "" {
			label = " "
		}
		a := r.action(bp+".Action", label, b.Action, w)
		if a == nil {
			continue
		}
		out = append(out, a)
	}
	return out
}

// action renders one neutral action; nil when it was dropped (reported).
func (r *renderer) action(p, label string, a message.Action, w where) Action {
	label, _ = message.TruncateText(label, limits.label, limits.unit)
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
		text := a.DisplayText
		if text == "" {
			text = label
		}
		return &MessageAction{Label: label, Text: r.trunc(p+".DisplayText", text, limits.messageText), Postback: r.trunc(p+".Data", a.Data, limits.messagePostback)}
	case *message.MessageAction:
		return &MessageAction{Label: label, Text: r.trunc(p+".Text", a.Text, limits.messageText)}
	case *message.URLAction:
		if len(a.URL) > limits.url {
			r.rep.Add(p+".URL", message.Dropped, "URL longer than 1000 characters")
			return nil
		}
		return &URIAction{Label: label, URI: a.URL}
	case *message.CallAction:
		r.rep.Add(p, message.Downgraded, "NAVER WORKS has no call action; sent as a tel: link")
		return &URIAction{Label: label, URI: "tel:" + a.Phone}
	case *message.ShareAction:
		r.rep.Add(p, message.Dropped, "NAVER WORKS has no share action")
		return nil
	case nil:
		r.rep.Add(p, message.Dropped, "no action")
		return nil
	}
	r.rep.Addf(p, message.Dropped, "unsupported action %T", a)
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
		label := r.trunc(p+".Label", q.Label, limits.label)
		if label == "" {
			label = " "
		}
		a := r.action(p+".Action", label, q.Action, inQuickReply)
		if a == nil {
			continue
		}
		if pb, ok := a.(*PostbackAction); ok && pb.DisplayText == "" {
			// Required in quick replies: show the label, as tapping a chip
			// shows it elsewhere.
			pb.DisplayText = label
		}
		item := QuickReplyItem{Action: a}
		if q.ImageURL != "" {
			if strings.HasPrefix(q.ImageURL, "https://") && len(q.ImageURL) <= limits.url {
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
	}
}
