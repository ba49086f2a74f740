package clova

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/wire"
	"github.com/channelkit/channelkit/message"
)

// The CEK response limits (CLOVA Extensions Kit reference, SpeechInfoObject
// and AudioStreamInfoObject). [Response.Validate] and [Capabilities] both
// read this table.
var limits = struct {
	// SpeechRunes bounds the PlainText of one outputSpeech (all its values
	// together), in characters.
	SpeechRunes int
	// SentenceRunes bounds one sentence of PlainText, in characters.
	SentenceRunes int
	// URLBytes bounds a speech or stream URL.
	URLBytes int
	// TokenBytes bounds a speech or stream token.
	TokenBytes int
}{
	SpeechRunes:   1000,
	SentenceRunes: 200,
	URLBytes:      2048,
	TokenBytes:    2048,
}

// Capabilities describes what a CEK response can carry, for the neutral
// bridge: speech only. Text is spoken (at most 1,000 characters per
// response), an Audio URL is played; everything visual is either spoken in
// words (card titles and text, button and quick-reply labels, list items,
// a location's name and address, an image's alt text) with a Downgraded
// loss, or reported as lost.
var Capabilities = message.Capabilities{
	Platform:            message.Clova,
	TextUnit:            message.Runes,
	MaxTextLen:          limits.SpeechRunes,
	MaxMessagesPerReply: 1,
	Types:               []message.Type{message.TypeText, message.TypeAudio},
	QuickReplies:        false,
}

// Validate checks the response against CEK's documented constraints. It
// returns nil, the one violation as a *[ValidationError], or
// [ValidationErrors] listing every violation; each names its JSON path and
// wraps [ErrInvalid]. It does not require Version, which [WebhookHandler]
// copies from the request.
func (r *Response) Validate() error {
	var v validator
	if !wire.IsNull(r.SessionAttributes) {
		if _, err := wire.Keys(r.SessionAttributes); err != nil {
			v.add("sessionAttributes", "must be a JSON object")
		}
	}
	b := &r.Response
	v.speech("response.outputSpeech", b.OutputSpeech)
	if !wire.IsNull(b.Card) {
		if _, err := wire.Keys(b.Card); err != nil {
			v.add("response.card", "must be a JSON object")
		}
	}
	for i, d := range b.Directives {
		v.directive(fmt.Sprintf("response.directives[%d]", i), d)
	}
	if b.Reprompt != nil {
		if b.ShouldEndSession {
			v.add("response.reprompt", "is only allowed with shouldEndSession false")
		}
		if b.Reprompt.OutputSpeech == nil || b.Reprompt.OutputSpeech.Type == "" {
			v.add("response.reprompt.outputSpeech", "is required")
		} else {
			v.speech("response.reprompt.outputSpeech", b.Reprompt.OutputSpeech)
		}
	}
	return invalid.Join(v.errs)
}

type validator struct{ errs []*ValidationError }

func (v *validator) add(path, format string, args ...any) {
	v.errs = append(v.errs, invalid.New("clova", path, fmt.Sprintf(format, args...)))
}

// speech checks one outputSpeech at path. Paths of children are built only
// when there is something to report, so a valid response costs no
// allocations here.
func (v *validator) speech(path string, s *OutputSpeech) {
	if s == nil || (s.Type == "" && len(s.Values) == 0 && s.Brief == nil && s.Verbose == nil) {
		return // {} is allowed when only directives are sent
	}
	switch s.Type {
	case SimpleSpeechType:
		if len(s.Values) != 1 {
			v.add(path+".values", "SimpleSpeech needs exactly one value, has %d", len(s.Values))
		}
		v.values(path, ".values", s.Values, false)
	case SpeechListType:
		if len(s.Values) == 0 {
			v.add(path+".values", "SpeechList needs at least one value")
		}
		v.values(path, ".values", s.Values, true)
	case SpeechSetType:
		if len(s.Values) != 0 {
			v.add(path+".values", "SpeechSet has no values; use brief and verbose")
		}
		if s.Brief == nil {
			v.add(path+".brief", "is required for SpeechSet")
		} else {
			v.values(path, ".brief", []SpeechInfo{*s.Brief}, false)
		}
		switch {
		case s.Verbose == nil:
			v.add(path+".verbose", "is required for SpeechSet")
		case s.Verbose.Type != SimpleSpeechType && s.Verbose.Type != SpeechListType:
			v.add(path+".verbose.type", "must be SimpleSpeech or SpeechList, not %q", s.Verbose.Type)
		default:
			v.speech(path+".verbose", s.Verbose)
		}
	default:
		v.add(path+".type", "unknown speech type %q", s.Type)
	}
}

// values checks the speech values at base+field and the total text length
// across them.
func (v *validator) values(base, field string, vs []SpeechInfo, indexed bool) {
	elem := func(i int, sub string) string {
		if indexed {
			return fmt.Sprintf("%s%s[%d]%s", base, field, i, sub)
		}
		return base + field + sub
	}
	total := 0
	for i := range vs {
		si := &vs[i]
		switch si.Type {
		case PlainTextType:
			switch si.Lang {
			case Korean, English, Japanese:
			case NoLang:
				v.add(elem(i, ".lang"), "PlainText needs a language (ko, en or ja)")
			default:
				v.add(elem(i, ".lang"), "unsupported language %q (want ko, en or ja)", si.Lang)
			}
			if strings.TrimSpace(si.Value) == "" {
				v.add(elem(i, ".value"), "is empty")
			}
			if n := longestSentence(si.Value); n > limits.SentenceRunes {
				v.add(elem(i, ".value"), "has a sentence of %d characters; the limit is %d", n, limits.SentenceRunes)
			}
			total += utf8.RuneCountInString(si.Value)
		case URLType:
			if si.Lang != NoLang {
				v.add(elem(i, ".lang"), "must be empty for a URL value")
			}
			if reason := checkURL(si.Value); reason != "" {
				v.add(elem(i, ".value"), "%s", reason)
			}
			if strings.HasSuffix(strings.ToLower(pathOf(si.Value)), ".m3u8") && si.ContentType == "" {
				v.add(elem(i, ".contentType"), "is required for an HLS (.m3u8) URL")
			}
		default:
			v.add(elem(i, ".type"), "unknown speech value type %q (want PlainText or URL)", si.Type)
		}
		if len(si.Token) > limits.TokenBytes {
			v.add(elem(i, ".token"), "is %d bytes; the limit is %d", len(si.Token), limits.TokenBytes)
		}
	}
	if total > limits.SpeechRunes {
		v.add(base+field, "speaks %d characters; the limit is %d", total, limits.SpeechRunes)
	}
}

// checkURL returns why s is not an acceptable speech or stream URL, or "".
func checkURL(s string) string {
	if s == "" {
		return "is empty"
	}
	if len(s) > limits.URLBytes {
		return fmt.Sprintf("is %d bytes; the limit is %d", len(s), limits.URLBytes)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "must be an absolute http(s) URL"
	}
	return ""
}

func (v *validator) url(path, s string) {
	if reason := checkURL(s); reason != "" {
		v.add(path, "%s", reason)
	}
}

func pathOf(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Path
	}
	return s
}

func (v *validator) directive(path string, d Directive) {
	h := d.Header
	if h.MessageID == "" {
		v.add(path+".header.messageId", "is required")
	}
	if h.Namespace == "" {
		v.add(path+".header.namespace", "is required")
	}
	if h.Name == "" {
		v.add(path+".header.name", "is required")
	}
	if wire.IsNull(d.Payload) {
		return
	}
	if _, err := wire.Keys(d.Payload); err != nil {
		v.add(path+".payload", "must be a JSON object")
		return
	}
	if h.Namespace == "AudioPlayer" && h.Name == "Play" {
		var p AudioPlayPayload
		if err := json.Unmarshal(d.Payload, &p); err != nil {
			v.add(path+".payload", "does not decode as an AudioPlayer.Play payload")
			return
		}
		switch p.PlayBehavior {
		case ReplaceAll, Enqueue:
		default:
			v.add(path+".payload.playBehavior", "must be REPLACE_ALL or ENQUEUE, not %q", p.PlayBehavior)
		}
		if p.AudioItem.AudioItemID == "" {
			v.add(path+".payload.audioItem.audioItemId", "is required")
		}
		v.stream(path+".payload.audioItem.stream", p.AudioItem.Stream)
	}
}

func (v *validator) stream(path string, s AudioStreamInfo) {
	if s.URLPlayable || s.URL != "" {
		if s.URLPlayable {
			v.url(path+".url", s.URL)
		} else if len(s.URL) > limits.URLBytes {
			v.add(path+".url", "is %d bytes; the limit is %d", len(s.URL), limits.URLBytes)
		}
	}
	if len(s.Token) > limits.TokenBytes {
		v.add(path+".token", "is %d bytes; the limit is %d", len(s.Token), limits.TokenBytes)
	}
}

// longestSentence returns the length in characters of the longest sentence
// of s, counted as [sentences] splits, without allocating.
func longestSentence(s string) int {
	longest, n := 0, 0
	for _, r := range s {
		n++
		if isSentenceEnd(r) {
			longest, n = max(longest, n), 0
		}
	}
	return max(longest, n)
}

func isSentenceEnd(r rune) bool {
	switch r {
	case '.', '?', '!', '\n', '。', '？', '！', '．':
		return true
	}
	return false
}

// sentences splits text after sentence-ending punctuation and line breaks,
// the way CEK's per-sentence limit is counted (conservatively: a decimal
// point also ends a "sentence", which only makes pieces shorter).
func sentences(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if isSentenceEnd(r) {
			out = append(out, s[start:i+utf8.RuneLen(r)])
			start = i + utf8.RuneLen(r)
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
