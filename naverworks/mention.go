package naverworks

import "strings"

// MentionAll is the user ID that mentions every member of a room; NAVER
// WORKS allows it in sends to a room only.
const MentionAll = "all"

// MaxMentions is how many mentions one text may hold, the same user
// counted each time.
const MaxMentions = 50

const (
	mentionOpen  = `<m userId="`
	mentionClose = `">`
)

// Mention returns the tag that mentions a user in the text of a [Text]
// (and the contentText of a [Link] or a [ButtonTemplate]):
// <m userId="{userID}">, which NAVER WORKS shows as @{name}. userID is the
// user's ID or login e-mail, or [MentionAll]. An ID holding '"', '<' or
// '>' makes a tag [Validate] refuses.
//
//	&naverworks.Text{Text: "Hello, " + naverworks.Mention(userID) + "!"}
func Mention(userID string) string { return mentionOpen + userID + mentionClose }

// MentionSpan is one mention tag in a text: the user it names, and where
// the tag is, as byte offsets (text[Start:End] is Mention(UserID)).
type MentionSpan struct {
	UserID     string
	Start, End int
}

// ParseMentions returns the well-formed mention tags of text
// (<m userId="…"> with a non-empty ID holding no '"', '<' or '>'), in
// order. It never fails: text that is not a tag is left alone.
//
// Outgoing, the tag form is documented. Incoming, whether a user's
// mention reaches the bot as this tag in content.text, as the display
// name, or with separate metadata (a "mentionees" field some third-party
// parsers read) is UNCONFIRMED; [TextContent.Mentions] reads the tag form.
func ParseMentions(text string) []MentionSpan {
	var out []MentionSpan
	for off := 0; ; {
		i := strings.Index(text[off:], mentionOpen)
		if i < 0 {
			return out
		}
		start := off + i
		idStart := start + len(mentionOpen)
		j := strings.IndexAny(text[idStart:], `"<>`)
		if j > 0 && strings.HasPrefix(text[idStart+j:], mentionClose) {
			end := idStart + j + len(mentionClose)
			out = append(out, MentionSpan{UserID: text[idStart : idStart+j], Start: start, End: end})
			off = end
			continue
		}
		off = idStart
	}
}

// Mentions returns the mention tags in the text; see [ParseMentions] for
// what is unconfirmed about incoming mentions.
func (c *TextContent) Mentions() []MentionSpan { return ParseMentions(c.Text) }

// mentions checks the mention tags of a text field: at most MaxMentions,
// and every "<m userId=" a well-formed tag.
func (v *validator) mentions(path, text string) {
	if !strings.Contains(text, mentionOpen) {
		return
	}
	spans := ParseMentions(text)
	if len(spans) > MaxMentions {
		v.add(path, "%d mentions, at most %d", len(spans), MaxMentions)
	}
	if n := strings.Count(text, mentionOpen); n != len(spans) {
		v.add(path, "a mention tag is not <m userId=\"{userID}\"> with an ID free of '\"', '<' and '>'")
	}
}
