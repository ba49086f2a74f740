package line

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/message"
)

// TestCapabilitiesMatchLimits ties Capabilities to the limits table (spec
// line.md §3.4), so that one cannot change without the other.
func TestCapabilitiesMatchLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		got, want int
	}{
		{"MaxTextLen", Capabilities.MaxTextLen, limits.text},
		{"MaxMessagesPerReply", Capabilities.MaxMessagesPerReply, limits.messages},
		{"MaxQuickReplies", Capabilities.MaxQuickReplies, limits.quickReplies},
		{"MaxQuickReplyLabelLen", Capabilities.MaxQuickReplyLabelLen, limits.label},
		{"MaxButtonLabelLen", Capabilities.MaxButtonLabelLen, limits.label},
		{"MaxCarouselCards", Capabilities.MaxCarouselCards, limits.flexBubbles},
		// Spec values, so that a typo in the table fails too.
		{"spec text", limits.text, 5000},
		{"spec messages", limits.messages, 5},
		{"spec quick replies", limits.quickReplies, 13},
		{"spec label", limits.label, 20},
		{"spec flex bubbles", limits.flexBubbles, 12},
		{"spec uri", limits.uri, 1000},
		{"spec media url", limits.mediaURL, 2000},
		{"spec postback data", limits.postbackData, 300},
		{"spec alt text", limits.altText, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %d, want %d", tt.got, tt.want)
			}
		})
	}
	if diff := cmp.Diff(message.UTF16, Capabilities.TextUnit); diff != "" {
		t.Errorf("TextUnit (-want +got):\n%s", diff)
	}
}
