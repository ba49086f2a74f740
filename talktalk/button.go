package talktalk

import (
	"encoding/json"
	"errors"

	"github.com/channelkit/channelkit/internal/wire"
)

// ButtonType is the wire "type" of a button.
type ButtonType string

// The button types. Time, Calendar and TimeInterval are UI components:
// the user's choice comes back as text with InputType "time", "calendar" or
// "timeInterval" and the button's code.
const (
	ButtonText         ButtonType = "TEXT"
	ButtonLink         ButtonType = "LINK"
	ButtonOption       ButtonType = "OPTION"
	ButtonPay          ButtonType = "PAY"
	ButtonTime         ButtonType = "TIME"
	ButtonCalendar     ButtonType = "CALENDAR"
	ButtonTimeInterval ButtonType = "TIMEINTERVAL"
)

// Button is a composite, element, option or quick-reply button. The
// concrete types are *TextButton, *LinkButton, *OptionButton, *PayButton,
// *TimeButton, *CalendarButton, *TimeIntervalButton and *UnknownButton.
// On the wire it is {"type": …, "data": {…}}; MarshalJSON writes the type.
//
//sumtype:decl
type Button interface {
	ButtonType() ButtonType
	isButton()
}

// TextButton sends Title as the user's text, with Code attached.
type TextButton struct {
	Title string `json:"title"`
	Code  string `json:"code,omitempty"`
}

// LinkButton opens URL (PC) or MobileURL (mobile). MobileTarget "webview"
// opens an in-chat web view sized by MobileTargetAttr.
type LinkButton struct {
	Title            string            `json:"title"`
	URL              string            `json:"url"`
	MobileURL        string            `json:"mobileUrl,omitempty"`
	MobileTarget     string            `json:"mobileTarget,omitempty"`
	MobileTargetAttr *MobileTargetAttr `json:"mobileTargetAttr,omitempty"`
}

// MobileTargetAttr sizes a web view (BETA on TalkTalk).
type MobileTargetAttr struct {
	WebviewTitle string `json:"webviewTitle,omitempty"`
	// WebviewHeight is a percentage of the chat height, 30 to 90.
	WebviewHeight int `json:"webviewHeight,omitempty"`
}

// OptionButton shows ButtonList as quick buttons when pressed.
type OptionButton struct {
	Title      string     `json:"title"`
	ButtonList ButtonList `json:"buttonList"`
}

// PayButton opens Naver Pay. Set PaymentInfo (the Pay API form) or PayKey
// (the older form in the main README), not both.
type PayButton struct {
	PayKey      string       `json:"payKey,omitempty"`
	PaymentInfo *PaymentInfo `json:"paymentInfo,omitempty"`
}

// PaymentInfo describes a Naver Pay payment (model 2).
type PaymentInfo struct {
	MerchantPayKey    string        `json:"merchantPayKey"`
	MerchantUserKey   string        `json:"merchantUserKey,omitempty"`
	ProductName       string        `json:"productName,omitempty"`
	ProductCount      int           `json:"productCount,omitempty"`
	TotalPayAmount    int64         `json:"totalPayAmount"`
	DeliveryFee       int64         `json:"deliveryFee,omitempty"`
	TaxScopeAmount    int64         `json:"taxScopeAmount,omitempty"`
	TaxExScopeAmount  int64         `json:"taxExScopeAmount,omitempty"`
	PurchaserName     string        `json:"purchaserName,omitempty"`
	PurchaserBirthday string        `json:"purchaserBirthday,omitempty"`
	ProductItems      []ProductItem `json:"productItems"`
}

// ProductItem is one item of a payment.
type ProductItem struct {
	CategoryType string `json:"categoryType"`
	CategoryID   string `json:"categoryId"`
	UID          string `json:"uid"`
	Name         string `json:"name"`
	StartDate    string `json:"startDate,omitempty"`
	EndDate      string `json:"endDate,omitempty"`
	SellerID     string `json:"sellerId"`
	Count        int    `json:"count,omitempty"`
}

// TimeButton lets the user pick a time ("HH:mm").
type TimeButton struct {
	Title string `json:"title,omitempty"`
	Code  string `json:"code,omitempty"`
}

// CalendarButton lets the user pick a date or a range.
type CalendarButton struct {
	Title   string           `json:"title,omitempty"`
	Code    string           `json:"code,omitempty"`
	Options *CalendarOptions `json:"options,omitempty"`
}

// CalendarOptions is the wire {"calendar": {…}} object.
type CalendarOptions struct {
	Calendar Calendar `json:"calendar"`
}

// Calendar restricts a [CalendarButton]. Dates are YYYYMMDD.
type Calendar struct {
	Placeholder string `json:"placeholder,omitempty"`
	Start       string `json:"start,omitempty"`
	End         string `json:"end,omitempty"`
	// Disables is a comma list of weekdays (0-6), dates and date ranges.
	Disables string `json:"disables,omitempty"`
	IsRange  bool   `json:"isRange,omitempty"`
}

// TimeIntervalButton lets the user pick a time slot.
type TimeIntervalButton struct {
	Title   string               `json:"title,omitempty"`
	Code    string               `json:"code,omitempty"`
	Options *TimeIntervalOptions `json:"options,omitempty"`
}

// TimeIntervalOptions is the wire {"timeInterval": {…}} object.
type TimeIntervalOptions struct {
	TimeInterval TimeInterval `json:"timeInterval"`
}

// TimeInterval restricts a [TimeIntervalButton]. Times are HHMM in
// 5-minute steps; Interval is minutes as a string ("30").
type TimeInterval struct {
	Start    string `json:"start,omitempty"`
	End      string `json:"end,omitempty"`
	Interval string `json:"interval,omitempty"`
	Disables string `json:"disables,omitempty"`
}

// UnknownButton is a button of a type this package does not know. Raw
// holds the whole {"type":…,"data":…} object exactly; MarshalJSON returns
// it. Built by hand it is the escape hatch for new button types.
type UnknownButton struct {
	Type ButtonType
	Raw  json.RawMessage
}

// ButtonType returns ButtonText.
func (*TextButton) ButtonType() ButtonType { return ButtonText }

// ButtonType returns ButtonLink.
func (*LinkButton) ButtonType() ButtonType { return ButtonLink }

// ButtonType returns ButtonOption.
func (*OptionButton) ButtonType() ButtonType { return ButtonOption }

// ButtonType returns ButtonPay.
func (*PayButton) ButtonType() ButtonType { return ButtonPay }

// ButtonType returns ButtonTime.
func (*TimeButton) ButtonType() ButtonType { return ButtonTime }

// ButtonType returns ButtonCalendar.
func (*CalendarButton) ButtonType() ButtonType { return ButtonCalendar }

// ButtonType returns ButtonTimeInterval.
func (*TimeIntervalButton) ButtonType() ButtonType { return ButtonTimeInterval }

// ButtonType returns the Type field.
func (b *UnknownButton) ButtonType() ButtonType { return b.Type }

func (*TextButton) isButton()         {}
func (*LinkButton) isButton()         {}
func (*OptionButton) isButton()       {}
func (*PayButton) isButton()          {}
func (*TimeButton) isButton()         {}
func (*CalendarButton) isButton()     {}
func (*TimeIntervalButton) isButton() {}
func (*UnknownButton) isButton()      {}

type typedData struct {
	Type string `json:"type"`
	Data any    `json:"data"`
}

// MarshalJSON writes {"type":"TEXT","data":{…}}.
func (b *TextButton) MarshalJSON() ([]byte, error) {
	type plain TextButton
	return json.Marshal(typedData{string(ButtonText), (*plain)(b)})
}

// MarshalJSON writes {"type":"LINK","data":{…}}.
func (b *LinkButton) MarshalJSON() ([]byte, error) {
	type plain LinkButton
	return json.Marshal(typedData{string(ButtonLink), (*plain)(b)})
}

// MarshalJSON writes {"type":"OPTION","data":{…}}.
func (b *OptionButton) MarshalJSON() ([]byte, error) {
	type plain OptionButton
	return json.Marshal(typedData{string(ButtonOption), (*plain)(b)})
}

// MarshalJSON writes {"type":"PAY","data":{…}}.
func (b *PayButton) MarshalJSON() ([]byte, error) {
	type plain PayButton
	return json.Marshal(typedData{string(ButtonPay), (*plain)(b)})
}

// MarshalJSON writes {"type":"TIME","data":{…}}.
func (b *TimeButton) MarshalJSON() ([]byte, error) {
	type plain TimeButton
	return json.Marshal(typedData{string(ButtonTime), (*plain)(b)})
}

// MarshalJSON writes {"type":"CALENDAR","data":{…}}.
func (b *CalendarButton) MarshalJSON() ([]byte, error) {
	type plain CalendarButton
	return json.Marshal(typedData{string(ButtonCalendar), (*plain)(b)})
}

// MarshalJSON writes {"type":"TIMEINTERVAL","data":{…}}.
func (b *TimeIntervalButton) MarshalJSON() ([]byte, error) {
	type plain TimeIntervalButton
	return json.Marshal(typedData{string(ButtonTimeInterval), (*plain)(b)})
}

// MarshalJSON returns Raw.
func (b *UnknownButton) MarshalJSON() ([]byte, error) {
	if len(b.Raw) == 0 {
		return nil, errors.New("talktalk: UnknownButton without Raw")
	}
	return b.Raw, nil
}

// ButtonList is a list of buttons; it decodes the [Button] union.
type ButtonList []Button

// UnmarshalJSON decodes each button; unknown types become *UnknownButton.
func (l *ButtonList) UnmarshalJSON(b []byte) error {
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return err
	}
	if raws == nil {
		*l = nil
		return nil
	}
	out := make(ButtonList, len(raws))
	for i, r := range raws {
		if wire.IsNull(r) {
			continue // kept as nil; validation rejects it outbound
		}
		btn, err := decodeButton(r)
		if err != nil {
			return err
		}
		out[i] = btn
	}
	*l = out
	return nil
}

// decodeButton decodes one button. A button that is valid JSON but not a
// button this package can read (unknown type, not an object, a field of the
// wrong type) is kept as an *UnknownButton, so one odd button never makes
// a whole event unreadable.
func decodeButton(raw []byte) (Button, error) {
	if !json.Valid(raw) {
		return nil, wire.Safe("button: invalid JSON")
	}
	unknown := func(typ string) (Button, error) {
		return &UnknownButton{Type: ButtonType(typ), Raw: wire.Clone(raw)}, nil
	}
	typ, _, err := wire.Peek(raw, "type")
	if err != nil {
		return unknown("")
	}
	var btn Button
	switch ButtonType(typ) {
	case ButtonText:
		btn = new(TextButton)
	case ButtonLink:
		btn = new(LinkButton)
	case ButtonOption:
		btn = new(OptionButton)
	case ButtonPay:
		btn = new(PayButton)
	case ButtonTime:
		btn = new(TimeButton)
	case ButtonCalendar:
		btn = new(CalendarButton)
	case ButtonTimeInterval:
		btn = new(TimeIntervalButton)
	default:
		return unknown(typ)
	}
	data, err := wire.Field(raw, "data")
	if err != nil {
		return unknown(typ)
	}
	if !wire.IsNull(data) {
		if err := json.Unmarshal(data, btn); err != nil {
			return unknown(typ)
		}
	}
	return btn, nil
}
