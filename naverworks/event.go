package naverworks

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
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
	// EventType returns the wire "type".
	EventType() string
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
	Type string
}

// EventType returns "message".
func (*MessageEvent) EventType() string { return "message" }

// EventType returns "postback".
func (*PostbackEvent) EventType() string { return "postback" }

// EventType returns "join".
func (*JoinEvent) EventType() string { return "join" }

// EventType returns "leave".
func (*LeaveEvent) EventType() string { return "leave" }

// EventType returns "joined".
func (*JoinedEvent) EventType() string { return "joined" }

// EventType returns "left".
func (*LeftEvent) EventType() string { return "left" }

// EventType returns "begin".
func (*BeginEvent) EventType() string { return "begin" }

// EventType returns "end".
func (*EndEvent) EventType() string { return "end" }

// EventType returns the type the event arrived with.
func (e *UnknownEvent) EventType() string {
	return e.Type
}

func (*MessageEvent) isEvent()  {}
func (*PostbackEvent) isEvent() {}
func (*JoinEvent) isEvent()     {}
func (*LeaveEvent) isEvent()    {}
func (*JoinedEvent) isEvent()   {}
func (*LeftEvent) isEvent()     {}
func (*BeginEvent) isEvent()    {}
func (*EndEvent) isEvent()      {}
func (*UnknownEvent) isEvent()  {}

// MessageContent is the "content" of a message event. The concrete types
// are *TextContent, *LocationContent, *StickerContent, *ImageContent,
// *FileContent, *AudioContent, *VideoContent and *UnknownContent.
//
//sumtype:decl
type MessageContent interface {
	// ContentType returns the wire "type" ("" for a content without one).
	ContentType() string
	isMessageContent()
}

// TextContent is a text message. Postback is set when the text came from a
// message action with a postback, or the "start" greeting button.
type TextContent struct {
	Text     string `json:"text"`
	Postback string `json:"postback,omitempty"`
}

// LocationContent is a shared location. Title is not documented for
// callbacks but read when present.
type LocationContent struct {
	Title     string  `json:"title,omitempty"`
	Address   string  `json:"address"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// StickerContent is a sticker.
type StickerContent struct {
	PackageID string `json:"packageId"`
	StickerID string `json:"stickerId"`
}

// ImageContent is an image; download it with [Client.Download].
type ImageContent struct {
	FileID string `json:"fileId"`
}

// FileContent is a file; download it with [Client.Download]. FileName is
// not documented for callbacks but read when present.
type FileContent struct {
	FileID   string `json:"fileId"`
	FileName string `json:"fileName,omitempty"`
}

// AudioContent is an audio clip.
type AudioContent struct {
	FileID string `json:"fileId"`
}

// VideoContent is a video.
type VideoContent struct {
	FileID string `json:"fileId"`
}

// UnknownContent is a content this package does not know, one without a
// "type", or one whose fields have unexpected JSON types. Raw holds its
// JSON; MarshalJSON returns it unchanged.
type UnknownContent struct {
	Type string
	Raw  json.RawMessage
}

// ContentType returns "text".
func (*TextContent) ContentType() string { return "text" }

// ContentType returns "location".
func (*LocationContent) ContentType() string { return "location" }

// ContentType returns "sticker".
func (*StickerContent) ContentType() string { return "sticker" }

// ContentType returns "image".
func (*ImageContent) ContentType() string { return "image" }

// ContentType returns "file".
func (*FileContent) ContentType() string { return "file" }

// ContentType returns "audio".
func (*AudioContent) ContentType() string { return "audio" }

// ContentType returns "video".
func (*VideoContent) ContentType() string { return "video" }

// ContentType returns the type the content arrived with ("" when it had
// none).
func (c *UnknownContent) ContentType() string {
	return c.Type
}

func (*TextContent) isMessageContent()     {}
func (*LocationContent) isMessageContent() {}
func (*StickerContent) isMessageContent()  {}
func (*ImageContent) isMessageContent()    {}
func (*FileContent) isMessageContent()     {}
func (*AudioContent) isMessageContent()    {}
func (*VideoContent) isMessageContent()    {}
func (*UnknownContent) isMessageContent()  {}

// wireEvent is every event field in one flat struct, so that a callback is
// decoded in one pass.
type wireEvent struct {
	Type       string          `json:"type"`
	Source     wireSource      `json:"source"`
	IssuedTime string          `json:"issuedTime"`
	Content    json.RawMessage `json:"content"`
	Data       string          `json:"data"`
	Members    []string        `json:"members"`
}

// wireSource avoids Source's UnmarshalJSON on the hot path: domainId is
// read from its raw bytes.
type wireSource struct {
	UserID    string          `json:"userId"`
	ChannelID string          `json:"channelId"`
	DomainID  json.RawMessage `json:"domainId"`
}

func (w *wireSource) source() Source {
	s := Source{UserID: w.UserID, ChannelID: w.ChannelID}
	d := w.DomainID
	switch {
	case len(d) == 0 || d[0] == 'n': // absent or null
	case d[0] == '"':
		if !bytes.ContainsRune(d, '\\') {
			s.DomainID = string(d[1 : len(d)-1])
		} else {
			_ = json.Unmarshal(d, &s.DomainID)
		}
	case d[0] == '-' || (d[0] >= '0' && d[0] <= '9'):
		s.DomainID = string(d)
	}
	return s
}

type wireContent struct {
	Type      string  `json:"type"`
	Text      string  `json:"text"`
	Postback  string  `json:"postback"`
	Title     string  `json:"title"`
	Address   string  `json:"address"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	PackageID string  `json:"packageId"`
	StickerID string  `json:"stickerId"`
	FileID    string  `json:"fileId"`
	FileName  string  `json:"fileName"`
}

// ParseEvent decodes a callback body that has already been verified. It
// never fails on an unknown event or content type (those are kept raw), on
// an unreadable issuedTime (left zero), or on content fields of the wrong
// JSON type (the content is then an *UnknownContent); it fails with
// [ErrMalformed] when the body is not a JSON object with a string "type",
// or when an envelope field has the wrong JSON type.
func ParseEvent(body []byte) (Event, error) {
	var w wireEvent
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, malformed(err)
	}
	if w.Type == "" {
		return nil, webhookio.Malformed("naverworks", errors.New(`no "type"`))
	}
	return buildEvent(body, &w), nil
}

func malformed(err error) error {
	return webhookio.Malformed("naverworks", wire.JSONError(err))
}

func buildEvent(body []byte, w *wireEvent) Event {
	env := Envelope{Source: w.Source.source(), IssuedTime: parseTime(w.IssuedTime), Raw: body}
	switch w.Type {
	case "message":
		return &MessageEvent{Envelope: env, Content: buildContent(w.Content)}
	case "postback":
		return &PostbackEvent{Envelope: env, Data: w.Data}
	case "join":
		return &JoinEvent{env}
	case "leave":
		return &LeaveEvent{env}
	case "joined":
		return &JoinedEvent{Envelope: env, Members: w.Members}
	case "left":
		return &LeftEvent{Envelope: env, Members: w.Members}
	case "begin":
		return &BeginEvent{env}
	case "end":
		return &EndEvent{env}
	}
	return &UnknownEvent{Envelope: env, Type: w.Type}
}

// buildContent decodes a message's content. A content that is absent, not
// an object, without a type, of an unknown type or with fields of the
// wrong JSON type is kept raw.
func buildContent(raw json.RawMessage) MessageContent {
	if len(raw) == 0 {
		return &UnknownContent{Raw: json.RawMessage("null")}
	}
	var c wireContent
	if err := json.Unmarshal(raw, &c); err != nil || c.Type == "" {
		typ, _, _ := wire.Peek(raw, "type")
		return &UnknownContent{Type: typ, Raw: raw}
	}
	return c.build(raw)
}

func (c *wireContent) build(raw json.RawMessage) MessageContent {
	switch c.Type {
	case "text":
		return &TextContent{Text: c.Text, Postback: c.Postback}
	case "location":
		return &LocationContent{Title: c.Title, Address: c.Address, Latitude: c.Latitude, Longitude: c.Longitude}
	case "sticker":
		return &StickerContent{PackageID: c.PackageID, StickerID: c.StickerID}
	case "image":
		return &ImageContent{FileID: c.FileID}
	case "file":
		return &FileContent{FileID: c.FileID, FileName: c.FileName}
	case "audio":
		return &AudioContent{FileID: c.FileID}
	case "video":
		return &VideoContent{FileID: c.FileID}
	}
	return &UnknownContent{Type: c.Type, Raw: raw}
}

// parseTime reads issuedTime leniently: RFC 3339 with or without
// fractional seconds; anything else is the zero time.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

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
	w := e.wire(e.EventType())
	if e.Content != nil {
		w.Content = e.Content
	}
	return json.Marshal(w)
}

// MarshalJSON writes the event with "type": "postback".
func (e *PostbackEvent) MarshalJSON() ([]byte, error) {
	w := e.wire(e.EventType())
	w.Data = &e.Data
	return json.Marshal(w)
}

// MarshalJSON writes the event with "type": "join".
func (e *JoinEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.wire(e.EventType())) }

// MarshalJSON writes the event with "type": "leave".
func (e *LeaveEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.wire(e.EventType())) }

// MarshalJSON writes the event with "type": "begin".
func (e *BeginEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.wire(e.EventType())) }

// MarshalJSON writes the event with "type": "end".
func (e *EndEvent) MarshalJSON() ([]byte, error) { return json.Marshal(e.wire(e.EventType())) }

// MarshalJSON writes the event with "type": "joined".
func (e *JoinedEvent) MarshalJSON() ([]byte, error) {
	w := e.wire(e.EventType())
	w.Members = e.Members
	return json.Marshal(w)
}

// MarshalJSON writes the event with "type": "left".
func (e *LeftEvent) MarshalJSON() ([]byte, error) {
	w := e.wire(e.EventType())
	w.Members = e.Members
	return json.Marshal(w)
}

// MarshalJSON returns Raw unchanged, or a minimal event when Raw is empty.
func (e *UnknownEvent) MarshalJSON() ([]byte, error) {
	if len(e.Raw) > 0 {
		return e.Raw, nil
	}
	return json.Marshal(e.wire(e.Type))
}

func marshalContent(typ string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	// v is a struct: splice "type" in front of its fields.
	out := make([]byte, 0, len(b)+len(typ)+12)
	out = append(out, `{"type":`...)
	out = strconv.AppendQuote(out, typ)
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// MarshalJSON writes the content with "type": "text".
func (c *TextContent) MarshalJSON() ([]byte, error) {
	type plain TextContent
	return marshalContent(c.ContentType(), (*plain)(c))
}

// MarshalJSON writes the content with "type": "location".
func (c *LocationContent) MarshalJSON() ([]byte, error) {
	type plain LocationContent
	return marshalContent(c.ContentType(), (*plain)(c))
}

// MarshalJSON writes the content with "type": "sticker".
func (c *StickerContent) MarshalJSON() ([]byte, error) {
	type plain StickerContent
	return marshalContent(c.ContentType(), (*plain)(c))
}

// MarshalJSON writes the content with "type": "image".
func (c *ImageContent) MarshalJSON() ([]byte, error) {
	type plain ImageContent
	return marshalContent(c.ContentType(), (*plain)(c))
}

// MarshalJSON writes the content with "type": "file".
func (c *FileContent) MarshalJSON() ([]byte, error) {
	type plain FileContent
	return marshalContent(c.ContentType(), (*plain)(c))
}

// MarshalJSON writes the content with "type": "audio".
func (c *AudioContent) MarshalJSON() ([]byte, error) {
	type plain AudioContent
	return marshalContent(c.ContentType(), (*plain)(c))
}

// MarshalJSON writes the content with "type": "video".
func (c *VideoContent) MarshalJSON() ([]byte, error) {
	type plain VideoContent
	return marshalContent(c.ContentType(), (*plain)(c))
}

// MarshalJSON returns Raw unchanged.
func (c *UnknownContent) MarshalJSON() ([]byte, error) {
	if len(c.Raw) == 0 {
		return []byte("null"), nil
	}
	return c.Raw, nil
}
