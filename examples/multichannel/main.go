// Command multichannel is one bot on five messengers: LINE, KakaoTalk,
// NAVER TalkTalk, NAVER WORKS and CLOVA, from one http.Server, with the bot
// written once against channelkit's neutral message model (see Bot).
//
// With -demo it needs no credentials: it starts every platform's fake
// in-process, sends each a realistic signed conversation, and prints a
// transcript: what came in, what the bot answered, the JSON each platform
// received, and everything each platform could not show. It exits 0 only if
// every round trip worked.
//
//	go run ./examples/multichannel -demo
//
// Without -demo it serves real webhooks on -addr (default :8080), at
// /line, /kakao, /talktalk, /naverworks and /clova, mounting each platform
// whose variables are set. A platform with only some of its variables set,
// or no platform at all, stops the program with a message naming what is
// missing.
//
//	LINE         LINE_CHANNEL_SECRET, LINE_CHANNEL_TOKEN
//	             (optional LINE_CHANNEL_SECRET_PREVIOUS while rotating)
//	Kakao        KAKAO_BOT_ID (requests from other bots get 403)
//	             (optional KAKAO_SKILL_SECRET, required in the X-Skill-Secret header)
//	TalkTalk     TALKTALK_AUTHORIZATION_KEY
//	             (optional TALKTALK_TRUSTED_PROXIES, comma-separated, behind a proxy)
//	NAVER WORKS  NAVERWORKS_BOT_ID, NAVERWORKS_BOT_SECRET, NAVERWORKS_CLIENT_ID,
//	             NAVERWORKS_CLIENT_SECRET, NAVERWORKS_SERVICE_ACCOUNT,
//	             NAVERWORKS_PRIVATE_KEY (PEM, or the path of a PEM file)
//	             (optional NAVERWORKS_SCOPES, default "bot")
//	CLOVA        CLOVA_EXTENSION_ID (requests are verified with CLOVA's key)
//
// Put the server behind TLS with a publicly trusted certificate: every
// platform calls it over HTTPS.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run is main without the process: testable, with its environment passed in.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("multichannel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	demo := fs.Bool("demo", false, "run every platform against its in-process fake and print a transcript")
	full := fs.Bool("full", false, "with -demo: print platform JSON exactly, however long")
	addr := fs.String("addr", ":8080", "listen address when serving real webhooks")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *demo {
		if !runDemo(ctx, stdout, demoOptions{full: *full}, demoRigs()) {
			return 1
		}
		return 0
	}
	if err := serve(ctx, *addr, stderr, getenv); err != nil {
		fmt.Fprintln(stderr, "multichannel:", err)
		return 1
	}
	return 0
}

func demoRigs() []rigFunc {
	return []rigFunc{lineRig, kakaoRig, talktalkRig, naverworksRig, clovaRig}
}
