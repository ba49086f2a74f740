// Package clova serves CLOVA Extensions Kit (CEK) custom extensions and
// calls NCP CLOVA Chatbot domains.
//
// The brand covers two unrelated surfaces:
//
//   - CEK: CLOVA POSTs analysed utterances (intents and slots) to your
//     extension server and you answer synchronously with speech and
//     directives. [NewWebhookHandler] is the server.
//   - CLOVA Chatbot custom API: you POST a user's text to a chatbot built in
//     CLOVA Chatbot Builder (through its API Gateway invoke URL) and render
//     the answer's bubbles. [New] is the client; [ToContent] turns the
//     bubbles into neutral content any messenger package can render.
//
// Quick start (CEK):
//
//	h, err := clova.NewWebhookHandler("com.example.extension.pizzabot",
//		func(ctx context.Context, req *clova.Request) (*clova.Response, error) {
//			switch r := req.Request.(type) {
//			case *clova.LaunchRequest:
//				resp := clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.Korean, "어떤 피자를 드릴까요?")))
//				resp.Response.ShouldEndSession = false
//				return resp, nil
//			case *clova.IntentRequest:
//				kind, _ := r.Intent.Slot("pizzaType")
//				return clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.Korean, kind.Value.String()+" 피자를 주문했어요."))), nil
//			}
//			return nil, nil // ends the session silently
//		})
//	if err != nil { … }
//	http.Handle("POST /clova", h)
//
// # Webhooks
//
// Verification works in layers: [VerifySignature] checks the SignatureCEK
// header (RSASSA-PKCS1-v1_5 with SHA-256 over the raw body, base64)
// against a key; [Decode] decodes bytes already trusted; [Parse] verifies
// and decodes; [ParseRequest] reads a request's body bounded
// ([DefaultMaxBodyBytes]) and parses it. [WebhookHandler] also reads the
// body bounded ([WithMaxBodyBytes]), checks
// context.System.application.applicationId against the extension ID, calls
// your [HandlerFunc], validates its [Response] and writes it (a failing or
// panicking function answers 500). An application ID mismatch is
// [ErrApplicationID] and answers 403: the request is authentically from
// CLOVA but meant for another extension.
//
// CEK waits for the answer, so the function runs on the request's own
// goroutine for as long as it takes, through the runner every channelkit
// handler shares: at most [WithMaxInFlight] calls run at once (a request
// that finds no free slot before it ends is answered 503, [ErrBusy]), and
// a panic is recovered and answered 500. [WebhookHandler.Wait] waits for
// calls in progress at shutdown.
//
// The key is CLOVA's published production key, embedded in the package
// ([ProductionPublicKey]). [WithPublicKey] replaces it (CLOVA's development
// key, or a test key); [WithPublicKeyURL] fetches a PEM key from a URL
// lazily, caches and refreshes it, retries a failed fetch after a short
// backoff (1 s, doubling up to 10 s), and fails closed ([ErrKeyUnavailable],
// 503) while no key could be fetched yet. [InsecureSkipVerify] turns
// verification off for local experiments only.
//
// Requests decode into [Request]: Session (nil for "session": null),
// Context (System.Application, Device, User, AudioPlayer) and a typed body:
// [*LaunchRequest], [*IntentRequest] (slots whose [SlotValue] may be a
// string, a number or null), [*SessionEndedRequest], [*EventRequest] (raw
// payload, [Event.DecodePayload]) or [*UnknownRequest], which keeps the exact
// bytes. Access tokens are an [AccessToken], which prints as "[REDACTED]"
// with every fmt verb and in slog; string(token) reads it.
//
// The built-in intents are constants ([IntentGuide], [IntentCancel],
// [IntentYes], [IntentNo], [IntentStop], …) and so are the event names of
// each namespace ([EventSkillEnabled], [EventPlayFinished],
// [EventSpeechFinished], …); [Request.IsIntent] and [Request.IsEvent]
// test a request for one:
//
//	switch {
//	case req.IsIntent(clova.IntentGuide):
//		return help(), nil
//	case req.IsEvent(clova.NamespaceClovaSkill, clova.EventSkillEnabled):
//		return nil, createUser(ctx, req.UserID())
//	}
//
// # Responses
//
// [NewResponse] with [SimpleSpeech], [SpeechList] or [SpeechSet] over
// [PlainText] and [SpeechURL] values; set Response.Reprompt,
// Response.ShouldEndSession, a card ([Response.SetCard] with a
// [TextCard], [ImageTextCard], [ImageListCard], [CardList], or a
// [RawCard] for any other content template; [DecodeCard] reads one) and
// [Response.SetSessionAttributes]. Directives: [AudioPlay],
// [StreamDeliver], [PlaybackPause], [PlaybackResume], [PlaybackStop], and
// [NewDirective] or a [Directive] literal for anything else.
//
// # Account linking
//
// An extension that acts on a user's account elsewhere (an order, a
// calendar) links the two with OAuth 2.0's authorization-code grant,
// configured in the CLOVA developer console's account-linking settings:
//
//   - Authorization URI: your login page (HTTPS on port 443, usable on a
//     phone, no pop-ups). CLOVA opens it with state (valid for 5 minutes),
//     client_id, response_type=code, scope and redirect_uri; after the
//     login it redirects to redirect_uri with state and code.
//   - Client ID and Client Secret: the credentials CLOVA presents to your
//     token endpoint.
//   - Access Token URI (and the refresh URI, if different): where CLOVA
//     exchanges the code, and later refreshes the token, itself.
//   - Client authentication scheme, scope, privacy policy URI.
//
// Once linked, every request carries the access token CLOVA holds, in
// context.System.user.accessToken and session.user.accessToken
// ([Request.AccessToken]); disabling the extension deletes it. Check the
// token with your own service, and when it is missing or refused, ask the
// user to link the account in the CLOVA app: [RequireLinkedAccount] (and
// [RequireLinkedAccountMiddleware] for a [BotHandler]) answers a request
// without a token with [LinkPrompt]. No dedicated "link your account"
// directive or card is documented (UNCONFIRMED), so the prompt is speech.
//
// # Options
//
// [Option] configures a [Client] ([New]), [HandlerOption] a
// [WebhookHandler] ([NewWebhookHandler]) or a [BotHandler]
// ([NewBotHandler], which also takes [WithRenderOptions]), and a
// [SharedOption] either:
// [WithLogger], [WithErrorHandler] and [WithClock]. Client options:
// [WithHTTPClient], [WithRetry], [WithUserAgent] (the invoke URL is New's
// argument, so there is no WithBaseURL). Handler options: [WithPublicKey],
// [WithPublicKeyURL], [WithKeyHTTPClient], [WithMaxBodyBytes],
// [WithMaxInFlight], [InsecureSkipVerify]; for many bots, [WithBotPath]
// and [WithBotCacheTTL] (see "Many bots"). A nil value passed to any of
// them, or a nil option, is an error of the constructor.
//
// # Sending
//
// [New] takes the invoke URL and the domain's secret key. [Client.Send]
// asks a question, [Client.Open] gets the welcome message,
// [Client.OpenWith] sends a welcome action's postback, [Client.Do] sends a
// [ChatbotRequest] as is. Each returns a [ChatbotResponse], whose Meta
// field holds the exchange's [Meta]. Send, Open and OpenWith move the
// conversation on, so they are retried only after failures that prove the
// request never left (dial errors); each failed attempt that is retried
// goes to [WithErrorHandler]. Every body is encoded once,
// signed with X-NCP-CHATBOT_SIGNATURE (base64 HMAC-SHA256 keyed with the
// domain's secret key) and sent byte for byte. The answer's [Bubbles] are
// typed: [*TextBubble], [*ImageBubble], [*ButtonBubble], [*TemplateBubble],
// [*CarouselBubble], and [*UnknownBubble] for Flex and anything newer.
//
// # Errors
//
// CEK failures wrap signature.ErrMissing, signature.ErrMismatch,
// [ErrApplicationID] (signature.ErrForbidden), [ErrMalformed],
// [ErrKeyUnavailable], [ErrBusy] or [ErrCallback] (your function failed,
// panicked or returned an invalid response). Chatbot HTTP failures are
// [*APIError]. An invalid response or request is a [*ValidationError], or
// [ValidationErrors] when there are several, naming JSON paths
// ("response.outputSpeech.values[0].lang"); a bad argument is an
// [*ArgumentError]; both wrap [ErrInvalid]. ErrMalformed, ErrCallback,
// ErrInvalid, ErrBusy and the three error types are the same in every
// channelkit platform package. No error or log line holds a body, a
// signature, a secret key or an access token.
//
// # Limits
//
// [Response.Validate] enforces CEK's documented constraints: PlainText at
// most 200 characters per sentence and 1,000 per outputSpeech, a language
// (ko, en, ja) on PlainText and none on URL values, URLs and tokens at most
// 2,048 bytes, a content type on HLS URLs, reprompts only with
// shouldEndSession false, directive headers complete.
//
// # Bridge
//
// [Capabilities] says CEK is speech only: text (at most 1,000 characters
// per response) and audio URLs. [Render] (Korean) and [RenderLang] speak
// neutral content and report what could not be said: card titles and text,
// list items, button and quick-reply labels, a location's name and address
// and an image's alt text are spoken; images and every action are reported
// Dropped, the card or location form Downgraded; video, files, stickers and
// foreign unknown content fail with errors.ErrUnsupported. [ToIncoming]
// maps requests to message.Incoming (launch → follow, intents → postbacks
// carrying the intent name, SkillEnabled/SkillDisabled → follow/unfollow).
// [ToContent] maps CLOVA Chatbot bubbles to neutral content for the other
// direction.
//
// # One bot, every platform
//
// [NewBotHandler] serves the extension with a [message.Handler], the
// conversation contract every channelkit platform shares, instead of a
// [HandlerFunc]. The same Handler runs on LINE, Kakao, TalkTalk and NAVER
// WORKS; here the Responder speaks every Reply (rendered with [RenderLang]
// in the request's language) in the one CEK response, written when the
// Handler returns. Next to the native path above:
//
//	// native: a Request in, a Response out
//	h, err := clova.NewWebhookHandler(id, func(ctx context.Context, req *clova.Request) (*clova.Response, error) {
//		in, _ := clova.ToIncoming(req)
//		resp, _, err := clova.Render(&message.Text{Text: "you asked for " + in.Data}, message.RenderOptions{})
//		return resp, err
//	})
//
//	// neutral: the Handler every platform runs
//	bot := message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
//		_, err := r.Reply(ctx, &message.Text{Text: "you asked for " + in.Data})
//		return err
//	})
//	b, err := clova.NewBotHandler(id, bot, clova.WithRenderOptions(message.RenderOptions{Strict: true}))
//	http.Handle("POST /clova", b)
//
// A launch reaches the Handler as KindFollow and an intent as KindPostback
// whose Data is the intent's name; device telemetry does not reach it. One
// response speaks at most 1,000 characters: Reply cuts a reply that
// crosses the budget (a Truncated loss) and does not speak one past it (a
// Dropped loss and an error). A content CEK cannot say (it fails to
// render, strict rendering refusing a loss included, or is past the
// budget) holds back the rest of its Reply: the contents before it are
// spoken, it and those after it are Dropped losses, and Reply's error
// wraps the failure. A Handler that fails or panics is answered
// 500, never half an answer. What a successful Handler replied but CEK
// could not speak goes to [WithErrorHandler] wrapping [ErrCallback] too.
// Typing is unsupported and there is no hand-over. Without
// [message.Conversations], the conversation state is the session attribute
// [StateAttribute]: a value the Handler sets is sent back in the response,
// which keeps the session open so that the next utterance carries it.
//
// # Many bots
//
// One service can serve many extensions (a chatbot builder's hundreds of
// bots) on one handler: [NewMultiWebhookHandler] and [NewMultiBotHandler]
// take a [BotResolver] instead of an extension ID.
//
//	bots, err := clova.StaticBots(
//		&clova.Bot{ID: "com.example.extension.pizza"},
//		&clova.Bot{ID: "com.example.extension.coffee"},
//	) // or a clova.BotResolverFunc that reads your database
//	if err != nil { … }
//	h, err := clova.NewMultiBotHandler(bots, message.HandlerFunc(
//		func(ctx context.Context, in *message.Incoming, r message.Responder) error {
//			// in.BotID is the extension the request was for
//			_, err := r.Reply(ctx, &message.Text{Text: "this is " + in.BotID})
//			return err
//		}))
//	http.Handle("POST /clova", h)
//
// A [Bot] is the extension: its ID is the Extension ID. A CEK extension has
// no secret of its own: every request is verified first with CLOVA's key,
// which proves CLOVA sent it, and only then is its applicationId
// (context.System.application.applicationId) resolved to the bot it is
// for. [WithBotPath] takes the ID from a path wildcard instead
// ("POST /clova/{bot}"); the applicationId must then name the same
// extension, or the request is refused 403 ([ErrApplicationID]). The
// function finds the bot with [BotFromContext]; every [message.Incoming]
// carries its ID in BotID, which [message.StateKey] puts in the state key.
//
// What resolving can and cannot do: the ID only picks the bot; on CEK the
// signature is checked before anything in the body is trusted, so an
// unsigned or altered body never reaches the resolver. An ID the resolver
// does not serve (or an empty one, or one over 256 bytes, refused without
// a lookup) is answered 401 with an empty body, exactly as a wrong
// signature is ([ErrUnknownBot] to the error handler), so a caller cannot
// probe which extensions exist; a failed lookup is answered 500 and not
// cached, so CLOVA's retry asks again. Whoever can get CLOVA to sign a
// request (any extension's developer) can still make the server ask the
// resolver about IDs of their choosing: answers are cached (known bots
// for [WithBotCacheTTL], default [DefaultBotCacheTTL]; unknown IDs as long,
// so that a second probe cannot tell them apart), concurrent lookups of one ID share one call, and the cache is
// bounded.
//
// Revoking or changing one extension touches no other: update what the
// resolver answers, then call [WebhookHandler.ForgetBot] (or
// [BotHandler.ForgetBot]) with its ID so that the next request asks again;
// without ForgetBot the change is seen at most the cache TTL later. (The
// other channelkit platforms rotate a bot's secret this way, with a
// signature.SecretSet holding the current and the previous secret; a CEK
// extension has no secret to rotate, and CLOVA's key is the handler's.)
//
// A resolver answer the handler cannot serve (no bot; a bot whose ID is
// not the one asked for, which would share another bot's conversation
// state) is a failed lookup, as a resolver error is: answered 500,
// reported as "clova: resolving the bot: …", and not cached, so the next
// request asks again. An unknown bot is reported as "clova: unknown bot"
// and nothing more: the resolver's text, which may quote the ID a caller
// chose, is dropped. With [WithBotPath], the applicationId is compared
// with the path before the lookup, so a body CLOVA signed for one
// extension, replayed to guessed paths, is refused 403 whatever the path
// names.
//
// # A chatbot domain on every messenger
//
// [NewChatbotHandler] returns a [message.Handler] that answers with a CLOVA
// Chatbot domain, what the CLOVA Chatbot console's messenger linkage does,
// on any channelkit platform:
//
//	cl, err := clova.New(invokeURL, secretKey)
//	if err != nil { … }
//	domain, err := clova.NewChatbotHandler(cl)
//	if err != nil { … }
//	lineBot, err := line.NewBotHandler(secrets, domain, line.WithClient(lineClient))
//	kakaoBot, err := kakao.NewBotHandler(domain)
//	voice, err := clova.NewBotHandler("com.example.extension.faq", domain)
//
// A follow (a LINE follow, a CEK launch) asks for the welcome message
// (open), a text asks it (send), a postback sends its data back (send: the
// chatbot's postback form, which the buttons [ToContent] makes carry), and
// the answer's bubbles are replied as [ToContent] turns them into neutral
// content. A message the chatbot cannot take (an image, a sticker) asks
// nothing, or [WithUnsupportedText] in its place. The chatbot user is
// "<platform>:<bot ID>:<user ID>" ([ChatbotUserID], [WithChatbotUserID]).
// A CEK intent asks its name, or a slot's value ([WithCEKSlot]). A CEK
// account-linking token is never sent to the chatbot, whose documented
// request has no place for it (an undocumented one is UNCONFIRMED);
// [WithAccountLink] hands it to your code. A failed chatbot call is the
// Handler's error.
//
// # Testing
//
// Package clovatest generates a test key pair, builds and signs CEK
// requests (NewRequest in tests, NewSignedRequest in programs), and fakes
// the CLOVA Chatbot API (NewServer in tests, Start in programs; its
// Client method returns a [Client] wired to it).
package clova
