package clova

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/channelkit/channelkit/internal/wire"
)

// Intent is the intent CLOVA recognised, with its slots.
type Intent struct {
	Name string `json:"name"`
	// Slots is keyed by slot name; nil when CLOVA sends null or none.
	Slots map[string]Slot `json:"slots"`
}

// Slot returns the slot named name.
func (i Intent) Slot(name string) (Slot, bool) {
	s, ok := i.Slots[name]
	return s, ok
}

// Slot is one recognised slot. Value may be a JSON string, number or null.
type Slot struct {
	Name  string    `json:"name"`
	Value SlotValue `json:"value"`
	// ValueType is empty for plain values, or one of the ValueType…
	// constants (interval values look like "19:00:00/19:30:00").
	ValueType string `json:"valueType,omitempty"`
	// Unit is the unit of a measured value, for example "°C".
	Unit string `json:"unit,omitempty"`
}

// Slot value types.
const (
	ValueTypeDate             = "DATE"
	ValueTypeTime             = "TIME"
	ValueTypeDateTime         = "DATETIME"
	ValueTypeDateInterval     = "DATE.INTERVAL"
	ValueTypeTimeInterval     = "TIME.INTERVAL"
	ValueTypeDateTimeInterval = "DATETIME.INTERVAL"
)

// SlotValue is a slot's value as its raw JSON literal. CLOVA documents
// strings, but SDK fixtures carry numbers too, and a value may be null; the
// methods read it whichever it is. The nil SlotValue is JSON null.
type SlotValue []byte

// SlotKind says which JSON type a [SlotValue] holds.
type SlotKind int

// The slot kinds.
const (
	SlotNull   SlotKind = iota // null or absent
	SlotString                 // a JSON string
	SlotNumber                 // a JSON number
	SlotOther                  // true, false, an object or an array
)

// StringValue returns the SlotValue of the string s.
func StringValue(s string) SlotValue {
	b, _ := json.Marshal(s) // a string always encodes
	return b
}

// NumberValue returns the SlotValue of the number f.
func NumberValue(f float64) SlotValue {
	return SlotValue(strconv.AppendFloat(nil, f, 'g', -1, 64))
}

// Kind reports the JSON type of v.
func (v SlotValue) Kind() SlotKind {
	b := bytes.TrimSpace(v)
	switch {
	case len(b) == 0 || string(b) == "null":
		return SlotNull
	case b[0] == '"':
		return SlotString
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		return SlotNumber
	}
	return SlotOther
}

// String returns the value as text: a string's contents, a number's literal
// ("3", "2.5"), "" for null, or the raw JSON of anything else.
func (v SlotValue) String() string {
	switch v.Kind() {
	case SlotNull:
		return ""
	case SlotString:
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	}
	return string(bytes.TrimSpace(v))
}

// Float64 returns a number value, or a string value that holds a number
// (CLOVA sends "67" for a temperature).
func (v SlotValue) Float64() (float64, error) {
	switch v.Kind() {
	case SlotNumber, SlotString:
		return strconv.ParseFloat(v.String(), 64)
	}
	return 0, fmt.Errorf("clova: slot value is not a number")
}

// MarshalJSON returns the raw literal, or null.
func (v SlotValue) MarshalJSON() ([]byte, error) {
	if v.Kind() == SlotNull {
		return []byte("null"), nil
	}
	return v, nil
}

// UnmarshalJSON keeps a copy of the literal; null becomes nil.
func (v *SlotValue) UnmarshalJSON(b []byte) error {
	if wire.IsNull(b) {
		*v = nil
		return nil
	}
	*v = append(SlotValue(nil), b...)
	return nil
}
