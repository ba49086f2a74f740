package main

import (
	"log/slog"
	"net/http"

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

// Observer is told about every turn, and about every request a handler
// refused or could not answer. The server logs them; the demo prints them
// in its transcript.
type Observer interface {
	Observe(Answer)
	// Failed reports a request a platform's handler refused (a missing or
	// wrong credential: a secret, a signature, a path token) or could not
	// answer. err never holds a secret or the request body.
	Failed(platform message.Platform, r *http.Request, err error)
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

func (o logObserver) Failed(platform message.Platform, r *http.Request, err error) {
	o.log.ErrorContext(r.Context(), "webhook failed", "platform", platform, "err", err)
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
