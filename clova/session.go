package clova

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/internal/wire"
)

// Session is the dialog session.
type Session struct {
	New bool `json:"new"`
	// SessionAttributes is what the extension's previous response put in
	// sessionAttributes: any JSON (normally an object), or nil when absent.
	// Read it with the Attributes helpers.
	SessionAttributes json.RawMessage `json:"sessionAttributes,omitempty"`
	SessionID         string          `json:"sessionId"`
	// User is the current speaker, who may differ from the device's default
	// user in Context.System.User.
	User *User `json:"user,omitempty"`
}

// DecodeAttributes decodes the session attributes into v. Absent or null
// attributes leave v untouched and are not an error.
func (s *Session) DecodeAttributes(v any) error {
	if s == nil || wire.IsNull(s.SessionAttributes) {
		return nil
	}
	if err := json.Unmarshal(s.SessionAttributes, v); err != nil {
		return webhookio.Malformed("clova", errors.New("session attributes do not decode"))
	}
	return nil
}

// Attributes returns the session attributes as a map. Absent or null
// attributes give an empty map; attributes that are not an object are an
// error.
func (s *Session) Attributes() (map[string]any, error) {
	m := map[string]any{}
	if err := s.DecodeAttributes(&m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// Attribute decodes the attribute key into v and reports whether it was
// present.
func (s *Session) Attribute(key string, v any) (bool, error) {
	if s == nil || wire.IsNull(s.SessionAttributes) {
		return false, nil
	}
	raw, err := wire.Field(s.SessionAttributes, key)
	if err != nil {
		return false, webhookio.Malformed("clova", errors.New("session attributes are not an object"))
	}
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, webhookio.Malformed("clova", fmt.Errorf("session attribute %q does not decode", key))
	}
	return true, nil
}

// User is a CLOVA user. It prints as
// clova.User{UserID:"…", AccessToken:"[REDACTED]"} with every fmt verb and
// in slog, also inside a [Request] printed with a verb such as %s, which
// makes fmt print what a pointer points to without its methods.
type User struct {
	UserID string `json:"userId"`
	// AccessToken is the token of the account linked to this user, present
	// only when account linking is set up and done.
	AccessToken AccessToken `json:"accessToken,omitempty"`
}

func (u User) form() redact.Form {
	return redact.Form{Type: "clova.User", Fields: []redact.Field{
		{Name: "UserID", Value: u.UserID},
		{Name: "AccessToken", Value: u.AccessToken.String()},
	}}
}

// Format writes the user with its access token redacted, for every verb.
func (u User) Format(f fmt.State, verb rune) { u.form().Format(f, verb) }

// LogValue logs the user with its access token redacted.
func (u User) LogValue() slog.Value { return u.form().LogValue() }

// AccessToken is an account-linking access token. It is a credential: it
// prints as "[REDACTED]" with every fmt verb and in slog, so that logging a
// request never leaks it. Use string(token) to read it.
//
// encoding/json writes it verbatim: it is a field of the CEK wire format,
// and encoding a [Request] must reproduce what CLOVA sent (a relay, a
// test request). So do not log a Request or a [User] through a JSON
// encoder (slog's JSONHandler encodes a struct with encoding/json). fmt
// shows it where it calls no method at all: the %p of an AccessToken, its
// %w (go vet flags both), and one held in an unexported field of a struct
// being printed.
type AccessToken string

// String returns "[REDACTED]", or "" for an empty token.
func (t AccessToken) String() string { return redact.Secret(string(t)) }

// GoString returns a redacted Go-syntax form.
func (t AccessToken) GoString() string { return strconv.Quote(t.String()) }

// Format writes the redacted form for every verb.
func (t AccessToken) Format(f fmt.State, verb rune) { redact.Format(f, verb, t.String()) }

// LogValue redacts the token in slog output.
func (t AccessToken) LogValue() slog.Value { return slog.StringValue(t.String()) }
