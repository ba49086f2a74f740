package kakao

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/wire"
)

// SysDate is the value of a sys_date (or sys_date_*) system entity, which
// Kakao sends as a JSON document inside the parameter string:
//
//	{"dateTag": "Friday", "dateHeadword": "", "month": "", "year": "", "date": "2018-11-23", "day": ""}
type SysDate struct {
	// Date is the resolved date, "2006-01-02".
	Date         string `json:"date"`
	DateTag      string `json:"dateTag,omitempty"`
	DateHeadword string `json:"dateHeadword,omitempty"`
	Year         string `json:"year,omitempty"`
	Month        string `json:"month,omitempty"`
	Day          string `json:"day,omitempty"`
}

// Time returns Date as midnight in loc (nil means Asia/Seoul's fixed
// +09:00 offset).
func (d SysDate) Time(loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = kst
	}
	t, err := time.ParseInLocation(time.DateOnly, d.Date, loc)
	if err != nil {
		return time.Time{}, entityErr("sys_date", "date is not YYYY-MM-DD")
	}
	return t, nil
}

var kst = time.FixedZone("KST", 9*60*60)

// SysNumber is the value of a sys_number (or sys_number_*) system entity:
//
//	{"amount": 1, "unit": null}
type SysNumber struct {
	Amount float64
	// Unit is the counter word ("개", "명"), empty when there is none.
	Unit string
}

// ParseSysDate decodes a sys_date parameter value. The error wraps
// [ErrEntity] and never quotes the value.
func ParseSysDate(value string) (SysDate, error) {
	var d SysDate
	if err := decodeEntity("sys_date", value, &d); err != nil {
		return SysDate{}, err
	}
	if d.Date == "" {
		return SysDate{}, entityErr("sys_date", "no date field")
	}
	return d, nil
}

// ParseSysNumber decodes a sys_number parameter value. Amount may be a JSON
// number or a numeric string; unit may be a string, "" or null.
func ParseSysNumber(value string) (SysNumber, error) {
	var aux struct {
		Amount json.RawMessage `json:"amount"`
		Unit   json.RawMessage `json:"unit"`
	}
	if err := decodeEntity("sys_number", value, &aux); err != nil {
		return SysNumber{}, err
	}
	if wire.IsNull(aux.Amount) {
		return SysNumber{}, entityErr("sys_number", "no amount")
	}
	var amt wire.FlexString
	if err := json.Unmarshal(aux.Amount, &amt); err != nil {
		return SysNumber{}, entityErr("sys_number", "amount is not a number")
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(string(amt)), 64)
	if err != nil {
		return SysNumber{}, entityErr("sys_number", "amount is not a number")
	}
	n := SysNumber{Amount: f}
	if !wire.IsNull(aux.Unit) {
		var u string
		if err := json.Unmarshal(aux.Unit, &u); err != nil {
			return SysNumber{}, entityErr("sys_number", "unit is not a string")
		}
		n.Unit = u
	}
	return n, nil
}

// Plugin is the value of a sys_plugin_* entity (date, time and datetime
// pickers and the like):
//
//	{"value": "2024-03-20T15:30:00", "userTimeZone": "UTC+9"}
//
// Only value and userTimeZone are typed; the shapes of the plugins are not
// in Kakao's current docs, so every key is also kept in Fields.
type Plugin struct {
	Value        string
	UserTimeZone string
	Fields       map[string]json.RawMessage
}

// ParsePlugin decodes a sys_plugin_* parameter value.
func ParsePlugin(value string) (Plugin, error) {
	var m map[string]json.RawMessage
	if err := decodeEntity("sys_plugin", value, &m); err != nil {
		return Plugin{}, err
	}
	p := Plugin{Fields: m}
	if v, ok := m["value"]; ok {
		p.Value = looseString(v)
	}
	if v, ok := m["userTimeZone"]; ok {
		p.UserTimeZone = looseString(v)
	}
	return p, nil
}

// Time interprets Value as a date ("2006-01-02"), a time of day
// ("15:04:05" or "15:04", on the zero date) or a date-time
// ("2006-01-02T15:04:05"), in the offset UserTimeZone names ("UTC+9",
// "UTC-03:30"; Asia/Seoul when empty).
func (p Plugin) Time() (time.Time, error) {
	loc, err := parseUTCOffset(p.UserTimeZone)
	if err != nil {
		return time.Time{}, err
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", time.DateOnly, time.TimeOnly, "15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, p.Value, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, entityErr("sys_plugin", "value is not a date or time")
}

func parseUTCOffset(s string) (*time.Location, error) {
	if s == "" {
		return kst, nil
	}
	rest, ok := strings.CutPrefix(s, "UTC")
	if !ok {
		return nil, entityErr("sys_plugin", "userTimeZone is not UTC±H")
	}
	if rest == "" {
		return time.UTC, nil
	}
	sign := 1
	switch rest[0] {
	case '+':
	case '-':
		sign = -1
	default:
		return nil, entityErr("sys_plugin", "userTimeZone is not UTC±H")
	}
	h, m, _ := strings.Cut(rest[1:], ":")
	hh, err1 := strconv.Atoi(h)
	mm := 0
	var err2 error
	if m != "" {
		mm, err2 = strconv.Atoi(m)
	}
	if err1 != nil || err2 != nil || hh > 14 || mm > 59 || hh < 0 || mm < 0 {
		return nil, entityErr("sys_plugin", "userTimeZone is not UTC±H")
	}
	return time.FixedZone(s, sign*(hh*3600+mm*60)), nil
}

func decodeEntity(kind, value string, v any) error {
	if strings.TrimSpace(value) == "" {
		return entityErr(kind, "empty value")
	}
	d := json.NewDecoder(bytes.NewReader([]byte(value)))
	if err := d.Decode(v); err != nil {
		return entityErr(kind, "value is not a JSON object")
	}
	if d.More() {
		return entityErr(kind, "trailing data after the JSON object")
	}
	return nil
}

// SysDate decodes the sys_date-style parameter name. When params[name] is
// broken but detailParams[name].value holds a good value (it happens, see
// the package doc), the latter is used. The error names the parameter.
func (a *Action) SysDate(name string) (SysDate, error) {
	var out SysDate
	err := a.entity(name, func(v string) error {
		d, err := ParseSysDate(v)
		out = d
		return err
	})
	return out, err
}

// SysNumber decodes the sys_number-style parameter name, like
// [Action.SysDate].
func (a *Action) SysNumber(name string) (SysNumber, error) {
	var out SysNumber
	err := a.entity(name, func(v string) error {
		n, err := ParseSysNumber(v)
		out = n
		return err
	})
	return out, err
}

// Plugin decodes the sys_plugin_*-style parameter name, like
// [Action.SysDate].
func (a *Action) Plugin(name string) (Plugin, error) {
	var out Plugin
	err := a.entity(name, func(v string) error {
		p, err := ParsePlugin(v)
		out = p
		return err
	})
	return out, err
}

func (a *Action) entity(name string, parse func(string) error) error {
	v, inParams := a.Params[name]
	dp, inDetail := a.DetailParams[name]
	if !inParams && !inDetail {
		return &EntityError{Param: name, Reason: "absent"}
	}
	var first error
	if inParams {
		if first = parse(v); first == nil {
			return nil
		}
	}
	if inDetail && (!inParams || dp.Value != v) {
		if err := parse(dp.Value); err == nil {
			return nil
		} else if first == nil {
			first = err
		}
	}
	var ee *EntityError
	if errors.As(first, &ee) {
		e := *ee
		e.Param = name
		return &e
	}
	return first
}

// EntityError is the error of the system-entity helpers. It names the
// parameter (when known) and the entity kind, never the value.
type EntityError struct {
	Param  string // parameter name; empty for the Parse… functions
	Kind   string // "sys_date", "sys_number", "sys_plugin"
	Reason string
}

// Error names the entity and the problem, never the value.
func (e *EntityError) Error() string {
	s := "kakao: "
	if e.Param != "" {
		s += "parameter " + strconv.Quote(e.Param) + ": "
	}
	if e.Kind != "" {
		s += e.Kind + ": "
	}
	return s + e.Reason
}

// Unwrap returns [ErrEntity].
func (e *EntityError) Unwrap() error { return ErrEntity }

func entityErr(kind, reason string) error { return &EntityError{Kind: kind, Reason: reason} }
