// Package naverworkstest is an in-process fake of NAVER WORKS for tests and
// demos: the token endpoint, the Bot API, and signed callback requests.
//
//	srv := naverworkstest.NewServer(t)
//	client := srv.Client()                     // token source + client, pointed at srv
//	_, err := client.SendToUser(ctx, "user-1", &naverworks.Text{Text: "hi"})
//	msgs := srv.Messages()                     // what the bot sent
//
//	req := naverworkstest.NewRequest(t, naverworkstest.BotSecret, &naverworks.MessageEvent{…})
//	handler.ServeHTTP(rec, req)                // a signed callback
//
//	srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: 503})
//
// The token endpoint checks what NAVER WORKS checks as far as it is
// documented: the grant type, client ID and secret, a non-empty scope, and
// the RS256 assertion (signature against the test public key, iss = client
// ID, sub = service account, integer iat and exp, exp after iat and at most
// 60 minutes later, not expired by the server's clock). It counts requests
// ([Server.TokenRequests]) and can expire or revoke every issued token.
//
// The Bot API records every message with its decoded content, answers 201,
// and refuses unknown or expired tokens with 401 {"code":"UNAUTHORIZED"}.
// Rooms (with their details), menus, rich menus (and the default one), bot
// settings ([Server.BotUpdates]; a PATCH with no key is refused, 400),
// Directory users ([Server.AddUser]) and
// attachments are kept in memory. Mention tags in a text or contentText
// are checked as NAVER WORKS documents them (well-formed, at most 50,
// "all" only in a room; else 400) and recorded in [Message].Mentions. Any answer
// can be replaced: [Server.FailNext] queues a [Fault] (the shared type of
// every channelkit fake; without a body the fake writes NAVER WORKS' own
// error body for the status), [Server.RateLimitNext] a 429 with rateLimit
// headers, and [Server.Handle] overrides an endpoint. [Server.Calls]
// returns every request received, [Server.Client] a client wired to the
// fake, [Server.HTTPClient] a plain HTTP client for it, and
// [WithClock] sets the fake's clock.
//
// Where it differs from the real service: content is not validated beyond
// being a JSON object with a "type" (the client validates before sending);
// rate limits apply only when injected; upload URLs and file locations are
// on the fake's own host; scopes are not enforced; the rich-menu response
// shape and the members endpoint follow the documented list APIs, which are
// partly unconfirmed.
package naverworkstest
