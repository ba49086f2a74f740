// Package webhookio holds the request plumbing every channelkit webhook
// handler shares: bounded body reads, the fixed mapping from failures to
// HTTP status codes, and response writing.
//
// A body read holds memory in proportion to the bytes that have arrived,
// never to the Content-Length a client declares: what an unverified
// request can make the server hold is what it actually sends.
//
// Status codes (channelkit's house rule):
//
//	405 wrong method             413 body over the limit
//	400 malformed body           401 missing or invalid signature, or unknown bot
//	403 caller not allowed       500 the user's callback failed
//	503 no free slot under the in-flight cap before the request ended
//	200 success
//
// Details of a failure never go into the response; handlers report them to
// their error handler and logger.
package webhookio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/signature"
)

// DefaultMaxBody is the default limit on a webhook body: 1 MiB.
const DefaultMaxBody = 1 << 20

// ErrMalformed is wrapped by every error about a body that is not what the
// platform sends (bad JSON, missing required fields). Platform packages
// re-export it as their own ErrMalformed.
var ErrMalformed = errors.New("malformed payload")

// ErrMethod reports a request with a method other than POST.
var ErrMethod = errors.New("method not allowed")

// ErrCallback wraps the error a user's callback returned.
var ErrCallback = errors.New("callback failed")

// Malformed wraps err (which must not contain body content) as ErrMalformed
// under the package prefix pkg: "line: malformed payload: …".
func Malformed(pkg string, err error) error {
	if err == nil {
		return fmt.Errorf("%s: %w", pkg, ErrMalformed)
	}
	return fmt.Errorf("%s: %w: %w", pkg, ErrMalformed, err)
}

// Status maps a handler failure to its HTTP status code. An error wrapping
// [ErrCallback] is 500 whatever else it wraps.
func Status(err error) int {
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrCallback):
		// First: the callback's own error may wrap anything (a signature
		// or size error from work it did), yet the request itself was fine
		// and the platform should redeliver.
		return http.StatusInternalServerError
	case errors.Is(err, ErrBusy):
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrMethod):
		return http.StatusMethodNotAllowed
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, signature.ErrMissing), errors.Is(err, signature.ErrMismatch),
		errors.Is(err, botset.ErrUnknownBot):
		// An unknown bot is answered as a wrong secret is, so that a
		// caller cannot probe which bots a server has.
		return http.StatusUnauthorized
	case errors.Is(err, signature.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrMalformed):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// ErrorFunc receives the details of a failed webhook request. The
// request's context is never done when it is called: for a request that
// has ended (work that outlived its acknowledgement), it is the
// request's context without its cancellation.
type ErrorFunc func(*http.Request, error)

// Fail answers r with the status Status(err) and an empty body, and hands
// err to onErr if set. For 405 it sets Allow: POST.
func Fail(w http.ResponseWriter, r *http.Request, err error, onErr ErrorFunc) {
	code := Status(err)
	if code == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", http.MethodPost)
	}
	w.WriteHeader(code)
	if onErr != nil {
		onErr(r, err)
	}
}

// Reporter answers and reports the failures of one platform's handlers,
// the same way in every platform package: a Debug line
// "<Pkg>: webhook request failed" with the attributes status and error,
// then the error handler. The zero Logger and OnError drop the report.
type Reporter struct {
	// Pkg is the platform package's name, the log line's prefix.
	Pkg string
	// Logger receives the Debug line (nil: none).
	Logger *slog.Logger
	// OnError is the user's error handler (nil: none).
	OnError ErrorFunc
	// Status maps an error to its status where a platform adds to the
	// fixed table (CLOVA: 503 when its key is unavailable). nil: [Status].
	Status func(error) int
}

// Fail answers r with the status of err and an empty body (Allow: POST
// with a 405), then reports err.
func (rp *Reporter) Fail(w http.ResponseWriter, r *http.Request, err error) {
	code := rp.status(err)
	if code == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", http.MethodPost)
	}
	w.WriteHeader(code)
	rp.report(r, err, code)
}

// Report reports err, a failure that was answered already or that comes
// after the answer, with the status it maps to. r may be nil for work that
// belongs to no request (a body taken from a queue).
func (rp *Reporter) Report(r *http.Request, err error) { rp.report(r, err, rp.status(err)) }

func (rp *Reporter) status(err error) int {
	if rp.Status != nil {
		return rp.Status(err)
	}
	return Status(err)
}

func (rp *Reporter) report(r *http.Request, err error, code int) {
	ctx := context.Background()
	if r != nil { // nil: work taken from a queue, outside any request
		ctx = r.Context()
	}
	if l := rp.Logger; l != nil && l.Enabled(ctx, slog.LevelDebug) {
		l.LogAttrs(ctx, slog.LevelDebug, rp.Pkg+": webhook request failed",
			slog.Int("status", code), slog.String("error", err.Error()))
	}
	if rp.OnError != nil {
		if r != nil && ctx.Err() != nil {
			// The request has ended (a failure of work that outlived its
			// acknowledgement, or a client that hung up): the handler
			// gets the request with its values but not its
			// cancellation, so that it can still send the report on.
			r = r.WithContext(context.WithoutCancel(ctx))
		}
		rp.OnError(r, err)
	}
}

// CheckMethod returns ErrMethod unless r is a POST.
func CheckMethod(r *http.Request) error {
	if r.Method != http.MethodPost {
		return ErrMethod
	}
	return nil
}

// WriteJSON writes an already-encoded JSON body with status 200.
func WriteJSON(w http.ResponseWriter, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// Wait blocks until wg is done or ctx is, for handlers that keep working
// after they answer: their Wait(ctx) methods call it on shutdown.
func Wait(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
