package kakao

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/channelkit/channelkit/internal/wire"
)

// Version is the skill response format channelkit writes. Kakao treats a
// response without it as the retired v1 format.
const Version = "2.0"

// Response is a SkillResponse. Its JSON always carries "version": "2.0";
// everything else is optional, but a response needs at least a template,
// a context, data or useCallback to mean anything ([Response.Validate]
// says so).
type Response struct {
	Template *Template
	Context  *ContextControl
	// Data holds values a block's response can show as webhook.<key>.
	Data map[string]any
	// UseCallback answers an AI-chatbot block "wait for my callback"; see
	// [WithCallback], which sets it for you.
	UseCallback bool
}

type wireResponse struct {
	Version     string          `json:"version"`
	Template    *Template       `json:"template,omitempty"`
	Context     *ContextControl `json:"context,omitempty"`
	Data        map[string]any  `json:"data,omitempty"`
	UseCallback bool            `json:"useCallback,omitempty"`
}

// MarshalJSON writes the response with "version": "2.0".
func (r Response) MarshalJSON() ([]byte, error) { return json.Marshal(r.wire()) }

func (r *Response) wire() wireResponse {
	return wireResponse{Version: Version, Template: r.Template, Context: r.Context, Data: r.Data, UseCallback: r.UseCallback}
}

// UnmarshalJSON decodes a response (as a callback endpoint or a test
// would). The version is not kept: MarshalJSON always writes 2.0.
func (r *Response) UnmarshalJSON(b []byte) error {
	var w wireResponse
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = Response{Template: w.Template, Context: w.Context, Data: w.Data, UseCallback: w.UseCallback}
	return nil
}

// NewResponse returns a response whose template shows outputs.
func NewResponse(outputs ...Output) *Response {
	return &Response{Template: &Template{Outputs: outputs}}
}

// Text returns a simpleText output.
func Text(text string) Output { return Output{SimpleText: &SimpleText{Text: text}} }

// Image returns a simpleImage output.
func Image(imageURL, altText string) Output {
	return Output{SimpleImage: &SimpleImage{ImageURL: imageURL, AltText: altText}}
}

// Template is the bubble: 1 to 3 outputs and up to 10 quick replies.
type Template struct {
	Outputs      []Output     `json:"outputs"`
	QuickReplies []QuickReply `json:"quickReplies,omitempty"`
}

// OutputKind names the variant of an [Output]: the JSON key that holds it.
type OutputKind string

// The output kinds.
const (
	KindNone         OutputKind = ""
	KindSimpleText   OutputKind = "simpleText"
	KindSimpleImage  OutputKind = "simpleImage"
	KindTextCard     OutputKind = "textCard"
	KindBasicCard    OutputKind = "basicCard"
	KindCommerceCard OutputKind = "commerceCard"
	KindListCard     OutputKind = "listCard"
	KindItemCard     OutputKind = "itemCard"
	KindCarousel     OutputKind = "carousel"
	// KindRaw is an output held as raw JSON: one decoded from a key
	// channelkit does not know, or one a caller wrote by hand.
	KindRaw OutputKind = "raw"
)

// Output is one component of template.outputs: a JSON object with exactly
// one key saying what it is. Set exactly one field. Raw is the escape
// hatch: when set (and nothing else is), it is written as is; decoding keeps
// an output with an unknown key there, byte for byte.
type Output struct {
	SimpleText   *SimpleText     `json:"simpleText,omitempty"`
	SimpleImage  *SimpleImage    `json:"simpleImage,omitempty"`
	TextCard     *TextCard       `json:"textCard,omitempty"`
	BasicCard    *BasicCard      `json:"basicCard,omitempty"`
	CommerceCard *CommerceCard   `json:"commerceCard,omitempty"`
	ListCard     *ListCard       `json:"listCard,omitempty"`
	ItemCard     *ItemCard       `json:"itemCard,omitempty"`
	Carousel     *Carousel       `json:"carousel,omitempty"`
	Raw          json.RawMessage `json:"-"`
}

// Kind reports which variant is set: the first one, in field order, if
// several are (Validate rejects that); KindRaw for Raw alone; KindNone for
// none.
func (o *Output) Kind() OutputKind {
	k, _, _ := o.kindCount()
	return k
}

// kindCount returns the first and second kinds set and how many are set,
// without allocating.
func (o *Output) kindCount() (first, second OutputKind, n int) {
	add := func(set bool, k OutputKind) {
		if set {
			switch n {
			case 0:
				first = k
			case 1:
				second = k
			}
			n++
		}
	}
	add(o.SimpleText != nil, KindSimpleText)
	add(o.SimpleImage != nil, KindSimpleImage)
	add(o.TextCard != nil, KindTextCard)
	add(o.BasicCard != nil, KindBasicCard)
	add(o.CommerceCard != nil, KindCommerceCard)
	add(o.ListCard != nil, KindListCard)
	add(o.ItemCard != nil, KindItemCard)
	add(o.Carousel != nil, KindCarousel)
	add(o.Raw != nil, KindRaw)
	return first, second, n
}

type outputAlias Output

func (o *Output) onlyRaw() bool {
	return o.SimpleText == nil && o.SimpleImage == nil && o.TextCard == nil && o.BasicCard == nil &&
		o.CommerceCard == nil && o.ListCard == nil && o.ItemCard == nil && o.Carousel == nil
}

// MarshalJSON writes the one set variant, or Raw.
func (o Output) MarshalJSON() ([]byte, error) {
	if o.Raw != nil && o.onlyRaw() {
		if !json.Valid(o.Raw) {
			return nil, errors.New("kakao: Output.Raw is not valid JSON")
		}
		return o.Raw, nil
	}
	return json.Marshal(outputAlias(o))
}

var knownOutputKeys = map[string]bool{
	"simpleText": true, "simpleImage": true, "textCard": true, "basicCard": true,
	"commerceCard": true, "listCard": true, "itemCard": true, "carousel": true,
}

// UnmarshalJSON decodes a component. An object whose single key is not a
// known kind, that has several keys, or that holds a carousel of an
// unknown card type is kept in Raw unchanged.
func (o *Output) UnmarshalJSON(b []byte) error {
	keys, err := wire.Keys(b)
	if err != nil {
		return err
	}
	*o = Output{}
	if len(keys) != 1 || !knownOutputKeys[keys[0]] {
		o.Raw = wire.Clone(b)
		return nil
	}
	var a outputAlias
	if err := json.Unmarshal(b, &a); err != nil {
		if errors.Is(err, errUnknownCarousel) {
			o.Raw = wire.Clone(b)
			return nil
		}
		return err
	}
	*o = Output(a)
	if o.Kind() == KindNone { // "simpleText": null
		o.Raw = wire.Clone(b)
	}
	return nil
}

// SimpleText is a text bubble. Text over 500 characters is folded behind
// a "전체 보기" button; 1000 is the limit.
type SimpleText struct {
	Text string `json:"text"`
}

// Output wraps t as an [Output].
func (t SimpleText) Output() Output { return Output{SimpleText: &t} }

// SimpleImage is an image bubble.
type SimpleImage struct {
	ImageURL string `json:"imageUrl"`
	AltText  string `json:"altText,omitempty"`
}

// Output wraps i as an [Output].
func (i SimpleImage) Output() Output { return Output{SimpleImage: &i} }

// ButtonLayout arranges a card's buttons.
type ButtonLayout string

// The button layouts. Vertical allows 3 buttons, horizontal 2.
const (
	LayoutVertical   ButtonLayout = "vertical"
	LayoutHorizontal ButtonLayout = "horizontal"
)

// TextCard is a card of text and buttons. It needs a title or a
// description.
type TextCard struct {
	Title        string       `json:"title,omitempty"`
	Description  string       `json:"description,omitempty"`
	Buttons      []Button     `json:"buttons,omitempty"`
	ButtonLayout ButtonLayout `json:"buttonLayout,omitempty"`
	Forwardable  bool         `json:"forwardable,omitempty"`
}

// Output wraps c as an [Output].
func (c TextCard) Output() Output { return Output{TextCard: &c} }

// BasicCard is a card with a thumbnail (required), text and buttons.
type BasicCard struct {
	Title        string       `json:"title,omitempty"`
	Description  string       `json:"description,omitempty"`
	Thumbnail    *Thumbnail   `json:"thumbnail,omitempty"`
	Profile      *Profile     `json:"profile,omitempty"`
	Buttons      []Button     `json:"buttons,omitempty"`
	ButtonLayout ButtonLayout `json:"buttonLayout,omitempty"`
	Forwardable  bool         `json:"forwardable,omitempty"`
}

// Output wraps c as an [Output].
func (c BasicCard) Output() Output { return Output{BasicCard: &c} }

// CommerceCard is a product card. Price is required; Thumbnails must hold
// exactly one image. If DiscountedPrice is set it is shown; DiscountRate
// needs DiscountedPrice and wins over Discount.
type CommerceCard struct {
	Title           string       `json:"title,omitempty"`
	Description     string       `json:"description,omitempty"`
	Price           int64        `json:"price"`
	Currency        string       `json:"currency,omitempty"` // only "won"
	Discount        int64        `json:"discount,omitempty"`
	DiscountRate    int64        `json:"discountRate,omitempty"`
	DiscountedPrice int64        `json:"discountedPrice,omitempty"`
	Thumbnails      []Thumbnail  `json:"thumbnails"`
	Profile         *Profile     `json:"profile,omitempty"`
	Buttons         []Button     `json:"buttons,omitempty"`
	ButtonLayout    ButtonLayout `json:"buttonLayout,omitempty"`
}

// Output wraps c as an [Output].
func (c CommerceCard) Output() Output { return Output{CommerceCard: &c} }

// ListCard is a header and up to 5 rows (4 inside a carousel).
type ListCard struct {
	Header       ListItem     `json:"header"`
	Items        []ListItem   `json:"items"`
	Buttons      []Button     `json:"buttons,omitempty"`
	ButtonLayout ButtonLayout `json:"buttonLayout,omitempty"`
}

// Output wraps c as an [Output].
func (c ListCard) Output() Output { return Output{ListCard: &c} }

// ListItem is a row of a [ListCard] (or its header, where only Title is
// shown). Action "block" needs BlockID and sends Title as the utterance;
// "message" needs MessageText.
type ListItem struct {
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	ImageURL    string         `json:"imageUrl,omitempty"`
	Link        *Link          `json:"link,omitempty"`
	Action      string         `json:"action,omitempty"`
	BlockID     string         `json:"blockId,omitempty"`
	MessageText string         `json:"messageText,omitempty"`
	Extra       map[string]any `json:"extra,omitempty"`
}

// ItemCard is a receipt-like card: a list of label/value rows with
// optional thumbnail, head or profile, image title and summary.
type ItemCard struct {
	Thumbnail         *Thumbnail   `json:"thumbnail,omitempty"`
	Head              *ItemHead    `json:"head,omitempty"`
	Profile           *ItemProfile `json:"profile,omitempty"`
	ImageTitle        *ImageTitle  `json:"imageTitle,omitempty"`
	ItemList          []Item       `json:"itemList"`
	ItemListAlignment string       `json:"itemListAlignment,omitempty"` // "left" (default) or "right"
	ItemListSummary   *Item        `json:"itemListSummary,omitempty"`
	Title             string       `json:"title,omitempty"`
	Description       string       `json:"description,omitempty"`
	Buttons           []Button     `json:"buttons,omitempty"`
	ButtonLayout      ButtonLayout `json:"buttonLayout,omitempty"`
}

// Output wraps c as an [Output].
func (c ItemCard) Output() Output { return Output{ItemCard: &c} }

// ItemHead is an itemCard's one-line head (exclusive with Profile).
type ItemHead struct {
	Title string `json:"title"`
}

// ItemProfile is an itemCard's profile line (exclusive with Head). Note the
// shape differs from [Profile]: title, not nickname.
type ItemProfile struct {
	ImageURL string `json:"imageUrl,omitempty"`
	Width    int    `json:"width,omitempty"`
	Height   int    `json:"height,omitempty"`
	Title    string `json:"title"`
}

// ImageTitle is an itemCard's title with a right-aligned image.
type ImageTitle struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	ImageURL    string `json:"imageUrl,omitempty"`
}

// Item is one row of an itemCard (title ≤ 6 characters).
type Item struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

// Thumbnail is a card image. FixedRatio true shows it 1:1 and lays
// buttons out horizontally (unless the card's ButtonLayout says otherwise).
type Thumbnail struct {
	ImageURL   string `json:"imageUrl"`
	AltText    string `json:"altText,omitempty"`
	Link       *Link  `json:"link,omitempty"`
	FixedRatio bool   `json:"fixedRatio,omitempty"`
	Width      int    `json:"width,omitempty"`  // itemCard only
	Height     int    `json:"height,omitempty"` // itemCard only
}

// Link is where tapping something goes; Web overrides PC and Mobile.
type Link struct {
	PC     string `json:"pc,omitempty"`
	Mobile string `json:"mobile,omitempty"`
	Web    string `json:"web,omitempty"`
}

// Profile is the seller or author line of a basicCard or commerceCard.
type Profile struct {
	Nickname string `json:"nickname"`
	ImageURL string `json:"imageUrl,omitempty"`
}

// Carousel is a row of 1 to 10 cards of one type (5 for listCards). Its
// JSON "type" is derived from the items; Header is not allowed with
// textCards and listCards.
type Carousel struct {
	Items  []CarouselCard
	Header *CarouselHeader
}

// Output wraps c as an [Output].
func (c Carousel) Output() Output { return Output{Carousel: &c} }

// CarouselHeader is the optional first panel of a carousel.
type CarouselHeader struct {
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Thumbnail   *Thumbnail `json:"thumbnail"`
}

// CarouselCard is a card that can sit in a [Carousel]: *TextCard,
// *BasicCard, *CommerceCard, *ListCard or *ItemCard.
//
//sumtype:decl
type CarouselCard interface {
	// CardKind reports the card type, the carousel's "type".
	CardKind() OutputKind
	isCarouselCard()
}

// CardKind returns KindTextCard.
func (*TextCard) CardKind() OutputKind { return KindTextCard }

// CardKind returns KindBasicCard.
func (*BasicCard) CardKind() OutputKind { return KindBasicCard }

// CardKind returns KindCommerceCard.
func (*CommerceCard) CardKind() OutputKind { return KindCommerceCard }

// CardKind returns KindListCard.
func (*ListCard) CardKind() OutputKind { return KindListCard }

// CardKind returns KindItemCard.
func (*ItemCard) CardKind() OutputKind { return KindItemCard }

func (*TextCard) isCarouselCard()     {}
func (*BasicCard) isCarouselCard()    {}
func (*CommerceCard) isCarouselCard() {}
func (*ListCard) isCarouselCard()     {}
func (*ItemCard) isCarouselCard()     {}

// Kind returns the card type of the carousel's first item (KindNone when
// it has none). Validate checks that every item has the same type.
func (c *Carousel) Kind() OutputKind {
	if len(c.Items) == 0 || c.Items[0] == nil {
		return KindNone
	}
	return c.Items[0].CardKind()
}

type wireCarousel struct {
	Type   OutputKind      `json:"type"`
	Items  json.RawMessage `json:"items"`
	Header *CarouselHeader `json:"header,omitempty"`
}

// MarshalJSON writes type, items (bare cards) and header.
func (c Carousel) MarshalJSON() ([]byte, error) {
	items := c.Items
	if items == nil {
		items = []CarouselCard{}
	}
	raw, err := json.Marshal(items)
	if err != nil {
		return nil, err
	}
	return json.Marshal(wireCarousel{Type: c.Kind(), Items: raw, Header: c.Header})
}

var errUnknownCarousel = errors.New("kakao: unknown carousel type")

// UnmarshalJSON decodes the items as the type says. An unknown type fails
// with an error the enclosing [Output] turns into a raw output.
func (c *Carousel) UnmarshalJSON(b []byte) error {
	var w wireCarousel
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = Carousel{Header: w.Header}
	var err error
	switch w.Type {
	case KindTextCard:
		c.Items, err = decodeCards[TextCard](w.Items)
	case KindBasicCard:
		c.Items, err = decodeCards[BasicCard](w.Items)
	case KindCommerceCard:
		c.Items, err = decodeCards[CommerceCard](w.Items)
	case KindListCard:
		c.Items, err = decodeCards[ListCard](w.Items)
	case KindItemCard:
		c.Items, err = decodeCards[ItemCard](w.Items)
	default:
		return errUnknownCarousel
	}
	return err
}

func decodeCards[T any, P interface {
	*T
	CarouselCard
}](raw json.RawMessage) ([]CarouselCard, error) {
	if wire.IsNull(raw) {
		return nil, nil
	}
	var items []T
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("carousel items: %w", err)
	}
	out := make([]CarouselCard, len(items))
	for i := range items {
		out[i] = P(&items[i])
	}
	return out, nil
}

// ButtonAction is what a [Button] does.
type ButtonAction string

// The button actions. Plugin and AddChannel are not in Kakao's current
// Button table; their fields are UNCONFIRMED and not validated.
const (
	ActionWebLink    ButtonAction = "webLink"
	ActionMessage    ButtonAction = "message"
	ActionPhone      ButtonAction = "phone"
	ActionBlock      ButtonAction = "block"
	ActionShare      ButtonAction = "share"
	ActionOperator   ButtonAction = "operator"
	ActionPlugin     ButtonAction = "plugin"
	ActionAddChannel ButtonAction = "addChannel"
)

// Button is a card button. Extra arrives as action.clientExtra in the next
// skill request (for message and block actions).
type Button struct {
	Label       string         `json:"label"`
	Action      ButtonAction   `json:"action"`
	WebLinkURL  string         `json:"webLinkUrl,omitempty"`
	MessageText string         `json:"messageText,omitempty"`
	PhoneNumber string         `json:"phoneNumber,omitempty"`
	BlockID     string         `json:"blockId,omitempty"`
	PluginID    string         `json:"pluginId,omitempty"`
	Extra       map[string]any `json:"extra,omitempty"`
}

// WebLinkButton opens url (http or https).
func WebLinkButton(label, url string) Button {
	return Button{Label: label, Action: ActionWebLink, WebLinkURL: url}
}

// MessageButton makes the user say text.
func MessageButton(label, text string) Button {
	return Button{Label: label, Action: ActionMessage, MessageText: text}
}

// PhoneButton dials number (not on PC Talk).
func PhoneButton(label, number string) Button {
	return Button{Label: label, Action: ActionPhone, PhoneNumber: number}
}

// BlockButton runs the block blockID; the label is shown as the utterance.
func BlockButton(label, blockID string) Button {
	return Button{Label: label, Action: ActionBlock, BlockID: blockID}
}

// ShareButton shares the bubble.
func ShareButton(label string) Button { return Button{Label: label, Action: ActionShare} }

// OperatorButton hands the chat to a human agent (상담 연결).
func OperatorButton(label string) Button { return Button{Label: label, Action: ActionOperator} }

// PluginButton opens the plugin pluginID. UNCONFIRMED: not in Kakao's
// current Button table.
func PluginButton(label, pluginID string) Button {
	return Button{Label: label, Action: ActionPlugin, PluginID: pluginID}
}

// AddChannelButton asks the user to add the channel. UNCONFIRMED: not in
// Kakao's current Button table.
func AddChannelButton(label string) Button { return Button{Label: label, Action: ActionAddChannel} }

// QuickReplyAction is what a [QuickReply] does: "message" or "block".
type QuickReplyAction string

// The quick-reply actions.
const (
	ReplyMessage QuickReplyAction = "message"
	ReplyBlock   QuickReplyAction = "block"
)

// QuickReply is a chip under the bubble. Entities are not extracted from
// a quick reply's utterance.
type QuickReply struct {
	Label       string           `json:"label"`
	Action      QuickReplyAction `json:"action"`
	MessageText string           `json:"messageText,omitempty"`
	BlockID     string           `json:"blockId,omitempty"`
	Extra       map[string]any   `json:"extra,omitempty"`
}

// MessageQuickReply makes the user say text.
func MessageQuickReply(label, text string) QuickReply {
	return QuickReply{Label: label, Action: ReplyMessage, MessageText: text}
}

// BlockQuickReply runs the block blockID.
func BlockQuickReply(label, blockID string) QuickReply {
	return QuickReply{Label: label, Action: ReplyBlock, BlockID: blockID}
}

// ContextControl sets, refreshes or deletes output contexts.
type ContextControl struct {
	Values []ContextValue `json:"values"`
}

// ContextValue is one output context. LifeSpan is the number of turns it
// lives; 0 deletes it. Params values are strings only.
type ContextValue struct {
	Name     string            `json:"name"`
	LifeSpan int               `json:"lifeSpan"`
	TTL      int               `json:"ttl,omitempty"`
	Params   map[string]string `json:"params,omitempty"`
}
