package talktalk

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/channelkit/channelkit/internal/wire"
)

// EventType is the wire value of an event's "event" field.
type EventType string

// The event types. Open, leave, friend, echo, pay_complete and pay_confirm
// only arrive; action, persistentMenu and product are only sent; send,
// handover and profile go both ways.
const (
	EventOpen           EventType = "open"
	EventLeave          EventType = "leave"
	EventFriend         EventType = "friend"
	EventSend           EventType = "send"
	EventEcho           EventType = "echo"
	EventHandover       EventType = "handover"
	EventProfile        EventType = "profile"
	EventPayComplete    EventType = "pay_complete"
	EventPayConfirm     EventType = "pay_confirm"
	EventAction         EventType = "action"
	EventPersistentMenu EventType = "persistentMenu"
	EventProduct        EventType = "product"
)

// Event is one TalkTalk event, inbound (a webhook body) or outbound (a send
// API body or a synchronous webhook reply). The concrete types are
// *OpenEvent, *LeaveEvent, *FriendEvent, *SendEvent, *EchoEvent,
// *HandoverEvent, *ProfileEvent, *PayCompleteEvent, *PayConfirmEvent,
// *ActionEvent, *PersistentMenuEvent, *ProductEvent and *UnknownEvent.
// MarshalJSON writes the "event" field; callers never set it.
//
//sumtype:decl
type Event interface {
	// Type reports the wire "event" value.
	Type() EventType
	// UserID returns the "user" field: the user the event is from or for.
	UserID() string
	isEvent()
}

// OpenEvent: the user entered the chat window.
type OpenEvent struct {
	User    string      `json:"user"`
	Partner string      `json:"partner,omitempty"`
	Options OpenOptions `json:"options"`
}

// OpenOptions are the options of an [OpenEvent].
type OpenOptions struct {
	// Inflow is how the user got here: "button", "list" or "none".
	Inflow string `json:"inflow,omitempty"`
	// Referer is the page the user came from.
	Referer string `json:"referer,omitempty"`
	// From is the value of the ?from= parameter of a talk.naver.com link.
	From string `json:"from,omitempty"`
	// Friend reports whether the user is a friend of the account.
	Friend bool `json:"friend"`
	// Under14 is always present on open.
	Under14 bool `json:"under14"`
	// Under19 and UnreadMessage are nil when absent.
	Under19       *bool `json:"under19,omitempty"`
	UnreadMessage *bool `json:"unreadMessage,omitempty"`
}

// LeaveEvent: the user pressed 나가기 (leave). A reply body is ignored.
type LeaveEvent struct {
	User    string `json:"user"`
	Partner string `json:"partner,omitempty"`
}

// FriendEvent: the user added (Set "on") or removed (Set "off") the
// account as a friend.
type FriendEvent struct {
	User    string        `json:"user"`
	Partner string        `json:"partner,omitempty"`
	Options FriendOptions `json:"options"`
}

// FriendOptions are the options of a [FriendEvent].
type FriendOptions struct {
	Set string `json:"set"` // "on" or "off"
}

// SendEvent is a message: from the user (inbound) or to the user (Client.Send
// or a synchronous reply). Exactly one content pointer is set on a valid
// outbound event; see [Content].
type SendEvent struct {
	User    string `json:"user,omitempty"`
	Partner string `json:"partner,omitempty"`
	// Standby is true on user messages while a human agent holds the
	// thread: the bot must not answer.
	Standby bool `json:"standby,omitempty"`
	// MessageID is observed on some inbound events; it is undocumented.
	MessageID json.Number `json:"messageId,omitempty"`
	Content
	Options SendOptions `json:"options,omitzero"`
}

// SendOptions are the options of a [SendEvent]. Outbound, only
// Notification is meaningful; the rest arrive on inbound events.
type SendOptions struct {
	// Notification asks for a push notification (bot-initiated sends only).
	Notification bool `json:"notification,omitempty"`
	// Mobile reports whether the user wrote from a mobile device.
	Mobile *bool `json:"mobile,omitempty"`
	// NoReflectBot is observed and undocumented.
	NoReflectBot *bool `json:"noReflectBot,omitempty"`
	// Product is set when InputType is "product".
	Product *Product `json:"product,omitempty"`
}

// Product is a Smart Store product a user sent.
type Product struct {
	Name                string `json:"name,omitempty"`
	URL                 string `json:"url,omitempty"`
	MobileURL           string `json:"mobileUrl,omitempty"`
	ThumbURL            string `json:"thumbUrl,omitempty"`
	CurrencyPrice       string `json:"currencyPrice,omitempty"`
	CurrencyMobilePrice string `json:"currencyMobilePrice,omitempty"`
}

// EchoEvent is a copy of a message sent to the user by a human agent or by
// the bot itself. Never answer an echo: that loops.
type EchoEvent struct {
	User        string `json:"user"`
	Partner     string `json:"partner,omitempty"`
	EchoedEvent string `json:"echoedEvent,omitempty"`
	// MessageID is observed on echoes (navertalk/chatbot-api issue #222);
	// it is undocumented.
	MessageID json.Number `json:"messageId,omitempty"`
	Content
	Options EchoOptions `json:"options,omitzero"`
}

// EchoOptions are the options of an [EchoEvent].
type EchoOptions struct {
	Mobile *bool `json:"mobile,omitempty"`
	// NoReflectBot is observed on echoes and undocumented.
	NoReflectBot *bool `json:"noReflectBot,omitempty"`
	// SourceID is 1 when a human agent sent the message.
	SourceID int64 `json:"sourceId,omitempty"`
	// ThreadOwnerID is 1 for the partner (agent), else the bot's number.
	ThreadOwnerID   int64  `json:"threadOwnerId,omitempty"`
	ManagerNickname string `json:"managerNickname,omitempty"`
}

// Handover controls.
const (
	PassThread = "passThread"
	TakeThread = "takeThread"
)

// HandoverEvent changes who holds the thread. Inbound, it tells the bot
// that an agent finished (Control "passThread" back to the bot); outbound
// it passes the thread to the agent or takes it back (see
// [Client.PassThread] and [Client.TakeThread]).
type HandoverEvent struct {
	User string `json:"user,omitempty"`
	// Partner is omitted on outbound events unless set: TalkTalk answers
	// "unauthorized partner" when it does not match.
	Partner string          `json:"partner,omitempty"`
	Options HandoverOptions `json:"options"`
}

// HandoverOptions are the options of a [HandoverEvent].
type HandoverOptions struct {
	Control string `json:"control"`
	// Metadata is a JSON document inside a string; decode it with
	// [HandoverEvent.DecodeMetadata]. takeThread always sends it, empty
	// or not, as the API expects.
	Metadata string `json:"metadata,omitempty"`
	// TargetID is 1 (the human agent) on an outbound passThread.
	TargetID int64 `json:"targetId,omitempty"`
}

// MarshalJSON writes "metadata" on takeThread even when it is empty.
func (o HandoverOptions) MarshalJSON() ([]byte, error) {
	type plain HandoverOptions
	if o.Control == TakeThread && o.Metadata == "" {
		return json.Marshal(struct {
			plain
			Metadata string `json:"metadata"`
		}{plain(o), ""})
	}
	return json.Marshal(plain(o))
}

// HandoverMetadata is the decoded metadata of an inbound handover.
type HandoverMetadata struct {
	// ManagerNickname is the agent who finished the consultation.
	ManagerNickname string `json:"managerNickname,omitempty"`
	// AutoEnd reports an automatic end (retired in 2021).
	AutoEnd bool `json:"autoEnd,omitempty"`
}

// ErrMetadata is wrapped by DecodeMetadata's errors.
var ErrMetadata = errors.New("talktalk: handover metadata is not a JSON object")

// DecodeMetadata decodes Options.Metadata. Empty metadata decodes to the
// zero value. Metadata that is not a JSON object (TalkTalk's own handover
// documentation shows single-quoted pseudo-JSON) is an error wrapping
// [ErrMetadata] and [ErrMalformed]; the event itself stays usable and the
// raw string stays in Options.Metadata.
func (e *HandoverEvent) DecodeMetadata() (HandoverMetadata, error) {
	var m HandoverMetadata
	if e.Options.Metadata == "" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(e.Options.Metadata), &m); err != nil {
		return HandoverMetadata{}, fmt.Errorf("%w: %w: %w", ErrMetadata, ErrMalformed, wire.JSONError(err))
	}
	return m, nil
}

// ProfileEvent requests member information (outbound: Options.Field and
// Agreements) or delivers it (inbound: Options.Result and the data), or
// reports a consent withdrawal (Result "WITHDRAW").
type ProfileEvent struct {
	User    string         `json:"user,omitempty"`
	Partner string         `json:"partner,omitempty"`
	Options ProfileOptions `json:"options"`
}

// Profile fields and results.
const (
	ProfileNickname  = "nickname"
	ProfileCellphone = "cellphone"
	ProfileAddress   = "address"

	ProfileSuccess  = "SUCCESS"
	ProfileDisagree = "DISAGREE"
	ProfileCancel   = "CANCEL"
	ProfileWithdraw = "WITHDRAW"
)

// ProfileOptions are the options of a [ProfileEvent].
type ProfileOptions struct {
	// Outbound.
	Field      string   `json:"field,omitempty"`
	Agreements []string `json:"agreements,omitempty"`
	// Inbound.
	Result      string   `json:"result,omitempty"`
	Nickname    string   `json:"nickname,omitempty"`
	Cellphone   string   `json:"cellphone,omitempty"`
	Address     *Address `json:"address,omitempty"`
	Withdrawals []string `json:"withdrawals,omitempty"`
}

// Address is a profile address. Latitude and Longitude arrive as strings.
type Address struct {
	RoadAddr  string     `json:"roadAddr,omitempty"`
	DetAddr   string     `json:"detAddr,omitempty"`
	ZipNo     string     `json:"zipNo,omitempty"`
	RnMgtSn   string     `json:"rnMgtSn,omitempty"`
	Latitude  FlexString `json:"latitude,omitempty"`
	Longitude FlexString `json:"longitude,omitempty"`
}

// PayCompleteEvent: the user finished the Naver Pay window. The HTTP status
// of the webhook response is the approval decision: see [ErrDecline].
type PayCompleteEvent struct {
	User    string             `json:"user"`
	Partner string             `json:"partner,omitempty"`
	Options PayCompleteOptions `json:"options"`
}

// PayCompleteOptions are the options of a [PayCompleteEvent].
type PayCompleteOptions struct {
	PaymentResult PaymentResult `json:"paymentResult"`
}

// PaymentResult is the outcome of the Naver Pay window.
type PaymentResult struct {
	Code            string `json:"code"` // "Success" or "Fail"
	Message         string `json:"message,omitempty"`
	PaymentID       string `json:"paymentId,omitempty"`
	MerchantPayKey  string `json:"merchantPayKey,omitempty"`
	MerchantUserKey string `json:"merchantUserKey,omitempty"`
}

// PayConfirmEvent reports the result of a payment approval. Act on it
// (ship, book) only when Code is "Success".
type PayConfirmEvent struct {
	User    string            `json:"user"`
	Partner string            `json:"partner,omitempty"`
	Options PayConfirmOptions `json:"options"`
}

// PayConfirmOptions are the options of a [PayConfirmEvent].
type PayConfirmOptions struct {
	PaymentConfirmResult PaymentConfirmResult `json:"paymentConfirmResult"`
}

// PaymentConfirmResult is the result of a payment approval.
type PaymentConfirmResult struct {
	Code      string `json:"code"`
	Message   string `json:"message,omitempty"`
	PaymentID string `json:"paymentId,omitempty"`
	// Detail is the wire's "deatil" (sic, as the specification spells it);
	// "detail" is accepted too, and the spelling that arrived is the one
	// written back.
	Detail json.RawMessage `json:"-"`

	detailKey string
}

type paymentConfirmWire struct {
	Code      string          `json:"code"`
	Message   string          `json:"message,omitempty"`
	PaymentID string          `json:"paymentId,omitempty"`
	Deatil    json.RawMessage `json:"deatil,omitempty"`
	Detail    json.RawMessage `json:"detail,omitempty"`
}

// UnmarshalJSON reads "deatil" or "detail".
func (p *PaymentConfirmResult) UnmarshalJSON(b []byte) error {
	var w paymentConfirmWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = PaymentConfirmResult{Code: w.Code, Message: w.Message, PaymentID: w.PaymentID}
	switch {
	case w.Deatil != nil:
		p.Detail, p.detailKey = wire.Clone(w.Deatil), "deatil"
	case w.Detail != nil:
		p.Detail, p.detailKey = wire.Clone(w.Detail), "detail"
	}
	return nil
}

// MarshalJSON writes Detail as "deatil", or as "detail" if that is how it
// arrived.
func (p PaymentConfirmResult) MarshalJSON() ([]byte, error) {
	w := paymentConfirmWire{Code: p.Code, Message: p.Message, PaymentID: p.PaymentID}
	if len(p.Detail) > 0 {
		if p.detailKey == "detail" {
			w.Detail = p.Detail
		} else {
			w.Deatil = p.Detail
		}
	}
	return json.Marshal(w)
}

// Typing actions.
const (
	TypingOn  = "typingOn"
	TypingOff = "typingOff"
)

// ActionEvent shows or hides the typing indicator.
type ActionEvent struct {
	User    string        `json:"user,omitempty"`
	Options ActionOptions `json:"options"`
}

// ActionOptions are the options of an [ActionEvent].
type ActionOptions struct {
	Action string `json:"action"` // TypingOn or TypingOff
}

// PersistentMenuEvent sets the account's persistent menu. It has no user.
// Only the first MenuContent element is used; an empty MenuContent deletes
// the menu.
type PersistentMenuEvent struct {
	MenuContent []MenuContent `json:"menuContent"`
}

// MenuContent is one persistent menu.
type MenuContent struct {
	Menus MenuList `json:"menus"`
}

// ProductEvent sends Smart Store product cards.
type ProductEvent struct {
	User    string         `json:"user,omitempty"`
	Options ProductOptions `json:"options"`
}

// Product display types.
const (
	DisplaySingle = "single"
	DisplayList   = "list"
)

// ProductOptions are the options of a [ProductEvent]. Unlike send events,
// the quick reply lives here.
type ProductOptions struct {
	IDs              []int64               `json:"ids"`
	DisplayType      string                `json:"displayType"`
	QuickReply       *QuickReply           `json:"quickReply,omitempty"`
	CustomButtonList []ProductCustomButton `json:"customButtonList,omitempty"`
}

// ProductCustomButton replaces the buttons of the product with ID.
type ProductCustomButton struct {
	ID         int64      `json:"id"`
	ButtonList ButtonList `json:"buttonList"`
}

// UnknownEvent is an event this package does not know. Raw holds the exact
// bytes, and MarshalJSON returns them unchanged. Built by hand, it is the
// escape hatch for sending a body this package has no type for.
type UnknownEvent struct {
	Name string // the "event" field
	User string
	Raw  json.RawMessage
}

// MarshalJSON returns Raw.
func (e *UnknownEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *UnknownEvent) marshal() ([]byte, error) {
	if len(e.Raw) == 0 {
		return nil, errors.New("talktalk: UnknownEvent without Raw")
	}
	return e.Raw, nil
}

// Type returns EventOpen.
func (*OpenEvent) Type() EventType { return EventOpen }

// Type returns EventLeave.
func (*LeaveEvent) Type() EventType { return EventLeave }

// Type returns EventFriend.
func (*FriendEvent) Type() EventType { return EventFriend }

// Type returns EventSend.
func (*SendEvent) Type() EventType { return EventSend }

// Type returns EventEcho.
func (*EchoEvent) Type() EventType { return EventEcho }

// Type returns EventHandover.
func (*HandoverEvent) Type() EventType { return EventHandover }

// Type returns EventProfile.
func (*ProfileEvent) Type() EventType { return EventProfile }

// Type returns EventPayComplete.
func (*PayCompleteEvent) Type() EventType { return EventPayComplete }

// Type returns EventPayConfirm.
func (*PayConfirmEvent) Type() EventType { return EventPayConfirm }

// Type returns EventAction.
func (*ActionEvent) Type() EventType { return EventAction }

// Type returns EventPersistentMenu.
func (*PersistentMenuEvent) Type() EventType { return EventPersistentMenu }

// Type returns EventProduct.
func (*ProductEvent) Type() EventType { return EventProduct }

// Type implements the interface UnknownEvent belongs to.
func (e *UnknownEvent) Type() EventType { return EventType(e.Name) }

// UserID returns the User field.
func (e *OpenEvent) UserID() string { return e.User }

// UserID returns the User field.
func (e *LeaveEvent) UserID() string { return e.User }

// UserID returns the User field.
func (e *FriendEvent) UserID() string { return e.User }

// UserID returns the User field.
func (e *SendEvent) UserID() string { return e.User }

// UserID returns the User field.
func (e *EchoEvent) UserID() string { return e.User }

// UserID returns the User field.
func (e *HandoverEvent) UserID() string { return e.User }

// UserID returns the User field.
func (e *ProfileEvent) UserID() string { return e.User }

// UserID returns the User field.
func (e *PayCompleteEvent) UserID() string { return e.User }

// UserID returns the User field.
func (e *PayConfirmEvent) UserID() string { return e.User }

// UserID returns the User field.
func (e *ActionEvent) UserID() string { return e.User }

// UserID returns "".
func (*PersistentMenuEvent) UserID() string { return "" }

// UserID returns the User field.
func (e *ProductEvent) UserID() string { return e.User }

// UserID returns the User field.
func (e *UnknownEvent) UserID() string { return e.User }

func (*OpenEvent) isEvent()           {}
func (*LeaveEvent) isEvent()          {}
func (*FriendEvent) isEvent()         {}
func (*SendEvent) isEvent()           {}
func (*EchoEvent) isEvent()           {}
func (*HandoverEvent) isEvent()       {}
func (*ProfileEvent) isEvent()        {}
func (*PayCompleteEvent) isEvent()    {}
func (*PayConfirmEvent) isEvent()     {}
func (*ActionEvent) isEvent()         {}
func (*PersistentMenuEvent) isEvent() {}
func (*ProductEvent) isEvent()        {}
func (*UnknownEvent) isEvent()        {}

// encodeEvent encodes ev as the client sends it: the same bytes as its
// MarshalJSON, without the extra validation pass json.Marshal makes over
// a Marshaler's output. An *UnknownEvent goes out byte for byte.
func encodeEvent(ev Event) ([]byte, error) {
	if b, ok := appendFast(make([]byte, 0, 256), ev); ok {
		return b, nil
	}
	if m, ok := ev.(interface{ marshal() ([]byte, error) }); ok {
		return m.marshal()
	}
	return json.Marshal(ev)
}

// marshalEvent writes the "event" discriminator in front of v's fields.
func marshalEvent(name EventType, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(b)+len(name)+12)
	out = append(out, `{"event":"`...)
	out = append(out, name...)
	out = append(out, '"')
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// MarshalJSON writes the event with its "event" field.
func (e *OpenEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *OpenEvent) marshal() ([]byte, error) {
	type plain OpenEvent
	return marshalEvent(EventOpen, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *LeaveEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *LeaveEvent) marshal() ([]byte, error) {
	type plain LeaveEvent
	return marshalEvent(EventLeave, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *FriendEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *FriendEvent) marshal() ([]byte, error) {
	type plain FriendEvent
	return marshalEvent(EventFriend, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *SendEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *SendEvent) marshal() ([]byte, error) {
	type plain SendEvent
	return marshalEvent(EventSend, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *EchoEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *EchoEvent) marshal() ([]byte, error) {
	type plain EchoEvent
	return marshalEvent(EventEcho, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *HandoverEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *HandoverEvent) marshal() ([]byte, error) {
	type plain HandoverEvent
	return marshalEvent(EventHandover, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *ProfileEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *ProfileEvent) marshal() ([]byte, error) {
	type plain ProfileEvent
	return marshalEvent(EventProfile, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *PayCompleteEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *PayCompleteEvent) marshal() ([]byte, error) {
	type plain PayCompleteEvent
	return marshalEvent(EventPayComplete, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *PayConfirmEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *PayConfirmEvent) marshal() ([]byte, error) {
	type plain PayConfirmEvent
	return marshalEvent(EventPayConfirm, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field.
func (e *ActionEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *ActionEvent) marshal() ([]byte, error) {
	type plain ActionEvent
	return marshalEvent(EventAction, (*plain)(e))
}

// MarshalJSON writes the event with its "event" field; a nil MenuContent
// is written as [] (which deletes the menu).
func (e *PersistentMenuEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *PersistentMenuEvent) marshal() ([]byte, error) {
	type plain PersistentMenuEvent
	p := plain(*e)
	if p.MenuContent == nil {
		p.MenuContent = []MenuContent{}
	}
	return marshalEvent(EventPersistentMenu, &p)
}

// MarshalJSON writes the event with its "event" field.
func (e *ProductEvent) MarshalJSON() ([]byte, error) { return e.marshal() }

func (e *ProductEvent) marshal() ([]byte, error) {
	type plain ProductEvent
	return marshalEvent(EventProduct, (*plain)(e))
}

// Parse decodes one webhook body (or any TalkTalk event JSON). An event
// this package does not know becomes an *UnknownEvent holding the exact
// bytes. Unknown fields are ignored. A body that is not a JSON object with
// a string "event" field is an error wrapping [ErrMalformed]; the error
// never quotes the body.
func Parse(body []byte) (Event, error) {
	name, found, err := wire.Peek(body, "event")
	if err != nil {
		return nil, malformed(err)
	}
	if !found {
		return nil, malformed(errors.New(`no "event" field`))
	}
	var ev Event
	switch EventType(name) {
	case EventOpen:
		ev = new(OpenEvent)
	case EventLeave:
		ev = new(LeaveEvent)
	case EventFriend:
		ev = new(FriendEvent)
	case EventSend:
		ev = new(SendEvent)
	case EventEcho:
		ev = new(EchoEvent)
	case EventHandover:
		ev = new(HandoverEvent)
	case EventProfile:
		ev = new(ProfileEvent)
	case EventPayComplete:
		ev = new(PayCompleteEvent)
	case EventPayConfirm:
		ev = new(PayConfirmEvent)
	case EventAction:
		ev = new(ActionEvent)
	case EventPersistentMenu:
		ev = new(PersistentMenuEvent)
	case EventProduct:
		ev = new(ProductEvent)
	default:
		if !json.Valid(body) {
			return nil, malformed(errors.New("invalid JSON"))
		}
		u := &UnknownEvent{Name: name, Raw: wire.Clone(body)}
		if user, ok, err := wire.Peek(body, "user"); err == nil && ok {
			u.User = user
		}
		return u, nil
	}
	if err := json.Unmarshal(body, ev); err != nil {
		return nil, malformed(wire.JSONError(err))
	}
	return ev, nil
}

func malformed(err error) error { return fmt.Errorf("talktalk: %w: %w", ErrMalformed, err) }

// FlexString is a string the platform sometimes sends as a JSON number
// (image width and height, address coordinates). It decodes both and
// encodes as a string.
type FlexString string

// UnmarshalJSON accepts a string, a number or null.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	var w wire.FlexString
	if err := w.UnmarshalJSON(b); err != nil {
		return wire.Safe("want a string or a number")
	}
	*f = FlexString(w)
	return nil
}
