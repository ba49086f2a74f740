package naverworks_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/channelkit/channelkit/internal/benchpair"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
)

// answerBot is the Bot API answering every send 201 in process, so that
// the benchmark measures the handlers and not loopback.
type answerBot struct{}

func (answerBot) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusCreated, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

var benchAnswer = &message.Text{Text: "Hello, world! 안녕하세요 👋"}

// botPair returns a BotHandler and the same bot written by hand on
// NewWebhookHandler (ToIncoming, Render, one Client.Reply per message),
// both answering every message with benchAnswer through clients of their
// own.
func botPair(b *testing.B) (bot, glue http.Handler) {
	b.Helper()
	newClient := func() *naverworks.Client {
		c, err := naverworks.New(naverworkstest.BotID, benchTokens{&oauth2.Token{AccessToken: "bench-token", TokenType: "Bearer"}},
			naverworks.WithBaseURL("https://bench.invalid/v1.0/"), naverworks.WithHTTPClient(&http.Client{Transport: answerBot{}}))
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	set := signature.MustSecretSet(secret)
	bh, err := naverworks.NewBotHandler(set, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		if in.Kind != message.KindMessage {
			return nil
		}
		_, err := r.Reply(ctx, benchAnswer)
		return err
	}), naverworks.WithClient(newClient()), naverworks.WithBotID(naverworkstest.BotID))
	if err != nil {
		b.Fatal(err)
	}
	gc := newClient()
	gh, err := naverworks.NewWebhookHandler(set, func(ctx context.Context, ev naverworks.Event) error {
		in, ok := naverworks.ToIncoming(ev)
		if !ok || in.Kind != message.KindMessage {
			return nil
		}
		msgs, _, err := naverworks.Render(benchAnswer, message.RenderOptions{})
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if _, err := gc.Reply(ctx, ev, m); err != nil {
				return err
			}
		}
		return nil
	}, naverworks.WithBotID(naverworkstest.BotID))
	if err != nil {
		b.Fatal(err)
	}
	return bh, gh
}

func serveBench(b *testing.B, h http.Handler, sig string) {
	req := httptest.NewRequest(http.MethodPost, "/callback", bytes.NewReader(benchBody))
	req.Header.Set("X-WORKS-Signature", sig)
	req.Header.Set("X-WORKS-BotId", naverworkstest.BotID)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d", rec.Code)
	}
}

// BenchmarkBotHandler compares a BotHandler with the same bot glued by
// hand onto NewWebhookHandler: one text callback in, one text reply sent.
// "bot" and "glue" run each alone; "ratio" interleaves them request by
// request and reports the ratio of the medians (bot/glue) and of the
// allocations per request.
func BenchmarkBotHandler(b *testing.B) {
	sig := signature.SignHMACSHA256([]byte(secret), benchBody)
	bot, glue := botPair(b)
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"glue", glue}, {"bot", bot}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				serveBench(b, c.h, sig)
			}
		})
	}
	b.Run("ratio", func(b *testing.B) {
		b.ReportAllocs()
		benchpair.Medians(b, "glue", func() { serveBench(b, glue, sig) }, "bot", func() { serveBench(b, bot, sig) })
		ga := testing.AllocsPerRun(200, func() { serveBench(b, glue, sig) })
		oa := testing.AllocsPerRun(200, func() { serveBench(b, bot, sig) })
		b.ReportMetric(ga, "glue-allocs")
		b.ReportMetric(oa, "bot-allocs")
		b.ReportMetric(oa/ga, "allocs-ratio")
	})
}
