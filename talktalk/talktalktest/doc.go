// Package talktalktest is an in-process fake of the NAVER TalkTalk send
// API, and a builder of webhook requests that look like TalkTalk's, for
// testing bots built on package talktalk.
//
//	srv := talktalktest.NewServer(t)
//	_, err := srv.Client().SendText(ctx, "user-1", "hello")
//	events := srv.Events() // []talktalk.Event, decoded
//
// The fake serves POST /chatbot/v1/event and POST /chatbot/v1/imageUpload
// under [Server.BaseURL]. Like the real API it answers HTTP 200 with
// {"success", "resultCode", "resultMessage"}: "01" for a wrong
// Authorization key (compared verbatim: a "Bearer " prefix fails), "02" for
// a body that is not JSON, not a known outbound event, or lacks a required
// field. [Server.Client] is a talktalk.Client wired to it; [Server.Calls]
// lists every request it received.
//
// # Failures
//
// [Server.FailNext] answers the next requests matching a [Fault] with its
// status, header and body, before the key check (a gateway 502, a 429 with
// Retry-After, a body that is not JSON). A Fault without a Body gets
// TalkTalk's {"success": false} envelope for its status: resultCode "01"
// for 401 and 403, "02" for 400, "99" for 2xx (a zero Status means 200)
// and 5xx, and an empty one for any other status (429 among them).
// [Server.FailNextResult] makes the next request that passes the key check
// fail with a given result code inside HTTP 200, as TalkTalk reports its
// own errors.
//
// # Where it differs from the real service
//
//   - It validates bodies with talktalk.Validate, which is stricter than
//     TalkTalk (TalkTalk accepts some over-limit or malformed messages and
//     then fails to show them); any violation answers "02".
//   - Image upload does not fetch anything: an http(s) URL whose path ends
//     in .jpg, .jpeg, .png or .gif succeeds with a new image ID, any other
//     URL answers "IMG-01". Sending an image ID the fake never issued
//     answers "99".
//   - It keeps no conversation state: hand-over, profile and standby are
//     accepted and recorded, never enforced. No rate limits.
//   - The bodies of non-200 failures are the fake's own guess: TalkTalk
//     documents none.
package talktalktest
