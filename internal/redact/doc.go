// Package redact gives the module's secret-holding types one printed form
// that holds no secret, under every fmt verb, in log/slog and in
// encoding/json.
//
// A type that holds a secret implements fmt.Formatter and slog.LogValuer
// (and, for credentials whose fields are exported, json.Marshaler) with a
// [Form]: its type name and the fields safe to show, each secret replaced
// by [Placeholder] through [Secret]. fmt.Formatter is what catches every
// verb: String and GoString alone leave %d, %x of a []byte and the like
// printing the raw fields.
//
// fmt still prints a value without calling any of its methods in three
// cases: the %p of a non-pointer, the %w of a non-error (go vet flags
// both), and a value held in an unexported field of a struct being
// printed. A verb that does not suit a pointer (%s, %e, ...) then makes
// fmt print what the pointer points to as well. Only the storage of the
// secret protects it there, so secrets in unexported fields are kept in a
// [Hidden], which every path prints as an address or as [Placeholder].
//
// The test of this package checks every secret-holding type of the module
// against every verb, slog's text and JSON handlers, json.Marshal and
// errors that wrap the value.
package redact
