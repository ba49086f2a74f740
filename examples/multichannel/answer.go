package main

import (
	"log/slog"

	"github.com/channelkit/channelkit/message"
)

// Answer is one turn of the conversation: what came in, what the bot
// answered, and what the platform could not show of it.
type Answer struct {
	Platform message.Platform
	In       message.Incoming
	Out      message.Content // nil when the bot stayed silent
	Report   message.Report
	Err      error // rendering or sending failed
}

// Observer is told about every turn. The server logs them; the demo prints
// them in its transcript.
type Observer interface {
	Observe(Answer)
}

// logObserver logs each turn with slog.
type logObserver struct{ log *slog.Logger }

func (o logObserver) Observe(a Answer) {
	attrs := []any{"platform", a.Platform, "kind", a.In.Kind, "user", a.In.UserID}
	if a.Out != nil {
		attrs = append(attrs, "answer", a.Out.Type())
	}
	for _, l := range a.Report.Losses {
		attrs = append(attrs, "loss", l.String())
	}
	if a.Err != nil {
		o.log.Error("answer failed", append(attrs, "err", a.Err)...)
		return
	}
	o.log.Info("answered", attrs...)
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
