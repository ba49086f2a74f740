package naverworks

import (
	"errors"
	"fmt"
	"net/url"
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
// Card → a one-column carousel when it has an image and a button, an image
// then a text when it has an image and no button (Split), else a
// button_template (a text-only card is a text); Carousel → carousel
// (columns made uniform: the same number of actions, images and titles in
// all or none, text cut to 4 lines, or 2 with an image or title; texts
// when a card has no usable button); List → list_template. Postback
// buttons outside carousels become message actions whose postback field
// carries Data and whose text is the display text or else the whole label
// (reported Downgraded), call buttons become tel: links (Downgraded),
// share buttons, links that are not http(s) URLs of at most 1,000
// characters and calls without a number are dropped with their button.
// Quick replies go on the last message.
//
// Media URLs must be https and at most 1,000 characters: an Image, Video,
// Audio or File whose URL is not fails with an error wrapping
// errors.ErrUnsupported; a preview, card, list or quick-reply image that
// is not is dropped (a reported loss).
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
		if preview != "" && !mediaURL(preview) {
			r.rep.Addf("PreviewURL", message.Dropped, "NAVER WORKS needs an https preview URL of at most %d characters; the image is its own preview", limits.url)
			preview = ""
		}
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
		if c.PreviewURL != "" && !mediaURL(c.PreviewURL) {
			r.rep.Addf("PreviewURL", message.Dropped, "NAVER WORKS needs an https preview URL of at most %d characters", limits.url)
		}
		if !mediaURL(c.PreviewURL) {
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
		// A missing title or address repeats the other: report a cut once,
		// at the field the words came from.
		loc := &Location{
			Title:     r.trunc(pick(c.Title != "", "Title", "Address"), title, limits.locationTitle),
			Latitude:  c.Latitude,
			Longitude: c.Longitude,
		}
		if c.Title != "" && c.Address != "" {
			loc.Address = r.trunc("Address", addr, limits.locationAddress)
		} else {
			loc.Address, _ = message.TruncateText(addr, limits.locationAddress, limits.unit)
		}
		return []Content{loc}, nil
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

// mediaURL reports whether u is an image or media URL NAVER WORKS accepts:
// https and at most 1,000 characters.
func mediaURL(u string) bool {
	return strings.HasPrefix(u, "https://") && len(u) > len("https://") && limits.unit.Len(u) <= limits.url
}

// linkURL reports whether u can be the uri of a uri action made from a
// neutral URL button: an absolute http(s) URL of at most 1,000
// characters. Other schemes (javascript:, data:, custom apps) are not
// documented for NAVER WORKS and are never passed through.
func linkURL(u string) bool {
	if limits.unit.Len(u) > limits.url {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != ""
}

// cardImage returns the URL of c's image if NAVER WORKS can show it, else
// "" (reporting the image Dropped at prefix.Image when there was one).
func (r *renderer) cardImage(prefix string, c *message.Card) string {
	if c.Image == nil {
		return ""
	}
	if !mediaURL(c.Image.URL) {
		r.rep.Addf(message.JoinPath(prefix, "Image"), message.Dropped, "NAVER WORKS needs an https image URL of at most %d characters", limits.url)
		return ""
	}
	return c.Image.URL
}

func (r *renderer) card(c *message.Card) ([]Content, error) {
	if c.Title == "" && c.Text == "" && c.Image == nil && len(c.Buttons) == 0 {
		return nil, errors.New("naverworks: render: empty card")
	}
	image := r.cardImage("", c)
	if image != "" && usableButtons(c.Buttons) > 0 {
		col := r.column("", c, image, limits.carouselActions)
		return []Content{&Carousel{Columns: []CarouselColumn{col}}}, nil
	}
	var out []Content
	if image != "" {
		// A carousel column needs a button: send the image on its own,
		// then the words.
		if c.Image.AltText != "" {
			r.rep.Add("Image.AltText", message.Dropped, "NAVER WORKS images have no alternative text")
		}
		preview := c.Image.PreviewURL
		if !mediaURL(preview) {
			if preview != "" {
				r.rep.Addf("Image.PreviewURL", message.Dropped, "NAVER WORKS needs an https preview URL of at most %d characters", limits.url)
			}
			preview = image
		}
		out = append(out, &Image{OriginalContentURL: image, PreviewImageURL: preview})
		if c.Title != "" || c.Text != "" || len(c.Buttons) > 0 {
			r.rep.Add("", message.Split, "a card without buttons is sent as an image and a text")
		}
	}
	text := c.Text
	if c.Title != "" {
		if text != "" {
			text = c.Title + "\n" + text
		} else {
			text = c.Title
		}
	}
	if len(c.Buttons) == 0 || text == "" {
		if text == "" {
			// No words for a button template's text: the buttons go.
			r.buttons("Buttons", c.Buttons, 0, inButton)
			if len(out) == 0 {
				return nil, errors.New("naverworks: render: card with nothing NAVER WORKS can show")
			}
			return out, nil
		}
		if c.Title != "" && c.Text != "" {
			r.rep.Add("Title", message.Downgraded, "sent as the first line of the text")
		}
		r.buttons("Buttons", c.Buttons, 0, inButton)
		return append(out, &Text{Text: r.truncCardText(c, text, limits.text)}), nil
	}
	acts := r.buttons("Buttons", c.Buttons, limits.buttonActions, inButton)
	if len(acts) == 0 {
		if c.Title != "" && c.Text != "" {
			r.rep.Add("Title", message.Downgraded, "sent as the first line of the text")
		}
		return append(out, &Text{Text: r.truncCardText(c, text, limits.text)}), nil
	}
	if c.Title != "" && c.Text != "" {
		r.rep.Add("Title", message.Downgraded, "a button template has no title; sent as the first line of the text")
	}
	return append(out, &ButtonTemplate{ContentText: r.truncCardText(c, text, limits.contentText), Actions: acts}), nil
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

// column renders one card as a carousel column with image (already
// checked, "" for none). prefix is the card's loss path ("" for a lone
// card, "Cards[2]" in a carousel).
func (r *renderer) column(prefix string, c *message.Card, image string, maxActions int) CarouselColumn {
	col := CarouselColumn{OriginalContentURL: image}
	p := func(f string) string { return message.JoinPath(prefix, f) }
	if image != "" {
		if c.Image.AltText != "" {
			r.rep.Add(p("Image.AltText"), message.Dropped, "carousel images have no alternative text")
		}
		if c.Image.PreviewURL != "" {
			r.rep.Add(p("Image.PreviewURL"), message.Dropped, "carousel images have no preview")
		}
	}
	col.Title = r.trunc(p("Title"), c.Title, limits.carouselTitle)
	max, lines := limits.carouselText, limits.carouselLines
	if col.Title != "" || col.OriginalContentURL != "" {
		max, lines = limits.carouselTextCompact, limits.carouselLinesCompact
	}
	text := c.Text
	textPath := p("Text")
	if text == "" {
		text, textPath = c.Title, p("Title")
		if text == "" {
			text = " "
		}
	}
	if cut, ok := cutLines(text, lines); ok {
		r.rep.Addf(textPath, message.Truncated, "carousel text shows at most %d lines here", lines)
		text = cut
	}
	col.Text = r.trunc(textPath, text, max)
	col.Actions = r.buttons(p("Buttons"), c.Buttons, maxActions, inCarousel)
	return col
}

// cutLines returns s cut to its first n lines, and whether it cut.
func cutLines(s string, n int) (string, bool) {
	i := 0
	for k := 0; k < n; k++ {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			return s, false
		}
		i += j + 1
	}
	return strings.TrimRight(s[:i], "\n"), true
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
		allImages = allImages && cd.Image != nil && mediaURL(cd.Image.URL)
		allTitles = allTitles && cd.Title != ""
	}
	if nActions == 0 {
		// A carousel column needs an action: fall back to one text per card.
		r.rep.Add("Cards", message.Downgraded, "carousel columns need at least one button each; sent as texts")
		var out []Content
		for i, cd := range cards {
			prefix := message.Index("Cards", i)
			if cd.Image != nil {
				r.rep.Add(prefix+".Image", message.Dropped, "a carousel sent as texts has no images")
			}
			r.buttons(prefix+".Buttons", cd.Buttons, 0, inButton)
			t := strings.TrimSpace(cd.Title + "\n" + cd.Text)
			if t == "" {
				continue
			}
			out = append(out, &Text{Text: r.rep.Truncate(pick(cd.Text != "", prefix+".Text", prefix+".Title"), t, limits.text, limits.unit)})
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
		image := ""
		if allImages {
			image = cd.Image.URL
		} else if cd.Image != nil {
			if mediaURL(cd.Image.URL) {
				r.rep.Add(prefix+".Image", message.Dropped, "carousel columns must all have an image or none")
			} else {
				r.rep.Addf(prefix+".Image", message.Dropped, "NAVER WORKS needs an https image URL of at most %d characters", limits.url)
			}
		}
		if !allTitles && cd.Title != "" {
			r.rep.Add(prefix+".Title", message.Dropped, "carousel columns must all have a title or none")
			cd.Title = ""
		}
		cols[i] = r.column(prefix, &cd, image, nActions)
	}
	return []Content{&Carousel{Columns: cols}}, nil
}

// usableButtons counts the buttons [renderer.action] renders rather than
// drops.
func usableButtons(bs []message.Button) int {
	n := 0
	for _, b := range bs {
		if usableAction(b.Action) {
			n++
		}
	}
	return n
}

// usableAction reports whether a can be rendered as some NAVER WORKS
// action; [renderer.action] drops exactly the others.
func usableAction(a message.Action) bool {
	switch a := a.(type) {
	case *message.Postback, *message.MessageAction:
		return true
	case *message.URLAction:
		return linkURL(a.URL)
	case *message.CallAction:
		return a.Phone != ""
	default:
		// share: NAVER WORKS has no share action
	}
	return false
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
		if title == "" {
			if it.ImageURL != "" || it.Action != nil {
				r.rep.Add(p, message.Dropped, "a list element needs a title")
			}
			continue
		}
		e := ListElement{Title: r.trunc(p+pick(it.Title != "", ".Title", ".Text"), title, limits.listTitle)}
		if it.Title != "" {
			e.Subtitle = r.trunc(p+".Text", it.Text, limits.listTitle)
		}
		if it.ImageURL != "" {
			if mediaURL(it.ImageURL) {
				e.OriginalContentURL = it.ImageURL
			} else {
				r.rep.Addf(p+".ImageURL", message.Dropped, "NAVER WORKS needs an https image URL of at most %d characters", limits.url)
			}
		}
		if it.Action != nil {
			// The element's title is the action's label, shown in full
			// above: the label's cut is no loss.
			label, _ := message.TruncateText(e.Title, limits.label, limits.unit)
			e.Action = r.action(p+".Action", p+".Action", label, title, it.Action, inList)
		}
		lt.Elements = append(lt.Elements, e)
	}
	if len(lt.Elements) == 0 {
		return nil, errors.New("naverworks: render: list without a titled item")
	}
	max := limits.listActionRows * limits.listActionCols
	acts := r.buttons("Buttons", c.Buttons, max, inList)
	for i := 0; i < len(acts); i += limits.listActionCols {
		end := min(i+limits.listActionCols, len(acts))
		lt.Actions = append(lt.Actions, acts[i:end])
	}
	return []Content{lt}, nil
}

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
