package naverworks

import (
	"strconv"
	"unicode/utf8"
)

// A hand-written decoder for the callbacks NAVER WORKS sends: a flat
// object of type, source, issuedTime, content, data and members, with the
// content's documented fields. It fills exactly the wireMessage that
// encoding/json fills from the same bytes — TestFastDecoding and
// FuzzFastDecoding hold it to that — and gives up on anything outside a
// strict subset of JSON: a key it does not know or sees twice (encoding/json
// matches keys in any case and keeps the last of repeated ones), a string
// with a \u escape or invalid UTF-8, a null, a value of another JSON type.
// Such bodies go through encoding/json, which also decides what is
// malformed.

// wireMessage is what the fast decoder fills: wireEvent with the content
// decoded.
type wireMessage struct {
	Type       string      `json:"type"`
	Source     wireSource  `json:"source"`
	IssuedTime string      `json:"issuedTime"`
	Content    wireContent `json:"content"`
	Data       string      `json:"data"`
	Members    []string    `json:"members"`
}

// decodeFast decodes body, or reports false.
func decodeFast(body []byte) (wireMessage, bool) {
	var m wireMessage
	s := scanner{b: body}
	if !s.open() {
		return m, false
	}
	var seen [6]bool
	for more := s.first(); more; more = s.next() {
		k, ok := s.key()
		if !ok {
			return wireMessage{}, false
		}
		var i int
		switch string(k) {
		case "type":
			m.Type, ok = s.str()
		case "source":
			i = 1
			ok = s.source(&m.Source)
		case "issuedTime":
			i = 2
			m.IssuedTime, ok = s.str()
		case "content":
			i = 3
			ok = s.content(&m.Content)
		case "data":
			i = 4
			m.Data, ok = s.str()
		case "members":
			i = 5
			m.Members, ok = s.strings()
		default:
			return wireMessage{}, false
		}
		if !ok || seen[i] {
			return wireMessage{}, false
		}
		seen[i] = true
	}
	if !s.closed() || !s.end() {
		return wireMessage{}, false
	}
	return m, true
}

func (s *scanner) source(src *wireSource) bool {
	if !s.open() {
		return false
	}
	var seen [3]bool
	for more := s.first(); more; more = s.next() {
		k, ok := s.key()
		if !ok {
			return false
		}
		var i int
		switch string(k) {
		case "userId":
			src.UserID, ok = s.str()
		case "channelId":
			i = 1
			src.ChannelID, ok = s.str()
		case "domainId":
			i = 2
			src.DomainID, ok = s.rawScalar()
		default:
			return false
		}
		if !ok || seen[i] {
			return false
		}
		seen[i] = true
	}
	return s.closed()
}

func (s *scanner) content(c *wireContent) bool {
	if !s.open() {
		return false
	}
	var seen [11]bool
	for more := s.first(); more; more = s.next() {
		k, ok := s.key()
		if !ok {
			return false
		}
		var i int
		switch string(k) {
		case "type":
			c.Type, ok = s.str()
		case "text":
			i = 1
			c.Text, ok = s.str()
		case "postback":
			i = 2
			c.Postback, ok = s.str()
		case "title":
			i = 3
			c.Title, ok = s.str()
		case "address":
			i = 4
			c.Address, ok = s.str()
		case "latitude":
			i = 5
			c.Latitude, ok = s.float()
		case "longitude":
			i = 6
			c.Longitude, ok = s.float()
		case "packageId":
			i = 7
			c.PackageID, ok = s.str()
		case "stickerId":
			i = 8
			c.StickerID, ok = s.str()
		case "fileId":
			i = 9
			c.FileID, ok = s.str()
		case "fileName":
			i = 10
			c.FileName, ok = s.str()
		default:
			return false
		}
		if !ok || seen[i] {
			return false
		}
		seen[i] = true
	}
	return s.closed()
}

// strings reads an array of strings; [] is an empty, non-nil slice, as
// encoding/json makes it.
func (s *scanner) strings() ([]string, bool) {
	if s.peek() != '[' {
		return nil, false
	}
	s.i++
	out := []string{}
	if s.peek() == ']' {
		s.i++
		return out, true
	}
	for {
		v, ok := s.str()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return out, true
		default:
			return nil, false
		}
	}
}

// rawScalar returns a number, or a string without escapes, as it is
// written (quotes included): what a rawJSON keeps.
func (s *scanner) rawScalar() (rawJSON, bool) {
	start := s.peekIndex()
	if s.peek() == '"' {
		if _, ok := s.rawString(); !ok {
			return nil, false
		}
	} else if _, ok := s.number(); !ok {
		return nil, false
	}
	return rawJSON(s.b[start:s.i]), true
}

// float reads a number as encoding/json does into a float64, giving up
// where it would fail (out of range).
func (s *scanner) float() (float64, bool) {
	n, ok := s.number()
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	return f, err == nil
}

// scanner reads the strict JSON subset of the fast path. Every method
// skips the white space before its token and reports false on anything
// else.
type scanner struct {
	b   []byte
	i   int
	bad bool // a malformed separator was seen
}

func (s *scanner) ws() {
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
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// peekIndex returns where the next token starts.
func (s *scanner) peekIndex() int {
	s.ws()
	return s.i
}

func (s *scanner) open() bool {
	if s.peek() != '{' {
		return false
	}
	s.i++
	return true
}

// first reports whether the object just opened has a member.
func (s *scanner) first() bool { return s.peek() == '"' }

// next consumes the comma before another member and reports whether there
// is one; a comma not followed by a member marks the object bad.
func (s *scanner) next() bool {
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
func (s *scanner) closed() bool {
	if s.bad || s.peek() != '}' {
		return false
	}
	s.i++
	return true
}

// end reports whether nothing but white space follows.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// key returns a member's key, and consumes the colon after it.
func (s *scanner) key() ([]byte, bool) {
	k, ok := s.rawString()
	if !ok || s.peek() != ':' {
		return nil, false
	}
	s.i++
	return k, true
}

// rawString returns the bytes of a string without escapes, valid UTF-8
// and free of control characters, without its quotes.
func (s *scanner) rawString() ([]byte, bool) {
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
func (s *scanner) str() (string, bool) {
	if s.peek() == '"' {
		if v, ok := s.rawString(); ok {
			return string(v), true
		}
	}
	return s.escaped()
}

// escaped reads the string at s.i, which rawString refused, unescaping
// one-character escapes.
func (s *scanner) escaped() (string, bool) {
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

// number returns a JSON number literal as it is written.
func (s *scanner) number() ([]byte, bool) {
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
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return nil, false
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
			return nil, false
		}
		i = j
	}
	n := b[s.i:i]
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
