package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/examples/emulator/emulator"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/talktalk"
)

// runEmulator serves the emulator page on addr with the bot in-process:
// every platform's handler is configured, as the server configures it,
// with the emulator's test credentials, and its client points at the
// emulator's fakes. The bot's webhooks are served from the same address.
func runEmulator(ctx context.Context, addr string, stdout, stderr io.Writer) int {
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	e, err := emulator.New(emulator.Config{ClovaIntent: utteranceIntent, ClovaSlot: utteranceSlot})
	if err != nil {
		fmt.Fprintln(stderr, "multichannel:", err)
		return 1
	}
	defer e.Close()
	set := e.Settings()
	token, err := demoSecret()
	if err != nil {
		fmt.Fprintln(stderr, "multichannel:", err)
		return 1
	}
	env := map[string]string{
		"LINE_CHANNEL_SECRET":        set.LINEChannelSecret,
		"LINE_CHANNEL_TOKEN":         set.LINEChannelToken,
		"KAKAO_SKILL_SECRET":         set.KakaoSkillSecret,
		"KAKAO_SKILL_HEADER":         set.KakaoHeader,
		"KAKAO_BOT_IDS":              set.KakaoBotID,
		"TALKTALK_AUTHORIZATION_KEY": set.TalkTalkAuthorizationKey,
		"TALKTALK_PATH_TOKEN":        token,
		"TALKTALK_TRUSTED_PROXIES":   "127.0.0.1, ::1",
		"NAVERWORKS_CLIENT_ID":       set.NaverWorksClientID,
		"NAVERWORKS_CLIENT_SECRET":   set.NaverWorksClientSecret,
		"NAVERWORKS_SERVICE_ACCOUNT": set.NaverWorksServiceAccount,
		"NAVERWORKS_PRIVATE_KEY":     set.NaverWorksPrivateKey,
		"NAVERWORKS_BOT_ID":          set.NaverWorksBotID,
		"NAVERWORKS_BOT_SECRET":      set.NaverWorksBotSecret,
		"CLOVA_EXTENSION_ID":         set.ClovaExtensionID,
	}
	// Kakao posts late answers to the request's callback URL, which
	// points at the emulator on loopback.
	callbacks, err := kakao.New(kakao.WithAllowedHosts("127.0.0.1"))
	if err != nil {
		fmt.Fprintln(stderr, "multichannel:", err)
		return 1
	}
	s := setup{
		env: envOf(env),
		bot: NewBot(slowAnswer),
		mw:  []message.Middleware{message.Observe(message.SlogObserver(logger))},
		failed: func(p message.Platform, r *http.Request, err error) {
			logger.ErrorContext(r.Context(), "webhook failed", "platform", p, "err", err)
		},
		line:            []line.Option{line.WithBaseURL(set.LINEBaseURL)},
		kakao:           []kakao.HandlerOption{kakao.WithClient(callbacks), kakao.WithCallback(kakao.DefaultCallbackBudget, nil)},
		talktalk:        []talktalk.Option{talktalk.WithBaseURL(set.TalkTalkBaseURL)},
		naverworksToken: []naverworks.TokenOption{naverworks.WithTokenURL(set.NaverWorksTokenURL)},
		naverworks:      []naverworks.Option{naverworks.WithBaseURL(set.NaverWorksBaseURL)},
		clova:           []clova.HandlerOption{clova.WithPublicKey(clovatest.PublicKey())},
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(stderr, "multichannel:", err)
		return 1
	}
	base := "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	var mounts []mounted
	var targets emulator.Targets
	for _, p := range platforms() {
		h, wait, err := p.build(ctx, s)
		if err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "multichannel: %s: %v\n", p.name, err)
			return 1
		}
		mux.Handle("POST "+p.pattern, h)
		mounts = append(mounts, mounted{name: p.name, pattern: p.pattern, wait: wait})
		u := base + p.pattern
		switch p.pattern {
		case "/line":
			targets.LINE = u
		case "/kakao/skill":
			targets.Kakao = u
		case "/naverworks/callback":
			targets.NaverWorks = u
		case "/clova":
			targets.Clova = u
		default:
			if strings.HasPrefix(p.pattern, "/talktalk/") {
				targets.TalkTalk = u + token
			}
		}
	}
	e.SetTargets(targets)
	// The page and the bot share the address: the bot's paths are POST
	// only and more specific than the page's.
	mux.Handle("/", e)
	fmt.Fprintf(stdout, "channelkit emulator on %s/ with the demo bot: open it in a browser\n", base)
	return exitCode(stderr, serveQuiet(ctx, ln, mux, logger, mounts))
}

func exitCode(stderr io.Writer, err error) int {
	if err != nil {
		fmt.Fprintln(stderr, "multichannel:", err)
		return 1
	}
	return 0
}

// serveQuiet is serve for the emulator: the page keeps an event stream
// open, so shutting down does not wait for it.
func serveQuiet(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger, mounts []mounted) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if srv.Shutdown(shutdownCtx) != nil {
		srv.Close()
	}
	<-errc
	for _, m := range mounts {
		if m.wait != nil {
			_ = m.wait(shutdownCtx)
		}
	}
	return nil
}
