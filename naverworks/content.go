package naverworks

import (
	"encoding/json"
	"errors"
)

// Content is one outbound message: the value of "content" in a send request.
// The concrete types are *Text, *Image, *File, *Audio, *Video, *Link,
// *Sticker, *Location, *ButtonTemplate, *ListTemplate, *Carousel,
// *ImageCarousel, *Flex and *RawContent. Each MarshalJSON writes the "type"
// discriminator; callers never set it.
//
//sumtype:decl
type Content interface {
	// Type returns the wire type ("text", "button_template", …).
	Type() string
	isContent()
}

// Language is a locale of an i18n variant.
type Language string

// The languages NAVER WORKS clients pick i18n variants by.
const (
	Korean             Language = "ko_KR"
	Japanese           Language = "ja_JP"
	ChineseSimplified  Language = "zh_CN"
	ChineseTraditional Language = "zh_TW"
	English            Language = "en_US"
)

// I18nText is a per-language "text".
type I18nText struct {
	Language Language `json:"language"`
	Text     string   `json:"text"`
}

// I18nContentText is a per-language "contentText".
type I18nContentText struct {
	Language    Language `json:"language"`
	ContentText string   `json:"contentText"`
}

// I18nLinkText is a per-language "linkText".
type I18nLinkText struct {
	Language Language `json:"language"`
	LinkText string   `json:"linkText"`
}

// I18nAltText is a per-language "altText".
type I18nAltText struct {
	Language Language `json:"language"`
	AltText  string   `json:"altText"`
}

// QuickReply is the suggestion chips under a message ("quickReply").
type QuickReply struct {
	Items []QuickReplyItem `json:"items"`
}

// QuickReplyItem is one chip. ImageURL (PNG, HTTPS) and ImageResourceID are
// alternatives; camera, camera roll and location actions show a default
// icon when both are empty.
type QuickReplyItem struct {
	ImageURL        string `json:"imageUrl,omitempty"`
	ImageResourceID string `json:"imageResourceId,omitempty"`
	Action          Action `json:"action"`
}

// Text is a "text" message.
type Text struct {
	Text       string      `json:"text"`
	I18nTexts  []I18nText  `json:"i18nTexts,omitempty"`
	QuickReply *QuickReply `json:"quickReply,omitempty"`
}

// Image is an "image" message: either PreviewImageURL and OriginalContentURL
// (HTTPS) or FileID of an uploaded attachment.
type Image struct {
	PreviewImageURL    string      `json:"previewImageUrl,omitempty"`
	OriginalContentURL string      `json:"originalContentUrl,omitempty"`
	FileID             string      `json:"fileId,omitempty"`
	QuickReply         *QuickReply `json:"quickReply,omitempty"`
}

// File is a "file" message: OriginalContentURL (HTTPS) or FileID.
type File struct {
	OriginalContentURL string      `json:"originalContentUrl,omitempty"`
	FileID             string      `json:"fileId,omitempty"`
	QuickReply         *QuickReply `json:"quickReply,omitempty"`
}

// Audio is an "audio" message: OriginalContentURL (HTTPS) or FileID.
type Audio struct {
	OriginalContentURL string      `json:"originalContentUrl,omitempty"`
	FileID             string      `json:"fileId,omitempty"`
	QuickReply         *QuickReply `json:"quickReply,omitempty"`
}

// Video is a "video" message: PreviewImageURL and OriginalContentURL, or
// FileID.
type Video struct {
	PreviewImageURL    string      `json:"previewImageUrl,omitempty"`
	OriginalContentURL string      `json:"originalContentUrl,omitempty"`
	FileID             string      `json:"fileId,omitempty"`
	QuickReply         *QuickReply `json:"quickReply,omitempty"`
}

// Link is a "link" message: a text and a link under it.
type Link struct {
	ContentText      string            `json:"contentText"`
	LinkText         string            `json:"linkText"`
	Link             string            `json:"link"`
	I18nContentTexts []I18nContentText `json:"i18nContentTexts,omitempty"`
	I18nLinkTexts    []I18nLinkText    `json:"i18nLinkTexts,omitempty"`
	QuickReply       *QuickReply       `json:"quickReply,omitempty"`
}

// Sticker is a "sticker" message (LINE basic sticker IDs, as strings).
type Sticker struct {
	PackageID  string      `json:"packageId"`
	StickerID  string      `json:"stickerId"`
	QuickReply *QuickReply `json:"quickReply,omitempty"`
}

// Location is a "location" message.
type Location struct {
	Title      string      `json:"title"`
	Address    string      `json:"address"`
	Latitude   float64     `json:"latitude"`
	Longitude  float64     `json:"longitude"`
	QuickReply *QuickReply `json:"quickReply,omitempty"`
}

// ButtonTemplate is a "button_template": a text and up to 10 buttons
// (message, uri and copy actions).
type ButtonTemplate struct {
	ContentText      string            `json:"contentText"`
	I18nContentTexts []I18nContentText `json:"i18nContentTexts,omitempty"`
	Actions          []Action          `json:"actions"`
	QuickReply       *QuickReply       `json:"quickReply,omitempty"`
}

// ListTemplate is a "list_template": an optional cover, up to 4 elements,
// and up to 2 rows of 2 buttons at the bottom.
type ListTemplate struct {
	CoverData  *ListCover    `json:"coverData,omitempty"`
	Elements   []ListElement `json:"elements"`
	Actions    [][]Action    `json:"actions,omitempty"`
	QuickReply *QuickReply   `json:"quickReply,omitempty"`
}

// ListCover is the header of a [ListTemplate]: BackgroundImageURL (PNG,
// HTTPS) or BackgroundFileID, a title and a subtitle.
type ListCover struct {
	BackgroundImageURL string `json:"backgroundImageUrl,omitempty"`
	BackgroundFileID   string `json:"backgroundFileId,omitempty"`
	Title              string `json:"title,omitempty"`
	Subtitle           string `json:"subtitle,omitempty"`
}

// ListElement is one row of a [ListTemplate]. Action is sent as a single
// action object.
type ListElement struct {
	Title              string `json:"title"`
	Subtitle           string `json:"subtitle,omitempty"`
	OriginalContentURL string `json:"originalContentUrl,omitempty"`
	FileID             string `json:"fileId,omitempty"`
	Action             Action `json:"action,omitempty"`
}

// Image aspect ratios and sizes of a [Carousel].
const (
	AspectRectangle = "rectangle"
	AspectSquare    = "square"
	SizeCover       = "cover"
	SizeContain     = "contain"
)

// Carousel is a "carousel" of up to 10 columns. Every column must have the
// same number of actions (1 to 3), and either all or none have an image,
// and all or none a title.
type Carousel struct {
	ImageAspectRatio string           `json:"imageAspectRatio,omitempty"`
	ImageSize        string           `json:"imageSize,omitempty"`
	Columns          []CarouselColumn `json:"columns"`
	QuickReply       *QuickReply      `json:"quickReply,omitempty"`
}

// CarouselColumn is one card of a [Carousel].
type CarouselColumn struct {
	OriginalContentURL string   `json:"originalContentUrl,omitempty"`
	FileID             string   `json:"fileId,omitempty"`
	Title              string   `json:"title,omitempty"`
	Text               string   `json:"text"`
	DefaultAction      Action   `json:"defaultAction,omitempty"`
	Actions            []Action `json:"actions"`
}

// ImageCarousel is an "image_carousel" of up to 10 images.
type ImageCarousel struct {
	Columns    []ImageColumn `json:"columns"`
	QuickReply *QuickReply   `json:"quickReply,omitempty"`
}

// ImageColumn is one image of an [ImageCarousel]: OriginalContentURL (PNG,
// HTTPS) or FileID, and an optional action (labels up to 12 characters).
type ImageColumn struct {
	OriginalContentURL string `json:"originalContentUrl,omitempty"`
	FileID             string `json:"fileId,omitempty"`
	Action             Action `json:"action,omitempty"`
}

// Flex is a "flex" (Flexible Template) message. Contents is the bubble or
// carousel container as raw JSON, in the LINE-Flex-like format NAVER WORKS
// documents; it is sent as is.
type Flex struct {
	AltText     string          `json:"altText"`
	I18nAltText []I18nAltText   `json:"i18nAltTexts,omitempty"`
	Contents    json.RawMessage `json:"contents"`
	QuickReply  *QuickReply     `json:"quickReply,omitempty"`
}

// RawContent sends JSON as the content exactly as given: the escape hatch
// for fields and types this package does not model. It must be a JSON
// object with a "type".
type RawContent struct {
	JSON json.RawMessage
}

// Type returns "text".
func (*Text) Type() string { return "text" }

// Type returns "image".
func (*Image) Type() string { return "image" }

// Type returns "file".
func (*File) Type() string { return "file" }

// Type returns "audio".
func (*Audio) Type() string { return "audio" }

// Type returns "video".
func (*Video) Type() string { return "video" }

// Type returns "link".
func (*Link) Type() string { return "link" }

// Type returns "sticker".
func (*Sticker) Type() string { return "sticker" }

// Type returns "location".
func (*Location) Type() string { return "location" }

// Type returns "button_template".
func (*ButtonTemplate) Type() string { return "button_template" }

// Type returns "list_template".
func (*ListTemplate) Type() string { return "list_template" }

// Type returns "carousel".
func (*Carousel) Type() string { return "carousel" }

// Type returns "image_carousel".
func (*ImageCarousel) Type() string { return "image_carousel" }

// Type returns "flex".
func (*Flex) Type() string { return "flex" }

// Type returns the "type" of the raw JSON, or "" if it has none.
func (c *RawContent) Type() string {
	var v struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(c.JSON, &v)
	return v.Type
}

func (*Text) isContent()           {}
func (*Image) isContent()          {}
func (*File) isContent()           {}
func (*Audio) isContent()          {}
func (*Video) isContent()          {}
func (*Link) isContent()           {}
func (*Sticker) isContent()        {}
func (*Location) isContent()       {}
func (*ButtonTemplate) isContent() {}
func (*ListTemplate) isContent()   {}
func (*Carousel) isContent()       {}
func (*ImageCarousel) isContent()  {}
func (*Flex) isContent()           {}
func (*RawContent) isContent()     {}

// MarshalJSON writes the content with "type": "text".
func (c *Text) MarshalJSON() ([]byte, error) {
	type plain Text
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON writes the content with "type": "image".
func (c *Image) MarshalJSON() ([]byte, error) {
	type plain Image
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON writes the content with "type": "file".
func (c *File) MarshalJSON() ([]byte, error) {
	type plain File
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON writes the content with "type": "audio".
func (c *Audio) MarshalJSON() ([]byte, error) {
	type plain Audio
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON writes the content with "type": "video".
func (c *Video) MarshalJSON() ([]byte, error) {
	type plain Video
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON writes the content with "type": "link".
func (c *Link) MarshalJSON() ([]byte, error) {
	type plain Link
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON writes the content with "type": "sticker".
func (c *Sticker) MarshalJSON() ([]byte, error) {
	type plain Sticker
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON writes the content with "type": "location".
func (c *Location) MarshalJSON() ([]byte, error) {
	type plain Location
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON writes the content with "type": "button_template".
func (c *ButtonTemplate) MarshalJSON() ([]byte, error) {
	type plain ButtonTemplate
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON writes the content with "type": "list_template".
func (c *ListTemplate) MarshalJSON() ([]byte, error) {
	type plain ListTemplate
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON writes the content with "type": "carousel".
func (c *Carousel) MarshalJSON() ([]byte, error) {
	type plain Carousel
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON writes the content with "type": "image_carousel".
func (c *ImageCarousel) MarshalJSON() ([]byte, error) {
	type plain ImageCarousel
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON writes the content with "type": "flex".
func (c *Flex) MarshalJSON() ([]byte, error) {
	type plain Flex
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{c.Type(), (*plain)(c)})
}

// MarshalJSON returns the raw JSON unchanged.
func (c *RawContent) MarshalJSON() ([]byte, error) {
	if !json.Valid(c.JSON) {
		return nil, errors.New("naverworks: RawContent holds invalid JSON")
	}
	return c.JSON, nil
}
