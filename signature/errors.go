package signature

import "errors"

// Sentinel errors. Errors returned by this package and by the platform
// packages' verifiers wrap exactly one of them.
var (
	// ErrMissing reports that a request carried no signature (or an empty one).
	ErrMissing = errors.New("signature: missing")
	// ErrMismatch reports that a signature was present but did not verify:
	// wrong secret or key, tampered body, malformed encoding or wrong length.
	ErrMismatch = errors.New("signature: mismatch")
	// ErrForbidden reports that a request came from an address outside an
	// allow-list, or lacked a required shared secret.
	ErrForbidden = errors.New("signature: forbidden")
)

// errMalformed is returned when a signature is not valid base64 or has the
// wrong decoded length. It wraps ErrMismatch: for a caller, a signature that
// cannot even be decoded is simply one that does not match.
var errMalformed = &malformedError{}

type malformedError struct{}

func (*malformedError) Error() string { return "signature: mismatch (malformed encoding or length)" }
func (*malformedError) Unwrap() error { return ErrMismatch }
