package wire

import (
	"strconv"
	"unicode/utf8"
)

// Scanner reads a strict subset of JSON token by token, for the hand-written
// decoders that take the bodies a platform sends most without
// encoding/json. Every method skips the white space before its token,
// consumes the token, and reports false on anything outside the subset,
// where the decoder gives up and leaves the body to encoding/json, which
// also decides what is malformed.
//
// The subset: objects and arrays; strings free of \u escapes, raw control
// characters and invalid UTF-8; numbers; true, false and null (read only
// by [Scanner.Null], for a decoder that handles it). A Scanner never takes
// invalid JSON. What it yields is what
// encoding/json yields from the same bytes (FuzzScanner holds it to that).
// Keys are given raw, so the decoder matches them exactly, and it gives up
// on one it does not know or sees twice: encoding/json matches keys in any
// case and keeps the last of repeated ones.
//
// An object is read as
//
//	if !s.Open() {
//		return false
//	}
//	for more := s.First(); more; more = s.Next() {
//		k, ok := s.Key()
//		… read the value for k …
//	}
//	return s.Close()
//
// or, refusing repeated keys by a table of places, with [Object].
type Scanner struct {
	data []byte
	i    int
	bad  bool // a malformed separator was seen
}

// NewScanner returns a Scanner at the start of data. It is a value, so
// that a decoder keeps it on its stack.
func NewScanner(data []byte) Scanner { return Scanner{data: data} }

// Open consumes the { that starts an object.
func (s *Scanner) Open() bool {
	if s.peek() != '{' {
		return false
	}
	s.i++
	return true
}

// First reports whether the object just opened has a member.
func (s *Scanner) First() bool { return s.peek() == '"' }

// Next consumes the comma before another member and reports whether there
// is one; a comma not followed by a member makes [Scanner.Close] fail.
func (s *Scanner) Next() bool {
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

// Close consumes the } that ends an object, and reports whether the object
// was well formed.
func (s *Scanner) Close() bool {
	if s.bad || s.peek() != '}' {
		return false
	}
	s.i++
	return true
}

// End reports whether nothing but white space follows.
func (s *Scanner) End() bool {
	s.ws()
	return s.i == len(s.data)
}

// Key returns a member's key as it is written, without its quotes, and
// consumes the colon after it. A key with an escape gives up.
func (s *Scanner) Key() ([]byte, bool) {
	k, ok := s.RawText()
	if !ok || s.peek() != ':' {
		return nil, false
	}
	s.i++
	return k, true
}

// RawText returns the bytes of a string without escapes, without its
// quotes. The bytes alias the input.
func (s *Scanner) RawText() ([]byte, bool) {
	if s.peek() != '"' {
		return nil, false
	}
	start := s.i + 1
	ascii := true
	for j := start; j < len(s.data); j++ {
		switch c := s.data[j]; {
		case c == '"':
			v := s.data[start:j]
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

// Text returns a string value. Of the escapes it reads the one-character
// ones (\" \\ \/ \b \f \n \r \t), which chat text has (new lines, quotes);
// a \u escape gives up.
func (s *Scanner) Text() (string, bool) {
	if s.peek() == '"' {
		if v, ok := s.RawText(); ok {
			return string(v), true
		}
	}
	return s.escaped()
}

// escaped reads the string at s.i, which RawText refused, undoing
// one-character escapes.
func (s *Scanner) escaped() (string, bool) {
	if s.i >= len(s.data) || s.data[s.i] != '"' {
		return "", false
	}
	out := make([]byte, 0, 64)
	ascii := true
	for j := s.i + 1; j < len(s.data); j++ {
		c := s.data[j]
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
		case j+1 < len(s.data):
			j++
			e, ok := unescape(s.data[j])
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

// Strings reads an array of strings, each as [Scanner.Text] reads it; []
// is an empty, non-nil slice, as encoding/json makes it.
func (s *Scanner) Strings() ([]string, bool) {
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
		v, ok := s.Text()
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

// Number returns a number literal as it is written. The bytes alias the
// input.
func (s *Scanner) Number() ([]byte, bool) {
	s.ws()
	b, i := s.data, s.i
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

// Float64 reads a number as encoding/json does into a float64, giving up
// where that fails (out of range).
func (s *Scanner) Float64() (float64, bool) {
	n, ok := s.Number()
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	return f, err == nil
}

// Bool reads true or false.
func (s *Scanner) Bool() (value, ok bool) {
	s.ws()
	switch {
	case hasLiteral(s.data[s.i:], "true"):
		s.i += 4
		return true, true
	case hasLiteral(s.data[s.i:], "false"):
		s.i += 5
		return false, true
	}
	return false, false
}

func hasLiteral(b []byte, lit string) bool {
	return len(b) >= len(lit) && string(b[:len(lit)]) == lit
}

// Scalar returns a number, or a string without escapes, as it is written
// (quotes included): what an [encoding/json.RawMessage] keeps. The bytes alias the
// input.
func (s *Scanner) Scalar() ([]byte, bool) {
	start := s.peekIndex()
	if s.peek() == '"' {
		if _, ok := s.RawText(); !ok {
			return nil, false
		}
	} else if _, ok := s.Number(); !ok {
		return nil, false
	}
	return s.data[start:s.i], true
}

// Flex reads what a [FlexString] holds: a string, as [Scanner.Text] reads
// it, or a number as it is written.
func (s *Scanner) Flex() (FlexString, bool) {
	if s.peek() == '"' {
		v, ok := s.Text()
		return FlexString(v), ok
	}
	n, ok := s.Number()
	return FlexString(n), ok
}

func (s *Scanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, or 0 at the end.
func (s *Scanner) peek() byte {
	s.ws()
	if s.i < len(s.data) {
		return s.data[s.i]
	}
	return 0
}

// peekIndex returns where the next token starts.
func (s *Scanner) peekIndex() int {
	s.ws()
	return s.i
}

// Peek returns the first byte of the next token, or 0 at the end, for a
// decoder that reads a value of one of several types: '"' before a
// string, '{' before an object, '[' before an array, 't' or 'f' before a
// bool, 'n' before null, and '-' or a digit before a number.
func (s *Scanner) Peek() byte { return s.peek() }

// Null consumes null, for a decoder that gives null the meaning
// encoding/json gives it where it decodes (a zero value, a nil map).
func (s *Scanner) Null() bool {
	s.ws()
	if !hasLiteral(s.data[s.i:], "null") {
		return false
	}
	s.i += 4
	return true
}

// OpenArray consumes the [ that starts an array. An array of values
// other than strings is read as
//
//	if !s.OpenArray() {
//		return false
//	}
//	for more := s.FirstItem(); more; more = s.NextItem() {
//		… read one value …
//	}
//	return s.CloseArray()
func (s *Scanner) OpenArray() bool {
	if s.peek() != '[' {
		return false
	}
	s.i++
	return true
}

// FirstItem reports whether the array just opened has an item.
func (s *Scanner) FirstItem() bool {
	c := s.peek()
	return c != ']' && c != 0
}

// NextItem consumes the comma before another item and reports whether
// there is one; a comma not followed by an item makes
// [Scanner.CloseArray] fail.
func (s *Scanner) NextItem() bool {
	if s.peek() != ',' {
		return false
	}
	s.i++
	if c := s.peek(); c == ']' || c == 0 {
		s.bad = true
		return false
	}
	return true
}

// CloseArray consumes the ] that ends an array, and reports whether the
// array was well formed.
func (s *Scanner) CloseArray() bool {
	if s.bad || s.peek() != ']' {
		return false
	}
	s.i++
	return true
}
