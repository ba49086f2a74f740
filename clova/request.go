package clova

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

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
	// Type returns the wire "type".
	Type() string
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
	// RequestType is the body's "type".
	RequestType string
	Raw         json.RawMessage
}

// Type returns TypeLaunch.
func (*LaunchRequest) Type() string { return TypeLaunch }

// Type returns TypeIntent.
func (*IntentRequest) Type() string { return TypeIntent }

// Type returns TypeSessionEnded.
func (*SessionEndedRequest) Type() string { return TypeSessionEnded }

// Type returns TypeEvent.
func (*EventRequest) Type() string { return TypeEvent }

// Type returns the RequestType field.
func (r *UnknownRequest) Type() string { return r.RequestType }

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
		return &UnknownRequest{RequestType: typ, Raw: raw}, nil
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
