package naverworks

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/internal/wire"
)

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

// decodeEvent is [Decode].
func decodeEvent(body []byte) (Event, error) {
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
