package message

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// TruncateText cuts s to at most max units of u, on a rune boundary. It
// reports whether anything was cut. A max of 0 or less means no limit.
func TruncateText(s string, max int, u Unit) (string, bool) {
	if max <= 0 || u.Len(s) <= max {
		return s, false
	}
	return s[:cut(s, max, u)], true
}

// Truncate is [TruncateText] that records a Truncated loss at path when it
// cuts.
func (rep *Report) Truncate(path, s string, max int, u Unit) string {
	out, cutted := TruncateText(s, max, u)
	if cutted {
		rep.Addf(path, Truncated, "limit is %d %s", max, u)
	}
	return out
}

// cut returns the largest byte offset such that s[:off] is at most max units.
func cut(s string, max int, u Unit) int {
	n := 0
	for i, r := range s {
		var w int
		switch u {
		case UTF16:
			w = utf16.RuneLen(r)
			if w < 0 {
				w = 1
			}
		case Bytes:
			// The bytes the rune takes in s, as Unit.Len counts them: an
			// invalid byte decodes as U+FFFD (3 bytes) but takes 1.
			_, w = utf8.DecodeRuneInString(s[i:])
		default:
			w = 1
		}
		if n+w > max {
			return i
		}
		n += w
	}
	return len(s)
}

// SplitText breaks s into pieces of at most max units of u each, preferring to
// break after a newline, then after white space, and cutting mid-word only
// when a single word is longer than max. A single rune wider than max (an
// emoji with max 1 in UTF16) becomes a piece of its own, over the limit. Concatenating the pieces gives back
// s exactly. A max of 0 or less, or an s that fits, returns []string{s}.
func SplitText(s string, max int, u Unit) []string {
	if max <= 0 || u.Len(s) <= max {
		return []string{s}
	}
	var out []string
	for u.Len(s) > max {
		hard := cut(s, max, u)
		if hard == 0 { // a single rune wider than max: take it anyway
			_, w := utf8.DecodeRuneInString(s)
			hard = w
		}
		at := hard
		if i := strings.LastIndexByte(s[:hard], '\n'); i > 0 {
			at = i + 1
		} else if i := lastSpace(s[:hard]); i > 0 {
			at = i
		}
		out = append(out, s[:at])
		s = s[at:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// lastSpace returns the byte offset just after the last white-space rune in
// s, or -1.
func lastSpace(s string) int {
	for i := len(s); i > 0; {
		r, w := utf8.DecodeLastRuneInString(s[:i])
		if unicode.IsSpace(r) {
			return i
		}
		i -= w
	}
	return -1
}

// Split is [SplitText] that records a Split loss at path when it produces
// more than one piece.
func (rep *Report) Split(path, s string, max int, u Unit) []string {
	parts := SplitText(s, max, u)
	if len(parts) > 1 {
		rep.Addf(path, Split, "%d messages of at most %d %s", len(parts), max, u)
	}
	return parts
}
