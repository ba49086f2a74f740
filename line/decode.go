package line

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/internal/wire"
)

// Decode decodes a webhook body without checking its signature. Use it for
// bodies you have already verified (for example taken from a queue); use
// [Parse] or [ParseRequest] for bodies straight off the network.
//
// Decode fails only when the body as a whole is not a callback (not a JSON
// object, or "events" is not an array): one bad event becomes an
// [*InvalidEvent] and the rest of the batch decodes. Errors wrap
// [ErrMalformed] and never contain the body.
func Decode(body []byte) (*Callback, error) {
	if i := skipSpace(body); i >= len(body) || body[i] != '{' {
		return nil, webhookio.Malformed("line", errors.New("body is not a JSON object"))
	}
	cb := new(Callback)
	if err := cb.UnmarshalJSON(body); err != nil {
		return nil, err
	}
	return cb, nil
}

type callbackWire struct {
	Destination string        `json:"destination"`
	Events      []eventHolder `json:"events"`
}

type eventHolder struct{ ev Event }

// UnmarshalJSON never fails: a bad event becomes an *InvalidEvent.
func (h *eventHolder) UnmarshalJSON(b []byte) error {
	h.ev = decodeEvent(b)
	return nil
}

// UnmarshalJSON decodes a webhook body, as [Decode] does (JSON null
// leaves cb unchanged, as encoding/json expects).
func (cb *Callback) UnmarshalJSON(body []byte) error {
	if wire.IsNull(body) {
		return nil
	}
	if i := skipSpace(body); i >= len(body) || body[i] != '{' {
		return webhookio.Malformed("line", errors.New("body is not a JSON object"))
	}
	if fast := decodeFast(body); fast != nil {
		*cb = *fast
		return nil
	}
	slow, err := decodeSlow(body)
	if err != nil {
		return err
	}
	*cb = *slow
	return nil
}

// decodeSlow decodes event by event, isolating failures.
func decodeSlow(body []byte) (*Callback, error) {
	if i := skipSpace(body); i >= len(body) || body[i] != '{' {
		return nil, webhookio.Malformed("line", errors.New("body is not a JSON object"))
	}
	cb := new(Callback)
	var w callbackWire
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, webhookio.Malformed("line", wire.JSONError(err))
	}
	cb.Destination = w.Destination
	cb.Events = make([]Event, len(w.Events))
	for i, h := range w.Events {
		cb.Events[i] = h.ev
	}
	return cb, nil
}

// peekType reads an object's "type" with encoding/json's own key rules
// (last duplicate wins, case-insensitive match), so that both decoding
// paths agree on odd input.
func peekType(b []byte) (string, error) {
	if i := skipSpace(b); i >= len(b) || b[i] != '{' {
		return "", wire.ErrNotObject
	}
	var t struct {
		Type string `json:"type"`
	}
	err := json.Unmarshal(b, &t)
	return t.Type, err
}

// MarshalJSON encodes the callback; known events are re-encoded from their
// fields, unknown and invalid ones are written back byte for byte.
func (cb *Callback) MarshalJSON() ([]byte, error) {
	type alias Callback
	c := *cb
	if c.Events == nil {
		c.Events = []Event{}
	}
	return json.Marshal((*alias)(&c))
}

func skipSpace(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// decodeEvent decodes one event in a single pass: read "type", decode into
// the concrete struct, then the source and message sub-objects.
func decodeEvent(b []byte) Event {
	typ, err := peekType(b)
	if err != nil {
		return invalidEvent(b, typ, err)
	}
	var ev Event
	switch typ {
	case EventMessage:
		e := new(MessageEvent)
		if err = decodeBase(b, e, &e.EventBase); err == nil {
			e.Message, err = decodeContent(b)
		}
		ev = e
	case EventMessageEdited:
		e := new(MessageEditedEvent)
		if err = decodeBase(b, e, &e.EventBase); err == nil {
			e.Message, err = decodeContent(b)
		}
		ev = e
	case EventPostback:
		e := new(PostbackEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventFollow:
		e := new(FollowEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventUnfollow:
		e := new(UnfollowEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventJoin:
		e := new(JoinEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventLeave:
		e := new(LeaveEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventMemberJoined:
		e := new(MemberJoinedEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventMemberLeft:
		e := new(MemberLeftEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventUnsend:
		e := new(UnsendEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventVideoPlayComplete:
		e := new(VideoPlayCompleteEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventBeacon:
		e := new(BeaconEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventAccountLink:
		e := new(AccountLinkEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventThings:
		e := new(ThingsEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventMembership:
		e := new(MembershipEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventModule:
		e := new(ModuleEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventActivated:
		e := new(ActivatedEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventDeactivated:
		e := new(DeactivatedEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventBotSuspended:
		e := new(BotSuspendedEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventBotResumed:
		e := new(BotResumedEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	case EventDelivery:
		e := new(DeliveryEvent)
		err, ev = decodeBase(b, e, &e.EventBase), e
	default:
		u := &UnknownEvent{EventType: typ, Raw: wire.Clone(b)}
		// Best effort: the common properties let de-duplication and
		// routing work for events of new types.
		if decodeBase(b, &u.EventBase, &u.EventBase) != nil {
			u.EventBase = EventBase{}
		}
		return u
	}
	if err != nil {
		return invalidEvent(b, typ, err)
	}
	return ev
}

func invalidEvent(b []byte, typ string, err error) *InvalidEvent {
	e := &InvalidEvent{EventType: typ, Raw: wire.Clone(b)}
	if typ == "" {
		e.Err = webhookio.Malformed("line", fmt.Errorf("event: %w", wire.JSONError(err)))
	} else {
		e.Err = webhookio.Malformed("line", fmt.Errorf("%s event: %w", typ, wire.JSONError(err)))
	}
	// Keep whatever common properties decode, for de-duplication.
	var base EventBase
	if json.Unmarshal(b, &base) == nil {
		e.EventBase = base
		e.EventBase.Source = nil
	}
	return e
}

// decodeBase decodes b into v (a pointer to an event struct embedding
// base) and then the event's source.
func decodeBase(b []byte, v any, base *EventBase) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	var f struct {
		Source rawSlice `json:"source"`
	}
	if err := json.Unmarshal(b, &f); err != nil || wire.IsNull(f.Source) {
		return err
	}
	var err error
	base.Source, err = decodeSource(f.Source)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	return nil
}

func decodeSource(b []byte) (Source, error) {
	typ, err := peekType(b)
	if err != nil {
		return nil, err
	}
	var s Source
	switch typ {
	case SourceUser:
		s = new(UserSource)
	case SourceGroup:
		s = new(GroupSource)
	case SourceRoom:
		s = new(RoomSource)
	default:
		return &UnknownSource{SourceType: typ, Raw: wire.Clone(b)}, nil
	}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, err
	}
	return s, nil
}

func decodeContent(event []byte) (MessageContent, error) {
	var f struct {
		Message rawSlice `json:"message"`
	}
	if err := json.Unmarshal(event, &f); err != nil {
		return nil, err
	}
	b := []byte(f.Message)
	if wire.IsNull(b) {
		return nil, errors.New("message event without a message")
	}
	typ, err := peekType(b)
	if err != nil {
		return nil, fmt.Errorf("message: %w", err)
	}
	var c MessageContent
	switch typ {
	case ContentText:
		c = new(TextContent)
	case ContentImage:
		c = new(ImageContent)
	case ContentVideo:
		c = new(VideoContent)
	case ContentAudio:
		c = new(AudioContent)
	case ContentFile:
		c = new(FileContent)
	case ContentLocation:
		c = new(LocationContent)
	case ContentSticker:
		c = new(StickerContent)
	default:
		u := &UnknownContent{ContentType: typ, Raw: wire.Clone(b)}
		var id struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(b, &id) == nil {
			u.ID = id.ID
		}
		return u, nil
	}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("message: %w", err)
	}
	return c, nil
}

// marshalTagged encodes v (an alias type without MarshalJSON) and puts
// "type": typ first.
func marshalTagged(typ string, v any, extra ...field) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(body) + len(typ) + 16)
	buf.WriteString(`{"type":`)
	t, _ := json.Marshal(typ)
	buf.Write(t)
	for _, f := range extra {
		if f.value == nil {
			continue
		}
		fb, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		buf.WriteString(`,"`)
		buf.WriteString(f.key)
		buf.WriteString(`":`)
		buf.Write(fb)
	}
	if len(body) > 2 {
		buf.WriteByte(',')
		buf.Write(body[1:])
	} else {
		buf.WriteByte('}')
	}
	return buf.Bytes(), nil
}

// rawSlice captures a value's bytes without copying them; it is only used
// while the input is alive.
type rawSlice []byte

func (r *rawSlice) UnmarshalJSON(b []byte) error {
	*r = b
	return nil
}

type field struct {
	key   string
	value any
}

func rawOrNull(b json.RawMessage) []byte {
	if len(b) == 0 {
		return []byte("null")
	}
	return b
}

func srcField(b *EventBase) field {
	if b.Source == nil {
		return field{}
	}
	return field{"source", b.Source}
}
