package talktalk

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// Bot is one bot (a TalkTalk partner account) a multi-bot handler
// serves: the ID the request path names and the credentials it is
// checked and answered with.
//
// ID is what the [WithBotPath] wildcard holds: TalkTalk names no partner
// in the body, so each partner's webhook URL carries its ID
// (https://bot.example.com/talktalk/<ID>/<token>). Tokens, if set, must
// hold the last segment of the request path, checked as [WithPathToken]
// checks its tokens (list the new and the previous token while you rotate
// them); without Tokens the partner is protected by the allow-list alone.
// Client, made with the partner's authorization key, sends what the
// webhook response cannot carry and late replies.
//
// A Bot prints (every fmt verb, slog) as
// talktalk.Bot{ID:"…", Tokens:signature.SecretSet{Len:1}, Client:talktalk.Client{…}},
// never a token or key.
type Bot struct {
	ID     string
	Tokens signature.SecretSet
	Client *Client
}

func (b Bot) form() redact.Form {
	var cl any
	if b.Client != nil {
		cl = *b.Client
	}
	return redact.Form{Type: "talktalk.Bot", Fields: []redact.Field{
		{Name: "ID", Value: b.ID},
		{Name: "Tokens", Value: b.Tokens},
		{Name: "Client", Value: cl},
	}}
}

// Format writes the bot's ID, how many tokens it holds and its client's
// base URL, for every verb.
func (b Bot) Format(f fmt.State, verb rune) { b.form().Format(f, verb) }

// LogValue logs the bot's ID, how many tokens it holds and its client's
// base URL.
func (b Bot) LogValue() slog.Value { return b.form().LogValue() }

// BotResolver finds a bot by the ID a request names. It returns an error
// wrapping [ErrUnknownBot] for a bot it does not serve; any other error
// is a failed lookup (answered 500) and is not cached. It is called
// concurrently, with the request's context, with IDs from requests whose
// token is not checked yet (at most 256 bytes long).
type BotResolver interface {
	ResolveBot(ctx context.Context, id string) (*Bot, error)
}

// BotResolverFunc adapts a function to [BotResolver].
type BotResolverFunc func(ctx context.Context, id string) (*Bot, error)

// ResolveBot calls f.
func (f BotResolverFunc) ResolveBot(ctx context.Context, id string) (*Bot, error) { return f(ctx, id) }

// ErrUnknownBot is wrapped by the error of a request for a bot the
// resolver does not serve. The handler answers it 401, as it answers a
// bot's wrong token, so that a caller cannot tell which partners exist.
// It is the same value in every channelkit platform package.
var ErrUnknownBot = botset.ErrUnknownBot

// DefaultBotCacheTTL is how long a multi-bot handler caches a resolved
// bot unless [WithBotCacheTTL] says otherwise.
const DefaultBotCacheTTL = botset.DefaultTTL

type staticBots map[string]*Bot

func (s staticBots) ResolveBot(_ context.Context, id string) (*Bot, error) {
	if b, ok := s[id]; ok {
		return b, nil
	}
	return nil, ErrUnknownBot
}

// StaticBots returns a [BotResolver] over a fixed set of bots, such as
// one read from a configuration file. Each bot needs an ID, unique and at
// most 256 bytes; Tokens and Client are optional. A nil bot or a missing
// or duplicate ID is an error, a [ValidationErrors] naming every problem
// (bots[2].ID). The bots are shared, not copied: do not modify them
// afterwards. The resolver is safe for concurrent use.
func StaticBots(bots ...*Bot) (BotResolver, error) {
	set, errs := botset.Index(pkg, bots, botID, nil)
	if err := invalid.Join(errs); err != nil {
		return nil, err
	}
	return staticBots(set), nil
}

func botID(b *Bot) string { return b.ID }

// multiConfig holds the options only the multi-bot constructors take.
type multiConfig struct {
	path   string
	ttl    time.Duration
	ttlSet bool
	now    func() time.Time // tests
	only   string           // the first multi-bot option given
	// verifyUnknown replaces the dummy token check (tests).
	verifyUnknown func(token string) error
}

func multiOption(name string, fn func(*multiConfig) error) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if c.multi.only == "" {
			c.multi.only = name
		}
		return fn(&c.multi)
	})
}

// WithBotPath takes the bot ID from the request path's wildcard name
// (r.PathValue(name)); mount the handler with a Go 1.22+ ServeMux
// pattern, mux.Handle("POST /talktalk/{bot}/{token}", h), and register
// each partner's URL in Partner Center. A multi-bot handler needs it:
// TalkTalk names no partner in the body. An empty value is an unknown
// bot. An empty name is an error, and so is passing it to
// [NewWebhookHandler] or [NewBotHandler].
func WithBotPath(name string) HandlerOption {
	return multiOption("WithBotPath", func(c *multiConfig) error {
		if name == "" {
			return optionError("WithBotPath", "name", "empty wildcard name")
		}
		c.path = name
		return nil
	})
}

// WithBotCacheTTL sets how long a multi-bot handler caches a resolved bot
// (default [DefaultBotCacheTTL], one minute); 0 asks the resolver on
// every request, a negative d is an error. A bot the resolver stops
// returning (revoked) is still served at most this long;
// [WebhookHandler.ForgetBot] drops it at once. Unknown IDs are cached as long (a
// bot added meanwhile is served once its entry ends, or after ForgetBot). The single-bot constructors refuse
// it.
func WithBotCacheTTL(d time.Duration) HandlerOption {
	return multiOption("WithBotCacheTTL", func(c *multiConfig) error {
		if d < 0 {
			return optionError("WithBotCacheTTL", "d", "must not be negative")
		}
		c.ttl, c.ttlSet = d, true
		return nil
	})
}

// multiBots is a multi-bot handler's resolution.
type multiBots struct {
	path  string
	cache *botset.Cache[cachedBot]
	// verifyUnknown checks an unknown bot's path token against a random
	// secret no bot has, as a known bot's is checked against its Tokens
	// (tests replace it to watch it).
	verifyUnknown func(token string) error
}

// cachedBot is what the cache holds for a bot: the bot, and a copy of
// the token set every request checks, so that a hit reads the bot's
// tokens without first reading the Bot (with a thousand bots, each
// pointer followed is a likely CPU-cache miss).
type cachedBot struct {
	bot    *Bot
	tokens signature.SecretSet
}

// checkedResolve wraps the resolver's answer in the checks a bot must
// pass to be served, so that an answer that fails them is a failed lookup
// the cache does not keep (the resolver is asked again next time), and
// an unknown bot is reported without the resolver's text (which may
// quote the ID a caller chose).
func checkedResolve(bots BotResolver) botset.Resolve[cachedBot] {
	return func(ctx context.Context, id string) (cachedBot, error) {
		bot, err := bots.ResolveBot(ctx, id)
		switch {
		case errors.Is(err, ErrUnknownBot):
			return cachedBot{}, ErrUnknownBot
		case err != nil:
			return cachedBot{}, err
		case bot == nil:
			return cachedBot{}, errNilBot
		case bot.ID != id:
			return cachedBot{}, errOtherBot
		}
		return cachedBot{bot: bot, tokens: bot.Tokens}, nil
	}
}

// What a multi-bot handler reports when the resolver's answer cannot be
// served; none names the bot or its tokens.
var (
	errUnknownBot = fmt.Errorf("talktalk: %w", ErrUnknownBot)
	errNilBot     = errors.New("the resolver returned no bot and no error")
	errOtherBot   = errors.New("the resolver returned a bot of another ID")
)

// errWrongBotToken is the error of a request whose path token is not its
// bot's: answered 401, as an unknown bot is (not 403 as a single-bot
// handler's wrong token), so that a caller cannot tell the two apart.
var errWrongBotToken = fmt.Errorf("talktalk: %w: %w: the bot's path token is missing or wrong", signature.ErrMismatch, signature.ErrForbidden)

// resolve finds r's bot and checks its token.
func (m *multiBots) resolve(r *http.Request) (*Bot, error) {
	c, err := m.cache.Get(r.Context(), r.PathValue(m.path))
	switch {
	case errors.Is(err, ErrUnknownBot):
		// The same check a known bot's token gets, so that the work
		// done does not tell which bots exist.
		_ = m.verifyUnknown(pathToken(r))
		return nil, errUnknownBot
	case err != nil:
		return nil, fmt.Errorf("talktalk: resolving the bot: %w", err)
	}
	if c.tokens.Len() > 0 && c.tokens.VerifyToken(pathToken(r)) != nil {
		return nil, errWrongBotToken
	}
	return c.bot, nil
}

// pathToken is the last segment of r's path, where a multi-bot handler
// takes a bot's token from.
func pathToken(r *http.Request) string {
	p := strings.TrimSuffix(r.URL.Path, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}

type botKey struct{}

// BotFromContext returns the bot a multi-bot handler resolved the request
// to, inside its [HandlerFunc] or [message.Handler]; false from a
// single-bot handler.
func BotFromContext(ctx context.Context) (*Bot, bool) {
	if ctx == nil {
		return nil, false
	}
	b, ok := ctx.Value(botKey{}).(*Bot)
	return b, ok && b != nil
}

// newMulti builds the handler both multi-bot constructors serve with,
// refusing the options that fix one bot's credentials.
func newMulti(fn string, bots BotResolver, opts []HandlerOption) (*WebhookHandler, error) {
	if bots == nil {
		return nil, invalid.Arg(pkg, fn, "bots", "nil")
	}
	h, err := newWebhookHandler(fn, opts)
	if err != nil {
		return nil, err
	}
	cfg := &h.cfg
	switch {
	case cfg.multi.path == "":
		return nil, invalid.Arg(pkg, fn, "opts", "needs WithBotPath: TalkTalk names no partner in the body, so the path must")
	case cfg.pathTokens.Len() > 0:
		return nil, invalid.Arg(pkg, fn, "WithPathToken", "each Bot carries its Tokens")
	case cfg.headerTokens.Len() > 0:
		return nil, invalid.Arg(pkg, fn, "WithHeaderToken", "each Bot carries its Tokens, checked in the path")
	case cfg.late != nil:
		return nil, invalid.Arg(pkg, fn, "WithLateReplyClient", "late replies go through each Bot's Client")
	case cfg.client != nil:
		return nil, invalid.Arg(pkg, fn, "WithClient", "each Bot carries its Client")
	}
	ttl := DefaultBotCacheTTL
	if cfg.multi.ttlSet {
		ttl = cfg.multi.ttl
	}
	h.multi = &multiBots{
		path:          cfg.multi.path,
		cache:         botset.New(checkedResolve(bots), botset.Config{TTL: ttl, Now: cfg.multi.now}),
		verifyUnknown: signature.MustSecretSet(rand.Text()).VerifyToken,
	}
	if cfg.multi.verifyUnknown != nil {
		h.multi.verifyUnknown = cfg.multi.verifyUnknown
	}
	return h, nil
}

// NewMultiWebhookHandler is [NewWebhookHandler] for many partner
// accounts: each request is checked against the allow-list
// ([WithAllowList] applies to all bots), resolved to its bot by the
// [WithBotPath] wildcard (required) through bots and a cache
// ([WithBotCacheTTL]), checked against that bot's Tokens, and fn is
// called with the bot in the context ([BotFromContext]); a reply fn
// returns after the budget goes through the bot's Client. A request for a
// bot bots does not serve, or with a wrong token for the bot it names,
// is answered 401 (an error wrapping [ErrUnknownBot], or
// [signature.ErrMismatch] and [signature.ErrForbidden], goes to the error
// handler); a failed lookup is answered 500. [WithPathToken],
// [WithHeaderToken], [WithLateReplyClient], [WithClient] and
// [WithRenderOptions] are errors here. See "Many bots" in the package
// documentation.
func NewMultiWebhookHandler(bots BotResolver, fn HandlerFunc, opts ...HandlerOption) (*WebhookHandler, error) {
	if fn == nil {
		return nil, invalid.Arg(pkg, "NewMultiWebhookHandler", "fn", "nil")
	}
	h, err := newMulti("NewMultiWebhookHandler", bots, opts)
	if err != nil {
		return nil, err
	}
	if h.cfg.botOnly != "" {
		return nil, invalid.Arg(pkg, "NewMultiWebhookHandler", h.cfg.botOnly, "a NewBotHandler option")
	}
	h.fn = fn
	return h, nil
}

// NewMultiBotHandler is [NewBotHandler] for many partner accounts: each
// request is resolved and checked as [NewMultiWebhookHandler] does, h
// answers through the webhook response and the resolved bot's Client (a
// bot without one is served as NewBotHandler without [WithClient] is),
// and every Incoming carries the bot's ID (Incoming.BotID), so that
// conversation state is kept per bot. [WithClient] is an error here;
// [WithRenderOptions] applies to every bot.
func NewMultiBotHandler(bots BotResolver, h message.Handler, opts ...HandlerOption) (*BotHandler, error) {
	if h == nil {
		return nil, invalid.Arg(pkg, "NewMultiBotHandler", "h", "nil")
	}
	wh, err := newMulti("NewMultiBotHandler", bots, opts)
	if err != nil {
		return nil, err
	}
	return &BotHandler{wh: wh, h: h}, nil
}

// ForgetBot drops what the handler caches for the bot id, after its
// token was rotated or it was revoked: the next request for it asks the
// resolver. A no-op on a single-bot handler. Safe for concurrent use.
func (h *WebhookHandler) ForgetBot(id string) {
	if h.multi != nil {
		h.multi.cache.Forget(id)
	}
}

// ForgetBot is [WebhookHandler.ForgetBot].
func (b *BotHandler) ForgetBot(id string) { b.wh.ForgetBot(id) }

// singleOnly is the error of a multi-bot option given to a single-bot
// constructor fn, or nil.
func (c *handlerConfig) singleOnly(fn string) error {
	if c.multi.only == "" {
		return nil
	}
	return invalid.Arg(pkg, fn, c.multi.only, "an option of NewMultiWebhookHandler and NewMultiBotHandler")
}
