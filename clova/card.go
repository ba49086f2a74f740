package clova

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/channelkit/channelkit/internal/wire"
)

// Card is a content template for a device with a screen: what
// [ResponseBody].Card carries. The typed templates are [TextCard],
// [ImageTextCard], [ImageListCard] and [CardList]; [RawCard] sends any
// other template as is. Set one with [Response.SetCard]; read one back
// with [ResponseBody.DecodeCard].
//
// The templates are those of the CLOVA client's content-template
// reference, whose fields are objects of the form {"type": "string",
// "value": "…"}; the typed cards take plain strings and write that form.
// Which templates a CEK extension's response.card is shown with on each
// device is UNCONFIRMED: CEK's reference says only that a non-empty card
// is rendered as a template and an empty one shows the speech as text.
// Where the reference's field table and its own examples disagree on a
// name (referenceURL or referenceUrl; ImageList's list key), the
// examples' spelling is used.
//
//sumtype:decl
type Card interface {
	// Type is the template's "type": "Text", "ImageText", "ImageList",
	// "CardList", or a raw card's own.
	Type() string
	isCard()
}

// Content-template types.
const (
	CardTypeText      = "Text"
	CardTypeImageText = "ImageText"
	CardTypeImageList = "ImageList"
	CardTypeCardList  = "CardList"
)

// TextCard is the Text template: emphasised, paragraph or table text.
type TextCard struct {
	MainText      string
	SubText       string
	ParagraphText string
	SentenceText  string
	// HighlightText is shown emphasised; set HighlightIsNumber when it is
	// a number with separators ("1,119"), sent as a NumberObject.
	HighlightText     string
	HighlightIsNumber bool
	ImageURL          string
	BackgroundURL     string
	LinkURL           string
	ReferenceText     string
	ReferenceURL      string
	// Table is a table of two or three columns.
	Table []TableRow
}

// TableRow is one row of a [TextCard]'s table.
type TableRow struct {
	Item1 string
	Item2 string
	// Item2Link makes Item2 a link: a URL, or a phone number when
	// Item2IsPhone is set.
	Item2Link    string
	Item2IsPhone bool
	Item3        string
}

// ImageTextCard is the ImageText template: an image (a thumbnail or a
// map) with text.
type ImageTextCard struct {
	MainText    string
	SubTextList []string
	ImageURL    string
	// ThumbImageURL and ThumbImageType ("인물", "책", "앨범") show a
	// thumbnail.
	ThumbImageURL  string
	ThumbImageType string
	// LinkURL and AppLinkURL open a map on the web and in the map app.
	LinkURL       string
	AppLinkURL    string
	ReferenceText string
	ReferenceURL  string
}

// ImageListCard is the ImageList template: thumbnails, each opening a
// larger image.
type ImageListCard struct {
	Images []ImageListItem
}

// ImageListItem is one image of an [ImageListCard].
type ImageListItem struct {
	ImageTitle     string
	ImageURL       string
	ThumbImageURL  string
	ImageReference string
	ReferenceText  string
	ReferenceURL   string
}

// CardList is the CardList template: a list of content cards.
type CardList struct {
	// SubType is "Type4" for news cards; the reference sends "" for the
	// other three kinds, which the client tells apart by their fields.
	SubType string
	Cards   []ListCard
}

// ListCard is one card of a [CardList].
type ListCard struct {
	Title         string
	Description   []string
	ImageURL      string
	LinkURL       string
	VideoURL      string
	Press         string
	PressIconURL  string
	PublishDate   string // YYYY-MM-DD
	ReferenceText string
	ReferenceURL  string
}

// RawCard is a content template this package has no type for, as its
// exact JSON (an object with a "type"). It is sent unchanged.
type RawCard json.RawMessage

func (*TextCard) isCard()      {}
func (*ImageTextCard) isCard() {}
func (*ImageListCard) isCard() {}
func (*CardList) isCard()      {}
func (*RawCard) isCard()       {}

// Type returns CardTypeText.
func (*TextCard) Type() string { return CardTypeText }

// Type returns CardTypeImageText.
func (*ImageTextCard) Type() string { return CardTypeImageText }

// Type returns CardTypeImageList.
func (*ImageListCard) Type() string { return CardTypeImageList }

// Type returns CardTypeCardList.
func (*CardList) Type() string { return CardTypeCardList }

// Type returns the raw template's "type", or "" when it has none.
func (c *RawCard) Type() string {
	t, _, _ := wire.Peek(*c, "type")
	return t
}

// tv is a content template's typed value: {"type": …, "value": …}. Value
// is a JSON string or number on the wire (NumberObject and
// PercentageObject values may be either); it is kept as text.
type tv struct {
	Type  string          `json:"type"`
	Value wire.FlexString `json:"value"`
}

func obj(typ, v string) *tv {
	if v == "" {
		return nil
	}
	return &tv{Type: typ, Value: wire.FlexString(v)}
}

func str(v string) *tv    { return obj("string", v) }
func urlObj(v string) *tv { return obj("url", v) }

func (o *tv) get() string {
	if o == nil {
		return ""
	}
	return string(o.Value)
}

type textCardWire struct {
	Type          string       `json:"type"`
	MainText      *tv          `json:"mainText,omitempty"`
	SubText       *tv          `json:"subText,omitempty"`
	ParagraphText *tv          `json:"paragraphText,omitempty"`
	SentenceText  *tv          `json:"sentenceText,omitempty"`
	HighlightText *tv          `json:"highlightText,omitempty"`
	ImageURL      *tv          `json:"imageUrl,omitempty"`
	BgURL         *tv          `json:"bgUrl,omitempty"`
	LinkURL       *tv          `json:"linkUrl,omitempty"`
	ReferenceText *tv          `json:"referenceText,omitempty"`
	ReferenceURL  *tv          `json:"referenceUrl,omitempty"`
	TableList     []tableRowIO `json:"tableList,omitempty"`
}

type tableRowIO struct {
	Item1     *tv `json:"item1,omitempty"`
	Item2     *tv `json:"item2,omitempty"`
	Item2Link *tv `json:"item2Link,omitempty"`
	Item3     *tv `json:"item3,omitempty"`
}

// MarshalJSON writes the Text template.
func (c *TextCard) MarshalJSON() ([]byte, error) {
	w := textCardWire{
		Type: CardTypeText, MainText: str(c.MainText), SubText: str(c.SubText),
		ParagraphText: str(c.ParagraphText), SentenceText: str(c.SentenceText),
		ImageURL: urlObj(c.ImageURL), BgURL: urlObj(c.BackgroundURL), LinkURL: urlObj(c.LinkURL),
		ReferenceText: str(c.ReferenceText), ReferenceURL: urlObj(c.ReferenceURL),
	}
	w.HighlightText = str(c.HighlightText)
	if c.HighlightIsNumber {
		w.HighlightText = obj("number", c.HighlightText)
	}
	for _, r := range c.Table {
		row := tableRowIO{Item1: str(r.Item1), Item2: str(r.Item2), Item3: str(r.Item3), Item2Link: urlObj(r.Item2Link)}
		if r.Item2IsPhone {
			row.Item2Link = obj("phoneNum", r.Item2Link)
		}
		w.TableList = append(w.TableList, row)
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the Text template.
func (c *TextCard) UnmarshalJSON(b []byte) error {
	var w textCardWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = TextCard{
		MainText: w.MainText.get(), SubText: w.SubText.get(), ParagraphText: w.ParagraphText.get(),
		SentenceText: w.SentenceText.get(), HighlightText: w.HighlightText.get(),
		HighlightIsNumber: w.HighlightText.get() != "" && w.HighlightText.Type == "number",
		ImageURL:          w.ImageURL.get(), BackgroundURL: w.BgURL.get(), LinkURL: w.LinkURL.get(),
		ReferenceText: w.ReferenceText.get(), ReferenceURL: w.ReferenceURL.get(),
	}
	for _, r := range w.TableList {
		c.Table = append(c.Table, TableRow{
			Item1: r.Item1.get(), Item2: r.Item2.get(), Item3: r.Item3.get(), Item2Link: r.Item2Link.get(),
			Item2IsPhone: r.Item2Link.get() != "" && r.Item2Link.Type == "phoneNum",
		})
	}
	return nil
}

type imageTextWire struct {
	Type           string `json:"type"`
	MainText       *tv    `json:"mainText,omitempty"`
	SubTextList    []*tv  `json:"subTextList,omitempty"`
	ImageURL       *tv    `json:"imageUrl,omitempty"`
	ThumbImageURL  *tv    `json:"thumbImageUrl,omitempty"`
	ThumbImageType *tv    `json:"thumbImageType,omitempty"`
	LinkURL        *tv    `json:"linkUrl,omitempty"`
	AppLinkURL     *tv    `json:"appLinkUrl,omitempty"`
	ReferenceText  *tv    `json:"referenceText,omitempty"`
	ReferenceURL   *tv    `json:"referenceUrl,omitempty"`
}

// MarshalJSON writes the ImageText template.
func (c *ImageTextCard) MarshalJSON() ([]byte, error) {
	w := imageTextWire{
		Type: CardTypeImageText, MainText: str(c.MainText), ImageURL: urlObj(c.ImageURL),
		ThumbImageURL: urlObj(c.ThumbImageURL), ThumbImageType: str(c.ThumbImageType),
		LinkURL: urlObj(c.LinkURL), AppLinkURL: urlObj(c.AppLinkURL),
		ReferenceText: str(c.ReferenceText), ReferenceURL: urlObj(c.ReferenceURL),
	}
	for _, s := range c.SubTextList {
		w.SubTextList = append(w.SubTextList, &tv{Type: "string", Value: wire.FlexString(s)})
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the ImageText template.
func (c *ImageTextCard) UnmarshalJSON(b []byte) error {
	var w imageTextWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = ImageTextCard{
		MainText: w.MainText.get(), ImageURL: w.ImageURL.get(), ThumbImageURL: w.ThumbImageURL.get(),
		ThumbImageType: w.ThumbImageType.get(), LinkURL: w.LinkURL.get(), AppLinkURL: w.AppLinkURL.get(),
		ReferenceText: w.ReferenceText.get(), ReferenceURL: w.ReferenceURL.get(),
	}
	for _, s := range w.SubTextList {
		c.SubTextList = append(c.SubTextList, s.get())
	}
	return nil
}

type imageItemWire struct {
	ImageTitle     *tv `json:"imageTitle,omitempty"`
	ImageURL       *tv `json:"imageUrl,omitempty"`
	ThumbImageURL  *tv `json:"thumbImageUrl,omitempty"`
	ImageReference *tv `json:"imageReference,omitempty"`
	ReferenceText  *tv `json:"referenceText,omitempty"`
	ReferenceURL   *tv `json:"referenceUrl,omitempty"`
}

type imageListWire struct {
	Type string `json:"type"`
	// The reference's example names the list thumbImageUrlList; its field
	// table says ImageList. Both are read; the example's name is written.
	Thumbs []imageItemWire `json:"thumbImageUrlList,omitempty"`
	Images []imageItemWire `json:"ImageList,omitempty"`
}

// MarshalJSON writes the ImageList template.
func (c *ImageListCard) MarshalJSON() ([]byte, error) {
	w := imageListWire{Type: CardTypeImageList, Thumbs: []imageItemWire{}}
	for _, it := range c.Images {
		w.Thumbs = append(w.Thumbs, imageItemWire{
			ImageTitle: str(it.ImageTitle), ImageURL: urlObj(it.ImageURL), ThumbImageURL: urlObj(it.ThumbImageURL),
			ImageReference: str(it.ImageReference), ReferenceText: str(it.ReferenceText), ReferenceURL: urlObj(it.ReferenceURL),
		})
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the ImageList template.
func (c *ImageListCard) UnmarshalJSON(b []byte) error {
	var w imageListWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = ImageListCard{}
	for _, it := range append(w.Thumbs, w.Images...) {
		c.Images = append(c.Images, ImageListItem{
			ImageTitle: it.ImageTitle.get(), ImageURL: it.ImageURL.get(), ThumbImageURL: it.ThumbImageURL.get(),
			ImageReference: it.ImageReference.get(), ReferenceText: it.ReferenceText.get(), ReferenceURL: it.ReferenceURL.get(),
		})
	}
	return nil
}

type listCardWire struct {
	Title         *tv   `json:"title,omitempty"`
	Description   []*tv `json:"description,omitempty"`
	ImageURL      *tv   `json:"imageUrl,omitempty"`
	LinkURL       *tv   `json:"linkUrl,omitempty"`
	VideoURL      *tv   `json:"videoUrl,omitempty"`
	Press         *tv   `json:"press,omitempty"`
	PressIconURL  *tv   `json:"pressIconUrl,omitempty"`
	PublishDate   *tv   `json:"publishDate,omitempty"`
	ReferenceText *tv   `json:"referenceText,omitempty"`
	ReferenceURL  *tv   `json:"referenceUrl,omitempty"`
}

type cardListWire struct {
	Type     string         `json:"type"`
	SubType  string         `json:"subType"`
	CardList []listCardWire `json:"cardList"`
}

// MarshalJSON writes the CardList template.
func (c *CardList) MarshalJSON() ([]byte, error) {
	w := cardListWire{Type: CardTypeCardList, SubType: c.SubType, CardList: []listCardWire{}}
	for _, lc := range c.Cards {
		lw := listCardWire{
			Title: str(lc.Title), ImageURL: urlObj(lc.ImageURL), LinkURL: urlObj(lc.LinkURL), VideoURL: urlObj(lc.VideoURL),
			Press: str(lc.Press), PressIconURL: urlObj(lc.PressIconURL), PublishDate: obj("date", lc.PublishDate),
			ReferenceText: str(lc.ReferenceText), ReferenceURL: urlObj(lc.ReferenceURL),
		}
		for _, d := range lc.Description {
			lw.Description = append(lw.Description, &tv{Type: "string", Value: wire.FlexString(d)})
		}
		w.CardList = append(w.CardList, lw)
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the CardList template.
func (c *CardList) UnmarshalJSON(b []byte) error {
	var w cardListWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = CardList{SubType: w.SubType}
	for _, lw := range w.CardList {
		lc := ListCard{
			Title: lw.Title.get(), ImageURL: lw.ImageURL.get(), LinkURL: lw.LinkURL.get(), VideoURL: lw.VideoURL.get(),
			Press: lw.Press.get(), PressIconURL: lw.PressIconURL.get(), PublishDate: lw.PublishDate.get(),
			ReferenceText: lw.ReferenceText.get(), ReferenceURL: lw.ReferenceURL.get(),
		}
		for _, d := range lw.Description {
			lc.Description = append(lc.Description, d.get())
		}
		c.Cards = append(c.Cards, lc)
	}
	return nil
}

// MarshalJSON returns the raw card unchanged (null when empty).
func (c *RawCard) MarshalJSON() ([]byte, error) {
	if len(*c) == 0 {
		return []byte("null"), nil
	}
	return *c, nil
}

// UnmarshalJSON keeps a copy of b.
func (c *RawCard) UnmarshalJSON(b []byte) error {
	*c = append((*c)[:0], b...)
	return nil
}

// DecodeCard reads a content template: a [TextCard], [ImageTextCard],
// [ImageListCard] or [CardList] by its "type", a [RawCard] holding the
// exact bytes for any other type, and nil for null, absent or {} (no
// card). A body that is not a JSON object, or a known template whose
// fields do not decode, is an error wrapping [ErrMalformed].
func DecodeCard(b []byte) (Card, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || wire.IsNull(b) || isEmptyObject(b) {
		return nil, nil
	}
	if b[0] != '{' {
		return nil, malformedCard(fmt.Errorf("a card is a JSON object"))
	}
	typ, _, err := wire.Peek(b, "type")
	if err != nil {
		return nil, malformedCard(wire.JSONError(err))
	}
	var c Card
	switch typ {
	case CardTypeText:
		c = new(TextCard)
	case CardTypeImageText:
		c = new(ImageTextCard)
	case CardTypeImageList:
		c = new(ImageListCard)
	case CardTypeCardList:
		c = new(CardList)
	default:
		if !json.Valid(b) {
			return nil, malformedCard(fmt.Errorf("invalid JSON"))
		}
		raw := RawCard(bytes.Clone(b))
		return &raw, nil
	}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, malformedCard(fmt.Errorf("%s template: %w", typ, wire.JSONError(err)))
	}
	return c, nil
}

func malformedCard(err error) error {
	return fmt.Errorf("clova: card: %w: %w", ErrMalformed, err)
}

// SetCard encodes c as the response's card. A nil c clears it (the speech
// is shown as text); a [RawCard] that is not a JSON object with a string
// "type" is an [*ArgumentError].
func (r *Response) SetCard(c Card) error {
	if c == nil {
		r.Response.Card = nil
		return nil
	}
	if raw, ok := c.(*RawCard); ok {
		b := bytes.TrimSpace(*raw)
		if len(b) == 0 || b[0] != '{' || !json.Valid(b) {
			return argError("SetCard", "c", "a raw card must be a JSON object")
		}
		if t, _, err := wire.Peek(b, "type"); err != nil || t == "" {
			return argError("SetCard", "c", `a raw card needs a string "type"`)
		}
	}
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("clova: encoding the card: %w", err)
	}
	r.Response.Card = b
	return nil
}

// DecodeCard reads the body's card with [DecodeCard]: nil when there is
// none.
func (b ResponseBody) DecodeCard() (Card, error) { return DecodeCard(b.Card) }
