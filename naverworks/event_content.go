package naverworks

import (
	"encoding/json"
	"strconv"
)

// MessageContent is the "content" of a message event. The concrete types
// are *TextContent, *LocationContent, *StickerContent, *ImageContent,
// *FileContent, *AudioContent, *VideoContent and *UnknownContent.
//
//sumtype:decl
type MessageContent interface {
	// Type returns the wire "type" ("" for a content without one).
	Type() string
	isMessageContent()
}

// TextContent is a text message. Postback is set when the text came from a
// message action with a postback, or the "start" greeting button.
type TextContent struct {
	Text     string `json:"text"`
	Postback string `json:"postback,omitempty"`
}

// LocationContent is a shared location. Title is not documented for
// callbacks but read when present.
type LocationContent struct {
	Title     string  `json:"title,omitempty"`
	Address   string  `json:"address"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// StickerContent is a sticker.
type StickerContent struct {
	PackageID string `json:"packageId"`
	StickerID string `json:"stickerId"`
}

// ImageContent is an image; download it with [Client.Download].
type ImageContent struct {
	FileID string `json:"fileId"`
}

// FileContent is a file; download it with [Client.Download]. FileName is
// not documented for callbacks but read when present.
type FileContent struct {
	FileID   string `json:"fileId"`
	FileName string `json:"fileName,omitempty"`
}

// AudioContent is an audio clip.
type AudioContent struct {
	FileID string `json:"fileId"`
}

// VideoContent is a video.
type VideoContent struct {
	FileID string `json:"fileId"`
}

// UnknownContent is a content this package does not know, one without a
// "type", or one whose fields have unexpected JSON types. Raw holds its
// JSON; MarshalJSON returns it unchanged.
type UnknownContent struct {
	// ContentType is the content's "type" ("" when it had none).
	ContentType string
	Raw         json.RawMessage
}

// Type returns "text".
func (*TextContent) Type() string { return "text" }

// Type returns "location".
func (*LocationContent) Type() string { return "location" }

// Type returns "sticker".
func (*StickerContent) Type() string { return "sticker" }

// Type returns "image".
func (*ImageContent) Type() string { return "image" }

// Type returns "file".
func (*FileContent) Type() string { return "file" }

// Type returns "audio".
func (*AudioContent) Type() string { return "audio" }

// Type returns "video".
func (*VideoContent) Type() string { return "video" }

// Type returns the type the content arrived with ("" when it had none).
func (c *UnknownContent) Type() string { return c.ContentType }

func (*TextContent) isMessageContent()     {}
func (*LocationContent) isMessageContent() {}
func (*StickerContent) isMessageContent()  {}
func (*ImageContent) isMessageContent()    {}
func (*FileContent) isMessageContent()     {}
func (*AudioContent) isMessageContent()    {}
func (*VideoContent) isMessageContent()    {}
func (*UnknownContent) isMessageContent()  {}

func marshalContent(typ string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	// v is a struct: splice "type" in front of its fields.
	out := make([]byte, 0, len(b)+len(typ)+12)
	out = append(out, `{"type":`...)
	out = strconv.AppendQuote(out, typ)
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// MarshalJSON writes the content with "type": "text".
func (c *TextContent) MarshalJSON() ([]byte, error) {
	type plain TextContent
	return marshalContent(c.Type(), (*plain)(c))
}

// MarshalJSON writes the content with "type": "location".
func (c *LocationContent) MarshalJSON() ([]byte, error) {
	type plain LocationContent
	return marshalContent(c.Type(), (*plain)(c))
}

// MarshalJSON writes the content with "type": "sticker".
func (c *StickerContent) MarshalJSON() ([]byte, error) {
	type plain StickerContent
	return marshalContent(c.Type(), (*plain)(c))
}

// MarshalJSON writes the content with "type": "image".
func (c *ImageContent) MarshalJSON() ([]byte, error) {
	type plain ImageContent
	return marshalContent(c.Type(), (*plain)(c))
}

// MarshalJSON writes the content with "type": "file".
func (c *FileContent) MarshalJSON() ([]byte, error) {
	type plain FileContent
	return marshalContent(c.Type(), (*plain)(c))
}

// MarshalJSON writes the content with "type": "audio".
func (c *AudioContent) MarshalJSON() ([]byte, error) {
	type plain AudioContent
	return marshalContent(c.Type(), (*plain)(c))
}

// MarshalJSON writes the content with "type": "video".
func (c *VideoContent) MarshalJSON() ([]byte, error) {
	type plain VideoContent
	return marshalContent(c.Type(), (*plain)(c))
}

// MarshalJSON returns Raw unchanged.
func (c *UnknownContent) MarshalJSON() ([]byte, error) {
	if len(c.Raw) == 0 {
		return []byte("null"), nil
	}
	return c.Raw, nil
}
