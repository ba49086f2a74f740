package message

// Button is a labelled action on a [Card] or [List].
type Button struct {
	Label  string
	Action Action
}

// QuickReply is a suggestion chip shown under a message. Tapping it performs
// Action; ImageURL is an optional icon.
type QuickReply struct {
	Label    string
	Action   Action
	ImageURL string
}

// Action is what a button or quick reply does. The concrete types are
// *Postback, *MessageAction, *URLAction, *CallAction and *ShareAction.
//
//sumtype:decl
type Action interface {
	// ActionType reports which variant this is.
	ActionType() ActionType
	isAction()
}

// ActionType names an [Action] variant.
type ActionType string

// The action types.
const (
	ActionPostback ActionType = "postback"
	ActionMessage  ActionType = "message"
	ActionURL      ActionType = "url"
	ActionCall     ActionType = "call"
	ActionShare    ActionType = "share"
)

// Postback sends Data back to the bot without showing it to the user.
// DisplayText, if set, is shown in the chat as if the user typed it.
type Postback struct {
	Data        string
	DisplayText string
}

// MessageAction makes the user send Text, as if typed.
type MessageAction struct {
	Text string
}

// URLAction opens URL.
type URLAction struct {
	URL string
}

// CallAction dials Phone.
type CallAction struct {
	Phone string
}

// ShareAction lets the user share the message it belongs to.
type ShareAction struct{}

// ActionType returns ActionPostback.
func (*Postback) ActionType() ActionType { return ActionPostback }

// ActionType returns ActionMessage.
func (*MessageAction) ActionType() ActionType { return ActionMessage }

// ActionType returns ActionURL.
func (*URLAction) ActionType() ActionType { return ActionURL }

// ActionType returns ActionCall.
func (*CallAction) ActionType() ActionType { return ActionCall }

// ActionType returns ActionShare.
func (*ShareAction) ActionType() ActionType { return ActionShare }

func (*Postback) isAction()      {}
func (*MessageAction) isAction() {}
func (*URLAction) isAction()     {}
func (*CallAction) isAction()    {}
func (*ShareAction) isAction()   {}
