package webhookio

import (
	"errors"
	"fmt"
	"net/http"
)

// ErrRepeatedHeader is wrapped by the error of a request that carries a
// credential header (a signature, a shared secret, a bot ID) more than
// once.
var ErrRepeatedHeader = errors.New("header sent more than once")

// Credential returns the value of header name in h, a header that says who
// sent the request. The platforms send it once; a request carrying it more
// than once is refused with an error wrapping [ErrRepeatedHeader], whichever
// copy is genuine, since which copy counts is where a proxy in front and
// the handler could disagree. Callers wrap the error with the sentinel
// that sets the status ([signature.ErrMismatch], [signature.ErrForbidden]).
// The error names the header, never a value.
func Credential(h http.Header, name string) (string, error) {
	vs := h.Values(name)
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		return vs[0], nil
	}
	return "", fmt.Errorf("%s %w", name, ErrRepeatedHeader)
}
