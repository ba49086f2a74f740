package message

import (
	"context"
	"log/slog"
	"time"
)

// Observer sees every event a bot handles and every reply it sends: the
// one place for logs, metrics and traces. [Observe] calls it; [SlogObserver]
// logs. An OpenTelemetry adapter starts a span in EventStart and ends it in
// EventEnd.
type Observer interface {
	// EventStart is called before the handler, and may return a context
	// for it (with a span, say).
	EventStart(ctx context.Context, in *Incoming) context.Context
	// EventEnd is called after the handler, with its error and duration.
	EventEnd(ctx context.Context, in *Incoming, err error, d time.Duration)
	// Sent is called after every Reply.
	Sent(ctx context.Context, s Sent)
}

// Sent describes one Reply.
type Sent struct {
	Platform     Platform
	Conversation string
	// Contents is how many contents were passed to Reply.
	Contents int
	Duration time.Duration
	// Report holds every loss; Err is Reply's error.
	Report Report
	Err    error
}

// Observe returns middleware that reports every event and every Reply to
// o. Retried attempts are reported by each client's error handler.
func Observe(o Observer) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, in *Incoming, r Responder) error {
			start := time.Now()
			ctx = o.EventStart(ctx, in)
			err := next.Handle(ctx, in, &observed{Responder: r, o: o, in: in})
			o.EventEnd(ctx, in, err, time.Since(start))
			return err
		})
	}
}

type observed struct {
	Responder
	o  Observer
	in *Incoming
}

func (r *observed) Reply(ctx context.Context, contents ...Content) (Report, error) {
	start := time.Now()
	rep, err := r.Responder.Reply(ctx, contents...)
	r.o.Sent(ctx, Sent{
		Platform:     r.in.Platform,
		Conversation: r.in.ConversationID,
		Contents:     len(contents),
		Duration:     time.Since(start),
		Report:       rep,
		Err:          err,
	})
	return rep, err
}

// SlogObserver returns an Observer that logs to l: events and clean
// replies at Debug, lossy replies at Info, failures at Warn. It logs no
// content, only kinds, IDs, counts, durations and errors.
func SlogObserver(l *slog.Logger) Observer { return slogObserver{l} }

type slogObserver struct{ l *slog.Logger }

func (o slogObserver) EventStart(ctx context.Context, in *Incoming) context.Context { return ctx }

func (o slogObserver) EventEnd(ctx context.Context, in *Incoming, err error, d time.Duration) {
	level := slog.LevelDebug
	if err != nil {
		level = slog.LevelWarn
	}
	o.l.Log(ctx, level, "message: event handled",
		"platform", string(in.Platform), "kind", string(in.Kind), "event_id", in.EventID,
		"duration", d, "error", err)
}

func (o slogObserver) Sent(ctx context.Context, s Sent) {
	level := slog.LevelDebug
	switch {
	case s.Err != nil:
		level = slog.LevelWarn
	case !s.Report.Lossless():
		level = slog.LevelInfo
	}
	attrs := []any{"platform", string(s.Platform), "contents", s.Contents, "duration", s.Duration, "losses", len(s.Report.Losses)}
	if s.Err != nil {
		attrs = append(attrs, "error", s.Err)
	}
	o.l.Log(ctx, level, "message: reply sent", attrs...)
}
