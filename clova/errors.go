package clova

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/signature"
)

// ErrMalformed is wrapped by every error about a CEK request body that is
// not what CLOVA sends (bad JSON, no request type). It is the same value as
// every other channelkit package's ErrMalformed.
var ErrMalformed = webhookio.ErrMalformed

// ErrCallback is wrapped by the error a handler reports (to its error
// handler and logger) when your function failed or panicked; the platform
// was answered 500, or the failure came after the answer. It is the same
// value in every channelkit platform package.
var ErrCallback = webhookio.ErrCallback

// ErrLate is wrapped by every error the handler reports after it
// acknowledged the request (CEK waits for every answer, so a CLOVA handler reports none): the platform never sees that failure in
// its answer. The same value in every channelkit platform package.
var ErrLate = webhookio.ErrLate

// ErrApplicationID reports a correctly signed CEK request addressed to
// another extension: context.System.application.applicationId is missing or
// differs from the extension ID the handler was built with. It wraps
// [signature.ErrForbidden], so a [WebhookHandler] answers 403 Forbidden.
//
// 403 rather than 401: the signature proved the request came from CLOVA, so
// the caller is authenticated; it is just not allowed to reach this
// extension, and no other credentials would change that.
var ErrApplicationID = fmt.Errorf("clova: application ID does not match the extension: %w", signature.ErrForbidden)

// ErrKeyUnavailable reports that the verification key could not be
// obtained (the key URL was unreachable or served no valid key, and no
// earlier key is cached). Verification fails closed: the request is
// rejected, and a [WebhookHandler] answers 503 Service Unavailable.
var ErrKeyUnavailable = errors.New("clova: CEK verification key unavailable")

// status maps a handler failure to its HTTP status: webhookio's fixed table,
// plus 503 for a missing key.
func status(err error) int {
	if errors.Is(err, ErrKeyUnavailable) {
		return http.StatusServiceUnavailable
	}
	return webhookio.Status(err)
}

// APIError is a failed CLOVA Chatbot call: a non-2xx answer from the API
// Gateway or the chatbot. Find it with errors.As.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the error code in the body (API Gateway "errorCode"), if any.
	Code string
	// Message is the error message in the body, if any.
	Message string
	// RequestID is the gateway's trace ID header, if any.
	RequestID string
	// RetryAfter is the wait a 429 answer asked for, or 0.
	RetryAfter time.Duration
	// Body is the start of the raw response body. It may be truncated and is
	// never printed by Error.
	Body []byte
}

// Error describes the failure without the body or any credential.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "clova: chatbot API error: HTTP %d", e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " code %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", clip(e.Message, 200))
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request %s)", e.RequestID)
	}
	return b.String()
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// ErrInvalid is wrapped by every error about a request found wrong before
// anything was sent or answered: a [ValidationError] (a CEK response or a
// Chatbot request that breaks a documented limit) or an [ArgumentError]. It
// is the same value in every channelkit platform package.
var ErrInvalid = invalid.ErrInvalid

// ErrBusy is wrapped by the error of a request that found no free slot
// under the [WithMaxInFlight] cap before it ended; a [WebhookHandler]
// answers it 503 Service Unavailable. It is the same value in every
// channelkit platform package.
var ErrBusy = webhookio.ErrBusy

// ValidationError is one broken constraint, named by its JSON path
// ("response.outputSpeech.values[1].lang", "bubbles[0].data.description").
// It wraps [ErrInvalid].
type ValidationError = invalid.ValidationError

// ValidationErrors is every broken constraint of one response or request,
// in document order; errors.As finds each *ValidationError. A single
// broken constraint is returned as its *ValidationError alone.
type ValidationErrors = invalid.ValidationErrors

// ArgumentError is a bad argument to a constructor, an option or a client
// method (an empty secret key, a nil request). It names the argument, never
// its value, and wraps [ErrInvalid].
type ArgumentError = invalid.ArgumentError

// argError returns the ArgumentError of argument arg of fn.
func argError(fn, arg, reason string) error { return invalid.Arg("clova", fn, arg, reason) }
