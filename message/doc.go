// Package message is channelkit's platform-neutral model of chat content.
//
// A bot written against this package runs on every platform: each platform
// package turns its inbound events into an [Incoming] (ToIncoming) and turns
// a [Content] into its own wire messages (Render). Rendering never loses
// anything silently: whatever a platform cannot show is recorded in a
// [Report] as a [Loss] with the path of the neutral field, and with
// [RenderOptions].Strict any loss becomes an error wrapping [ErrLossy].
//
// # Content
//
// [Content] is a sealed union: [*Text], [*Image], [*Video], [*Audio],
// [*File], [*Sticker], [*Location], [*Card], [*Carousel], [*List] and
// [*Unknown]. A type switch over it is the router:
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
