package talktalk

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/channelkit/channelkit/internal/wire"
)

// MarshalJSON writes "metadata" on takeThread even when it is empty.
func (o HandoverOptions) MarshalJSON() ([]byte, error) {
	type plain HandoverOptions
	if o.Control == TakeThread && o.Metadata == "" {
		return json.Marshal(struct {
			plain
			Metadata string `json:"metadata"`
		}{plain(o), ""})
	}
	return json.Marshal(plain(o))
}

// HandoverMetadata is the decoded metadata of an inbound handover.
type HandoverMetadata struct {
	// ManagerNickname is the agent who finished the consultation.
	ManagerNickname string `json:"managerNickname,omitempty"`
	// AutoEnd reports an automatic end (retired in 2021).
	AutoEnd bool `json:"autoEnd,omitempty"`
}

// ErrMetadata is wrapped by DecodeMetadata's errors.
var ErrMetadata = errors.New("talktalk: handover metadata is not a JSON object")

// DecodeMetadata decodes Options.Metadata. Empty metadata decodes to the
// zero value. Metadata that is not a JSON object (TalkTalk's own handover
// documentation shows single-quoted pseudo-JSON) is an error wrapping
// [ErrMetadata] and [ErrMalformed]; the event itself stays usable and the
// raw string stays in Options.Metadata.
func (e *HandoverEvent) DecodeMetadata() (HandoverMetadata, error) {
	var m HandoverMetadata
	if e.Options.Metadata == "" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(e.Options.Metadata), &m); err != nil {
		return HandoverMetadata{}, fmt.Errorf("%w: %w: %w", ErrMetadata, ErrMalformed, wire.JSONError(err))
	}
	return m, nil
}

type paymentConfirmWire struct {
	Code      string          `json:"code"`
	Message   string          `json:"message,omitempty"`
	PaymentID string          `json:"paymentId,omitempty"`
	Deatil    json.RawMessage `json:"deatil,omitempty"`
	Detail    json.RawMessage `json:"detail,omitempty"`
}

// UnmarshalJSON reads "deatil" or "detail".
func (p *PaymentConfirmResult) UnmarshalJSON(b []byte) error {
	var w paymentConfirmWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = PaymentConfirmResult{Code: w.Code, Message: w.Message, PaymentID: w.PaymentID}
	switch {
	case w.Deatil != nil:
		p.Detail, p.detailKey = wire.Clone(w.Deatil), "deatil"
	case w.Detail != nil:
		p.Detail, p.detailKey = wire.Clone(w.Detail), "detail"
	}
	return nil
}

// MarshalJSON writes Detail as "deatil", or as "detail" if that is how it
// arrived.
func (p PaymentConfirmResult) MarshalJSON() ([]byte, error) {
	w := paymentConfirmWire{Code: p.Code, Message: p.Message, PaymentID: p.PaymentID}
	if len(p.Detail) > 0 {
		if p.detailKey == "detail" {
			w.Detail = p.Detail
		} else {
			w.Deatil = p.Detail
		}
	}
	return json.Marshal(w)
}

// MarshalJSON returns Raw.
func (e *UnknownEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *UnknownEvent) marshal() ([]byte, error) {
	if len(e.Raw) == 0 {
		return nil, errors.New("talktalk: UnknownEvent without Raw")
	}
	return e.Raw, nil
}

// encodeEvent encodes ev as the client sends it: the same bytes as its
// MarshalJSON, without the extra validation pass json.Marshal makes over
// a Marshaler's output. An *UnknownEvent goes out byte for byte.
func encodeEvent(ev Event) ([]byte, error) {
	if b, ok := appendFast(make([]byte, 0, 256), ev); ok {
		return b, nil
	}
	if m, ok := ev.(interface{ marshal() ([]byte, error) }); ok {
		return m.marshal()
	}
	return json.Marshal(ev)
}

// marshalEvent writes the "event" discriminator in front of v's fields.
func marshalEvent(name string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(b)+len(name)+12)
	out = append(out, `{"event":"`...)
	out = append(out, name...)
	out = append(out, '"')
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// MarshalJSON writes the event with its "event" field.
func (e *OpenEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *OpenEvent) marshal() ([]byte, error) {
	type plain OpenEvent
	return marshalEvent(EventOpen, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *LeaveEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *LeaveEvent) marshal() ([]byte, error) {
	type plain LeaveEvent
	return marshalEvent(EventLeave, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *FriendEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *FriendEvent) marshal() ([]byte, error) {
	type plain FriendEvent
	return marshalEvent(EventFriend, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *SendEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *SendEvent) marshal() ([]byte, error) {
	type plain SendEvent
	return marshalEvent(EventSend, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *EchoEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *EchoEvent) marshal() ([]byte, error) {
	type plain EchoEvent
	return marshalEvent(EventEcho, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *HandoverEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *HandoverEvent) marshal() ([]byte, error) {
	type plain HandoverEvent
	return marshalEvent(EventHandover, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *ProfileEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *ProfileEvent) marshal() ([]byte, error) {
	type plain ProfileEvent
	return marshalEvent(EventProfile, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *PayCompleteEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *PayCompleteEvent) marshal() ([]byte, error) {
	type plain PayCompleteEvent
	return marshalEvent(EventPayComplete, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *PayConfirmEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *PayConfirmEvent) marshal() ([]byte, error) {
	type plain PayConfirmEvent
	return marshalEvent(EventPayConfirm, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *ActionEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *ActionEvent) marshal() ([]byte, error) {
	type plain ActionEvent
	return marshalEvent(EventAction, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field; a nil MenuContent
// is written as [] (which deletes the menu).
func (e *PersistentMenuEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *PersistentMenuEvent) marshal() ([]byte, error) {
	type plain PersistentMenuEvent
	p := plain(*e)
	if p.MenuContent == nil {
		p.MenuContent = []MenuContent{}
	}
	return marshalEvent(EventPersistentMenu, &p)
}

// MarshalJSON writes the event with its "event" field.
func (e *ProductEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *ProductEvent) marshal() ([]byte, error) {
	type plain ProductEvent
	return marshalEvent(EventProduct, (*plain)(e))
}

// decodeEvent is [Decode]: it dispatches on the "event" field.
func decodeEvent(body []byte) (Event, error) {
	name, err := peekEventName(body)
	if err != nil {
		return nil, err
	}
	var ev Event
	switch name {
	case EventOpen:
		ev = new(OpenEvent)
	case EventLeave:
		ev = new(LeaveEvent)
	case EventFriend:
		ev = new(FriendEvent)
	case EventSend:
		if se, ok := decodeSendFast(body); ok {
			return se, nil
		}
		ev = new(SendEvent)
	case EventEcho:
		ev = new(EchoEvent)
	case EventHandover:
		ev = new(HandoverEvent)
	case EventProfile:
		ev = new(ProfileEvent)
	case EventPayComplete:
		ev = new(PayCompleteEvent)
	case EventPayConfirm:
		ev = new(PayConfirmEvent)
	case EventAction:
		ev = new(ActionEvent)
	case EventPersistentMenu:
		ev = new(PersistentMenuEvent)
	case EventProduct:
		ev = new(ProductEvent)
	default:
		if !json.Valid(body) {
			return nil, malformed(errors.New("invalid JSON"))
		}
		u := &UnknownEvent{Name: name, Raw: wire.Clone(body)}
		if user, ok, err := wire.Peek(body, "user"); err == nil && ok {
			u.User = user
		}
		return u, nil
	}
	if err := json.Unmarshal(body, ev); err != nil {
		return nil, malformed(wire.JSONError(err))
	}
	return ev, nil
}

// sendPrefix is how TalkTalk starts the body of a send event.
const sendPrefix = `{"event":"send",`

// peekEventName returns the "event" field of body: the first one, as
// [wire.Peek] finds it. A body that starts as TalkTalk writes its send
// events needs no scan.
func peekEventName(body []byte) (string, error) {
	if len(body) > len(sendPrefix) && string(body[:len(sendPrefix)]) == sendPrefix {
		return EventSend, nil
	}
	name, found, err := wire.Peek(body, "event")
	if err != nil {
		return "", malformed(err)
	}
	if !found {
		return "", malformed(errors.New(`no "event" field`))
	}
	return name, nil
}

func malformed(err error) error { return fmt.Errorf("talktalk: %w: %w", ErrMalformed, err) }

// FlexString is a string the platform sometimes sends as a JSON number
// (image width and height, address coordinates). It decodes both and
// encodes as a string.
type FlexString string

// UnmarshalJSON accepts a string, a number or null.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	var w wire.FlexString
	if err := w.UnmarshalJSON(b); err != nil {
		return wire.Safe("want a string or a number")
	}
	*f = FlexString(w)
	return nil
}
