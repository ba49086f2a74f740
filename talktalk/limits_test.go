package talktalk

import (
	"testing"

	"github.com/channelkit/channelkit/message"
)

// TestCapabilitiesMatchLimits ties Capabilities to the limits table (spec
// talktalk.md §5), so that one cannot change without the other.
func TestCapabilitiesMatchLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		got, want int
	}{
		{"MaxTextLen", Capabilities.MaxTextLen, limits.Text},
		{"MaxQuickReplies", Capabilities.MaxQuickReplies, limits.QuickReplies},
		{"MaxQuickReplyLabelLen", Capabilities.MaxQuickReplyLabelLen, limits.InnerButtonTitle},
		{"MaxButtons", Capabilities.MaxButtons, limits.Buttons},
		{"MaxButtonLabelLen", Capabilities.MaxButtonLabelLen, limits.ButtonTitle},
		{"MaxCardTitleLen", Capabilities.MaxCardTitleLen, limits.CompositeTitle},
		{"MaxCardTextLen", Capabilities.MaxCardTextLen, limits.CompositeDesc},
		{"MaxCarouselCards", Capabilities.MaxCarouselCards, limits.Composites},
		{"MaxListItems", Capabilities.MaxListItems, limits.Elements},
		{"MaxMessagesPerReply", Capabilities.MaxMessagesPerReply, 1},
		// Spec values, so that a typo in the table fails too.
		{"spec text", limits.Text, 10000},
		{"spec composites", limits.Composites, 10},
		{"spec composite title", limits.CompositeTitle, 200},
		{"spec composite description", limits.CompositeDesc, 1000},
		{"spec buttons", limits.Buttons, 10},
		{"spec elements", limits.Elements, 3},
		{"spec element text", limits.ElementText, 100},
		{"spec button title", limits.ButtonTitle, 18},
		{"spec inner button title", limits.InnerButtonTitle, 10},
		{"spec code", limits.Code, 1000},
		{"spec quick replies", limits.QuickReplies, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %d, want %d", tt.got, tt.want)
			}
		})
	}
	if Capabilities.TextUnit != message.Runes {
		t.Errorf("TextUnit = %v, want characters", Capabilities.TextUnit)
	}
}
