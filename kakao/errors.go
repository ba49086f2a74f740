package kakao

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// ErrMalformed is wrapped by every error about a request body that is not a
// skill payload (not JSON, not an object, no userRequest). The handler
// answers it with 400. It is the same value in every channelkit platform
// package.
var ErrMalformed = webhookio.ErrMalformed

// ErrCallback is wrapped by the error a handler reports (to its error
// handler and logger) when your function failed, panicked or returned an
// invalid response; the platform was answered 500 (or the fallback), or
// the failure came after the answer. It is the same value in every
// channelkit platform package.
var ErrCallback = webhookio.ErrCallback

// ErrLate is wrapped by every error the handler reports after it
// acknowledged the request (a callback request answered useCallback): the platform never sees that failure in
// its answer. The same value in every channelkit platform package.
var ErrLate = webhookio.ErrLate

// ErrInvalid is wrapped by every error about something refused before it
// was written or sent: a response that breaks a documented limit or misses
// a required field ([Response.Validate]), and a bad argument
// ([ArgumentError]). Kakao shows a broken bubble (or nothing) for an
// invalid response, so channelkit never sends one. It is the same value in
// every channelkit platform package.
var ErrInvalid = invalid.ErrInvalid

// ErrBusy is wrapped by the error of a request that waited for a free slot
// under the handler's in-flight cap ([WithMaxInFlight]) until it ended; it
// was answered 503. It is the same value in every channelkit platform
// package.
var ErrBusy = webhookio.ErrBusy

// ErrCallbackURL reports a callback URL that cannot be used: empty, not an
// absolute http(s) URL, or on a host the client does not allow. Such an
// error is also an [*ArgumentError]. Its text never contains the URL: it
// is a one-time credential.
var ErrCallbackURL = errors.New("kakao: unusable callback URL")

// ErrBotID reports a request whose bot.id is not one [WithBotIDs] allows;
// the handler answers it 403. It wraps [signature.ErrForbidden].
var ErrBotID = fmt.Errorf("kakao: bot ID not allowed: %w", signature.ErrForbidden)

// ErrCallbackExpired reports that the one-minute validity of a callback URL
// ran out before the final response could be sent.
var ErrCallbackExpired = errors.New("kakao: callback URL expired")

// ErrEntity is wrapped by the errors of the system-entity helpers
// ([ParseSysDate], [ParseSysNumber], [ParsePlugin]).
var ErrEntity = errors.New("kakao: bad entity value")

// ValidationError is one broken rule of a response, at a JSON path such as
// "template.outputs[0].basicCard.buttons[3].label". It wraps [ErrInvalid].
type ValidationError = invalid.ValidationError

// ValidationErrors is every broken rule of one response, in document
// order: what [Response.Validate] returns when more than one thing is
// wrong (a single problem is returned as its [*ValidationError]).
// errors.As finds each *ValidationError; errors.Is finds [ErrInvalid].
type ValidationErrors = invalid.ValidationErrors

// ArgumentError is a bad argument to a constructor, an option or a client
// method (a nil function, an empty callback URL), found before anything
// was sent. It wraps [ErrInvalid] and never quotes the argument's value.
type ArgumentError = invalid.ArgumentError

// pkg prefixes every error of this package.
const pkg = "kakao"

// argErr returns the *ArgumentError of argument arg of fn.
func argErr(fn, arg, reason string) error { return invalid.Arg(pkg, fn, arg, reason) }

// callbackURLError is an unusable callback URL: an *ArgumentError that
// also wraps ErrCallbackURL.
type callbackURLError struct{ arg *ArgumentError }

func (e *callbackURLError) Error() string   { return e.arg.Error() }
func (e *callbackURLError) Unwrap() []error { return []error{e.arg, ErrCallbackURL} }

func callbackURLErr(reason string) error {
	return &callbackURLError{arg: invalid.Arg(pkg, "Client.Send", "callbackURL", reason)}
}

// CallbackStatus is the status field of Kakao's answer to a callback POST.
type CallbackStatus string

// The callback statuses.
const (
	CallbackSuccess CallbackStatus = "SUCCESS"
	CallbackFail    CallbackStatus = "FAIL"
	CallbackError   CallbackStatus = "ERROR"
)

// APIError is a failed callback delivery or Event API call
// ([Client.SendEvent]): an HTTP status other than 2xx, or a 2xx answer
// whose status is not SUCCESS. Code holds Kakao's status
// ("FAIL", "ERROR") when there is one.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	TaskID     string
	RequestID  string
	RetryAfter time.Duration
	// Body is the raw answer, truncated. Error never prints it.
	Body []byte
	api  string // "event" for the Event API; "" for a callback
}

// Error describes the failure without the body or the callback URL.
func (e *APIError) Error() string {
	var b strings.Builder
	if e.api == "event" {
		b.WriteString("kakao: event failed: HTTP ")
	} else {
		b.WriteString("kakao: callback failed: HTTP ")
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		m, _ := message.TruncateText(e.Message, 200, message.Runes)
		b.WriteString(": ")
		b.WriteString(m)
	}
	return b.String()
}
