// Package rest is the HTTP plumbing every channelkit client shares: request
// building with a context, JSON bodies, bounded response reads, and a retry
// loop with exponential backoff and full jitter that honours Retry-After and
// never retries what is not safe to retry. An auth hook sets credentials on
// each attempt and, when the server refuses them, may renew them and send
// the request once more (Client.Refresh); DoJSON decodes a JSON answer with
// errors that never quote the body.
//
// Platform packages decide what an error response means (CheckFunc) and
// which calls are idempotent; this package decides when and how long to
// wait.
package rest
