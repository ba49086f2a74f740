package talktalk

import "encoding/json"

// The event types: the wire values of an event's "event" field, which
// [Event.Type] returns. Open, leave, friend, echo, pay_complete and
// pay_confirm only arrive; action, persistentMenu and product are only
// sent; send, handover and profile go both ways.
const (
	EventOpen           = "open"
	EventLeave          = "leave"
	EventFriend         = "friend"
	EventSend           = "send"
	EventEcho           = "echo"
	EventHandover       = "handover"
	EventProfile        = "profile"
	EventPayComplete    = "pay_complete"
	EventPayConfirm     = "pay_confirm"
	EventAction         = "action"
	EventPersistentMenu = "persistentMenu"
	EventProduct        = "product"
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
	Type() string
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

// Type returns EventOpen.
func (*OpenEvent) Type() string { return EventOpen }

// Type returns EventLeave.
func (*LeaveEvent) Type() string { return EventLeave }

// Type returns EventFriend.
func (*FriendEvent) Type() string { return EventFriend }

// Type returns EventSend.
func (*SendEvent) Type() string { return EventSend }

// Type returns EventEcho.
func (*EchoEvent) Type() string { return EventEcho }

// Type returns EventHandover.
func (*HandoverEvent) Type() string { return EventHandover }

// Type returns EventProfile.
func (*ProfileEvent) Type() string { return EventProfile }

// Type returns EventPayComplete.
func (*PayCompleteEvent) Type() string { return EventPayComplete }

// Type returns EventPayConfirm.
func (*PayConfirmEvent) Type() string { return EventPayConfirm }

// Type returns EventAction.
func (*ActionEvent) Type() string { return EventAction }

// Type returns EventPersistentMenu.
func (*PersistentMenuEvent) Type() string { return EventPersistentMenu }

// Type returns EventProduct.
func (*ProductEvent) Type() string { return EventProduct }

// Type implements the interface UnknownEvent belongs to.
func (e *UnknownEvent) Type() string { return e.Name }

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
