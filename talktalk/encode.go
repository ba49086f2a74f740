package talktalk

import (
	"strconv"
	"unicode/utf8"
)

// A hand-written encoder for the events a bot sends most (send events with
// text or image content and TEXT/LINK quick replies, typing actions). It
// writes exactly what encoding/json writes for them — TestFastEncoding and
// FuzzFastEncoding hold it to that byte for byte — and reports false for
// anything else, which then goes through encoding/json.

func appendFast(dst []byte, ev Event) ([]byte, bool) {
	switch e := ev.(type) {
	case *SendEvent:
		return appendSend(dst, e)
	case *ActionEvent:
		dst = append(dst, `{"event":"action"`...)
		if e.User != "" {
			dst = appendKey(dst, "user")
			dst = appendString(dst, e.User)
		}
		dst = append(dst, `,"options":{"action":`...)
		dst = appendString(dst, e.Options.Action)
		return append(dst, "}}"...), true
	default:
		// left to encoding/json
	}
	return dst, false
}

func appendSend(dst []byte, e *SendEvent) ([]byte, bool) {
	if e.Composite != nil || e.File != nil || e.MessageID != "" || e.Options.Product != nil {
		return dst, false
	}
	dst = append(dst, `{"event":"send"`...)
	if e.User != "" {
		dst = appendKey(dst, "user")
		dst = appendString(dst, e.User)
	}
	if e.Partner != "" {
		dst = appendKey(dst, "partner")
		dst = appendString(dst, e.Partner)
	}
	if e.Standby {
		dst = append(dst, `,"standby":true`...)
	}
	var ok bool
	if t := e.Text; t != nil {
		dst = append(dst, `,"textContent":{`...)
		n := len(dst)
		dst = appendFields(dst, n, "text", t.Text, "code", t.Code, "inputType", t.InputType)
		if dst, ok = appendQuickReply(dst, t.QuickReply, len(dst) > n); !ok {
			return dst, false
		}
		dst = append(dst, '}')
	}
	if im := e.Image; im != nil {
		dst = append(dst, `,"imageContent":{`...)
		n := len(dst)
		dst = appendFields(dst, n, "imageUrl", im.ImageURL, "imageId", im.ImageID)
		dst = appendFields(dst, n, "width", string(im.Width), "height", string(im.Height))
		if dst, ok = appendQuickReply(dst, im.QuickReply, len(dst) > n); !ok {
			return dst, false
		}
		dst = append(dst, '}')
	}
	o := &e.Options
	if o.Notification || o.Mobile != nil || o.NoReflectBot != nil {
		dst = append(dst, `,"options":{`...)
		n := len(dst)
		for _, f := range [...]struct {
			k string
			v *bool
		}{{"notification", boolPtr(o.Notification)}, {"mobile", o.Mobile}, {"noReflectBot", o.NoReflectBot}} {
			if f.v != nil {
				if len(dst) > n {
					dst = append(dst, ',')
				}
				dst = append(dst, '"')
				dst = append(dst, f.k...)
				dst = append(dst, `":`...)
				dst = strconv.AppendBool(dst, *f.v)
			}
		}
		dst = append(dst, '}')
	}
	return append(dst, '}'), true
}

var trueValue = true

// boolPtr returns a pointer for an omitempty bool: nil when false.
func boolPtr(b bool) *bool {
	if b {
		return &trueValue
	}
	return nil
}

// appendFields writes the non-empty string fields among the key, value
// pairs of an object opened at dst[n], as omitempty does.
func appendFields(dst []byte, n int, kv ...string) []byte {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if len(dst) > n {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = append(dst, kv[i]...)
		dst = append(dst, `":`...)
		dst = appendString(dst, kv[i+1])
	}
	return dst
}

// appendQuickReply writes ,"quickReply":{…} (without the comma when the
// object has no field before it).
func appendQuickReply(dst []byte, q *QuickReply, comma bool) ([]byte, bool) {
	if q == nil {
		return dst, true
	}
	if q.ButtonList == nil {
		return dst, false // encoding/json writes null
	}
	if comma {
		dst = append(dst, ',')
	}
	dst = append(dst, `"quickReply":{"buttonList":[`...)
	for i, b := range q.ButtonList {
		if i > 0 {
			dst = append(dst, ',')
		}
		switch b := b.(type) {
		case *TextButton:
			if b == nil {
				return dst, false
			}
			dst = append(dst, `{"type":"TEXT","data":{"title":`...)
			dst = appendString(dst, b.Title)
			if b.Code != "" {
				dst = appendKey(dst, "code")
				dst = appendString(dst, b.Code)
			}
			dst = append(dst, "}}"...)
		case *LinkButton:
			if b == nil || b.MobileTargetAttr != nil {
				return dst, false
			}
			dst = append(dst, `{"type":"LINK","data":{"title":`...)
			dst = appendString(dst, b.Title)
			dst = appendKey(dst, "url")
			dst = appendString(dst, b.URL)
			if b.MobileURL != "" {
				dst = appendKey(dst, "mobileUrl")
				dst = appendString(dst, b.MobileURL)
			}
			if b.MobileTarget != "" {
				dst = appendKey(dst, "mobileTarget")
				dst = appendString(dst, b.MobileTarget)
			}
			dst = append(dst, "}}"...)
		default:
			return dst, false
		}
	}
	return append(dst, "]}"...), true
}

func appendKey(dst []byte, k string) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, k...)
	return append(dst, '"', ':')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as encoding/json does (HTML-escaping <, > and &,
// \u2028 and \u2029 escaped, invalid UTF-8 replaced by \ufffd).
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
