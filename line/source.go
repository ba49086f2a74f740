package line

import "encoding/json"

// Source is who an event came from: [*UserSource], [*GroupSource],
// [*RoomSource], or [*UnknownSource] for a source type this package does not
// know.
//
//sumtype:decl
type Source interface {
	// Type returns the source's "type" on the wire.
	Type() string
	// ChatID returns where a push to this conversation goes: the user, group
	// or room ID.
	ChatID() string
	// Sender returns the user who caused the event, or "" when LINE did not
	// say (in groups and rooms it is only sent for some events and clients).
	Sender() string
	isSource()
}

// The source types.
const (
	SourceUser  = "user"
	SourceGroup = "group"
	SourceRoom  = "room"
)

// UserSource is a one-to-one chat with a user.
type UserSource struct {
	UserID string `json:"userId"`
}

// GroupSource is a group chat.
type GroupSource struct {
	GroupID string `json:"groupId"`
	UserID  string `json:"userId,omitempty"`
}

// RoomSource is a multi-person chat (the older form of groups).
type RoomSource struct {
	RoomID string `json:"roomId"`
	UserID string `json:"userId,omitempty"`
}

// UnknownSource is a source type this package does not know. Raw holds its
// exact bytes, which MarshalJSON returns.
type UnknownSource struct {
	SourceType string
	Raw        json.RawMessage
}

// Type returns SourceUser.
func (*UserSource) Type() string { return SourceUser }

// Type returns SourceGroup.
func (*GroupSource) Type() string { return SourceGroup }

// Type returns SourceRoom.
func (*RoomSource) Type() string { return SourceRoom }

// Type returns the SourceType field.
func (s *UnknownSource) Type() string { return s.SourceType }

// ChatID returns the UserID field.
func (s *UserSource) ChatID() string { return s.UserID }

// ChatID returns the GroupID field.
func (s *GroupSource) ChatID() string { return s.GroupID }

// ChatID returns the RoomID field.
func (s *RoomSource) ChatID() string { return s.RoomID }

// ChatID returns "" for an unknown source.
func (s *UnknownSource) ChatID() string { return "" }

// Sender returns the UserID field.
func (s *UserSource) Sender() string { return s.UserID }

// Sender returns the UserID field.
func (s *GroupSource) Sender() string { return s.UserID }

// Sender returns the UserID field.
func (s *RoomSource) Sender() string { return s.UserID }

// Sender returns "" for an unknown source.
func (s *UnknownSource) Sender() string { return "" }

func (*UserSource) isSource()    {}
func (*GroupSource) isSource()   {}
func (*RoomSource) isSource()    {}
func (*UnknownSource) isSource() {}

// MarshalJSON writes the source with its "type".
func (s *UserSource) MarshalJSON() ([]byte, error) {
	type alias UserSource
	return marshalTagged(SourceUser, (*alias)(s))
}

// MarshalJSON writes the source with its "type".
func (s *GroupSource) MarshalJSON() ([]byte, error) {
	type alias GroupSource
	return marshalTagged(SourceGroup, (*alias)(s))
}

// MarshalJSON writes the source with its "type".
func (s *RoomSource) MarshalJSON() ([]byte, error) {
	type alias RoomSource
	return marshalTagged(SourceRoom, (*alias)(s))
}

// MarshalJSON returns Raw.
func (s *UnknownSource) MarshalJSON() ([]byte, error) { return rawOrNull(s.Raw), nil }
