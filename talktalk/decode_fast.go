package talktalk

import (
	"encoding/json"
	"unicode/utf8"
)

// A hand-written decoder for the events a bot receives most: a user's text
// or image message ({"event":"send","user":…,"textContent":{"text":…,
// "inputType":…},"options":{"mobile":…}}, or "imageContent" with
// "imageUrl", "width" and "height"). It builds exactly what encoding/json builds
// from the same bytes — TestFastDecoding and FuzzFastDecoding hold it to
// that — and gives up on anything outside a strict subset of JSON: a key it
// does not know or sees twice, a string with a \u escape or invalid
// UTF-8, a null, a value of another JSON type. Such bodies, and every other event,
// go through encoding/json.

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
	s := fastScanner{b: body}
	ev := new(SendEvent)
	if !s.open() {
		return nil, false
	}
	seen := 0
	for more := s.first(); more; more = s.next() {
		k, ok := s.key()
		if !ok {
			return nil, false
		}
		var bit int
		switch string(k) {
		case "event":
			bit = seenEvent
			v, ok := s.rawString()
			if !ok || string(v) != EventSend {
				return nil, false
			}
		case "user":
			bit = seenUser
			ev.User, ok = s.str()
		case "partner":
			bit = seenPartner
			ev.Partner, ok = s.str()
		case "standby":
			bit = seenStandby
			ev.Standby, ok = s.boolean()
		case "messageId":
			bit = seenMessageID
			var n string
			n, ok = s.number()
			ev.MessageID = json.Number(n)
		case "textContent":
			bit = seenText
			ev.Text, ok = s.textContent()
		case "imageContent":
			bit = seenImage
			ev.Image, ok = s.imageContent()
		case "options":
			bit = seenOptions
			ok = s.sendOptions(&ev.Options)
		default:
			return nil, false
		}
		if !ok || seen&bit != 0 {
			return nil, false
		}
		seen |= bit
	}
	if !s.closed() || !s.end() || seen&seenEvent == 0 {
		return nil, false
	}
	return ev, true
}

func (s *fastScanner) textContent() (*TextContent, bool) {
	t := new(TextContent)
	if !s.open() {
		return nil, false
	}
	var text, code, inputType bool
	for more := s.first(); more; more = s.next() {
		k, ok := s.key()
		if !ok {
			return nil, false
		}
		var dup bool
		switch string(k) {
		case "text":
			dup, text = text, true
			t.Text, ok = s.str()
		case "code":
			dup, code = code, true
			t.Code, ok = s.str()
		case "inputType":
			dup, inputType = inputType, true
			t.InputType, ok = s.str()
		default:
			return nil, false
		}
		if !ok || dup {
			return nil, false
		}
	}
	return t, s.closed()
}

func (s *fastScanner) imageContent() (*ImageContent, bool) {
	im := new(ImageContent)
	if !s.open() {
		return nil, false
	}
	var seen [4]bool
	for more := s.first(); more; more = s.next() {
		k, ok := s.key()
		if !ok {
			return nil, false
		}
		var i int
		switch string(k) {
		case "imageUrl":
			im.ImageURL, ok = s.str()
		case "imageId":
			i = 1
			im.ImageID, ok = s.str()
		case "width":
			i = 2
			im.Width, ok = s.flex()
		case "height":
			i = 3
			im.Height, ok = s.flex()
		default:
			return nil, false
		}
		if !ok || seen[i] {
			return nil, false
		}
		seen[i] = true
	}
	return im, s.closed()
}

// flex reads a [FlexString]: a string, or a number as it is written.
func (s *fastScanner) flex() (FlexString, bool) {
	if s.peek() == '"' {
		v, ok := s.str()
		return FlexString(v), ok
	}
	n, ok := s.number()
	return FlexString(n), ok
}

func (s *fastScanner) sendOptions(o *SendOptions) bool {
	if !s.open() {
		return false
	}
	var notification bool
	for more := s.first(); more; more = s.next() {
		k, ok := s.key()
		if !ok {
			return false
		}
		var dup bool
		switch string(k) {
		case "notification":
			dup, notification = notification, true
			o.Notification, ok = s.boolean()
		case "mobile":
			dup = o.Mobile != nil
			o.Mobile, ok = s.boolPointer()
		case "noReflectBot":
			dup = o.NoReflectBot != nil
			o.NoReflectBot, ok = s.boolPointer()
		default:
			return false
		}
		if !ok || dup {
			return false
		}
	}
	return s.closed()
}

// fastScanner reads the strict JSON subset of the fast path. Every method
// skips the white space before its token and reports false on anything
// else.
type fastScanner struct {
	b   []byte
	i   int
	bad bool // a malformed separator was seen
}

func (s *fastScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, or 0 at the end.
func (s *fastScanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *fastScanner) open() bool {
	if s.peek() != '{' {
		return false
	}
	s.i++
	return true
}

// first reports whether the object just opened has a member.
func (s *fastScanner) first() bool { return s.peek() == '"' }

// next consumes the comma before another member and reports whether there
// is one; a comma not followed by a member marks the object bad.
func (s *fastScanner) next() bool {
	if s.peek() != ',' {
		return false
	}
	s.i++
	if s.peek() != '"' {
		s.bad = true
		return false
	}
	return true
}

// closed consumes the end of an object.
func (s *fastScanner) closed() bool {
	if s.bad || s.peek() != '}' {
		return false
	}
	s.i++
	return true
}

// end reports whether nothing but white space follows.
func (s *fastScanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// key returns a member's key, and consumes the colon after it.
func (s *fastScanner) key() ([]byte, bool) {
	k, ok := s.rawString()
	if !ok || s.peek() != ':' {
		return nil, false
	}
	s.i++
	return k, true
}

// rawString returns the bytes of a string without escapes, valid UTF-8
// and free of control characters, without its quotes.
func (s *fastScanner) rawString() ([]byte, bool) {
	if s.peek() != '"' {
		return nil, false
	}
	start := s.i + 1
	ascii := true
	for j := start; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			v := s.b[start:j]
			if !ascii && !utf8.Valid(v) {
				return nil, false
			}
			s.i = j + 1
			return v, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// str returns a string value. Of the escapes it reads the one-character
// ones (\" \\ \/ \b \f \n \r \t), which chat text has (new lines,
// quotes); a \u escape gives up.
func (s *fastScanner) str() (string, bool) {
	if s.peek() == '"' {
		if v, ok := s.rawString(); ok {
			return string(v), true
		}
	}
	return s.escaped()
}

// escaped reads the string at s.i, which rawString refused, unescaping
// one-character escapes.
func (s *fastScanner) escaped() (string, bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return "", false
	}
	out := make([]byte, 0, 64)
	ascii := true
	for j := s.i + 1; j < len(s.b); j++ {
		c := s.b[j]
		switch {
		case c == '"':
			if !ascii && !utf8.Valid(out) {
				return "", false
			}
			s.i = j + 1
			return string(out), true
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
			out = append(out, c)
		case c != '\\':
			out = append(out, c)
		case j+1 < len(s.b):
			j++
			e, ok := unescape(s.b[j])
			if !ok {
				return "", false
			}
			out = append(out, e)
		default:
			return "", false
		}
	}
	return "", false
}

// unescape returns the byte a one-character escape stands for.
func unescape(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

func (s *fastScanner) boolean() (bool, bool) {
	s.ws()
	switch {
	case hasLiteral(s.b[s.i:], "true"):
		s.i += 4
		return true, true
	case hasLiteral(s.b[s.i:], "false"):
		s.i += 5
		return false, true
	}
	return false, false
}

func (s *fastScanner) boolPointer() (*bool, bool) {
	v, ok := s.boolean()
	if !ok {
		return nil, false
	}
	return &v, true
}

func hasLiteral(b []byte, lit string) bool {
	return len(b) >= len(lit) && string(b[:len(lit)]) == lit
}

// number returns a JSON number literal as it is written.
func (s *fastScanner) number() (string, bool) {
	s.ws()
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return "", false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return "", false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return "", false
		}
		i = j
	}
	n := string(b[s.i:i])
	s.i = i
	return n, true
}

// digits returns the index after the digits starting at b[i].
func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}
