package redact

import (
	"fmt"
	"log/slog"
	"strings"
)

// Placeholder is what a secret prints as.
const Placeholder = "[REDACTED]"

// Secret returns Placeholder for a set secret and "" for an empty one, so
// that a printed form still tells whether the secret was given.
func Secret(s string) string {
	if s == "" {
		return ""
	}
	return Placeholder
}

// A Field is one field of a [Form]: its Go name and a value that is safe
// to print (a secret goes in as [Secret] of it).
type Field struct {
	Name  string
	Value any
}

// A Form is the printed form of a value that holds secrets: its type name
// ("naverworks.Credentials") and the fields safe to show.
type Form struct {
	Type   string
	Fields []Field
}

// String writes the form in Go syntax, each field value as %#v prints it:
// naverworks.Credentials{ClientID:"abc", ClientSecret:"[REDACTED]"}.
func (f Form) String() string {
	var b strings.Builder
	b.WriteString(f.Type)
	b.WriteByte('{')
	for i, fl := range f.Fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(fl.Name)
		b.WriteByte(':')
		fmt.Fprintf(&b, "%#v", fl.Value)
	}
	b.WriteByte('}')
	return b.String()
}

// Format writes [Form.String] for every verb, as [Format] does.
func (f Form) Format(s fmt.State, verb rune) { Format(s, verb, f.String()) }

// LogValue is a group of the fields, or the type name with empty braces
// when there are none (slog drops an empty group).
func (f Form) LogValue() slog.Value {
	if len(f.Fields) == 0 {
		return slog.StringValue(f.Type + "{}")
	}
	attrs := make([]slog.Attr, len(f.Fields))
	for i, fl := range f.Fields {
		attrs[i] = slog.Any(fl.Name, fl.Value)
	}
	return slog.GroupValue(attrs...)
}

// Format writes text, the redacted form of a value, for any verb. %q
// quotes it; every other verb (%d, %x, %e, ...) prints it as %s would,
// never the value itself. Flags, width and precision apply as they do to
// %s and %q.
func Format(s fmt.State, verb rune, text string) {
	if verb != 'q' {
		verb = 's'
	}
	fmt.Fprintf(s, fmt.FormatString(s, verb), text)
}

// Hidden holds a value, typically a secret in an unexported field, that
// no printing shows: fmt prints a Hidden as a function address even where
// it calls no method, and as [Placeholder] where it does; slog prints
// [Placeholder]. The zero Hidden holds T's zero value.
type Hidden[T any] struct {
	// A func, not a pointer: fmt prints what a pointer points to when a
	// verb does not suit the pointer (%s, %e, ...), but never what a
	// closure holds.
	get func() T
}

// Hide returns a Hidden holding v.
func Hide[T any](v T) Hidden[T] { return Hidden[T]{get: func() T { return v }} }

// Reveal returns the value.
func (h Hidden[T]) Reveal() T {
	if h.get == nil {
		var zero T
		return zero
	}
	return h.get()
}

// Format writes [Placeholder] for every verb.
func (h Hidden[T]) Format(s fmt.State, verb rune) { Format(s, verb, Placeholder) }

// LogValue is [Placeholder].
func (h Hidden[T]) LogValue() slog.Value { return slog.StringValue(Placeholder) }
