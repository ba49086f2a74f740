package naverworks

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/channelkit/channelkit/internal/wire"
)

// Event is one callback. The concrete types are *MessageEvent,
// *PostbackEvent, *JoinEvent, *LeaveEvent, *JoinedEvent, *LeftEvent,
// *BeginEvent, *EndEvent and *UnknownEvent. Switch on the pointer types:
//
//	switch ev := ev.(type) {
//	case *naverworks.MessageEvent:
//	case *naverworks.PostbackEvent:
//	}
//
//sumtype:decl
type Event interface {
	// Type returns the wire "type".
	Type() string
	// EventSource returns who and where the event came from.
	EventSource() Source
	// EventTime returns "issuedTime"; zero when absent or unreadable.
	EventTime() time.Time
	isEvent()
}

// Source is where an event came from. UserID is absent on room events
// (join, leave, joined, left); ChannelID is absent for messages in 1:1
// rooms. DomainID is a number on the wire (one page documents a string);
// both are accepted and kept as text.
type Source struct {
	UserID    string `json:"userId,omitempty"`
	ChannelID string `json:"channelId,omitempty"`
	DomainID  string `json:"domainId,omitempty"`
}

// UnmarshalJSON accepts domainId as a number or a string.
func (s *Source) UnmarshalJSON(b []byte) error {
	var v struct {
		UserID    string          `json:"userId"`
		ChannelID string          `json:"channelId"`
		DomainID  json.RawMessage `json:"domainId"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	// domainId is informational: a value of another JSON type is dropped
	// rather than failing the whole callback.
	var d wire.FlexString
	if len(v.DomainID) > 0 && json.Unmarshal(v.DomainID, &d) != nil {
		d = ""
	}
	*s = Source{UserID: v.UserID, ChannelID: v.ChannelID, DomainID: string(d)}
	return nil
}

// MarshalJSON writes domainId as a number when it is one.
func (s Source) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	field := func(k string, v []byte) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(`"` + k + `":`)
		b.Write(v)
	}
	str := func(s string) []byte { q, _ := json.Marshal(s); return q }
	if s.UserID != "" {
		field("userId", str(s.UserID))
	}
	if s.ChannelID != "" {
		field("channelId", str(s.ChannelID))
	}
	if s.DomainID != "" {
		if n, err := strconv.ParseInt(s.DomainID, 10, 64); err == nil && strconv.FormatInt(n, 10) == s.DomainID {
			field("domainId", []byte(s.DomainID))
		} else {
			field("domainId", str(s.DomainID))
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// ReplyTarget reports where a reply to an event from s goes: the channel
// when there is one, else the user.
func (s Source) ReplyTarget() (channelID, userID string) {
	if s.ChannelID != "" {
		return s.ChannelID, ""
	}
	return "", s.UserID
}

// Envelope holds the fields every event has.
type Envelope struct {
	Source     Source
	IssuedTime time.Time
	// Raw is the whole callback body as received.
	Raw json.RawMessage
}

// EventSource returns the event's source.
func (e *Envelope) EventSource() Source { return e.Source }

// EventTime returns the event's issuedTime.
func (e *Envelope) EventTime() time.Time { return e.IssuedTime }

// MessageEvent: a user sent a message.
type MessageEvent struct {
	Envelope
	Content MessageContent
}

// PostbackEvent: a user pressed a postback action (carousel, image
// carousel, quick reply or rich menu). Message actions arrive as a
// MessageEvent whose TextContent has Postback set instead.
type PostbackEvent struct {
	Envelope
	Data string
}

// JoinEvent: the bot was added to a team, group or room.
type JoinEvent struct{ Envelope }

// LeaveEvent: the bot left or was removed, or the room was deleted.
type LeaveEvent struct{ Envelope }

// JoinedEvent: users were invited into a room with the bot.
type JoinedEvent struct {
	Envelope
	Members []string
}

// LeftEvent: users left a room with the bot, or were removed.
type LeftEvent struct {
	Envelope
	Members []string
}

// BeginEvent: a 1:1 room with the bot started.
type BeginEvent struct{ Envelope }

// EndEvent: a 1:1 room with the bot ended.
type EndEvent struct{ Envelope }

// UnknownEvent is an event type this package does not know. Raw (in
// Envelope) holds the body; MarshalJSON returns it unchanged.
type UnknownEvent struct {
	Envelope
	// EventType is the event's "type".
	EventType string
}

// Type returns "message".
func (*MessageEvent) Type() string { return "message" }

// Type returns "postback".
func (*PostbackEvent) Type() string { return "postback" }

// Type returns "join".
func (*JoinEvent) Type() string { return "join" }

// Type returns "leave".
func (*LeaveEvent) Type() string { return "leave" }

// Type returns "joined".
func (*JoinedEvent) Type() string { return "joined" }

// Type returns "left".
func (*LeftEvent) Type() string { return "left" }

// Type returns "begin".
func (*BeginEvent) Type() string { return "begin" }

// Type returns "end".
func (*EndEvent) Type() string { return "end" }

// Type returns the type the event arrived with.
func (e *UnknownEvent) Type() string { return e.EventType }

func (*MessageEvent) isEvent()  {}
func (*PostbackEvent) isEvent() {}
func (*JoinEvent) isEvent()     {}
func (*LeaveEvent) isEvent()    {}
func (*JoinedEvent) isEvent()   {}
func (*LeftEvent) isEvent()     {}
func (*BeginEvent) isEvent()    {}
func (*EndEvent) isEvent()      {}
func (*UnknownEvent) isEvent()  {}

// The MarshalJSON methods write the wire form, "type" included, so that a
// test can build an event value and send it (see naverworkstest). Parsed
// events re-encode from their fields; UnknownEvent and UnknownContent
// return their raw bytes.

type wireEnvelope struct {
	Type       string   `json:"type"`
	Source     *Source  `json:"source,omitempty"`
	IssuedTime string   `json:"issuedTime,omitempty"`
	Content    any      `json:"content,omitempty"`
	Data       *string  `json:"data,omitempty"`
	Members    []string `json:"members,omitempty"`
}

func (e *Envelope) wire(typ string) wireEnvelope {
	w := wireEnvelope{Type: typ}
	if e.Source != (Source{}) {
		s := e.Source
		w.Source = &s
	}
	if !e.IssuedTime.IsZero() {
		w.IssuedTime = e.IssuedTime.UTC().Format(time.RFC3339Nano)
	}
	return w
}

// MarshalJSON writes the event with "type": "message".
func (e *MessageEvent) MarshalJSON() ([]byte, error) {
	w := e.wire(e.Type())
	if e.Content != nil {
		w.Content = e.Content
	}
	return json.Marshal(w)
}

// MarshalJSON writes the event with "type": "postback".
func (e *PostbackEvent) MarshalJSON() ([]byte, error) {
	w := e.wire(e.Type())
	w.Data = &e.Data
	return json.Marshal(w)
}

// MarshalJSON writes the event with "type": "join".
func (e *JoinEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.wire(e.Type())) }

// MarshalJSON writes the event with "type": "leave".
func (e *LeaveEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.wire(e.Type())) }

// MarshalJSON writes the event with "type": "begin".
func (e *BeginEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.wire(e.Type())) }

// MarshalJSON writes the event with "type": "end".
func (e *EndEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.wire(e.Type())) }

// MarshalJSON writes the event with "type": "joined".
func (e *JoinedEvent) MarshalJSON() ([]byte, error) {
	w := e.wire(e.Type())
	w.Members = e.Members
	return json.Marshal(w)
}

// MarshalJSON writes the event with "type": "left".
func (e *LeftEvent) MarshalJSON() ([]byte, error) {
	w := e.wire(e.Type())
	w.Members = e.Members
	return json.Marshal(w)
}

// MarshalJSON returns Raw unchanged, or a minimal event when Raw is empty.
func (e *UnknownEvent) MarshalJSON() ([]byte, error) {
	if len(e.Raw) > 0 {
		return e.Raw, nil
	}
	return json.Marshal(e.wire(e.EventType))
}
