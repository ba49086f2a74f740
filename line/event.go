package line

import (
	"encoding/json"
	"time"
)

// Callback is the body of one webhook request: the bot it is for and a batch
// of events. Events may be empty: LINE sends an empty batch to check that
// the webhook URL answers.
type Callback struct {
	// Destination is the user ID of the bot that should receive the events.
	Destination string `json:"destination,omitempty"`
	// Events are in the order LINE sent them. An event of a type this package
	// does not know is an [*UnknownEvent]; an event that could not be decoded
	// is an [*InvalidEvent]. Neither fails the batch.
	Events []Event `json:"events"`
}

// Mode is the channel state an event was sent in.
type Mode string

// The channel modes. Standby appears only for channels that use module
// channels or chat control; a standby channel must not reply.
const (
	ModeActive  Mode = "active"
	ModeStandby Mode = "standby"
)

// DeliveryContext says whether an event is a redelivery.
type DeliveryContext struct {
	// IsRedelivery is true when LINE sends the event again after an earlier
	// delivery failed (only with "webhook redelivery" enabled in the console).
	IsRedelivery bool `json:"isRedelivery"`
}

// EventBase holds the properties every event has. It is embedded in every
// event type, so they are promoted: ev.WebhookEventID, ev.Source, ev.Time().
type EventBase struct {
	// Mode is the channel state; empty in old payloads.
	Mode Mode `json:"mode,omitempty"`
	// Timestamp is the event time in milliseconds since the Unix epoch.
	Timestamp int64 `json:"timestamp"`
	// Source is who the event came from; nil for events without a source
	// (botSuspended, botResumed, module).
	Source Source `json:"-"`
	// WebhookEventID uniquely identifies the event (a ULID): the
	// de-duplication key. Empty in old payloads.
	WebhookEventID string `json:"webhookEventId,omitempty"`
	// DeliveryContext says whether this is a redelivery.
	DeliveryContext DeliveryContext `json:"deliveryContext"`
}

// Base returns the common properties.
func (b *EventBase) Base() *EventBase { return b }

// Time returns Timestamp as a time.Time.
func (b *EventBase) Time() time.Time { return time.UnixMilli(b.Timestamp) }

// IsRedelivery reports DeliveryContext.IsRedelivery.
func (b *EventBase) IsRedelivery() bool { return b.DeliveryContext.IsRedelivery }

// Event is one webhook event. The concrete types are pointers to the
// structs in this file, plus [*UnknownEvent] for types this package does not
// know and [*InvalidEvent] for events that did not decode. Switch on the
// pointer types:
//
//	switch e := ev.(type) {
//	case *line.MessageEvent:
//	case *line.PostbackEvent:
//	}
//
//sumtype:decl
type Event interface {
	// Type returns the event's "type" on the wire.
	Type() string
	// Base returns the properties every event has.
	Base() *EventBase
	isEvent()
}

// The event types.
const (
	EventMessage           = "message"
	EventPostback          = "postback"
	EventFollow            = "follow"
	EventUnfollow          = "unfollow"
	EventJoin              = "join"
	EventLeave             = "leave"
	EventMemberJoined      = "memberJoined"
	EventMemberLeft        = "memberLeft"
	EventUnsend            = "unsend"
	EventVideoPlayComplete = "videoPlayComplete"
	EventBeacon            = "beacon"
	EventAccountLink       = "accountLink"
	EventThings            = "things"
	EventMembership        = "membership"
	EventModule            = "module"
	EventActivated         = "activated"
	EventDeactivated       = "deactivated"
	EventBotSuspended      = "botSuspended"
	EventBotResumed        = "botResumed"
	EventDelivery          = "delivery"
	EventMessageEdited     = "messageEdited"
)

// MessageEvent: a user sent a message.
type MessageEvent struct {
	EventBase
	// ReplyToken answers this event with Client.Reply (single use, about a
	// minute). May be empty.
	ReplyToken string `json:"replyToken,omitempty"`
	// Message is the content: [*TextContent], [*ImageContent], … or
	// [*UnknownContent].
	Message MessageContent `json:"-"`
}

// MessageEditedEvent: a user edited a text message they had sent. Message
// is the message as it reads now, with the ID of the original. LINE lets
// users edit messages only in group chats for now, so the event comes from
// groups; several edits of one message may arrive out of order, and the
// one with the largest Timestamp is the latest (line-bot-sdk-go's
// MessageEditedEvent, webhook "messageEdited").
type MessageEditedEvent struct {
	EventBase
	// ReplyToken answers this event with Client.Reply. May be empty.
	ReplyToken string `json:"replyToken,omitempty"`
	// Message is the edited content: [*TextContent] (only text can be
	// edited today), or [*UnknownContent].
	Message MessageContent `json:"-"`
}

// PostbackEvent: a user tapped a postback action.
type PostbackEvent struct {
	EventBase
	ReplyToken string   `json:"replyToken,omitempty"`
	Postback   Postback `json:"postback"`
}

// Postback is the payload of a [PostbackEvent].
type Postback struct {
	Data string `json:"data"`
	// Params holds what a datetime-picker action chose ("date", "time" or
	// "datetime") or a rich-menu switch result ("newRichMenuAliasId",
	// "status"); nil when absent.
	Params *PostbackParams `json:"params,omitempty"`
}

// PostbackParams are the optional parameters of a postback.
type PostbackParams struct {
	Date               string `json:"date,omitempty"`     // "2017-12-25"
	Time               string `json:"time,omitempty"`     // "01:00"
	Datetime           string `json:"datetime,omitempty"` // "2017-12-25T01:00"
	NewRichMenuAliasID string `json:"newRichMenuAliasId,omitempty"`
	Status             string `json:"status,omitempty"` // SUCCESS, RICHMENU_ALIAS_ID_NOTFOUND, RICHMENU_NOTFOUND, FAILED
}

// FollowEvent: a user added the bot as a friend or unblocked it.
type FollowEvent struct {
	EventBase
	ReplyToken string `json:"replyToken,omitempty"`
	// Follow is absent in old payloads.
	Follow *FollowDetail `json:"follow,omitempty"`
}

// FollowDetail says whether a follow is an unblock.
type FollowDetail struct {
	IsUnblocked bool `json:"isUnblocked"`
}

// UnfollowEvent: a user blocked the bot.
type UnfollowEvent struct {
	EventBase
}

// JoinEvent: the bot joined a group or room.
type JoinEvent struct {
	EventBase
	ReplyToken string `json:"replyToken,omitempty"`
}

// LeaveEvent: the bot was removed from a group or room.
type LeaveEvent struct {
	EventBase
}

// Members lists the users in a member event.
type Members struct {
	Members []*UserSource `json:"members"`
}

// MemberJoinedEvent: users joined a group or room the bot is in.
type MemberJoinedEvent struct {
	EventBase
	ReplyToken string  `json:"replyToken,omitempty"`
	Joined     Members `json:"joined"`
}

// MemberLeftEvent: users left a group or room the bot is in.
type MemberLeftEvent struct {
	EventBase
	Left Members `json:"left"`
}

// UnsendEvent: a user unsent a message.
type UnsendEvent struct {
	EventBase
	Unsend Unsend `json:"unsend"`
}

// Unsend names the unsent message.
type Unsend struct {
	MessageID string `json:"messageId"`
}

// VideoPlayCompleteEvent: a user finished watching a video message that
// had a trackingId.
type VideoPlayCompleteEvent struct {
	EventBase
	ReplyToken        string            `json:"replyToken,omitempty"`
	VideoPlayComplete VideoPlayComplete `json:"videoPlayComplete"`
}

// VideoPlayComplete carries the trackingId of the video message.
type VideoPlayComplete struct {
	TrackingID string `json:"trackingId"`
}

// BeaconEvent: a user's device came near a LINE Beacon.
type BeaconEvent struct {
	EventBase
	ReplyToken string `json:"replyToken,omitempty"`
	Beacon     Beacon `json:"beacon"`
}

// Beacon is the payload of a [BeaconEvent].
type Beacon struct {
	HWID string `json:"hwid"`
	Type string `json:"type"`         // enter, banner, stay
	DM   string `json:"dm,omitempty"` // device message, hex
}

// AccountLinkEvent: a user linked (or failed to link) their account.
type AccountLinkEvent struct {
	EventBase
	// ReplyToken is absent when linking failed.
	ReplyToken string `json:"replyToken,omitempty"`
	Link       Link   `json:"link"`
}

// Link is the result of account linking.
type Link struct {
	Result string `json:"result"` // ok, failed
	Nonce  string `json:"nonce"`
}

// ThingsEvent: a LINE Things device event.
type ThingsEvent struct {
	EventBase
	ReplyToken string `json:"replyToken,omitempty"`
	Things     Things `json:"things"`
}

// Things is the payload of a [ThingsEvent].
type Things struct {
	DeviceID string `json:"deviceId"`
	Type     string `json:"type"` // link, unlink, scenarioResult
	// Result is the scenario result, kept as JSON.
	Result json.RawMessage `json:"result,omitempty"`
}

// MembershipEvent: a user joined, left or renewed a membership.
type MembershipEvent struct {
	EventBase
	ReplyToken string     `json:"replyToken,omitempty"`
	Membership Membership `json:"membership"`
}

// Membership is the payload of a [MembershipEvent].
type Membership struct {
	Type         string `json:"type"` // joined, left, renewed
	MembershipID int64  `json:"membershipId"`
}

// ModuleEvent: the bot's module channel was attached or detached.
type ModuleEvent struct {
	EventBase
	Module Module `json:"module"`
}

// Module is the payload of a [ModuleEvent].
type Module struct {
	Type   string   `json:"type"` // attached, detached
	BotID  string   `json:"botId,omitempty"`
	Scopes []string `json:"scopes,omitempty"`
	Reason string   `json:"reason,omitempty"`
}

// ActivatedEvent: a module channel became active (acquired chat control).
type ActivatedEvent struct {
	EventBase
	ChatControl *ChatControl `json:"chatControl,omitempty"`
}

// ChatControl says until when a module channel is active.
type ChatControl struct {
	// ExpireAt is in milliseconds since the Unix epoch.
	ExpireAt int64 `json:"expireAt"`
}

// DeactivatedEvent: a module channel became standby.
type DeactivatedEvent struct {
	EventBase
}

// BotSuspendedEvent: the bot's module channel was suspended.
type BotSuspendedEvent struct {
	EventBase
}

// BotResumedEvent: the bot's module channel was resumed.
type BotResumedEvent struct {
	EventBase
}

// DeliveryEvent: a LINE notification message was delivered.
type DeliveryEvent struct {
	EventBase
	Delivery Delivery `json:"delivery"`
}

// Delivery is the payload of a [DeliveryEvent].
type Delivery struct {
	Data string `json:"data"`
}

// UnknownEvent is an event of a type this package does not know. Raw holds
// its exact bytes, which MarshalJSON returns; the common properties are
// decoded from it where they make sense, so de-duplication still works.
type UnknownEvent struct {
	EventBase
	// EventType is the event's "type".
	EventType string
	Raw       json.RawMessage
}

// InvalidEvent is an event that could not be decoded (a known type with a
// field of the wrong shape, or not an object at all). The rest of the batch
// is unaffected. Raw holds the exact bytes, which MarshalJSON returns.
type InvalidEvent struct {
	EventBase
	// EventType is the event's "type", if it could be read.
	EventType string
	Raw       json.RawMessage
	// Err says what was wrong; it never contains the payload.
	Err error
}
