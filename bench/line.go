package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/channelkit/channelkit/internal/benchref"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

const lineSecret = linetest.ChannelSecret

// lineBody returns a webhook body with n text message events (about 600
// bytes each, like LINE's).
func lineBody(n int) []byte {
	evs := make([]string, n)
	for i := range evs {
		evs[i] = fmt.Sprintf(`{"type":"message","message":{"type":"text","id":"46878957789826%04d","quoteToken":"q3Plxr4AgKd2B4W7TBIdePUy7A4ssbeH9OxJg3ucGJoDvxNdTl8jHmwWB9hG7wYNthFwi0V7HH7GzFo4WZhNyJSjIAfqFV","text":"Hello, world! 안녕하세요 👋"},"webhookEventId":"01HQZ5N7Y0XKJ6S2T9B4C8D%03d","deliveryContext":{"isRedelivery":false},"timestamp":1700000000000,"source":{"type":"user","userId":"U4af4980629a6b2b1a2b3c4d5e6f7a8b9"},"replyToken":"b60d432864f44d079f6d8efe86cf404b","mode":"active"}`, i, i)
	}
	return []byte(`{"destination":"U0123456789abcdef0123456789abcdef","events":[` + strings.Join(evs, ",") + `]}`)
}

func lineHeader(body []byte) http.Header {
	return http.Header{line.SignatureHeader: {linetest.SignBody(lineSecret, body)}, "Content-Type": {"application/json"}}
}

// linePairs: verify+parse against line-bot-sdk-go, the handler and the
// bot handler against their references, and Push against a raw POST.
func linePairs() ([]pair, error) {
	set := signature.MustSecretSet(lineSecret)
	var ps []pair
	for _, n := range []int{1, 10} {
		body := lineBody(n)
		r1, r2 := newReplay("/callback", body, lineHeader(body)), newReplay("/callback", body, lineHeader(body))
		ps = append(ps, pair{
			name:    fmt.Sprintf("LINE verify+parse, %d %s", n, plural(n, "event")),
			refName: "line-bot-sdk-go webhook.ParseRequest",
			ref: func() error {
				r2.rd.Reset(body)
				cb, err := webhook.ParseRequest(lineSecret, r2.r)
				if err == nil && len(cb.Events) != n {
					err = errors.New("events lost")
				}
				return err
			},
			ours: func() error {
				r1.rd.Reset(body)
				cb, err := line.ParseRequest(set, r1.r)
				if err == nil && len(cb.Events) != n {
					err = errors.New("events lost")
				}
				return err
			},
			budget:   0.25,
			allocMax: 0.2,
			allocs:   true,
		})
	}
	ours, err := line.NewWebhookHandler(set, func(context.Context, *line.Callback) error { return nil })
	if err != nil {
		return nil, err
	}
	for _, n := range []int{1, 10} {
		body := lineBody(n)
		ps = append(ps, handlerPairs(fmt.Sprintf("LINE (%d %s)", n, plural(n, "event")), "/callback", body, lineHeader(body), benchref.LINE(lineSecret), ours, 1.1)...)
	}

	// NewBotHandler against the same echo written by hand: an asynchronous
	// WebhookHandler (the bot handler acknowledges first too) whose
	// function converts, renders and replies.
	stub, err := line.New("bench-token", line.WithHTTPClient(&http.Client{Transport: stubLINE{}}))
	if err != nil {
		return nil, err
	}
	glue, err := line.NewWebhookHandler(set, func(ctx context.Context, cb *line.Callback) error {
		for _, ev := range cb.Events {
			in, ok := line.ToIncoming(ev)
			if !ok || in.Content == nil {
				continue
			}
			msgs, _, err := line.Render(in.Content, message.RenderOptions{})
			if err != nil {
				return err
			}
			if _, err := stub.Reply(ctx, ev.(*line.MessageEvent).ReplyToken, msgs); err != nil {
				return err
			}
		}
		return nil
	}, line.WithAsync())
	if err != nil {
		return nil, err
	}
	bot, err := line.NewBotHandler(set, echo, line.WithClient(stub))
	if err != nil {
		return nil, err
	}
	body := lineBody(1)
	// Both acknowledge and return before their work is done: each side
	// waits for it, so that the row measures the echo, not the ack.
	ps = append(ps, sidePairs("LINE NewBotHandler echo", "WebhookHandler + hand-written glue", "/callback", body, lineHeader(body), untilDone{glue, glue.Wait}, untilDone{bot, bot.Wait}, 1.05)...)

	ps = append(ps, lineClientPair())
	return ps, nil
}

// untilDone serves a request and then waits for the work it acknowledged
// (the handler's Wait), so that a row of an asynchronous handler measures
// the work and not only the acknowledgement.
type untilDone struct {
	http.Handler
	wait func(context.Context) error
}

func (u untilDone) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.Handler.ServeHTTP(w, r)
	_ = u.wait(context.Background())
}

// echo answers a message with its own content.
var echo = message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
	if in.Content == nil {
		return nil
	}
	_, err := r.Reply(ctx, in.Content)
	return err
})

// stubLINE answers every request in process as LINE answers a reply.
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

// answerServer answers every POST with a fixed JSON body.
func answerServer(answer string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer)
	}))
}

// rawPost is the reference for every client row: a net/http POST of the
// same body, reading and decoding the answer.
func rawPost(c *http.Client, url string, body []byte, header http.Header) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	out, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	var v map[string]json.RawMessage
	return json.Unmarshal(out, &v)
}

func lineClientPair() pair {
	const to = "U4af4980629a6b2b1a2b3c4d5e6f7a8b9"
	msgs := []messaging_api.MessageInterface{messaging_api.TextMessage{Text: "Hello, world! 안녕하세요 👋"}}
	body := []byte(`{"to":"U4af4980629a6b2b1a2b3c4d5e6f7a8b9","messages":[{"type":"text","text":"Hello, world! 안녕하세요 👋"}]}`)
	header := http.Header{"Authorization": {"Bearer bench-token"}, "Content-Type": {"application/json"}, "X-Line-Retry-Key": {"123e4567-e89b-42d3-a456-426614174000"}}
	var ours func() error
	var raw func() error
	return pair{
		name:    "LINE Client.Push, loopback",
		refName: "raw net/http POST",
		ref:     func() error { return raw() },
		ours:    func() error { return ours() },
		budget:  1.1,
		setup: func() (func(), error) {
			rs, os := answerServer(string(stubAnswer)), answerServer(string(stubAnswer))
			c, err := line.New("bench-token", line.WithBaseURL(os.URL), line.WithHTTPClient(os.Client()))
			if err != nil {
				rs.Close()
				os.Close()
				return nil, err
			}
			ours = func() error { _, err := c.Push(context.Background(), to, msgs); return err }
			raw = func() error { return rawPost(rs.Client(), rs.URL+"/v2/bot/message/push", body, header) }
			return func() { rs.Close(); os.Close() }, nil
		},
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
