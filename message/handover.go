package message

import (
	"context"
	"errors"
	"fmt"
)

// Handover passes a conversation to a human agent (or another bot) and
// takes it back. NAVER TalkTalk (pass/take thread) and LINE (module chat
// control) implement it on their clients; on platforms without hand-over,
// calls fail with an error wrapping ErrNoHandover.
type Handover interface {
	// PassToHuman gives control of the conversation with userID away.
	PassToHuman(ctx context.Context, userID string) error
	// TakeBack returns control of the conversation with userID to the bot.
	TakeBack(ctx context.Context, userID string) error
}

// ErrNoHandover reports that a platform has no hand-over. It wraps
// [errors.ErrUnsupported].
var ErrNoHandover = fmt.Errorf("message: hand-over not supported: %w", errors.ErrUnsupported)
