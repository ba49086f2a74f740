// Package line connects a bot to the LINE Messaging API: it verifies and
// decodes webhooks, sends messages, and bridges LINE to channelkit's
// neutral [message] model.
//
// # Quick start
//
//	client, err := line.New(os.Getenv("LINE_CHANNEL_TOKEN"))
//	secrets := signature.MustSecretSet(os.Getenv("LINE_CHANNEL_SECRET"))
//	handler, err := line.NewWebhookHandler(secrets, func(ctx context.Context, cb *line.Callback) error {
//		for _, ev := range cb.Events {
//			if e, ok := ev.(*line.MessageEvent); ok {
//				if t, ok := e.Message.(*line.TextContent); ok {
//					_, err := client.Reply(ctx, e.ReplyToken, []messaging_api.MessageInterface{
//						messaging_api.TextMessage{Text: t.Text},
//					})
//					if err != nil {
//						return err
//					}
//				}
//			}
//		}
//		return nil
//	}, line.WithAsync(), line.WithMaxInFlight(64))
//	http.Handle("POST /callback", handler)
//	// on shutdown: server.Shutdown(ctx), then handler.Wait(ctx)
//
// # Webhooks
//
// Three layers, each taking a [signature.SecretSet] that holds the channel
// secret (and the previous one while you rotate it): [VerifySignature]
// checks X-Line-Signature over raw bytes; [Parse] and [ParseRequest] verify
// and then decode ([Decode] decodes bytes you have already verified);
// [NewWebhookHandler] is an http.Handler that does all of it with a bounded
// body (1 MiB by default, [WithMaxBodyBytes]) and fixed status codes (405,
// 413, 401, 400, 500 when your [HandlerFunc] fails or panics, 503 when no
// slot came free under [WithMaxInFlight] before the request ended, 200).
//
// A [Callback] carries [Event] values, a sealed union of pointer types:
// [*MessageEvent] (with a [MessageContent]: [*TextContent], [*ImageContent],
// [*VideoContent], [*AudioContent], [*FileContent], [*LocationContent],
// [*StickerContent]), [*PostbackEvent], [*FollowEvent], [*UnfollowEvent],
// [*JoinEvent], [*LeaveEvent], [*MemberJoinedEvent], [*MemberLeftEvent],
// [*UnsendEvent], [*VideoPlayCompleteEvent], [*BeaconEvent],
// [*AccountLinkEvent], [*ThingsEvent], [*MembershipEvent], [*ModuleEvent],
// [*ActivatedEvent], [*DeactivatedEvent], [*BotSuspendedEvent],
// [*BotResumedEvent], [*DeliveryEvent] and [*MessageEditedEvent] (a text
// message edited in a group; ToIncoming reports it as KindOther, since it
// is not a new message). Every event embeds [EventBase]
// (Mode, Timestamp, Source, WebhookEventID, DeliveryContext). Sources are
// [*UserSource], [*GroupSource] and [*RoomSource].
//
// Decoding is tolerant and never lets one event spoil a batch: an event,
// source or message of a type this package does not know becomes
// [*UnknownEvent], [*UnknownSource] or [*UnknownContent], keeping its exact
// bytes (MarshalJSON returns them); an event that cannot be decoded becomes
// an [*InvalidEvent] carrying the error. Only a body that is not a callback
// at all fails (with [ErrMalformed]; the handler answers 400). Errors never
// contain the body. An ordinary callback is decoded in a single pass of
// encoding/json, in under a fifth of line-bot-sdk-go's time and
// allocations (see BenchmarkParse and BenchmarkRatio).
//
// LINE wants the 2xx answer within about 2 seconds and recommends handling
// events asynchronously. By default the handler runs your function before
// answering; [WithAsync] answers as soon as the events are verified and
// decoded and runs your function afterwards, with a context that ends
// after the work timeout ([WithWorkTimeout], 30 s by default); call
// [WebhookHandler.Wait] on shutdown. By default the function runs on the
// request's goroutine; with WithAsync the request ends with the answer, on
// a connection LINE may reuse, and the function runs on a goroutine of the
// handler's. Either way at most [WithMaxInFlight] calls run at once (1024 by default), and a panic is
// recovered and reported like an error. With webhook redelivery turned on
// in the console, LINE resends events after failures, marked
// DeliveryContext.IsRedelivery; [WithDeduper] drops events whose
// webhookEventId was already seen, and takes them back when the handler
// answers 500 or 503 so that the redelivery is processed.
//
// An event acknowledged with [WithAsync] is lost if the process dies
// before it is handled. [WithQueue] acknowledges through a durable
// [message.Queue] instead: the verified body is enqueued before the 200,
// and workers on any replica hand it back to [WebhookHandler.HandleQueued]
// (or [BotHandler.HandleQueued]), which de-duplicates per event with
// claims that a dead worker's successor can take over (a
// [message.Claimer]). The module github.com/channelkit/channelkit/redisstore
// has such a queue (Redis Streams) and such a deduper.
//
// Options: [Option] configures the [Client], [HandlerOption] the handler,
// and a [SharedOption] ([WithLogger], [WithErrorHandler]) either.
//
// # Sending
//
// [New] takes the channel access token; the client is immutable, safe for
// concurrent use, and does its own HTTP (never the SDK's client, whose
// WithContext stores one context on a shared client). Every method takes
// its own context.
//
// Messages are github.com/line/line-bot-sdk-go/v8/linebot/messaging_api
// values, so every LINE message kind works, Flex included, plus
// [RawMessage] for JSON the SDK cannot express (textV2 mentions, for one:
// the SDK types its substitution map as the base struct). Values and
// pointers both work: the client fills in every "type" discriminator,
// including quick reply items, on a deep copy, so the values you pass are
// never modified and can be shared between goroutines.
//
// [Client.Reply] answers with a reply token (once, within about a minute);
// it is never repeated once LINE may have received it. [Client.Push],
// [Client.Multicast] and [Client.Broadcast] carry an X-Line-Retry-Key (a
// random UUID per call, or yours with [RetryKey]) that is reused on every
// retry, so LINE accepts the message once; a 409 answer means an earlier
// attempt was accepted and comes back as success with
// [SendResult].Duplicate set. Retries ([WithRetry]; 3 attempts by default)
// back off with jitter on 429 and 5xx and honour Retry-After.
//
// Also: [Client.ShowLoading], [Client.GetProfile], [Client.GetContent]
// (from api-data.line.me), and chat control ([Client.AcquireChatControl],
// [Client.ReleaseChatControl]) with which the client implements
// [message.Handover]. Chat control works only for module channels, a
// partner feature LINE must approve; other channels get 403.
//
// # Rich menus
//
// [Client.CreateRichMenu] takes a messaging_api.RichMenuRequest, checked
// offline by [ValidateRichMenu]; [Client.SetRichMenuImage] uploads its
// image (checked by [CheckRichMenuImage]); [Client.SetDefaultRichMenu],
// [Client.LinkRichMenu] and [Client.LinkRichMenuBulk] show it; aliases
// ([Client.CreateRichMenuAlias], [Client.GetRichMenuAlias]) name it, for
// the richmenuswitch action and for finding a menu made on an earlier run.
// A create is never repeated once LINE may have received it; reads,
// deletes, links and alias updates are retried. [Client.RichMenuBatch]
// moves or unlinks the menus of every user linked to a menu
// ([BatchLink], [BatchUnlink], [BatchUnlinkAll]) in the background;
// [Client.GetRichMenuBatchProgress] follows it.
//
// # Groups, rooms and followers
//
// [Client.GetGroupSummary], [Client.GetGroupMemberCount],
// [Client.GetRoomMemberCount], [Client.GetGroupMemberProfile] and
// [Client.GetRoomMemberProfile] describe the chats the bot is in;
// [Client.LeaveGroup] and [Client.LeaveRoom] leave them. Member and
// follower IDs come in pages: [Client.GetGroupMemberIDs],
// [Client.GetRoomMemberIDs] and [Client.GetFollowerIDs] return one
// ([IDPage], with the Next token of the page after it), and
// [Client.GroupMemberIDs], [Client.RoomMemberIDs] and [Client.FollowerIDs]
// are range-over-func iterators that follow the tokens, fetching a page
// only when the loop needs it:
//
//	for id, err := range client.FollowerIDs(ctx) {
//		if err != nil {
//			return err // a page failed; the loop ends here
//		}
//		…
//	}
//
// LINE serves member and follower IDs to verified and premium accounts
// only; others get 403.
//
// # The bot's account
//
// [Client.GetBotInfo] returns the bot's user ID, basic ID, name and chat
// settings. [Client.MarkAsReadByToken] marks a chat read up to a message,
// with the MarkAsReadToken its content carries ([TextContent] and the
// other message contents); [Client.MarkAsRead] marks a user's whole chat
// read, a partner feature.
//
// Account linking joins a LINE user to an account in your service:
// [Client.IssueLinkToken] for the user who asked (a [LinkToken], valid 10
// minutes, once; it never prints), a link to your login page carrying it,
// and, once they logged in, a redirect to [AccountLinkURL](token, nonce)
// with a fresh nonce you keep with their account. LINE then sends an
// [*AccountLinkEvent] whose Link.Nonce names the account and whose
// Link.Result is "ok" or "failed".
//
// # Narrowcast, quota and the channel's webhook
//
// [Client.Narrowcast] sends to the friends a [NarrowcastTarget] selects
// (an audience, demographics, a cap), with a retry key as push has; LINE
// sends in the background, and [Client.GetNarrowcastProgress] with the
// result's [SendResult.ProgressID] follows it. [Client.GetMessageQuota]
// and [Client.GetMessageQuotaConsumption] say how much of the month's
// quota is left. [Client.GetWebhookEndpoint], [Client.SetWebhookEndpoint]
// (an https URL, checked before sending) and [Client.TestWebhookEndpoint]
// manage the channel's webhook URL. [Client.GetContentPreview] downloads
// the preview of an image or video a user sent, and
// [Client.GetContentTranscoding] says whether a video or audio can be
// downloaded yet.
//
// # Channel access tokens
//
// Instead of a token pasted from the console, a client can take tokens
// that renew themselves: [TokenSource] signs a JWT assertion with the
// channel's Assertion Signing Key (the kid and the private JWK from the
// LINE Developers Console, in [Credentials]), issues a v2.1 token
// (token_exp [DefaultTokenLifetime], at most 30 days) and caches it until
// [DefaultRefreshMargin] before it expires; [WithStatelessTokens] issues
// 15-minute stateless tokens from the channel ID and secret instead. Pass
// it with [WithTokenSource] and an empty token:
//
//	ts, err := line.TokenSource(ctx, line.Credentials{ChannelID: id, KeyID: kid, PrivateKey: jwk})
//	client, err := line.New("", line.WithTokenSource(ts))
//
// The cache ([TokenCache]) answers a warm call without locks or clock
// reads; any number of concurrent callers with a cold or due cache share
// one issuance, and its token or its error. After a failed issuance,
// callers get that error for one second without a new request. The
// client waits for a token under each call's context
// ([TokenCache.TokenContext], [ContextTokenSource]): a call's deadline
// bounds a slow issuance too, which goes on and caches its token for the
// next call. A call LINE refuses with 401 invalidates the token it
// carried, once between all the calls that carried it, and is sent once
// more with a fresh one. [VerifyToken] and [RevokeToken] call LINE's
// verify and revoke endpoints; a failed token request is a [*TokenError].
//
// # Errors
//
// A response other than 2xx is an [*APIError] with LINE's message, its
// details (each with the property at fault), the x-line-request-id, and
// RetryAfter for 429. [APIError.InvalidReplyToken] recognises a spent or
// expired reply token. Requests that break LINE's limits are not sent: they
// fail with a [*ValidationError] (or [ValidationErrors], several of them)
// whose Path is the JSON path, as LINE writes it
// ("messages[0].quickReply.items[13]"); a bad argument (an empty ID, a nil
// message, 501 recipients, a send option the call does not take) is an
// [*ArgumentError] naming the function and argument. Both wrap
// [ErrInvalid]. Webhook errors wrap [ErrMalformed], [signature.ErrMissing]
// or [signature.ErrMismatch]; the handler reports your function's failures
// wrapping [ErrCallback], and requests it had no slot for wrapping
// [ErrBusy]. [WithErrorHandler] on a client receives each failed attempt
// that was retried. No error or log line holds a token, a secret, a body
// or a computed signature.
//
// # Limits
//
// One table (limits.go) drives validation, the [linetest] fake and
// [Capabilities]: 1–5 messages per call, 500 multicast recipients, text of
// 5,000 UTF-16 code units (LINE's unit: an emoji outside the BMP counts
// 2), 13 quick replies, 20-character labels, 300 for postback data and
// display text, 1,000 for URIs, 400 for alt text, template and carousel
// limits, 12 Flex bubbles. Lengths other than text are also counted in
// UTF-16 code units, which is never more lenient than LINE's grapheme
// counting for some labels.
//
// # Bridge
//
// [ToIncoming] turns an event into a [message.Incoming]; [Render] turns a
// [message.Content] into messaging_api messages and a [message.Report] of
// everything LINE could not show (see its documentation for the mapping).
//
// # One bot, every platform
//
// [NewBotHandler] runs a [message.Handler], the same one every other
// platform package runs, on LINE. The native path and the neutral one
// side by side:
//
//	// native: LINE's events and messages
//	line.NewWebhookHandler(secrets, func(ctx context.Context, cb *line.Callback) error {
//		for _, ev := range cb.Events { … client.Reply(ctx, e.ReplyToken, msgs) … }
//		return nil
//	}, line.WithAsync())
//
//	// neutral: message.Incoming in, message.Content out
//	line.NewBotHandler(secrets, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
//		_, err := r.Reply(ctx, &message.Text{Text: "you said: " + in.Content.(*message.Text).Text})
//		return err
//	}), line.WithClient(client))
//
// The Responder does LINE's reply model: the first Reply uses the event's
// reply token (5 messages), everything after it is pushed to the
// conversation; [WithPushFallback] also pushes when the token has expired.
// A content that fails to render (strict rendering refusing a loss
// included) holds back the rest of its Reply, as a failed send does: the
// contents before it are delivered, it and those after it are Dropped
// losses, and Reply's error wraps the render error. Typing is the loading
// animation, PassToHuman and TakeBack are chat control. Failed deliveries reach the error handler even when the
// handler ignores them.
//
// # Many bots
//
// A service that runs many LINE bots serves them all from one handler:
// [NewMultiWebhookHandler] or [NewMultiBotHandler] take a [BotResolver]
// instead of one channel secret, and each [Bot] carries its own secrets
// and [Client].
//
//	bots, err := line.StaticBots( // or a BotResolverFunc over your database
//		&line.Bot{ID: "U1a2b…", Secrets: signature.MustSecretSet(secret1), Client: client1},
//		&line.Bot{ID: "U9f8e…", Secrets: signature.MustSecretSet(secret2), Client: client2},
//	)
//	handler, err := line.NewMultiBotHandler(bots, myHandler)
//	http.Handle("POST /callback", handler) // one webhook URL for every channel
//
// Where the ID comes from: the body's "destination", the bot's user ID
// (U followed by 32 hex digits), which LINE writes first in every
// webhook body. The handler finds it with a cheap scan of the bounded
// body, before anything is verified, resolves it (through a cache:
// [WithBotCacheTTL]), verifies the signature with that bot's Secrets and
// only then decodes the body, once; the decoded destination must be the
// one scanned, or the request is refused (401). [WithBotPath] takes the
// ID from a path wildcard instead (one webhook URL per channel:
// "POST /line/{bot}"), and the ID is then yours to choose. Your
// function finds the bot with [BotFromContext]; a [NewMultiBotHandler]
// answers through the bot's Client and sets Incoming.BotID, so that
// conversation state is kept per bot.
//
// What an unverified ID can and cannot do: it only picks which secret the
// body is verified with. A body for bot A signed with bot B's secret, or
// with none, fails (401), and so does a request for a bot the resolver
// does not know ([ErrUnknownBot] goes to the error handler; the response
// is the same as for a wrong signature, so a caller cannot probe which
// bots exist). A caller can make the handler call your resolver for IDs
// of its choosing: IDs over 256 bytes are refused without a lookup,
// unknown IDs are cached too (as long as known bots), and the cache is
// bounded, so keep the resolver cheap for IDs it does not know.
//
// Rotating one bot's secret touches no other bot: have the resolver
// return the bot with a SecretSet of the new secret and the previous one,
// call [WebhookHandler.ForgetBot] (or [BotHandler.ForgetBot]) with its ID
// so the next request asks the resolver, and drop the previous secret
// once LINE signs with the new one. A bot the resolver stops returning is
// refused at most the cache TTL later ([DefaultBotCacheTTL], one
// minute), at once after ForgetBot.
//
// Clients are cheap to hold: a [Client] made by [New] without
// [WithHTTPClient] shares the standard library's default transport (and
// its connection pool) with every other such client, so a thousand bots
// hold a thousand small structs, not a thousand pools.
//
// A resolver answer the handler cannot serve (no bot; a bot whose ID is
// not the one asked for, which would share another bot's conversation
// state and de-duplication keys; no channel secret, or no Client on a
// [NewMultiBotHandler]) is a failed lookup, as a resolver error is:
// answered 500, reported as "line: resolving the bot: …", and not cached,
// so the next request asks again. An unknown bot is reported as "line:
// unknown bot" and nothing more: the resolver's text, which may quote the
// ID a caller chose, is dropped. A request for an unknown bot is still
// checked against a random secret of the handler's, so that it costs what
// a wrong signature for a known bot costs (an HMAC over the body) and the
// time taken does not tell which bots exist. A request without a signature
// is refused before the resolver is asked.
//
// # Testing
//
// Package [linetest] is a fake Messaging API (recorded calls, limits,
// faults such as 429 with Retry-After, any status with LINE's error body,
// and "Invalid reply token"), with a [Client] wired to it, and builds
// signed webhook requests.
//
// [linetest]: https://pkg.go.dev/github.com/channelkit/channelkit/line/linetest
package line
