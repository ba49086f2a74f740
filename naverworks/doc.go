// Package naverworks is a NAVER WORKS (LINE WORKS) Bot API 2.0 adapter:
// Service Account authentication, callback verification and parsing, a
// client for messages, rooms, menus and attachments, and a bridge to the
// neutral [message] model.
//
// # Quick start
//
//	ts, err := naverworks.TokenSource(ctx, naverworks.Credentials{
//		ClientID:       os.Getenv("NW_CLIENT_ID"),
//		ClientSecret:   os.Getenv("NW_CLIENT_SECRET"),
//		ServiceAccount: os.Getenv("NW_SERVICE_ACCOUNT"),
//		PrivateKey:     os.Getenv("NW_PRIVATE_KEY"), // PEM, PKCS#8 or PKCS#1
//		Scopes:         []string{"bot"},
//	})
//	client, err := naverworks.New(os.Getenv("NW_BOT_ID"), ts)
//	h, err := naverworks.NewWebhookHandler(signature.MustSecretSet(os.Getenv("NW_BOT_SECRET")),
//		func(ctx context.Context, ev naverworks.Event) error {
//			if m, ok := ev.(*naverworks.MessageEvent); ok {
//				_, err := client.Reply(ctx, m, &naverworks.Text{Text: "hello"})
//				return err
//			}
//			return nil
//		}, naverworks.WithBotID(os.Getenv("NW_BOT_ID")))
//	http.Handle("POST /callback", h)
//	// on shutdown: srv.Shutdown(ctx), then h.Wait(ctx)
//
// [New] takes [Option] values, [NewWebhookHandler] [HandlerOption] values;
// [WithLogger] and [WithErrorHandler] are [SharedOption] values that both
// take.
//
// # Authentication
//
// [TokenSource] signs an RS256 JWT assertion (iss = Client ID, sub =
// Service Account, integer iat and exp, exp = iat + 60 minutes by default)
// with github.com/golang-jwt/jwt/v5 and exchanges it at the token endpoint
// with the jwt-bearer grant (form fields assertion, grant_type, client_id,
// client_secret, scope; scopes joined with a space, or
// [WithScopeSeparator]). expires_in is read as a string or a number
// (capped at 24 hours). A bad key is an error from TokenSource itself;
// nothing is fetched until the first call. Token requests use the HTTP
// client of [WithTokenHTTPClient].
//
// Caching and refresh: the source is a [*TokenCache], renewed
// [WithRefreshMargin] (default 5 minutes) before the token expires, or at
// half its life when it lives less than twice the margin; the token's
// Expiry is always the one the endpoint gave. A warm
// lookup is an atomic load, without locks or clock reads. Any number of
// goroutines with a cold or expired cache share one exchange, run in a
// goroutine of its own: its token, or its error, goes to all of them, and
// after a failure later callers get the same error for one second without
// a new exchange. [Client] waits for a token under each call's context
// ([TokenCache.TokenContext], [ContextTokenSource]), so a call's deadline
// also bounds a slow exchange; the exchange itself goes on and caches its
// token for the next call. When the API refuses a token (HTTP
// 401, or 403 with code UNAUTHORIZED as the official samples treat it),
// [Client] calls [TokenCache.Invalidate] with that token and sends the
// call once more; a second refusal is returned.
// Invalidate marks the token due only if the refused token is the
// cached one (compare-and-swap), so a thousand
// requests refused with the same token still cause one refresh. Any token
// source implementing [Invalidator] gets the same treatment, which is how
// a deployment on many machines can share tokens through its own store.
//
// The private key, client secret, assertion and tokens never appear in
// errors or logs; [Credentials] redacts itself in fmt and slog.
//
// # Webhooks
//
// NAVER WORKS POSTs one event per callback, signed in X-WORKS-Signature
// (base64 HMAC-SHA256 of the raw body with the Bot Secret) and naming the
// bot in X-WORKS-BotId. Each takes the Bot Secret as a
// [signature.SecretSet] (the current secret, plus the previous one while
// rotating). [VerifySignature] checks bytes, [Decode] decodes bytes
// already verified, [Parse] verifies and decodes, [ParseRequest] reads a
// request (1 MiB limit), and [NewWebhookHandler] does it all with fixed
// statuses: 405, 413, 401 bad signature, 403 wrong bot ([WithBotID]), 400
// malformed, 500 the [HandlerFunc] failed or panicked, 503 no free slot
// ([WithMaxInFlight]), 200. Event unions switch on the pointer types; their
// Type method returns the wire "type".
//
// Events are [*MessageEvent] (content [*TextContent] with its optional
// postback, [*LocationContent], [*StickerContent], [*ImageContent],
// [*FileContent], [*AudioContent], [*VideoContent], or [*UnknownContent]
// for unknown types, contents without a type and contents with fields of
// the wrong JSON type), [*PostbackEvent], [*JoinEvent], [*LeaveEvent],
// [*JoinedEvent], [*LeftEvent], [*BeginEvent], [*EndEvent] and
// [*UnknownEvent]. Empty IDs, a domainId as number or string, and an
// issuedTime with or without milliseconds, empty or unreadable, are all
// accepted. The whole body is in Envelope.Raw.
//
// NAVER WORKS never resends a callback, whatever the answer, so a slow
// handler loses nothing by answering early and everything by timing out.
// The handler therefore runs fn with a context that outlives the request,
// bounded by [WithWorkTimeout] (default 30 s). If fn returns within
// [WithBudget] (default 2 s) the status reflects its result; otherwise the
// handler answers 200 at the budget and fn finishes in the background, its
// error going to [WithErrorHandler]. fn runs on the request's goroutine,
// so a request answered in time costs one timer and no goroutine; an
// answer at the budget is flushed and asks NAVER WORKS to close the
// connection, since the server reads nothing more from it until fn
// returns (and ServeHTTP returns then). With WithBudget(0) the handler
// answers before calling fn: the request ends with that answer, on a
// connection NAVER WORKS may reuse, and fn runs on a goroutine of the
// handler's, which [WebhookHandler.Wait] waits for. A panic in fn becomes an error. At most
// [WithMaxInFlight] functions run at once (default 1024), those still
// running after their answer included. Call
// [WebhookHandler.Wait] after shutting the HTTP server down. Callbacks
// carry no event ID, so there is no de-duplication option.
//
// # Sending
//
// [Client.SendToUser], [Client.SendToChannel] and [Client.Reply] send one
// [Content]: [*Text], [*Image], [*File], [*Audio], [*Video], [*Link],
// [*Sticker], [*Location], [*ButtonTemplate], [*ListTemplate],
// [*Carousel], [*ImageCarousel], [*Flex] (contents as raw JSON) or
// [*RawContent], any of them with a [*QuickReply]. Each MarshalJSON writes
// "type". [DecodeContent] and [DecodeAction] decode that JSON back (a
// logged request, a recorded one), to the value that was encoded; every
// struct holding an [Action], [PersistentMenu] and [RichMenu] decode with
// json.Unmarshal as well. Unknown content and action types become
// [*RawContent] and [*RawAction] holding the exact bytes. Rooms:
// [Client.CreateChannel], [Client.ChannelMembers], [Client.LeaveChannel]. Menus: [Client.SetPersistentMenu],
// [Client.CreateRichMenu], [Client.SetRichMenuImage],
// [Client.SetUserRichMenu]. Files: [Client.UploadFile] (or
// [Client.CreateAttachment] then [Client.Upload]) gives a file ID to send;
// [Client.Download] follows the 302 of a received file, sending the bearer
// token only to NAVER WORKS hosts.
//
// The rest of the Bot API: [Client.ChannelInfo] (a room's title, domain
// and type), the default rich menu ([Client.SetDefaultRichMenu],
// [Client.DefaultRichMenu], [Client.DeleteDefaultRichMenu]; the DELETE is
// UNCONFIRMED), bot settings with [Client.UpdateBot] (PATCH /bots/{botId}:
// Callback URL, callback events, allowed domains, group rooms), and the
// Directory profile of a user with [Client.UserProfile] (GET
// /users/{userId}, scope user.profile.read).
//
// Mentions: [Mention] builds the <m userId="…"> tag NAVER WORKS shows as
// @name, in a [Text]'s text or a [Link]'s or [ButtonTemplate]'s
// contentText ([MentionAll] mentions a room's members; at most
// [MaxMentions]); [Validate] refuses more, or a malformed tag.
// [ParseMentions] and [TextContent.Mentions] find the tags in a text. How
// an incoming mention is marked is UNCONFIRMED (the tag form in
// content.text is what they read; no metadata field is documented).
//
// Calls that return data return it with a Meta field (status, request ID,
// headers); the others return a [*Result] holding only Meta. Success is any
// 2xx (sends answer 201). Idempotent calls retry on 429,
// 5xx and network errors; sends retry only on 429 and 503, because a send
// retried after a 500 may post twice. 429 waits honour Retry-After and
// the rateLimit-reset header ([WithRetry] caps the wait).
//
// # Errors
//
// API failures are [*APIError] with the platform's code and description,
// the rateLimit-* headers and RetryAfter. Token endpoint failures are
// [*TokenError] ({error, error_description}). Content that breaks a limit
// is a [*ValidationError] naming the JSON path ("content.columns[1].text"),
// or [ValidationErrors] for several; a bad argument (an empty ID, a nil
// event) is an [*ArgumentError]; all of them wrap [ErrInvalid], and
// nothing is sent. A response that does not decode is an error that
// quotes nothing from it. Malformed callbacks wrap [ErrMalformed]; bad
// signatures wrap signature.ErrMissing or signature.ErrMismatch; a wrong
// bot ID is [ErrBotID]; failures of your function wrap [ErrCallback]; a
// callback refused under the in-flight cap wraps [ErrBusy].
//
// # Limits
//
// One table in limits.go drives validation and [Capabilities]. Lengths
// are counted in UTF-16 code units: the documentation says "characters",
// and a string within a UTF-16 limit is within it counted in code points
// too. Postback actions are refused outside carousels, image carousels,
// quick replies and rich menus; postback quick replies need displayText.
//
// # Bridge
//
// [ToIncoming] maps events to [message.Incoming] (begin/end become
// follow/unfollow, join/leave stay join/leave, a text's postback goes in
// Data). [Render] maps neutral content to a list of [Content] to send in
// order, with a [message.Report] of what could not be shown (postback
// buttons outside carousels become message actions carrying the data,
// call buttons tel: links, share buttons are dropped, text past 2,000 is
// split).
//
// # One bot, every platform
//
// [NewBotHandler] runs one [message.Handler], the same on all five
// platforms, on NAVER WORKS: each event goes through [ToIncoming], and
// the [message.Responder] renders with [Render] and sends every message,
// in order, to the event's room or else its user, through the [Client] of
// [WithClient]. Next to the native handler above:
//
//	bot, err := naverworks.NewBotHandler(secrets,
//		message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
//			_, err := r.Reply(ctx, &message.Text{Text: "hello"})
//			return err
//		}), naverworks.WithClient(client), naverworks.WithBotID(os.Getenv("NW_BOT_ID")))
//	http.Handle("POST /callback", bot)
//
// A content that fails to render (strict rendering refusing a loss
// included), or a send that fails after the client's retries, holds back
// the rest of that Reply: the contents before it are sent, each content
// not delivered is a Dropped loss in the report, and the Reply fails with
// a [*ReplyError] wrapping the failure. Whatever the handler does with
// it, the failure reaches [WithErrorHandler] (wrapping
// [ErrCallback]), with the handler's own error. NAVER WORKS has no typing
// indicator and no hand-over: Typing returns an error wrapping
// errors.ErrUnsupported, PassToHuman and TakeBack one wrapping
// [message.ErrNoHandover]. [WithRenderOptions] makes rendering strict.
//
// # Many bots
//
// A builder serving many bots from one service uses
// [NewMultiBotHandler] (or [NewMultiWebhookHandler]) with a
// [BotResolver]: [StaticBots] over a config file, or a
// [BotResolverFunc] over a database. Each [Bot] carries its ID, its Bot
// Secret and its [Client]. Bots of one app share its Service Account:
// give their clients one token source, so that one [TokenCache] (one
// token, one refresh) serves them all.
//
//	ts, err := naverworks.TokenSource(ctx, creds) // one per Service Account
//	var bots []*naverworks.Bot
//	for _, c := range cfg.Bots {
//		client, err := naverworks.New(c.ID, ts)
//		…
//		bots = append(bots, &naverworks.Bot{ID: c.ID, Secrets: signature.MustSecretSet(c.Secret), Client: client})
//	}
//	resolver, err := naverworks.StaticBots(bots...)
//	h, err := naverworks.NewMultiBotHandler(resolver, handler)
//	http.Handle("POST /callback", h)
//
// The bot ID comes from the X-WORKS-BotId header, or with
// [WithBotPath] from a path wildcard ("POST /works/{bot}"). The body is
// read (within [WithMaxBodyBytes]) first, then the ID is resolved, through
// a cache ([WithBotCacheTTL], default one minute), and the body verified
// with that bot's Secrets; the function or message handler runs with the
// bot in its context ([BotFromContext]), and every [message.Incoming]
// carries BotID, which keeps conversation state per bot
// ([message.StateKey]).
//
// The ID is read before anything is verified. It only picks the secret
// the body is verified with: a request for bot A signed with bot B's
// secret fails (401), and a caller without a bot's secret cannot make a
// request for it pass. What a caller can do is make the handler look up
// IDs of its choosing: IDs over 256 bytes are refused without a lookup,
// unknown IDs are cached as long as known bots, the cache is bounded,
// and an unknown ID is answered exactly as a wrong signature is (401,
// empty body, [ErrUnknownBot] to the error handler), so the answer does
// not tell which bots exist. A resolver failure is answered 500 and not
// cached.
//
// To rotate one bot's secret, make the resolver return its Bot with
// Secrets holding the new and the previous secret, and call
// [WebhookHandler.ForgetBot] (or [BotHandler.ForgetBot]) with its ID; the
// other bots are untouched. Once NAVER WORKS signs with the new secret,
// drop the old one the same way. A revoked bot stops being served when
// its cache entry expires, or at once after ForgetBot.
//
// A resolver answer the handler cannot serve (no bot; a bot whose ID is
// not the one asked for, which would share another bot's conversation
// state; no Secrets, or no Client (or another bot's) on a
// [NewMultiBotHandler]) is a failed lookup, as a resolver error is:
// answered 500, reported as "naverworks: resolving the bot: …", and not
// cached, so the next request asks again. An unknown bot is reported as
// "naverworks: unknown bot" and nothing more: the resolver's text, which
// may quote the ID a caller chose, is dropped. A request for an unknown
// bot is still checked against a random secret of the handler's, so that
// it costs what a wrong signature for a known bot costs (an HMAC over the
// body) and the time taken does not tell which bots exist. A request
// without X-WORKS-Signature is refused before the resolver is asked. The
// single-bot constructors refuse [WithBotPath] and [WithBotCacheTTL].
//
// # Testing
//
// Package naverworkstest fakes the token endpoint (it verifies the
// assertion with the test key and counts requests) and the Bot API (it
// records messages and answers faults on demand: FailNext), hands out a
// [Client] wired to both (Server.Client), and builds signed callbacks
// (NewRequest). WithBotIDs and Server.NewBotClient serve more bots than
// the fake's own, for multi-bot tests. It also serves room details, the
// default rich menu, bot settings (Server.BotUpdates), Directory users
// (Server.AddUser), and checks the mention tags of every text it is sent
// (Message.Mentions).
package naverworks
