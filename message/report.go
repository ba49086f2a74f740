package message

import (
	"errors"
	"fmt"
	"strings"
)

// Reason says how content was lost in rendering.
type Reason int

// The loss reasons.
const (
	// Dropped: the field is not in the output at all.
	Dropped Reason = iota + 1
	// Truncated: the field was cut to the platform's length limit.
	Truncated
	// Downgraded: the field is shown in a poorer form (a postback turned into
	// a plain message, a card into text, a video into a link).
	Downgraded
	// Split: the field was spread over several messages.
	Split
)

func (r Reason) String() string {
	switch r {
	case Dropped:
		return "dropped"
	case Truncated:
		return "truncated"
	case Downgraded:
		return "downgraded"
	case Split:
		return "split"
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// Loss is one thing a platform could not show faithfully.
type Loss struct {
	// Path is the neutral field, relative to the rendered Content, in Go
	// syntax: "Text", "Buttons[3]", "Cards[0].Image.URL".
	Path   string
	Reason Reason
	// Detail explains the loss for a human ("LINE allows 13 quick replies").
	// It never holds user content.
	Detail string
}

// String formats the loss as "Path: reason (detail)"; a loss of the whole
// content (empty Path) reads "content: reason (detail)".
func (l Loss) String() string {
	p := l.Path
	if p == "" {
		p = "content"
	}
	if l.Detail == "" {
		return p + ": " + l.Reason.String()
	}
	return p + ": " + l.Reason.String() + " (" + l.Detail + ")"
}

// Report lists what a render could not show. The zero value is an empty
// report, ready to use.
type Report struct {
	Losses []Loss
}

// Add records a loss.
func (r *Report) Add(path string, reason Reason, detail string) {
	r.Losses = append(r.Losses, Loss{Path: path, Reason: reason, Detail: detail})
}

// Addf records a loss with a formatted detail.
func (r *Report) Addf(path string, reason Reason, format string, args ...any) {
	r.Add(path, reason, fmt.Sprintf(format, args...))
}

// Merge appends other's losses, with prefix joined in front of their paths.
func (r *Report) Merge(prefix string, other Report) {
	for _, l := range other.Losses {
		l.Path = JoinPath(prefix, l.Path)
		r.Losses = append(r.Losses, l)
	}
}

// Lossless reports whether nothing was lost.
func (r Report) Lossless() bool { return len(r.Losses) == 0 }

func (r Report) String() string {
	if r.Lossless() {
		return "lossless"
	}
	parts := make([]string, len(r.Losses))
	for i, l := range r.Losses {
		parts[i] = l.String()
	}
	return strings.Join(parts, "; ")
}

// JoinPath joins two loss paths: JoinPath("Cards[1]", "Image") is
// "Cards[1].Image"; an index suffix joins without a dot.
func JoinPath(prefix, path string) string {
	switch {
	case prefix == "":
		return path
	case path == "":
		return prefix
	case strings.HasPrefix(path, "["):
		return prefix + path
	}
	return prefix + "." + path
}

// Index returns the path of element i of the slice field at path:
// Index("Buttons", 3) is "Buttons[3]".
func Index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// ErrLossy is wrapped by every error that strict rendering returns because
// something would have been lost. It wraps [errors.ErrUnsupported].
var ErrLossy = fmt.Errorf("message: lossy rendering: %w", errors.ErrUnsupported)

// LossyError is the error strict rendering returns. It carries the report
// that best-effort rendering would have produced.
type LossyError struct {
	Platform Platform
	Report   Report
}

// Error lists the losses that strict rendering refused.
func (e *LossyError) Error() string {
	return fmt.Sprintf("%s: lossy rendering: %s", e.Platform, e.Report)
}

// Unwrap returns [ErrLossy].
func (e *LossyError) Unwrap() error { return ErrLossy }

// RenderOptions controls a platform's Render.
type RenderOptions struct {
	// Strict turns any loss into an error wrapping ErrLossy instead of a
	// Report entry.
	Strict bool
}

// Check returns nil if rendering may go ahead with rep: always in
// best-effort mode, and in strict mode only when rep is lossless. Otherwise
// it returns a *LossyError.
func (o RenderOptions) Check(p Platform, rep Report) error {
	if !o.Strict || rep.Lossless() {
		return nil
	}
	return &LossyError{Platform: p, Report: rep}
}
