package message

import "time"

// Platform names a messenger.
type Platform string

// The platforms channelkit supports.
const (
	LINE       Platform = "line"
	Kakao      Platform = "kakao"
	TalkTalk   Platform = "talktalk"
	NaverWorks Platform = "naverworks"
	Clova      Platform = "clova"
)

// Kind says what an [Incoming] event is.
type Kind string

// The event kinds.
const (
	KindMessage  Kind = "message"  // the user sent Content
	KindPostback Kind = "postback" // the user pressed a postback button; Data holds its payload
	KindFollow   Kind = "follow"   // the user added or opened the bot
	KindUnfollow Kind = "unfollow" // the user blocked or left the bot
	KindJoin     Kind = "join"     // the bot joined a group or room
	KindLeave    Kind = "leave"    // the bot left a group or room
	KindOther    Kind = "other"    // anything else; see Raw
)

// Incoming is a platform event in neutral form: what a bot needs to answer,
// plus the platform's own value in Raw for everything else.
type Incoming struct {
	Platform Platform
	Kind     Kind
	// BotID is the bot the event was sent to, as a multi-bot handler
	// resolved and verified it (a LINE channel's destination, a NAVER
	// WORKS bot ID, a Kakao bot ID, a TalkTalk partner, a CEK extension
	// ID); empty from a handler that serves one bot.
	BotID string
	// EventID identifies the event for de-duplication; empty when the
	// platform gives none.
	EventID string
	// ConversationID is where a reply goes: a user, group, room or channel
	// ID, in the platform's own format.
	ConversationID string
	// UserID is the sender, in the platform's own format; empty if unknown.
	UserID string
	// Content is the message, for KindMessage; nil otherwise.
	Content Content
	// Data is the postback payload, for KindPostback.
	Data string
	// ReceivedAt is the platform's event time, or the time of parsing when
	// the platform sends none.
	ReceivedAt time.Time
	// Redelivery reports that the platform says it sent this event before.
	Redelivery bool
	// Standby reports an event the bot only observes: a human agent holds
	// the conversation (TalkTalk's standby). A [Router] does not answer it
	// unless a route asks for standby events.
	Standby bool
	// Raw is the platform package's own event value (for example a
	// *line.MessageEvent), for anything the neutral form does not carry.
	Raw any
}
