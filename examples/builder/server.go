package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
)

// Where each platform's bots are served. Every platform has one URL for
// all its bots, except TalkTalk, which names no partner in its body: each
// partner account's URL carries its ID and its path token.
const (
	patternLINE       = "POST /line"
	patternKakao      = "POST /kakao"
	patternTalkTalk   = "POST /talktalk/{bot}/{token}"
	patternNaverWorks = "POST /naverworks"
	patternClova      = "POST /clova"
	patternHealth     = "GET /healthz"
)

// wiring is what the server is built with besides the configuration. The
// server leaves the client options empty; the demo points the clients at
// its in-process fakes.
type wiring struct {
	lineOpts       func(b *resolved) []line.Option
	talktalkOpts   func(b *resolved) []talktalk.Option
	worksOpts      func(b *resolved) []naverworks.Option
	worksTokenOpts func(account string) []naverworks.TokenOption
	clovaOpts      []clova.HandlerOption // CLOVA's key: the demo's fake CEK signs with its own
	chatbotOpts    func(b *resolved) []clova.Option

	// mw wraps every platform's conversation handler (message.Observe).
	mw []message.Middleware
	// failed is told about every request a handler refused or could not
	// answer, and every reply it could not deliver; err never holds a
	// secret or a body.
	failed func(p message.Platform, r *http.Request, err error)
}

func (w wiring) onError(p message.Platform) func(*http.Request, error) {
	return func(r *http.Request, err error) { w.failed(p, r, err) }
}

// mounted is one platform the server serves.
type mounted struct {
	name    string
	pattern string
	bots    []string // IDs
	wait    func(context.Context) error
}

// server is the builder: one mux, one multi-bot handler per platform.
type server struct {
	mux     *http.ServeMux
	mounted []mounted
}

// dispatch is a platform's conversation handler: it hands each event to
// the answerer of the bot it is for (Incoming.BotID, set by the
// platform's multi-bot handler after it verified the request with that
// bot's credentials).
type dispatch map[string]answerer

// Handle implements [message.Handler].
func (d dispatch) Handle(ctx context.Context, in *message.Incoming, r message.Responder) error {
	h, ok := d[in.BotID]
	if !ok {
		// The handler resolved a bot this server does not answer: both
		// come from the one configuration, so this is a bug.
		return fmt.Errorf("no answerer for bot %q", in.BotID)
	}
	return h.Handle(ctx, in, r)
}

// answererFor builds a bot's answerer: its Go handler or its chatbot.
func (w wiring) answererFor(b *resolved) (answerer, error) {
	if a := b.Answer.Chatbot; a != nil {
		var opts []clova.Option
		if w.chatbotOpts != nil {
			opts = w.chatbotOpts(b)
		}
		c, err := clova.New(a.InvokeURL, b.chatbotKey, opts...)
		if err != nil {
			return nil, fmt.Errorf("%s: answer.chatbot: %w", b.label(), err)
		}
		// A greeting asks for the domain's welcome message, a text or a
		// button's postback is sent as the user's utterance, and the
		// answer's bubbles are replied as neutral content, which the
		// platform renders. The chatbot's user ID names the platform and
		// the bot, so that one person on two bots is two chatbot users.
		h, err := clova.NewChatbotHandler(c)
		if err != nil {
			return nil, fmt.Errorf("%s: answer.chatbot: %w", b.label(), err)
		}
		return h, nil
	}
	return goHandlers[b.Answer.Go](), nil
}

// buildServer builds the server from a resolved configuration.
func buildServer(ctx context.Context, cfg *Config, bots []*resolved, w wiring) (*server, error) {
	byPlatform := map[string][]*resolved{}
	answers := map[string]dispatch{}
	for _, b := range bots {
		a, err := w.answererFor(b)
		if err != nil {
			return nil, err
		}
		byPlatform[b.Platform] = append(byPlatform[b.Platform], b)
		if answers[b.Platform] == nil {
			answers[b.Platform] = dispatch{}
		}
		answers[b.Platform][b.ID] = a
	}
	s := &server{mux: http.NewServeMux()}
	s.mux.HandleFunc(patternHealth, func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = rw.Write([]byte("ok\n"))
	})
	handler := func(p string) message.Handler { return message.Chain(answers[p], w.mw...) }

	if bs := byPlatform["line"]; len(bs) > 0 {
		m, h, err := buildLINE(bs, handler("line"), w)
		if err != nil {
			return nil, err
		}
		s.mux.Handle(m.pattern, h)
		s.mounted = append(s.mounted, m)
	}
	if bs := byPlatform["kakao"]; len(bs) > 0 {
		m, h, err := buildKakao(bs, handler("kakao"), w)
		if err != nil {
			return nil, err
		}
		s.mux.Handle(m.pattern, h)
		s.mounted = append(s.mounted, m)
	}
	if bs := byPlatform["talktalk"]; len(bs) > 0 {
		m, h, err := buildTalkTalk(cfg.TalkTalk, bs, handler("talktalk"), w)
		if err != nil {
			return nil, err
		}
		s.mux.Handle(m.pattern, h)
		s.mounted = append(s.mounted, m)
	}
	if bs := byPlatform["naverworks"]; len(bs) > 0 {
		m, h, err := buildNaverWorks(ctx, bs, handler("naverworks"), w)
		if err != nil {
			return nil, err
		}
		s.mux.Handle(m.pattern, h)
		s.mounted = append(s.mounted, m)
	}
	if bs := byPlatform["clova"]; len(bs) > 0 {
		m, h, err := buildClova(cfg.Clova, bs, handler("clova"), w)
		if err != nil {
			return nil, err
		}
		s.mux.Handle(m.pattern, h)
		s.mounted = append(s.mounted, m)
	}
	return s, nil
}

func ids(bs []*resolved) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.ID
	}
	return out
}

// buildLINE serves every LINE bot on POST /line: the handler reads the
// body's destination, verifies X-Line-Signature with that bot's channel
// secrets, and answers through that bot's client.
func buildLINE(bs []*resolved, h message.Handler, w wiring) (mounted, http.Handler, error) {
	var bots []*line.Bot
	for _, b := range bs {
		secrets, err := signature.NewSecretSet(b.lineSecrets...)
		if err != nil {
			return mounted{}, nil, fmt.Errorf("%s: line.channelSecrets: %w", b.label(), err)
		}
		var opts []line.Option
		if w.lineOpts != nil {
			opts = w.lineOpts(b)
		}
		client, err := line.New(b.lineToken, opts...)
		if err != nil {
			return mounted{}, nil, fmt.Errorf("%s: line: %w", b.label(), err)
		}
		bots = append(bots, &line.Bot{ID: b.ID, Secrets: secrets, Client: client})
	}
	resolver, err := line.StaticBots(bots...)
	if err != nil {
		return mounted{}, nil, err
	}
	// LINE wants its webhook acknowledged within a couple of seconds: the
	// handler answers at once and replies in the background. A chatbot can
	// answer after the reply token has expired: the answer is then pushed
	// (pushes are billed, replies are not).
	mh, err := line.NewMultiBotHandler(resolver, h,
		line.WithPushFallback(),
		line.WithMaxInFlight(64),
		line.WithErrorHandler(w.onError(message.LINE)),
	)
	if err != nil {
		return mounted{}, nil, err
	}
	return mounted{name: "LINE", pattern: patternLINE, bots: ids(bs), wait: mh.Wait}, mh, nil
}

// buildKakao serves every Kakao bot on POST /kakao (each bot's skill
// URL): the handler reads the body's bot.id, checks the X-Skill-Token
// header against that bot's header secrets and answers in the skill
// response.
func buildKakao(bs []*resolved, h message.Handler, w wiring) (mounted, http.Handler, error) {
	var bots []*kakao.Bot
	for _, b := range bs {
		secrets, err := signature.NewSecretSet(b.kakaoSecrets...)
		if err != nil {
			return mounted{}, nil, fmt.Errorf("%s: kakao.headerSecrets: %w", b.label(), err)
		}
		bots = append(bots, &kakao.Bot{ID: b.ID, HeaderSecrets: secrets})
	}
	resolver, err := kakao.StaticBots(bots...)
	if err != nil {
		return mounted{}, nil, err
	}
	mh, err := kakao.NewMultiBotHandler(resolver, h,
		kakao.WithMaxInFlight(64),
		kakao.WithErrorHandler(w.onError(message.Kakao)),
	)
	if err != nil {
		return mounted{}, nil, err
	}
	return mounted{name: "Kakao", pattern: patternKakao, bots: ids(bs), wait: mh.Wait}, mh, nil
}

// buildNaverWorks serves every NAVER WORKS bot on POST /naverworks: the
// handler reads X-WORKS-BotId, verifies X-WORKS-Signature with that bot's
// Bot Secrets and sends the answer through that bot's client. Bots of
// one Service Account share one token source: one access token, one
// renewal.
func buildNaverWorks(ctx context.Context, bs []*resolved, h message.Handler, w wiring) (mounted, http.Handler, error) {
	tokens := map[string]oauth2.TokenSource{}
	var bots []*naverworks.Bot
	for _, b := range bs {
		acct := b.worksAccount
		ts, ok := tokens[acct.name]
		if !ok {
			var opts []naverworks.TokenOption
			if w.worksTokenOpts != nil {
				opts = w.worksTokenOpts(acct.name)
			}
			var err error
			if ts, err = naverworks.TokenSource(ctx, acct.credentials, opts...); err != nil {
				return mounted{}, nil, fmt.Errorf("naverworks.serviceAccounts[%q]: %w", acct.name, err)
			}
			tokens[acct.name] = ts
		}
		secrets, err := signature.NewSecretSet(b.worksSecrets...)
		if err != nil {
			return mounted{}, nil, fmt.Errorf("%s: naverworks.botSecrets: %w", b.label(), err)
		}
		var opts []naverworks.Option
		if w.worksOpts != nil {
			opts = w.worksOpts(b)
		}
		client, err := naverworks.New(b.ID, ts, opts...)
		if err != nil {
			return mounted{}, nil, fmt.Errorf("%s: naverworks: %w", b.label(), err)
		}
		bots = append(bots, &naverworks.Bot{ID: b.ID, Secrets: secrets, Client: client})
	}
	resolver, err := naverworks.StaticBots(bots...)
	if err != nil {
		return mounted{}, nil, err
	}
	mh, err := naverworks.NewMultiBotHandler(resolver, h,
		naverworks.WithMaxInFlight(64),
		naverworks.WithErrorHandler(w.onError(message.NaverWorks)),
	)
	if err != nil {
		return mounted{}, nil, err
	}
	return mounted{name: "NAVER WORKS", pattern: patternNaverWorks, bots: ids(bs), wait: mh.Wait}, mh, nil
}

// buildClova serves every CEK extension on POST /clova: the handler
// verifies CLOVA's signature, then resolves the request's applicationId
// (the extension ID) and speaks the answer in the CEK response.
func buildClova(set *ClovaSettings, bs []*resolved, h message.Handler, w wiring) (mounted, http.Handler, error) {
	var bots []*clova.Bot
	for _, b := range bs {
		bots = append(bots, &clova.Bot{ID: b.ID})
	}
	resolver, err := clova.StaticBots(bots...)
	if err != nil {
		return mounted{}, nil, err
	}
	opts := []clova.HandlerOption{
		clova.WithMaxInFlight(64),
		clova.WithErrorHandler(w.onError(message.Clova)),
	}
	if set != nil && set.PublicKeyURL != "" {
		opts = append(opts, clova.WithPublicKeyURL(set.PublicKeyURL, 0))
	}
	mh, err := clova.NewMultiBotHandler(resolver, h, append(opts, w.clovaOpts...)...)
	if err != nil {
		return mounted{}, nil, err
	}
	return mounted{name: "CLOVA", pattern: patternClova, bots: ids(bs), wait: mh.Wait}, mh, nil
}

// buildTalkTalk serves every TalkTalk partner account on
// POST /talktalk/{bot}/{token}: only TalkTalk's published addresses are
// let in, the path names the account and must end in one of its path
// tokens, and the answer goes back in the webhook response and through
// that account's send API key.
func buildTalkTalk(set *TalkTalkSettings, bs []*resolved, h message.Handler, w wiring) (mounted, http.Handler, error) {
	var bots []*talktalk.Bot
	for _, b := range bs {
		tokens, err := signature.NewSecretSet(b.talkTokens...)
		if err != nil {
			return mounted{}, nil, fmt.Errorf("%s: talktalk.pathTokens: %w", b.label(), err)
		}
		var opts []talktalk.Option
		if w.talktalkOpts != nil {
			opts = w.talktalkOpts(b)
		}
		client, err := talktalk.New(b.talkKey, opts...)
		if err != nil {
			return mounted{}, nil, fmt.Errorf("%s: talktalk: %w", b.label(), err)
		}
		bots = append(bots, &talktalk.Bot{ID: b.ID, Tokens: tokens, Client: client})
	}
	resolver, err := talktalk.StaticBots(bots...)
	if err != nil {
		return mounted{}, nil, err
	}
	var allowOpts []signature.AllowOption
	if set != nil && len(set.TrustedProxies) > 0 {
		allowOpts = append(allowOpts, signature.WithTrustedProxies(set.TrustedProxies...))
	}
	allow, err := signature.NewTalkTalkAllowList(allowOpts...)
	if err != nil {
		return mounted{}, nil, fmt.Errorf("talktalk.trustedProxies: %w", err)
	}
	mh, err := talktalk.NewMultiBotHandler(resolver, h,
		talktalk.WithBotPath("bot"),
		talktalk.WithAllowList(allow),
		talktalk.WithErrorHandler(w.onError(message.TalkTalk)),
	)
	if err != nil {
		return mounted{}, nil, err
	}
	return mounted{name: "TalkTalk", pattern: patternTalkTalk, bots: ids(bs), wait: mh.Wait}, mh, nil
}

// serveConfig reads the configuration file, builds the server and serves
// it on addr until ctx is done.
func serveConfig(ctx context.Context, path, addr string, getenv func(string) string, logger *slog.Logger) error {
	cfg, err := loadConfig(path)
	if err != nil {
		return err
	}
	bots, err := cfg.resolve(getenv)
	if err != nil {
		return err
	}
	s, err := buildServer(ctx, cfg, bots, wiring{
		mw: []message.Middleware{message.Observe(message.SlogObserver(logger))},
		failed: func(p message.Platform, r *http.Request, err error) {
			logger.ErrorContext(r.Context(), "webhook failed", "platform", p, "err", err)
		},
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	for _, m := range s.mounted {
		logger.Info("mounted", "platform", m.name, "pattern", m.pattern, "bots", len(m.bots))
	}
	return serve(ctx, ln, s, logger)
}

// serve runs s on ln until ctx is done, then shuts the server down
// gracefully and waits for every platform's background work.
func serve(ctx context.Context, ln net.Listener, s *server, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("serving", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	// Replies still being sent (LINE's, TalkTalk's late ones, chatbot
	// answers) end within the handlers' timeouts; wait a little longer.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 35*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	for _, m := range s.mounted {
		if werr := m.wait(shutdownCtx); werr != nil {
			err = errors.Join(err, fmt.Errorf("%s: background work: %w", m.name, werr))
		}
	}
	logger.Info("stopped")
	return err
}
