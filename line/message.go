package line

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/channelkit/channelkit/internal/wire"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// Outbound messages are messaging_api values from
// github.com/line/line-bot-sdk-go/v8 (every LINE message kind, Flex
// included), as values or pointers, or a [RawMessage].

// RawMessage is an outbound message given as JSON, for message kinds or
// fields the SDK does not have yet. It must be a JSON object with a
// "type"; it is sent as is (after the same limit checks as other
// messages).
type RawMessage json.RawMessage

// GetType implements messaging_api.MessageInterface: it returns the
// message's "type", or "" if it has none.
func (m RawMessage) GetType() string {
	t, _, _ := wire.Peek(m, "type")
	return t
}

// MarshalJSON returns m.
func (m RawMessage) MarshalJSON() ([]byte, error) {
	if len(m) == 0 {
		return []byte("null"), nil
	}
	return m, nil
}

var _ messaging_api.MessageInterface = RawMessage(nil)

// EncodeMessages encodes messages the way the client sends them and checks
// them against LINE's limits (1–5 messages, text lengths, quick replies,
// actions, templates, Flex carousels…). The result is what goes into the
// request's "messages".
//
// Unlike the SDK's own request types, encoding never modifies the values
// given (so one message value can be sent from many goroutines at once),
// and every message and nested object carries its "type" even when it was
// given as a value rather than a pointer.
//
// A message that cannot be encoded at all (nil, or a [RawMessage] that is
// not a JSON object) is an [*ArgumentError] naming it ("msgs[1]"); limits
// are [*ValidationError] values naming the JSON path.
func EncodeMessages(msgs []messaging_api.MessageInterface) ([]json.RawMessage, error) {
	return encodeMessages("EncodeMessages", msgs)
}

// encodeMessages is EncodeMessages for fn, the function whose argument
// msgs is.
func encodeMessages(fn string, msgs []messaging_api.MessageInterface) ([]json.RawMessage, error) {
	if len(msgs) == 0 {
		return nil, validationError("messages", "needs at least one message")
	}
	if len(msgs) > limits.messages {
		return nil, validationError("messages", fmt.Sprintf("%d messages exceed %d", len(msgs), limits.messages))
	}
	out := make([]json.RawMessage, len(msgs))
	for i, m := range msgs {
		b, err := encodeMessage(m)
		if err != nil {
			return nil, argError(fn, fmt.Sprintf("msgs[%d]", i), err.Error())
		}
		out[i] = b
	}
	if err := ValidateMessages(out); err != nil {
		return nil, err
	}
	return out, nil
}

func encodeMessage(m messaging_api.MessageInterface) (json.RawMessage, error) {
	switch m := m.(type) {
	case nil:
		return nil, errors.New("nil message")
	case RawMessage:
		if !json.Valid(m) || !bytes.HasPrefix(bytes.TrimSpace(m), []byte("{")) {
			return nil, errors.New("raw message is not a JSON object")
		}
		return json.RawMessage(m), nil
	}
	v := reflect.ValueOf(m)
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, errors.New("nil message")
	}
	c := deepCopy(v)
	if c.Kind() != reflect.Pointer {
		p := reflect.New(c.Type())
		p.Elem().Set(c)
		c = p
	}
	return json.Marshal(c.Interface())
}

var quickReplyItemType = reflect.TypeFor[messaging_api.QuickReplyItem]()

// deepCopy copies v so that the SDK's MarshalJSON methods, which fill in
// discriminators by writing to their receivers, touch only our copy. Struct
// values held in interfaces become pointers, so that their pointer-receiver
// MarshalJSON (which writes "type") is used.
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Elem().Type())
		n.Elem().Set(deepCopy(v.Elem()))
		return n
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := deepCopy(v.Elem())
		if c.Kind() == reflect.Struct && reflect.PointerTo(c.Type()).Implements(v.Type()) {
			p := reflect.New(c.Type())
			p.Elem().Set(c)
			c = p
		}
		n := reflect.New(v.Type()).Elem()
		n.Set(c)
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := 0; i < v.NumField(); i++ {
			if f := n.Field(i); f.CanSet() {
				f.Set(deepCopy(v.Field(i)))
			}
		}
		if n.Type() == quickReplyItemType {
			// The SDK leaves a quick reply item's "type" (always "action")
			// to the caller and omits it when empty; LINE rejects that.
			if it := n.Addr().Interface().(*messaging_api.QuickReplyItem); it.Type == "" {
				it.Type = "action"
			}
		}
		return n
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		if v.Type().Elem().Kind() == reflect.Uint8 {
			reflect.Copy(n, v)
			return n
		}
		for i := 0; i < v.Len(); i++ {
			n.Index(i).Set(deepCopy(v.Index(i)))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			n.SetMapIndex(it.Key(), deepCopy(it.Value()))
		}
		return n
	}
	return v
}
