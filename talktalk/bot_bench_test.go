package talktalk_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// benchReply is what both bots answer: n texts, the first echoing the
// user's.
func benchReply(in *message.Incoming, n int) []message.Content {
	text := "?"
	if t, ok := in.Content.(*message.Text); ok {
		text = t.Text
	}
	out := []message.Content{&message.Text{Text: "you said " + text}}
	for range n - 1 {
		out = append(out, &message.Text{Text: "and one more thing"})
	}
	return out
}

// benchBots returns the hand-written glue (NewWebhookHandler, ToIncoming,
// Render, the first message as the webhook response and the rest sent
// with the client) and the bot handler doing the same for n messages.
func benchBots(b *testing.B, n int, client *talktalk.Client) (glue, bot http.Handler) {
	loop, err := signature.NewAllowList([]string{"127.0.0.1", "211.249.40.0/27"})
	if err != nil {
		b.Fatal(err)
	}
	wh, err := talktalk.NewWebhookHandler(func(ctx context.Context, ev talktalk.Event) (talktalk.Event, error) {
		in, ok := talktalk.ToIncoming(ev)
		if !ok {
			return nil, nil
		}
		var first talktalk.Event
		for i, c := range benchReply(&in, n) {
			evs, _, err := talktalk.Render(c, message.RenderOptions{})
			if err != nil {
				return nil, err
			}
			if i == 0 {
				first = evs[0]
				continue
			}
			evs[0].User = ev.UserID()
			if _, err := client.Send(ctx, evs[0]); err != nil {
				return nil, err
			}
		}
		return first, nil
	}, talktalk.WithAllowList(loop))
	if err != nil {
		b.Fatal(err)
	}
	bh, err := talktalk.NewBotHandler(message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, benchReply(in, n)...)
		return err
	}), talktalk.WithAllowList(loop), talktalk.WithClient(client))
	if err != nil {
		b.Fatal(err)
	}
	return wh, bh
}

// benchSendAPI is a loopback send API answering plain success.
func benchSendAPI(b *testing.B) *talktalk.Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		_, _ = io.WriteString(w, `{"success":true,"resultCode":"00"}`)
	}))
	b.Cleanup(srv.Close)
	c, err := talktalk.New(testKey, talktalk.WithBaseURL(srv.URL+"/chatbot/v1/"), talktalk.WithHTTPClient(srv.Client()))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkBotHandler compares NewBotHandler with NewWebhookHandler plus
// the equivalent hand-written glue, ServeHTTP on a recorder, interleaved
// (pairRatio: ref is the glue): one reply (the webhook response only), and
// two (the second through a loopback send API).
func BenchmarkBotHandler(b *testing.B) {
	body := benchBody(b)
	client := benchSendAPI(b)
	for _, n := range []int{1, 2} {
		name := map[int]string{1: "response", 2: "response+send"}[n]
		glue, bot := benchBots(b, n, client)
		do := func(h http.Handler) func() {
			return func() {
				r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
				r.RemoteAddr = talktalktest.RemoteAddr
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != 200 || w.Body.Len() == 0 {
					b.Fatalf("status %d, %d bytes", w.Code, w.Body.Len())
				}
			}
		}
		b.Run(name+"/glue", func(b *testing.B) {
			f := do(glue)
			b.ReportAllocs()
			for b.Loop() {
				f()
			}
		})
		b.Run(name+"/bot", func(b *testing.B) {
			f := do(bot)
			b.ReportAllocs()
			for b.Loop() {
				f()
			}
		})
		b.Run(name+"/ratio", func(b *testing.B) { pairRatio(b, do(glue), do(bot)) })
	}
}
