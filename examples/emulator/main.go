// Command emulator is a local messenger emulator: a web page on localhost
// on which you pick a platform (LINE, KakaoTalk, NAVER TalkTalk, NAVER WORKS
// or CLOVA) and chat with your bot as that messenger would show it.
//
//	go run ./examples/emulator -line http://127.0.0.1:8080/line -kakao http://127.0.0.1:8080/kakao/skill
//
// Each flag is the bot's webhook URL for one platform; platforms without
// one say so on the page. Typing sends the bot a correctly signed webhook
// (or Kakao skill request, or CEK request); buttons and quick replies in
// the bot's answers send what the platform would send. The bot's API calls
// go to the emulator's own fakes: the page, and this command on start,
// print the base URLs and test credentials to configure the bot with (each
// client's WithBaseURL, the channel secret the emulator signs with, and so
// on). Next to every answer the page shows the exact JSON the platform
// received and what it would refuse.
//
// To see it with the demo bot, without configuring anything:
//
//	go run ./examples/multichannel -emulator
//
// The page is served on -addr (default 127.0.0.1:8090), loopback only by
// default: it shows test credentials and sends webhooks on request. It
// loads nothing from the network. Open it as localhost, 127.0.0.1 or
// [::1] on that port: any other Host is refused (403), as is a POST that
// is not application/json from the page's own origin, so that another
// web page in the same browser cannot drive it or read its credentials.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/channelkit/channelkit/examples/emulator/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil))
}

// run is main without the process; ready, when set, is told the page's
// URL once it is served.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(string)) int {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8090", "where to serve the page")
	var t emulator.Targets
	fs.StringVar(&t.LINE, "line", "", "the bot's LINE webhook URL")
	fs.StringVar(&t.Kakao, "kakao", "", "the bot's Kakao skill URL")
	fs.StringVar(&t.TalkTalk, "talktalk", "", "the bot's TalkTalk webhook URL, ending in its path token")
	fs.StringVar(&t.NaverWorks, "naverworks", "", "the bot's NAVER WORKS callback URL")
	fs.StringVar(&t.Clova, "clova", "", "the bot's CEK extension URL")
	intent := fs.String("clova-intent", "FreeSpeechIntent", "the CEK intent that carries what you type")
	slot := fs.String("clova-slot", "utterance", "the slot of -clova-intent that holds the text")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "emulator: unexpected arguments; every webhook URL is a flag (-line URL, ...)")
		return 2
	}
	e, err := emulator.New(emulator.Config{Targets: t, ClovaIntent: *intent, ClovaSlot: *slot})
	if err != nil {
		fmt.Fprintln(stderr, "emulator:", err)
		return 1
	}
	defer e.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "emulator:", err)
		return 1
	}
	page := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(stdout, "channelkit emulator on %s\n\nConfigure the bot with:\n", page)
	emulator.PrintSettings(stdout, e.Settings())
	if ready != nil {
		ready(page)
	}
	if err := serve(ctx, ln, e); err != nil {
		fmt.Fprintln(stderr, "emulator:", err)
		return 1
	}
	return 0
}

// serve serves h on ln until ctx is done.
func serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// The page's event stream stays open: close rather than wait for it.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
