// Package talktalk is channelkit's adapter for the NAVER TalkTalk (네이버톡톡)
// chatbot API: webhook events in, the send API and its extensions out.
//
// Quick start:
//
//	client, err := talktalk.New(os.Getenv("TALKTALK_AUTHORIZATION_KEY"), talktalk.WithLogger(logger))
//	…
//	h, err := talktalk.NewWebhookHandler(func(ctx context.Context, ev talktalk.Event) (talktalk.Event, error) {
//		msg, ok := ev.(*talktalk.SendEvent)
//		if !ok || msg.Standby || msg.Text == nil {
//			return nil, nil // acknowledge with an empty 200
//		}
//		// Answer in the webhook response itself:
//		return &talktalk.SendEvent{Content: talktalk.Content{
//			Text: &talktalk.TextContent{Text: "you said " + msg.Text.Text},
//		}}, nil
//	}, talktalk.WithPathToken(signature.MustSecretSet(os.Getenv("TALKTALK_PATH_TOKEN"))), talktalk.WithLateReplyClient(client), talktalk.WithLogger(logger))
//	…
//	mux.Handle("POST /talktalk/", h)
//	…
//	srv.Shutdown(ctx)
//	h.Wait(ctx) // functions still running after their answer
//
// # Webhooks
//
// TalkTalk POSTs every event to one URL. [Decode] decodes a body into the
// sealed [Event] union (its [Event.Type] is the wire "event" value, one of
// the Event… constants): [*OpenEvent], [*LeaveEvent], [*FriendEvent],
// [*SendEvent], [*EchoEvent], [*HandoverEvent], [*ProfileEvent],
// [*PayCompleteEvent], [*PayConfirmEvent], the outbound-only
// [*ActionEvent], [*PersistentMenuEvent] and [*ProductEvent], and
// [*UnknownEvent] for anything else (its exact bytes are kept and written
// back unchanged). Unknown fields are ignored; a button or menu item this
// package cannot read is kept raw rather than failing the event. Send and
// echo events keep the fields TalkTalk is known to send, undocumented ones
// included (messageId, options.noReflectBot, the empty "textContent":{}
// beside an echoed file), so they re-encode to the JSON they came from. The
// handover metadata, a JSON document inside a string, is decoded on demand
// by [HandoverEvent.DecodeMetadata]; the specification's own sample is
// single-quoted pseudo-JSON, which fails there with [ErrMetadata] while the
// event stays usable. pay_confirm's detail is spelled "deatil" on the wire
// (both spellings are accepted) and is the Detail field in Go.
//
// TalkTalk signs nothing, so there is no VerifySignature and no Parse of
// bytes: every check TalkTalk allows needs the request (see "Threat
// model"). [ParseRequest] checks the sender's address against an
// allow-list (nil: TalkTalk's published ranges), reads a bounded body and
// decodes it. [NewWebhookHandler] wraps it all in an http.Handler: POST
// only (405), caller check (403), bounded body ([DefaultMaxBodyBytes],
// [WithMaxBodyBytes]; 413), decoding (400), then your [HandlerFunc], at
// most [WithMaxInFlight] of them at once (a request that finds no free
// slot before TalkTalk hangs up gets 503 and is reported wrapping
// [ErrBusy]). [WithLogger] logs what the handler refuses and what fails,
// at Debug level; [WithErrorHandler] receives the same errors.
//
// # Reply styles and the budget
//
// TalkTalk waits 5 seconds for the webhook response and stops delivering
// to bots that time out or fail repeatedly. The handler therefore runs
// your function under a budget ([WithBudget], default [DefaultBudget],
// 3 s). The function runs on the request's own goroutine, on a context
// detached from the request and cancelled after [WithWorkTimeout]
// (default [DefaultWorkTimeout], 30 s); the handler starts no goroutine of
// its own for a request answered in time.
//
//   - If the function returns within the budget, a non-nil reply event is
//     validated and written as the response body (the synchronous reply;
//     "user" is left out, TalkTalk addresses it to the sender), a nil reply
//     gives an empty 200, and an error or a panic gives 500 and is
//     reported wrapping [ErrCallback].
//   - If the budget runs out first, the handler writes and flushes an
//     empty 200 at once while the function goes on, on the request's
//     goroutine: the answer asks TalkTalk to close the connection, since
//     the server reads nothing more from it until the function (and
//     ServeHTTP) returns. (A middleware that
//     buffers responses, or http.TimeoutHandler, holds that answer back
//     until the function returns; the handler reports it.) What the
//     function returns then can no longer go in the response: a late
//     reply is sent through the [WithLateReplyClient] client if one is
//     configured (with the event's user filled in), and otherwise reported
//     to [WithErrorHandler] as a [*LateError] wrapping [ErrLate]; late
//     failures are reported the same way, wrapping [ErrCallback] too.
//     [WebhookHandler.Wait] waits for such functions at shutdown. They
//     keep their place under [WithMaxInFlight] until they return.
//   - pay_complete is special: the HTTP status is the payment decision.
//     Return [ErrDecline] to decline (status 422, [StatusDeclined], with
//     your reply as the body so the user learns why). A pay_complete whose
//     function misses the budget is declined with 503, and its context ends
//     with the budget: an unanswered payment is never approved by default.
//   - A leave event's reply is ignored, as TalkTalk ignores it.
//
// Or reply later: return nil and send with [Client.Send] whenever ready.
//
// There is no event ID in TalkTalk webhooks, hence no de-duplication
// option; TalkTalk documents no redelivery either.
//
// # One bot, every platform
//
// The native path above answers TalkTalk events with TalkTalk values. The
// neutral path answers any platform's events with one [message.Handler];
// [NewBotHandler] does TalkTalk's reply model underneath:
//
//	// native: one TalkTalk event, one reply event
//	h, err := talktalk.NewWebhookHandler(func(ctx context.Context, ev talktalk.Event) (talktalk.Event, error) {
//		msg, ok := ev.(*talktalk.SendEvent)
//		if !ok || msg.Standby || msg.Text == nil {
//			return nil, nil
//		}
//		return &talktalk.SendEvent{Content: talktalk.Content{Text: &talktalk.TextContent{Text: msg.Text.Text}}}, nil
//	}, talktalk.WithLateReplyClient(client))
//
//	// neutral: the same handler serves LINE, Kakao, NAVER WORKS and CLOVA
//	echo := message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
//		if t, ok := in.Content.(*message.Text); ok && !in.Standby {
//			_, err := r.Reply(ctx, &message.Text{Text: t.Text}, &message.Text{Text: "anything else?"})
//			return err
//		}
//		return nil
//	})
//	bot, err := talktalk.NewBotHandler(echo, talktalk.WithClient(client))
//
// The first message replied within the budget goes in the webhook
// response (flushed before anything sent after it, so that it arrives
// first); the rest, anything after the budget, and replies to a
// pay_complete or a leave go through the send API with the [WithClient]
// client. Typing, PassToHuman and TakeBack use the same client. A content
// that fails to render (strict rendering refusing a loss included), or a
// message that fails to be sent, holds back the rest of its Reply: the
// contents before it are delivered, and Reply's error wraps the failure.
// What cannot be delivered is a Dropped loss in the Report and an error
// from Reply, and is reported to [WithErrorHandler] wrapping [ErrCallback]. A
// user's message while a human agent holds the thread reaches the handler
// with Incoming.Standby set.
//
// # Threat model
//
// TalkTalk signs nothing: no signature, no shared secret, no token on
// webhook calls. What the handler can check:
//
//   - The source address. By default only TalkTalk's published ranges
//     ([signature.TalkTalkCIDRs]: 211.249.40.0/27, 211.249.68.0/27,
//     220.230.168.0/27) get through; everything else gets 403. Behind a
//     load balancer or reverse proxy, name it with
//     [signature.WithTrustedProxies] on the list passed to [WithAllowList]:
//     X-Forwarded-For is then read right to left up to the first untrusted
//     hop, and ignored from anyone else. If you run a relay (one user saw
//     "TalkTalk" calls from an unexpected address that turned out to be
//     their own relay), allow the relay's address and secure the hop into
//     it yourself.
//   - A shared secret in the URL ([WithPathToken]; TalkTalk cannot send
//     custom headers, so a path segment is the only secret it can carry) or
//     in a header added by your own gateway ([WithHeaderToken]). Both take
//     a [signature.SecretSet] and are compared in constant time
//     ([signature.SecretSet.VerifyToken]); to rotate a token without
//     refusing a request, list the new one and the old one until TalkTalk
//     (or your gateway) uses only the new one. A path token must be one
//     path segment: the set hides its tokens, so one with a slash is not
//     refused when the handler is built, and it never matches.
//
// What this does not protect against: anyone who can make TalkTalk send
// from its address ranges. An allow-list proves "from TalkTalk's
// infrastructure", not "for this bot": any other partner can register your
// URL as its own webhook, and TalkTalk will deliver that partner's events
// to you from the very same addresses — a secret path token is the defence
// as long as the URL stays secret. Nor does it cover a leaked webhook URL with its path token (rotate it in
// Partner Center); an attacker on the path if TLS is not used — TalkTalk
// requires HTTPS with a certificate from a CA it trusts (self-signed is
// refused, and some CAs, ZeroSSL among them, have been reported as not
// trusted: use a widely trusted CA); and a misconfigured trusted-proxy
// list, which lets anyone who reaches the proxy choose their address.
// The published ranges changed once (2021-06-23); if TalkTalk changes them
// again, pass a new list. Treat user IDs as personal data: TalkTalk asks
// partners not to expose them in URLs.
//
// # Many bots
//
// A service that runs many partner accounts serves them all from one
// handler: [NewMultiWebhookHandler] or [NewMultiBotHandler] take a
// [BotResolver] instead of fixed tokens and a client, and each [Bot]
// carries its own path tokens and [Client] (its authorization key).
//
//	bots, err := talktalk.StaticBots( // or a BotResolverFunc over your database
//		&talktalk.Bot{ID: "shop-1", Tokens: signature.MustSecretSet(token1), Client: client1},
//		&talktalk.Bot{ID: "shop-2", Tokens: signature.MustSecretSet(token2), Client: client2},
//	)
//	handler, err := talktalk.NewMultiBotHandler(bots, myHandler, talktalk.WithBotPath("bot"))
//	mux.Handle("POST /talktalk/{bot}/{token}", handler)
//	// Partner Center: https://bot.example.com/talktalk/shop-1/<token1>, …
//
// Where the ID comes from: the path. TalkTalk names no partner in the
// body, so [WithBotPath] is required and each partner's webhook URL
// carries its ID. A request must first come from an address on the
// allow-list ([WithAllowList] applies to every bot; 403 otherwise); then
// the ID is resolved (through a cache: [WithBotCacheTTL]) and, if the bot
// has Tokens, the last path segment must be one of them, compared in
// constant time as [WithPathToken] compares. [WithHeaderToken] and
// WithPathToken, which fix one bot's tokens, are constructor errors here.
// Your function finds the bot with [BotFromContext]; a
// [NewMultiBotHandler] sends through the bot's Client (as does a
// [NewMultiWebhookHandler] with a late reply) and sets Incoming.BotID,
// so that conversation state is kept per bot.
//
// What an unverified ID can and cannot do: it only picks which tokens the
// request is checked against. A request for partner A with partner B's
// token fails, and so does one for a partner the resolver does not know;
// both are answered 401 with nothing in the body (not 403, as a
// single-bot handler answers a wrong token), so a caller cannot probe
// which partners exist; the error handler sees [ErrUnknownBot] or
// [signature.ErrMismatch]. A partner without Tokens is protected by the
// allow-list alone. A caller on the allow-list can make the handler call
// your resolver for IDs of its choosing: IDs over 256 bytes are refused
// without a lookup, unknown IDs are cached too (as long as known bots),
// and the cache is bounded.
//
// Rotating one partner's token touches no other: have the resolver
// return the bot with a SecretSet of the new and the previous token,
// call [WebhookHandler.ForgetBot] (or [BotHandler.ForgetBot]) with its ID,
// register the URL with the new token in Partner Center, then drop the
// previous one. A bot the resolver stops returning is refused at most the
// cache TTL later ([DefaultBotCacheTTL], one minute), at once after
// ForgetBot. Clients made by [New] without [WithHTTPClient] share the
// standard library's default transport, so many of them are cheap.
//
// A resolver answer the handler cannot serve (no bot; a bot whose ID is
// not the one asked for, which would share another bot's conversation
// state) is a failed lookup, as a resolver error is: answered 500,
// reported as "talktalk: resolving the bot: …", and not cached, so the
// next request asks again. An unknown bot is reported as "talktalk:
// unknown bot" and nothing more: the resolver's text, which may quote the
// ID a caller chose, is dropped. A request for an unknown bot is still
// checked against a random secret of the handler's, so that it costs what
// a wrong token for a known bot costs and the time taken does not tell
// which bots exist. A Bot without a Client is served as [NewBotHandler]
// without [WithClient] is: it answers in the webhook response, and what it
// sends later fails.
//
// # Sending
//
// [New] takes the send API key from Partner Center and sends it verbatim
// in the Authorization header (no "Bearer"). [Client.Send] sends a
// [*SendEvent] (text, image by URL or uploaded ID, composite cards with
// TEXT, LINK, OPTION, PAY and UI-component buttons, quick replies);
// [Client.Typing], [Client.UploadImage], [Client.SetPersistentMenu],
// [Client.PassThread] and [Client.TakeThread] (the Client implements
// [message.Handover]), [Client.RequestProfile] and the general
// [Client.Post] cover the rest.
//
// Retries ([WithRetry], default 3 attempts): TalkTalk has no idempotency
// key, and a send that timed out may still have been delivered. So send,
// hand-over, profile and product calls are retried only when the
// connection was never made; image uploads, typing actions and persistent
// menu updates, whose repetition is harmless, are also retried on 5xx,
// 429 and network errors. [WithErrorHandler] receives each failed attempt
// that was retried; the call returns only its last error. Every call
// returns a result whose Meta holds the HTTP status and headers.
//
// [WithLogger] and [WithErrorHandler] are [SharedOption] values: the same
// option configures a [Client] ([Option]) and a [WebhookHandler]
// ([HandlerOption]).
//
// # Errors
//
// TalkTalk reports failures inside HTTP 200: {"success": false,
// "resultCode": "02", …}. Both that and a non-2xx status become an
// [*APIError] carrying the code; it unwraps to a sentinel per code
// ([ErrUnauthorized] 01, [ErrInvalidJSON] 02, [ErrNotPermitted] 03,
// [ErrCannotSend] 04, [ErrServer] 99, [ErrImageFormat] IMG-01,
// [ErrImageTimeout] IMG-02, [ErrImageTooLarge] IMG-03, [ErrImageUpload]
// IMG-99):
//
//	if errors.Is(err, talktalk.ErrImageTimeout) { … }
//	var apiErr *talktalk.APIError
//	if errors.As(err, &apiErr) { log.Print(apiErr.Code) }
//
// Error() shows the result code, the HTTP status and TalkTalk's short
// resultMessage; it never contains the authorization key or a request or
// response body (the raw response is in APIError.Body for those who ask).
//
// Failures found before anything is sent wrap [ErrInvalid]: an event
// that breaks a rule is a [*ValidationError] (or [ValidationErrors], for
// several), a bad argument (an empty user, a nil event, a nil option) an
// [*ArgumentError]. The handler's errors wrap [ErrMalformed] (400),
// [signature.ErrForbidden] (403), [ErrCallback] (500) or [ErrBusy] (503).
//
// # Limits
//
// Every outbound event is checked before it is sent ([Validate]) against
// the specification's limits: text 10,000 characters; 1–10 composites;
// composite title 200 and description 1,000; 10 buttons per composite;
// 3 element rows of 100 characters; button titles 18 (10 inside OPTION,
// quick replies and element rows); codes 1,000; persistent menus of 4
// items, 3 levels, titles of 20. Violations are [*ValidationError] values
// (joined as [ValidationErrors]) naming the JSON path, such as
// "compositeContent.compositeList[0].buttonList[2].data.title". TalkTalk
// itself sometimes accepts a malformed message and then fails to show it,
// so these checks matter. [Capabilities] exposes the same table to
// channelkit's neutral [message] model: [ToIncoming] and [Render] bridge to
// it, and Render reports whatever TalkTalk cannot show.
//
// # Testing
//
// Package talktalktest runs a fake send API (checking the key, recording
// decoded events, answering failures on demand with FailNext and
// FailNextResult), hands out a client wired to it (Server.Client), and
// builds webhook requests that come from a TalkTalk address (NewRequest,
// NewEvent).
package talktalk
