package clovatest

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/channelkit/channelkit/clova"
)

// ApplicationID is the extension ID the request builders use unless told
// otherwise.
const ApplicationID = "com.example.clovatest"

// Default IDs of the builders.
const (
	UserID    = "clovatest-user"
	DeviceID  = "clovatest-device"
	SessionID = "clovatest-session"
)

var testKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 2048)
})

// Key returns the process's test key pair: RSA-2048, generated on first use
// and then shared (generation is slow, much more so under -race). It panics
// only if the system's random source fails.
func Key() *rsa.PrivateKey {
	k, err := testKey()
	if err != nil {
		panic("clovatest: generating test key: " + err.Error())
	}
	return k
}

// PublicKey returns the public half of [Key], for clova.WithPublicKey.
func PublicKey() *rsa.PublicKey { return &Key().PublicKey }

// Sign returns the SignatureCEK header value for body under key (nil means
// [Key]).
func Sign(key *rsa.PrivateKey, body []byte) string {
	if key == nil {
		key = Key()
	}
	sum := sha256.Sum256(body)
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		panic("clovatest: signing: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// NewRequest encodes req and returns a POST to "/" carrying it, signed with
// key (nil means [Key]) in the SignatureCEK header.
func NewRequest(t testing.TB, key *rsa.PrivateKey, req *clova.Request) *http.Request {
	t.Helper()
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatalf("clovatest: encoding request: %v", err)
	}
	return NewRawRequest(t, key, body)
}

// NewSignedRequest returns a POST of req to target, signed with key (nil
// means [Key]), ready for an http.Client: the form programs use outside
// tests.
func NewSignedRequest(key *rsa.PrivateKey, target string, req *clova.Request) (*http.Request, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("clovatest: encoding request: %w", err)
	}
	r, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("clovatest: %w", err)
	}
	r.Header.Set("Content-Type", "application/json;charset=UTF-8")
	r.Header.Set(clova.SignatureHeader, Sign(key, body))
	return r, nil
}

// NewRawRequest returns a POST to "/" carrying body as is, signed with key
// (nil means [Key]).
func NewRawRequest(t testing.TB, key *rsa.PrivateKey, body []byte) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json;charset=UTF-8")
	r.Header.Set(clova.SignatureHeader, Sign(key, body))
	return r
}

// RequestOption adjusts a request built by [Launch], [Intent],
// [SessionEnded] or [Event]. A nil RequestOption is ignored.
type RequestOption func(*clova.Request)

// WithApplicationID sets context.System.application.applicationId.
func WithApplicationID(id string) RequestOption {
	return func(r *clova.Request) { r.Context.System.Application = &clova.Application{ApplicationID: id} }
}

// WithUserID sets the user ID of both the session and the device.
func WithUserID(id string) RequestOption {
	return func(r *clova.Request) {
		if r.Session != nil && r.Session.User != nil {
			r.Session.User.UserID = id
		}
		if r.Context.System.User != nil {
			r.Context.System.User.UserID = id
		}
	}
}

// WithAccessToken sets the linked account's access token on the session and
// device users.
func WithAccessToken(tok string) RequestOption {
	return func(r *clova.Request) {
		if r.Session != nil && r.Session.User != nil {
			r.Session.User.AccessToken = clova.AccessToken(tok)
		}
		if r.Context.System.User != nil {
			r.Context.System.User.AccessToken = clova.AccessToken(tok)
		}
	}
}

// WithSessionAttributes sets the session attributes to v encoded.
func WithSessionAttributes(v any) RequestOption {
	return func(r *clova.Request) {
		if r.Session == nil {
			return
		}
		b, err := json.Marshal(v)
		if err != nil {
			panic("clovatest: encoding session attributes: " + err.Error())
		}
		r.Session.SessionAttributes = b
	}
}

// WithNewSession sets session.new.
func WithNewSession(isNew bool) RequestOption {
	return func(r *clova.Request) {
		if r.Session != nil {
			r.Session.New = isNew
		}
	}
}

// WithoutSession sends "session": null, as skill-store events do.
func WithoutSession() RequestOption { return func(r *clova.Request) { r.Session = nil } }

// WithVersion sets the message version (default "1.0").
func WithVersion(v string) RequestOption { return func(r *clova.Request) { r.Version = v } }

// WithRequestID sets request.requestId.
func WithRequestID(id string) RequestOption {
	return func(r *clova.Request) { info(r).RequestID = id }
}

// WithTimestamp sets request.timestamp.
func WithTimestamp(t time.Time) RequestOption {
	return func(r *clova.Request) { info(r).Timestamp = t.UTC().Format(time.RFC3339) }
}

// WithSlot adds a slot to an intent request. value may be a string, a
// number or nil.
func WithSlot(name string, value any) RequestOption {
	return WithTypedSlot(clova.Slot{Name: name, Value: slotValue(value)})
}

// WithTypedSlot adds a fully specified slot (valueType, unit) to an intent
// request.
func WithTypedSlot(s clova.Slot) RequestOption {
	return func(r *clova.Request) {
		ir, ok := r.Request.(*clova.IntentRequest)
		if !ok {
			return
		}
		if ir.Intent.Slots == nil {
			ir.Intent.Slots = map[string]clova.Slot{}
		}
		ir.Intent.Slots[s.Name] = s
	}
}

func slotValue(v any) clova.SlotValue {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("clovatest: encoding slot value: " + err.Error())
	}
	return clova.SlotValue(b)
}

func info(r *clova.Request) *clova.RequestInfo {
	switch b := r.Request.(type) {
	case *clova.LaunchRequest:
		return &b.RequestInfo
	case *clova.IntentRequest:
		return &b.RequestInfo
	case *clova.SessionEndedRequest:
		return &b.RequestInfo
	case *clova.EventRequest:
		return &b.RequestInfo
	default:
		// an unknown request body
	}
	return new(clova.RequestInfo) // unknown body: the option has nowhere to go
}

func build(body clova.RequestBody, opts []RequestOption) *clova.Request {
	r := &clova.Request{
		Version: "1.0",
		Session: &clova.Session{New: true, SessionAttributes: json.RawMessage("{}"), SessionID: SessionID, User: &clova.User{UserID: UserID}},
		Context: clova.Context{System: clova.System{
			Application: &clova.Application{ApplicationID: ApplicationID},
			Device:      clova.Device{DeviceID: DeviceID, Display: &clova.Display{Size: "none", ContentLayer: &clova.ContentLayer{}}},
			User:        &clova.User{UserID: UserID},
		}},
		Request: body,
	}
	for _, o := range opts {
		if o != nil {
			o(r)
		}
	}
	return r
}

// Launch returns a LaunchRequest.
func Launch(opts ...RequestOption) *clova.Request { return build(&clova.LaunchRequest{}, opts) }

// Intent returns an IntentRequest for intent name; add slots with
// [WithSlot]. The session is not new.
func Intent(name string, opts ...RequestOption) *clova.Request {
	return build(&clova.IntentRequest{Intent: clova.Intent{Name: name}}, append([]RequestOption{WithNewSession(false)}, opts...))
}

// SessionEnded returns a SessionEndedRequest.
func SessionEnded(opts ...RequestOption) *clova.Request {
	return build(&clova.SessionEndedRequest{}, append([]RequestOption{WithNewSession(false)}, opts...))
}

// Event returns an EventRequest namespace.name with payload encoded (nil
// sends null), a request ID and the current time.
func Event(namespace, name string, payload any, opts ...RequestOption) *clova.Request {
	var raw json.RawMessage
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			panic("clovatest: encoding event payload: " + err.Error())
		}
		raw = b
	} else {
		raw = json.RawMessage("null")
	}
	ev := &clova.EventRequest{
		RequestInfo: clova.RequestInfo{RequestID: "clovatest-event", Timestamp: time.Now().UTC().Format(time.RFC3339)},
		Event:       clova.Event{Namespace: namespace, Name: name, Payload: raw},
	}
	return build(ev, append([]RequestOption{WithNewSession(false)}, opts...))
}
