package line_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// stubLINE answers every request in process as LINE answers a reply, so
// that the benchmark measures the handlers, not the network.
type stubLINE struct{}

var stubAnswer = []byte(`{"sentMessages":[{"id":"461230966842064897","quoteToken":"IStG5h1Tz7b"}]}`)

func (stubLINE) RoundTrip(r *http.Request) (*http.Response, error) {
	_, _ = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": {"application/json"}, "X-Line-Request-Id": {"bench"}},
		Body:          io.NopCloser(bytes.NewReader(stubAnswer)),
		ContentLength: int64(len(stubAnswer)),
		Request:       r,
	}, nil
}

func stubClient(b *testing.B) *line.Client {
	c, err := line.New("bench-token", line.WithHTTPClient(&http.Client{Transport: stubLINE{}}))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// flushWriter is a discarding ResponseWriter that can flush, as the
// asynchronous handlers' acknowledgement wants.
type flushWriter struct{ discardWriter }

func (*flushWriter) Flush() {}

// glueHandler is what NewBotHandler replaces: an asynchronous
// WebhookHandler whose function echoes each message by hand, with
// ToIncoming, Render and Client.Reply.
func glueHandler(b *testing.B, c *line.Client) http.Handler {
	h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(ctx context.Context, cb *line.Callback) error {
		for _, ev := range cb.Events {
			in, ok := line.ToIncoming(ev)
			if !ok || in.Content == nil {
				continue
			}
			msgs, _, err := line.Render(in.Content, message.RenderOptions{})
			if err != nil {
				return err
			}
			if _, err := c.Reply(ctx, ev.(*line.MessageEvent).ReplyToken, msgs); err != nil {
				return err
			}
		}
		return nil
	}, line.WithAsync())
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// botHandler is the same echo as a message.Handler.
func botHandler(b *testing.B, c *line.Client) http.Handler {
	h, err := line.NewBotHandler(signature.MustSecretSet(secret), message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		if in.Content == nil {
			return errors.New("not a message")
		}
		_, err := r.Reply(ctx, in.Content)
		return err
	}), line.WithClient(c))
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkBotHandler compares the bot handler with the hand-written glue
// end to end in process (read, verify, decode, ToIncoming, Render, reply
// through the client to an in-process LINE): each alone (time and
// allocations), then alternating call by call ("ratio": x-ref is the
// bot's median time over the glue's).
func BenchmarkBotHandler(b *testing.B) {
	body := benchBody(1)
	c := stubClient(b)
	for _, bc := range []struct {
		name string
		h    func(*testing.B, *line.Client) http.Handler
	}{{"glue", glueHandler}, {"bot", botHandler}} {
		b.Run(bc.name, func(b *testing.B) {
			h := bc.h(b, c)
			r, reset := reusableRequest(body)
			w := &flushWriter{discardWriter{h: http.Header{}}}
			b.ReportAllocs()
			for b.Loop() {
				reset()
				h.ServeHTTP(w, r)
			}
		})
	}
	b.Run("ratio", func(b *testing.B) {
		glue, bot := glueHandler(b, c), botHandler(b, c)
		r1, reset1 := reusableRequest(body)
		r2, reset2 := reusableRequest(body)
		w := &flushWriter{discardWriter{h: http.Header{}}}
		medianRatio(b, func() {
			reset1()
			bot.ServeHTTP(w, r1)
		}, func() {
			reset2()
			glue.ServeHTTP(w, r2)
		})
	})
}

// medianRatio runs a and ref alternately, one call each, and reports the
// median time of each and the ratio of the medians (x-ref): on a busy
// machine a burst of load then spoils single calls of both, not a block
// of one.
func medianRatio(b *testing.B, a, ref func()) {
	b.Helper()
	var ta, tr []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		a()
		t1 := time.Now()
		ref()
		tr = append(tr, time.Since(t1))
		ta = append(ta, t1.Sub(t0))
	}
	slices.Sort(ta)
	slices.Sort(tr)
	ma, mr := float64(ta[len(ta)/2]), float64(tr[len(tr)/2])
	b.ReportMetric(ma, "p50-ns-ours")
	b.ReportMetric(mr, "p50-ns-ref")
	b.ReportMetric(ma/mr, "x-ref")
}
