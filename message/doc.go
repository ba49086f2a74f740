// Package message is channelkit's platform-neutral model of chat content.
//
// A bot written against this package runs on every platform: each platform
// package turns its inbound events into an [Incoming] (ToIncoming) and turns
// a [Content] into its own wire messages (Render). Rendering never loses
// anything silently: whatever a platform cannot show is recorded in a
// [Report] as a [Loss] with the path of the neutral field, and with
// [RenderOptions].Strict any loss becomes an error wrapping [ErrLossy].
//
// # The conversation
//
// One bot runs on every platform as a [Handler]: it receives one
// [*Incoming] and a [Responder], whose Reply answers by the platform's own
// reply model (LINE's reply token then push, Kakao's skill response or its
// callback URL, TalkTalk's webhook response then the send API, NAVER WORKS'
// message to the room or user, CLOVA's speech) and returns the [Report].
// Each platform package's NewBotHandler serves it:
//
//	bot := message.Chain(
//		message.NewRouter().
//			On(message.KindFollow, welcome).
//			TextPrefix("order ", order).
//			Postback("menu", menu).
//			Fallback(echo),
//		message.Observe(message.SlogObserver(logger)),
//		message.Conversations(message.NewMemoryState(0), time.Hour),
//	)
//	lineBot, err := line.NewBotHandler(secrets, bot, line.WithClient(client))
//
// A [Router] dispatches by kind, text and postback data; [Middleware]
// wraps handlers ([Chain]); [Observe] sees every event and every Reply;
// [State] keeps a small value per conversation with a TTL and a lock so
// that two events of one conversation are not answered at once
// ([Conversations], [ConversationFrom], [MemoryState]).
//
// # Content
//
// [Content] is a sealed union: [*Text], [*Image], [*Video], [*Audio],
// [*File], [*Sticker], [*Location], [*Card], [*Carousel], [*List] and
// [*Unknown]. A type switch over it is the simplest router:
//
//	switch c := in.Content.(type) {
//	case *message.Text:
//		reply = &message.Text{Text: "you said " + c.Text}
//	case *message.Image:
//		...
//	}
//
// Every content type may carry [QuickReply] suggestions. Buttons and quick
// replies carry an [Action]: [*Postback], [*MessageAction], [*URLAction],
// [*CallAction] or [*ShareAction].
//
// # Capabilities
//
// Each platform package exports a [Capabilities] value built from the same
// limits table its validators use, so a bot can choose a rendering before
// it sends. Lengths are counted in the platform's own [Unit].
//
// # Loss reports
//
// Loss paths name fields of the neutral value that was rendered, in Go
// syntax relative to it: "Text", "Buttons[3]", "Cards[1].Image",
// "QuickReplies[11].Action.Data". The [messagetest] package checks that
// every platform keeps to this.
//
// # De-duplication
//
// Platforms redeliver webhooks. A [Deduper] remembers event IDs for a while;
// [NewMemoryDeduper] is a bounded in-process implementation, and the
// interface lets a deployment on several machines use a shared store.
package message
