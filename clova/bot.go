package clova

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/message"
)

// BotHandler is an http.Handler that serves a CEK custom extension with a
// neutral [message.Handler]: the same verification, decoding, in-flight cap,
// status codes, logger and error handler as [WebhookHandler], with each
// request turned into a [message.Incoming] by [ToIncoming] (requests it
// does not map, device telemetry, are answered with an empty response and
// never reach the Handler).
//
// CEK's reply model is the response itself: the Responder's Reply renders
// each content with [RenderLang] in the request's language (Korean, English
// or Japanese from its locale; Korean when it has none) and appends the
// speech to what earlier Reply calls said; the response is written when the
// Handler returns. One response speaks at most 1,000 characters: a reply
// past that budget is cut (a Truncated loss) or not spoken at all (a
// Dropped loss, and an error). A content CEK cannot say (it fails to
// render, strict rendering included, or is past the budget) holds back
// the rest of its Reply: the contents before it are spoken, it and those
// after it are Dropped losses, and Reply's error wraps the failure. Any
// reply to a SessionEndedRequest, whose response CLOVA ignores, is a
// Dropped loss and an error too. A Handler that returns an error, or
// panics, is answered 500, never with half an answer, and its error goes to
// [WithErrorHandler] wrapping [ErrCallback]; so does every content a
// successful Handler replied but CEK could not speak, while the rest is
// answered 200. Typing returns an error wrapping errors.ErrUnsupported,
// PassToHuman and TakeBack one wrapping [message.ErrNoHandover].
//
// The Responder is valid until the Handler returns. A later Reply delivers
// nothing, reports every content as a [message.Dropped] loss and returns
// an error wrapping [message.ErrResponderDone]; Typing, PassToHuman and
// TakeBack return such an error too. Only the caller sees these errors,
// not the error handler.
//
// The conversation state is the session attributes when no state store is
// set: unless the context already holds a [message.Conversation] (put
// there by [message.Conversations] or an outer middleware), the Handler's
// context holds one whose value is the string session attribute
// [StateAttribute]. A value the Handler sets is written back into the
// response's session attributes, and the session is kept open
// (shouldEndSession false) so that CLOVA sends it back with the user's next
// utterance; otherwise the response ends the session, as [NewResponse]
// does. The request's other session attributes are always sent back.
//
// A BotHandler is safe for concurrent use. It prints (every fmt verb, slog)
// as clova.BotHandler{ExtensionID:"…"}.
type BotHandler struct {
	wh     *WebhookHandler
	h      message.Handler
	render message.RenderOptions
}

// StateAttribute is the session attribute in which a [BotHandler] keeps the
// conversation state: a JSON string.
const StateAttribute = "channelkit.state"

// NewBotHandler returns a handler for the extension extensionID that
// answers with h. It takes every option [NewWebhookHandler] takes, and
// [WithRenderOptions]. An empty extension ID, a nil h and a nil or failing
// option are errors.
func NewBotHandler(extensionID string, h message.Handler, opts ...HandlerOption) (*BotHandler, error) {
	if extensionID == "" {
		return nil, argError("NewBotHandler", "extensionID", "is empty")
	}
	if h == nil {
		return nil, argError("NewBotHandler", "h", "is nil")
	}
	wh, c, err := newWebhookHandler("NewBotHandler", extensionID, opts)
	if err != nil {
		return nil, err
	}
	if c.multiOnly != "" {
		return nil, argError("NewBotHandler", "opts", c.multiOnly+" only configures a multi-bot handler")
	}
	b := &BotHandler{wh: wh, h: h, render: c.render}
	wh.bot = b
	return b, nil
}

func (b *BotHandler) form() redact.Form {
	wh := b.wh
	if wh == nil { // a zero BotHandler
		wh = &WebhookHandler{}
	}
	return redact.Form{Type: "clova.BotHandler", Fields: []redact.Field{{Name: "ExtensionID", Value: wh.extensionID}}}
}

// Format writes the handler's extension ID, for every verb.
func (b *BotHandler) Format(f fmt.State, verb rune) { b.form().Format(f, verb) }

// LogValue logs the handler's extension ID.
func (b *BotHandler) LogValue() slog.Value { return b.form().LogValue() }

// ServeHTTP verifies, decodes and answers one CEK request; see
// [WebhookHandler] for the status codes.
func (b *BotHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { b.wh.ServeHTTP(w, r) }

// Wait blocks until every call of the Handler has returned, or ctx is done,
// as [WebhookHandler.Wait] does.
func (b *BotHandler) Wait(ctx context.Context) error { return b.wh.Wait(ctx) }

// botCall is one request's Incoming, Conversation and Responder, in one
// allocation.
type botCall struct {
	in   message.Incoming
	conv message.Conversation
	rs   responder
}

// run answers one verified request: the runner's job.
func (b *BotHandler) run(ctx context.Context, r *http.Request, req *Request, bot *Bot) (*Response, error) {
	c := new(botCall)
	var ok bool
	if c.in, ok = ToIncoming(req); !ok {
		return nil, nil
	}
	if bot != nil {
		c.in.BotID = bot.ID
	}
	_, ended := req.Request.(*SessionEndedRequest)
	c.rs = responder{b: b, r: r, lang: langOf(req), ended: ended}
	conv := message.ConversationFrom(ctx)
	if conv == nil {
		c.conv = *message.NewConversation(c.in.ConversationID, stateOf(req))
		conv = &c.conv
		ctx = message.WithConversation(ctx, conv)
	}
	err := b.handle(ctx, &c.in, &c.rs)
	if err != nil {
		return nil, err
	}
	resp := c.rs.response()
	if conv == &c.conv {
		if resp.SessionAttributes, err = attributesWith(req, conv); err != nil {
			return nil, err
		}
		if conv.Changed() && conv.Value() != nil {
			resp.Response.ShouldEndSession = false
		}
	} else if req.Session != nil {
		resp.SessionAttributes = req.Session.SessionAttributes
	}
	if c.rs.lost != nil {
		b.report(r, c.rs.lost)
	}
	return resp, nil
}

// handle calls the Handler, and closes the Responder when it returns or
// panics.
func (b *BotHandler) handle(ctx context.Context, in *message.Incoming, rs *responder) error {
	defer rs.close()
	return b.h.Handle(ctx, in, rs)
}

// report passes a delivery failure to the error handler and the logger.
func (b *BotHandler) report(r *http.Request, err error) {
	err = fmt.Errorf("clova: %w: %w", ErrCallback, err)
	b.wh.rp.Report(r, err)
}

// langOf returns the speech language of req's locale ("ja-JP" speaks
// Japanese), or Korean.
func langOf(req *Request) Lang {
	loc := req.Info().Locale
	if i := strings.IndexAny(loc, "-_"); i >= 0 {
		loc = loc[:i]
	}
	switch l := Lang(strings.ToLower(loc)); l {
	case English, Japanese:
		return l
	}
	return Korean
}

// responder is CEK's [message.Responder]: it collects the speech of every
// Reply for the one response.
type responder struct {
	b    *BotHandler
	r    *http.Request
	lang Lang

	mu     sync.Mutex
	done   bool         // the Handler returned
	ended  bool         // the request ended the session: CLOVA ignores the response
	single *Response    // the one content's rendered response, kept as is
	values []SpeechInfo // everything spoken, in order
	used   int          // PlainText characters in values
	lost   error        // what was not delivered, for the error handler
}

var _ message.Responder = (*responder)(nil)

// errDone is the error of a Responder used after the Handler returned.
var errDone = fmt.Errorf("clova: the response was already sent: %w", message.ErrResponderDone)

// Reply implements [message.Responder]. A content's loss paths are
// prefixed with its index among contents ("[1].Text"). A content CEK
// cannot say (it fails to render, strict rendering refuses a loss, or it
// is past the speech budget) is not spoken, nor is any after it: those
// before it are, the rest are Dropped losses, and the error wraps the
// failure. After the Handler
// returned it delivers nothing: every content is a Dropped loss and the
// error wraps [message.ErrResponderDone], for the caller only.
func (rs *responder) Reply(ctx context.Context, contents ...message.Content) (message.Report, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	var rep message.Report
	if rs.done {
		for i := range contents {
			rep.Add(at(i), message.Dropped, "not delivered: the handler had returned")
		}
		return rep, errDone
	}
	var errs []error
	for i, c := range contents {
		p := at(i)
		if rs.ended {
			rep.Add(p, message.Dropped, "not delivered: CLOVA ignores the response to a SessionEndedRequest")
			errs = append(errs, fmt.Errorf("clova: reply%s: the session has ended: %w", p, errors.ErrUnsupported))
			continue
		}
		if err := rs.say(p, c, &rep); err != nil {
			errs = append(errs, err)
			for k := i + 1; k < len(contents); k++ {
				rep.Add(at(k), message.Dropped, "held back: CEK could not say an earlier content")
			}
			break
		}
	}
	if len(errs) == 0 {
		return rep, nil
	}
	err := errors.Join(errs...)
	rs.lost = errors.Join(rs.lost, err)
	return rep, err
}

// say renders c and appends its speech within the response's budget,
// recording its losses in rep at path p. A content that is not spoken at
// all is a Dropped loss at p, and an error.
func (rs *responder) say(p string, c message.Content, rep *message.Report) error {
	resp, crep, err := RenderLang(rs.lang, c, rs.b.render)
	if err != nil {
		rep.Add(p, message.Dropped, "did not render: "+err.Error())
		return fmt.Errorf("clova: reply%s: %w", p, err)
	}
	speech := resp.Response.OutputSpeech
	vals := speech.Values
	if speech.Type == SpeechSetType {
		vals = nil
		if speech.Verbose != nil {
			vals = speech.Verbose.Values
		}
		crep.Add("", message.Downgraded, "a reply speaks a SpeechSet's verbose speech only")
	}
	kept, used, cut := rs.fit(vals)
	if cut {
		if len(kept) == 0 {
			rep.Add(p, message.Dropped, "did not render: over CEK's 1,000-character speech limit for one response")
			return fmt.Errorf("clova: reply%s: over CEK's %d-character speech limit for one response: %w", p, limits.SpeechRunes, errors.ErrUnsupported)
		}
		crep.Addf("", message.Truncated, "CEK speaks at most %d characters per response", limits.SpeechRunes)
	}
	if len(kept) == 0 {
		rep.Add(p, message.Dropped, "did not render: nothing to say")
		return fmt.Errorf("clova: reply%s: nothing to say: %w", p, errors.ErrUnsupported)
	}
	if err := rs.b.render.Check(message.Clova, crep); err != nil {
		rep.Add(p, message.Dropped, "did not render: strict rendering refused a loss")
		return fmt.Errorf("clova: reply%s: %w", p, err)
	}
	rep.Merge(p, crep)
	if len(rs.values) == 0 && !cut && speech.Type != SpeechSetType {
		rs.single, rs.values = resp, vals
	} else {
		rs.single = nil
		rs.values = append(rs.values[:len(rs.values):len(rs.values)], kept...)
	}
	rs.used = used
	return nil
}

// fit returns the values of vals that fit the response's speech budget
// after what is already said, the budget used with them, and whether any
// text was cut. A value that crosses the budget is truncated to it.
func (rs *responder) fit(vals []SpeechInfo) (kept []SpeechInfo, used int, cut bool) {
	used = rs.used
	for _, v := range vals {
		if v.Type == PlainTextType {
			used += utf8.RuneCountInString(v.Value)
		}
	}
	if used <= limits.SpeechRunes {
		return vals, used, false
	}
	used = rs.used
	for _, v := range vals {
		if v.Type != PlainTextType {
			kept = append(kept, v)
			continue
		}
		n := utf8.RuneCountInString(v.Value)
		if left := limits.SpeechRunes - used; n > left {
			v.Value, _ = message.TruncateText(v.Value, max(left, 0), message.Runes)
			if left <= 0 || strings.TrimSpace(v.Value) == "" {
				continue
			}
			n = left
		}
		kept = append(kept, v)
		used += n
	}
	return kept, used, true
}

// at returns the loss path of content i of a Reply: "[i]".
func at(i int) string {
	if i < len(indexPaths) {
		return indexPaths[i]
	}
	return "[" + strconv.Itoa(i) + "]"
}

// indexPaths are the paths of the first contents, so that a Reply costs
// no allocation for them.
var indexPaths = [...]string{"[0]", "[1]", "[2]", "[3]", "[4]", "[5]", "[6]", "[7]"}

// close ends the Responder's validity: later Reply calls deliver nothing.
func (rs *responder) close() {
	rs.mu.Lock()
	rs.done = true
	rs.mu.Unlock()
}

// response returns the response that says everything replied.
func (rs *responder) response() *Response {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	switch {
	case rs.single != nil:
		return rs.single
	case len(rs.values) == 0:
		return &Response{Response: ResponseBody{ShouldEndSession: true}}
	case len(rs.values) == 1:
		return NewResponse(SimpleSpeech(rs.values[0]))
	}
	return NewResponse(SpeechList(rs.values...))
}

// Typing returns an error wrapping errors.ErrUnsupported: CLOVA speaks
// when the response comes.
func (rs *responder) Typing(context.Context) error {
	return rs.unsupported(errTyping)
}

// PassToHuman returns an error wrapping [message.ErrNoHandover].
func (rs *responder) PassToHuman(context.Context) error {
	return rs.unsupported(errHandover)
}

// TakeBack returns an error wrapping [message.ErrNoHandover].
func (rs *responder) TakeBack(context.Context) error {
	return rs.unsupported(errHandover)
}

var (
	errTyping   = fmt.Errorf("clova: typing: %w", errors.ErrUnsupported)
	errHandover = fmt.Errorf("clova: %w", message.ErrNoHandover)
)

// unsupported returns err, or errDone once the Handler returned.
func (rs *responder) unsupported(err error) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.done {
		return errDone
	}
	return err
}

// Capabilities returns [Capabilities].
func (rs *responder) Capabilities() message.Capabilities { return Capabilities }

// RenderOptions returns the options of [WithRenderOptions].
func (rs *responder) RenderOptions() message.RenderOptions { return rs.b.render }
