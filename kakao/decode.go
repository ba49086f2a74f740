package kakao

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/internal/wire"
)

// How [Decode] reads a skill payload: decodeFast (decode_fast.go) reads
// the payloads Kakao sends in one pass with wire.Scanner, and gives up on
// anything unusual; decodeJSON reads everything else with encoding/json,
// by a pass over plain types that accepts what Kakao sends, and a lenient
// pass with every tolerance described on the types. decodeFast builds
// what decodeJSON builds (FuzzFastDecoding).

var errNoUserRequest = errors.New("no userRequest object")

// decodeJSON is Decode with encoding/json only.
func decodeJSON(body []byte) (*Request, error) {
	if req, ok := parseFast(body); ok {
		return req, nil
	}
	return parseLenient(body)
}

// parseLenient decodes with every tolerance described on the types.
func parseLenient(body []byte) (*Request, error) {
	var w struct {
		Intent      fastIntent   `json:"intent"`
		UserRequest *UserRequest `json:"userRequest"`
		Bot         BotInfo      `json:"bot"`
		Action      Action       `json:"action"`
		Contexts    []Context    `json:"contexts"`
		Flow        *Flow        `json:"flow"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, webhookio.Malformed("kakao", wire.JSONError(err))
	}
	if w.UserRequest == nil {
		return nil, webhookio.Malformed("kakao", errNoUserRequest)
	}
	intent := Intent{ID: w.Intent.ID, Name: w.Intent.Name, Extra: w.Intent.Extra.extra()}
	return &Request{Intent: intent, UserRequest: *w.UserRequest, Bot: w.Bot, Action: w.Action, Contexts: w.Contexts, Flow: w.Flow}, nil
}

// fastIntent is intent, for both of Decode's decoders.
type fastIntent struct {
	ID    string           `json:"id"`
	Name  string           `json:"name"`
	Extra *intentExtraWire `json:"extra"`
}

type fastDetail struct {
	Origin    string `json:"origin"`
	Value     string `json:"value"`
	GroupName string `json:"groupName"`
}

// fastRequest mirrors the payload with plain types only (no
// UnmarshalJSON methods but json.RawMessage's copy), so that encoding/json
// decodes it in one pass.
// Every key the lenient types read is here, so a payload this decodes
// gives the same Request as parseLenient (FuzzParse checks it). User
// properties are kept raw and converted as UserProperties converts them,
// so every form of them ("isFriend":"true", a number for a key, an object)
// decodes here; a parameter or detailParams value that is not a string
// (Kakao sends only strings) fails here and goes the lenient way.
type fastRequest struct {
	Intent      fastIntent `json:"intent"`
	UserRequest *struct {
		Timezone  string            `json:"timezone"`
		Params    map[string]string `json:"params"`
		Block     Block             `json:"block"`
		Utterance string            `json:"utterance"`
		Lang      string            `json:"lang"`
		User      struct {
			ID   string `json:"id"`
			Type string `json:"type"`
			// A map, not a struct: property keys are matched
			// case-sensitively, as UserProperties does. Raw values, so
			// that every type UserProperties accepts converts the same
			// way here (a number's text survives).
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"user"`
		CallbackURL string `json:"callbackUrl"`
	} `json:"userRequest"`
	Bot    BotInfo `json:"bot"`
	Action struct {
		ID           string                `json:"id"`
		Name         string                `json:"name"`
		Params       map[string]string     `json:"params"`
		DetailParams map[string]fastDetail `json:"detailParams"`
		ClientExtra  map[string]any        `json:"clientExtra"`
	} `json:"action"`
	Contexts []Context `json:"contexts"`
	Flow     *Flow     `json:"flow"`
}

func parseFast(body []byte) (*Request, bool) {
	var w fastRequest
	if json.Unmarshal(body, &w) != nil || w.UserRequest == nil {
		return nil, false
	}
	ur := w.UserRequest
	req := &Request{
		Intent: Intent{ID: w.Intent.ID, Name: w.Intent.Name, Extra: w.Intent.Extra.extra()},
		UserRequest: UserRequest{
			Timezone: ur.Timezone, Params: ur.Params, Block: ur.Block, Utterance: ur.Utterance, Lang: ur.Lang,
			User:        User{ID: ur.User.ID, Type: ur.User.Type},
			CallbackURL: ur.CallbackURL,
		},
		Bot:      w.Bot,
		Action:   Action{ID: w.Action.ID, Name: w.Action.Name, Params: w.Action.Params, ClientExtra: w.Action.ClientExtra},
		Contexts: w.Contexts,
		Flow:     w.Flow,
	}
	if !fastProperties(&req.UserRequest.User.Properties, ur.User.Properties) {
		return nil, false
	}
	if w.Action.DetailParams != nil {
		req.Action.DetailParams = make(map[string]DetailParam, len(w.Action.DetailParams))
		for k, v := range w.Action.DetailParams {
			req.Action.DetailParams[k] = DetailParam(v)
		}
	}
	return req, true
}

// fastProperties fills p from raw property values with the conversions
// UserProperties.UnmarshalJSON makes, done without a decoder where the
// value allows. It reports false only for a value encoding/json rejects.
func fastProperties(p *UserProperties, m map[string]json.RawMessage) bool {
	for k, v := range m {
		var ok bool
		switch k {
		case "plusfriendUserKey":
			p.PlusfriendUserKey, ok = rawFlexString(v)
		case "appUserId":
			p.AppUserID, ok = rawFlexString(v)
		case "botUserKey":
			p.BotUserKey, ok = rawFlexString(v)
		case "isFriend":
			p.IsFriend, ok = flexBool(v)
		}
		if ok {
			continue
		}
		x, err := rawValue(v)
		if err != nil {
			return false
		}
		if p.Extra == nil {
			p.Extra = make(map[string]any)
		}
		p.Extra[k] = x
	}
	return true
}

// rawFlexString is flexString for a value encoding/json has already
// validated: a string, null (""), or a number (its text, as json.Number
// keeps it); anything else reports false.
func rawFlexString(v json.RawMessage) (string, bool) {
	if len(v) == 0 {
		return "", false
	}
	switch c := v[0]; {
	case c == '"':
		s, err := rawStringValue(v)
		return s, err == nil
	case c == 'n':
		return "", true
	case c == '-' || '0' <= c && c <= '9':
		return string(v), true
	}
	return "", false
}

// rawValue decodes a validated JSON value as json.Unmarshal into an any
// would, decoding strings and literals directly.
func rawValue(v json.RawMessage) (any, error) {
	switch string(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if len(v) > 0 && v[0] == '"' {
		return rawStringValue(v)
	}
	var x any
	err := json.Unmarshal(v, &x)
	return x, err
}

// rawStringValue unquotes a validated JSON string: without escapes and in
// valid UTF-8 it is its inner bytes, else encoding/json decodes it (and
// replaces invalid UTF-8 as it always does).
func rawStringValue(v json.RawMessage) (string, error) {
	if inner := v[1 : len(v)-1]; bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), nil
	}
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}
