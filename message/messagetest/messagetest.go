package messagetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/message"
)

// RenderFunc adapts a platform's Render to one shape: out holds the wire
// messages (anything that encodes to JSON), in the order they would be sent.
type RenderFunc func(c message.Content, opts message.RenderOptions) (out []any, rep message.Report, err error)

// An Option configures [TestRenderer] and [Check].
type Option func(*options)

type options struct {
	validate func(out []any) error
}

// WithValidator makes the suite pass every successful best-effort output
// to validate, the platform's own pre-send check: whatever Render produces
// must be sendable. Without it, output is only checked against the
// Capabilities.
func WithValidator(validate func(out []any) error) Option {
	return func(o *options) { o.validate = validate }
}

// TestRenderer runs the suite against render, one subtest per corpus case.
// It reports every problem on t and continues through the whole corpus.
func TestRenderer(t *testing.T, caps message.Capabilities, render RenderFunc, opts ...Option) {
	t.Helper()
	if caps.Platform == "" {
		t.Fatal("messagetest: Capabilities.Platform is empty")
	}
	for _, r := range Check(caps, render, opts...) {
		t.Run(r.Case, func(t *testing.T) {
			for _, p := range r.Problems {
				t.Error(p)
			}
		})
	}
}

// Result is what Check found for one corpus case.
type Result struct {
	Case     string
	Problems []string
}

// Check runs the suite against render and returns one Result per case
// (including "nil_content"), in corpus order. A renderer conforms when
// every Result has no Problems.
func Check(caps message.Capabilities, render RenderFunc, opts ...Option) []Result {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var out []Result
	nilRes := Result{Case: "nil_content"}
	if _, _, err := safeRender(render, nil, message.RenderOptions{}); err == nil {
		nilRes.Problems = append(nilRes.Problems, "rendering nil content succeeded; want an error")
	} else if errors.As(err, new(*panicError)) {
		nilRes.Problems = append(nilRes.Problems, err.Error())
	}
	out = append(out, nilRes)
	for _, tc := range Corpus(caps) {
		c := &checker{validate: o.validate}
		c.run(caps, render, tc)
		out = append(out, Result{Case: tc.Name, Problems: c.problems})
	}
	return out
}

func safeRender(render RenderFunc, c message.Content, o message.RenderOptions) (out []any, rep message.Report, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{r}
		}
	}()
	return render(c, o)
}

type panicError struct{ v any }

func (e *panicError) Error() string { return fmt.Sprintf("render panicked: %v", e.v) }

type checker struct {
	validate func([]any) error
	problems []string
}

func (c *checker) errorf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *checker) run(caps message.Capabilities, render RenderFunc, tc Case) {
	in := tc.New()
	out, rep, err := safeRender(render, in, message.RenderOptions{})
	var pe *panicError
	if errors.As(err, &pe) {
		c.errorf("best-effort: %v", err)
		return
	}
	if !reflect.DeepEqual(in, tc.New()) {
		c.errorf("render modified its input")
	}
	if err != nil {
		if emptyCases[tc.Name] {
			return
		}
		if !errors.Is(err, errors.ErrUnsupported) {
			c.errorf("best-effort render failed with %v; want success or an error wrapping errors.ErrUnsupported", err)
			return
		}
		// A platform may refuse a content outright; strict must refuse too.
		if _, _, serr := safeRender(render, tc.New(), message.RenderOptions{Strict: true}); serr == nil {
			c.errorf("strict render succeeded where best-effort failed")
		}
		return
	}

	outJSON, jerr := json.Marshal(out)
	if jerr != nil {
		c.errorf("output does not encode to JSON: %v", jerr)
		return
	}
	if c.validate != nil {
		if verr := c.validate(out); verr != nil {
			c.errorf("best-effort output fails the platform's own validation: %v", verr)
		}
	}

	// Loss paths name real fields.
	for _, l := range rep.Losses {
		if !pathExists(in, l.Path) {
			c.errorf("loss %q names no field of %T", l.Path, in)
		}
		if l.Reason < message.Dropped || l.Reason > message.Split {
			c.errorf("loss %q has invalid reason %d", l.Path, int(l.Reason))
		}
	}

	// Nothing lost silently.
	outStrings := stringLeaves(outJSON)
	for _, leaf := range contentLeaves(in) {
		if covered(rep, leaf.path) {
			continue
		}
		if !containsAny(outStrings, leaf.value) {
			c.errorf("%s (%q) is missing from the output and no loss reports it", leaf.path, clip(leaf.value))
		}
	}

	// Limits.
	if caps.MaxMessagesPerReply > 0 && len(out) > caps.MaxMessagesPerReply {
		c.errorf("rendered %d messages; capabilities allow %d", len(out), caps.MaxMessagesPerReply)
	}
	if caps.MaxTextLen > 0 {
		for _, s := range outStrings {
			if n := caps.TextUnit.Len(s); n > caps.MaxTextLen {
				c.errorf("output holds a string of %d %s; MaxTextLen is %d", n, caps.TextUnit, caps.MaxTextLen)
			}
		}
	}
	c.limitLosses(caps, in, rep)

	// Strict agrees with best-effort.
	sout, _, serr := safeRender(render, tc.New(), message.RenderOptions{Strict: true})
	if errors.As(serr, &pe) {
		c.errorf("strict: %v", serr)
		return
	}
	if rep.Lossless() {
		if serr != nil {
			c.errorf("strict render failed (%v) though best-effort reported no loss", serr)
		} else if sj, _ := json.Marshal(sout); string(sj) != string(outJSON) {
			c.errorf("strict output differs from lossless best-effort output:\n strict: %s\n best:   %s", sj, outJSON)
		}
	} else {
		if serr == nil {
			c.errorf("strict render succeeded though best-effort reported: %s", rep)
		} else if !errors.Is(serr, message.ErrLossy) || !errors.Is(serr, errors.ErrUnsupported) {
			c.errorf("strict error %v does not wrap message.ErrLossy and errors.ErrUnsupported", serr)
		}
	}

	// Deterministic.
	again, rep2, err2 := safeRender(render, tc.New(), message.RenderOptions{})
	if err2 != nil {
		c.errorf("second render failed: %v", err2)
		return
	}
	if aj, _ := json.Marshal(again); string(aj) != string(outJSON) {
		c.errorf("rendering is not deterministic")
	}
	if !reflect.DeepEqual(rep, rep2) {
		c.errorf("loss report is not deterministic: %s vs %s", rep, rep2)
	}
}

// checkLimitLosses requires a loss wherever the input exceeds a limit the
// capabilities declare, or uses something they do not support.
func (c *checker) limitLosses(caps message.Capabilities, in message.Content, rep message.Report) {
	need := func(path, why string) {
		for _, l := range rep.Losses {
			if l.Path == "" || l.Path == path || strings.HasPrefix(l.Path, path+".") || strings.HasPrefix(l.Path, path+"[") {
				return
			}
		}
		c.errorf("no loss reported under %s although %s", path, why)
	}
	if !caps.Supports(in.Type()) && rep.Lossless() {
		c.errorf("%s is not in Capabilities.Types, yet rendering reported no loss", in.Type())
	}
	if n := len(in.Replies()); n > 0 {
		if !caps.QuickReplies {
			need("QuickReplies", "the platform has no quick replies")
		} else if caps.MaxQuickReplies > 0 && n > caps.MaxQuickReplies {
			need("QuickReplies", fmt.Sprintf("%d quick replies exceed %d", n, caps.MaxQuickReplies))
		}
	}
	switch v := in.(type) {
	case *message.Text:
		if caps.MaxTextLen > 0 && caps.TextUnit.Len(v.Text) > caps.MaxTextLen {
			need("Text", "the text exceeds MaxTextLen")
		}
	case *message.Card:
		if caps.MaxButtons > 0 && len(v.Buttons) > caps.MaxButtons {
			need("Buttons", fmt.Sprintf("%d buttons exceed %d", len(v.Buttons), caps.MaxButtons))
		}
		for i, b := range v.Buttons {
			if caps.MaxButtonLabelLen > 0 && caps.TextUnit.Len(b.Label) > caps.MaxButtonLabelLen {
				need(fmt.Sprintf("Buttons[%d]", i), "the label exceeds MaxButtonLabelLen")
			}
		}
	case *message.Carousel:
		if caps.MaxCarouselCards > 0 && len(v.Cards) > caps.MaxCarouselCards {
			need("Cards", fmt.Sprintf("%d cards exceed %d", len(v.Cards), caps.MaxCarouselCards))
		}
	case *message.List:
		if caps.MaxListItems > 0 && len(v.Items) > caps.MaxListItems {
			need("Items", fmt.Sprintf("%d items exceed %d", len(v.Items), caps.MaxListItems))
		}
	default:
		// no per-type limits to check
	}
}

// covered reports whether a loss accounts for the string field at path: a
// loss at exactly that path (whatever its reason), or a Dropped loss at the
// path of a parent. Truncated, Split and Downgraded losses on a parent do
// not cover its fields: content shown in a poorer form must still show
// them, or report each one it lost.
// CheckIncoming checks the invariants every platform's ToIncoming must keep:
// Platform and Kind set, Content present exactly for messages, Raw set.
func CheckIncoming(t testing.TB, in message.Incoming) {
	t.Helper()
	if in.Platform == "" {
		t.Error("Incoming.Platform is empty")
	}
	switch in.Kind {
	case message.KindMessage:
		if in.Content == nil {
			t.Error("KindMessage with nil Content")
		}
	case message.KindPostback, message.KindFollow, message.KindUnfollow, message.KindJoin, message.KindLeave, message.KindOther:
		if in.Content != nil && in.Kind != message.KindOther {
			t.Errorf("%s event carries Content %T", in.Kind, in.Content)
		}
	default:
		t.Errorf("Incoming.Kind %q is not a known kind", in.Kind)
	}
	if in.Raw == nil {
		t.Error("Incoming.Raw is nil")
	}
	if in.ReceivedAt.IsZero() {
		t.Error("Incoming.ReceivedAt is zero")
	}
}
