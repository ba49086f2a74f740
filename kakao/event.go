package kakao

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
)

// The Event API sends bot-initiated messages: Kakao runs the block bound
// to an event name (set up in the chatbot admin center) for up to
// [MaxEventUsers] users, whose answer Kakao then shows them. Kakao bills
// every message and needs a wallet on the bot.
//
// The request is UNCONFIRMED against Kakao's reference (its event-api
// page confirms only that the API exists): it is the one the peer
// library kakao-chatbot (PyPI, hanlee55/kakao-chatbot) sends and
// third-party clients use: POST https://bot-api.kakao.com/v2/bots/{botId}/talk
// with "Authorization: KakaoAK <REST API key>" (the key of the Kakao
// Developers app the bot is linked to) and
//
//	{"event": {"name": "…", "data": {…}}, "user": [{"type": "botUserKey", "id": "…", "properties": {…}}], "params": {…}}
//
// answered {"taskId", "status", "message", "timestamp"}, the shape of a
// callback answer. Development channels use another host
// (dev-bot-api.kakao.com per kakao-chatbot, UNCONFIRMED): set it with
// [WithBaseURL].

// DefaultEventBaseURL is where the Event API is sent by default.
const DefaultEventBaseURL = "https://bot-api.kakao.com/"

// MaxEventUsers is the most users one event may name (kakao-chatbot's
// limit; UNCONFIRMED in Kakao's reference).
const MaxEventUsers = 100

// EventUserType says what kind of ID an [EventUser] carries.
type EventUserType string

// The user ID types the Event API takes, as a skill request's
// user.properties carries them.
const (
	EventAppUserID         EventUserType = "appUserId"
	EventPlusfriendUserKey EventUserType = "plusfriendUserKey"
	EventBotUserKey        EventUserType = "botUserKey"
)

// EventUser is one user an [Event] is sent to.
type EventUser struct {
	Type EventUserType `json:"type"`
	ID   string        `json:"id"`
	// Properties reach the skill, in userRequest.user.properties of the
	// request the event's block makes.
	Properties map[string]string `json:"properties,omitempty"`
}

// Event is one Event API request: the event's name, the users to run it
// for, and what the block and its skill receive. It encodes to (and
// decodes from) the wire form; decoding an encoded Event gives it back.
type Event struct {
	// Name is the event name set in the chatbot admin center.
	Name string
	// Data reaches the block's text as {{#webhook.…}}/{{#current.event.data.…}}
	// (event.data).
	Data map[string]any
	// Users are the recipients, 1 to MaxEventUsers.
	Users []EventUser
	// Params reach the skill in userRequest.params.
	Params map[string]string
}

type eventWire struct {
	Event struct {
		Name string         `json:"name"`
		Data map[string]any `json:"data,omitempty"`
	} `json:"event"`
	User   []EventUser       `json:"user"`
	Params map[string]string `json:"params,omitempty"`
}

// MarshalJSON writes the wire form.
func (e Event) MarshalJSON() ([]byte, error) {
	var w eventWire
	w.Event.Name, w.Event.Data, w.User, w.Params = e.Name, e.Data, e.Users, e.Params
	return json.Marshal(w)
}

// UnmarshalJSON reads the wire form.
func (e *Event) UnmarshalJSON(b []byte) error {
	var w eventWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = Event{Name: w.Event.Name, Data: w.Event.Data, Users: w.User, Params: w.Params}
	return nil
}

// Validate checks e against the Event API's rules before anything is
// sent: a name, 1 to [MaxEventUsers] users, each with a known type and a
// non-empty ID. It returns nil, one [*ValidationError], or
// [ValidationErrors], naming JSON paths ("user[3].type"); all wrap
// [ErrInvalid] and never quote an ID.
func (e *Event) Validate() error {
	var errs []*ValidationError
	add := func(path, reason string) { errs = append(errs, invalid.New(pkg, path, reason)) }
	if e.Name == "" {
		add("event.name", "required")
	}
	switch n := len(e.Users); {
	case n == 0:
		add("user", "at least one user")
	case n > MaxEventUsers:
		add("user", "at most "+strconv.Itoa(MaxEventUsers)+" users, got "+strconv.Itoa(n))
	}
	for i, u := range e.Users {
		p := "user[" + strconv.Itoa(i) + "]"
		switch u.Type {
		case EventAppUserID, EventPlusfriendUserKey, EventBotUserKey:
		default:
			add(p+".type", "not appUserId, plusfriendUserKey or botUserKey")
		}
		if u.ID == "" {
			add(p+".id", "required")
		}
	}
	return invalid.Join(errs)
}

// WithRESTAPIKey gives the client the REST API key of the Kakao
// Developers app the bot is linked to, which [Client.SendEvent] sends as
// "Authorization: KakaoAK <key>". Callbacks need no key. The key never
// appears in an error, a log line or the client's printed form.
func WithRESTAPIKey(key string) Option {
	return clientOption(func(c *config) error {
		if key == "" {
			return argErr("WithRESTAPIKey", "key", "empty key")
		}
		c.restKey = redact.Hide(key)
		return nil
	})
}

// WithBaseURL sets where [Client.SendEvent] sends the Event API (default
// [DefaultEventBaseURL]); the fake's URL in tests. Callbacks go to the
// URL each request carries, whatever this is.
func WithBaseURL(raw string) Option {
	return clientOption(func(c *config) error {
		u, err := rest.ParseBaseURL(raw)
		if err != nil {
			return argErr("WithBaseURL", "raw", err.Error())
		}
		c.eventBase = u.String()
		return nil
	})
}

var errNoRESTKey = invalid.Arg(pkg, "Client.SendEvent", "c", "no REST API key: create the client with WithRESTAPIKey")

// SendEvent sends ev for bot botID through the Event API. ev is validated
// first ([Event.Validate]), and nothing is sent when it fails or the
// client has no [WithRESTAPIKey]. The POST is sent once: it is retried
// only after a failure that proves Kakao never saw it (the connection
// could not be made), since each delivered event is a billed message to
// every user. It returns Kakao's answer, or an [*APIError] for a non-2xx
// status or a status other than SUCCESS. No error holds the key or the
// body. Safe for concurrent use.
func (c *Client) SendEvent(ctx context.Context, botID string, ev *Event) (*Result, error) {
	switch {
	case botID == "":
		return nil, argErr("Client.SendEvent", "botID", "empty bot ID")
	case ev == nil:
		return nil, argErr("Client.SendEvent", "ev", "nil event")
	}
	key := c.restKey.Reveal()
	if key == "" {
		return nil, errNoRESTKey
	}
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("kakao: encoding event: %w", err)
	}
	start := time.Now()
	r, err := c.rc.Do(ctx, &rest.Request{
		Method:      http.MethodPost,
		Path:        c.eventBase + "v2/bots/" + url.PathEscape(botID) + "/talk",
		Header:      http.Header{"Authorization": {"KakaoAK " + key}},
		Body:        body,
		ContentType: "application/json",
	})
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			apiErr.api = "event"
			if r != nil {
				apiErr.RequestID = requestID(r.Header)
			}
			c.log.DebugContext(ctx, "kakao: event failed", "elapsed", time.Since(start), "error", err)
			return nil, err
		}
		c.log.DebugContext(ctx, "kakao: event failed", "elapsed", time.Since(start), "error", err)
		return nil, fmt.Errorf("kakao: event: %w", scrubKey(err, key))
	}
	w, _ := parseResult(r.Body)
	ts, _ := w.Timestamp.Int64()
	res := &Result{
		TaskID:    w.TaskID,
		Status:    CallbackStatus(w.Status),
		Message:   w.Message,
		Timestamp: ts,
		Meta:      Meta{StatusCode: r.StatusCode, RequestID: requestID(r.Header), Header: r.Header},
	}
	c.log.DebugContext(ctx, "kakao: event sent", "status", res.Status, "taskId", res.TaskID, "users", len(ev.Users), "elapsed", time.Since(start))
	return res, nil
}

// scrubKey makes sure no error text carries the key (a transport error
// does not quote headers, but a user's RoundTripper might).
func scrubKey(err error, key string) error {
	if strings.Contains(err.Error(), key) {
		return errKeyScrubbed
	}
	return err
}

var errKeyScrubbed = fmt.Errorf("kakao: the transport failed (its error named the key and is withheld)")
