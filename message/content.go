package message

import (
	"encoding/json"
	"time"
)

// Content is the body of a message. The concrete types are *Text, *Image,
// *Video, *Audio, *File, *Sticker, *Location, *Card, *Carousel, *List and
// *Unknown; no other package can add one.
//
//sumtype:decl
type Content interface {
	// Type reports which variant this is.
	Type() Type
	// Replies returns the quick-reply suggestions attached to the content.
	Replies() []QuickReply
	isContent()
}

// Type names a [Content] variant.
type Type string

// The content types.
const (
	TypeText     Type = "text"
	TypeImage    Type = "image"
	TypeVideo    Type = "video"
	TypeAudio    Type = "audio"
	TypeFile     Type = "file"
	TypeSticker  Type = "sticker"
	TypeLocation Type = "location"
	TypeCard     Type = "card"
	TypeCarousel Type = "carousel"
	TypeList     Type = "list"
	TypeUnknown  Type = "unknown"
)

// Text is plain text.
type Text struct {
	Text         string
	QuickReplies []QuickReply
}

// Image is a picture at a public HTTPS URL.
type Image struct {
	URL          string
	PreviewURL   string // smaller version; platforms that need one fall back to URL
	AltText      string // shown where the image cannot be
	QuickReplies []QuickReply
}

// Video is a video at a public HTTPS URL.
type Video struct {
	URL          string
	PreviewURL   string // still image shown before playback
	Duration     time.Duration
	QuickReplies []QuickReply
}

// Audio is a sound clip at a public HTTPS URL.
type Audio struct {
	URL          string
	Duration     time.Duration
	QuickReplies []QuickReply
}

// File is a document at a public HTTPS URL.
type File struct {
	URL          string
	Name         string
	Size         int64 // bytes, 0 if unknown
	QuickReplies []QuickReply
}

// Sticker is a platform sticker. Sticker IDs are platform-specific: a
// platform renders only its own stickers (Platform equal to its name, or
// empty) and reports others as a loss.
type Sticker struct {
	Platform     Platform
	PackageID    string
	StickerID    string
	QuickReplies []QuickReply
}

// Location is a point on the map.
type Location struct {
	Title        string
	Address      string
	Latitude     float64
	Longitude    float64
	QuickReplies []QuickReply
}

// Card is a rich bubble: optional image, title and text, and buttons.
type Card struct {
	Title        string
	Text         string
	Image        *Image
	Buttons      []Button
	QuickReplies []QuickReply
}

// Carousel is a horizontally scrolling row of cards.
type Carousel struct {
	Cards        []Card
	QuickReplies []QuickReply
}

// List is a vertical list of items under a header, with optional buttons.
type List struct {
	Title        string
	Items        []ListItem
	Buttons      []Button
	QuickReplies []QuickReply
}

// ListItem is one row of a [List].
type ListItem struct {
	Title    string
	Text     string
	ImageURL string
	Action   Action // what tapping the row does; nil for none
}

// Unknown is content a platform package could not map to a neutral type. Raw
// holds the platform's own JSON for it; a platform renders an Unknown only if
// Platform names itself.
type Unknown struct {
	Platform     Platform
	Kind         string // the platform's name for the content type, if any
	Raw          json.RawMessage
	QuickReplies []QuickReply
}

// Type returns TypeText.
func (*Text) Type() Type { return TypeText }

// Type returns TypeImage.
func (*Image) Type() Type { return TypeImage }

// Type returns TypeVideo.
func (*Video) Type() Type { return TypeVideo }

// Type returns TypeAudio.
func (*Audio) Type() Type { return TypeAudio }

// Type returns TypeFile.
func (*File) Type() Type { return TypeFile }

// Type returns TypeSticker.
func (*Sticker) Type() Type { return TypeSticker }

// Type returns TypeLocation.
func (*Location) Type() Type { return TypeLocation }

// Type returns TypeCard.
func (*Card) Type() Type { return TypeCard }

// Type returns TypeCarousel.
func (*Carousel) Type() Type { return TypeCarousel }

// Type returns TypeList.
func (*List) Type() Type { return TypeList }

// Type returns TypeUnknown.
func (*Unknown) Type() Type { return TypeUnknown }

// Replies returns the QuickReplies field.
func (c *Text) Replies() []QuickReply { return c.QuickReplies }

// Replies returns the QuickReplies field.
func (c *Image) Replies() []QuickReply { return c.QuickReplies }

// Replies returns the QuickReplies field.
func (c *Video) Replies() []QuickReply { return c.QuickReplies }

// Replies returns the QuickReplies field.
func (c *Audio) Replies() []QuickReply { return c.QuickReplies }

// Replies returns the QuickReplies field.
func (c *File) Replies() []QuickReply { return c.QuickReplies }

// Replies returns the QuickReplies field.
func (c *Sticker) Replies() []QuickReply { return c.QuickReplies }

// Replies returns the QuickReplies field.
func (c *Location) Replies() []QuickReply { return c.QuickReplies }

// Replies returns the QuickReplies field.
func (c *Card) Replies() []QuickReply { return c.QuickReplies }

// Replies returns the QuickReplies field.
func (c *Carousel) Replies() []QuickReply { return c.QuickReplies }

// Replies returns the QuickReplies field.
func (c *List) Replies() []QuickReply { return c.QuickReplies }

// Replies returns the QuickReplies field.
func (c *Unknown) Replies() []QuickReply { return c.QuickReplies }

func (*Text) isContent()     {}
func (*Image) isContent()    {}
func (*Video) isContent()    {}
func (*Audio) isContent()    {}
func (*File) isContent()     {}
func (*Sticker) isContent()  {}
func (*Location) isContent() {}
func (*Card) isContent()     {}
func (*Carousel) isContent() {}
func (*List) isContent()     {}
func (*Unknown) isContent()  {}
