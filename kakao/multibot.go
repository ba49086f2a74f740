package kakao

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// Bot is one bot a multi-bot handler serves ([NewMultiWebhookHandler],
// [NewMultiBotHandler]): the ID a request names (its bot.id, or the path
// segment [WithBotPath] names) and what the request is checked and
// answered with. It is not [BotInfo], the bot a skill request names.
//
// A Bot prints (every fmt verb, slog) as
// kakao.Bot{ID:"…", HeaderSecrets:signature.SecretSet{Len:1}, Client:…},
// never a secret. Do not change a Bot after handing it to a handler:
// requests read it concurrently; hand the resolver a new one and call
// ForgetBot instead.
type Bot struct {
	// ID is the bot's ID: bot.id in every skill request of the bot (the
	// ID in the chatbot admin center's URL), or the path value
	// [WithBotPath] takes.
	ID string
	// HeaderSecrets, when not empty, is what the bot's requests must
	// carry in the shared-secret header (the header [WithHeaderSecret]
	// names, default [DefaultSecretHeader]), as the "헤더값 입력" of the
	// bot's skill settings; list the old and the new value while
	// rotating. A bot without HeaderSecrets is checked against the
	// secrets given to [WithHeaderSecret], and without those serves
	// unauthenticated requests, as a single-bot handler without
	// WithHeaderSecret does.
	HeaderSecrets signature.SecretSet
	// Client delivers the bot's AI-chatbot callbacks ([WithCallback]);
	// nil uses the handler's own client ([New] with the handler's logger
	// and error handler). Kakao needs no credential for a callback, so
	// one client can serve every bot.
	Client *Client
}

func (b *Bot) form() redact.Form {
	return redact.Form{Type: "kakao.Bot", Fields: []redact.Field{
		{Name: "ID", Value: b.ID},
		{Name: "HeaderSecrets", Value: b.HeaderSecrets},
		{Name: "Client", Value: b.Client},
	}}
}

// Format writes the bot's ID, how many header secrets it holds and its
// client's printed form, for every verb; never a secret.
func (b Bot) Format(f fmt.State, verb rune) { b.form().Format(f, verb) }

// LogValue logs the bot's ID, how many header secrets it holds and its
// client's printed form.
func (b Bot) LogValue() slog.Value { return b.form().LogValue() }

// BotResolver finds a bot by the ID a request names. It returns an error
// wrapping [ErrUnknownBot] for a bot it does not serve; any other error is
// a failed lookup (a database down), answered 500 so that the request
// fails visibly, and not cached. A handler calls it at most once per ID
// at a time and caches its answers ([WithBotCacheTTL]); it must be safe
// for concurrent use.
type BotResolver interface {
	ResolveBot(ctx context.Context, id string) (*Bot, error)
}

// BotResolverFunc adapts a function to [BotResolver].
type BotResolverFunc func(ctx context.Context, id string) (*Bot, error)

// ResolveBot calls f.
func (f BotResolverFunc) ResolveBot(ctx context.Context, id string) (*Bot, error) { return f(ctx, id) }

// ErrUnknownBot is wrapped by the error of a request for a bot the
// resolver does not serve, or for no bot at all (an empty or over-long
// ID). A multi-bot handler answers it 401, with an empty body, exactly as
// it answers a wrong header secret, so that a caller cannot tell which
// bots exist. It is the same value in every channelkit platform package.
var ErrUnknownBot = botset.ErrUnknownBot

// DefaultBotCacheTTL is how long a multi-bot handler caches a resolved
// bot by default: one minute.
const DefaultBotCacheTTL = botset.DefaultTTL

// staticBots is StaticBots' resolver.
type staticBots map[string]*Bot

func (s staticBots) ResolveBot(_ context.Context, id string) (*Bot, error) {
	if b, ok := s[id]; ok {
		return b, nil
	}
	return nil, ErrUnknownBot
}

var errUnknownBot = fmt.Errorf("kakao: %w", ErrUnknownBot)

// StaticBots returns a [BotResolver] over a fixed set of bots (read from
// a configuration file, say). It is an error, a [ValidationErrors] naming
// each bots[i] or bots[i].ID at fault, to pass a nil bot, an empty or
// over-long ID or an ID given twice (no bots at all is an empty set, as
// a builder may start with none); Kakao requires no credential of a bot
// (HeaderSecrets and Client are optional). The resolver is safe for
// concurrent use; the bots must not change once passed.
func StaticBots(bots ...*Bot) (BotResolver, error) {
	set, errs := botset.Index(pkg, bots, botID, nil)
	if err := invalid.Join(errs); err != nil {
		return nil, err
	}
	return staticBots(set), nil
}

func botID(b *Bot) string { return b.ID }

// botKey is the context key of the resolved bot.
type botKey struct{}

// BotFromContext returns the bot a multi-bot handler resolved the request
// to, from the context its function or message handler is called with;
// false from a single-bot handler's.
func BotFromContext(ctx context.Context) (*Bot, bool) {
	if ctx == nil {
		return nil, false
	}
	b, ok := ctx.Value(botKey{}).(*Bot)
	return b, ok && b != nil
}

// WithBotPath makes a multi-bot handler take the bot ID from the request
// path's wildcard name (r.PathValue(name), with a Go 1.22+ ServeMux
// pattern: mux.Handle("POST /kakao/{bot}", h)) instead of the body's
// bot.id. The bot is then resolved, and its header secret checked, before
// the body is read, and the body's bot.id is not compared with the path:
// the path names the bot, as the skill URL registered for it does. An
// empty value is an unknown bot. An empty name, or the option on a
// single-bot handler, is a constructor error.
func WithBotPath(name string) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if name == "" {
			return argErr("WithBotPath", "name", "empty wildcard name")
		}
		c.botPath, c.multiOnly = name, "WithBotPath"
		return nil
	})
}

// WithBotCacheTTL sets how long a multi-bot handler caches a resolved
// bot (default [DefaultBotCacheTTL]; 0 turns caching off, and every
// request asks the resolver). A revoked bot stops being served at most
// this long after the resolver stops returning it; ForgetBot drops it at
// once. Unknown IDs are cached as long (a
// bot added meanwhile is served once its entry ends, or after ForgetBot). A
// negative d, or the option on a single-bot handler, is a constructor
// error.
func WithBotCacheTTL(d time.Duration) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if d < 0 {
			return argErr("WithBotCacheTTL", "d", "negative duration")
		}
		c.botTTL, c.botTTLSet, c.multiOnly = d, true, "WithBotCacheTTL"
		return nil
	})
}

// NewMultiWebhookHandler is [NewWebhookHandler] for many bots: each
// request is resolved to its bot by its bot.id (or the path segment
// [WithBotPath] names) through bots, checked against that bot's
// HeaderSecrets, and fn is called with the bot in its context
// ([BotFromContext]). A callback is delivered through the bot's Client.
// The other handler options apply as they do to NewWebhookHandler;
// [WithHeaderSecret] names the header and its secrets check the bots that
// have no HeaderSecrets of their own. [WithBotIDs] and [WithClient], which
// fix one bot's credentials, are constructor errors here: the Bot carries
// them. It performs no I/O.
//
// A request for a bot the resolver does not serve, and one whose header
// secret is missing or wrong, are both answered 401 with an empty body
// (not 403 as the single-bot handler answers a wrong header secret), so
// that a caller cannot tell the two apart; the error handler gets an
// error wrapping [ErrUnknownBot], or [signature.ErrMismatch] (or
// [signature.ErrMissing]) with [signature.ErrForbidden]. A resolver
// failure is answered 500. See the package doc, Many bots.
func NewMultiWebhookHandler(bots BotResolver, fn HandlerFunc, opts ...HandlerOption) (*WebhookHandler, error) {
	if bots == nil {
		return nil, argErr("NewMultiWebhookHandler", "bots", "nil resolver")
	}
	if fn == nil {
		return nil, argErr("NewMultiWebhookHandler", "fn", "nil function")
	}
	h, err := newMultiHandler("NewMultiWebhookHandler", bots, opts)
	if err != nil {
		return nil, err
	}
	if h.cfg.botOnly != "" {
		return nil, argErr("NewMultiWebhookHandler", "opts", h.cfg.botOnly+" configures NewMultiBotHandler only")
	}
	h.fn = func(ctx context.Context, _ *http.Request, req *Request) (*Response, error) { return fn(ctx, req) }
	return h, nil
}

// NewMultiBotHandler is [NewBotHandler] for many bots: each request is
// resolved, checked and answered as [NewMultiWebhookHandler] does, the
// conversation handler h answers it, and every [message.Incoming] carries
// the bot's ID in BotID. It takes NewBotHandler's options
// ([WithRenderOptions], [WithWelcomeBlock]) but not [WithBotIDs] or
// [WithClient]. It performs no I/O.
func NewMultiBotHandler(bots BotResolver, h message.Handler, opts ...HandlerOption) (*BotHandler, error) {
	if bots == nil {
		return nil, argErr("NewMultiBotHandler", "bots", "nil resolver")
	}
	if h == nil {
		return nil, argErr("NewMultiBotHandler", "h", "nil handler")
	}
	wh, err := newMultiHandler("NewMultiBotHandler", bots, opts)
	if err != nil {
		return nil, err
	}
	b := &BotHandler{wh: wh, h: h, render: wh.cfg.render, welcome: wh.cfg.welcome}
	wh.fn = b.skill
	return b, nil
}

// newMultiHandler builds a multi-bot handler, all but its function.
func newMultiHandler(name string, bots BotResolver, opts []HandlerOption) (*WebhookHandler, error) {
	h, err := newWebhookHandler(name, opts)
	if err != nil {
		return nil, err
	}
	switch {
	case h.cfg.botIDs != nil:
		return nil, argErr(name, "opts", "WithBotIDs fixes the bots of a single-bot handler; the resolver names them here")
	case h.cfg.clientSet:
		return nil, argErr(name, "opts", "WithClient fixes one bot's client; set Bot.Client")
	}
	if h.cfg.headerName == "" {
		h.cfg.headerName = DefaultSecretHeader
	}
	ttl := DefaultBotCacheTTL
	if h.cfg.botTTLSet {
		ttl = h.cfg.botTTL
	}
	// The resolver's answer is checked before the cache keeps it: an
	// answer that cannot be served is a failed lookup, asked again next
	// time. An unknown bot is reported without the resolver's text, which
	// may quote the ID a caller chose.
	resolve := func(ctx context.Context, id string) (cachedBot, error) {
		b, err := bots.ResolveBot(ctx, id)
		switch {
		case errors.Is(err, ErrUnknownBot):
			return cachedBot{}, ErrUnknownBot
		case err != nil:
			return cachedBot{}, err
		case b == nil:
			return cachedBot{}, errNilBot
		case b.ID != id:
			return cachedBot{}, errOtherBot
		}
		return cachedBot{bot: b, secrets: b.HeaderSecrets}, nil
	}
	h.verifyUnknown = signature.MustSecretSet(rand.Text()).VerifyToken
	// The cache reads no clock on a hit (timers expire its entries); a
	// test's clock (setClock) replaces it with one that reads that clock.
	h.newBots = func(now func() time.Time) *botset.Cache[cachedBot] {
		return botset.New(resolve, botset.Config{TTL: ttl, Now: now})
	}
	h.bots = h.newBots(nil)
	return h, nil
}

// cachedBot is what the cache holds for a bot: the bot, and a copy of
// its header secrets, so that a hit reads them without first reading the
// Bot (with a thousand bots, each pointer followed is a likely CPU-cache
// miss).
type cachedBot struct {
	bot     *Bot
	secrets signature.SecretSet
}

var (
	errNilBot   = errors.New("the resolver returned no bot and no error")
	errOtherBot = errors.New("the resolver returned a bot of another ID")
)

// ForgetBot drops what the handler caches for the bot id, so that the
// next request for it asks the resolver: call it after rotating the bot's
// secret or revoking it. A no-op on a single-bot handler. Safe for
// concurrent use.
func (h *WebhookHandler) ForgetBot(id string) {
	if h.bots != nil {
		h.bots.Forget(id)
	}
}

// ForgetBot drops what the handler caches for the bot id; see
// [WebhookHandler.ForgetBot].
func (b *BotHandler) ForgetBot(id string) { b.wh.ForgetBot(id) }

// resolveBot finds the bot of a request by id and checks its header
// secret (the bot's own, else the handler's). A failure is ErrUnknownBot,
// a wrong secret (both answered 401) or the resolver's error (500).
func (h *WebhookHandler) resolveBot(r *http.Request, id string) (*Bot, error) {
	c, err := h.bots.Get(r.Context(), id)
	if err != nil {
		if errors.Is(err, ErrUnknownBot) {
			// The same check a known bot's header secret gets, so
			// that the work done does not tell which bots exist.
			v, _ := webhookio.Credential(r.Header, h.cfg.headerName)
			_ = h.verifyUnknown(v)
			return nil, errUnknownBot
		}
		return nil, fmt.Errorf("kakao: resolving the bot: %w", err)
	}
	b, secrets := c.bot, c.secrets
	if secrets.Len() == 0 {
		secrets = h.cfg.secrets
	}
	if secrets.Len() == 0 {
		return b, nil
	}
	v, err := webhookio.Credential(r.Header, h.cfg.headerName)
	switch {
	case err != nil:
		return nil, fmt.Errorf("kakao: shared-secret %w: %w: %w", err, signature.ErrMismatch, signature.ErrForbidden)
	case v == "":
		return nil, errBotSecretMissing
	case secrets.VerifyToken(v) != nil:
		return nil, errBotSecretMismatch
	}
	return b, nil
}

var (
	errBotSecretMissing  = fmt.Errorf("kakao: shared-secret header missing: %w: %w", signature.ErrMissing, signature.ErrForbidden)
	errBotSecretMismatch = fmt.Errorf("kakao: shared-secret header does not match the bot's: %w: %w", signature.ErrMismatch, signature.ErrForbidden)
)
