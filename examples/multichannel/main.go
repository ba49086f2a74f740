// Command multichannel is one bot on five messengers: LINE, KakaoTalk,
// NAVER TalkTalk, NAVER WORKS and CLOVA, from one http.Server, with the bot
// written once against channelkit's neutral message model (see NewBot) and
// run by each platform's NewBotHandler.
//
// With -demo it needs no credentials: it starts every platform's fake
// in-process, sends each a realistic signed conversation, and prints a
// transcript: what came in, what the bot answered, the JSON each platform
// received, and everything each platform could not show. It exits 0 only if
// every round trip worked.
//
//	go run ./examples/multichannel -demo
//
// With -emulator it needs no credentials either: it serves the emulator
// page (examples/emulator) on -emulator-addr (default 127.0.0.1:8090)
// with the bot in-process, configured with the emulator's test
// credentials, so that you can chat with it as each messenger shows it.
//
//	go run ./examples/multichannel -emulator
//
// The demo configures every platform's defence itself, with values of its
// own (a Kakao header secret, a TalkTalk path token, LINE and NAVER WORKS
// signing secrets), through the same code that reads the environment
// below.
//
// Without -demo it serves real webhooks on ADDR (default :8080), mounting
// each platform whose variables are set, at the paths the single-platform
// examples use:
//
//	/line                    LINE (as line-echo)
//	/kakao/skill             Kakao (as kakao-skill)
//	/talktalk/<path token>   TalkTalk (as talktalk-echo)
//	/naverworks/callback     NAVER WORKS (as naverworks-echo)
//	/clova                   CLOVA (as clova-extension)
//
// A platform is never served without its defence. A platform with only
// some of its required variables set, or no platform at all, stops the
// program with a message naming what is missing (never a value). The
// variables are those of the single-platform examples, with the same
// names and meaning (examples/README.md has them all in one table):
//
//	LINE_CHANNEL_SECRET           required for LINE: verifies X-Line-Signature
//	LINE_CHANNEL_TOKEN            required for LINE: a channel access token
//	LINE_CHANNEL_SECRET_PREVIOUS  optional: the previous secret, still accepted while you rotate
//	KAKAO_SKILL_SECRET            required for Kakao: the value of the header set under "헤더값 입력"
//	KAKAO_SKILL_HEADER            optional: that header's name (default X-Skill-Token)
//	KAKAO_BOT_IDS                 optional: comma-separated bot IDs allowed to call the skill
//	TALKTALK_AUTHORIZATION_KEY    required for TalkTalk: the send API key
//	TALKTALK_PATH_TOKEN           required for TalkTalk: a random secret; the webhook URL ends in it
//	TALKTALK_PATH_TOKEN_PREVIOUS  optional: the previous path token, still accepted while you rotate
//	TALKTALK_TRUSTED_PROXIES      optional: comma-separated CIDRs of your proxy, whose
//	                              X-Forwarded-For is then believed
//	NAVERWORKS_CLIENT_ID          required for NAVER WORKS: the app's Client ID
//	NAVERWORKS_CLIENT_SECRET      required for NAVER WORKS: the app's Client Secret
//	NAVERWORKS_SERVICE_ACCOUNT    required for NAVER WORKS: the Service Account ID
//	NAVERWORKS_PRIVATE_KEY        the Service Account's private key (PEM), or
//	NAVERWORKS_PRIVATE_KEY_FILE   a path to it; exactly one is required for NAVER WORKS
//	NAVERWORKS_BOT_ID             required for NAVER WORKS: the bot's ID, checked on every callback
//	NAVERWORKS_BOT_SECRET         required for NAVER WORKS: verifies X-WORKS-Signature
//	NAVERWORKS_SCOPES             optional: space- or comma-separated scopes (default "bot")
//	CLOVA_EXTENSION_ID            required for CLOVA: the extension ID, checked on every request
//	CLOVA_PUBLIC_KEY_URL          optional: verify with the PEM key served here instead of the embedded one
//	ADDR                          optional: listen address (default :8080)
//
// TalkTalk admits only its published address ranges; CLOVA requests are
// verified with CLOVA's key. Every handler reads at most 1 MiB of body,
// the server has read, write and idle timeouts, and SIGINT/SIGTERM shut it
// down gracefully, waiting for replies still being sent.
//
// Put the server behind TLS with a publicly trusted certificate: every
// platform calls it over HTTPS.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
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
	emu := fs.Bool("emulator", false, "serve the emulator page with the bot in-process: chat with it as each messenger shows it")
	emuAddr := fs.String("emulator-addr", "127.0.0.1:8090", "with -emulator: where to serve the page and the bot")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *emu {
		return runEmulator(ctx, *emuAddr, stdout, stderr)
	}
	if *demo {
		if !runDemo(ctx, stdout, demoOptions{full: *full}, demoRigs()) {
			return 1
		}
		return 0
	}
	if err := serveEnv(ctx, getenv, slog.New(slog.NewTextHandler(stderr, nil))); err != nil {
		fmt.Fprintln(stderr, "multichannel:", err)
		return 1
	}
	return 0
}

func demoRigs() []rigFunc {
	return []rigFunc{lineRig, kakaoRig, talktalkRig, naverworksRig, clovaRig}
}
