// Package emulator is a local messenger emulator for channelkit bots: a
// web page on which a person picks a platform (LINE, KakaoTalk, NAVER
// TalkTalk, NAVER WORKS or CLOVA) and chats with a bot as that platform
// would show it.
//
// Typing, pressing a button of the bot's answer, or sending a follow, an
// image, a sticker or a location makes the emulator send the bot the
// webhook that platform would send: signed with the emulator's secret
// (LINE, NAVER WORKS), with the header secret (Kakao), at the secret path
// and from a TalkTalk address (TalkTalk), or signed with the clovatest key
// (CLOVA). The bot's API calls (replies, pushes, typing indicators,
// hand-overs, token requests) go to the emulator's own fakes, the <pkg>test
// servers, through a recording front that shows each on the page as it
// happens, over server-sent events. Next to every answer the page shows
// the exact JSON the platform received and what the platform would refuse,
// from the platform package's own validators.
//
// The emulator is for a person on the same machine: it listens on loopback,
// serves a page that needs nothing from the network, and sends webhooks
// only to the URLs it was given. It answers only requests addressed to
// localhost, 127.0.0.1 or [::1] on its own port, and takes a POST only as
// application/json from its own page's origin, so that another web page
// open in the same browser can neither send webhooks through it nor read
// its test credentials (DNS rebinding). Open the page by one of those
// names.
//
// # Using it
//
//	e, err := emulator.New(emulator.Config{})
//	// configure the bot with e.Settings(): base URLs, credentials, secrets
//	e.SetTargets(emulator.Targets{LINE: "http://127.0.0.1:8080/line", ...})
//	http.ListenAndServe("127.0.0.1:8090", e)
//
// examples/emulator is the command; examples/multichannel -emulator runs
// it with the demo bot in-process.
package emulator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"sync"
	"time"

	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// Platform names, as the page and the API spell them.
const (
	LINE       = "line"
	Kakao      = "kakao"
	TalkTalk   = "talktalk"
	NaverWorks = "naverworks"
	Clova      = "clova"
)

// Config configures an Emulator. Every field is optional.
type Config struct {
	// Targets are the bot's webhook URLs; SetTargets changes them later.
	Targets Targets
	// ClovaIntent and ClovaSlot name the intent and the free-speech slot
	// that carry what the user typed to a CEK extension (CEK sends
	// analysed intents, never the raw utterance). Defaults:
	// "FreeSpeechIntent" and "utterance".
	ClovaIntent, ClovaSlot string
	// Timeout bounds each webhook call to the bot. Default 10 s.
	Timeout time.Duration
}

// Targets are the bot's webhook URLs, one per platform; an empty URL
// leaves that platform's page saying it is not connected. The TalkTalk URL
// ends in the path token the bot expects.
type Targets struct {
	LINE, Kakao, TalkTalk, NaverWorks, Clova string
}

func (t Targets) of(p string) string {
	switch p {
	case LINE:
		return t.LINE
	case Kakao:
		return t.Kakao
	case TalkTalk:
		return t.TalkTalk
	case NaverWorks:
		return t.NaverWorks
	case Clova:
		return t.Clova
	}
	return ""
}

// Settings is what a bot needs to talk to the emulator instead of the real
// platforms: the base URLs of the emulator's fakes (each client's
// WithBaseURL) and the credentials and secrets the emulator signs and
// accepts with. It holds test credentials only, generated per Emulator.
type Settings struct {
	// LINE: line.New(LINEChannelToken, line.WithBaseURL(LINEBaseURL));
	// webhooks are signed with LINEChannelSecret.
	LINEBaseURL, LINEChannelToken, LINEChannelSecret string
	// Kakao: the skill's header secret, sent in KakaoHeader. Callback URLs
	// point at the emulator on 127.0.0.1: the bot's kakao.Client needs
	// kakao.WithAllowedHosts("127.0.0.1").
	KakaoHeader, KakaoSkillSecret, KakaoBotID string
	// TalkTalk: talktalk.New(TalkTalkAuthorizationKey,
	// talktalk.WithBaseURL(TalkTalkBaseURL)). Webhooks come from loopback
	// with X-Forwarded-For: TalkTalkForwardedFor, one of TalkTalk's
	// published addresses: trust 127.0.0.1 and ::1 as proxies.
	TalkTalkBaseURL, TalkTalkAuthorizationKey, TalkTalkForwardedFor string
	// NAVER WORKS: naverworks.TokenSource(NaverWorksCredentials,
	// naverworks.WithTokenURL(NaverWorksTokenURL)) and
	// naverworks.New(NaverWorksBotID, ts,
	// naverworks.WithBaseURL(NaverWorksBaseURL)); callbacks are signed
	// with NaverWorksBotSecret.
	NaverWorksBaseURL, NaverWorksTokenURL, NaverWorksBotID, NaverWorksBotSecret string
	NaverWorksClientID, NaverWorksClientSecret, NaverWorksServiceAccount        string
	NaverWorksPrivateKey                                                        string
	// CLOVA: requests are signed with clovatest's key, whose public half
	// is served at ClovaPublicKeyURL (clova.WithPublicKeyURL) and is
	// clovatest.PublicKey() in process; the extension ID is
	// ClovaExtensionID.
	ClovaPublicKeyURL, ClovaExtensionID string
}

// Emulator is the emulator: an http.Handler serving the page and its API,
// with the five fakes running behind recording fronts. Close stops them.
// It is safe for concurrent use.
type Emulator struct {
	cfg     Config
	secrets secrets
	hub     *hub
	mux     *http.ServeMux
	client  *http.Client

	line  *linetest.Server
	kakao *kakaotest.Server
	talk  *talktalktest.Server
	works *naverworkstest.Server
	clova *clovatest.Server

	fronts map[string]*front

	mu      sync.Mutex
	targets Targets
	cek     cekSession
}

type secrets struct {
	line, kakao, works string
}

// New starts the five fakes and their fronts on loopback and returns the
// emulator. It fails only when it cannot listen or draw random secrets.
func New(cfg Config) (*Emulator, error) {
	if cfg.ClovaIntent == "" {
		cfg.ClovaIntent = "FreeSpeechIntent"
	}
	if cfg.ClovaSlot == "" {
		cfg.ClovaSlot = "utterance"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	e := &Emulator{cfg: cfg, targets: cfg.Targets, hub: newHub(), fronts: map[string]*front{}}
	for _, s := range []*string{&e.secrets.line, &e.secrets.kakao, &e.secrets.works} {
		v, err := randomHex()
		if err != nil {
			return nil, err
		}
		*s = v
	}
	if err := e.start(); err != nil {
		e.Close()
		return nil, err
	}
	e.client = &http.Client{Timeout: cfg.Timeout}
	e.routes()
	return e, nil
}

func (e *Emulator) start() error {
	var err error
	if e.line, err = linetest.Start(); err != nil {
		return err
	}
	if e.kakao, err = kakaotest.Start(); err != nil {
		return err
	}
	if e.talk, err = talktalktest.Start(); err != nil {
		return err
	}
	if e.works, err = naverworkstest.Start(); err != nil {
		return err
	}
	if e.clova, err = clovatest.Start(); err != nil {
		return err
	}
	for p, u := range map[string]string{LINE: e.line.URL(), Kakao: e.kakao.URL(), TalkTalk: e.talk.URL(), NaverWorks: e.works.URL()} {
		f, err := startFront(p, u, e)
		if err != nil {
			return err
		}
		e.fronts[p] = f
	}
	f, err := startFront(Clova, "", e)
	if err != nil {
		return err
	}
	e.fronts[Clova] = f
	return nil
}

// Close stops the fakes and their fronts and ends every event stream.
func (e *Emulator) Close() {
	e.hub.close()
	for _, f := range e.fronts {
		f.close()
	}
	if e.line != nil {
		e.line.Close()
	}
	if e.kakao != nil {
		e.kakao.Close()
	}
	if e.talk != nil {
		e.talk.Close()
	}
	if e.works != nil {
		e.works.Close()
	}
	if e.clova != nil {
		e.clova.Close()
	}
}

// SetTargets sets the bot's webhook URLs.
func (e *Emulator) SetTargets(t Targets) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.targets = t
}

func (e *Emulator) target(p string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.targets.of(p)
}

// Settings returns what a bot needs to talk to the emulator.
func (e *Emulator) Settings() Settings {
	creds := e.works.Credentials()
	return Settings{
		LINEBaseURL:              e.fronts[LINE].url,
		LINEChannelToken:         linetest.ChannelToken,
		LINEChannelSecret:        e.secrets.line,
		KakaoHeader:              kakaoHeader,
		KakaoSkillSecret:         e.secrets.kakao,
		KakaoBotID:               kakaoBotID,
		TalkTalkBaseURL:          e.fronts[TalkTalk].url + "/chatbot/v1/",
		TalkTalkAuthorizationKey: e.talk.AuthorizationKey(),
		TalkTalkForwardedFor:     talkForwardedFor,
		NaverWorksBaseURL:        e.fronts[NaverWorks].url + naverworkstest.BotAPIPath,
		NaverWorksTokenURL:       e.fronts[NaverWorks].url + naverworkstest.TokenPath,
		NaverWorksBotID:          naverworkstest.BotID,
		NaverWorksBotSecret:      e.secrets.works,
		NaverWorksClientID:       creds.ClientID,
		NaverWorksClientSecret:   creds.ClientSecret,
		NaverWorksServiceAccount: creds.ServiceAccount,
		NaverWorksPrivateKey:     creds.PrivateKey,
		ClovaPublicKeyURL:        e.fronts[Clova].url + clovaKeyPath,
		ClovaExtensionID:         clovatest.ApplicationID,
	}
}

// ServeHTTP serves the page, its assets and its API. It refuses (403) a
// request whose Host is not localhost, 127.0.0.1 or [::1] on the port it
// arrived at, and a POST that is not application/json or whose Origin is
// not the page's own: other web pages open in the developer's browser
// must not drive the emulator or read its test credentials.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if why := allowed(r); why != "" {
		http.Error(w, "emulator: refused: "+why, http.StatusForbidden)
		return
	}
	e.mux.ServeHTTP(w, r)
}

func (e *Emulator) routes() {
	mux := http.NewServeMux()
	static, _ := fs.Sub(webFS, "web")
	files := http.FileServerFS(static)
	mux.Handle("GET /", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Nothing the page loads comes from elsewhere.
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'")
		files.ServeHTTP(w, r)
	}))
	mux.HandleFunc("GET /api/config", e.serveConfig)
	mux.HandleFunc("GET /api/events", e.hub.serve)
	mux.HandleFunc("POST /api/send", e.serveSend)
	e.mux = mux
}

func randomHex() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("emulator: drawing a secret: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// readAtMost reads at most n bytes of r; a longer body is an error.
func readAtMost(r io.Reader, n int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, n+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > n {
		return nil, errors.New("body over the limit")
	}
	return b, nil
}

// ctxTimeout is the context of one webhook call.
func (e *Emulator) ctxTimeout(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, e.cfg.Timeout)
}
