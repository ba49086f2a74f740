package line

// MarshalJSON writes the event with its "type".
func (e *MessageEvent) MarshalJSON() ([]byte, error) {
	type alias MessageEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase), msgField(e.Message))
}

// MarshalJSON writes the event with its "type".
func (e *MessageEditedEvent) MarshalJSON() ([]byte, error) {
	type alias MessageEditedEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase), msgField(e.Message))
}

// MarshalJSON writes the event with its "type".
func (e *PostbackEvent) MarshalJSON() ([]byte, error) {
	type alias PostbackEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *FollowEvent) MarshalJSON() ([]byte, error) {
	type alias FollowEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *UnfollowEvent) MarshalJSON() ([]byte, error) {
	type alias UnfollowEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *JoinEvent) MarshalJSON() ([]byte, error) {
	type alias JoinEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *LeaveEvent) MarshalJSON() ([]byte, error) {
	type alias LeaveEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *MemberJoinedEvent) MarshalJSON() ([]byte, error) {
	type alias MemberJoinedEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *MemberLeftEvent) MarshalJSON() ([]byte, error) {
	type alias MemberLeftEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *UnsendEvent) MarshalJSON() ([]byte, error) {
	type alias UnsendEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *VideoPlayCompleteEvent) MarshalJSON() ([]byte, error) {
	type alias VideoPlayCompleteEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *BeaconEvent) MarshalJSON() ([]byte, error) {
	type alias BeaconEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *AccountLinkEvent) MarshalJSON() ([]byte, error) {
	type alias AccountLinkEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *ThingsEvent) MarshalJSON() ([]byte, error) {
	type alias ThingsEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *MembershipEvent) MarshalJSON() ([]byte, error) {
	type alias MembershipEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *ModuleEvent) MarshalJSON() ([]byte, error) {
	type alias ModuleEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *ActivatedEvent) MarshalJSON() ([]byte, error) {
	type alias ActivatedEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *DeactivatedEvent) MarshalJSON() ([]byte, error) {
	type alias DeactivatedEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *BotSuspendedEvent) MarshalJSON() ([]byte, error) {
	type alias BotSuspendedEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *BotResumedEvent) MarshalJSON() ([]byte, error) {
	type alias BotResumedEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON writes the event with its "type".
func (e *DeliveryEvent) MarshalJSON() ([]byte, error) {
	type alias DeliveryEvent
	return marshalTagged(e.Type(), (*alias)(e), srcField(&e.EventBase))
}

// MarshalJSON returns Raw, the exact bytes received.
func (e *UnknownEvent) MarshalJSON() ([]byte, error) { return rawOrNull(e.Raw), nil }

// MarshalJSON returns Raw, the exact bytes received.
func (e *InvalidEvent) MarshalJSON() ([]byte, error) { return rawOrNull(e.Raw), nil }

func msgField(m MessageContent) field {
	if m == nil {
		return field{}
	}
	return field{"message", m}
}
