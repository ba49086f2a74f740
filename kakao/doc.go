/*
Package kakao serves Kakao i Open Builder (카카오 챗봇 관리자센터) skills:
it decodes the SkillPayload Kakao POSTs to a skill server, builds and
validates the SkillResponse (version 2.0) that answers it, runs the
AI-chatbot callback flow (useCallback), and bridges both to the neutral
[message] model.

Skills are synchronous: the answer is the HTTP response, within 5 seconds.

	h, err := kakao.NewWebhookHandler(func(ctx context.Context, req *kakao.Request) (*kakao.Response, error) {
		return kakao.NewResponse(kakao.Text("you said " + req.UserRequest.Utterance)), nil
	}, kakao.WithHeaderSecret(kakao.DefaultSecretHeader, signature.MustSecretSet(token)))
	if err != nil { … }
	mux.Handle("POST /kakao/skill", h)

# One bot, every platform

[NewBotHandler] serves the same skill with a neutral [message.Handler],
the one a LINE, TalkTalk, NAVER WORKS or CLOVA bot runs too. The native
path above and the neutral one side by side:

	// native: a kakao.Response
	kakao.NewWebhookHandler(func(ctx context.Context, req *kakao.Request) (*kakao.Response, error) {
		return kakao.NewResponse(kakao.Text("you said " + req.UserRequest.Utterance)), nil
	})

	// neutral: message.Content, rendered for Kakao by the Responder
	kakao.NewBotHandler(message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, &message.Text{Text: "you said " + in.Content.(*message.Text).Text})
		return err
	}), kakao.WithWelcomeBlock("웰컴 블록"))

Kakao's reply model is the skill response: each Reply renders its contents
with [Render] and appends their outputs to it, and the response is written
when the handler returns (or POSTed once to the callback URL, with
[WithCallback], when the handler outlasts the budget). A response shows at
most [MaxOutputs] outputs; Reply reports the rest as [message.Dropped] and
returns an error. A content that fails to render (strict rendering
refusing a loss included) holds back the rest of its Reply: the contents
before it are shown, it and those after it are [message.Dropped] losses,
and Reply's error wraps the render error. The Responder is valid until the
handler returns. A skill
has no typing indicator and no hand-over: Typing, PassToHuman and TakeBack
return errors wrapping errors.ErrUnsupported and [message.ErrNoHandover].
[WithWelcomeBlock] turns requests from the welcome block into
[message.KindFollow]; [WithRenderOptions] makes rendering strict. Every
other [HandlerOption] works as it does for [NewWebhookHandler].

# Webhooks

The inbound side comes in layers. [Decode] decodes a body already
trusted; [Parse] first checks the header secret a request carried (Kakao
signs nothing, so there is no VerifySignature: the secret is all there is
to check); [ParseRequest] reads it from header [DefaultSecretHeader] and a
bounded body from an *http.Request; [NewWebhookHandler] returns an
http.Handler that does all of it and calls your [HandlerFunc].

The handler reads at most [DefaultMaxBodyBytes] ([WithMaxBodyBytes]),
checks the header secret ([WithHeaderSecret]) before reading, decodes the
body, checks bot.id ([WithBotIDs]), calls the skill function and writes
its response after [Response.Validate]. Status codes are fixed:

	405 not a POST                  413 body over the limit
	400 not a skill payload         403 header secret or bot ID refused
	401 unknown bot, or its header secret refused (multi-bot handlers)
	500 the skill function failed   200 the response (or the WithFallback response)
	503 no free slot under the in-flight cap before the request ended

Details of every failure go to [WithErrorHandler] and, at Debug level, to
[WithLogger], never into the response. With [WithFallback] the handler
answers a canned response instead of 500, so the user sees a polite bubble
rather than Kakao's error. A panic in the skill function is recovered and
answered like an error.

At most [WithMaxInFlight] skill functions run at once (1024 by default),
callbacks still being worked on included (skill and callback requests
share the cap); a request beyond the cap waits
for a slot, and is answered 503 ([ErrBusy]) if Kakao gives up first. The
function runs on the request's own goroutine: the handler starts none.

Decoding is tolerant, because real payloads are odd: unknown fields are
ignored; lang and clientExtra may be null; user.properties keeps unknown and
snake_case keys in Extra; parameter values that are not strings are kept as
their JSON text; intent.extra.knowledge is also read from "knowledges" and
"matched_knowledges"; contexts decode into typed [Context] values
(lifespan or lifeSpan, numbers as strings, bare-string parameters),
keeping unknown keys, and a context of any other shape is kept whole in
[Context].Raw rather than failing the request. Only a body that is not a JSON object, has no
userRequest, or gives a known field a type no real payload uses is refused
(400, [ErrMalformed]).

Decoding takes one pass for the payloads Kakao sends: a hand-written
reader takes the documented keys with the values real payloads carry
(strings with the usual escapes, null where Kakao sends it, user
properties and clientExtra of any type, contexts in the request form),
and gives up on anything else — an unknown or repeated key, a \u
escape, a parameter that is not a string, a context with extra keys or
an odd shape — which goes through encoding/json with every tolerance
above. Both build the same [Request] from the same bytes; only the
cost differs.

# Authentication

Kakao does not sign skill requests. The skill settings can add custom
headers ("헤더값 입력"); [WithHeaderSecret] requires one of them to equal a
shared secret, compared in constant time, with rotation through a
[signature.SecretSet]. A missing or wrong header is answered 403, wrapping
[signature.ErrForbidden], not 401: 401 is channelkit's status for a bad
signature over the body, which proves integrity; a static header only says
who the caller claims to be, like an address allow-list (also 403), and
signature.ErrForbidden is documented for exactly "lacked a required shared
secret". [WithBotIDs] further limits requests to known bot.id values (403).

Without a header secret anyone who can reach the skill URL can call it, and,
with callbacks enabled, choose the URL the bot's answer is POSTed to; use
[WithAllowedHosts] on the [Client] to pin Kakao's callback host.

# Responses

A [Response] holds a [Template] of 1 to 3 [Output] values and up to 10
[QuickReply] chips, plus optional [ContextControl] and data. Output is a
key-presence union: set exactly one of SimpleText, SimpleImage, TextCard,
BasicCard, CommerceCard, ListCard, ItemCard or Carousel ([Output.Kind] says
which), or put a component JSON in Raw (the escape hatch; decoding keeps
unknown components there byte for byte). A [Carousel] holds bare cards of
one type; its JSON type is derived. "version": "2.0" is always written.

	resp := kakao.NewResponse(
		kakao.BasicCard{
			Title:     "보물상자",
			Thumbnail: &kakao.Thumbnail{ImageURL: "https://example.com/box.jpg"},
			Buttons:   []kakao.Button{kakao.WebLinkButton("구경하기", "https://example.com")},
		}.Output(),
	)

# Limits

[Response.Validate] checks every limit of Kakao's format before anything is
written, and reports each problem with its JSON path
("template.outputs[0].basicCard.buttons[3].label"), as a [*ValidationError]
for one problem or a [ValidationErrors] for several, wrapping [ErrInvalid].
Over-limit content is an error, never cut silently. Lengths are counted in characters (code points):

	outputs 1–3; quickReplies ≤ 10 (label, action message|block)
	simpleText.text ≤ 1000; altText ≤ 50; image and webLink URLs http(s)
	textCard title ≤ 50, description ≤ 400 (128 in a carousel)
	basicCard title ≤ 50, description ≤ 230, thumbnail required
	commerceCard title ≤ 30, description ≤ 40, exactly 1 thumbnail, currency "won",
	  discountRate needs discountedPrice
	listCard header title required, items 1–5 (4 in a carousel)
	itemCard itemList 1–10 (5 in a carousel), item title ≤ 6, summary 6/14,
	  profile title ≤ 15, title+description ≤ 200 (100 in a carousel),
	  head and profile exclusive
	buttons ≤ 3 vertical, ≤ 2 horizontal (fixedRatio thumbnails lay out
	  horizontally unless buttonLayout says otherwise); label ≤ 14, ≤ 8 for two
	  buttons side by side
	carousel 1–10 cards (listCard 5), one card type, no header on textCard or
	  listCard carousels, itemCard parts on all cards or none

The constants ([MaxOutputs], [MaxButtonLabel], …) are exported, and
[Capabilities] is built from them.

# Callbacks

AI-chatbot blocks may answer later. With [WithCallback], a request that
carries userRequest.callbackUrl races the skill function against a budget
(default 3.5 s of Kakao's 5 s). If the function returns in time, the
answer is synchronous and nothing is POSTed; the race cost one timer. If
not, the handler answers {"version":"2.0","useCallback":true} (or your
waiting response, whose data can fill the block's waiting text), complete
with its Content-Length and flushed, and asking Kakao to close the
connection (the function still runs on the request's goroutine, so the
server reads nothing more from it until ServeHTTP returns), while the
function keeps running on a context detached from the request that ends when the URL expires, one
minute after the request arrived. Its response is then POSTed to the
callback URL exactly once by a [Client] ([WithClient]). If Kakao hung up
before the budget ran out, nothing was promised: nothing is written or
POSTed, and the dropped answer is reported. Failures after the answer (the
function's error or panic, an invalid response, Kakao's FAIL) go to the
error handler; with [WithFallback] the fallback is delivered instead of
nothing. Call [WebhookHandler.Wait] at shutdown to let pending callbacks
finish.

[Client.Send] can also be used directly ([New] returns a client). It
retries only failures that prove Kakao never saw the POST (the connection
could not be made): a callback URL is single-use, so nothing is sent twice,
and never after a 2xx. Kakao's answer {taskId, status, message, timestamp}
becomes a [Result], or an [*APIError] when status is FAIL or ERROR or the
HTTP status is not 2xx.

# Event API

[Client.SendEvent] sends a bot-initiated message: Kakao runs the block
bound to an event name for up to [MaxEventUsers] users ([Event],
[EventUser]; user IDs of type appUserId, plusfriendUserKey or botUserKey,
as a skill request's user.properties carries them). Its credential is the
REST API key of the Kakao Developers app the bot is linked to
([WithRESTAPIKey], sent as "Authorization: KakaoAK <key>").

	cl, err := kakao.New(kakao.WithRESTAPIKey(restAPIKey))
	res, err := cl.SendEvent(ctx, botID, &kakao.Event{Name: "delivery_done",
		Users: []kakao.EventUser{{Type: kakao.EventBotUserKey, ID: userKey}}})

It is a method of [Client] with an option, not a second client type,
because the package keeps one client (New(...Option), as the shared
vocabulary has it): Kakao's callbacks need no credential, so the key is
the client's only one, and a multi-bot [Bot.Client] can carry each bot's
key. The event is validated before it is sent ([Event.Validate]: a name,
1 to 100 users, known types) and POSTed once: it is retried only when the
connection could not be made, since a delivered event is a billed
message. The endpoint, the 100-user limit and the answer's shape come
from the peer library kakao-chatbot and are UNCONFIRMED in Kakao's
reference; [WithBaseURL] points it elsewhere (a development channel's
host, or the kakaotest fake).

Options: [Option] configures a [Client], [HandlerOption] a
[WebhookHandler] or a [BotHandler], and a [SharedOption] ([WithLogger],
[WithErrorHandler]) either.

The callback URL is a credential: it never appears in an error or a log line.

# Many bots

A chatbot builder serves many bots from one handler.
[NewMultiWebhookHandler] and [NewMultiBotHandler] take a [BotResolver]
instead of one bot's settings: [StaticBots] for a fixed set, or your own
(a database lookup) through [BotResolverFunc].

	bots, err := kakao.StaticBots(
		&kakao.Bot{ID: "64e9a0b1c2d3e4f5a6b7c8d9", HeaderSecrets: signature.MustSecretSet(secretA)},
		&kakao.Bot{ID: "65f0b1c2d3e4f5a6b7c8d9e0", HeaderSecrets: signature.MustSecretSet(secretB)},
	)
	if err != nil { … }
	h, err := kakao.NewMultiBotHandler(bots, brain, kakao.WithCallback(0, nil))
	if err != nil { … }
	mux.Handle("POST /kakao/skill", h)

Each request names its bot in bot.id (or, with [WithBotPath], in a path
segment: mux.Handle("POST /kakao/{bot}", h), each bot's skill registered
at its own URL). The handler resolves it, checks the header secret the
bot's skill settings send ("헤더값 입력") against the bot's HeaderSecrets,
in the header [WithHeaderSecret] names (default [DefaultSecretHeader]),
and calls your function with the bot in the context ([BotFromContext]);
[NewMultiBotHandler] also sets [message.Incoming].BotID. A callback is
POSTed through the bot's Client (or the handler's own). A Bot without
HeaderSecrets is checked against WithHeaderSecret's secrets, and without
those serves unauthenticated requests, as a single-bot handler without
WithHeaderSecret does.

bot.id is read from a body nothing has verified: Kakao signs nothing. It
only picks which secret the request is checked with. It cannot make a
request for bot A pass with bot B's secret: each bot's header is
compared with that bot's own secrets. What a caller can do is make the
server ask the resolver about IDs of its choosing; answers are cached
([WithBotCacheTTL], default [DefaultBotCacheTTL]; unknown IDs as long,
so that a second probe cannot tell them apart), concurrent lookups of one ID share one call, the cache is bounded,
and IDs longer than 256 bytes are unknown without a lookup. An unknown bot
and a wrong or missing header secret get the same answer, 401 with an
empty body (a single-bot handler answers a wrong secret 403), so a caller
cannot learn which bots exist; the error handler gets [ErrUnknownBot] or
the secret error. A resolver that fails (any error not wrapping
ErrUnknownBot) is answered 500 and not cached.

To rotate one bot's secret, have the resolver return the bot with both
values (signature.MustSecretSet(newSecret, oldSecret)) and call
[WebhookHandler.ForgetBot] with its ID; change the skill settings' header;
later drop the old value the same way. No other bot is touched. A revoked
bot is served at most the cache TTL after the resolver stops returning it,
or not at all after ForgetBot.

A Bot's Client is optional: Kakao needs no credential for a callback, so
one [Client] (or none, the handler's own) serves every bot. A Client
shares net/http's default transport unless [WithHTTPClient] is given, so
a thousand bots hold no connection pool each (about 640 bytes per idle
Bot with its own Client and a header secret, measured).

A resolver answer the handler cannot serve (no bot; a bot whose ID is
not the one asked for, which would share another bot's conversation
state) is a failed lookup, as a resolver error is: answered 500,
reported as "kakao: resolving the bot: …", and not cached, so the next
request asks again. An unknown bot is reported as "kakao: unknown bot"
and nothing more: the resolver's text, which may quote the ID a caller
chose, is dropped. A request for an unknown bot is still checked against
a random secret of the handler's, so that it costs what a wrong header
secret for a known bot costs and the time taken does not tell which bots
exist. A Bot without a Client is served: the handler's own client, or
none, delivers its callbacks. [StaticBots] with no bots is an empty set,
as in every platform package.

# System entities

Parameters of system entities carry JSON inside the string. [ParseSysDate],
[ParseSysNumber] and [ParsePlugin] decode them into [SysDate], [SysNumber]
and [Plugin], with errors ([*EntityError], wrapping [ErrEntity]) that name
the entity and never quote the value. [Action.SysDate] and its siblings
look a parameter up by name and fall back to detailParams[name].value when
the params value is broken (real payloads have shipped a malformed
sys_number there).

# Neutral messages

[ToIncoming] turns a request into a [message.Incoming], and [Render] turns
a [message.Content] into a Response with a [message.Report] of what Kakao
could not show. A postback rides in button extra under [PostbackKey] and
comes back as a [message.KindPostback].

# Errors

Sentinels: [ErrMalformed] (400), [ErrCallback] (500: your function
failed), [ErrBusy] (503), [ErrInvalid] (a response or an argument refused
before anything was sent), [ErrCallbackURL], [ErrCallbackExpired],
[ErrEntity]; [signature.ErrForbidden] for refused callers. Typed errors:
[*ValidationError]/[ValidationErrors] and [*ArgumentError] (the same types
in every channelkit platform package), [*APIError], [*EntityError]. Error
strings start with "kakao:" and hold no secret, URL or body.

# Testing

Package kakaotest builds realistic skill requests (kakaotest.NewRequest),
posts them to a handler and decodes the answer (kakaotest.Do), and runs a
fake callback endpoint that enforces single use and the one-minute expiry
with an injectable clock (kakaotest.NewServer), whose Client method
returns a [Client] wired to it.
*/
package kakao
