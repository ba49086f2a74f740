package line

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
)

// ErrMalformed is wrapped by every error about a webhook body that is not a
// LINE callback. Handlers answer it with 400.
var ErrMalformed = webhookio.ErrMalformed

// ErrCallback is wrapped by the error a handler reports (to its error
// handler and logger) when your function failed or panicked; the platform
// was answered 500, or the failure came after the answer. It is the same
// value in every channelkit platform package.
var ErrCallback = webhookio.ErrCallback

// ErrLate is wrapped by every error the handler reports after it
// acknowledged the request (with [WithAsync]): the platform never sees that failure in
// its answer. The same value in every channelkit platform package.
var ErrLate = webhookio.ErrLate

// ErrInvalid is wrapped by every [*ValidationError] and [*ArgumentError]:
// a request that breaks LINE's limits, or a bad argument, found before
// anything was sent. It is the same value in every channelkit platform
// package.
var ErrInvalid = invalid.ErrInvalid

// ErrBusy is wrapped by the error a handler reports when a request waited
// for a free slot under the in-flight cap ([WithMaxInFlight]) until its
// context ended; the handler answered 503, so LINE redelivers it (with
// redelivery turned on). It is the same value in every channelkit platform
// package.
var ErrBusy = webhookio.ErrBusy

// APIError is an error response from the Messaging API. Find it with
// errors.As:
//
//	var apiErr *line.APIError
//	if errors.As(err, &apiErr) && apiErr.InvalidReplyToken() { … push instead … }
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is LINE's "message", for example "Invalid reply token" or
	// "The request body has 2 error(s)".
	Message string
	// Details are LINE's "details": per-property problems.
	Details []ErrorDetail
	// RequestID is the x-line-request-id header: quote it to LINE support.
	RequestID string
	// AcceptedRequestID is the x-line-accepted-request-id header of a 409:
	// the request that was accepted earlier with the same retry key.
	AcceptedRequestID string
	// RetryAfter is how long a 429 asked us to wait (LINE does not document
	// the header; zero when absent).
	RetryAfter time.Duration
	// SentMessages is set when LINE's error body carries it.
	SentMessages []SentMessage
	// Body is the raw response body, truncated to 64 KiB. Error never
	// prints it.
	Body []byte
}

// ErrorDetail is one entry of an error's "details".
type ErrorDetail struct {
	Message string `json:"message,omitempty"`
	// Property is the JSON path or parameter at fault, e.g.
	// "messages[0].text".
	Property string `json:"property,omitempty"`
}

// Error names the HTTP status, LINE's message and up to five of its
// details (each clipped), and the request ID; never the raw body.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line: HTTP %d", e.StatusCode)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(clipRunes(e.Message, 200))
	}
	// The server's texts are short, but a misbehaving proxy's need not be:
	// keep the error line bounded (all details stay in e.Details).
	const maxDetails = 5
	for i, d := range e.Details {
		if i == maxDetails {
			fmt.Fprintf(&b, "; and %d more)", len(e.Details)-maxDetails)
			break
		}
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		if d.Property != "" {
			b.WriteString(clipRunes(d.Property, 100))
			b.WriteString(": ")
		}
		b.WriteString(clipRunes(d.Message, 200))
		if i == len(e.Details)-1 {
			b.WriteString(")")
		}
	}
	if e.RequestID != "" {
		b.WriteString(" [request ")
		b.WriteString(e.RequestID)
		b.WriteString("]")
	}
	return b.String()
}

// Retryable reports whether the same request may succeed later: 429 and
// 5xx.
func (e *APIError) Retryable() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// InvalidReplyToken reports LINE's answer to a reply token that is
// expired, already used or unknown. Such a reply can never succeed; push
// instead if the conversation allows it.
func (e *APIError) InvalidReplyToken() bool {
	return e.StatusCode == http.StatusBadRequest && strings.EqualFold(e.Message, "Invalid reply token")
}

// ValidationError is a request that breaks one of LINE's limits, found
// before sending. Path is the JSON path in LINE's own style
// ("messages[0].quickReply.items[13]"). It wraps [ErrInvalid].
type ValidationError = invalid.ValidationError

// ValidationErrors is every limit one request breaks, in document order:
// what [ValidateMessages] returns when it finds more than one. errors.As
// finds each [*ValidationError] in it.
type ValidationErrors = invalid.ValidationErrors

// ArgumentError is a bad argument to a client method or function (an
// empty ID, a nil message, too many recipients, a send option the call
// does not take), found before anything was sent, or to a constructor or
// option ([New], [NewWebhookHandler], [NewBotHandler], [WithLogger], ...),
// which the constructor returns. Func names the function ("Client.Push",
// "WithLogger") and Arg the argument ("to", "l"); it never quotes the
// argument's value. It wraps [ErrInvalid].
type ArgumentError = invalid.ArgumentError

// validationError returns the ValidationError of LINE's JSON path.
func validationError(path, reason string) *ValidationError {
	return invalid.New("line", path, reason)
}

// argError returns the ArgumentError for argument arg of fn.
func argError(fn, arg, reason string) *ArgumentError {
	return invalid.Arg("line", fn, arg, reason)
}

// check turns every non-2xx response into an *APIError.
func check(r *rest.Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	e := &APIError{
		StatusCode:        r.StatusCode,
		RequestID:         r.Header.Get("X-Line-Request-Id"),
		AcceptedRequestID: r.Header.Get("X-Line-Accepted-Request-Id"),
		Body:              rest.Truncate(r.Body, rest.MaxErrorBody),
	}
	var w struct {
		Message      string        `json:"message"`
		Details      []ErrorDetail `json:"details"`
		SentMessages []SentMessage `json:"sentMessages"`
	}
	if json.Unmarshal(r.Body, &w) == nil {
		e.Message, e.Details, e.SentMessages = w.Message, w.Details, w.SentMessages
	}
	if r.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = rest.ParseRetryAfter(r.Header, time.Now())
	}
	return e
}

// clipRunes cuts s to at most n runes, marking the cut.
func clipRunes(s string, n int) string {
	if out, cut := message.TruncateText(s, n, message.Runes); cut {
		return out + "…"
	}
	return s
}
