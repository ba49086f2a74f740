// Package naverworkstest is an in-process fake of NAVER WORKS for tests and
// demos: the token endpoint, the Bot API, and signed callback requests.
//
//	srv := naverworkstest.NewServer(t)
//	client, err := srv.NewClient()            // token source + client, pointed at srv
//	_, err = client.SendToUser(ctx, "user-1", &naverworks.Text{Text: "hi"})
//	msgs := srv.Messages()                     // what the bot sent
//
//	req := naverworkstest.NewCallback(t, "bot-secret", &naverworks.MessageEvent{…})
//	handler.ServeHTTP(rec, req)                // a signed callback
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
// Rooms, menus, rich menus and attachments are kept in memory. Any answer
// can be replaced with [Server.Inject] (429, 5xx, 401 on demand) or
// [Server.Handle].
//
// Where it differs from the real service: content is not validated beyond
// being a JSON object with a "type" (the client validates before sending);
// rate limits apply only when injected; upload URLs and file locations are
// on the fake's own host; scopes are not enforced; the rich-menu response
// shape and the members endpoint follow the documented list APIs, which are
// partly unconfirmed.
package naverworkstest
