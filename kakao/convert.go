package kakao

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"time"

	"github.com/channelkit/channelkit/message"
)

// PostbackKey is the key of button and quick-reply extra (action.clientExtra
// in the next request) under which [Render] stores a [message.Postback]'s
// Data, and from which [ToIncoming] reads it back.
const PostbackKey = "channelkit_postback"

// ToIncoming turns a skill request into a neutral event: a
// [message.KindPostback] when clientExtra carries a channelkit postback, a
// [message.KindMessage] with the utterance as [message.Text] otherwise
// ([message.KindOther] for an empty utterance). Kakao gives requests no ID
// and no time: EventID is empty and ReceivedAt is the time of the call.
// ConversationID and UserID are the bot-scoped user.id. It returns false
// only for a nil request.
func ToIncoming(req *Request) (message.Incoming, bool) {
	return toIncoming(req, time.Now())
}

func toIncoming(req *Request, now time.Time) (message.Incoming, bool) {
	if req == nil {
		return message.Incoming{}, false
	}
	in := message.Incoming{
		Platform:       message.Kakao,
		ConversationID: req.UserRequest.User.ID,
		UserID:         req.UserRequest.User.ID,
		ReceivedAt:     now,
		Raw:            req,
	}
	if data, ok := req.Action.ClientExtra[PostbackKey].(string); ok {
		in.Kind = message.KindPostback
		in.Data = data
		return in, true
	}
	if req.UserRequest.Utterance == "" {
		in.Kind = message.KindOther
		return in, true
	}
	in.Kind = message.KindMessage
	in.Content = &message.Text{Text: req.UserRequest.Utterance}
	return in, true
}

// Render turns neutral content into a skill response, fitting it to
// Kakao's limits and reporting in the [message.Report] everything it could
// not show as is (in strict mode any such loss is an error wrapping
// [message.ErrLossy]). Content Kakao cannot show at all (stickers, other
// platforms' raw content) is an error wrapping errors.ErrUnsupported.
//
// Text becomes simpleText (split over up to 3 outputs past 1000
// characters); Image simpleImage; Card basicCard (with an image) or
// textCard; Carousel a carousel of those; List listCard; Video, Audio, File
// and Location are downgraded to cards or text with a link. A Postback
// becomes a message action whose extra carries the data under
// [PostbackKey]; the user sees DisplayText (or the label) as their
// utterance, as Kakao has no silent postback. Links and card images must
// be http or https URLs; others are dropped (with a loss). Quick replies
// on the cards of a carousel are dropped: Kakao attaches them to the whole
// response. A *message.Unknown whose Platform is Kakao holds one output
// component and is sent as a raw output.
func Render(c message.Content, opts message.RenderOptions) (*Response, message.Report, error) {
	var rep message.Report
	if c == nil || reflect.ValueOf(c).IsNil() {
		return nil, rep, errors.New("kakao: render: nil content")
	}
	outs, err := renderContent(c, &rep)
	if err != nil {
		return nil, message.Report{}, err
	}
	resp := NewResponse(outs...)
	resp.Template.QuickReplies = renderQuickReplies(c.Replies(), &rep)
	if err := opts.Check(message.Kakao, rep); err != nil {
		return nil, rep, err
	}
	if err := resp.Validate(); err != nil {
		return nil, rep, fmt.Errorf("kakao: render: %w: %w", errors.ErrUnsupported, err)
	}
	return resp, rep, nil
}

func unsupported(what string) error {
	return fmt.Errorf("kakao: render: %s: %w", what, errors.ErrUnsupported)
}

func renderContent(c message.Content, rep *message.Report) ([]Output, error) {
	switch c := c.(type) {
	case *message.Text:
		if c.Text == "" {
			return nil, errors.New("kakao: render: empty text")
		}
		parts := rep.Split("Text", c.Text, MaxSimpleTextLen, textUnit)
		if len(parts) > MaxOutputs {
			rep.Addf("Text", message.Truncated, "Kakao shows at most %d outputs of %d characters", MaxOutputs, MaxSimpleTextLen)
			parts = parts[:MaxOutputs]
		}
		outs := make([]Output, len(parts))
		for i, p := range parts {
			outs[i] = Text(p)
		}
		return outs, nil
	case *message.Image:
		if c.URL == "" {
			return nil, errors.New("kakao: render: image without URL")
		}
		if c.PreviewURL != "" {
			rep.Add("PreviewURL", message.Dropped, "simpleImage has no preview image")
		}
		return []Output{Image(c.URL, rep.Truncate("AltText", c.AltText, MaxAltTextLen, textUnit))}, nil
	case *message.Video:
		if c.URL == "" && c.PreviewURL != "" {
			rep.Add("PreviewURL", message.Dropped, "a video without a URL is sent as text")
		}
		rep.Add("", message.Downgraded, "Kakao has no video output: sent as a card linking to the video")
		return []Output{mediaCard(c.URL, c.PreviewURL, "동영상", "▶ 재생")}, nil
	case *message.Audio:
		rep.Add("", message.Downgraded, "Kakao has no audio output: sent as a card linking to the clip")
		return []Output{mediaCard(c.URL, "", "오디오", "▶ 듣기")}, nil
	case *message.File:
		rep.Add("", message.Downgraded, "Kakao has no file output: sent as a card linking to the file")
		name := c.Name
		if name == "" {
			name = "파일"
		}
		name = rep.Truncate("Name", name, MaxTitleLen, textUnit)
		return []Output{mediaCard(c.URL, "", name, "열기")}, nil
	case *message.Location:
		rep.Add("", message.Downgraded, "Kakao has no location output: sent as a card linking to Kakao Map")
		title := c.Title
		if title == "" {
			title = "위치"
		}
		link := "https://map.kakao.com/link/map/" + url.PathEscape(title) + "," +
			strconv.FormatFloat(c.Latitude, 'f', -1, 64) + "," + strconv.FormatFloat(c.Longitude, 'f', -1, 64)
		card := TextCard{
			Title:       rep.Truncate("Title", title, MaxTitleLen, textUnit),
			Description: rep.Truncate("Address", c.Address, MaxTextCardDesc, textUnit),
			Buttons:     []Button{WebLinkButton("지도 보기", link)},
		}
		return []Output{card.Output()}, nil
	case *message.Card:
		o, err := renderCard(c, "", false, c.Image != nil && webURL(c.Image.URL), rep)
		if err != nil {
			return nil, err
		}
		return []Output{o}, nil
	case *message.Carousel:
		return renderCarousel(c, rep)
	case *message.List:
		return renderList(c, rep)
	case *message.Sticker:
		return nil, unsupported("stickers")
	case *message.Unknown:
		if c.Platform != message.Kakao || len(c.Raw) == 0 {
			return nil, unsupported("content of another platform")
		}
		o := Output{Raw: append([]byte(nil), c.Raw...)}
		if err := o.Validate(); err != nil {
			return nil, fmt.Errorf("kakao: render: raw content: %w", err)
		}
		return []Output{o}, nil
	default:
		return nil, unsupported(fmt.Sprintf("%T", c))
	}
}

func mediaCard(link, preview, title, label string) Output {
	if link == "" {
		return Text(title)
	}
	btn := []Button{WebLinkButton(label, link)}
	if preview != "" {
		return BasicCard{Title: title, Thumbnail: &Thumbnail{ImageURL: preview}, Buttons: btn}.Output()
	}
	return TextCard{Title: title, Description: link, Buttons: btn}.Output()
}

// renderCard renders a neutral card as a basicCard (asBasic) or a textCard.
func renderCard(c *message.Card, path string, inCarousel, asBasic bool, rep *message.Report) (Output, error) {
	p := func(f string) string { return message.JoinPath(path, f) }
	if c.Title == "" && c.Text == "" && c.Image == nil {
		return Output{}, errors.New("kakao: render: empty card")
	}
	buttons, layout := renderButtons(c.Buttons, p("Buttons"), rep)
	title := rep.Truncate(p("Title"), c.Title, MaxTitleLen, textUnit)
	if asBasic && c.Image != nil {
		if c.Image.PreviewURL != "" {
			rep.Add(p("Image.PreviewURL"), message.Dropped, "card thumbnails have no preview image")
		}
		card := BasicCard{
			Title:        title,
			Description:  rep.Truncate(p("Text"), c.Text, MaxBasicCardDesc, textUnit),
			Thumbnail:    &Thumbnail{ImageURL: c.Image.URL, AltText: rep.Truncate(p("Image.AltText"), c.Image.AltText, MaxAltTextLen, textUnit)},
			Buttons:      buttons,
			ButtonLayout: layout,
		}
		return card.Output(), nil
	}
	switch {
	case c.Image != nil && !webURL(c.Image.URL):
		rep.Add(p("Image"), message.Dropped, "card images need an http or https URL")
	case c.Image != nil:
		rep.Add(p("Image"), message.Dropped, "a carousel shows images on all cards or on none")
	}
	max := MaxTextCardDesc
	if inCarousel {
		max = MaxCarouselDesc
	}
	text := c.Text
	if title == "" && text == "" {
		return Output{}, errors.New("kakao: render: card without title or text")
	}
	card := TextCard{Title: title, Description: rep.Truncate(p("Text"), text, max, textUnit), Buttons: buttons, ButtonLayout: layout}
	return card.Output(), nil
}

func renderCarousel(c *message.Carousel, rep *message.Report) ([]Output, error) {
	if len(c.Cards) == 0 {
		return nil, errors.New("kakao: render: empty carousel")
	}
	cards := c.Cards
	if len(cards) > MaxCarouselCards {
		for i := MaxCarouselCards; i < len(cards); i++ {
			rep.Addf(message.Index("Cards", i), message.Dropped, "a carousel holds at most %d cards", MaxCarouselCards)
		}
		cards = cards[:MaxCarouselCards]
	}
	allImages := true
	for i := range cards {
		if cards[i].Image == nil || !webURL(cards[i].Image.URL) {
			allImages = false
		}
	}
	car := Carousel{}
	for i := range cards {
		p := message.Index("Cards", i)
		if len(cards[i].QuickReplies) > 0 {
			rep.Add(message.JoinPath(p, "QuickReplies"), message.Dropped, "Kakao attaches quick replies to a whole response, not to a carousel card")
		}
		o, err := renderCard(&cards[i], p, true, allImages, rep)
		if err != nil {
			return nil, err
		}
		if o.BasicCard != nil {
			car.Items = append(car.Items, o.BasicCard)
		} else {
			car.Items = append(car.Items, o.TextCard)
		}
	}
	return []Output{car.Output()}, nil
}

func renderList(c *message.List, rep *message.Report) ([]Output, error) {
	if c.Title == "" {
		return nil, unsupported("a list without a title (listCard needs a header)")
	}
	if len(c.Items) == 0 {
		return nil, errors.New("kakao: render: empty list")
	}
	items := c.Items
	if len(items) > MaxListItems {
		for i := MaxListItems; i < len(items); i++ {
			rep.Addf(message.Index("Items", i), message.Dropped, "a listCard holds at most %d items", MaxListItems)
		}
		items = items[:MaxListItems]
	}
	card := ListCard{Header: ListItem{Title: c.Title}}
	for i, it := range items {
		path := message.Index("Items", i)
		li := ListItem{Title: it.Title, Description: it.Text, ImageURL: it.ImageURL}
		if li.Title == "" {
			li.Title = it.Text
			li.Description = ""
			if li.Title == "" {
				return nil, errors.New("kakao: render: list item without title")
			}
		}
		switch a := it.Action.(type) {
		case nil:
		case *message.Postback:
			li.Action = "message"
			li.MessageText = a.DisplayText
			if li.MessageText == "" {
				li.MessageText = li.Title
			}
			li.Extra = map[string]any{PostbackKey: a.Data}
		case *message.MessageAction:
			li.Action = "message"
			li.MessageText = a.Text
		case *message.URLAction:
			if !webURL(a.URL) {
				rep.Add(message.JoinPath(path, "Action"), message.Dropped, "links must be http or https URLs")
				break
			}
			li.Link = &Link{Web: a.URL}
		case *message.CallAction, *message.ShareAction:
			rep.Add(message.JoinPath(path, "Action"), message.Dropped, "list items cannot call or share")
		default:
			rep.Add(message.JoinPath(path, "Action"), message.Dropped, "unknown action")
		}
		card.Items = append(card.Items, li)
	}
	card.Buttons, card.ButtonLayout = renderButtons(c.Buttons, "Buttons", rep)
	return []Output{card.Output()}, nil
}

// renderButtons maps neutral buttons, at most MaxButtons, vertically.
func renderButtons(bs []message.Button, path string, rep *message.Report) ([]Button, ButtonLayout) {
	var out []Button
	for i, b := range bs {
		bp := message.Index(path, i)
		if i >= MaxButtons {
			rep.Addf(bp, message.Dropped, "a card holds at most %d buttons", MaxButtons)
			continue
		}
		label := rep.Truncate(message.JoinPath(bp, "Label"), b.Label, MaxButtonLabel, textUnit)
		if label == "" {
			rep.Add(bp, message.Dropped, "button without label")
			continue
		}
		kb, ok := renderAction(b.Action, label)
		if !ok {
			rep.Add(bp, message.Dropped, "action Kakao buttons cannot perform")
			continue
		}
		out = append(out, kb)
	}
	if len(out) == 0 {
		return nil, ""
	}
	return out, ""
}

// webURL reports whether s is an absolute http or https URL, the only
// links and images Kakao accepts.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func renderAction(a message.Action, label string) (Button, bool) {
	switch a := a.(type) {
	case *message.Postback:
		text := a.DisplayText
		if text == "" {
			text = label
		}
		b := MessageButton(label, text)
		b.Extra = map[string]any{PostbackKey: a.Data}
		return b, true
	case *message.MessageAction:
		return MessageButton(label, a.Text), a.Text != ""
	case *message.URLAction:
		return WebLinkButton(label, a.URL), webURL(a.URL)
	case *message.CallAction:
		return PhoneButton(label, a.Phone), a.Phone != ""
	case *message.ShareAction:
		return ShareButton(label), true
	}
	return Button{}, false
}

func renderQuickReplies(qs []message.QuickReply, rep *message.Report) []QuickReply {
	var out []QuickReply
	for i, q := range qs {
		qp := message.Index("QuickReplies", i)
		if i >= MaxQuickReplies {
			rep.Addf(qp, message.Dropped, "Kakao shows at most %d quick replies", MaxQuickReplies)
			continue
		}
		if q.Label == "" {
			rep.Add(qp, message.Dropped, "quick reply without label")
			continue
		}
		var kq QuickReply
		switch a := q.Action.(type) {
		case *message.Postback:
			text := a.DisplayText
			if text == "" {
				text = q.Label
			}
			kq = MessageQuickReply(q.Label, text)
			kq.Extra = map[string]any{PostbackKey: a.Data}
		case *message.MessageAction:
			if a.Text == "" {
				rep.Add(qp, message.Dropped, "message quick reply without text")
				continue
			}
			kq = MessageQuickReply(q.Label, a.Text)
		default:
			rep.Add(qp, message.Dropped, "Kakao quick replies only send a message or run a block")
			continue
		}
		if q.ImageURL != "" {
			rep.Add(message.JoinPath(qp, "ImageURL"), message.Dropped, "Kakao quick replies have no icon")
		}
		out = append(out, kq)
	}
	return out
}
