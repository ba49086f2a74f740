package emulator

import (
	"context"
	"net/http"
	"testing"
	"time"
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
