package kakao

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/message"
)

// BotHandler is an http.Handler that serves a skill with a neutral
// [message.Handler]: each skill request becomes a [message.Incoming]
// ([ToIncoming]), and what the handler replies becomes the skill response.
// It is a [WebhookHandler] underneath, with the same options, checks,
// status codes, cap, callback flow and error handler. It is safe for
// concurrent use.
//
// The Responder it hands the handler collects: each Reply renders its
// contents with [Render] and appends their outputs (and quick replies) to
// the response; outputs past [MaxOutputs] are not shown, and Reply reports
// them as [message.Dropped] and returns an error. When the handler
// returns, the response is written, or, with [WithCallback] once the
// budget has run out, POSTed to the callback URL exactly once. A handler
// that replied nothing answers {"version":"2.0"}: Kakao shows the block's
// own response, if it has one. A handler that fails after replying has
// its replies delivered and its error reported; one that fails without
// replying is answered as a failing [HandlerFunc] is (500 or the
// [WithFallback] response). Typing returns an error wrapping
// errors.ErrUnsupported, and PassToHuman and TakeBack one wrapping
// [message.ErrNoHandover]: a skill has neither.
//
// A failed Reply whose error the handler does not return itself is
// reported to the error handler, wrapping [ErrCallback]. Quick replies
// past [MaxQuickReplies], earlier replies' included, are Dropped losses
// and an error (strict rendering refuses their content).
//
// The Responder is valid until the handler returns: the answer is written
// then. A later Reply delivers nothing, reports every content as a
// [message.Dropped] loss and returns an error wrapping
// [message.ErrResponderDone]; Typing, PassToHuman and TakeBack return such
// an error too. Only the caller sees these errors, not the error handler.
type BotHandler struct {
	wh      *WebhookHandler
	h       message.Handler
	render  message.RenderOptions
	welcome string
}

// NewBotHandler returns a handler that answers skill requests with h. It
// takes every [HandlerOption] [NewWebhookHandler] takes ([WithCallback]
// and [WithClient] for the AI-chatbot callback), plus [WithRenderOptions]
// and [WithWelcomeBlock]. It performs no I/O.
func NewBotHandler(h message.Handler, opts ...HandlerOption) (*BotHandler, error) {
	if h == nil {
		return nil, argErr("NewBotHandler", "h", "nil handler")
	}
	wh, err := newWebhookHandler("NewBotHandler", opts)
	if err != nil {
		return nil, err
	}
	if wh.cfg.multiOnly != "" {
		return nil, argErr("NewBotHandler", "opts", wh.cfg.multiOnly+" configures the multi-bot handlers only")
	}
	b := &BotHandler{wh: wh, h: h, render: wh.cfg.render, welcome: wh.cfg.welcome}
	wh.fn = b.skill
	return b, nil
}

// WithRenderOptions sets how the Responder of a [BotHandler] renders
// (default best effort: losses are reported, not refused).
func WithRenderOptions(o message.RenderOptions) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		c.render, c.botOnly = o, "WithRenderOptions"
		return nil
	})
}

// WithWelcomeBlock makes a [BotHandler] hand requests from the block with
// this ID or name (the welcome block, which runs when a user opens the
// chat room) to its handler as a [message.KindFollow], without content.
// [ToIncoming] knows nothing of blocks: without this option they are
// messages like any other.
func WithWelcomeBlock(idOrName string) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if idOrName == "" {
			return argErr("WithWelcomeBlock", "idOrName", "empty block ID or name")
		}
		c.welcome, c.botOnly = idOrName, "WithWelcomeBlock"
		return nil
	})
}

// ServeHTTP implements http.Handler, as [WebhookHandler.ServeHTTP] does.
func (b *BotHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { b.wh.ServeHTTP(w, r) }

// Wait blocks until every handler call has returned and every callback
// has been delivered or has failed, or ctx is done; see
// [WebhookHandler.Wait].
func (b *BotHandler) Wait(ctx context.Context) error { return b.wh.Wait(ctx) }

func (b *BotHandler) form() redact.Form {
	wh := b.wh
	if wh == nil { // a zero BotHandler
		wh = &WebhookHandler{}
	}
	f := wh.form()
	f.Type = "kakao.BotHandler"
	return f
}

// Format writes the secret header's name and how many secrets the handler
// holds, for every verb.
func (b *BotHandler) Format(f fmt.State, verb rune) { b.form().Format(f, verb) }

// LogValue logs the secret header's name and how many secrets the handler
// holds.
func (b *BotHandler) LogValue() slog.Value { return b.form().LogValue() }

// noReply is the answer of a handler that replied nothing: a valid
// response with nothing to show ({"version":"2.0"}). It is never changed.
var noReply = &Response{Data: map[string]any{}}

// botCall is one request's neutral event and Responder, in one allocation.
type botCall struct {
	in   message.Incoming
	resp responder
}

// skill is the bot's skill function.
func (b *BotHandler) skill(ctx context.Context, r *http.Request, req *Request) (*Response, error) {
	c := &botCall{}
	var ok bool
	if c.in, ok = ToIncoming(req); !ok {
		return nil, errors.New("kakao: request not mapped to an event") // a nil request: unreachable
	}
	if b.welcome != "" && (req.UserRequest.Block.ID == b.welcome || req.UserRequest.Block.Name == b.welcome) {
		c.in.Kind, c.in.Content, c.in.Data = message.KindFollow, nil, ""
	}
	if b.wh.bots != nil {
		if bot, ok := BotFromContext(ctx); ok {
			c.in.BotID = bot.ID
		}
	}
	c.resp.b = b
	herr := b.h.Handle(ctx, &c.in, &c.resp)
	resp, err := c.resp.finish(herr)
	switch {
	case herr != nil && resp == nil:
		return nil, err // 500 or the fallback, reported
	case err != nil:
		b.wh.rp.Report(r, fmt.Errorf("kakao: %w: %w", ErrCallback, err))
	}
	if resp == nil {
		return noReply, nil
	}
	return resp, nil
}

// responder collects a skill response; see [BotHandler].
type responder struct {
	b *BotHandler

	mu   sync.Mutex // a call after the handler returned may race finish
	done bool
	resp *Response
	// failed is every error Reply returned: reported unless the handler
	// returns it.
	failed []error
}

var (
	errTooMany      = fmt.Errorf("kakao: reply: a response shows at most %d outputs", MaxOutputs)
	errTooManyQuick = fmt.Errorf("kakao: reply: a response shows at most %d quick replies", MaxQuickReplies)
	errDone         = fmt.Errorf("kakao: the answer was already written: %w", message.ErrResponderDone)
	errTyping       = fmt.Errorf("kakao: typing: %w", errors.ErrUnsupported)
	errHandover     = fmt.Errorf("kakao: %w", message.ErrNoHandover)
)

// Reply implements [message.Responder]: it renders contents and appends
// them to the response. A content that fails to render (strict rendering
// refusing a loss included) is not delivered, nor is any after it: those
// before it are, the rest are Dropped losses, and the error wraps the
// render error. Loss paths start with the content's index in
// contents ("[1].Buttons[3]"). After the handler returned it delivers
// nothing: every content is a Dropped loss and the error wraps
// [message.ErrResponderDone], for the caller only.
func (r *responder) Reply(ctx context.Context, contents ...message.Content) (message.Report, error) {
	var rep message.Report
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		for i := range contents {
			rep.Add(index(i), message.Dropped, "not delivered: the handler had returned and the answer was already written")
		}
		return rep, errDone
	}
	var errs []error
	for i, c := range contents {
		path := index(i)
		out, crep, err := Render(c, r.b.render)
		if err != nil {
			rep.Add(path, message.Dropped, "did not render: "+err.Error())
			errs = append(errs, fmt.Errorf("kakao: reply: content %s: %w", path, err))
			for k := i + 1; k < len(contents); k++ {
				rep.Add(index(k), message.Dropped, "held back: an earlier content did not render")
			}
			break
		}
		outs, quick := out.Template.Outputs, out.Template.QuickReplies
		room, quickRoom := MaxOutputs, MaxQuickReplies
		if r.resp != nil {
			room -= len(r.resp.Template.Outputs)
			quickRoom -= len(r.resp.Template.QuickReplies)
		}
		if len(outs) > room && (room <= 0 || r.b.render.Strict) {
			rep.Addf(path, message.Dropped, "a response shows at most %d outputs, and earlier replies hold them", MaxOutputs)
			errs = append(errs, fmt.Errorf("%w: content %s not delivered", errTooMany, path))
			continue
		}
		if len(quick) > quickRoom && r.b.render.Strict {
			rep.Addf(path, message.Dropped, "a response shows at most %d quick replies, earlier replies' included", MaxQuickReplies)
			errs = append(errs, fmt.Errorf("%w: content %s not delivered", errTooManyQuick, path))
			continue
		}
		if len(outs) > room {
			rep.Addf(path, message.Dropped, "a response shows at most %d outputs: %d of this content's %d did not fit", MaxOutputs, len(outs)-room, len(outs))
			errs = append(errs, fmt.Errorf("%w: content %s delivered in part", errTooMany, path))
			out.Template.Outputs = outs[:room]
		}
		if len(quick) > quickRoom {
			for k := max(quickRoom, 0); k < len(quick); k++ {
				rep.Addf(message.JoinPath(path, message.Index("QuickReplies", k)), message.Dropped,
					"a response shows at most %d quick replies, earlier replies' included", MaxQuickReplies)
			}
			errs = append(errs, fmt.Errorf("%w: content %s delivered without %d of its quick replies", errTooManyQuick, path, len(quick)-max(quickRoom, 0)))
			out.Template.QuickReplies = quick[:max(quickRoom, 0)]
		}
		rep.Merge(path, crep)
		r.add(out)
	}
	err := errors.Join(errs...)
	if err != nil {
		r.failed = append(r.failed, err)
	}
	return rep, err
}

// add appends out's outputs and quick replies, which fit, to the
// response; r.mu is held. The first content's response becomes the
// response.
func (r *responder) add(out *Response) {
	if r.resp == nil {
		r.resp = out
		return
	}
	t := r.resp.Template
	t.Outputs = append(t.Outputs, out.Template.Outputs...)
	t.QuickReplies = append(t.QuickReplies, out.Template.QuickReplies...)
}

// finish ends the Responder's validity, after a Reply in progress, and
// returns what it collected (nil: nothing) and what the request reports:
// herr, and every failed Reply herr does not carry.
func (r *responder) finish(herr error) (*Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done = true
	if len(r.failed) == 0 {
		return r.resp, herr
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
		return r.resp, errs[0]
	}
	return r.resp, errors.Join(errs...)
}

// finished reports whether the handler returned.
func (r *responder) finished() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done
}

// Typing implements [message.Responder]: Kakao has no typing indicator.
func (r *responder) Typing(context.Context) error { return r.unsupported(errTyping) }

// PassToHuman implements [message.Responder]: a skill cannot hand over.
func (r *responder) PassToHuman(context.Context) error { return r.unsupported(errHandover) }

// TakeBack implements [message.Responder]: a skill cannot hand over.
func (r *responder) TakeBack(context.Context) error { return r.unsupported(errHandover) }

// unsupported returns err, or errDone once the handler returned.
func (r *responder) unsupported(err error) error {
	if r.finished() {
		return errDone
	}
	return err
}

// Capabilities implements [message.Responder]: [Capabilities].
func (r *responder) Capabilities() message.Capabilities { return Capabilities }

// RenderOptions implements [message.Responder]: the [WithRenderOptions].
func (r *responder) RenderOptions() message.RenderOptions { return r.b.render }

// index is the loss path of contents[i].
func index(i int) string { return "[" + strconv.Itoa(i) + "]" }
