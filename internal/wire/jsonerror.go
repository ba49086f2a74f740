package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// JSONError rewrites an error from decoding a payload so that it keeps the
// position and the Go types involved but quotes nothing from the input:
// encoding/json's texts can hold parts of the body ("number 3", a field's
// literal), and a body must never reach an error string or a log.
//
// Errors made with [Safe] pass through unchanged, and an error wrapping one
// of this package's sentinels becomes that sentinel (the wrapping text is
// not known to be safe); anything else unknown becomes "invalid JSON".
func JSONError(err error) error {
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var safe *safeError
	switch {
	case errors.As(err, &safe):
		return safe
	case errors.Is(err, ErrNotObject):
		// The sentinel itself: whatever wrapped it may have quoted input.
		return ErrNotObject
	case errors.Is(err, ErrSyntax):
		return ErrSyntax
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at offset %d", se.Offset)
	case errors.As(err, &te):
		// Value is "number", "string", … or "number 3": keep only the kind.
		kind, _, _ := strings.Cut(te.Value, " ")
		if te.Field == "" {
			return fmt.Errorf("cannot decode a JSON %s into %s", kind, te.Type)
		}
		return fmt.Errorf("field %s: cannot decode a JSON %s into %s", te.Field, kind, te.Type)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("unexpected end of JSON")
	}
	return errors.New("invalid JSON")
}

// Safe returns an error whose text holds no payload content, for custom
// UnmarshalJSON methods: [JSONError] passes it through as is.
func Safe(msg string) error { return &safeError{msg} }

type safeError struct{ msg string }

func (e *safeError) Error() string { return e.msg }
