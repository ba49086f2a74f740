package clova

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/channelkit/channelkit/internal/uuid"

	"github.com/channelkit/channelkit/internal/wire"
)

// Response is a CEK response message: what an extension answers. Build one
// with [NewResponse]; [ExtensionHandler] fills Version from the request when
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
// session attributes.
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
		return errors.New("clova: session attributes must encode to a JSON object")
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

// SpeechType is the outputSpeech "type".
type SpeechType string

// The speech types.
const (
	// SimpleSpeech says one SpeechInfo.
	SimpleSpeechType SpeechType = "SimpleSpeech"
	// SpeechList says several SpeechInfos in order.
	SpeechListType SpeechType = "SpeechList"
	// SpeechSet gives a brief speech for screen devices and a verbose one
	// for screen-less devices.
	SpeechSetType SpeechType = "SpeechSet"
)

// OutputSpeech is what CLOVA says. Build it with [SimpleSpeech],
// [SpeechList] or [SpeechSet]; the zero value is the empty speech {}.
type OutputSpeech struct {
	Type SpeechType
	// Values holds the one value of a SimpleSpeech or the values of a
	// SpeechList.
	Values []SpeechInfo
	// Brief and Verbose are a SpeechSet's parts. Verbose is a SimpleSpeech
	// or a SpeechList.
	Brief   *SpeechInfo
	Verbose *OutputSpeech
}

// SimpleSpeech says v.
func SimpleSpeech(v SpeechInfo) *OutputSpeech {
	return &OutputSpeech{Type: SimpleSpeechType, Values: []SpeechInfo{v}}
}

// SpeechList says vs in order.
func SpeechList(vs ...SpeechInfo) *OutputSpeech {
	return &OutputSpeech{Type: SpeechListType, Values: vs}
}

// SpeechSet says brief on devices with a screen and verbose (a SimpleSpeech
// or SpeechList) on devices without one.
func SpeechSet(brief SpeechInfo, verbose *OutputSpeech) *OutputSpeech {
	return &OutputSpeech{Type: SpeechSetType, Brief: &brief, Verbose: verbose}
}

type speechWire struct {
	Type    SpeechType      `json:"type,omitempty"`
	Values  json.RawMessage `json:"values,omitempty"`
	Brief   *SpeechInfo     `json:"brief,omitempty"`
	Verbose *OutputSpeech   `json:"verbose,omitempty"`
}

// MarshalJSON writes values as an object for SimpleSpeech and as an array
// for SpeechList; the zero value is {}.
func (s *OutputSpeech) MarshalJSON() ([]byte, error) {
	o := s.out()
	if o == nil {
		o = &speechOut{}
	}
	return json.Marshal(o)
}

// UnmarshalJSON accepts values as an object or an array.
func (s *OutputSpeech) UnmarshalJSON(data []byte) error {
	var w speechWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*s = OutputSpeech{Type: w.Type, Brief: w.Brief, Verbose: w.Verbose}
	switch v := trimLeft(w.Values); {
	case len(v) == 0 || wire.IsNull(v):
	case v[0] == '[':
		if err := json.Unmarshal(v, &s.Values); err != nil {
			return err
		}
	default:
		var one SpeechInfo
		if err := json.Unmarshal(v, &one); err != nil {
			return err
		}
		s.Values = []SpeechInfo{one}
	}
	return nil
}

func trimLeft(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// SpeechInfo is CEK's SpeechInfoObject: one text to synthesise or one audio
// URL to play.
type SpeechInfo struct {
	// Type is PlainText or URL.
	Type SpeechValueType `json:"type"`
	// Lang is ko, en or ja for PlainText, and must be empty for URL.
	Lang Lang `json:"lang"`
	// Value is the text or the audio URL.
	Value string `json:"value"`
	// Token, a UUID, makes the client send SpeechSynthesizer events.
	Token string `json:"token,omitempty"`
	// ContentType is required for HLS URLs
	// ("application/vnd.apple.mpegurl").
	ContentType string `json:"contentType,omitempty"`
}

// SpeechValueType is the SpeechInfo "type".
type SpeechValueType string

// The speech value types.
const (
	PlainTextType SpeechValueType = "PlainText"
	URLType       SpeechValueType = "URL"
)

// Lang is a speech language.
type Lang string

// The languages CEK speaks. NoLang is required for URL values.
const (
	Korean   Lang = "ko"
	English  Lang = "en"
	Japanese Lang = "ja"
	NoLang   Lang = ""
)

// PlainText is text for CLOVA to say in lang.
func PlainText(lang Lang, text string) SpeechInfo {
	return SpeechInfo{Type: PlainTextType, Lang: lang, Value: text}
}

// SpeechURL is an audio file for CLOVA to play.
func SpeechURL(url string) SpeechInfo { return SpeechInfo{Type: URLType, Lang: NoLang, Value: url} }

// Directive is a command to the client. Payload is raw JSON, so any
// directive can be sent, including ones this package has no builder for.
type Directive struct {
	Header  DirectiveHeader `json:"header"`
	Payload json.RawMessage `json:"payload"`
}

// DirectiveHeader names a directive.
type DirectiveHeader struct {
	// MessageID is a UUID; the builders set a fresh one.
	MessageID       string `json:"messageId"`
	Namespace       string `json:"namespace"`
	Name            string `json:"name"`
	DialogRequestID string `json:"dialogRequestId,omitempty"`
}

// MarshalJSON writes a nil payload as {}.
func (d Directive) MarshalJSON() ([]byte, error) {
	type plain Directive
	p := plain(d)
	if wire.IsNull(p.Payload) {
		p.Payload = emptyObject
	}
	return json.Marshal(p)
}

// NewDirective builds a directive with a fresh message ID and payload
// encoded from v.
func NewDirective(namespace, name string, payload any) (Directive, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return Directive{}, fmt.Errorf("clova: encoding %s.%s payload: %w", namespace, name, err)
	}
	return Directive{Header: DirectiveHeader{MessageID: uuid.New(), Namespace: namespace, Name: name}, Payload: b}, nil
}

func mustDirective(namespace, name string, payload any) Directive {
	d, err := NewDirective(namespace, name, payload)
	if err != nil {
		// Only this package's own payload types reach here; they always
		// encode.
		panic(err)
	}
	return d
}

// PlayBehavior says how AudioPlayer.Play treats the queue.
type PlayBehavior string

// The play behaviours.
const (
	ReplaceAll PlayBehavior = "REPLACE_ALL"
	Enqueue    PlayBehavior = "ENQUEUE"
)

// AudioPlayPayload is the AudioPlayer.Play payload.
type AudioPlayPayload struct {
	AudioItem    AudioItem    `json:"audioItem"`
	PlayBehavior PlayBehavior `json:"playBehavior"`
	Source       AudioSource  `json:"source"`
}

// AudioItem is the item AudioPlayer.Play plays.
type AudioItem struct {
	AudioItemID   string          `json:"audioItemId"`
	Stream        AudioStreamInfo `json:"stream"`
	TitleText     string          `json:"titleText"`
	TitleSubText1 string          `json:"titleSubText1"`
	TitleSubText2 string          `json:"titleSubText2,omitempty"`
	ArtImageURL   string          `json:"artImageUrl,omitempty"`
	HeaderText    string          `json:"headerText,omitempty"`
}

// AudioSource credits the content provider.
type AudioSource struct {
	Name    string `json:"name"`
	LogoURL string `json:"logoUrl,omitempty"`
}

// AudioPlay returns an AudioPlayer.Play directive.
func AudioPlay(p AudioPlayPayload) Directive { return mustDirective("AudioPlayer", "Play", p) }

// StreamDeliver answers an AudioPlayer.StreamRequested event with the
// playable stream.
func StreamDeliver(audioItemID string, stream AudioStreamInfo) Directive {
	return mustDirective("AudioPlayer", "StreamDeliver", StreamRequestedPayload{AudioItemID: audioItemID, AudioStream: stream})
}

// PlaybackPause returns a PlaybackController.Pause directive.
func PlaybackPause() Directive { return mustDirective(NamespacePlaybackControl, "Pause", struct{}{}) }

// PlaybackResume returns a PlaybackController.Resume directive.
func PlaybackResume() Directive { return mustDirective(NamespacePlaybackControl, "Resume", struct{}{}) }

// PlaybackStop returns a PlaybackController.Stop directive.
func PlaybackStop() Directive { return mustDirective(NamespacePlaybackControl, "Stop", struct{}{}) }
