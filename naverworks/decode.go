package naverworks

import (
	"encoding/json"
	"fmt"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/internal/wire"
)

// The decoding side of the outbound types: [DecodeContent] for the Content
// union and an UnmarshalJSON for every struct that holds an [Action], so
// that a logged or recorded message decodes back into the value that was
// sent. decode(encode(x)) == x for every content and action.

// errNoType reports a content or action that is not a JSON object with a
// string "type".
var errNoType = wire.Safe(`not a JSON object with a string "type"`)

// checkJSON returns nil for valid JSON, else the decoder's syntax error.
func checkJSON(data []byte) error {
	if json.Valid(data) {
		return nil
	}
	var v json.RawMessage
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	return wire.ErrSyntax
}

// decodeError wraps err, which may come from encoding/json, as
// [ErrMalformed] without quoting the input.
func decodeError(what string, err error) error {
	return webhookio.Malformed("naverworks", fmt.Errorf("%s: %w", what, wire.JSONError(err)))
}

// DecodeContent decodes one content object, as json.Marshal of a [Content]
// writes it (the "content" of a send request, a logged or recorded one). Unknown types, and objects
// without a "type", become a [*RawContent] holding the exact bytes; fields
// a known type does not model are dropped (send those as RawContent).
// Input that is not a JSON object with a string "type", or a known content
// with a field of the wrong JSON type, is an error wrapping [ErrMalformed];
// the error never quotes the input.
func DecodeContent(data []byte) (Content, error) {
	if err := checkJSON(data); err != nil {
		return nil, decodeError("content", err)
	}
	if wire.IsNull(data) {
		return nil, decodeError("content", errNoType)
	}
	typ, _, err := wire.Peek(data, "type")
	if err != nil {
		return nil, decodeError("content", errNoType)
	}
	var c Content
	switch typ {
	case "text":
		c = new(Text)
	case "image":
		c = new(Image)
	case "file":
		c = new(File)
	case "audio":
		c = new(Audio)
	case "video":
		c = new(Video)
	case "link":
		c = new(Link)
	case "sticker":
		c = new(Sticker)
	case "location":
		c = new(Location)
	case "button_template":
		c = new(ButtonTemplate)
	case "list_template":
		c = new(ListTemplate)
	case "carousel":
		c = new(Carousel)
	case "image_carousel":
		c = new(ImageCarousel)
	case "flex":
		c = new(Flex)
	default:
		return &RawContent{JSON: wire.Clone(data)}, nil
	}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, decodeError(fmt.Sprintf("content %s", typ), err)
	}
	return c, nil
}

// UnmarshalJSON decodes the action union.
func (i *QuickReplyItem) UnmarshalJSON(b []byte) error {
	type plain QuickReplyItem
	var aux struct {
		*plain
		Action json.RawMessage `json:"action"`
	}
	*i = QuickReplyItem{}
	aux.plain = (*plain)(i)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	a, err := decodeAction(aux.Action)
	i.Action = a
	return err
}

// UnmarshalJSON decodes the action union.
func (c *ButtonTemplate) UnmarshalJSON(b []byte) error {
	type plain ButtonTemplate
	var aux struct {
		*plain
		Actions []json.RawMessage `json:"actions"`
	}
	*c = ButtonTemplate{}
	aux.plain = (*plain)(c)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	acts, err := actionList(aux.Actions)
	c.Actions = acts
	return err
}

// UnmarshalJSON decodes the action union.
func (c *ListTemplate) UnmarshalJSON(b []byte) error {
	type plain ListTemplate
	var aux struct {
		*plain
		Actions [][]json.RawMessage `json:"actions"`
	}
	*c = ListTemplate{}
	aux.plain = (*plain)(c)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	if aux.Actions == nil {
		return nil
	}
	c.Actions = make([][]Action, len(aux.Actions))
	for n, row := range aux.Actions {
		acts, err := actionList(row)
		if err != nil {
			c.Actions = nil
			return err
		}
		c.Actions[n] = acts
	}
	return nil
}

// UnmarshalJSON decodes the action union.
func (e *ListElement) UnmarshalJSON(b []byte) error {
	type plain ListElement
	var aux struct {
		*plain
		Action json.RawMessage `json:"action"`
	}
	*e = ListElement{}
	aux.plain = (*plain)(e)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	a, err := decodeAction(aux.Action)
	e.Action = a
	return err
}

// UnmarshalJSON decodes the action union.
func (c *CarouselColumn) UnmarshalJSON(b []byte) error {
	type plain CarouselColumn
	var aux struct {
		*plain
		DefaultAction json.RawMessage   `json:"defaultAction"`
		Actions       []json.RawMessage `json:"actions"`
	}
	*c = CarouselColumn{}
	aux.plain = (*plain)(c)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	def, err := decodeAction(aux.DefaultAction)
	if err != nil {
		return err
	}
	acts, err := actionList(aux.Actions)
	c.DefaultAction, c.Actions = def, acts
	return err
}

// UnmarshalJSON decodes the action union.
func (c *ImageColumn) UnmarshalJSON(b []byte) error {
	type plain ImageColumn
	var aux struct {
		*plain
		Action json.RawMessage `json:"action"`
	}
	*c = ImageColumn{}
	aux.plain = (*plain)(c)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	a, err := decodeAction(aux.Action)
	c.Action = a
	return err
}

// UnmarshalJSON decodes the content; "contents": null is read as absent,
// as MarshalJSON writes an absent Contents.
func (c *Flex) UnmarshalJSON(b []byte) error {
	type plain Flex
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	if wire.IsNull(p.Contents) {
		p.Contents = nil
	}
	*c = Flex(p)
	return nil
}

// UnmarshalJSON keeps a copy of the bytes exactly as they are.
func (c *RawContent) UnmarshalJSON(b []byte) error {
	c.JSON = wire.Clone(b)
	return nil
}
