// Package kakaotest helps test Kakao skills built with package kakao: it
// builds realistic skill requests ([NewRequest], [NewPayload], [NewBody]),
// posts them to a handler and decodes the answer ([Do], [Post]), and runs a
// fake callback endpoint ([NewServer], [Start]) for the AI-chatbot callback
// flow, with a [kakao.Client] wired to it ([Server.Client]).
//
// The fake callback endpoint hands out single-use URLs
// ([Server.NewCallbackURL]) that expire one minute after they are issued
// (on the clock of [WithClock]), records every request it receives
// ([Server.Calls]), and answers {taskId, status, message, timestamp} like
// Kakao: SUCCESS for a valid response, FAIL with Kakao's documented
// messages for a reused, expired or unknown URL or a body that is not a
// skill response, and any FAIL or ERROR you queue ([Server.RejectNext]).
// [Server.FailNext] injects an HTTP failure with the [Fault] every
// channelkit fake shares; without a body of your own it answers Kakao's.
//
// Where it differs from the real service: it answers HTTP 200 unless told
// otherwise (Kakao's HTTP statuses are not documented); it checks that the
// body decodes as a version 2.0 response, not that the bubble is valid (use
// kakao.Response.Validate for that); a URL is consumed by the first POST
// that reaches its logic, whatever its body; it does not model quotas, the
// AI-chatbot setting of the block, or the test-environment tokens that real
// callbacks refuse.
//
// The same server fakes the Event API (POST /v2/bots/{botId}/talk): it
// checks "Authorization: KakaoAK <key>" against [WithRESTAPIKey]
// (default [RESTAPIKey]) and the request against kakao.Event.Validate,
// records the bot and the decoded event in [Call], and answers SUCCESS
// with a task ID, 401 FAIL for a wrong key, 400 FAIL for an invalid
// event, or what [Server.RejectNext] queued. Where it differs: the real
// API's statuses and refusal texts are UNCONFIRMED (these are the fake's
// own), and it delivers nothing to anyone.
package kakaotest
