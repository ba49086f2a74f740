package line

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/channelkit/channelkit/message"
)

// loadingSeconds is how long Typing shows the loading animation, unless
// a message from the bot ends it sooner (LINE's default).
const loadingSeconds = 20

// responder is a BotHandler's message.Responder for one event: the reply
// token while it is unspent, then pushes to the conversation.
type responder struct {
	bot   *botConfig
	token string // the reply token; "" once a reply was tried
	to    string // the conversation: user, group or room ID
	user  bool   // a one-to-one chat

	// mu guards done and failed (and the token): a call after the
	// handler returned may race finish.
	mu   sync.Mutex
	done bool // the handler returned
	// failed is every error Reply returned: reported unless the handler
	// returns it.
	failed []error
}

var _ message.Responder = (*responder)(nil)

// errDone is the error of a Responder used after its Handler returned.
var errDone = fmt.Errorf("line: %w", message.ErrResponderDone)

// Reply implements message.Responder. The contents before the first
// that fails to render (strict rendering refusing a loss included) are
// delivered in order; that content and every one after it are Dropped
// losses, and the error wraps the render error. After the handler
// returned it delivers nothing: every content is a Dropped loss and the
// error wraps [message.ErrResponderDone], for the caller only.
func (r *responder) Reply(ctx context.Context, contents ...message.Content) (message.Report, error) {
	var rep message.Report
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		for i := range contents {
			rep.Add(message.Index("", i), message.Dropped, "not delivered: the handler had returned")
		}
		return rep, errDone
	}
	if len(contents) == 0 {
		return rep, nil
	}
	var buf [8]int
	msgs, ends, rerr := r.render(&rep, contents, buf[:0])
	if rerr != nil {
		for i := len(ends) + 1; i < len(contents); i++ {
			rep.Add(message.Index("", i), message.Dropped, "held back: an earlier content did not render")
		}
	}
	var err error
	if len(msgs) > 0 {
		var sent int
		if sent, err = r.deliver(ctx, msgs); err != nil {
			lost(&rep, ends, sent)
		}
	}
	err = errors.Join(rerr, err)
	if err != nil {
		r.failed = append(r.failed, err)
	}
	return rep, err
}

// render renders contents in order, up to the first that fails to render,
// appending to ends the number of messages of contents[0..i] for each i
// that rendered. The one that failed is a Dropped loss in rep, and its
// error is returned with the messages of the contents before it.
func (r *responder) render(rep *message.Report, contents []message.Content, ends []int) ([]messaging_api.MessageInterface, []int, error) {
	var msgs []messaging_api.MessageInterface
	for i, c := range contents {
		ms, crep, err := Render(c, r.bot.render)
		if err != nil {
			rep.Add(message.Index("", i), message.Dropped, "did not render: "+err.Error())
			return msgs, ends, fmt.Errorf("line: Reply: contents[%d]: %w", i, err)
		}
		if !crep.Lossless() {
			rep.Merge(message.Index("", i), crep)
		}
		if msgs == nil && i == len(contents)-1 {
			msgs = ms // the one content: its messages as they are
		} else {
			msgs = append(msgs, ms...)
		}
		ends = append(ends, len(msgs))
	}
	return msgs, ends, nil
}

// lost adds a Dropped loss for every content whose messages were not all
// delivered: messages from sent on.
func lost(rep *message.Report, ends []int, sent int) {
	start := 0
	for i, end := range ends {
		switch {
		case end <= sent:
		case start >= sent:
			rep.Add(message.Index("", i), message.Dropped, "not delivered")
		default:
			rep.Addf(message.Index("", i), message.Dropped, "%d of %d messages not delivered", end-sent, end-start)
		}
		start = end
	}
}

// deliver sends msgs in order: with the reply token while it is unspent
// (up to 5), then pushed 5 at a time. It returns how many were delivered.
func (r *responder) deliver(ctx context.Context, msgs []messaging_api.MessageInterface) (int, error) {
	sent := 0
	if r.token != "" {
		token := r.token
		r.token = "" // a reply token works once, whatever the outcome
		n := min(len(msgs), limits.messages)
		_, err := r.bot.client.Reply(ctx, token, msgs[:n])
		switch {
		case err == nil:
			sent = n
		case !invalidReplyToken(err):
			return 0, fmt.Errorf("line: Reply: replying: %w", err)
		case !r.bot.pushFallback:
			return 0, fmt.Errorf("line: Reply: the reply token was refused and WithPushFallback is not set: %w", err)
		}
	}
	for sent < len(msgs) {
		if r.to == "" {
			return sent, errors.New("line: Reply: nowhere to push: the event has no reply token left and no source")
		}
		n := min(len(msgs)-sent, limits.messages)
		if _, err := r.bot.client.Push(ctx, r.to, msgs[sent:sent+n]); err != nil {
			return sent, fmt.Errorf("line: Reply: pushing: %w", err)
		}
		sent += n
	}
	return sent, nil
}

// invalidReplyToken reports whether err is LINE refusing a reply token.
func invalidReplyToken(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.InvalidReplyToken()
}

// Typing implements message.Responder: the loading animation, in
// one-to-one chats only.
func (r *responder) Typing(ctx context.Context) error {
	if r.finished() {
		return errDone
	}
	if !r.user {
		return fmt.Errorf("line: the loading animation shows in one-to-one chats only: %w", errors.ErrUnsupported)
	}
	_, err := r.bot.client.ShowLoading(ctx, r.to, loadingSeconds)
	return err
}

// PassToHuman implements message.Responder: it releases chat control
// (module channels only; see [Client.PassToHuman]).
func (r *responder) PassToHuman(ctx context.Context) error {
	if r.finished() {
		return errDone
	}
	return r.bot.client.PassToHuman(ctx, r.to)
}

// TakeBack implements message.Responder: it acquires chat control
// (module channels only; see [Client.TakeBack]).
func (r *responder) TakeBack(ctx context.Context) error {
	if r.finished() {
		return errDone
	}
	return r.bot.client.TakeBack(ctx, r.to)
}

// Capabilities implements message.Responder: [Capabilities].
func (r *responder) Capabilities() message.Capabilities { return Capabilities }

// RenderOptions implements message.Responder: the [WithRenderOptions].
func (r *responder) RenderOptions() message.RenderOptions { return r.bot.render }

// finished reports whether the handler returned.
func (r *responder) finished() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done
}

// finish ends the Responder's validity, after a Reply in progress, and
// returns what the event reports: herr, and every failed Reply herr does
// not carry.
func (r *responder) finish(herr error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done = true
	if len(r.failed) == 0 {
		return herr
	}
	errs := make([]error, 0, len(r.failed)+1)
	if herr != nil {
		errs = append(errs, herr)
	}
	for _, f := range r.failed {
		if herr == nil || !errors.Is(herr, f) {
			errs = append(errs, f)
		}
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}
