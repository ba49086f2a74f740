package kakao

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"unicode/utf8"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/internal/wire"
)

// Request is the SkillPayload Kakao POSTs to a skill server each time a
// block with the skill runs. Unknown fields are ignored; fields that arrive
// as null decode to their zero value.
type Request struct {
	Intent      Intent           `json:"intent"`
	UserRequest UserRequest      `json:"userRequest"`
	Bot         Bot              `json:"bot"`
	Action      Action           `json:"action"`
	Contexts    []map[string]any `json:"contexts,omitempty"`
	Flow        *Flow            `json:"flow,omitempty"`
}

// Intent is the block the utterance matched.
type Intent struct {
	ID    string       `json:"id"`
	Name  string       `json:"name"` // "지식+" for a knowledge-base match
	Extra *IntentExtra `json:"extra,omitempty"`
}

// IntentExtra carries why the block matched and, for knowledge-base
// (지식+) matches, the matched entries.
type IntentExtra struct {
	Reason    *Reason    `json:"reason,omitempty"`
	Knowledge *Knowledge `json:"knowledge,omitempty"`
}

// UnmarshalJSON accepts the documented "knowledge" object, the "knowledges"
// spelling of the doc's table header, and a bare snake_case
// "matched_knowledges" array seen in third-party payloads.
func (e *IntentExtra) UnmarshalJSON(b []byte) error {
	var aux intentExtraWire
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*e = *aux.extra()
	return nil
}

// intentExtraWire is intent.extra with every spelling apart. Both of
// Parse's decoders read it as a plain struct, so that an "extra" repeated
// in a payload merges into the earlier one the same way on both.
type intentExtraWire struct {
	Reason     *Reason          `json:"reason"`
	Knowledge  *Knowledge       `json:"knowledge"`
	Knowledges *Knowledge       `json:"knowledges"`
	Matched    []KnowledgeEntry `json:"matched_knowledges"`
}

// extra resolves the spellings (the documented one first); nil stays nil.
func (x *intentExtraWire) extra() *IntentExtra {
	if x == nil {
		return nil
	}
	e := &IntentExtra{Reason: x.Reason, Knowledge: x.Knowledge}
	if e.Knowledge == nil {
		e.Knowledge = x.Knowledges
	}
	if e.Knowledge == nil && x.Matched != nil {
		e.Knowledge = &Knowledge{MatchedKnowledges: x.Matched}
	}
	return e
}

// Reason is intent.extra.reason, {code, message} (1, "OK" in the docs).
type Reason struct {
	Code    int    `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// Knowledge is intent.extra.knowledge: the knowledge-base entries that
// matched.
type Knowledge struct {
	ResponseType      string           `json:"responseType,omitempty"`
	MatchedKnowledges []KnowledgeEntry `json:"matchedKnowledges"`
}

// KnowledgeEntry is one matched knowledge-base entry.
type KnowledgeEntry struct {
	Answer     string   `json:"answer,omitempty"`
	Question   string   `json:"question,omitempty"`
	Categories []string `json:"categories,omitempty"`
	LandingURL string   `json:"landingUrl,omitempty"`
	ImageURL   string   `json:"imageUrl,omitempty"`
}

// UserRequest is what the user did.
type UserRequest struct {
	Timezone  string `json:"timezone,omitempty"`
	Params    Params `json:"params,omitempty"`
	Block     Block  `json:"block"`
	Utterance string `json:"utterance"`
	// Lang is "ko" in the current docs and "kr" in older payloads; treat
	// it as opaque. It may be null (empty here).
	Lang string `json:"lang,omitempty"`
	User User   `json:"user"`
	// CallbackURL is set only on blocks with the AI-chatbot callback
	// enabled. It is a one-time, one-minute credential: never log it.
	CallbackURL string `json:"callbackUrl,omitempty"`
}

// Surface returns params.surface ("BuilderBotTest" for the builder's bot
// test).
func (u *UserRequest) Surface() string { return u.Params["surface"] }

// IsTest reports whether the request comes from the builder's bot test
// (params.surface is "BuilderBotTest"). Callback URLs of test requests
// cannot be used.
func (u *UserRequest) IsTest() bool { return u.Params["surface"] == "BuilderBotTest" }

// Block is a block reference {id, name}.
type Block struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// User is the sender. ID is bot-scoped: the same person has a different ID
// in every bot.
type User struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"` // "botUserKey"; older payloads say "accountId"
	Properties UserProperties `json:"properties"`
}

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

// Bot is the bot the skill belongs to.
type Bot struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Action is the skill call: its parameters, as extracted from the
// utterance, and the extra data of the button the user pressed.
type Action struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Params maps parameter names to values. System-entity values are JSON
	// documents inside the string; decode them with [ParseSysDate],
	// [ParseSysNumber] or [ParsePlugin], or use [Action.SysDate] and friends.
	Params       Params                 `json:"params,omitempty"`
	DetailParams map[string]DetailParam `json:"detailParams,omitempty"`
	// ClientExtra is the extra object of the button, quick reply or list
	// item the user pressed; nil when there was none (null or absent).
	ClientExtra map[string]any `json:"clientExtra,omitempty"`
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

// Flow says how the user got to this block.
type Flow struct {
	LastBlock *Block   `json:"lastBlock,omitempty"`
	Trigger   *Trigger `json:"trigger,omitempty"`
}

// Trigger is flow.trigger.
type Trigger struct {
	Type          TriggerType `json:"type"`
	ReferrerBlock *Block      `json:"referrerBlock,omitempty"`
}

// TriggerType is an open enum of how a block was triggered.
type TriggerType string

// The documented trigger types.
const (
	TriggerTextInput               TriggerType = "TEXT_INPUT"
	TriggerCardButtonMessage       TriggerType = "CARD_BUTTON_MESSAGE"
	TriggerCardButtonBlock         TriggerType = "CARD_BUTTON_BLOCK"
	TriggerListItemMessage         TriggerType = "LIST_ITEM_MESSAGE"
	TriggerListItemBlock           TriggerType = "LIST_ITEM_BLOCK"
	TriggerListMenuMessage         TriggerType = "LISTMENU_MESSAGE"
	TriggerListMenuBlock           TriggerType = "LISTMENU_BLOCK"
	TriggerQuickReplyButtonMessage TriggerType = "QUICKREPLY_BUTTON_MESSAGE"
	TriggerQuickReplyButtonBlock   TriggerType = "QUICKREPLY_BUTTON_BLOCK"
)

var errNoUserRequest = errors.New("no userRequest object")

// Parse decodes a skill request body. It fails, wrapping [ErrMalformed],
// only when body is not a JSON object, a known field has a type no real
// payload uses, or userRequest is missing; unknown fields are ignored. The
// error never contains body content.
func Parse(body []byte) (*Request, error) {
	if req, ok := parseFast(body); ok {
		return req, nil
	}
	return parseLenient(body)
}

// parseLenient decodes with every tolerance described on the types.
func parseLenient(body []byte) (*Request, error) {
	var w struct {
		Intent      fastIntent       `json:"intent"`
		UserRequest *UserRequest     `json:"userRequest"`
		Bot         Bot              `json:"bot"`
		Action      Action           `json:"action"`
		Contexts    []map[string]any `json:"contexts"`
		Flow        *Flow            `json:"flow"`
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

// fastIntent is intent, for both of Parse's decoders.
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
	Bot    Bot `json:"bot"`
	Action struct {
		ID           string                `json:"id"`
		Name         string                `json:"name"`
		Params       map[string]string     `json:"params"`
		DetailParams map[string]fastDetail `json:"detailParams"`
		ClientExtra  map[string]any        `json:"clientExtra"`
	} `json:"action"`
	Contexts []map[string]any `json:"contexts"`
	Flow     *Flow            `json:"flow"`
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

// ParseRequest reads at most maxBytes of r's body (0 means 1 MiB) and
// calls [Parse]. A longer body is an *http.MaxBytesError.
func ParseRequest(r *http.Request, maxBytes int64) (*Request, error) {
	if r == nil {
		return nil, errors.New("kakao: nil request")
	}
	body, err := webhookio.ReadRequest(r, maxBytes)
	if err != nil {
		return nil, err
	}
	return Parse(body)
}
