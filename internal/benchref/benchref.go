// Package benchref holds the stdlib reference handlers channelkit's
// benchmarks measure against, one copy for both the packages' own
// benchmarks (<pkg>/bench_test.go) and the bench command (bench/): two
// copies of a measuring stick drift, and then the two places measure
// different things.
//
// Each reference does what the platform's handler does with the standard
// library alone: a bounded read (1 MiB), the same signature or sender
// check, json.Unmarshal into a struct of every field the platform
// documents, and a fixed reply. The Minimal variants decode only the few
// fields an echo bot reads. A refused request gets the status a stdlib
// server would send (405, 403, 401, 413 or 400) and an empty body.
//
// Every constructor returns an http.Handler that is safe for concurrent
// use; none of them logs or keeps a request.
package benchref

// maxBody is the bounded read of every reference, the handlers' default.
const maxBody = 1 << 20
