package kakao

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// The handler's encoder of a response: what json.Marshal writes, byte for
// byte (FuzzResponse checks it), without encoding/json's reflection for
// the envelope and the commonest outputs, since an answer is encoded on
// every request. Everything else goes through encoding/json.

// appendJSON appends r's JSON encoding to b.
func (r *Response) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"version":"2.0"`...)
	var err error
	if t := r.Template; t != nil {
		b = append(b, `,"template":{"outputs":`...)
		if t.Outputs == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for i := range t.Outputs {
				if i > 0 {
					b = append(b, ',')
				}
				if b, err = t.Outputs[i].appendJSON(b); err != nil {
					return nil, err
				}
			}
			b = append(b, ']')
		}
		if len(t.QuickReplies) > 0 {
			b = append(b, `,"quickReplies":`...)
			if b, err = appendMarshal(b, t.QuickReplies); err != nil {
				return nil, err
			}
		}
		b = append(b, '}')
	}
	if r.Context != nil {
		b = append(b, `,"context":`...)
		if b, err = appendMarshal(b, r.Context); err != nil {
			return nil, err
		}
	}
	if len(r.Data) > 0 {
		b = append(b, `,"data":`...)
		if b, err = appendMarshal(b, r.Data); err != nil {
			return nil, err
		}
	}
	if r.UseCallback {
		b = append(b, `,"useCallback":true`...)
	}
	return append(b, '}'), nil
}

// appendJSON appends o's JSON encoding to b: a simpleText or simpleImage
// directly, anything else through encoding/json.
func (o *Output) appendJSON(b []byte) ([]byte, error) {
	_, _, n := o.kindCount()
	switch {
	case n == 1 && o.SimpleText != nil && safeString(o.SimpleText.Text):
		b = append(b, `{"simpleText":{"text":"`...)
		b = append(b, o.SimpleText.Text...)
		return append(b, `"}}`...), nil
	case n == 1 && o.SimpleImage != nil && safeString(o.SimpleImage.ImageURL) && safeString(o.SimpleImage.AltText):
		b = append(b, `{"simpleImage":{"imageUrl":"`...)
		b = append(b, o.SimpleImage.ImageURL...)
		b = append(b, '"')
		if o.SimpleImage.AltText != "" {
			b = append(b, `,"altText":"`...)
			b = append(b, o.SimpleImage.AltText...)
			b = append(b, '"')
		}
		return append(b, "}}"...), nil
	}
	return appendMarshal(b, o)
}

// appendMarshal appends json.Marshal(v) to b.
func appendMarshal(b []byte, v any) ([]byte, error) {
	enc, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, enc...), nil
}

// safeString reports whether encoding/json writes s as is between quotes:
// valid UTF-8 with no byte it escapes (control characters, '"', '\\',
// and '<', '>', '&', which it escapes for HTML) and no U+2028 or U+2029.
func safeString(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return ascii || utf8.ValidString(s) && !strings.Contains(s, "\u2028") && !strings.Contains(s, "\u2029")
}
