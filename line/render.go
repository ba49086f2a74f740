package line

import (
	"errors"
	"fmt"
	"strings"

	"github.com/channelkit/channelkit/message"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// Render turns neutral content into LINE messages, ready for Client.Reply
// or Push, and reports everything LINE could not show faithfully.
//
//   - Text over 5,000 UTF-16 code units is split into several messages
//     (at most 5 in all; the rest is truncated).
//   - Cards, carousels (up to 12 cards) and lists become Flex messages;
//     their alt text (shown in notifications) is derived from the content.
//   - Buttons and quick replies: postback, message, URL (http or https
//     only); a call becomes a tel: link; share has no LINE equivalent and
//     is dropped. A postback quick reply without display text shows its
//     label (LINE requires one). Quick replies on the cards of a carousel
//     are dropped: LINE attaches them to a whole message.
//   - Images, videos and audio need HTTPS URLs of at most 2,000
//     characters: otherwise Render fails with an error wrapping
//     errors.ErrUnsupported. A preview URL LINE would refuse is dropped
//     (an image is then its own preview; a video is sent as a link), and
//     so is a card or list image LINE would refuse.
//   - Files cannot be sent by a bot: a file becomes a text with its name
//     and link (downgraded). Image alt text has no place in an image
//     message and is dropped.
//   - Stickers render only if they are LINE stickers; unknown content
//     only if it is LINE's own JSON. Otherwise Render fails with an error
//     wrapping errors.ErrUnsupported.
//
// With opts.Strict any loss is an error wrapping message.ErrLossy instead.
func Render(c message.Content, opts message.RenderOptions) ([]messaging_api.MessageInterface, message.Report, error) {
	var rep message.Report
	if c == nil {
		return nil, rep, argError("Render", "c", "nil content")
	}
	r := renderer{rep: &rep}
	msgs, err := r.content(c)
	if err != nil {
		return nil, rep, err
	}
	if len(msgs) == 0 {
		return nil, rep, fmt.Errorf("line: %s content has nothing to send: %w", c.Type(), errors.ErrUnsupported)
	}
	if qr := r.quickReplies(c.Replies()); qr != nil && !setQuickReply(msgs[len(msgs)-1], qr) {
		rep.Add("QuickReplies", message.Dropped, "raw LINE content keeps its own quick replies")
	}
	if err := opts.Check(message.LINE, rep); err != nil {
		return nil, rep, err
	}
	for _, m := range msgs {
		setType(m)
	}
	return msgs, rep, nil
}

// setType fills in the discriminator of a message Render built, so that
// GetType reports it before the message is encoded.
func setType(m messaging_api.MessageInterface) {
	switch m := m.(type) {
	case *messaging_api.TextMessage:
		m.Type = "text"
	case *messaging_api.ImageMessage:
		m.Type = "image"
	case *messaging_api.VideoMessage:
		m.Type = "video"
	case *messaging_api.AudioMessage:
		m.Type = "audio"
	case *messaging_api.StickerMessage:
		m.Type = "sticker"
	case *messaging_api.LocationMessage:
		m.Type = "location"
	case *messaging_api.FlexMessage:
		m.Type = "flex"
	}
}

type renderer struct{ rep *message.Report }

func (r renderer) content(c message.Content) ([]messaging_api.MessageInterface, error) {
	switch c := c.(type) {
	case *message.Text:
		return r.text("Text", c.Text, limits.messages)
	case *message.Image:
		if !mediaURL(c.URL) {
			return nil, fmt.Errorf("line: image needs an HTTPS URL of at most %d characters: %w", limits.mediaURL, errors.ErrUnsupported)
		}
		prev := r.preview(c.PreviewURL, c.URL)
		if c.AltText != "" {
			r.rep.Add("AltText", message.Dropped, "LINE image messages have no alt text")
		}
		return one(&messaging_api.ImageMessage{OriginalContentUrl: c.URL, PreviewImageUrl: prev}), nil
	case *message.Video:
		if !mediaURL(c.URL) {
			return nil, fmt.Errorf("line: video needs an HTTPS URL of at most %d characters: %w", limits.mediaURL, errors.ErrUnsupported)
		}
		if c.PreviewURL != "" && !mediaURL(c.PreviewURL) {
			r.rep.Addf("PreviewURL", message.Dropped, "LINE needs an HTTPS preview URL of at most %d characters", limits.mediaURL)
		}
		if !mediaURL(c.PreviewURL) {
			// LINE requires a preview image: send a link instead.
			r.rep.Add("", message.Downgraded, "LINE needs a preview image for a video; sent as a link")
			return r.text("URL", c.URL, 1)
		}
		return one(&messaging_api.VideoMessage{OriginalContentUrl: c.URL, PreviewImageUrl: c.PreviewURL}), nil
	case *message.Audio:
		if !mediaURL(c.URL) {
			return nil, fmt.Errorf("line: audio needs an HTTPS URL of at most %d characters: %w", limits.mediaURL, errors.ErrUnsupported)
		}
		ms := c.Duration.Milliseconds()
		if ms <= 0 {
			ms = 1
			r.rep.Add("Duration", message.Downgraded, "LINE requires an audio duration; 1 ms sent")
		}
		return one(&messaging_api.AudioMessage{OriginalContentUrl: c.URL, Duration: ms}), nil
	case *message.File:
		if c.URL == "" {
			return nil, fmt.Errorf("line: file without URL: %w", errors.ErrUnsupported)
		}
		r.rep.Add("", message.Downgraded, "LINE bots cannot send files; sent as a text link")
		text := c.URL
		if c.Name != "" {
			text = c.Name + "\n" + c.URL
		}
		return r.text("", text, 1)
	case *message.Sticker:
		if c.Platform != "" && c.Platform != message.LINE {
			return nil, fmt.Errorf("line: a %s sticker cannot be shown on LINE: %w", c.Platform, errors.ErrUnsupported)
		}
		return one(&messaging_api.StickerMessage{PackageId: c.PackageID, StickerId: c.StickerID}), nil
	case *message.Location:
		title, addr := c.Title, c.Address
		if title == "" {
			title = "Location"
		}
		if addr == "" {
			addr = fmt.Sprintf("%.6f, %.6f", c.Latitude, c.Longitude)
		}
		title = r.rep.Truncate("Title", title, limits.locationTitle, message.UTF16)
		addr = r.rep.Truncate("Address", addr, limits.locationAddress, message.UTF16)
		return one(&messaging_api.LocationMessage{Title: title, Address: addr, Latitude: c.Latitude, Longitude: c.Longitude}), nil
	case *message.Card:
		if c.Title == "" && c.Text == "" && c.Image == nil && len(c.Buttons) == 0 {
			return nil, argError("Render", "c", "empty card")
		}
		b := r.bubble("", c)
		return one(&messaging_api.FlexMessage{AltText: altText(c.Title, c.Text), Contents: b}), nil
	case *message.Carousel:
		if len(c.Cards) == 0 {
			return nil, argError("Render", "c", "empty carousel")
		}
		cards := c.Cards
		if len(cards) > limits.flexBubbles {
			for i := limits.flexBubbles; i < len(cards); i++ {
				r.rep.Addf(message.Index("Cards", i), message.Dropped, "LINE carousels hold %d cards", limits.flexBubbles)
			}
			cards = cards[:limits.flexBubbles]
		}
		bubbles := make([]messaging_api.FlexBubble, len(cards))
		for i := range cards {
			p := message.Index("Cards", i)
			bubbles[i] = *r.bubble(p, &cards[i])
			if len(cards[i].QuickReplies) > 0 {
				r.rep.Add(message.JoinPath(p, "QuickReplies"), message.Dropped, "LINE attaches quick replies to a message, not to a carousel card")
			}
		}
		alt := altText(cards[0].Title, cards[0].Text)
		return one(&messaging_api.FlexMessage{AltText: alt, Contents: &messaging_api.FlexCarousel{Contents: bubbles}}), nil
	case *message.List:
		if c.Title == "" && len(c.Items) == 0 && len(c.Buttons) == 0 {
			return nil, argError("Render", "c", "empty list")
		}
		return one(r.list(c)), nil
	case *message.Unknown:
		if c.Platform != message.LINE || len(c.Raw) == 0 {
			return nil, fmt.Errorf("line: unknown %s content from %q: %w", c.Kind, c.Platform, errors.ErrUnsupported)
		}
		return one(RawMessage(c.Raw)), nil
	}
	return nil, fmt.Errorf("line: unsupported content %T: %w", c, errors.ErrUnsupported)
}

// mediaURL reports whether u is a URL LINE accepts for media and images:
// HTTPS and at most 2,000 characters.
func mediaURL(u string) bool {
	return strings.HasPrefix(u, "https://") && len(u) > len("https://") && utf16Len(u) <= limits.mediaURL
}

// preview returns the preview image URL for an image at url: the given
// one if LINE accepts it, else url itself (with a loss if one was given).
func (r renderer) preview(preview, url string) string {
	switch {
	case preview == "":
		return url
	case !mediaURL(preview):
		r.rep.Addf("PreviewURL", message.Dropped, "LINE needs an HTTPS preview URL of at most %d characters; the image is its own preview", limits.mediaURL)
		return url
	}
	return preview
}

func one(m messaging_api.MessageInterface) []messaging_api.MessageInterface {
	return []messaging_api.MessageInterface{m}
}

// text splits s into at most max text messages.
func (r renderer) text(path, s string, max int) ([]messaging_api.MessageInterface, error) {
	if s == "" {
		return nil, argError("Render", "c", "empty text")
	}
	parts := message.SplitText(s, limits.text, message.UTF16)
	if len(parts) > max {
		if max == 1 {
			r.rep.Addf(path, message.Truncated, "limit is %d %s", limits.text, message.UTF16)
		} else {
			r.rep.Addf(path, message.Truncated, "LINE sends at most %d messages of %d %s", max, limits.text, message.UTF16)
		}
		parts = parts[:max]
	}
	if len(parts) > 1 {
		r.rep.Addf(path, message.Split, "%d messages of at most %d %s", len(parts), limits.text, message.UTF16)
	}
	out := make([]messaging_api.MessageInterface, len(parts))
	for i, p := range parts {
		out[i] = &messaging_api.TextMessage{Text: p}
	}
	return out, nil
}
