// Package invalid holds the error types every channelkit platform package
// uses for a request it refuses before sending: one broken limit
// ([ValidationError]), all of them at once ([ValidationErrors]) and a bad
// argument ([ArgumentError]). Platform packages re-export them by alias
// (type ValidationError = invalid.ValidationError), so errors.As works the
// same way in all five, and they all wrap one [ErrInvalid].
package invalid

import (
	"errors"
	"strconv"
	"strings"
)

// ErrInvalid is wrapped by every error of this package: a request that
// breaks a platform limit or rule, found before anything was sent. Platform
// packages re-export it as their own ErrInvalid.
var ErrInvalid = errors.New("invalid request")

// ValidationError is one broken rule, at a JSON path in the platform's own
// style ("messages[0].quickReply.items[13]",
// "template.outputs[0].basicCard.buttons[3].label").
type ValidationError struct {
	// Pkg is the package that found it ("line"); it prefixes the message.
	Pkg    string
	Path   string
	Reason string
}

// New returns the ValidationError of package pkg at path.
func New(pkg, path, reason string) *ValidationError {
	return &ValidationError{Pkg: pkg, Path: path, Reason: reason}
}

// Error reads "pkg: path: reason".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.Grow(len(e.Pkg) + len(e.Path) + len(e.Reason) + 4)
	if e.Pkg != "" {
		b.WriteString(e.Pkg)
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns [ErrInvalid].
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// ValidationErrors is every broken rule of one request, in document order.
// errors.As finds each *ValidationError; errors.Is finds [ErrInvalid].
type ValidationErrors []*ValidationError

// Join returns nil for no errors, the error itself for one, and
// ValidationErrors for more, so that a single problem reads as itself.
func Join(errs []*ValidationError) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return ValidationErrors(errs)
}

func (es ValidationErrors) Error() string {
	switch len(es) {
	case 0:
		return "invalid request"
	case 1:
		return es[0].Error()
	}
	var b strings.Builder
	if es[0].Pkg != "" {
		b.WriteString(es[0].Pkg)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(len(es)))
	b.WriteString(" problems: ")
	for i, e := range es {
		if i > 0 {
			b.WriteString("; ")
		}
		if e.Path != "" {
			b.WriteString(e.Path)
			b.WriteString(": ")
		}
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Unwrap returns the individual errors.
func (es ValidationErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// ArgumentError is a bad argument to a client method or constructor (an
// empty user ID, too many recipients, a nil message), found before
// anything was sent. It never quotes the argument's value.
type ArgumentError struct {
	// Pkg is the package that found it ("naverworks").
	Pkg string
	// Func is the function or method ("Client.Push").
	Func string
	// Arg is the argument's name ("userID").
	Arg    string
	Reason string
}

// Arg returns the ArgumentError of package pkg for argument arg of fn.
func Arg(pkg, fn, arg, reason string) *ArgumentError {
	return &ArgumentError{Pkg: pkg, Func: fn, Arg: arg, Reason: reason}
}

// Error reads "pkg: Func: arg: reason"; it never quotes the value.
func (e *ArgumentError) Error() string {
	var b strings.Builder
	if e.Pkg != "" {
		b.WriteString(e.Pkg)
		b.WriteString(": ")
	}
	if e.Func != "" {
		b.WriteString(e.Func)
		b.WriteString(": ")
	}
	if e.Arg != "" {
		b.WriteString(e.Arg)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns [ErrInvalid].
func (e *ArgumentError) Unwrap() error { return ErrInvalid }
