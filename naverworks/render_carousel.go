package naverworks

import (
	"errors"
	"strings"

	"github.com/channelkit/channelkit/message"
)

// The templates a card, a carousel or a list becomes: carousel columns
// (which must agree with each other) and list templates.

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
