package kakao

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/channelkit/channelkit/internal/wire"
)

// The cards an [Output] or a [Carousel] holds, and their buttons.

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
