package naverworks

import (
	"encoding/json"
	"errors"

	"github.com/channelkit/channelkit/internal/wire"
)

// Action is what a button, quick reply or menu item does. The concrete
// types are *PostbackAction, *MessageAction, *URIAction, *CameraAction,
// *CameraRollAction, *LocationAction, *CopyAction and *RawAction.
//
// Where each may appear: postback in carousels, image carousels, quick
// replies and rich menus; message, uri and copy everywhere; camera, camera
// roll and location in quick replies only. [Client] checks this before
// sending.
//
//sumtype:decl
type Action interface {
	// Type returns the wire type ("postback", "message", …).
	Type() string
	isAction()
}

// I18nLabel is a per-language "label".
type I18nLabel struct {
	Language Language `json:"language"`
	Label    string   `json:"label"`
}

// I18nDisplayText is a per-language "displayText".
type I18nDisplayText struct {
	Language    Language `json:"language"`
	DisplayText string   `json:"displayText"`
}

// PostbackAction sends Data back in a postback event. DisplayText is shown
// as the user's message (required in quick replies).
type PostbackAction struct {
	Label            string            `json:"label,omitempty"`
	Data             string            `json:"data"`
	DisplayText      string            `json:"displayText,omitempty"`
	I18nLabels       []I18nLabel       `json:"i18nLabels,omitempty"`
	I18nDisplayTexts []I18nDisplayText `json:"i18nDisplayTexts,omitempty"`
}

// MessageAction makes the user send Text; Postback, if set, comes back as
// the message event's content.postback.
type MessageAction struct {
	Label      string      `json:"label,omitempty"`
	Text       string      `json:"text,omitempty"`
	Postback   string      `json:"postback,omitempty"`
	I18nLabels []I18nLabel `json:"i18nLabels,omitempty"`
	I18nTexts  []I18nText  `json:"i18nTexts,omitempty"`
}

// URIAction opens URI.
type URIAction struct {
	Label      string      `json:"label,omitempty"`
	URI        string      `json:"uri"`
	I18nLabels []I18nLabel `json:"i18nLabels,omitempty"`
}

// CameraAction opens the camera (quick replies, mobile only).
type CameraAction struct {
	Label string `json:"label"`
}

// CameraRollAction opens the camera roll (quick replies, mobile only).
type CameraRollAction struct {
	Label string `json:"label"`
}

// LocationAction asks for the user's location (quick replies, mobile only).
type LocationAction struct {
	Label string `json:"label"`
}

// CopyAction copies CopyText to the clipboard.
type CopyAction struct {
	Label    string `json:"label"`
	CopyText string `json:"copyText"`
}

// RawAction is an action as raw JSON: actions this package does not model,
// and the decoded form of an unknown action type.
type RawAction struct {
	JSON json.RawMessage
}

// Type returns "postback".
func (*PostbackAction) Type() string { return "postback" }

// Type returns "message".
func (*MessageAction) Type() string { return "message" }

// Type returns "uri".
func (*URIAction) Type() string { return "uri" }

// Type returns "camera".
func (*CameraAction) Type() string { return "camera" }

// Type returns "cameraRoll".
func (*CameraRollAction) Type() string { return "cameraRoll" }

// Type returns "location".
func (*LocationAction) Type() string { return "location" }

// Type returns "copy".
func (*CopyAction) Type() string { return "copy" }

// Type returns the "type" of the raw JSON, or "".
func (a *RawAction) Type() string {
	t, _, _ := wire.Peek(a.JSON, "type")
	return t
}

func (*PostbackAction) isAction()   {}
func (*MessageAction) isAction()    {}
func (*URIAction) isAction()        {}
func (*CameraAction) isAction()     {}
func (*CameraRollAction) isAction() {}
func (*LocationAction) isAction()   {}
func (*CopyAction) isAction()       {}
func (*RawAction) isAction()        {}

// MarshalJSON writes the action with "type": "postback".
func (a *PostbackAction) MarshalJSON() ([]byte, error) {
	type plain PostbackAction
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{a.Type(), (*plain)(a)})
}

// MarshalJSON writes the action with "type": "message".
func (a *MessageAction) MarshalJSON() ([]byte, error) {
	type plain MessageAction
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{a.Type(), (*plain)(a)})
}

// MarshalJSON writes the action with "type": "uri".
func (a *URIAction) MarshalJSON() ([]byte, error) {
	type plain URIAction
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{a.Type(), (*plain)(a)})
}

// MarshalJSON writes the action with "type": "camera".
func (a *CameraAction) MarshalJSON() ([]byte, error) {
	type plain CameraAction
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{a.Type(), (*plain)(a)})
}

// MarshalJSON writes the action with "type": "cameraRoll".
func (a *CameraRollAction) MarshalJSON() ([]byte, error) {
	type plain CameraRollAction
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{a.Type(), (*plain)(a)})
}

// MarshalJSON writes the action with "type": "location".
func (a *LocationAction) MarshalJSON() ([]byte, error) {
	type plain LocationAction
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{a.Type(), (*plain)(a)})
}

// MarshalJSON writes the action with "type": "copy".
func (a *CopyAction) MarshalJSON() ([]byte, error) {
	type plain CopyAction
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{a.Type(), (*plain)(a)})
}

// MarshalJSON returns the raw JSON unchanged.
func (a *RawAction) MarshalJSON() ([]byte, error) {
	if !json.Valid(a.JSON) {
		return nil, errors.New("naverworks: RawAction holds invalid JSON")
	}
	return a.JSON, nil
}

// UnmarshalJSON keeps a copy of the bytes exactly as they are.
func (a *RawAction) UnmarshalJSON(b []byte) error {
	a.JSON = wire.Clone(b)
	return nil
}

// DecodeAction decodes one action object, as an action's MarshalJSON
// writes it. Unknown types, and objects without a "type", become a
// [*RawAction] holding the exact bytes. Input that is not a JSON object
// with a string "type", or a known action with a field of the wrong JSON
// type, is an error wrapping [ErrMalformed]; the error never quotes the
// input.
func DecodeAction(data []byte) (Action, error) {
	if err := checkJSON(data); err != nil {
		return nil, decodeError("action", err)
	}
	a, err := decodeAction(data)
	if err == nil && a == nil {
		err = errNoType
	}
	if err != nil {
		return nil, decodeError("action", err)
	}
	return a, nil
}

// decodeAction decodes one action from valid JSON; null is a nil Action.
// Its errors come from encoding/json or are [wire.Safe], for the caller to
// pass through [wire.JSONError].
func decodeAction(data []byte) (Action, error) {
	if wire.IsNull(data) {
		return nil, nil
	}
	typ, _, err := wire.Peek(data, "type")
	if err != nil {
		return nil, errNoType
	}
	var a Action
	switch typ {
	case "postback":
		a = new(PostbackAction)
	case "message":
		a = new(MessageAction)
	case "uri":
		a = new(URIAction)
	case "camera":
		a = new(CameraAction)
	case "cameraRoll":
		a = new(CameraRollAction)
	case "location":
		a = new(LocationAction)
	case "copy":
		a = new(CopyAction)
	default:
		return &RawAction{JSON: wire.Clone(data)}, nil
	}
	if err := json.Unmarshal(data, a); err != nil {
		return nil, err
	}
	return a, nil
}

// actionList decodes a JSON array of actions: nil stays nil, a null
// element is a nil Action.
func actionList(raw []json.RawMessage) ([]Action, error) {
	if raw == nil {
		return nil, nil
	}
	out := make([]Action, len(raw))
	for i, r := range raw {
		a, err := decodeAction(r)
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}
