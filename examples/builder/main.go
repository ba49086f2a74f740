// Command builder is a chatbot builder's server: many bots on every
// platform from one http.Server, configured by one file. Each bot is
// answered by a Go handler or by a CLOVA Chatbot domain, and each
// platform's bots share one multi-bot handler (NewMultiBotHandler over
// StaticBots), which finds the bot a request is for, verifies the request
// with that bot's credentials and answers through that bot's client.
//
// With -demo it needs no credentials: it runs two bots per platform
// against in-process fakes (one answered by Go, one by a fake CLOVA
// Chatbot domain), sends each a greeting, a text and a button press, and
// prints per bot what came in, what the bot answered, what the platform
// received and with whose credential, and every loss. It also shows a
// request signed for one bot with another bot's secret refused, and a
// request for a bot nobody serves refused. It exits 0 only when every
// round trip worked.
//
//	go run ./examples/builder -demo
//
// Without -demo it serves the bots of the configuration file named by
// -config or BUILDER_CONFIG (see bots.example.json) on ADDR (default
// :8080):
//
//	POST /line                    every LINE bot (the body's destination names it)
//	POST /kakao                   every Kakao bot's skill (the body's bot.id names it)
//	POST /talktalk/{bot}/{token}  every TalkTalk partner account (the path names it)
//	POST /naverworks              every NAVER WORKS bot (X-WORKS-BotId names it)
//	POST /clova                   every CEK extension (the applicationId names it)
//	GET  /healthz                 200 while the server runs
//
// Each handler verifies a request with the credentials of the bot it
// names (LINE and NAVER WORKS: the bot's signing secrets; Kakao: its
// X-Skill-Token header secrets; TalkTalk: TalkTalk's address ranges and
// the partner's path token; CLOVA: CLOVA's signature, then the extension
// ID) and answers through that bot's client. A request for a bot the
// file does not hold is answered 401, as a wrong credential is.
//
// The file is JSON. Each bot has a platform, an id (what a request for it
// names), the credentials of its platform and an answer:
//
//	{"bots": [
//	  {"platform": "line", "id": "U0123…", "name": "cafe",
//	   "line": {"channelSecrets": ["env:CAFE_LINE_SECRET"], "channelToken": "env:CAFE_LINE_TOKEN"},
//	   "answer": "echo"},
//	  {"platform": "kakao", "id": "64e9a0b1…", "kakao": {"headerSecrets": ["env:CAFE_KAKAO_SECRET"]}, "answer": "echo"},
//	  {"platform": "naverworks", "id": "2000001",
//	   "naverworks": {"botSecrets": ["env:CAFE_WORKS_SECRET"], "serviceAccount": "cafe-app"}, "answer": "echo"},
//	  {"platform": "clova", "id": "com.example.extension.cafe", "answer": "echo"},
//	  {"platform": "talktalk", "id": "cafe",
//	   "talktalk": {"authorizationKey": "env:CAFE_TALK_KEY", "pathTokens": ["env:CAFE_TALK_PATH"]},
//	   "answer": {"chatbot": {"invokeURL": "https://….apigw.ntruss.com/custom_chatbot/prod/",
//	                          "secretKey": "env:CAFE_CHATBOT_KEY"}}}
//	],
//	 "naverworks": {"serviceAccounts": {"cafe-app": {"clientID": "env:…", "clientSecret": "env:…",
//	   "serviceAccount": "env:…", "privateKey": "env:WORKS_PRIVATE_KEY"}}}}
//
// NAVER WORKS bots name a Service Account of naverworks.serviceAccounts
// (privateKey, or privateKeyFile a path to the PEM); bots of one app share
// it, and one access token. talktalk.trustedProxies lists the CIDRs of
// your reverse proxy (only TalkTalk's address ranges are let in);
// clova.publicKeyURL fetches CLOVA's key instead of the embedded one.
//
// A secret written "env:NAME" is the value of the environment variable
// NAME, so that the file holds no secret and can be checked in; a literal
// value is accepted too. Lists of secrets (channelSecrets, pathTokens) take
// the current one first, then the previous one while you rotate it. The
// whole file is checked at start-up: every problem is reported at once,
// naming the bot (index, platform, id) and the field, never a secret's
// value, and the server does not start.
//
// Answers: "echo" is a Go handler (answer.go; add yours to goHandlers); a
// {"chatbot": …} answer asks that CLOVA Chatbot domain through its custom
// API (clova.NewChatbotHandler: a greeting asks for the welcome message,
// a text or a button's postback is the user's utterance) and renders the
// bubbles it answers on the bot's platform.
//
// Every handler reads at most 1 MiB of body; the server has read, write
// and idle timeouts, and SIGINT/SIGTERM shut it down gracefully, waiting
// for the replies still being sent. Put it behind TLS with a publicly
// trusted certificate: every platform calls it over HTTPS.
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

// run is main without the process: testable, with its environment passed
// in.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("builder", flag.ContinueOnError)
	fs.SetOutput(stderr)
	demo := fs.Bool("demo", false, "run two bots per platform against in-process fakes and print what happened")
	config := fs.String("config", getenv("BUILDER_CONFIG"), "the configuration file (default $BUILDER_CONFIG)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *demo {
		rep := runDemo(ctx, stdout)
		if !rep.ok() {
			return 1
		}
		return 0
	}
	if *config == "" {
		fmt.Fprintln(stderr, "builder: no configuration: set BUILDER_CONFIG or -config to a file like bots.example.json (or run with -demo)")
		return 2
	}
	addr := getenv("ADDR")
	if addr == "" {
		addr = ":8080"
	}
	if err := serveConfig(ctx, *config, addr, getenv, slog.New(slog.NewTextHandler(stderr, nil))); err != nil {
		fmt.Fprintln(stderr, "builder:", err)
		return 1
	}
	return 0
}
