package clova

import (
	"encoding/json"
	"fmt"

	"github.com/channelkit/channelkit/internal/wire"
)

// Response is a CEK response message: what an extension answers. Build one
// with [NewResponse]; [WebhookHandler] fills Version from the request when
// it is empty and validates the response before sending it.
//
// Zero-valued parts are written the way CEK expects: a nil OutputSpeech as
// {}, a nil Card as {}, nil Directives as [], nil SessionAttributes as {}.
type Response struct {
	Version string
	// SessionAttributes is sent back in the next request of the session:
	// a JSON object, or nil for {}. Set it with SetSessionAttributes.
	SessionAttributes json.RawMessage
	Response          ResponseBody
}

// ResponseBody is the "response" object.
type ResponseBody struct {
	// OutputSpeech is what CLOVA says; nil sends {} (directives only).
	OutputSpeech *OutputSpeech
	// Card is a content template for devices with a screen, as raw JSON;
	// nil sends {}, which shows OutputSpeech as text.
	Card json.RawMessage
	// Directives are sent to the client ([AudioPlay], [PlaybackStop], …).
	Directives []Directive
	// Reprompt is spoken once if the user stays silent; only allowed with
	// ShouldEndSession false.
	Reprompt *Reprompt
	// ShouldEndSession ends the session (true) or keeps listening (false).
	ShouldEndSession bool
}

// Reprompt is what CLOVA says when the user does not answer.
type Reprompt struct {
	OutputSpeech *OutputSpeech `json:"outputSpeech"`
}

// NewResponse returns a response that says speech and ends the session.
// Set Response.ShouldEndSession to false to keep listening.
func NewResponse(speech *OutputSpeech) *Response {
	return &Response{Response: ResponseBody{OutputSpeech: speech, ShouldEndSession: true}}
}

// SetSessionAttributes encodes v (which must encode to a JSON object) as the
// session attributes. A v that encodes to anything else is an
// [*ArgumentError].
func (r *Response) SetSessionAttributes(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("clova: encoding session attributes: %w", err)
	}
	if wire.IsNull(b) {
		r.SessionAttributes = nil
		return nil
	}
	if _, err := wire.Keys(b); err != nil {
		return argError("Response.SetSessionAttributes", "v", "must encode to a JSON object")
	}
	r.SessionAttributes = b
	return nil
}

// MarshalJSON writes the CEK wire form.
func (r Response) MarshalJSON() ([]byte, error) { return r.marshal("") }

// marshal encodes r, with defaultVersion when r.Version is empty.
func (r *Response) marshal(defaultVersion string) ([]byte, error) {
	// One encoding pass over plain structs: nested MarshalJSON methods would
	// each be re-validated by encoding/json.
	out := responseOut{Version: r.Version, SessionAttributes: struct{}{}, Response: r.Response.out()}
	if out.Version == "" {
		out.Version = defaultVersion
	}
	if !wire.IsNull(r.SessionAttributes) {
		out.SessionAttributes = r.SessionAttributes
	}
	return json.Marshal(&out)
}

type responseOut struct {
	Version           string          `json:"version"`
	SessionAttributes any             `json:"sessionAttributes"`
	Response          responseBodyOut `json:"response"`
}

type responseBodyOut struct {
	OutputSpeech     speechOut    `json:"outputSpeech"`
	Card             any          `json:"card"`
	Directives       []Directive  `json:"directives"`
	Reprompt         *repromptOut `json:"reprompt,omitempty"`
	ShouldEndSession bool         `json:"shouldEndSession"`
}

type repromptOut struct {
	OutputSpeech *speechOut `json:"outputSpeech"`
}

// speechOut is an OutputSpeech in wire shape; Values holds a SpeechInfo or
// a []SpeechInfo.
type speechOut struct {
	Type    SpeechType  `json:"type,omitempty"`
	Values  any         `json:"values,omitempty"`
	Brief   *SpeechInfo `json:"brief,omitempty"`
	Verbose *speechOut  `json:"verbose,omitempty"`
}

func (b *ResponseBody) out() responseBodyOut {
	o := responseBodyOut{Card: struct{}{}, Directives: b.Directives, ShouldEndSession: b.ShouldEndSession}
	b.OutputSpeech.fill(&o.OutputSpeech)
	if !wire.IsNull(b.Card) {
		o.Card = b.Card
	}
	if o.Directives == nil {
		o.Directives = []Directive{}
	}
	if b.Reprompt != nil {
		o.Reprompt = &repromptOut{OutputSpeech: b.Reprompt.OutputSpeech.out()}
	}
	return o
}

func (s *OutputSpeech) out() *speechOut {
	if s == nil {
		return nil
	}
	o := new(speechOut)
	s.fill(o)
	return o
}

// fill writes s in wire shape into o; a nil s leaves o empty ({}).
func (s *OutputSpeech) fill(o *speechOut) {
	if s == nil {
		return
	}
	*o = speechOut{Type: s.Type, Brief: s.Brief, Verbose: s.Verbose.out()}
	switch {
	case s.Type == SimpleSpeechType && len(s.Values) == 1:
		o.Values = &s.Values[0]
	case s.Type == SpeechSetType && len(s.Values) == 0:
	case s.Type == "" && len(s.Values) == 0:
	default:
		vs := s.Values
		if vs == nil {
			vs = []SpeechInfo{}
		}
		o.Values = vs
	}
}

// UnmarshalJSON reads the CEK wire form.
func (r *Response) UnmarshalJSON(data []byte) error {
	var w struct {
		Version           string          `json:"version"`
		SessionAttributes json.RawMessage `json:"sessionAttributes"`
		Response          ResponseBody    `json:"response"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("clova: decoding response: %w", wire.JSONError(err))
	}
	*r = Response{Version: w.Version, SessionAttributes: w.SessionAttributes, Response: w.Response}
	if wire.IsNull(r.SessionAttributes) {
		r.SessionAttributes = nil
	}
	return nil
}

var emptyObject = json.RawMessage("{}")

type responseBodyWire struct {
	OutputSpeech     json.RawMessage `json:"outputSpeech"`
	Card             json.RawMessage `json:"card"`
	Directives       []Directive     `json:"directives"`
	Reprompt         *Reprompt       `json:"reprompt,omitempty"`
	ShouldEndSession bool            `json:"shouldEndSession"`
}

// MarshalJSON writes the "response" object with CEK's defaults for empty
// parts.
func (b ResponseBody) MarshalJSON() ([]byte, error) {
	o := b.out()
	return json.Marshal(&o)
}

// UnmarshalJSON reads the "response" object; {} and null become nil.
func (b *ResponseBody) UnmarshalJSON(data []byte) error {
	var w responseBodyWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*b = ResponseBody{Directives: w.Directives, Reprompt: w.Reprompt, ShouldEndSession: w.ShouldEndSession}
	if !isEmptyObject(w.OutputSpeech) {
		b.OutputSpeech = new(OutputSpeech)
		if err := json.Unmarshal(w.OutputSpeech, b.OutputSpeech); err != nil {
			return err
		}
	}
	if !isEmptyObject(w.Card) {
		b.Card = w.Card
	}
	return nil
}

func isEmptyObject(raw []byte) bool {
	if wire.IsNull(raw) {
		return true
	}
	keys, err := wire.Keys(raw)
	return err == nil && len(keys) == 0
}
