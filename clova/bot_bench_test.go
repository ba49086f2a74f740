package clova_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/message"
)

// glueHandler is what a neutral bot costs written by hand on
// NewWebhookHandler: ToIncoming, Render, and the same answer the
// BotHandler gives (the request's session attributes sent back).
func glueHandler(b *testing.B) http.Handler {
	b.Helper()
	h, err := clova.NewWebhookHandler(clovatest.ApplicationID, func(_ context.Context, req *clova.Request) (*clova.Response, error) {
		in, ok := clova.ToIncoming(req)
		if !ok {
			return nil, nil
		}
		resp, _, err := clova.Render(&message.Text{Text: in.Data}, message.RenderOptions{})
		if err != nil {
			return nil, err
		}
		if req.Session != nil {
			resp.SessionAttributes = req.Session.SessionAttributes
		}
		return resp, nil
	}, clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// botHandler is the same bot on NewBotHandler.
func botHandler(b *testing.B) http.Handler {
	b.Helper()
	h, err := clova.NewBotHandler(clovatest.ApplicationID, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, &message.Text{Text: in.Data})
		return err
	}), clova.WithPublicKey(clovatest.PublicKey()))
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkBotHandler measures NewBotHandler against the hand-written glue
// on NewWebhookHandler, on the same signed intent request: each alone
// (glue, bot), then in turn in one loop (ratio), reporting each one's
// median time and allocations and the ratios bot/glue.
func BenchmarkBotHandler(b *testing.B) {
	body, sig := benchBody(b)
	glue, bot := glueHandler(b), botHandler(b)
	if g, o := answerOf(b, glue, body, sig), answerOf(b, bot, body, sig); g != o {
		b.Fatalf("the two answer differently:\nglue %s\nbot  %s", g, o)
	}
	b.Run("glue", func(b *testing.B) { runHandler(b, glue, body, sig) })
	b.Run("bot", func(b *testing.B) { runHandler(b, bot, body, sig) })
	b.Run("ratio", func(b *testing.B) {
		handlers := []http.Handler{glue, bot}
		rd := bytes.NewReader(body)
		r := httptest.NewRequest(http.MethodPost, "/", rd)
		r.Header.Set("SignatureCEK", sig)
		serve := func(h http.Handler) {
			rd.Reset(body)
			r.Body = io.NopCloser(rd)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
		allocs := make([]float64, len(handlers))
		for i, h := range handlers {
			allocs[i] = testing.AllocsPerRun(100, func() { serve(h) })
		}
		times := make([][]time.Duration, len(handlers))
		for i := 0; b.Loop(); i++ {
			k := i % len(handlers) // round robin
			start := time.Now()
			serve(handlers[k])
			times[k] = append(times[k], time.Since(start))
		}
		med := make([]float64, len(handlers))
		for i, ds := range times {
			if len(ds) == 0 {
				return
			}
			slices.Sort(ds)
			med[i] = float64(ds[len(ds)/2])
		}
		b.ReportMetric(med[0], "glue-ns/op")
		b.ReportMetric(med[1], "bot-ns/op")
		b.ReportMetric(med[1]/med[0], "ratio")
		b.ReportMetric(allocs[0], "glue-allocs/op")
		b.ReportMetric(allocs[1], "bot-allocs/op")
		b.ReportMetric(allocs[1]/allocs[0], "allocs-ratio")
	})
}

// answerOf returns h's answer to the signed body.
func answerOf(b *testing.B, h http.Handler, body []byte, sig string) string {
	b.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("SignatureCEK", sig)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d", rec.Code)
	}
	return rec.Body.String()
}
