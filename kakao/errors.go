package kakao

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
)

// ErrMalformed is wrapped by every error about a request body that is not a
// skill payload (not JSON, not an object, no userRequest). The handler
// answers it with 400.
var ErrMalformed = webhookio.ErrMalformed

// ErrCallback is wrapped by the error a handler reports (to its error
// handler and logger) when your function failed or panicked; the platform
// was answered 500, or the failure came after the answer. It is the same
// value in every channelkit platform package.
var ErrCallback = webhookio.ErrCallback

// ErrInvalidResponse is wrapped by the error [Response.Validate] returns: a
// response that breaks a documented limit or misses a required field. Kakao
// shows a broken bubble (or nothing) for such a response, so channelkit
// never sends one.
var ErrInvalidResponse = errors.New("kakao: invalid response")

// ErrCallbackURL reports a callback URL that cannot be used: empty, not an
// absolute http(s) URL, or on a host the client does not allow. The error
// text never contains the URL: it is a one-time credential.
var ErrCallbackURL = errors.New("kakao: unusable callback URL")

// ErrCallbackExpired reports that the one-minute validity of a callback URL
// ran out before the final response could be sent.
var ErrCallbackExpired = errors.New("kakao: callback URL expired")

// ErrEntity is wrapped by the errors of the system-entity helpers
// ([ParseSysDate], [ParseSysNumber], [ParsePlugin]).
var ErrEntity = errors.New("kakao: bad entity value")

// A ValidationError is one broken rule of a response, at a JSON path such as
// "template.outputs[0].basicCard.buttons[3].label".
type ValidationError struct {
	Path   string
	Reason string
}

func (e *ValidationError) Error() string { return "kakao: " + e.Path + ": " + e.Reason }

// Unwrap returns [ErrInvalidResponse].
func (e *ValidationError) Unwrap() error { return ErrInvalidResponse }

// ValidationErrors is every broken rule of one response, in document order.
// It is what [Response.Validate] returns when anything is wrong.
type ValidationErrors []*ValidationError

func (es ValidationErrors) Error() string {
	switch len(es) {
	case 0:
		return "kakao: invalid response"
	case 1:
		return es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "kakao: %d problems: ", len(es))
	for i, e := range es {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Path + ": " + e.Reason)
	}
	return b.String()
}

// Unwrap returns the individual errors, so errors.As finds a
// *ValidationError and errors.Is finds [ErrInvalidResponse].
func (es ValidationErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// CallbackStatus is the status field of Kakao's answer to a callback POST.
type CallbackStatus string

// The callback statuses.
const (
	CallbackSuccess CallbackStatus = "SUCCESS"
	CallbackFail    CallbackStatus = "FAIL"
	CallbackError   CallbackStatus = "ERROR"
)

// APIError is a failed callback delivery: an HTTP status other than 2xx, or
// a 2xx answer whose status is not SUCCESS. Code holds Kakao's status
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
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("kakao: callback failed: HTTP ")
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}
