package talktalk

import (
	"encoding/json"

	"github.com/channelkit/channelkit/internal/wire"
)

// A hand-written decoder for the events a bot receives most: a user's text
// or image message ({"event":"send","user":…,"textContent":{"text":…,
// "inputType":…},"options":{"mobile":…}}, or "imageContent" with
// "imageUrl", "width" and "height"). It builds exactly what encoding/json builds
// from the same bytes — TestFastDecoding and FuzzFastDecoding hold it to
// that — and gives up on anything outside a strict subset of JSON: a key it
// does not know or sees twice, a string with a \u escape or invalid
// UTF-8, a null, a value of another JSON type. Such bodies, and every other event,
// go through encoding/json. [wire.Scanner] reads the subset.

// Bits of the keys a fast decoding has seen, to give up on a repeated one
// (encoding/json keeps the last; the fast path does not try to).
const (
	seenEvent = 1 << iota
	seenUser
	seenPartner
	seenStandby
	seenMessageID
	seenText
	seenImage
	seenOptions
)

// decodeSendFast decodes body as a send event, or reports false.
func decodeSendFast(body []byte) (*SendEvent, bool) {
	s := wire.NewScanner(body)
	ev := new(SendEvent)
	if !s.Open() {
		return nil, false
	}
	seen := 0
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		var bit int
		switch string(k) {
		case "event":
			bit = seenEvent
			v, ok := s.RawText()
			if !ok || string(v) != EventSend {
				return nil, false
			}
		case "user":
			bit = seenUser
			ev.User, ok = s.Text()
		case "partner":
			bit = seenPartner
			ev.Partner, ok = s.Text()
		case "standby":
			bit = seenStandby
			ev.Standby, ok = s.Bool()
		case "messageId":
			bit = seenMessageID
			var n []byte
			n, ok = s.Number()
			ev.MessageID = json.Number(n)
		case "textContent":
			bit = seenText
			ev.Text, ok = fastText(&s)
		case "imageContent":
			bit = seenImage
			ev.Image, ok = fastImage(&s)
		case "options":
			bit = seenOptions
			ok = fastOptions(&s, &ev.Options)
		default:
			return nil, false
		}
		if !ok || seen&bit != 0 {
			return nil, false
		}
		seen |= bit
	}
	if !s.Close() || !s.End() || seen&seenEvent == 0 {
		return nil, false
	}
	return ev, true
}

// fastText reads a textContent object.
func fastText(s *wire.Scanner) (*TextContent, bool) {
	t := new(TextContent)
	if !s.Open() {
		return nil, false
	}
	var text, code, inputType bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		var dup bool
		switch string(k) {
		case "text":
			dup, text = text, true
			t.Text, ok = s.Text()
		case "code":
			dup, code = code, true
			t.Code, ok = s.Text()
		case "inputType":
			dup, inputType = inputType, true
			t.InputType, ok = s.Text()
		default:
			return nil, false
		}
		if !ok || dup {
			return nil, false
		}
	}
	return t, s.Close()
}

// fastImage reads an imageContent object.
func fastImage(s *wire.Scanner) (*ImageContent, bool) {
	im := new(ImageContent)
	if !s.Open() {
		return nil, false
	}
	var seen [4]bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return nil, false
		}
		var i int
		switch string(k) {
		case "imageUrl":
			im.ImageURL, ok = s.Text()
		case "imageId":
			i = 1
			im.ImageID, ok = s.Text()
		case "width":
			i = 2
			im.Width, ok = flex(s)
		case "height":
			i = 3
			im.Height, ok = flex(s)
		default:
			return nil, false
		}
		if !ok || seen[i] {
			return nil, false
		}
		seen[i] = true
	}
	return im, s.Close()
}

// flex reads a [FlexString]: a string, or a number as it is written.
func flex(s *wire.Scanner) (FlexString, bool) {
	v, ok := s.Flex()
	return FlexString(v), ok
}

// boolPointer reads true or false into a new bool.
func boolPointer(s *wire.Scanner) (*bool, bool) {
	v, ok := s.Bool()
	if !ok {
		return nil, false
	}
	return &v, true
}

// fastOptions reads a send event's options.
func fastOptions(s *wire.Scanner, o *SendOptions) bool {
	if !s.Open() {
		return false
	}
	var notification bool
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if !ok {
			return false
		}
		var dup bool
		switch string(k) {
		case "notification":
			dup, notification = notification, true
			o.Notification, ok = s.Bool()
		case "mobile":
			dup = o.Mobile != nil
			o.Mobile, ok = boolPointer(s)
		case "noReflectBot":
			dup = o.NoReflectBot != nil
			o.NoReflectBot, ok = boolPointer(s)
		default:
			return false
		}
		if !ok || dup {
			return false
		}
	}
	return s.Close()
}
