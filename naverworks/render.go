package naverworks

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/channelkit/channelkit/message"
)

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
		return nil, rep, argError("Render", "c", "nil")
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
