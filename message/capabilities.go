package message

import (
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// Unit is the unit a platform counts text length in.
type Unit int

// The length units.
const (
	Runes Unit = iota // Unicode code points
	UTF16             // UTF-16 code units (an emoji outside the BMP counts 2)
	Bytes             // UTF-8 bytes
)

// Len returns the length of s in u.
func (u Unit) Len(s string) int {
	switch u {
	case UTF16:
		n := 0
		for _, r := range s {
			n += utf16.RuneLen(r)
		}
		return n
	case Bytes:
		return len(s)
	default:
		return utf8.RuneCountInString(s)
	}
}

func (u Unit) String() string {
	switch u {
	case UTF16:
		return "UTF-16 code units"
	case Bytes:
		return "bytes"
	default:
		return "characters"
	}
}

// Capabilities describes what a platform can show, from the same limits
// table the platform package validates against. A zero limit means the
// platform has none (or none that matters for this field).
type Capabilities struct {
	Platform Platform
	// TextUnit is the unit every length limit below is counted in.
	TextUnit Unit
	// MaxTextLen bounds one text message (or speech) body.
	MaxTextLen int
	// MaxMessagesPerReply bounds how many messages one reply or send call
	// may carry.
	MaxMessagesPerReply int
	// MaxQuickReplies bounds the quick replies on one message;
	// 0 with QuickReplies false means none are supported.
	MaxQuickReplies int
	// MaxQuickReplyLabelLen bounds a quick reply's label.
	MaxQuickReplyLabelLen int
	// MaxButtons bounds the buttons on one card or list.
	MaxButtons int
	// MaxButtonLabelLen bounds a button's label.
	MaxButtonLabelLen int
	// MaxCardTitleLen and MaxCardTextLen bound a card's title and text.
	MaxCardTitleLen int
	MaxCardTextLen  int
	// MaxCarouselCards bounds the cards in a carousel.
	MaxCarouselCards int
	// MaxListItems bounds the items in a list.
	MaxListItems int
	// Types lists the content types the platform renders natively.
	Types []Type
	// Actions lists the action types the platform's buttons support.
	Actions []ActionType
	// QuickReplies reports whether quick replies are supported at all.
	QuickReplies bool
}

// Supports reports whether the platform renders t natively.
func (c Capabilities) Supports(t Type) bool { return slices.Contains(c.Types, t) }

// SupportsAction reports whether the platform's buttons support t.
func (c Capabilities) SupportsAction(t ActionType) bool { return slices.Contains(c.Actions, t) }
