package talktalk

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
)

// ErrMalformed is wrapped by every error about a webhook body that is not a
// TalkTalk event (bad JSON, no "event" field, a field of the wrong type).
// It is the same value in every channelkit platform package.
var ErrMalformed = webhookio.ErrMalformed

// ErrCallback is wrapped by the error a handler reports (to its error
// handler and logger) when your function failed or panicked; the platform
// was answered 500, or the failure came after the answer. It is the same
// value in every channelkit platform package.
var ErrCallback = webhookio.ErrCallback

// pkg prefixes this package's errors.
const pkg = "talktalk"

// Sentinels for the send API's result codes. An [*APIError] unwraps to the
// one matching its Code (or, without a code, its HTTP status), so callers
// branch with errors.Is:
//
//	if errors.Is(err, talktalk.ErrUnauthorized) { /* rotate the key */ }
var (
	// ErrUnauthorized: resultCode "01", the Authorization key is invalid or
	// expired; also HTTP 401 and 403.
	ErrUnauthorized = errors.New("talktalk: authorization key invalid or expired")
	// ErrInvalidJSON: resultCode "02", the request JSON did not parse or
	// lacks a required field.
	ErrInvalidJSON = errors.New("talktalk: request JSON invalid or missing a required field")
	// ErrNotPermitted: resultCode "03" (observed, undocumented), a request
	// for a partner or user this key has no rights on.
	ErrNotPermitted = errors.New("talktalk: request not permitted for this partner")
	// ErrCannotSend: resultCode "04" (observed, undocumented), the user
	// cannot receive messages now (for example during a profile consent).
	ErrCannotSend = errors.New("talktalk: cannot send to this user now")
	// ErrServer: resultCode "99", any other processing error; also HTTP 5xx.
	ErrServer = errors.New("talktalk: server error")
	// ErrRateLimited: HTTP 429. TalkTalk documents no rate limit, but
	// blocks senders that post more than about 30 requests in 3 seconds.
	ErrRateLimited = errors.New("talktalk: rate limited")
	// ErrImageFormat: resultCode "IMG-01", the image is not JPG, JPEG, PNG
	// or GIF, or could not be processed.
	ErrImageFormat = errors.New("talktalk: unsupported image format")
	// ErrImageTimeout: resultCode "IMG-02", downloading the image took
	// longer than 10 seconds.
	ErrImageTimeout = errors.New("talktalk: image download timed out")
	// ErrImageTooLarge: resultCode "IMG-03", the image exceeds 20 MB.
	ErrImageTooLarge = errors.New("talktalk: image larger than 20 MB")
	// ErrImageUpload: resultCode "IMG-99", any other image upload failure.
	ErrImageUpload = errors.New("talktalk: image upload failed")
	// ErrUnexpectedResponse: the API answered with something that is not a
	// TalkTalk result object.
	ErrUnexpectedResponse = errors.New("talktalk: unexpected response")
)

// The documented result codes.
const (
	CodeSuccess       = "00"
	CodeUnauthorized  = "01"
	CodeInvalidJSON   = "02"
	CodeNotPermitted  = "03"
	CodeCannotSend    = "04"
	CodeServer        = "99"
	CodeImageFormat   = "IMG-01"
	CodeImageTimeout  = "IMG-02"
	CodeImageTooLarge = "IMG-03"
	CodeImageUpload   = "IMG-99"
)

var codeSentinels = map[string]error{
	CodeUnauthorized:  ErrUnauthorized,
	CodeInvalidJSON:   ErrInvalidJSON,
	CodeNotPermitted:  ErrNotPermitted,
	CodeCannotSend:    ErrCannotSend,
	CodeServer:        ErrServer,
	CodeImageFormat:   ErrImageFormat,
	CodeImageTimeout:  ErrImageTimeout,
	CodeImageTooLarge: ErrImageTooLarge,
	CodeImageUpload:   ErrImageUpload,
}

// APIError is a failed TalkTalk API call. TalkTalk answers HTTP 200 with
// {"success": false, "resultCode": …} for application errors, so StatusCode
// is often 200; gateway failures come with a non-2xx status and may have no
// Code.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the resultCode ("01", "02", "99", "IMG-02", …); empty when
	// the body held none.
	Code string
	// Message is the resultMessage, which TalkTalk writes in Korean.
	Message string
	// RequestID is the request ID header, if the gateway sent one.
	RequestID string
	// RetryAfter is the wait a 429 asked for; zero otherwise.
	RetryAfter time.Duration
	// Body is the raw response body, truncated to 64 KiB. Error never
	// prints it.
	Body []byte
}

// Error describes the failure without the body or the authorization key.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("talktalk: API error")
	if e.Code != "" {
		fmt.Fprintf(&b, ": resultCode %s", e.Code)
	}
	fmt.Fprintf(&b, " (HTTP %d)", e.StatusCode)
	if e.Message != "" {
		m, _ := message.TruncateText(e.Message, 200, message.Runes)
		b.WriteString(": ")
		b.WriteString(m)
	}
	return b.String()
}

// Unwrap returns the sentinel for the result code, or for the HTTP status
// when there is no known code, or nil.
func (e *APIError) Unwrap() error {
	if s, ok := codeSentinels[e.Code]; ok {
		return s
	}
	switch {
	case e.StatusCode == 401 || e.StatusCode == 403:
		return ErrUnauthorized
	case e.StatusCode == 429:
		return ErrRateLimited
	case e.StatusCode >= 500:
		return ErrServer
	case (e.Code == "" || e.Code == CodeSuccess) && e.StatusCode >= 200 && e.StatusCode < 300:
		return ErrUnexpectedResponse
	}
	return nil
}

// ErrInvalid is wrapped by every [*ValidationError], [ValidationErrors]
// and [*ArgumentError]: an outbound event or an argument that breaks one
// of TalkTalk's documented rules, caught before anything was sent. It is
// the same value in every channelkit platform package.
var ErrInvalid = invalid.ErrInvalid

// ValidationError names the JSON path of an outbound field that breaks a
// rule, for example
// "compositeContent.compositeList[0].buttonList[3].data.title". It is the
// same type in every channelkit platform package.
type ValidationError = invalid.ValidationError

// ValidationErrors is every rule an event breaks, in document order:
// [Validate] returns a single *ValidationError for one problem and
// ValidationErrors for more. errors.As finds each *ValidationError.
type ValidationErrors = invalid.ValidationErrors

// ArgumentError is a bad argument to a constructor, an option or a client
// method (an empty user, a nil event), found before anything was sent. It
// never quotes the argument's value.
type ArgumentError = invalid.ArgumentError

// ErrBusy is wrapped by the error a handler reports when a request waited
// for a free slot under [WithMaxInFlight] until TalkTalk hung up; it was
// answered 503. It is the same value in every channelkit platform package.
var ErrBusy = webhookio.ErrBusy

// ErrDecline, returned (possibly wrapped) by a [HandlerFunc] for a
// pay_complete event, declines the payment: the handler answers HTTP 422
// instead of 200, with the returned reply event (if any) as the body, so
// the user learns why. It is not reported to the error handler.
var ErrDecline = errors.New("talktalk: payment declined")

// ErrLate is wrapped by the errors a [WebhookHandler] reports when the
// callback finished after the budget: its reply could not go in the
// webhook response. See [LateError]. It is the ErrLate of every channelkit
// platform package.
var ErrLate = webhookio.ErrLate

// LateError reports a callback that outlived the handler's budget. Reply is
// the synchronous reply it returned, if any, which was not delivered
// (unless the handler has a late-reply client, in which case SendErr says
// how sending it went). Err is the callback's own error, if any.
type LateError struct {
	Event   Event
	Reply   Event
	Err     error
	SendErr error
}

// Error says what happened to the late result.
func (e *LateError) Error() string {
	switch {
	case e.Err != nil:
		return fmt.Sprintf("talktalk: %s callback failed after the budget: %v", eventName(e.Event), e.Err)
	case e.SendErr != nil:
		return fmt.Sprintf("talktalk: %s late reply could not be sent: %v", eventName(e.Event), e.SendErr)
	case e.Reply != nil:
		return fmt.Sprintf("talktalk: %s reply arrived after the budget and was not delivered", eventName(e.Event))
	}
	return fmt.Sprintf("talktalk: %s callback finished after the budget", eventName(e.Event))
}

// Unwrap returns ErrLate and the sender's error; when the callback
// failed, also [ErrCallback] and the callback's error.
func (e *LateError) Unwrap() []error {
	out := []error{ErrLate}
	if e.Err != nil {
		out = append(out, ErrCallback, e.Err)
	}
	if e.SendErr != nil {
		out = append(out, e.SendErr)
	}
	return out
}

// eventName names ev in an error or a log line. An unknown event's name comes from the sender unchecked (TalkTalk signs
// nothing) and could be anything of any length: it is never repeated.
func eventName(ev Event) string {
	switch ev.(type) {
	case nil:
		return "<nil>"
	case *UnknownEvent:
		return "unknown event"
	default:
		return ev.Type()
	}
}
