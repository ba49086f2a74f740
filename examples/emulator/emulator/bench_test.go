package emulator

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/benchpair"
)

// BenchmarkRoundTrip measures what the page waits for: from the page's
// send to the bot's answer arriving on the event stream, with echoBot
// behind real channelkit handlers on loopback. Drawing is not included
// (the browser test reports send → drawn).
func BenchmarkRoundTrip(b *testing.B) {
	for _, p := range []string{LINE, Kakao, TalkTalk, NaverWorks, Clova} {
		b.Run(p, func(b *testing.B) {
			e, page := newEmulator(b)
			startBot(b, e)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			s := openStream(b, ctx, page)
			b.ResetTimer()
			for b.Loop() {
				status, body := post(b, page, action{Platform: p, Kind: "text", Text: "hello"})
				if status != http.StatusOK {
					b.Fatalf("HTTP %d: %s", status, body)
				}
				s.next(b, func(ev event) bool { return ev.Kind == kindAnswer && ev.Platform == p })
			}
		})
	}
}

// BenchmarkOverhead compares, call by call, a page's send through the
// emulator (its API, the webhook, the answer on the event stream) with the
// same signed webhook posted straight to the bot (answers in the webhook
// response read from it; LINE's and NAVER WORKS's from their front). The
// ratio is what the emulator adds.
func BenchmarkOverhead(b *testing.B) {
	for _, p := range []string{LINE, Kakao, TalkTalk, NaverWorks, Clova} {
		b.Run(p, func(b *testing.B) {
			e, page := newEmulator(b)
			startBot(b, e)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			s := openStream(b, ctx, page)
			a := action{Platform: p, Kind: "text", Text: "hello"}
			answer := func(ev event) bool { return ev.Kind == kindAnswer && ev.Platform == p }
			direct := func() {
				var (
					req *http.Request
					err error
				)
				target := e.target(p)
				switch p {
				case LINE:
					req, _, err = e.lineRequest(target, a)
				case Kakao:
					req, _, err = e.kakaoRequest(target, a)
				case TalkTalk:
					req, _, err = e.talkRequest(target, a)
				case NaverWorks:
					req, _, err = e.worksRequest(target, a)
				case Clova:
					req, _, err = e.clovaRequest(target, a)
				}
				if err != nil {
					b.Fatal(err)
				}
				resp, err := e.client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("HTTP %d", resp.StatusCode)
				}
				if !answersInBody(p) {
					s.next(b, answer)
				}
			}
			viaPage := func() {
				if status, body := post(b, page, a); status != http.StatusOK {
					b.Fatalf("HTTP %d: %s", status, body)
				}
				s.next(b, answer)
			}
			benchpair.Medians(b, "direct", direct, "emulator", viaPage)
		})
	}
}
