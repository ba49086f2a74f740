package naverworks

import (
	"fmt"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/signature"
)

// ErrMalformed is wrapped by every error about a callback body that is not
// what NAVER WORKS sends (broken JSON, a missing or non-string type), and
// by [DecodeContent] and [DecodeAction] errors. It is the same value as the
// other channelkit packages' ErrMalformed.
var ErrMalformed = webhookio.ErrMalformed

// ErrCallback is wrapped by the error a handler reports (to its error
// handler and logger) when your function failed or panicked; the platform
// was answered 500, or the failure came after the answer. It is the same
// value in every channelkit platform package.
var ErrCallback = webhookio.ErrCallback

// ErrLate is wrapped by every error the handler reports after it
// acknowledged the request (a function that missed [WithBudget]): the platform never sees that failure in
// its answer. The same value in every channelkit platform package.
var ErrLate = webhookio.ErrLate

// ErrBusy is wrapped by the error a handler reports for a callback that
// found no free slot under [WithMaxInFlight] before its request ended; it
// was answered 503. It is the same value in every channelkit platform
// package.
var ErrBusy = webhookio.ErrBusy

// ErrInvalid is wrapped by every error about a request refused before
// sending: content that breaks a documented limit ([*ValidationError],
// [ValidationErrors]) and bad arguments ([*ArgumentError]). It is the same
// value in every channelkit platform package.
var ErrInvalid = invalid.ErrInvalid

// ErrBotID reports a callback whose X-WORKS-BotId header is missing or names
// another bot than the one the handler serves. It wraps
// [signature.ErrForbidden], so the handler answers 403.
var ErrBotID = fmt.Errorf("naverworks: unexpected bot ID: %w", signature.ErrForbidden)

// ValidationError is one broken limit. Path is the JSON path of the
// offending field in the request body ("content.actions[10]",
// "content.columns[2].text"). It wraps [ErrInvalid].
type ValidationError = invalid.ValidationError

// ValidationErrors is every broken limit of one request, in document
// order; errors.As finds each [*ValidationError] in it. A request with a
// single problem fails with that *ValidationError alone.
type ValidationErrors = invalid.ValidationErrors

// ArgumentError is a bad argument to a client method (an empty ID, a nil
// event, a count out of range), found before anything was sent. It never
// quotes the argument's value, and wraps [ErrInvalid].
type ArgumentError = invalid.ArgumentError

// argError returns the *ArgumentError of method fn ("Client.SendToUser")
// for argument arg.
func argError(fn, arg, reason string) error { return invalid.Arg(pkg, fn, arg, reason) }

// pkg prefixes this package's errors.
const pkg = "naverworks"

// APIError is a failed Bot API call: any non-2xx answer, decoded from the
// platform's {"code", "description"} body when there is one.
//
// Use [errors.As] to get it. Code holds the platform code
// ("TOO_MANY_REQUESTS", "INVALID_PARAMETER", "UNAUTHORIZED", …), Message
// the platform's "description". Body is the start of the raw response body,
// kept for debugging; it is never printed by Error.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	// RequestID is the request ID header of the response, when the server
	// sent one (NAVER WORKS documents none; this is empty in practice).
	RequestID string
	// RetryAfter is how long the server asked us to wait (Retry-After, or
	// the rateLimit-reset header NAVER WORKS sends on throttled APIs).
	RetryAfter time.Duration
	// RateLimit holds the rateLimit-* headers of the response, if any.
	RateLimit RateLimit
	// Body is the start of the raw response body (at most 64 KiB).
	Body []byte
}

// Error names the status, the platform code and its description, never
// the raw body.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "naverworks: API error (HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(", ")
		b.WriteString(e.Code)
	}
	b.WriteString(")")
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(clip(e.Message, 200))
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// TokenError is a failed access-token request: the token endpoint's
// {"error", "error_description"} answer (RFC 6749 §5.2), or a response that
// was not one. It never holds the assertion, the client secret or a token.
type TokenError struct {
	StatusCode int
	// Code is the OAuth error code: "invalid_grant", "invalid_client",
	// "invalid_scope", "unauthorized_client", "invalid_request", …
	Code        string
	Description string
}

// Error names the status, the OAuth error code and its description.
func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "naverworks: token request failed (HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(", ")
		b.WriteString(e.Code)
	}
	b.WriteString(")")
	if e.Description != "" {
		b.WriteString(": ")
		b.WriteString(e.Description)
	}
	return b.String()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}
