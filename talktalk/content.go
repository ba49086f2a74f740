package talktalk

import (
	"encoding/json"

	"github.com/channelkit/channelkit/internal/wire"
)

// ContentKind names the content a [Content] holds.
type ContentKind string

// The content kinds. KindNone means no content key is set; KindMixed means
// more than one is (real echo events do that).
const (
	KindNone      ContentKind = ""
	KindText      ContentKind = "textContent"
	KindImage     ContentKind = "imageContent"
	KindComposite ContentKind = "compositeContent"
	KindFile      ContentKind = "fileContent"
	KindMixed     ContentKind = "mixed"
)

// Content is the key-presence union of send and echo events: one pointer
// per wire key. An outbound event sets exactly one of Text, Image and
// Composite; inbound events may carry File (echo only) or, on echoes,
// several at once.
type Content struct {
	Text      *TextContent      `json:"textContent,omitempty"`
	Image     *ImageContent     `json:"imageContent,omitempty"`
	Composite *CompositeContent `json:"compositeContent,omitempty"`
	// File arrives only on echo events of files an agent sent from
	// mobile; it is undocumented and never sent.
	File *FileContent `json:"fileContent,omitempty"`
}

// Kind reports which content is set.
func (c *Content) Kind() ContentKind {
	k, n := KindNone, 0
	if c.Text != nil {
		k, n = KindText, n+1
	}
	if c.Image != nil {
		k, n = KindImage, n+1
	}
	if c.Composite != nil {
		k, n = KindComposite, n+1
	}
	if c.File != nil {
		k, n = KindFile, n+1
	}
	if n > 1 {
		return KindMixed
	}
	return k
}

// Validate checks the content against the send API's rules and limits.
func (c *Content) Validate() error {
	var v validator
	v.content(pth{}, c)
	return v.err()
}

// Input types of inbound text. The list is open: compare with these but
// expect others.
const (
	InputTyping       = "typing"
	InputButton       = "button"
	InputSticker      = "sticker"
	InputVPhone       = "vphone"
	InputProduct      = "product"
	InputTime         = "time"
	InputCalendar     = "calendar"
	InputTimeInterval = "timeInterval"
)

// TextContent is a text message.
type TextContent struct {
	// Text is required outbound ([Validate] rejects an empty one). An
	// empty Text is left out of the JSON, as TalkTalk leaves it out: the
	// echo of a file an agent sent carries "textContent":{}.
	Text string `json:"text,omitempty"`
	// Code is the code of the TEXT button the user pressed (inbound); it is
	// not shown in the chat.
	Code string `json:"code,omitempty"`
	// InputType says how the user produced the text (inbound only); see
	// the Input constants.
	InputType  string      `json:"inputType,omitempty"`
	QuickReply *QuickReply `json:"quickReply,omitempty"`
}

// ImageContent is an image, by public URL or by an ID from
// [Client.UploadImage]. Set exactly one of ImageURL and ImageID.
type ImageContent struct {
	ImageURL string `json:"imageUrl,omitempty"`
	ImageID  string `json:"imageId,omitempty"`
	// Width and Height are observed on inbound images, as strings.
	Width      FlexString  `json:"width,omitempty"`
	Height     FlexString  `json:"height,omitempty"`
	QuickReply *QuickReply `json:"quickReply,omitempty"`
}

// FileContent is a file an agent sent (inbound echo only).
type FileContent struct {
	DownloadURL string `json:"downloadUrl,omitempty"`
	FileName    string `json:"fileName,omitempty"`
	ExpireDate  string `json:"expireDate,omitempty"`
}

// CompositeContent is one card, or a carousel of up to 10.
type CompositeContent struct {
	CompositeList []Composite `json:"compositeList"`
	QuickReply    *QuickReply `json:"quickReply,omitempty"`
}

// Composite is one card. It needs at least one of Title, Description and
// ElementList, and at least two of Title, Description, ElementList, Image
// and ButtonList.
type Composite struct {
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	Image       *Image       `json:"image,omitempty"`
	ElementList *ElementList `json:"elementList,omitempty"`
	ButtonList  ButtonList   `json:"buttonList,omitempty"`
}

// Image is a composite or element image: set exactly one field.
type Image struct {
	ImageURL string `json:"imageUrl,omitempty"`
	ImageID  string `json:"imageId,omitempty"`
}

// ElementList is a list of up to three rows inside a composite. Its wire
// "type" is always "LIST" and is written by MarshalJSON.
type ElementList struct {
	Data []ElementData
}

type elementListWire struct {
	Type string        `json:"type"`
	Data []ElementData `json:"data"`
}

// MarshalJSON writes {"type":"LIST","data":[…]}.
func (l ElementList) MarshalJSON() ([]byte, error) {
	return json.Marshal(elementListWire{"LIST", l.Data})
}

// UnmarshalJSON reads the data rows.
func (l *ElementList) UnmarshalJSON(b []byte) error {
	var w elementListWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	l.Data = w.Data
	return nil
}

// ElementData is one row of an [ElementList]. Button may only be a
// *TextButton or a *LinkButton.
type ElementData struct {
	Title          string `json:"title"`
	Description    string `json:"description,omitempty"`
	SubDescription string `json:"subDescription,omitempty"`
	Image          *Image `json:"image,omitempty"`
	Button         Button `json:"button,omitempty"`
}

// UnmarshalJSON decodes the button union.
func (d *ElementData) UnmarshalJSON(b []byte) error {
	type plain ElementData
	var aux struct {
		*plain
		Button json.RawMessage `json:"button"`
	}
	*d = ElementData{}
	aux.plain = (*plain)(d)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	if !wire.IsNull(aux.Button) {
		btn, err := decodeButton(aux.Button)
		if err != nil {
			return err
		}
		d.Button = btn
	}
	return nil
}

// QuickReply is a row of one-shot buttons under a message: TEXT, LINK,
// PAY or UI-component buttons, titles at most 10 characters.
type QuickReply struct {
	ButtonList ButtonList `json:"buttonList"`
}
