package rest

import (
	"errors"
	"fmt"
	"net/url"
)

// DefaultCheck accepts 2xx and reports anything else as *StatusError.
func DefaultCheck(r *Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	return &StatusError{StatusCode: r.StatusCode}
}

// StatusError is DefaultCheck's error.
type StatusError struct{ StatusCode int }

// Error names the status.
func (e *StatusError) Error() string { return fmt.Sprintf("unexpected HTTP status %d", e.StatusCode) }

// NetworkError is a failure to complete an exchange. Its text names the
// method and host, never the full URL or any header.
type NetworkError struct {
	Method string
	Host   string
	Err    error
}

// Error names the method, the host and the failure.
func (e *NetworkError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Method, e.Host, e.Err)
}

// Unwrap returns the underlying error.
func (e *NetworkError) Unwrap() error { return e.Err }

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Truncate returns at most n bytes of b, copied, for keeping in an error.
func Truncate(b []byte, n int) []byte {
	if len(b) > n {
		b = b[:n]
	}
	return append([]byte(nil), b...)
}
