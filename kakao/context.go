package kakao

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/channelkit/channelkit/internal/wire"
)

// Context is one active context of a skill request (contexts[i]): an
// output context a block set earlier that is still alive.
//
// Kakao's reference shows contexts only as []: the item shape is
// UNCONFIRMED. It decodes the shape third-party skill servers and
// libraries (kakao-chatbot's Context) read, {"name", "lifespan", "ttl",
// "params": {"key": {"value", "resolvedValue"}}}, and tolerates the forms
// seen beside it: "lifeSpan" (the spelling of a response's context
// control), numbers sent as strings, null for any field, and a parameter
// that is a bare string or number (the response form) rather than an
// object. Keys it does not know are kept in Extra and written back, so
// nothing Kakao adds is lost. Decoding an encoded Context gives it back
// unchanged.
//
// A context in any other shape (not an object, "params": [],
// "lifespan": true, a parameter that is an array or an object, …) does
// not fail the request: the fields that do decode are set, and Raw holds
// the whole item as it came. Because the item shape is unconfirmed, one
// odd context must not cost the user an answer.
type Context struct {
	Name string
	// Lifespan is how many more turns the context lives ("lifespan", or
	// "lifeSpan").
	Lifespan int
	// TTL is how long the context lives, in seconds (the unit is
	// UNCONFIRMED; Kakao's examples use 60 and 600).
	TTL int
	// Params are the context's parameters by name.
	Params map[string]ContextParam
	// Extra holds every other key, raw, compacted as encoding/json
	// writes it.
	Extra map[string]json.RawMessage
	// Raw is the whole context, compacted as encoding/json writes it,
	// when some part of it has a shape this type does not decode; nil
	// otherwise. The other fields then hold what did decode (a parameter
	// that did not is left out of Params). A Context with Raw set encodes
	// as Raw, unchanged, so the item goes back as it came.
	Raw json.RawMessage
}

// ContextParam is one parameter of a [Context].
type ContextParam struct {
	// Value is the parameter's value as the user said it (or as a block
	// set it).
	Value string
	// ResolvedValue is the value after entity resolution; empty when the
	// payload has none.
	ResolvedValue string
	// Extra holds every other key, raw, compacted as encoding/json
	// writes it.
	Extra map[string]json.RawMessage
}

// errContext is the decode error of a context, or a parameter, that is
// not JSON at all. encoding/json checks a value before it calls
// UnmarshalJSON, so only a direct call sees it.
var errContext = wire.Safe("kakao: a context is not valid JSON")

// UnmarshalJSON decodes a context in any of the forms [Context]
// describes. null decodes to the zero Context. Any other valid JSON
// decodes: what has another shape is kept in Raw. The only error is for
// input that is not JSON.
func (c *Context) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		if !json.Valid(b) {
			return errContext
		}
		// Not an object: a bare string, a number, an array.
		*c = Context{Raw: compact(b)}
		return nil
	}
	*c = Context{}
	if _, ok := m["lifespan"]; ok {
		delete(m, "lifeSpan") // the request's spelling wins
	}
	odd := false
	for k, v := range m {
		var err error
		switch k {
		case "name":
			c.Name, err = flexText(v)
		case "lifespan", "lifeSpan":
			c.Lifespan, err = flexInt(v)
		case "ttl":
			c.TTL, err = flexInt(v)
		case "params":
			c.Params, err = contextParams(v)
		default:
			if c.Extra == nil {
				c.Extra = make(map[string]json.RawMessage)
			}
			c.Extra[k] = compact(v)
		}
		if err != nil {
			odd = true
		}
	}
	if odd {
		c.Raw = compact(b)
	}
	return nil
}

// MarshalJSON writes Raw when it is set. Otherwise it writes the request
// form: "lifespan", params as objects, and Extra's keys as they came (a
// field of the same name wins).
func (c Context) MarshalJSON() ([]byte, error) {
	if c.Raw != nil {
		if !json.Valid(c.Raw) {
			return nil, errors.New("kakao: Context.Raw is not valid JSON")
		}
		return c.Raw, nil
	}
	m := make(map[string]any, len(c.Extra)+4)
	for k, v := range c.Extra {
		m[k] = v
	}
	m["name"] = c.Name
	m["lifespan"] = c.Lifespan
	if c.TTL != 0 {
		m["ttl"] = c.TTL
	} else {
		delete(m, "ttl")
	}
	if c.Params != nil {
		m["params"] = c.Params
	} else {
		delete(m, "params")
	}
	return json.Marshal(m)
}

// UnmarshalJSON decodes a parameter object {"value", "resolvedValue"}, or
// a bare string or number (its text is the Value). null decodes to the
// zero ContextParam.
func (p *ContextParam) UnmarshalJSON(b []byte) error {
	*p = ContextParam{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		s, err := flexText(b)
		p.Value = s
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return errContext
	}
	for k, v := range m {
		var err error
		switch k {
		case "value":
			p.Value, err = flexText(v)
		case "resolvedValue":
			p.ResolvedValue, err = flexText(v)
		default:
			if p.Extra == nil {
				p.Extra = make(map[string]json.RawMessage)
			}
			p.Extra[k] = compact(v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// MarshalJSON writes {"value", "resolvedValue"} (the latter when set)
// with Extra's keys.
func (p ContextParam) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(p.Extra)+2)
	for k, v := range p.Extra {
		m[k] = v
	}
	m["value"] = p.Value
	if p.ResolvedValue != "" {
		m["resolvedValue"] = p.ResolvedValue
	} else {
		delete(m, "resolvedValue")
	}
	return json.Marshal(m)
}

// compact returns a raw value as encoding/json writes it back (without
// insignificant space, with <, > and & escaped in strings), so that Extra
// survives a round trip unchanged.
func compact(v json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return bytes.Clone(v)
	}
	var e bytes.Buffer
	json.HTMLEscape(&e, b.Bytes())
	return e.Bytes()
}

var errContextField = errors.New("kakao: a context field has a type no payload uses")

// flexText reads a string, a number (its text) or null ("").
func flexText(v json.RawMessage) (string, error) {
	var f wire.FlexString
	if err := f.UnmarshalJSON(v); err != nil {
		return "", errContextField
	}
	return string(f), nil
}

// flexInt reads an integer sent as a number or a string; null and "" are
// 0.
func flexInt(v json.RawMessage) (int, error) {
	s, err := flexText(v)
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		// A fraction or exponent form of a whole number ("600.0", 6e2).
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int(f)) {
			return 0, errContextField
		}
		return int(f), nil
	}
	return n, nil
}

// contextParams reads params: an object of parameters, or null. A
// parameter of another shape is left out and reported with
// errContextField, beside the ones that decoded.
func contextParams(v json.RawMessage) (map[string]ContextParam, error) {
	if string(bytes.TrimSpace(v)) == "null" {
		return nil, nil
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(v, &raw) != nil {
		return nil, errContextField
	}
	m := make(map[string]ContextParam, len(raw))
	var err error
	for k, pv := range raw {
		var p ContextParam
		if p.UnmarshalJSON(pv) != nil {
			err = errContextField
			continue
		}
		m[k] = p
	}
	return m, err
}
