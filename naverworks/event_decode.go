package naverworks

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/internal/wire"
)

// wireEvent is every event field in one flat struct, with the content
// kept raw, for encoding/json: the decoding of every callback the fast
// decoder (event_fast.go) gives up on.
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
	UserID    string  `json:"userId"`
	ChannelID string  `json:"channelId"`
	DomainID  rawJSON `json:"domainId"`
}

// rawJSON is a JSON value's bytes, not copied: they point into the body
// being decoded, which the event keeps anyway (Envelope.Raw).
type rawJSON []byte

// UnmarshalJSON keeps b.
func (r *rawJSON) UnmarshalJSON(b []byte) error {
	*r = b
	return nil
}

func (w *wireSource) source() Source {
	s := Source{UserID: w.UserID, ChannelID: w.ChannelID}
	d := w.DomainID
	switch {
	case len(d) == 0 || d[0] == 'n': // absent or null
	case d[0] == '"':
		// Escapes and invalid UTF-8 (which encoding/json replaces with
		// U+FFFD) need the decoder.
		if v := d[1 : len(d)-1]; !bytes.ContainsRune(v, '\\') && utf8.Valid(v) {
			s.DomainID = string(v)
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

// decodeEvent is [Decode].
func decodeEvent(body []byte) (Event, error) {
	if m, ok := decodeFast(body); ok && m.Type != "" && (m.Type != "message" || m.Content.known()) {
		env := Envelope{Source: m.Source.source(), IssuedTime: parseTime(m.IssuedTime), Raw: body}
		if m.Type == "message" {
			return &MessageEvent{Envelope: env, Content: m.Content.build(nil)}, nil
		}
		w := wireEvent{Type: m.Type, Data: m.Data, Members: m.Members}
		return buildEvent(env, &w), nil
	}
	return decodeSlow(body)
}

// decodeSlow is [Decode] through encoding/json, for every body.
func decodeSlow(body []byte) (Event, error) {
	var w wireEvent
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, malformed(err)
	}
	if w.Type == "" {
		return nil, webhookio.Malformed("naverworks", errors.New(`no "type"`))
	}
	env := Envelope{Source: w.Source.source(), IssuedTime: parseTime(w.IssuedTime), Raw: body}
	return buildEvent(env, &w), nil
}

func malformed(err error) error {
	return webhookio.Malformed("naverworks", wire.JSONError(err))
}

func buildEvent(env Envelope, w *wireEvent) Event {
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
	return &UnknownEvent{Envelope: env, EventType: w.Type}
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
		return &UnknownContent{ContentType: typ, Raw: raw}
	}
	return c.build(raw)
}

// known reports whether c is of a type [wireContent.build] builds from
// its fields alone.
func (c *wireContent) known() bool {
	switch c.Type {
	case "text", "location", "sticker", "image", "file", "audio", "video":
		return true
	}
	return false
}

// build returns the content c holds; raw is the content's JSON, kept by a
// content of an unknown type.
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
	return &UnknownContent{ContentType: c.Type, Raw: raw}
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
