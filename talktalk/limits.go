package talktalk

import "github.com/channelkit/channelkit/message"

// limits is TalkTalk's limits table (specification §5). Validation and
// [Capabilities] both read it. Lengths are counted in characters (Unicode
// code points): the specification counts Korean and Latin letters alike.
var limits = struct {
	Text                int // textContent.text
	Composites          int // compositeList entries
	CompositeTitle      int
	CompositeDesc       int
	Buttons             int // buttonList of a composite
	Elements            int // elementList.data entries
	ElementText         int // element title, description, subDescription
	ButtonTitle         int // TEXT, LINK, OPTION and UI titles at top level
	InnerButtonTitle    int // inside OPTION, quick replies and elements
	Code                int // button code
	OptionButtons       int // OPTION's inner list
	QuickReplies        int // UNCONFIRMED: the OPTION limit, as a conservative cap
	Menus               int // persistent menu items per level
	MenuDepth           int
	MenuTitle           int
	MenuCode            int
	WebviewMin          int
	WebviewMax          int
	ProductsSingle      int
	ProductsList        int
	MinPayAmount        int64
	ImageBytes          int64
	TimeIntervalMinutes [2]int
}{
	Text:                10000,
	Composites:          10,
	CompositeTitle:      200,
	CompositeDesc:       1000,
	Buttons:             10,
	Elements:            3,
	ElementText:         100,
	ButtonTitle:         18,
	InnerButtonTitle:    10,
	Code:                1000,
	OptionButtons:       10,
	QuickReplies:        10,
	Menus:               4,
	MenuDepth:           3,
	MenuTitle:           20,
	MenuCode:            1000,
	WebviewMin:          30,
	WebviewMax:          90,
	ProductsSingle:      15,
	ProductsList:        4,
	MinPayAmount:        100,
	ImageBytes:          20 << 20,
	TimeIntervalMinutes: [2]int{5, 720},
}

// unit is how TalkTalk counts text.
const unit = message.Runes

// Capabilities is what TalkTalk can show, from the same table the
// validators use. One rendered content is one send event, so
// MaxMessagesPerReply is 1 (a synchronous reply carries exactly one).
var Capabilities = message.Capabilities{
	Platform:              message.TalkTalk,
	TextUnit:              unit,
	MaxTextLen:            limits.Text,
	MaxMessagesPerReply:   1,
	MaxQuickReplies:       limits.QuickReplies,
	MaxQuickReplyLabelLen: limits.InnerButtonTitle,
	MaxButtons:            limits.Buttons,
	MaxButtonLabelLen:     limits.ButtonTitle,
	MaxCardTitleLen:       limits.CompositeTitle,
	MaxCardTextLen:        limits.CompositeDesc,
	MaxCarouselCards:      limits.Composites,
	MaxListItems:          limits.Elements,
	Types:                 []message.Type{message.TypeText, message.TypeImage, message.TypeCard, message.TypeCarousel, message.TypeList},
	Actions:               []message.ActionType{message.ActionPostback, message.ActionMessage, message.ActionURL, message.ActionCall},
	QuickReplies:          true,
}
