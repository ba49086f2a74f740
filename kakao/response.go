package kakao

import (
	"encoding/json"
	"errors"

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
