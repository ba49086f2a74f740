package kakao

import (
	"bytes"
	"encoding/json"
	"maps"

	"github.com/channelkit/channelkit/internal/wire"
)

// The lenient decoding of the values real payloads send oddly: user
// properties, action parameters and their details.

// UserProperties is user.properties. The known keys are typed; everything
// else (snake_case duplicates, legacy keys) is kept in Extra.
type UserProperties struct {
	PlusfriendUserKey string
	AppUserID         string
	// IsFriend is true when the user has added the channel; Kakao omits
	// the key otherwise.
	IsFriend   bool
	BotUserKey string
	// Extra holds every other property as decoded JSON.
	Extra map[string]any
}

// UnmarshalJSON decodes leniently: a known key with an unexpected type (a
// number for a key, "true" for isFriend) is converted or kept in Extra, never
// a reason to reject the request. Like encoding/json with a struct, it
// decodes into what p already holds: a key sets its field or its Extra
// entry and clears the other, keys absent from b are left alone, and null
// clears everything.
func (p *UserProperties) UnmarshalJSON(b []byte) error {
	if wire.IsNull(b) {
		*p = UserProperties{}
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for k, v := range m {
		var ok bool
		switch k {
		case "plusfriendUserKey":
			p.PlusfriendUserKey, ok = flexString(v)
		case "appUserId":
			p.AppUserID, ok = flexString(v)
		case "botUserKey":
			p.BotUserKey, ok = flexString(v)
		case "isFriend":
			p.IsFriend, ok = flexBool(v)
		}
		if ok {
			delete(p.Extra, k)
			if len(p.Extra) == 0 {
				p.Extra = nil
			}
			continue
		}
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			return err
		}
		if p.Extra == nil {
			p.Extra = make(map[string]any)
		}
		p.Extra[k] = x
	}
	return nil
}

// MarshalJSON writes the typed keys and Extra in one object.
func (p UserProperties) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(p.Extra)+4)
	for k, v := range p.Extra {
		m[k] = v
	}
	if p.PlusfriendUserKey != "" {
		m["plusfriendUserKey"] = p.PlusfriendUserKey
	}
	if p.AppUserID != "" {
		m["appUserId"] = p.AppUserID
	}
	if p.BotUserKey != "" {
		m["botUserKey"] = p.BotUserKey
	}
	if p.IsFriend {
		m["isFriend"] = true
	}
	return json.Marshal(m)
}

func flexString(v json.RawMessage) (string, bool) {
	var f wire.FlexString
	if json.Unmarshal(v, &f) != nil {
		return "", false
	}
	return string(f), true
}

func flexBool(v json.RawMessage) (bool, bool) {
	switch string(bytes.TrimSpace(v)) {
	case "true", `"true"`:
		return true, true
	case "false", `"false"`, "null":
		return false, true
	}
	return false, false
}

// DetailParam is action.detailParams[name].
type DetailParam struct {
	Origin    string `json:"origin"` // the text the value was extracted from
	Value     string `json:"value"`
	GroupName string `json:"groupName"`
}

// UnmarshalJSON tolerates a value that is a number, bool or object instead
// of a string (kept as its JSON text).
func (d *DetailParam) UnmarshalJSON(b []byte) error {
	type plain DetailParam
	if json.Unmarshal(b, (*plain)(d)) == nil {
		return nil
	}
	var aux struct {
		Origin    json.RawMessage `json:"origin"`
		Value     json.RawMessage `json:"value"`
		GroupName json.RawMessage `json:"groupName"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*d = DetailParam{Origin: looseString(aux.Origin), Value: looseString(aux.Value), GroupName: looseString(aux.GroupName)}
	return nil
}

// Params is a string map that also accepts numbers, booleans, objects and
// arrays as values (kept as their JSON text) and null (kept as ""), so that
// one odd parameter never rejects a request.
type Params map[string]string

// UnmarshalJSON implements the lenient decoding described on [Params].
// Like encoding/json with a map, it adds to the entries p already holds;
// null makes p nil.
func (p *Params) UnmarshalJSON(b []byte) error {
	if wire.IsNull(b) {
		*p = nil
		return nil
	}
	// Fast path: every value is a string, as Kakao sends them.
	var fast map[string]string
	if json.Unmarshal(b, &fast) == nil {
		p.merge(fast)
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = looseString(v)
	}
	p.merge(out)
	return nil
}

func (p *Params) merge(m map[string]string) {
	if *p == nil {
		*p = m
		return
	}
	maps.Copy(*p, m)
}

// looseString returns a JSON string's value, "" for null or absent, and
// the compact JSON text of anything else.
func looseString(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	if v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	}
	var buf bytes.Buffer
	if json.Compact(&buf, v) == nil {
		return buf.String()
	}
	return string(v)
}
