package naverworks

import "github.com/channelkit/channelkit/message"

// limits is the one table of NAVER WORKS limits: validation before sending
// and the exported Capabilities both read it. Lengths are counted in UTF-16
// code units: the documentation says "characters" without a unit, and a
// string within a UTF-16 limit is within the same limit counted in code
// points, so this is the safe reading.
var limits = struct {
	unit                 message.Unit
	text                 int // text.text, i18nTexts[].text
	url                  int // every URL field
	contentText          int // button_template, link
	linkText             int
	buttonActions        int
	listElements         int
	listTitle            int // element title/subtitle, cover title/subtitle
	listActionRows       int
	listActionCols       int
	carouselColumns      int
	carouselActions      int
	carouselTitle        int
	carouselText         int // without image or title
	carouselTextCompact  int // with image or title
	carouselLines        int // lines of column text without image or title
	carouselLinesCompact int // with image or title
	imageColumns         int
	quickReplies         int
	label                int
	imageCarouselLabel   int
	persistentLabel      int
	postbackData         int
	displayText          int
	messagePostback      int
	messageText          int
	locationTitle        int
	locationAddress      int
	flexAltText          int
	persistentActions    int
	richMenuAreas        int
	richMenuName         int
	channelMembers       int
	channelTitle         int
	copyText             int
	requireQRDisplayText bool
}{
	unit:                 message.UTF16,
	text:                 2000,
	url:                  1000,
	contentText:          1000,
	linkText:             1000,
	buttonActions:        10,
	listElements:         4,
	listTitle:            1000,
	listActionRows:       2,
	listActionCols:       2,
	carouselColumns:      10,
	carouselActions:      3,
	carouselTitle:        40,
	carouselText:         120,
	carouselTextCompact:  60,
	carouselLines:        4,
	carouselLinesCompact: 2,
	imageColumns:         10,
	quickReplies:         13,
	label:                20,
	imageCarouselLabel:   12,
	persistentLabel:      1000,
	postbackData:         300,
	displayText:          300,
	messagePostback:      1000,
	messageText:          300, // UNCONFIRMED; LINE's value
	locationTitle:        100,
	locationAddress:      100,
	flexAltText:          400,
	persistentActions:    4,
	richMenuAreas:        20,
	richMenuName:         300,
	channelMembers:       100,
	channelTitle:         1000,
	copyText:             1000, // UNCONFIRMED
	requireQRDisplayText: true,
}

// Capabilities is what NAVER WORKS can show, for [message]-level bridges;
// it is built from the same table [Client] validates against.
var Capabilities = message.Capabilities{
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
	Types: []message.Type{
		message.TypeText, message.TypeImage, message.TypeVideo, message.TypeAudio, message.TypeFile,
		message.TypeSticker, message.TypeLocation, message.TypeCard, message.TypeCarousel, message.TypeList,
	},
	Actions:      []message.ActionType{message.ActionPostback, message.ActionMessage, message.ActionURL},
	QuickReplies: true,
}
