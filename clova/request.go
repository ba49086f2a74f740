package clova

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/internal/wire"
)

// Request is one CEK request message: what CLOVA POSTs to an extension.
//
// Request.Request holds the typed request body: [*LaunchRequest],
// [*IntentRequest], [*SessionEndedRequest], [*EventRequest], or
// [*UnknownRequest] for a type this package does not know.
type Request struct {
	// Version is the message format version ("1.0", "0.1.0"); echo it in
	// the response.
	Version string
	// Session is nil when CLOVA sends "session": null (ClovaSkill events
	// from the skill store do) or no session at all.
	Session *Session
	Context Context
	Request RequestBody
}

// Request types.
const (
	TypeLaunch       = "LaunchRequest"
	TypeIntent       = "IntentRequest"
	TypeSessionEnded = "SessionEndedRequest"
	TypeEvent        = "EventRequest"
)

// RequestBody is the "request" object of a CEK request. The concrete types
// are *LaunchRequest, *IntentRequest, *SessionEndedRequest, *EventRequest and
// *UnknownRequest.
//
//sumtype:decl
type RequestBody interface {
	// RequestType returns the wire "type".
	RequestType() string
	isRequestBody()
}

// RequestInfo holds the fields CLOVA may put on any request body. Only
// EventRequest is documented to carry RequestID and Timestamp; real
// Japanese-market requests carry all four on every type.
type RequestInfo struct {
	// RequestID is the dialog request ID.
	RequestID string `json:"requestId,omitempty"`
	// Timestamp is "YYYY-MM-DDThh:mm:ssZ"; see [RequestInfo.Time].
	Timestamp   string `json:"timestamp,omitempty"`
	Locale      string `json:"locale,omitempty"`
	ExtensionID string `json:"extensionId,omitempty"`
}

// Time parses Timestamp. ok is false when it is absent or unreadable.
func (i RequestInfo) Time() (t time.Time, ok bool) {
	if i.Timestamp == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, i.Timestamp)
	return t, err == nil
}

// LaunchRequest: the user opened the extension without a specific command.
// Real LaunchRequests carry empty placeholder "intent" and "event" objects;
// they are ignored.
type LaunchRequest struct {
	RequestInfo
}

// IntentRequest: the user said something that CLOVA mapped to an intent of
// the extension's interaction model.
type IntentRequest struct {
	RequestInfo
	Intent Intent `json:"intent"`
}

// SessionEndedRequest: the session ended (the user quit, timed out, or an
// error occurred). CLOVA does not send it when the extension itself ended the
// session with shouldEndSession. Its response is ignored.
type SessionEndedRequest struct {
	RequestInfo
}

// EventRequest: a device or skill-store event (ClovaSkill, AudioPlayer,
// SpeechSynthesizer, TemplateRuntime). Delivery order is not guaranteed:
// order by Timestamp.
type EventRequest struct {
	RequestInfo
	Event Event `json:"event"`
}

// UnknownRequest is a request body of a type this package does not know.
// Raw holds its exact bytes, and MarshalJSON returns them unchanged.
type UnknownRequest struct {
	Type string
	Raw  json.RawMessage
}

// RequestType returns TypeLaunch.
func (*LaunchRequest) RequestType() string { return TypeLaunch }

// RequestType returns TypeIntent.
func (*IntentRequest) RequestType() string { return TypeIntent }

// RequestType returns TypeSessionEnded.
func (*SessionEndedRequest) RequestType() string { return TypeSessionEnded }

// RequestType returns TypeEvent.
func (*EventRequest) RequestType() string { return TypeEvent }

// RequestType returns the Type field.
func (r *UnknownRequest) RequestType() string { return r.Type }

func (*LaunchRequest) isRequestBody()       {}
func (*IntentRequest) isRequestBody()       {}
func (*SessionEndedRequest) isRequestBody() {}
func (*EventRequest) isRequestBody()        {}
func (*UnknownRequest) isRequestBody()      {}

// MarshalJSON writes the body with its "type".
func (r *LaunchRequest) MarshalJSON() ([]byte, error) {
	type plain LaunchRequest
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{TypeLaunch, (*plain)(r)})
}

// MarshalJSON writes the body with its "type".
func (r *IntentRequest) MarshalJSON() ([]byte, error) {
	type plain IntentRequest
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{TypeIntent, (*plain)(r)})
}

// MarshalJSON writes the body with its "type".
func (r *SessionEndedRequest) MarshalJSON() ([]byte, error) {
	type plain SessionEndedRequest
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{TypeSessionEnded, (*plain)(r)})
}

// MarshalJSON writes the body with its "type".
func (r *EventRequest) MarshalJSON() ([]byte, error) {
	type plain EventRequest
	return json.Marshal(struct {
		Type string `json:"type"`
		*plain
	}{TypeEvent, (*plain)(r)})
}

// MarshalJSON returns Raw unchanged.
func (r *UnknownRequest) MarshalJSON() ([]byte, error) {
	if len(r.Raw) == 0 {
		return []byte("null"), nil
	}
	return r.Raw, nil
}

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

// Event is the event of an [EventRequest].
type Event struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Payload is the raw payload; it may be null or {}.
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Event namespaces.
const (
	NamespaceClovaSkill        = "ClovaSkill"
	NamespaceAudioPlayer       = "AudioPlayer"
	NamespaceSpeechSynthesizer = "SpeechSynthesizer"
	NamespaceTemplateRuntime   = "TemplateRuntime"
	NamespacePlaybackControl   = "PlaybackController"
)

// Is reports whether the event is namespace.name.
func (e Event) Is(namespace, name string) bool { return e.Namespace == namespace && e.Name == name }

// DecodePayload decodes the payload into v. A null or absent payload leaves v
// untouched and is not an error.
func (e Event) DecodePayload(v any) error {
	if wire.IsNull(e.Payload) {
		return nil
	}
	if err := json.Unmarshal(e.Payload, v); err != nil {
		return webhookio.Malformed("clova", fmt.Errorf("event payload: %w", wire.JSONError(err)))
	}
	return nil
}

// AudioPlayerEventPayload is the payload of AudioPlayer.Play… and
// ProgressReport… events.
type AudioPlayerEventPayload struct {
	Token                string `json:"token,omitempty"`
	OffsetInMilliseconds int64  `json:"offsetInMilliseconds"`
}

// StreamRequestedPayload is the payload of AudioPlayer.StreamRequested.
type StreamRequestedPayload struct {
	AudioItemID string          `json:"audioItemId"`
	AudioStream AudioStreamInfo `json:"audioStream"`
}

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

// Context is the client state CLOVA sends with every request.
type Context struct {
	// AudioPlayer is the device's player state, when it has one.
	AudioPlayer *AudioPlayerState `json:"AudioPlayer,omitempty"`
	System      System            `json:"System"`
}

// System describes the extension, device and default user.
type System struct {
	// Application is nil when absent (some real requests omit it; an
	// ExtensionHandler then rejects them).
	Application *Application `json:"application,omitempty"`
	Device      Device       `json:"device"`
	// User is the device's default user.
	User *User `json:"user,omitempty"`
}

// Application identifies the extension a request is for.
type Application struct {
	// ApplicationID is the Extension ID, reverse-domain
	// ("com.example.extension.pizzabot").
	ApplicationID string `json:"applicationId"`
}

// Device is the client device.
type Device struct {
	DeviceID string   `json:"deviceId"`
	Display  *Display `json:"display,omitempty"`
}

// Display describes the device's screen. Size "none" means no screen.
type Display struct {
	Size         string        `json:"size,omitempty"`
	Orientation  string        `json:"orientation,omitempty"`
	DPI          int           `json:"dpi,omitempty"`
	ContentLayer *ContentLayer `json:"contentLayer,omitempty"`
}

// ContentLayer is the size of the display's content area.
type ContentLayer struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// AudioPlayerState is context.AudioPlayer: what the device is playing.
type AudioPlayerState struct {
	// OffsetInMilliseconds and TotalInMilliseconds are nil when absent.
	OffsetInMilliseconds *int64 `json:"offsetInMilliseconds,omitempty"`
	// PlayerActivity is IDLE, PLAYING, PAUSED or STOPPED.
	PlayerActivity      string           `json:"playerActivity,omitempty"`
	RepeatMode          string           `json:"repeatMode,omitempty"`
	Stream              *AudioStreamInfo `json:"stream,omitempty"`
	Token               string           `json:"token,omitempty"`
	TotalInMilliseconds *int64           `json:"totalInMilliseconds,omitempty"`
}

// AudioStreamInfo is CEK's AudioStreamInfoObject.
type AudioStreamInfo struct {
	BeginAtInMilliseconds  int64           `json:"beginAtInMilliseconds"`
	DurationInMilliseconds *int64          `json:"durationInMilliseconds,omitempty"`
	Format                 string          `json:"format,omitempty"`
	ProgressReport         *ProgressReport `json:"progressReport,omitempty"`
	Token                  string          `json:"token,omitempty"`
	URL                    string          `json:"url"`
	// URLPlayable false makes the client ask for the stream with an
	// AudioPlayer.StreamRequested event.
	URLPlayable bool   `json:"urlPlayable"`
	CustomData  string `json:"customData,omitempty"`
}

// ProgressReport asks the client for progress events; each field may be
// null.
type ProgressReport struct {
	ProgressReportDelayInMilliseconds    *int64 `json:"progressReportDelayInMilliseconds"`
	ProgressReportIntervalInMilliseconds *int64 `json:"progressReportIntervalInMilliseconds"`
	ProgressReportPositionInMilliseconds *int64 `json:"progressReportPositionInMilliseconds"`
}

// ApplicationID returns context.System.application.applicationId, or "".
func (r *Request) ApplicationID() string {
	if r == nil || r.Context.System.Application == nil {
		return ""
	}
	return r.Context.System.Application.ApplicationID
}

// UserID returns the current speaker: session.user.userId, else
// context.System.user.userId.
func (r *Request) UserID() string {
	if r == nil {
		return ""
	}
	if r.Session != nil && r.Session.User != nil && r.Session.User.UserID != "" {
		return r.Session.User.UserID
	}
	if u := r.Context.System.User; u != nil {
		return u.UserID
	}
	return ""
}

// AccessToken returns the linked account's token for the current speaker,
// or "".
func (r *Request) AccessToken() AccessToken {
	if r == nil {
		return ""
	}
	if r.Session != nil && r.Session.User != nil && r.Session.User.AccessToken != "" {
		return r.Session.User.AccessToken
	}
	if u := r.Context.System.User; u != nil {
		return u.AccessToken
	}
	return ""
}

// Info returns the body's common fields, or the zero value for an unknown
// type.
func (r *Request) Info() RequestInfo {
	if r == nil {
		return RequestInfo{}
	}
	switch b := r.Request.(type) {
	case *LaunchRequest:
		return b.RequestInfo
	case *IntentRequest:
		return b.RequestInfo
	case *SessionEndedRequest:
		return b.RequestInfo
	case *EventRequest:
		return b.RequestInfo
	default:
		// an unknown request's common fields are not decoded
	}
	return RequestInfo{}
}

type requestWire struct {
	Version string          `json:"version"`
	Session *Session        `json:"session"`
	Context Context         `json:"context"`
	Request json.RawMessage `json:"request"`
}

// MarshalJSON writes the CEK wire form.
func (r *Request) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Version string      `json:"version"`
		Session *Session    `json:"session"`
		Context Context     `json:"context"`
		Request RequestBody `json:"request"`
	}{r.Version, r.Session, r.Context, r.Request})
}

// UnmarshalJSON decodes a CEK request without verifying anything. An error
// wraps [ErrMalformed]; it never contains body content.
func (r *Request) UnmarshalJSON(data []byte) error {
	// Fast path: one pass for the four known request types.
	var f requestFast
	if err := json.Unmarshal(data, &f); err == nil {
		if body, ok := f.Request.body(); ok {
			*r = Request{Version: f.Version, Session: f.Session, Context: f.Context, Request: body}
			return nil
		}
	}
	// Slow path: unknown request types (kept raw), and precise errors.
	var w requestWire
	if err := json.Unmarshal(data, &w); err != nil {
		return webhookio.Malformed("clova", wire.JSONError(err))
	}
	body, err := decodeBody(w.Request)
	if err != nil {
		return err
	}
	*r = Request{Version: w.Version, Session: w.Session, Context: w.Context, Request: body}
	return nil
}

type requestFast struct {
	Version string   `json:"version"`
	Session *Session `json:"session"`
	Context Context  `json:"context"`
	Request bodyFast `json:"request"`
}

type bodyFast struct {
	Type string `json:"type"`
	RequestInfo
	Intent *Intent `json:"intent"`
	Event  *Event  `json:"event"`
}

// body builds the typed body; ok is false when the slow path must decide.
func (b *bodyFast) body() (RequestBody, bool) {
	switch b.Type {
	case TypeLaunch:
		return &LaunchRequest{RequestInfo: b.RequestInfo}, true
	case TypeSessionEnded:
		return &SessionEndedRequest{RequestInfo: b.RequestInfo}, true
	case TypeIntent:
		if b.Intent != nil {
			return &IntentRequest{RequestInfo: b.RequestInfo, Intent: *b.Intent}, true
		}
	case TypeEvent:
		if b.Event != nil {
			return &EventRequest{RequestInfo: b.RequestInfo, Event: *b.Event}, true
		}
	}
	return nil, false
}

type bodyWire struct {
	RequestInfo
	Intent json.RawMessage `json:"intent"`
	Event  json.RawMessage `json:"event"`
}

func decodeBody(raw json.RawMessage) (RequestBody, error) {
	if wire.IsNull(raw) {
		return nil, webhookio.Malformed("clova", errors.New("no request object"))
	}
	typ, found, err := wire.Peek(raw, "type")
	if err != nil {
		return nil, webhookio.Malformed("clova", errors.New("request object has no readable type"))
	}
	if !found {
		return nil, webhookio.Malformed("clova", errors.New("request object has no type"))
	}
	switch typ {
	case TypeLaunch, TypeIntent, TypeSessionEnded, TypeEvent:
	default:
		return &UnknownRequest{Type: typ, Raw: raw}, nil
	}
	var w bodyWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, webhookio.Malformed("clova", wire.JSONError(err))
	}
	switch typ {
	case TypeLaunch:
		return &LaunchRequest{RequestInfo: w.RequestInfo}, nil
	case TypeSessionEnded:
		return &SessionEndedRequest{RequestInfo: w.RequestInfo}, nil
	case TypeIntent:
		b := &IntentRequest{RequestInfo: w.RequestInfo}
		if wire.IsNull(w.Intent) {
			return nil, webhookio.Malformed("clova", errors.New("IntentRequest has no intent"))
		}
		if err := json.Unmarshal(w.Intent, &b.Intent); err != nil {
			return nil, webhookio.Malformed("clova", fmt.Errorf("intent: %w", wire.JSONError(err)))
		}
		return b, nil
	default: // TypeEvent
		b := &EventRequest{RequestInfo: w.RequestInfo}
		if wire.IsNull(w.Event) {
			return nil, webhookio.Malformed("clova", errors.New("EventRequest has no event"))
		}
		if err := json.Unmarshal(w.Event, &b.Event); err != nil {
			return nil, webhookio.Malformed("clova", fmt.Errorf("event: %w", wire.JSONError(err)))
		}
		return b, nil
	}
}
