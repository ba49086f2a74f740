package clova

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/channelkit/channelkit/internal/wire"
	"github.com/channelkit/channelkit/message"
)

// stateOf returns the conversation state that req's session attributes
// carry under StateAttribute: the string's bytes, the raw JSON of a value
// that is not a string, or nil when there is none (or the attributes are
// not an object).
func stateOf(req *Request) []byte {
	if req.Session == nil || wire.IsNull(req.Session.SessionAttributes) {
		return nil
	}
	raw, err := wire.Field(req.Session.SessionAttributes, StateAttribute)
	if err != nil || wire.IsNull(raw) {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []byte(s)
	}
	return wire.Clone(raw)
}

// attributesWith returns the session attributes of the response to req:
// the request's own (when they are an object), with StateAttribute set to
// conv's value if the Handler changed it (removed for a nil value). A value
// that is not UTF-8 cannot be a JSON string, and is an error.
func attributesWith(req *Request, conv *message.Conversation) (json.RawMessage, error) {
	var in json.RawMessage
	if req.Session != nil && isObject(req.Session.SessionAttributes) {
		in = req.Session.SessionAttributes
	}
	if !conv.Changed() {
		return in, nil
	}
	v := conv.Value()
	if v != nil && !utf8.Valid(v) {
		return nil, errors.New("clova: the conversation state is not UTF-8 text, which session attributes cannot carry")
	}
	attrs := map[string]json.RawMessage{}
	if in != nil {
		if err := json.Unmarshal(in, &attrs); err != nil {
			return nil, fmt.Errorf("clova: session attributes: %w", wire.JSONError(err))
		}
	}
	if v == nil {
		delete(attrs, StateAttribute)
	} else {
		s, err := json.Marshal(string(v))
		if err != nil {
			return nil, fmt.Errorf("clova: encoding the conversation state: %w", err)
		}
		attrs[StateAttribute] = s
	}
	out, err := json.Marshal(attrs)
	if err != nil {
		return nil, fmt.Errorf("clova: encoding session attributes: %w", err)
	}
	return out, nil
}

// isObject reports whether raw, JSON the request decoder accepted, is an
// object.
func isObject(raw []byte) bool {
	raw = trimLeft(raw)
	return len(raw) > 0 && raw[0] == '{'
}
