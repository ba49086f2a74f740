package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/internal/wire"
)

// The bot's own account: its profile, account linking, and marking a
// user's messages as read.

// BotInfo is the bot's LINE account.
type BotInfo struct {
	// UserID is the bot's user ID: the destination of its webhooks.
	UserID string `json:"userId"`
	// BasicID is the "@…" ID users search for.
	BasicID string `json:"basicId"`
	// PremiumID is set only when the account has one.
	PremiumID   string `json:"premiumId,omitempty"`
	DisplayName string `json:"displayName"`
	// PictureURL is empty when the account has no profile image.
	PictureURL string `json:"pictureUrl,omitempty"`
	// ChatMode is "chat" (chat is on in the LINE Official Account
	// Manager) or "bot".
	ChatMode string `json:"chatMode"`
	// MarkAsReadMode is "auto" (chat is off: messages are read as they
	// arrive) or "manual" (chat is on: they stay unread until marked, for
	// instance with [Client.MarkAsReadByToken]).
	MarkAsReadMode string `json:"markAsReadMode"`
	Meta           Meta   `json:"-"`
}

// GetBotInfo returns the bot's account: its user ID, basic ID, name,
// picture and chat settings.
func (c *Client) GetBotInfo(ctx context.Context) (*BotInfo, error) {
	out := new(BotInfo)
	resp, err := c.getJSON(ctx, "v2/bot/info", nil, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

// LinkToken is a link token: the start of account linking. It is valid
// for 10 minutes, once. It prints as line.LinkToken{Token:"[REDACTED]"}
// with every fmt verb and in slog: whoever holds it can link the user's
// LINE account to an account of theirs.
type LinkToken struct {
	token redact.Hidden[string]
	Meta  Meta
}

// Token returns the link token, for [AccountLinkURL].
func (t LinkToken) Token() string { return t.token.Reveal() }

func (t LinkToken) form() redact.Form {
	return redact.Form{Type: "line.LinkToken", Fields: []redact.Field{{Name: "Token", Value: redact.Secret(t.token.Reveal())}}}
}

// Format writes the type with the token redacted, for every verb.
func (t LinkToken) Format(f fmt.State, verb rune) { t.form().Format(f, verb) }

// LogValue logs the type with the token redacted.
func (t LinkToken) LogValue() slog.Value { return t.form().LogValue() }

// IssueLinkToken issues a link token for userID, to link the user's LINE
// account to an account in your service. The flow:
//
//  1. IssueLinkToken(ctx, userID), for the user who asked to link (from
//     the event's source).
//  2. Send the user a link to your own login page carrying the token; on
//     a successful login, make a nonce (at least 128 random bits, used
//     once, kept with your user's ID) and redirect the user to
//     [AccountLinkURL](token, nonce).
//  3. LINE sends an [*AccountLinkEvent] whose Link.Result is "ok" and
//     whose Link.Nonce is that nonce: look the nonce up to find your user,
//     and forget it. A "failed" result links nothing.
//
// Each call issues a new token (an unused one just expires), so it is
// retried.
func (c *Client) IssueLinkToken(ctx context.Context, userID string) (*LinkToken, error) {
	if err := nonEmpty("Client.IssueLinkToken", "userID", userID); err != nil {
		return nil, err
	}
	resp, err := c.api.Do(ctx, &rest.Request{Method: http.MethodPost, Path: "v2/bot/user/" + url.PathEscape(userID) + "/linkToken", Idempotent: true})
	if err != nil {
		return nil, err
	}
	var w struct {
		LinkToken string `json:"linkToken"`
	}
	if err := json.Unmarshal(resp.Body, &w); err != nil {
		return nil, fmt.Errorf("line: decoding link token: %w", wire.JSONError(err))
	}
	if w.LinkToken == "" {
		return nil, fmt.Errorf("line: decoding link token: %w", errNoLinkToken)
	}
	return &LinkToken{token: redact.Hide(w.LinkToken), Meta: metaOf(resp)}, nil
}

var errNoLinkToken = errors.New("the answer has no linkToken")

// AccountLinkBase is where [AccountLinkURL] sends the user.
const AccountLinkBase = "https://access.line.me/dialog/bot/accountLink"

// AccountLinkURL returns the address to redirect a user to once they have
// logged in to your service: LINE links the accounts and sends an
// [*AccountLinkEvent] carrying nonce. linkToken comes from
// [Client.IssueLinkToken]; nonce is yours (LINE's guidance: at least 128
// random bits, 10–255 characters, Base64; the exact bounds are
// UNCONFIRMED, so only emptiness is checked).
func AccountLinkURL(linkToken, nonce string) (string, error) {
	if err := nonEmpty("AccountLinkURL", "linkToken", linkToken, "nonce", nonce); err != nil {
		return "", err
	}
	return AccountLinkBase + "?" + url.Values{"linkToken": {linkToken}, "nonce": {nonce}}.Encode(), nil
}

// MarkAsReadByToken marks a user's messages as read, up to the message
// that carried markAsReadToken (the MarkAsReadToken of [*TextContent] and
// the other message contents). A token the bot
// did not receive is an *APIError with status 400. Marking twice is
// marking once, so it is retried.
func (c *Client) MarkAsReadByToken(ctx context.Context, markAsReadToken string) (*Result, error) {
	if err := nonEmpty("Client.MarkAsReadByToken", "markAsReadToken", markAsReadToken); err != nil {
		return nil, err
	}
	body := struct {
		Token string `json:"markAsReadToken"`
	}{markAsReadToken}
	return c.call(ctx, http.MethodPost, "v2/bot/chat/markAsRead", &body, true)
}

// MarkAsRead marks every message from userID in the one-to-one chat as
// read. It is a partner feature ("mark messages from users as read",
// for approved corporate partners); other channels get 403 and use
// [Client.MarkAsReadByToken]. It is retried.
func (c *Client) MarkAsRead(ctx context.Context, userID string) (*Result, error) {
	if err := nonEmpty("Client.MarkAsRead", "userID", userID); err != nil {
		return nil, err
	}
	body := struct {
		Chat struct {
			UserID string `json:"userId"`
		} `json:"chat"`
	}{}
	body.Chat.UserID = userID
	return c.call(ctx, http.MethodPost, "v2/bot/message/markAsRead", &body, true)
}
