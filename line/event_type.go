package line

// Each event's discriminator, the sealed union's marker, and what the
// events have in common.

// Type returns EventMessage.
func (*MessageEvent) Type() string { return EventMessage }

// Type returns EventMessageEdited.
func (*MessageEditedEvent) Type() string { return EventMessageEdited }

// Type returns EventPostback.
func (*PostbackEvent) Type() string { return EventPostback }

// Type returns EventFollow.
func (*FollowEvent) Type() string { return EventFollow }

// Type returns EventUnfollow.
func (*UnfollowEvent) Type() string { return EventUnfollow }

// Type returns EventJoin.
func (*JoinEvent) Type() string { return EventJoin }

// Type returns EventLeave.
func (*LeaveEvent) Type() string { return EventLeave }

// Type returns EventMemberJoined.
func (*MemberJoinedEvent) Type() string { return EventMemberJoined }

// Type returns EventMemberLeft.
func (*MemberLeftEvent) Type() string { return EventMemberLeft }

// Type returns EventUnsend.
func (*UnsendEvent) Type() string { return EventUnsend }

// Type returns EventVideoPlayComplete.
func (*VideoPlayCompleteEvent) Type() string { return EventVideoPlayComplete }

// Type returns EventBeacon.
func (*BeaconEvent) Type() string { return EventBeacon }

// Type returns EventAccountLink.
func (*AccountLinkEvent) Type() string { return EventAccountLink }

// Type returns EventThings.
func (*ThingsEvent) Type() string { return EventThings }

// Type returns EventMembership.
func (*MembershipEvent) Type() string { return EventMembership }

// Type returns EventModule.
func (*ModuleEvent) Type() string { return EventModule }

// Type returns EventActivated.
func (*ActivatedEvent) Type() string { return EventActivated }

// Type returns EventDeactivated.
func (*DeactivatedEvent) Type() string { return EventDeactivated }

// Type returns EventBotSuspended.
func (*BotSuspendedEvent) Type() string { return EventBotSuspended }

// Type returns EventBotResumed.
func (*BotResumedEvent) Type() string { return EventBotResumed }

// Type returns EventDelivery.
func (*DeliveryEvent) Type() string { return EventDelivery }

// Type returns the EventType field.
func (e *UnknownEvent) Type() string { return e.EventType }

// Type returns the EventType field.
func (e *InvalidEvent) Type() string { return e.EventType }

func (*MessageEvent) isEvent()           {}
func (*MessageEditedEvent) isEvent()     {}
func (*PostbackEvent) isEvent()          {}
func (*FollowEvent) isEvent()            {}
func (*UnfollowEvent) isEvent()          {}
func (*JoinEvent) isEvent()              {}
func (*LeaveEvent) isEvent()             {}
func (*MemberJoinedEvent) isEvent()      {}
func (*MemberLeftEvent) isEvent()        {}
func (*UnsendEvent) isEvent()            {}
func (*VideoPlayCompleteEvent) isEvent() {}
func (*BeaconEvent) isEvent()            {}
func (*AccountLinkEvent) isEvent()       {}
func (*ThingsEvent) isEvent()            {}
func (*MembershipEvent) isEvent()        {}
func (*ModuleEvent) isEvent()            {}
func (*ActivatedEvent) isEvent()         {}
func (*DeactivatedEvent) isEvent()       {}
func (*BotSuspendedEvent) isEvent()      {}
func (*BotResumedEvent) isEvent()        {}
func (*DeliveryEvent) isEvent()          {}
func (*UnknownEvent) isEvent()           {}
func (*InvalidEvent) isEvent()           {}

// ReplyToken returns the reply token of ev, or "" when the event type has
// none or it was not sent.
func ReplyToken(ev Event) string {
	switch e := ev.(type) {
	case *MessageEvent:
		return e.ReplyToken
	case *MessageEditedEvent:
		return e.ReplyToken
	case *PostbackEvent:
		return e.ReplyToken
	case *FollowEvent:
		return e.ReplyToken
	case *JoinEvent:
		return e.ReplyToken
	case *MemberJoinedEvent:
		return e.ReplyToken
	case *VideoPlayCompleteEvent:
		return e.ReplyToken
	case *BeaconEvent:
		return e.ReplyToken
	case *AccountLinkEvent:
		return e.ReplyToken
	case *ThingsEvent:
		return e.ReplyToken
	case *MembershipEvent:
		return e.ReplyToken
	default:
		// the event carries no reply token
	}
	return ""
}
