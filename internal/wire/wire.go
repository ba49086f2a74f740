// Package wire holds the JSON union helpers the platform packages share:
// reading a discriminator without decoding the whole object, listing an
// object's top-level keys for key-presence unions, and keeping raw bytes so
// that unknown variants round-trip exactly. Its [Scanner] reads the strict
// subset of JSON that the platforms' hand-written fast decoders take, and
// its [Object] walks the members of one object for them.
//
// All union decoding in channelkit goes through here, so a change of JSON
// engine touches one package.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// ErrNotObject is returned when the input is not a JSON object.
var ErrNotObject = errors.New("wire: not a JSON object")

// ErrSyntax is returned for malformed JSON found while scanning.
var ErrSyntax = errors.New("wire: malformed JSON")

// Peek returns the value of the top-level string field key in the JSON
// object data, without decoding anything else. found is false when the key
// is absent or its value is null; a non-string value is an error. Peek does
// not validate the parts of data it skips; the full decode that follows
// does.
func Peek(data []byte, key string) (value string, found bool, err error) {
	err = scanObject(data, func(k []byte, v []byte) (bool, error) {
		if !keyEquals(k, key) {
			return true, nil
		}
		if len(v) == 4 && string(v) == "null" {
			return false, nil
		}
		if len(v) == 0 || v[0] != '"' {
			return false, fmt.Errorf("wire: field %q is not a string", key)
		}
		s, uerr := unquote(v)
		if uerr != nil {
			return false, uerr
		}
		value, found = s, true
		return false, nil
	})
	return value, found, err
}

// Keys returns the top-level keys of the JSON object data, in order.
func Keys(data []byte) ([]string, error) {
	var keys []string
	err := scanObject(data, func(k, _ []byte) (bool, error) {
		s, err := unquote(k)
		if err != nil {
			return false, err
		}
		keys = append(keys, s)
		return true, nil
	})
	return keys, err
}

// Field returns the raw bytes of the top-level field key, or nil if absent.
func Field(data []byte, key string) ([]byte, error) {
	var out []byte
	err := scanObject(data, func(k, v []byte) (bool, error) {
		if keyEquals(k, key) {
			out = v
			return false, nil
		}
		return true, nil
	})
	return out, err
}

// Clone returns a copy of raw that does not alias the decoder's buffer.
func Clone(raw []byte) json.RawMessage {
	if raw == nil {
		return nil
	}
	return append(json.RawMessage(nil), raw...)
}

// IsNull reports whether raw is absent or the JSON literal null.
func IsNull(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// keyEquals compares a quoted key token with key. Keys with escapes are
// unquoted first.
func keyEquals(tok []byte, key string) bool {
	inner := tok[1 : len(tok)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner) == key
	}
	s, err := unquote(tok)
	return err == nil && s == key
}

func unquote(tok []byte) (string, error) {
	inner := tok[1 : len(tok)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), nil
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return "", ErrSyntax
	}
	return s, nil
}

// scanObject walks the top level of a JSON object and calls fn with each
// key token (quotes included) and raw value. fn returns false to stop.
func scanObject(data []byte, fn func(key, value []byte) (bool, error)) error {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return ErrNotObject
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return ErrSyntax
		}
		kend, err := skipString(data, i)
		if err != nil {
			return err
		}
		key := data[i:kend]
		i = skipWS(data, kend)
		if i >= len(data) || data[i] != ':' {
			return ErrSyntax
		}
		i = skipWS(data, i+1)
		vend, err := skipValue(data, i)
		if err != nil {
			return err
		}
		more, err := fn(key, data[i:vend])
		if err != nil || !more {
			return err
		}
		i = skipWS(data, vend)
		if i >= len(data) {
			return ErrSyntax
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case '}':
			return nil
		default:
			return ErrSyntax
		}
	}
}

func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index just past the string starting at data[i].
func skipString(data []byte, i int) (int, error) {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, ErrSyntax
}

// skipValue returns the index just past the value starting at data[i].
// Nested objects and arrays are skipped by bracket counting, honouring
// strings.
func skipValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, ErrSyntax
	}
	switch c := data[i]; {
	case c == '"':
		return skipString(data, i)
	case c == '{' || c == '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, err := skipString(data, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, ErrSyntax
	default:
		j := i
		for j < len(data) {
			switch data[j] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if j == i {
					return 0, ErrSyntax
				}
				return j, nil
			}
			j++
		}
		if j == i {
			return 0, ErrSyntax
		}
		return j, nil
	}
}

// FlexString decodes a JSON value that platforms send as either a string or
// a number (NAVER WORKS expires_in, CEK slot values) into its text form.
type FlexString string

// UnmarshalJSON accepts a string, a number or null.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return ErrSyntax
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexString(s)
	case string(b) == "null":
		*f = ""
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("wire: want string or number: %w", err)
		}
		*f = FlexString(n.String())
	}
	return nil
}

// Int64 parses the value as an integer.
func (f FlexString) Int64() (int64, error) { return strconv.ParseInt(string(f), 10, 64) }
