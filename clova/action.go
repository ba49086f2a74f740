package clova

import (
	"encoding/json"

	"github.com/channelkit/channelkit/internal/wire"
)

// ChatbotAction is what tapping a component does. Type is "link",
// "postback", "utterance", "phone" or "welcome"; Data is kept raw, read it
// with the methods.
type ChatbotAction struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Action types.
const (
	ActionLink      = "link"
	ActionPostback  = "postback"
	ActionUtterance = "utterance"
	ActionPhone     = "phone"
	ActionWelcome   = "welcome"
)

// LinkAction returns a link action.
func LinkAction(url string) *ChatbotAction {
	d, _ := json.Marshal(struct {
		URL string `json:"url"`
	}{url})
	return &ChatbotAction{Type: ActionLink, Data: d}
}

// PostbackAction returns a postback action: display is shown as the user's
// message, full (if not empty) is what is sent back to the chatbot.
func PostbackAction(display, full string) *ChatbotAction {
	d, _ := json.Marshal(struct {
		Postback     string `json:"postback"`
		PostbackFull string `json:"postbackFull,omitempty"`
	}{display, full})
	return &ChatbotAction{Type: ActionPostback, Data: d}
}

type actionData struct {
	URL          string `json:"url"`
	Postback     string `json:"postback"`
	PostbackFull string `json:"postbackFull"`
	Text         string `json:"text"`
	Phone        string `json:"phoneNumber"`
	Number       string `json:"number"`
}

func (a *ChatbotAction) data() actionData {
	var d actionData
	if a != nil && !wire.IsNull(a.Data) {
		_ = json.Unmarshal(a.Data, &d) // a shape we cannot read reads as empty
	}
	return d
}

// URL returns a link action's URL.
func (a *ChatbotAction) URL() string { return a.data().URL }

// PostbackText returns what to Send back to the chatbot when the user picks
// a postback or utterance action: postbackFull if set, else postback.
func (a *ChatbotAction) PostbackText() string {
	d := a.data()
	if d.PostbackFull != "" {
		return d.PostbackFull
	}
	return d.Postback
}

// DisplayText returns the text to show as the user's message for a
// postback (postback) or utterance (text) action.
func (a *ChatbotAction) DisplayText() string {
	d := a.data()
	if a != nil && a.Type == ActionUtterance && d.Text != "" {
		return d.Text
	}
	return d.Postback
}

// Phone returns a phone action's number. The field name is not confirmed
// by the public documentation; "phoneNumber" and "number" are read.
func (a *ChatbotAction) Phone() string {
	d := a.data()
	if d.Phone != "" {
		return d.Phone
	}
	return d.Number
}
