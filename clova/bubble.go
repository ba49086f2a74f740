package clova

import (
	"encoding/json"
	"strings"

	"github.com/channelkit/channelkit/internal/wire"
)

// Bubble is one component of a CLOVA Chatbot answer. The concrete types are
// *TextBubble, *ImageBubble, *ButtonBubble, *TemplateBubble,
// *CarouselBubble and *UnknownBubble (Flex components and anything newer,
// kept raw).
//
//sumtype:decl
type Bubble interface {
	// BubbleType returns the wire "type".
	BubbleType() string
	isBubble()
}

// Bubble types.
const (
	BubbleText     = "text"
	BubbleImage    = "image"
	BubbleButton   = "button"
	BubbleTemplate = "template"
	BubbleCarousel = "carousel"
)

// BubbleExtras are the fields any component may carry besides its own.
type BubbleExtras struct {
	// Information holds key/value facts about the answer (chatType, score,
	// scenarioName, matchingType, domainCode…).
	Information []Information `json:"information,omitempty"`
	// Context is the raw "context" array.
	Context json.RawMessage `json:"context,omitempty"`
	// QuickButtons are suggestion buttons shown under the bubble. Their
	// placement at the bubble's top level is not confirmed by the public
	// documentation; they are read from there when present.
	QuickButtons []*ButtonBubble `json:"quickButtons,omitempty"`
}

// Information is one key/value fact of a bubble. Value is text even when
// the chatbot sends a number (score); the original JSON is re-sent as is
// while Value is unchanged.
type Information struct {
	Key   string
	Value string
	raw   json.RawMessage // value as received
}

type informationWire struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

// UnmarshalJSON accepts a value that is a string, a number or null.
func (i *Information) UnmarshalJSON(b []byte) error {
	var w informationWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*i = Information{Key: w.Key, Value: flexCode(w.Value), raw: w.Value}
	return nil
}

// Equal reports whether i and o have the same key and value (go-cmp uses
// it; the raw form kept for re-encoding is not compared).
func (i Information) Equal(o Information) bool { return i.Key == o.Key && i.Value == o.Value }

// MarshalJSON writes the value as it was received, unless Value changed.
func (i Information) MarshalJSON() ([]byte, error) {
	w := informationWire{Key: i.Key, Value: i.raw}
	if len(i.raw) == 0 || flexCode(i.raw) != i.Value {
		b, err := json.Marshal(i.Value)
		if err != nil {
			return nil, err
		}
		w.Value = b
	}
	return json.Marshal(w)
}

// TextBubble is the Text component.
type TextBubble struct {
	Title    string   `json:"title,omitempty"`
	SubTitle string   `json:"subTitle,omitempty"`
	Data     TextData `json:"data"`
	BubbleExtras
}

// TextData is a Text component's data.
type TextData struct {
	Description string         `json:"description,omitempty"`
	URL         string         `json:"url,omitempty"`
	URLAlias    string         `json:"urlAlias,omitempty"`
	Action      *ChatbotAction `json:"action,omitempty"`
}

// ImageBubble is the Image component.
type ImageBubble struct {
	Title    string    `json:"title,omitempty"`
	SubTitle string    `json:"subTitle,omitempty"`
	Data     ImageData `json:"data"`
	BubbleExtras
}

// ImageData is an Image component's data.
type ImageData struct {
	ImageURL string `json:"imageUrl"`
	// ImagePosition is "top" or "bottom".
	ImagePosition string         `json:"imagePosition,omitempty"`
	Description   string         `json:"description,omitempty"`
	URL           string         `json:"url,omitempty"`
	URLAlias      string         `json:"urlAlias,omitempty"`
	Action        *ChatbotAction `json:"action,omitempty"`
}

// ButtonBubble is the Button component: in a template's content table, as
// a quick button, or alone.
type ButtonBubble struct {
	Title string     `json:"title,omitempty"`
	Data  ButtonData `json:"data"`
	BubbleExtras
}

// ButtonData is a Button component's data.
type ButtonData struct {
	// Type is "basic", "image" or "text".
	Type     string         `json:"type,omitempty"`
	ImageURL string         `json:"imageUrl,omitempty"`
	Action   *ChatbotAction `json:"action,omitempty"`
}

// TemplateBubble is the Template composite component: a cover (a text or
// image bubble) over a table of buttons.
type TemplateBubble struct {
	Title string       `json:"title,omitempty"`
	Data  TemplateData `json:"data"`
	BubbleExtras
}

// TemplateData is a template's data.
type TemplateData struct {
	// Cover is a *TextBubble or *ImageBubble (or any bubble), nil if absent.
	Cover Bubble
	// ContentTable is rows of cells, each normally holding a *ButtonBubble.
	ContentTable [][]TableCell
}

// TableCell is one cell of a template's content table.
type TableCell struct {
	ColSpan int    `json:"colSpan"`
	RowSpan int    `json:"rowSpan"`
	Data    Bubble `json:"data"`
}

// CarouselBubble is the Carousel composite component.
type CarouselBubble struct {
	Data CarouselData `json:"data"`
	BubbleExtras
}

// CarouselData is a carousel's data.
type CarouselData struct {
	// Cards are normally *TemplateBubble or *ImageBubble values.
	Cards Bubbles `json:"cards"`
}

// UnknownBubble is a component this package does not model (Flex, or a
// type added later), or a known one whose shape did not decode. Raw holds
// its exact bytes; MarshalJSON returns them.
type UnknownBubble struct {
	Type string
	Raw  json.RawMessage
}

// BubbleType returns BubbleText.
func (*TextBubble) BubbleType() string { return BubbleText }

// BubbleType returns BubbleImage.
func (*ImageBubble) BubbleType() string { return BubbleImage }

// BubbleType returns BubbleButton.
func (*ButtonBubble) BubbleType() string { return BubbleButton }

// BubbleType returns BubbleTemplate.
func (*TemplateBubble) BubbleType() string { return BubbleTemplate }

// BubbleType returns BubbleCarousel.
func (*CarouselBubble) BubbleType() string { return BubbleCarousel }

// BubbleType returns the type the bubble arrived with.
func (b *UnknownBubble) BubbleType() string {
	return b.Type
}

func (*TextBubble) isBubble()     {}
func (*ImageBubble) isBubble()    {}
func (*ButtonBubble) isBubble()   {}
func (*TemplateBubble) isBubble() {}
func (*CarouselBubble) isBubble() {}
func (*UnknownBubble) isBubble()  {}

// MarshalJSON writes the bubble with its "type".
func (b TextBubble) MarshalJSON() ([]byte, error) {
	type plain TextBubble
	return json.Marshal(struct {
		Type string `json:"type"`
		plain
	}{BubbleText, plain(b)})
}

// MarshalJSON writes the bubble with its "type".
func (b *ImageBubble) MarshalJSON() ([]byte, error) {
	type plain ImageBubble
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{BubbleImage, (*plain)(b)})
}

// MarshalJSON writes the bubble with its "type".
func (b *ButtonBubble) MarshalJSON() ([]byte, error) {
	type plain ButtonBubble
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{BubbleButton, (*plain)(b)})
}

// MarshalJSON writes the bubble with its "type".
func (b *TemplateBubble) MarshalJSON() ([]byte, error) {
	type plain TemplateBubble
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{BubbleTemplate, (*plain)(b)})
}

// MarshalJSON writes the bubble with its "type".
func (b *CarouselBubble) MarshalJSON() ([]byte, error) {
	type plain CarouselBubble
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{BubbleCarousel, (*plain)(b)})
}

// MarshalJSON returns Raw unchanged.
func (b *UnknownBubble) MarshalJSON() ([]byte, error) {
	if len(b.Raw) == 0 {
		return []byte("null"), nil
	}
	return b.Raw, nil
}

type templateDataWire struct {
	Cover        json.RawMessage   `json:"cover,omitempty"`
	ContentTable [][]tableCellWire `json:"contentTable"`
}

type tableCellWire struct {
	ColSpan int             `json:"colSpan"`
	RowSpan int             `json:"rowSpan"`
	Data    json.RawMessage `json:"data"`
}

// MarshalJSON writes cover and contentTable.
func (d TemplateData) MarshalJSON() ([]byte, error) {
	type cell struct {
		ColSpan int    `json:"colSpan"`
		RowSpan int    `json:"rowSpan"`
		Data    Bubble `json:"data"`
	}
	var table any // nil (absent) stays absent; an empty table stays []
	if d.ContentTable != nil {
		t := make([][]cell, len(d.ContentTable))
		for i, row := range d.ContentTable {
			t[i] = make([]cell, len(row))
			for j, c := range row {
				t[i][j] = cell(c)
			}
		}
		table = t
	}
	return json.Marshal(struct {
		Cover        Bubble `json:"cover,omitempty"`
		ContentTable any    `json:"contentTable,omitempty"`
	}{d.Cover, table})
}

// UnmarshalJSON decodes the cover and cells as bubbles.
func (d *TemplateData) UnmarshalJSON(b []byte) error {
	var w templateDataWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = TemplateData{}
	if !wire.IsNull(w.Cover) {
		d.Cover = decodeBubble(w.Cover)
	}
	if w.ContentTable != nil {
		d.ContentTable = make([][]TableCell, len(w.ContentTable))
	}
	for i, row := range w.ContentTable {
		d.ContentTable[i] = make([]TableCell, len(row))
		for j, c := range row {
			d.ContentTable[i][j] = TableCell{ColSpan: c.ColSpan, RowSpan: c.RowSpan}
			if !wire.IsNull(c.Data) {
				d.ContentTable[i][j].Data = decodeBubble(c.Data)
			}
		}
	}
	return nil
}

// Bubbles is a list of bubbles that decodes each element by its type.
type Bubbles []Bubble

// UnmarshalJSON decodes every element; one that does not decode becomes an
// *UnknownBubble rather than failing the whole answer.
func (bs *Bubbles) UnmarshalJSON(b []byte) error {
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return err
	}
	if raws == nil {
		*bs = nil
		return nil
	}
	out := make(Bubbles, len(raws))
	for i, r := range raws {
		out[i] = decodeBubble(r)
	}
	*bs = out
	return nil
}

// decodeBubble decodes one bubble by its type, keeping it raw when the type
// is unknown or the shape does not fit.
func decodeBubble(raw json.RawMessage) Bubble {
	typ, _, err := wire.Peek(raw, "type")
	unknown := &UnknownBubble{Type: typ, Raw: raw}
	if err != nil {
		return unknown
	}
	var (
		b   Bubble
		dst any
	)
	switch strings.TrimSpace(typ) {
	case BubbleText:
		v := new(TextBubble)
		b, dst = v, v
	case BubbleImage:
		v := new(ImageBubble)
		b, dst = v, (*imagePlain)(v)
	case BubbleButton:
		v := new(ButtonBubble)
		b, dst = v, (*buttonPlain)(v)
	case BubbleTemplate:
		v := new(TemplateBubble)
		b, dst = v, (*templatePlain)(v)
	case BubbleCarousel:
		v := new(CarouselBubble)
		b, dst = v, (*carouselPlain)(v)
	default:
		return unknown
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return unknown
	}
	return b
}

// Plain aliases decode without the MarshalJSON methods getting in the way.
type (
	imagePlain    ImageBubble
	buttonPlain   ButtonBubble
	templatePlain TemplateBubble
	carouselPlain CarouselBubble
)
