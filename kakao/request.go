package kakao

import "encoding/json"

// Request is the SkillPayload Kakao POSTs to a skill server each time a
// block with the skill runs. Unknown fields are ignored; fields that arrive
// as null decode to their zero value.
type Request struct {
	Intent      Intent      `json:"intent"`
	UserRequest UserRequest `json:"userRequest"`
	Bot         BotInfo     `json:"bot"`
	Action      Action      `json:"action"`
	Contexts    []Context   `json:"contexts,omitempty"`
	Flow        *Flow       `json:"flow,omitempty"`
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

// BotInfo is the bot the skill belongs to, as the request names it
// (bot.id, bot.name). It is not [Bot], which is a bot a multi-bot handler
// serves, with its credentials.
type BotInfo struct {
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
