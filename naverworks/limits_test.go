package naverworks

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/message"
)

// TestCapabilitiesMatchLimits ties Capabilities to the limits table the
// validator uses, and the table to the spec's numbers (naverworks.md
// §4.2–4.4).
func TestCapabilitiesMatchLimits(t *testing.T) {
	t.Parallel()
	spec := map[string][2]int{
		"text":                 {limits.text, 2000},
		"url":                  {limits.url, 1000},
		"buttonActions":        {limits.buttonActions, 10},
		"listElements":         {limits.listElements, 4},
		"carouselColumns":      {limits.carouselColumns, 10},
		"carouselActions":      {limits.carouselActions, 3},
		"carouselTitle":        {limits.carouselTitle, 40},
		"carouselText":         {limits.carouselText, 120},
		"carouselTextCompact":  {limits.carouselTextCompact, 60},
		"carouselLines":        {limits.carouselLines, 4},
		"carouselLinesCompact": {limits.carouselLinesCompact, 2},
		"quickReplies":         {limits.quickReplies, 13},
		"label":                {limits.label, 20},
		"imageCarouselLabel":   {limits.imageCarouselLabel, 12},
		"postbackData":         {limits.postbackData, 300},
		"displayText":          {limits.displayText, 300},
		"messagePostback":      {limits.messagePostback, 1000},
		"locationTitle":        {limits.locationTitle, 100},
		"flexAltText":          {limits.flexAltText, 400},
	}
	for name, v := range spec {
		if v[0] != v[1] {
			t.Errorf("limits.%s = %d, spec says %d", name, v[0], v[1])
		}
	}
	want := message.Capabilities{
		Platform:              message.NaverWorks,
		TextUnit:              limits.unit,
		MaxTextLen:            limits.text,
		MaxQuickReplies:       limits.quickReplies,
		MaxQuickReplyLabelLen: limits.label,
		MaxButtons:            limits.buttonActions,
		MaxButtonLabelLen:     limits.label,
		MaxCardTitleLen:       limits.carouselTitle,
		MaxCardTextLen:        limits.carouselTextCompact,
		MaxCarouselCards:      limits.carouselColumns,
		MaxListItems:          limits.listElements,
		QuickReplies:          true,
	}
	got := Capabilities
	got.Types, got.Actions = nil, nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Capabilities (-want +got):\n%s", diff)
	}
	for _, a := range []message.ActionType{message.ActionPostback, message.ActionMessage, message.ActionURL} {
		if !Capabilities.SupportsAction(a) {
			t.Errorf("Capabilities does not list %s actions, which Render keeps", a)
		}
	}
	for _, a := range []message.ActionType{message.ActionCall, message.ActionShare} {
		if Capabilities.SupportsAction(a) {
			t.Errorf("Capabilities lists %s actions, which Render downgrades or drops", a)
		}
	}
}
