package clova

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/channelkit/channelkit/message"
)

// ToIncoming turns a CEK request into the neutral form. It reports false for
// a nil request and for device telemetry a bot should not answer in words
// (AudioPlayer, SpeechSynthesizer, TemplateRuntime and other non-ClovaSkill
// events); their Incoming is still filled in, with KindOther.
//
// The mapping: LaunchRequest and ClovaSkill.SkillEnabled are KindFollow;
// ClovaSkill.SkillDisabled is KindUnfollow; an IntentRequest is KindPostback
// with Data set to the intent name (CEK delivers intents and slots, never
// the raw utterance; read the slots from Raw); SessionEndedRequest and
// unknown request types are KindOther. Raw is the *Request. EventID is the
// request ID when CLOVA sends one; UserID and ConversationID are the current
// speaker's CLOVA user ID.
func ToIncoming(req *Request) (message.Incoming, bool) {
	if req == nil {
		return message.Incoming{}, false
	}
	info := req.Info()
	in := message.Incoming{
		Platform:       message.Clova,
		Kind:           message.KindOther,
		EventID:        info.RequestID,
		UserID:         req.UserID(),
		ConversationID: req.UserID(),
		Raw:            req,
	}
	if t, ok := info.Time(); ok {
		in.ReceivedAt = t
	} else {
		in.ReceivedAt = time.Now()
	}
	ok := true
	switch b := req.Request.(type) {
	case *LaunchRequest:
		in.Kind = message.KindFollow
	case *IntentRequest:
		in.Kind = message.KindPostback
		in.Data = b.Intent.Name
	case *EventRequest:
		switch {
		case b.Event.Is(NamespaceClovaSkill, "SkillEnabled"):
			in.Kind = message.KindFollow
		case b.Event.Is(NamespaceClovaSkill, "SkillDisabled"):
			in.Kind = message.KindUnfollow
		case b.Event.Namespace == NamespaceClovaSkill:
		default:
			ok = false
		}
	default:
		// session end and unknown requests stay KindOther
	}
	return in, ok
}

// Render turns neutral content into a CEK response that says it, in
// Korean; [RenderLang] speaks another language. Set the returned response's Response.ShouldEndSession, or replace
// the language in its values, as the dialog needs; [WebhookHandler] fills
// in Version.
//
// CEK is speech-only. Text is spoken, cut to 1,000 characters (Truncated)
// and broken into SpeechList values of at most 200 characters at sentence
// or word boundaries (not a loss: CLOVA speaks them in order). Audio is
// played from its URL. Everything else is spoken in words where it has
// words: a card's title and text (the card itself is reported Downgraded),
// a list's title and items, button and quick-reply labels, a location's
// title and address (Downgraded), an image's alt text. What has no words is
// reported Dropped: images and image URLs, and every action (a spoken label
// cannot be tapped). Video, File, Sticker, an image without alt text and
// Unknown content of another platform have nothing to say: rendering them
// fails with an error wrapping errors.ErrUnsupported. Unknown content of
// this platform whose Raw is an outputSpeech object is sent as is.
func Render(c message.Content, opts message.RenderOptions) (*Response, message.Report, error) {
	return RenderLang(Korean, c, opts)
}

// RenderLang is [Render] with the speech language lang (Korean, English or
// Japanese).
func RenderLang(lang Lang, c message.Content, opts message.RenderOptions) (*Response, message.Report, error) {
	var rep message.Report
	switch lang {
	case Korean, English, Japanese:
	default:
		return nil, rep, fmt.Errorf("clova: cannot speak language %q", lang)
	}
	if c == nil {
		return nil, rep, errors.New("clova: nothing to render")
	}
	s := speaker{lang: lang}
	switch c := c.(type) {
	case *message.Text:
		if strings.TrimSpace(c.Text) == "" {
			return nil, rep, errors.New("clova: empty text")
		}
		s.say("Text", c.Text)
	case *message.Audio:
		if reason := checkURL(c.URL); reason != "" {
			return nil, rep, fmt.Errorf("clova: audio URL %s: %w", reason, errors.ErrUnsupported)
		}
		s.values = append(s.values, SpeechURL(c.URL))
	case *message.Card:
		s.card("", c)
	case *message.Carousel:
		if len(c.Cards) == 0 {
			return nil, rep, errors.New("clova: empty carousel")
		}
		for i := range c.Cards {
			s.card(message.Index("Cards", i), &c.Cards[i])
		}
	case *message.List:
		s.say("Title", c.Title)
		for i, it := range c.Items {
			p := message.Index("Items", i)
			s.say(message.JoinPath(p, "Title"), it.Title)
			s.say(message.JoinPath(p, "Text"), it.Text)
			if it.ImageURL != "" {
				s.rep.Add(message.JoinPath(p, "ImageURL"), message.Dropped, "CEK responses are speech only")
			}
			if it.Action != nil {
				s.rep.Add(message.JoinPath(p, "Action"), message.Dropped, "actions are not available by voice")
			}
		}
		s.buttons("Buttons", c.Buttons)
		if len(s.values) > 0 {
			s.rep.Add("", message.Downgraded, "list spoken as text")
		}
	case *message.Location:
		s.say("Title", c.Title)
		s.say("Address", c.Address)
		if len(s.values) > 0 {
			s.rep.Add("", message.Downgraded, "location spoken as its title and address; coordinates dropped")
		}
	case *message.Image:
		if c.AltText != "" {
			s.say("AltText", c.AltText)
			s.rep.Add("URL", message.Dropped, "image replaced by its alt text")
			if c.PreviewURL != "" {
				s.rep.Add("PreviewURL", message.Dropped, "image replaced by its alt text")
			}
		}
	case *message.Unknown:
		if c.Platform == message.Clova {
			var os OutputSpeech
			if err := os.UnmarshalJSON(c.Raw); err == nil && os.Type != "" {
				s.raw = &os
			}
		}
	default:
		// video, file, sticker: nothing to say; refused below
	}
	if s.raw == nil && len(s.values) == 0 {
		return nil, rep, fmt.Errorf("clova: %w: a %s has nothing CLOVA can say", errors.ErrUnsupported, c.Type())
	}
	if qr := c.Replies(); len(qr) > 0 {
		var labels []string
		var paths []string
		for i, q := range qr {
			p := message.Index("QuickReplies", i)
			if q.Label == "" {
				s.rep.Add(p, message.Dropped, "quick replies are not available by voice")
				continue
			}
			labels = append(labels, q.Label)
			paths = append(paths, p)
			if q.Action != nil {
				s.rep.Add(message.JoinPath(p, "Action"), message.Dropped, "label spoken; the action is not available by voice")
			}
		}
		s.sayLabels(paths, labels)
	}
	rep = s.rep
	if err := opts.Check(message.Clova, rep); err != nil {
		return nil, message.Report{}, err
	}
	speech := s.raw
	if speech == nil {
		if len(s.values) == 1 {
			speech = SimpleSpeech(s.values[0])
		} else {
			speech = SpeechList(s.values...)
		}
	}
	return NewResponse(speech), rep, nil
}

// speaker accumulates speech values within the per-response budget.
type speaker struct {
	lang   Lang
	values []SpeechInfo
	used   int // PlainText characters so far
	rep    message.Report
	raw    *OutputSpeech
}

// say speaks text, recorded against path: a cut at the response's speech
// budget is a Truncated loss at path, nothing left at all a Dropped one.
func (s *speaker) say(path, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	left := limits.SpeechRunes - s.used
	if left <= 0 {
		s.rep.Add(path, message.Dropped, "over CEK's 1,000-character speech limit")
		return
	}
	if n := utf8.RuneCountInString(text); n > left {
		text, _ = message.TruncateText(text, left, message.Runes)
		s.rep.Addf(path, message.Truncated, "CEK speaks at most %d characters per response", limits.SpeechRunes)
	}
	s.used += utf8.RuneCountInString(text)
	for _, piece := range chunk(text, limits.SentenceRunes) {
		if strings.TrimSpace(piece) != "" {
			s.values = append(s.values, PlainText(s.lang, piece))
		}
	}
}

// sayLabels speaks quick-reply labels as a comma-separated list, never
// splitting a label across speech values. A label that no longer fits the
// response's speech budget is dropped, and reported at its own path.
func (s *speaker) sayLabels(paths, labels []string) {
	var piece strings.Builder
	pieceLen := 0
	flush := func() {
		if piece.Len() > 0 {
			s.values = append(s.values, PlainText(s.lang, piece.String()))
			piece.Reset()
			pieceLen = 0
		}
	}
	for i, l := range labels {
		n := utf8.RuneCountInString(l)
		sep := 0
		if pieceLen > 0 {
			sep = 2 // ", "
		}
		if s.used+sep+n > limits.SpeechRunes || n > limits.SentenceRunes {
			s.rep.Add(paths[i], message.Dropped, "over CEK's speech limit for one response")
			continue
		}
		if pieceLen+sep+n > limits.SentenceRunes {
			flush()
			sep = 0
		}
		if sep > 0 {
			piece.WriteString(", ")
		}
		piece.WriteString(l)
		pieceLen += sep + n
		s.used += sep + n
	}
	flush()
}

func (s *speaker) card(prefix string, c *message.Card) {
	s.say(message.JoinPath(prefix, "Title"), c.Title)
	s.say(message.JoinPath(prefix, "Text"), c.Text)
	if c.Image != nil {
		if c.Image.AltText != "" {
			s.say(message.JoinPath(prefix, "Image.AltText"), c.Image.AltText)
		}
		s.rep.Add(message.JoinPath(prefix, "Image"), message.Dropped, "CEK responses are speech only")
	}
	s.buttons(message.JoinPath(prefix, "Buttons"), c.Buttons)
	if prefix != "" && len(c.QuickReplies) > 0 {
		s.rep.Add(message.JoinPath(prefix, "QuickReplies"), message.Dropped, "quick replies are not available by voice")
	}
	s.rep.Add(prefix, message.Downgraded, "card spoken as text")
}

func (s *speaker) buttons(path string, bs []message.Button) {
	for i, b := range bs {
		p := message.Index(path, i)
		if b.Label == "" {
			s.rep.Add(p, message.Dropped, "button without a label cannot be spoken")
			continue
		}
		s.say(message.JoinPath(p, "Label"), b.Label)
		if b.Action != nil {
			s.rep.Add(message.JoinPath(p, "Action"), message.Dropped, "label spoken; the action is not available by voice")
		}
	}
}

// chunk splits text into pieces of at most max characters, at sentence ends
// when it can, else at white space, else anywhere. Concatenated, the pieces
// are text.
func chunk(text string, max int) []string {
	var out []string
	var cur strings.Builder
	n := 0
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
			n = 0
		}
	}
	for _, sent := range sentences(text) {
		m := utf8.RuneCountInString(sent)
		if n+m <= max {
			cur.WriteString(sent)
			n += m
			continue
		}
		flush()
		if m <= max {
			cur.WriteString(sent)
			n = m
			continue
		}
		out = append(out, message.SplitText(sent, max, message.Runes)...)
	}
	flush()
	return out
}
