// Package linetest is an in-process fake of the LINE Messaging API and a
// builder of signed webhook requests, for testing bots built on
// [github.com/channelkit/channelkit/line] without the network.
//
//	srv := linetest.NewServer(t)
//	handler, _ := line.NewWebhookHandler(signature.MustSecretSet(linetest.ChannelSecret), bot(srv.Client()))
//
//	rec := httptest.NewRecorder()
//	handler.ServeHTTP(rec, linetest.NewRequest(t, linetest.ChannelSecret, linetest.TextMessage("U1", "hi")))
//
//	for _, call := range srv.Replies() { … call.Messages[0]["text"] … }
//
// Programs (demos, local runs) use [Start] and [Server.Close] instead of
// [NewServer]. [Server.Client] is a line.Client wired to the fake (its
// [Server.URL], [Server.HTTPClient] and channel token); [Server.NewClient]
// makes one with more options.
//
// # What the fake does
//
// It serves reply, push, multicast, broadcast, the loading animation,
// profiles, content download and chat control on one loopback server (it
// plays both api.line.me and api-data.line.me). It checks the
// Authorization header, checks messages against the same limits table the
// line package uses, and answers like LINE: 400 with "details" naming the
// property, "Invalid reply token" for a reply token used twice, 400 for a
// retry key on a reply, 409 with x-line-accepted-request-id for a retry key
// seen before, and an x-line-request-id on every answer. Error bodies have
// LINE's shape, so line-bot-sdk-go's users decode them into
// messaging_api.ErrorResponse as they would LINE's: the fake serves the
// official SDK's clients (messaging_api.NewMessagingApiAPI and
// NewMessagingApiBlobAPI, module.NewLineModuleAPI) given its URL with their
// WithEndpoint options and [Server.HTTPClient]. Every call is
// recorded with its decoded body ([Server.Calls]), and the sends it
// accepted, what LINE would deliver, are listed apart
// ([Server.Accepted]). Faults can be injected: any status for the next requests to a path ([Server.FailNext]
// with a [Fault]; without a body the answer carries LINE's own error body
// for the status, so tests need not know the wire form), 429 with
// Retry-After ([Server.RateLimit]), a 5xx after the request was accepted
// ([Server.FailAfterAccept], to exercise retry keys), an invalid reply
// token ([Server.InvalidReplyToken]), and any endpoint can be overridden
// ([Server.Handle]).
//
// Groups and rooms the test puts the bot in ([Server.AddGroup],
// [Server.AddRoom]) and followers ([Server.SetFollowers]) are served:
// summaries, member counts, member profiles, member and follower IDs in
// pages that end with a "next" token ([MemberPageSize] members a page;
// followers by the "limit" parameter, 1–1000, 300 by default), and
// leaving ([Server.Left] lists what the bot left).
//
// Bot info ([Server.SetBotInfo]), link tokens ([Server.LinkTokenUser]
// says whom a token was issued for) and both forms of mark-as-read
// ([Server.MarkedRead]) are served; a markAsReadToken is accepted only if
// [Server.NewMarkAsReadToken] made it, as LINE accepts only tokens the bot
// received.
//
// Narrowcast (checked as push is, with its recipient type and limit,
// answered 202, with a retry key) and its progress, the message quota
// and consumption, the webhook endpoint (get, set, test), and content
// previews and transcoding status are served as well.
//
// It also fakes the channel access token API: v2.1 issuance
// (POST /oauth2/v2.1/token), whose JWT assertion it checks as LINE does
// (RS256 signed with [Key], kid [AssertionKeyID], iss and sub [ChannelID],
// aud "https://api.line.me/", exp at most 30 minutes ahead, token_exp up
// to 30 days), stateless issuance (POST /oauth2/v3/token, by secret or
// assertion), verify and revoke. The tokens it issues are accepted by the
// other endpoints until they expire ([WithClock] moves time) or are
// revoked ([Server.RevokeToken], [Server.ExpireTokens]);
// [Server.TokenIssuances] counts them and [Server.TokenSource] is a
// line.TokenCache wired to the fake.
//
// # Where it differs from LINE
//
//   - Any non-empty reply token is valid once; LINE only accepts tokens it
//     issued, for about a minute.
//   - Limits are the ones the line package checks (a conservative reading
//     of LINE's documentation); LINE validates more (image sizes, Flex
//     layout, URL reachability) and may count some labels in grapheme
//     clusters.
//   - Nothing is delivered: profiles and content are whatever the test set
//     with [Server.SetProfile] and [Server.SetContent]; unknown users get
//     404.
//   - No rate limits, quotas, plans or channel types: chat control always
//     succeeds (LINE allows it only for module channels).
//   - Rich menus live in memory (with [Server.RichMenuLinks] and
//     [Server.DefaultRichMenu] to inspect them); the fake checks menus and
//     images with line.ValidateRichMenu and line.CheckRichMenuImage, and
//     wants an image before a menu is made default, linked or aliased (the
//     last is UNCONFIRMED for LINE). Error texts are the fake's own. A
//     rich-menu batch is carried out at once and is "succeeded"
//     ([Server.SetRichMenuBatchProgress] sets another phase); a link to a
//     menu without an image is refused as a single link is (UNCONFIRMED
//     for LINE's batch). The batch validation endpoint is not served.
//   - Token API errors are {"error","error_description"} with texts of the
//     fake's own; LINE's exact descriptions are UNCONFIRMED. The fake does
//     not cap active v2.1 tokens (LINE allows 30 per channel) and issues
//     no long-lived or short-lived (v2) tokens.
//   - Groups and rooms exist only as the test set them; leaving one
//     deletes it and sends no leave event. Member and follower IDs are
//     served to every account (LINE only to verified and premium ones),
//     [MemberPageSize] to a page (LINE's page size is UNCONFIRMED), with
//     next tokens of the fake's own; a token it did not hand out is 400.
//   - Any non-empty user gets a link token (LINE's checks on the user are
//     UNCONFIRMED), and the fake sends no accountLink event. The partner
//     mark-as-read is served to every channel (LINE: approved partners
//     only, 403 otherwise).
//   - A narrowcast is "succeeded" at once, with no counts, unless the test
//     says otherwise ([Server.SetNarrowcastProgress]); its audience and
//     filter are not resolved. An unknown progress request ID is 404
//     (LINE's answer is UNCONFIRMED). Quota and consumption are what the
//     test set; the fake counts nothing.
//   - Testing a webhook URL does not call it: the answer is a success
//     unless [Server.SetWebhookTestResult] says otherwise. Testing with no
//     URL given or set is 400 (UNCONFIRMED for LINE).
//   - Transcoding is "succeeded" for content set with [Server.SetContent],
//     unless [Server.SetTranscoding] says otherwise; unknown messages are
//     404.
//   - Retry keys are remembered for the life of the server, not 24 hours.
//   - An empty X-Line-Retry-Key counts as none: line-bot-sdk-go sends the
//     header empty on every push, multicast and broadcast called without a
//     key (as its README does). LINE does not document how it treats one.
//
// # Webhooks
//
// [NewRequest] signs events built with [TextMessage], [Message],
// [Postback], [Follow] and the others; the bodies carry what LINE always
// sends (a ULID webhookEventId, mode, timestamp, deliveryContext, a
// quoteToken on text, image, video and sticker messages), so they decode
// with line-bot-sdk-go's webhook.ParseRequest as well as with line.Parse.
package linetest
