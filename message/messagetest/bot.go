package messagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/channelkit/channelkit/message"
)

// Bot drives one platform's bot handler (NewBotHandler) for [TestBot].
type Bot struct {
	Platform message.Platform
	// Caps is the platform's Capabilities value.
	Caps message.Capabilities
	// Run serves one text message, "hello", from one user through a bot
	// handler built around h (a new handler and fake for every call),
	// waits until the handler is done, and returns the texts the platform
	// received for that user in the order it received them, whatever the
	// path (webhook response, reply, push, callback URL, speech), and the
	// errors the handler reported to its error handler.
	Run func(t testing.TB, h message.Handler) (received []string, reported []error)
}

// errHandler is the error the suite's failing handler returns.
var errHandler = errors.New("messagetest: the handler failed")

// TestBot runs the responder conformance suite against b: every reply is
// delivered exactly once and in order, or reported as a loss, and nothing
// else the suite replies is delivered; the Incoming is the user's text;
// Typing and hand-over are done or report that the platform cannot; the
// handler's error reaches the error handler; a Reply after the handler
// returned delivers nothing, is a Dropped loss and returns an error
// wrapping [message.ErrResponderDone].
func TestBot(t *testing.T, b Bot) {
	t.Helper()
	for _, c := range botCases(b) {
		t.Run(c.name, func(t *testing.T) {
			for _, p := range c.run(t, b) {
				t.Error(p)
			}
		})
	}
}

// lateWait bounds how long the suite waits for a Reply made after the
// handler returned.
const lateWait = 10 * time.Second

// run runs the case against b and returns its problems.
func (c botCase) run(t testing.TB, b Bot) []string {
	probe := &botProbe{returned: make(chan struct{})}
	var once sync.Once
	got, reported := b.Run(t, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		defer once.Do(func() { close(probe.returned) })
		probe.calls++
		probe.in = *in
		return c.handle(ctx, in, r, probe)
	}))
	if probe.calls != 1 {
		return []string{fmt.Sprintf("the handler ran %d times for one event, want 1", probe.calls)}
	}
	if probe.late != nil {
		select {
		case <-probe.late:
		case <-time.After(lateWait):
			return []string{fmt.Sprintf("a Reply after the handler returned did not return within %v", lateWait)}
		}
	}
	return c.check(b, probe, got, reported)
}

// botProbe records what the suite's handler saw.
type botProbe struct {
	calls   int
	in      message.Incoming
	reports []message.Report
	errs    []error
	typing  error
	pass    error
	take    error
	caps    message.Capabilities
	opts    message.RenderOptions

	// returned is closed when the handler has returned.
	returned chan struct{}
	// late, when set, is closed once the Reply after the return is made,
	// with its report and error.
	late    chan struct{}
	lateRep message.Report
	lateErr error
}

type botCase struct {
	name   string
	handle func(ctx context.Context, in *message.Incoming, r message.Responder, p *botProbe) error
	check  func(b Bot, p *botProbe, got []string, reported []error) []string
}

func reply(ctx context.Context, r message.Responder, p *botProbe, texts ...string) {
	cs := make([]message.Content, len(texts))
	for i, s := range texts {
		cs[i] = &message.Text{Text: s}
	}
	rep, err := r.Reply(ctx, cs...)
	p.reports = append(p.reports, rep)
	p.errs = append(p.errs, err)
}

// delivered checks that got holds want in order, each exactly once, except
// those reported lost (a loss each, and an error), and none of the suite's
// other texts; it returns the problems. Texts the suite never replies
// (an echo of "hello", say) are the platform's business.
func delivered(want []string, got []string, p *botProbe) []string {
	var problems []string
	seen := map[string]int{}
	for _, g := range got {
		seen[g]++
	}
	var unasked []string
	for _, g := range got {
		if suiteTexts[g] && !slices.Contains(want, g) && !slices.Contains(unasked, g) {
			unasked = append(unasked, g)
		}
	}
	if len(unasked) > 0 {
		problems = append(problems, fmt.Sprintf("%q delivered but never asked for", unasked))
	}
	losses := 0
	for _, rep := range p.reports {
		losses += len(rep.Losses)
	}
	failed := slices.ContainsFunc(p.errs, func(e error) bool { return e != nil })
	var missing []string
	for _, w := range want {
		switch n := seen[w]; {
		case n > 1:
			problems = append(problems, fmt.Sprintf("%q delivered %d times, want once", w, n))
		case n == 0:
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 && (losses < len(missing) || !failed) {
		problems = append(problems, fmt.Sprintf("%q not delivered, yet Reply reported fewer losses or no error (losses %d, error %v)", missing, losses, failed))
	}
	// Order: the delivered ones appear in want's order.
	var order []string
	for _, g := range got {
		if slices.Contains(want, g) {
			order = append(order, g)
		}
	}
	var wantOrder []string
	for _, w := range want {
		if seen[w] > 0 {
			wantOrder = append(wantOrder, w)
		}
	}
	if !slices.Equal(slices.Compact(order), wantOrder) {
		problems = append(problems, fmt.Sprintf("delivered in order %q, want %q", order, wantOrder))
	}
	return problems
}

// lateText is what the suite replies after the handler returned.
const lateText = "too late"

// suiteTexts are the texts the suite replies (the parts up to
// maxParts): a delivered one the case did not ask for is a problem.
var suiteTexts = func() map[string]bool {
	m := map[string]bool{"one": true, "first": true, "second": true, lateText: true}
	for i := range maxParts {
		m[partText(i)] = true
	}
	return m
}()

// maxParts bounds the parts the suite counts as its own.
const maxParts = 64

func partText(i int) string { return "part " + strconv.Itoa(i+1) }

// afterReturn waits until the handler has returned and the Responder says
// so (Typing wraps message.ErrResponderDone; a Responder that never says
// so gets a second), then replies lateText and records the outcome.
func afterReturn(r message.Responder, p *botProbe) {
	defer close(p.late)
	<-p.returned
	ctx := context.Background()
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if errors.Is(r.Typing(ctx), message.ErrResponderDone) {
			break
		}
	}
	p.lateRep, p.lateErr = r.Reply(ctx, &message.Text{Text: lateText})
}

func botCases(b Bot) []botCase {
	many := b.Caps.MaxMessagesPerReply + 2
	if b.Caps.MaxMessagesPerReply <= 0 {
		many = 3
	}
	var manyTexts []string
	for i := range many {
		manyTexts = append(manyTexts, partText(i))
	}
	return []botCase{
		{
			name: "incoming",
			handle: func(ctx context.Context, in *message.Incoming, r message.Responder, p *botProbe) error {
				p.caps, p.opts = r.Capabilities(), r.RenderOptions()
				return nil
			},
			check: func(b Bot, p *botProbe, got []string, reported []error) []string {
				var problems []string
				if p.in.Platform != b.Platform || p.in.Kind != message.KindMessage {
					problems = append(problems, fmt.Sprintf("Incoming is %s/%s, want %s/%s", p.in.Platform, p.in.Kind, b.Platform, message.KindMessage))
				}
				if txt, ok := p.in.Content.(*message.Text); !ok || txt.Text != "hello" {
					problems = append(problems, fmt.Sprintf("Incoming.Content is %#v, want the text \"hello\"", p.in.Content))
				}
				if p.in.ConversationID == "" {
					problems = append(problems, "Incoming.ConversationID is empty")
				}
				if p.caps.MaxTextLen != b.Caps.MaxTextLen || p.caps.MaxMessagesPerReply != b.Caps.MaxMessagesPerReply {
					problems = append(problems, "Responder.Capabilities is not the platform's Capabilities")
				}
				if p.opts.Strict {
					problems = append(problems, "RenderOptions is strict by default, want best effort")
				}
				if len(got) != 0 || len(reported) != 0 {
					problems = append(problems, fmt.Sprintf("a handler that answered nothing delivered %q and reported %v", got, reported))
				}
				return problems
			},
		},
		{
			name: "one reply",
			handle: func(ctx context.Context, in *message.Incoming, r message.Responder, p *botProbe) error {
				reply(ctx, r, p, "one")
				return nil
			},
			check: func(b Bot, p *botProbe, got []string, reported []error) []string {
				problems := delivered([]string{"one"}, got, p)
				if p.errs[0] != nil || len(p.reports[0].Losses) != 0 {
					problems = append(problems, fmt.Sprintf("Reply of one short text: error %v, losses %v", p.errs[0], p.reports[0].Losses))
				}
				if len(reported) != 0 {
					problems = append(problems, fmt.Sprintf("reported %v for a clean reply", reported))
				}
				return problems
			},
		},
		{
			name: "replies in order",
			handle: func(ctx context.Context, in *message.Incoming, r message.Responder, p *botProbe) error {
				reply(ctx, r, p, "first")
				reply(ctx, r, p, "second")
				return nil
			},
			check: func(b Bot, p *botProbe, got []string, reported []error) []string {
				return delivered([]string{"first", "second"}, got, p)
			},
		},
		{
			name: "more than one reply holds",
			handle: func(ctx context.Context, in *message.Incoming, r message.Responder, p *botProbe) error {
				reply(ctx, r, p, manyTexts...)
				return nil
			},
			check: func(b Bot, p *botProbe, got []string, reported []error) []string {
				return delivered(manyTexts, got, p)
			},
		},
		{
			name: "typing and hand-over",
			handle: func(ctx context.Context, in *message.Incoming, r message.Responder, p *botProbe) error {
				p.typing = r.Typing(ctx)
				p.pass = r.PassToHuman(ctx)
				p.take = r.TakeBack(ctx)
				return nil
			},
			check: func(b Bot, p *botProbe, got []string, reported []error) []string {
				var problems []string
				if p.typing != nil && !errors.Is(p.typing, errors.ErrUnsupported) {
					problems = append(problems, fmt.Sprintf("Typing: %v, want nil or an error wrapping errors.ErrUnsupported", p.typing))
				}
				for _, e := range []error{p.pass, p.take} {
					if e != nil && !errors.Is(e, message.ErrNoHandover) {
						problems = append(problems, fmt.Sprintf("hand-over: %v, want nil or an error wrapping message.ErrNoHandover", e))
					}
				}
				return problems
			},
		},
		{
			name: "reply after return",
			handle: func(ctx context.Context, in *message.Incoming, r message.Responder, p *botProbe) error {
				p.late = make(chan struct{})
				go afterReturn(r, p)
				return nil
			},
			check: func(b Bot, p *botProbe, got []string, reported []error) []string {
				var problems []string
				if slices.Contains(got, lateText) {
					problems = append(problems, fmt.Sprintf("a Reply after the handler returned delivered %q", lateText))
				}
				if !errors.Is(p.lateErr, message.ErrResponderDone) {
					problems = append(problems, fmt.Sprintf("Reply after the handler returned: error %v, want one wrapping message.ErrResponderDone", p.lateErr))
				}
				if !slices.ContainsFunc(p.lateRep.Losses, func(l message.Loss) bool { return l.Path == "[0]" && l.Reason == message.Dropped }) {
					problems = append(problems, fmt.Sprintf("Reply after the handler returned: losses %v, want a Dropped loss at [0]", p.lateRep.Losses))
				}
				if len(reported) != 0 {
					problems = append(problems, fmt.Sprintf("reported %v for a Reply after the handler returned: its caller has the error", reported))
				}
				return problems
			},
		},
		{
			name: "handler error is reported",
			handle: func(ctx context.Context, in *message.Incoming, r message.Responder, p *botProbe) error {
				return errHandler
			},
			check: func(b Bot, p *botProbe, got []string, reported []error) []string {
				if !slices.ContainsFunc(reported, func(e error) bool { return errors.Is(e, errHandler) }) {
					return []string{fmt.Sprintf("the handler's error did not reach the error handler (reported %v)", reported)}
				}
				return nil
			},
		},
	}
}
