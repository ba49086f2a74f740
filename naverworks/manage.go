package naverworks

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// The message content types [BotUpdate].CallbackEvents selects.
const (
	CallbackText     = "text"
	CallbackLocation = "location"
	CallbackSticker  = "sticker"
	CallbackImage    = "image"
	CallbackFile     = "file"
)

// BotUpdate is a partial change to the bot's settings, sent with
// PATCH /bots/{botId}: the fields left nil are not changed. A list that
// is not nil is sent even when it is empty: []string{} clears
// CallbackEvents or ChannelEvents (sent as []), and an empty AllowDomains
// leaves the bot in no domain (how the platform answers that is
// UNCONFIRMED).
//
// CallbackURL is the Callback URL (HTTPS only; self-signed certificates
// are refused); a pointer to "" stops callbacks. CallbackEvents selects
// which message content types are called back (the Callback* constants).
// ChannelEvents selects the room events (message, join, leave, joined,
// left, postback); that field name comes from third-party code and is
// UNCONFIRMED. AllowDomains limits the domains the bot serves: a domain no
// longer listed loses the bot (this is how a bot's domains are registered
// through this call; the separate domain-registration API is not
// covered). EnableGroupJoin allows inviting the bot to team, group and 1:N
// rooms; turning it off removes the bot from them.
type BotUpdate struct {
	CallbackURL     *string  `json:"callbackUrl,omitempty"`
	CallbackEvents  []string `json:"callbackEvents,omitempty"`
	ChannelEvents   []string `json:"channelEvents,omitempty"`
	AllowDomains    []int64  `json:"allowDomains,omitempty"`
	EnableGroupJoin *bool    `json:"enableGroupJoin,omitempty"`
}

// MarshalJSON writes the fields that are not nil, so that a non-nil
// empty list is sent as [] (cleared) rather than dropped as omitempty
// would (unchanged).
func (u BotUpdate) MarshalJSON() ([]byte, error) {
	w := struct {
		CallbackURL     *string   `json:"callbackUrl,omitempty"`
		CallbackEvents  *[]string `json:"callbackEvents,omitempty"`
		ChannelEvents   *[]string `json:"channelEvents,omitempty"`
		AllowDomains    *[]int64  `json:"allowDomains,omitempty"`
		EnableGroupJoin *bool     `json:"enableGroupJoin,omitempty"`
	}{CallbackURL: u.CallbackURL, EnableGroupJoin: u.EnableGroupJoin}
	if u.CallbackEvents != nil {
		w.CallbackEvents = &u.CallbackEvents
	}
	if u.ChannelEvents != nil {
		w.ChannelEvents = &u.ChannelEvents
	}
	if u.AllowDomains != nil {
		w.AllowDomains = &u.AllowDomains
	}
	return json.Marshal(w)
}

// validate checks what can be checked before sending.
func (u *BotUpdate) validate() error {
	var v validator
	if u.CallbackURL == nil && u.CallbackEvents == nil && u.ChannelEvents == nil && u.AllowDomains == nil && u.EnableGroupJoin == nil {
		v.add("", "changes nothing")
	}
	if u.CallbackURL != nil && *u.CallbackURL != "" {
		p, err := url.Parse(*u.CallbackURL)
		if err != nil || p.Scheme != "https" || p.Host == "" {
			v.add("callbackUrl", "not an absolute https URL")
		}
		v.maxLen("callbackUrl", *u.CallbackURL, 1000)
	}
	for i, e := range u.CallbackEvents {
		switch e {
		case CallbackText, CallbackLocation, CallbackSticker, CallbackImage, CallbackFile:
		default:
			v.add("callbackEvents["+strconv.Itoa(i)+"]", "unknown content type %q", clip(e, 20))
		}
	}
	for i, d := range u.AllowDomains {
		if d <= 0 {
			v.add("allowDomains["+strconv.Itoa(i)+"]", "not a domain ID")
		}
	}
	return v.err()
}

// UpdateBot changes the bot's settings: its Callback URL and the events
// called back, the domains it serves, group rooms (PATCH /bots/{botId};
// scope bot). A [BotUpdate] that changes nothing, or holds an invalid
// field, is a [*ValidationError] (or [ValidationErrors]) and nothing is
// sent. The response body is not read (its shape is UNCONFIRMED).
func (c *Client) UpdateBot(ctx context.Context, u BotUpdate) (*Result, error) {
	if err := u.validate(); err != nil {
		return nil, err
	}
	return c.result(ctx, "Client.UpdateBot", http.MethodPatch, c.botPath(), &u)
}
