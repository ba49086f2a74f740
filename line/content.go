package line

import "encoding/json"

// MessageContent is the message of a [MessageEvent]: [*TextContent],
// [*ImageContent], [*VideoContent], [*AudioContent], [*FileContent],
// [*LocationContent], [*StickerContent], or [*UnknownContent] for a type
// this package does not know.
//
//sumtype:decl
type MessageContent interface {
	// Type returns the message's "type" on the wire.
	Type() string
	// MessageID returns the message's "id" (for content download, unsend
	// events and quoting).
	MessageID() string
	isContent()
}

// The inbound message types.
const (
	ContentText     = "text"
	ContentImage    = "image"
	ContentVideo    = "video"
	ContentAudio    = "audio"
	ContentFile     = "file"
	ContentLocation = "location"
	ContentSticker  = "sticker"
)

// TextContent is a text message.
type TextContent struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	// Emojis are LINE emoji in Text. Index and Length count UTF-16 code
	// units of Text; LINE does not guarantee they fit it (treat them as
	// hints).
	Emojis  []Emoji  `json:"emojis,omitempty"`
	Mention *Mention `json:"mention,omitempty"`
	// QuoteToken lets a reply quote this message.
	QuoteToken string `json:"quoteToken,omitempty"`
	// QuotedMessageID is set when this message quotes another.
	QuotedMessageID string `json:"quotedMessageId,omitempty"`
	// MarkAsReadToken marks the chat read up to this message, with
	// [Client.MarkAsReadByToken]. Optional in LINE's schema: empty when
	// LINE sent none.
	MarkAsReadToken string `json:"markAsReadToken,omitempty"`
}

// Emoji is a LINE emoji inside a text message.
type Emoji struct {
	Index     int    `json:"index"`
	Length    int    `json:"length"`
	ProductID string `json:"productId"`
	EmojiID   string `json:"emojiId"`
}

// Mention lists the mentions in a text message.
type Mention struct {
	Mentionees []Mentionee `json:"mentionees"`
}

// Mentionee is one mention: a user (Type "user") or everyone (Type "all").
type Mentionee struct {
	Index  int    `json:"index"`
	Length int    `json:"length"`
	Type   string `json:"type,omitempty"`
	UserID string `json:"userId,omitempty"`
	IsSelf bool   `json:"isSelf,omitempty"`
}

// ContentProvider says where the binary content of a media message is.
type ContentProvider struct {
	// Type is "line" (download it with Client.GetContent) or "external"
	// (the URLs below).
	Type               string `json:"type"`
	OriginalContentURL string `json:"originalContentUrl,omitempty"`
	PreviewImageURL    string `json:"previewImageUrl,omitempty"`
}

// ImageSet groups images sent together.
type ImageSet struct {
	ID    string `json:"id"`
	Index int    `json:"index,omitempty"`
	Total int    `json:"total,omitempty"`
}

// ImageContent is an image message.
type ImageContent struct {
	ID              string          `json:"id"`
	ContentProvider ContentProvider `json:"contentProvider"`
	ImageSet        *ImageSet       `json:"imageSet,omitempty"`
	QuoteToken      string          `json:"quoteToken,omitempty"`
	// MarkAsReadToken marks the chat read up to this message, with
	// [Client.MarkAsReadByToken]. Optional in LINE's schema: empty when
	// LINE sent none.
	MarkAsReadToken string `json:"markAsReadToken,omitempty"`
}

// VideoContent is a video message.
type VideoContent struct {
	ID string `json:"id"`
	// Duration is in milliseconds.
	Duration        int64           `json:"duration,omitempty"`
	ContentProvider ContentProvider `json:"contentProvider"`
	QuoteToken      string          `json:"quoteToken,omitempty"`
	// MarkAsReadToken marks the chat read up to this message, with
	// [Client.MarkAsReadByToken]. Optional in LINE's schema: empty when
	// LINE sent none.
	MarkAsReadToken string `json:"markAsReadToken,omitempty"`
}

// AudioContent is an audio message.
type AudioContent struct {
	ID string `json:"id"`
	// Duration is in milliseconds.
	Duration        int64           `json:"duration,omitempty"`
	ContentProvider ContentProvider `json:"contentProvider"`
	// MarkAsReadToken marks the chat read up to this message, with
	// [Client.MarkAsReadByToken]. Optional in LINE's schema: empty when
	// LINE sent none.
	MarkAsReadToken string `json:"markAsReadToken,omitempty"`
}

// FileContent is a file message.
type FileContent struct {
	ID       string `json:"id"`
	FileName string `json:"fileName"`
	FileSize int64  `json:"fileSize"`
	// MarkAsReadToken marks the chat read up to this message, with
	// [Client.MarkAsReadByToken]. Optional in LINE's schema: empty when
	// LINE sent none.
	MarkAsReadToken string `json:"markAsReadToken,omitempty"`
}

// LocationContent is a location message.
type LocationContent struct {
	ID        string  `json:"id"`
	Title     string  `json:"title,omitempty"`
	Address   string  `json:"address,omitempty"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	// MarkAsReadToken marks the chat read up to this message, with
	// [Client.MarkAsReadByToken]. Optional in LINE's schema: empty when
	// LINE sent none.
	MarkAsReadToken string `json:"markAsReadToken,omitempty"`
}

// StickerContent is a sticker message.
type StickerContent struct {
	ID        string `json:"id"`
	PackageID string `json:"packageId"`
	StickerID string `json:"stickerId"`
	// StickerResourceType is STATIC, ANIMATION, SOUND, ANIMATION_SOUND,
	// POPUP, POPUP_SOUND, CUSTOM, MESSAGE, NAME_TEXT, PER_STICKER_TEXT…
	StickerResourceType string   `json:"stickerResourceType,omitempty"`
	Keywords            []string `json:"keywords,omitempty"`
	// Text is what the user typed on a MESSAGE or CUSTOM sticker.
	Text            string `json:"text,omitempty"`
	QuoteToken      string `json:"quoteToken,omitempty"`
	QuotedMessageID string `json:"quotedMessageId,omitempty"`
	// MarkAsReadToken marks the chat read up to this message, with
	// [Client.MarkAsReadByToken]. Optional in LINE's schema: empty when
	// LINE sent none.
	MarkAsReadToken string `json:"markAsReadToken,omitempty"`
}

// UnknownContent is a message type this package does not know. Raw holds
// its exact bytes, which MarshalJSON returns.
type UnknownContent struct {
	ContentType string
	ID          string
	Raw         json.RawMessage
}

// Type returns ContentText.
func (*TextContent) Type() string { return ContentText }

// Type returns ContentImage.
func (*ImageContent) Type() string { return ContentImage }

// Type returns ContentVideo.
func (*VideoContent) Type() string { return ContentVideo }

// Type returns ContentAudio.
func (*AudioContent) Type() string { return ContentAudio }

// Type returns ContentFile.
func (*FileContent) Type() string { return ContentFile }

// Type returns ContentLocation.
func (*LocationContent) Type() string { return ContentLocation }

// Type returns ContentSticker.
func (*StickerContent) Type() string { return ContentSticker }

// Type returns the ContentType field.
func (c *UnknownContent) Type() string { return c.ContentType }

// MessageID returns the ID field.
func (c *TextContent) MessageID() string { return c.ID }

// MessageID returns the ID field.
func (c *ImageContent) MessageID() string { return c.ID }

// MessageID returns the ID field.
func (c *VideoContent) MessageID() string { return c.ID }

// MessageID returns the ID field.
func (c *AudioContent) MessageID() string { return c.ID }

// MessageID returns the ID field.
func (c *FileContent) MessageID() string { return c.ID }

// MessageID returns the ID field.
func (c *LocationContent) MessageID() string { return c.ID }

// MessageID returns the ID field.
func (c *StickerContent) MessageID() string { return c.ID }

// MessageID returns the ID field.
func (c *UnknownContent) MessageID() string { return c.ID }
func (*TextContent) isContent()             {}
func (*ImageContent) isContent()            {}
func (*VideoContent) isContent()            {}
func (*AudioContent) isContent()            {}
func (*FileContent) isContent()             {}
func (*LocationContent) isContent()         {}
func (*StickerContent) isContent()          {}
func (*UnknownContent) isContent()          {}

// MarshalJSON writes the message with its "type".
func (c *TextContent) MarshalJSON() ([]byte, error) {
	type alias TextContent
	return marshalTagged(ContentText, (*alias)(c))
}

// MarshalJSON writes the message with its "type".
func (c *ImageContent) MarshalJSON() ([]byte, error) {
	type alias ImageContent
	return marshalTagged(ContentImage, (*alias)(c))
}

// MarshalJSON writes the message with its "type".
func (c *VideoContent) MarshalJSON() ([]byte, error) {
	type alias VideoContent
	return marshalTagged(ContentVideo, (*alias)(c))
}

// MarshalJSON writes the message with its "type".
func (c *AudioContent) MarshalJSON() ([]byte, error) {
	type alias AudioContent
	return marshalTagged(ContentAudio, (*alias)(c))
}

// MarshalJSON writes the message with its "type".
func (c *FileContent) MarshalJSON() ([]byte, error) {
	type alias FileContent
	return marshalTagged(ContentFile, (*alias)(c))
}

// MarshalJSON writes the message with its "type".
func (c *LocationContent) MarshalJSON() ([]byte, error) {
	type alias LocationContent
	return marshalTagged(ContentLocation, (*alias)(c))
}

// MarshalJSON writes the message with its "type".
func (c *StickerContent) MarshalJSON() ([]byte, error) {
	type alias StickerContent
	return marshalTagged(ContentSticker, (*alias)(c))
}

// MarshalJSON returns Raw.
func (c *UnknownContent) MarshalJSON() ([]byte, error) { return rawOrNull(c.Raw), nil }
