package kakao

import (
	"time"

	"github.com/channelkit/channelkit/message"
)

// Limits from the "응답 타입별 JSON 포맷" page (see the package doc, Limits).
// Lengths are counted in characters (Unicode code points). Validate and
// Render both read this table, and Capabilities is built from it.
const (
	MaxOutputs        = 3  // template.outputs: 1 to 3
	MaxQuickReplies   = 10 // template.quickReplies
	MaxSimpleTextLen  = 1000
	MaxAltTextLen     = 50
	MaxTitleLen       = 50  // textCard and basicCard title
	MaxTextCardDesc   = 400 // textCard description
	MaxCarouselDesc   = 128 // textCard description inside a carousel
	MaxBasicCardDesc  = 230
	MaxCommerceTitle  = 30
	MaxCommerceDesc   = 40
	MaxListItems      = 5
	MaxCarouselList   = 4 // listCard items inside a carousel
	MaxItemList       = 10
	MaxCarouselItems  = 5 // itemCard itemList inside a carousel
	MaxItemTitleLen   = 6 // itemCard itemList[].title and itemListSummary.title
	MaxSummaryDescLen = 14
	MaxProfileTitle   = 15  // itemCard profile.title
	MaxItemCardText   = 200 // itemCard title+description
	MaxItemCardTextC  = 100 // itemCard title+description inside a carousel
	MaxButtons        = 3   // vertical layout
	MaxButtonsH       = 2   // horizontal layout
	MaxButtonLabel    = 14
	MaxButtonLabelH   = 8 // two buttons side by side
	MaxCarouselCards  = 10
	MaxCarouselLists  = 5 // a carousel of listCards
	MaxUserIDLen      = 70
)

// Timing of the skill protocol.
const (
	// SkillTimeout is how long Kakao waits for a skill's answer.
	SkillTimeout = 5 * time.Second
	// DefaultCallbackBudget is how long the handler waits for fn before it
	// answers useCallback, leaving room in SkillTimeout for the network.
	DefaultCallbackBudget = 3500 * time.Millisecond
	// CallbackValidity is how long a callbackUrl may be used, once.
	CallbackValidity = time.Minute
)

// textUnit is how Kakao counts lengths.
const textUnit = message.Runes

// Capabilities is what a Kakao skill response can show, for the neutral
// [message] bridge. It is built from the limits above.
var Capabilities = message.Capabilities{
	Platform:              message.Kakao,
	TextUnit:              textUnit,
	MaxTextLen:            MaxSimpleTextLen,
	MaxMessagesPerReply:   MaxOutputs,
	MaxQuickReplies:       MaxQuickReplies,
	MaxQuickReplyLabelLen: 0, // not documented
	MaxButtons:            MaxButtons,
	MaxButtonLabelLen:     MaxButtonLabel,
	MaxCardTitleLen:       MaxTitleLen,
	MaxCardTextLen:        MaxBasicCardDesc,
	MaxCarouselCards:      MaxCarouselCards,
	MaxListItems:          MaxListItems,
	Types: []message.Type{
		message.TypeText, message.TypeImage, message.TypeCard,
		message.TypeCarousel, message.TypeList,
	},
	Actions: []message.ActionType{
		message.ActionPostback, message.ActionMessage, message.ActionURL,
		message.ActionCall, message.ActionShare,
	},
	QuickReplies: true,
}
