package clova

import (
	"encoding/json"

	"github.com/channelkit/channelkit/internal/wire"
)

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
