package clova

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/message"
)

// Bot is one extension a multi-bot handler serves. ID is its Extension ID,
// the applicationId CLOVA names in every request
// (context.System.application.applicationId). A CEK extension has no
// secret of its own: CLOVA's RSA signature proves that CLOVA sent the
// request, and the ID then selects the extension.
//
// Bot implements Format and LogValue, as every channelkit Bot does (the
// other platforms' Bots hold secrets); it prints as clova.Bot{ID:"…"}.
type Bot struct {
	ID string
}

func (b Bot) form() redact.Form {
	return redact.Form{Type: "clova.Bot", Fields: []redact.Field{{Name: "ID", Value: b.ID}}}
}

// Format writes the bot's ID, for every verb.
func (b Bot) Format(f fmt.State, verb rune) { b.form().Format(f, verb) }

// LogValue logs the bot's ID.
func (b Bot) LogValue() slog.Value { return b.form().LogValue() }

// BotResolver finds a bot by the ID a request names. It returns an error
// wrapping [ErrUnknownBot] for a bot it does not serve; any other error is
// a failed lookup (a database down), answered 500 and not cached. It must
// be safe for concurrent use.
type BotResolver interface {
	ResolveBot(ctx context.Context, id string) (*Bot, error)
}

// BotResolverFunc adapts a function to [BotResolver].
type BotResolverFunc func(ctx context.Context, id string) (*Bot, error)

// ResolveBot calls f.
func (f BotResolverFunc) ResolveBot(ctx context.Context, id string) (*Bot, error) {
	return f(ctx, id)
}

// ErrUnknownBot is wrapped by the error of a request for a bot the
// resolver does not serve (or an ID no bot can have: empty, or over 256
// bytes). A multi-bot handler answers it 401, as it answers a wrong
// signature, so that a caller cannot probe which bots exist. It is the
// same value in every channelkit platform package.
var ErrUnknownBot = botset.ErrUnknownBot

// DefaultBotCacheTTL is how long a multi-bot handler caches a resolved bot
// unless [WithBotCacheTTL] says otherwise: one minute.
const DefaultBotCacheTTL = botset.DefaultTTL

// staticBots is the resolver StaticBots returns.
type staticBots map[string]*Bot

func (s staticBots) ResolveBot(_ context.Context, id string) (*Bot, error) {
	if b, ok := s[id]; ok {
		return b, nil
	}
	return nil, ErrUnknownBot
}

// StaticBots returns a [BotResolver] over a fixed set of bots (read from a
// configuration file, say). A nil bot, an empty or over-long (over 256
// bytes) ID and a duplicate ID are errors: a [*ValidationError], or
// [ValidationErrors] listing them all, each naming the bot ("bots[2].ID"). The bots are not copied: do not
// modify them afterwards.
func StaticBots(bots ...*Bot) (BotResolver, error) {
	set, errs := botset.Index("clova", bots, botID, nil)
	if err := invalid.Join(errs); err != nil {
		return nil, err
	}
	return staticBots(set), nil
}

func botID(b *Bot) string { return b.ID }

// botKey is the context key of the bot a multi-bot handler resolved.
type botKey struct{}

// BotFromContext returns the bot a multi-bot handler resolved the request
// to, inside its HandlerFunc or message.Handler; false in a single-bot
// handler's.
func BotFromContext(ctx context.Context) (*Bot, bool) {
	if ctx == nil {
		return nil, false
	}
	b, ok := ctx.Value(botKey{}).(*Bot)
	return b, ok && b != nil
}

// WithBotPath makes a multi-bot handler take the bot ID from the request
// path's wildcard name (r.PathValue(name), with a Go 1.22+ ServeMux
// pattern: mux.Handle("POST /clova/{bot}", h)) instead of the request's
// applicationId. The applicationId must still name the same extension: a
// request signed by CLOVA for another extension is refused 403
// ([ErrApplicationID]), as the single-bot handler refuses it, before the
// bot is looked up: the answer is the same whether the path names an
// extension served here or not. An empty
// path value is an unknown bot. An empty name is an error, and so is the
// option on a single-bot handler.
func WithBotPath(name string) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if name == "" {
			return argError("WithBotPath", "name", "is empty")
		}
		c.botPath = name
		c.multiOnly = firstOf(c.multiOnly, "WithBotPath")
		return nil
	})
}

// WithBotCacheTTL sets how long a multi-bot handler caches a resolved bot
// (default [DefaultBotCacheTTL]); 0 turns caching off (concurrent requests
// for one bot still share one lookup). A bot the resolver stops returning
// is served at most d longer; [WebhookHandler.ForgetBot] drops it at once.
// Unknown IDs are cached as long (a
// bot added meanwhile is served once its entry ends, or after ForgetBot). A negative
// d is an error, and so is the option on a single-bot handler.
func WithBotCacheTTL(d time.Duration) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if d < 0 {
			return argError("WithBotCacheTTL", "d", "is negative")
		}
		c.botTTL, c.botTTLSet = d, true
		c.multiOnly = firstOf(c.multiOnly, "WithBotCacheTTL")
		return nil
	})
}

func firstOf(have, name string) string {
	if have != "" {
		return have
	}
	return name
}

// NewMultiWebhookHandler is [NewWebhookHandler] for many extensions: each
// request's signature is verified with CLOVA's key first, then its
// applicationId (or the [WithBotPath] path value) is resolved through bots
// to the [Bot] it is for, and fn runs with that bot in its context
// ([BotFromContext]). A request for a bot bots does not serve is answered
// 401, as a wrong signature is, and its error wraps [ErrUnknownBot]; a
// failed lookup is answered 500. Resolved bots are cached
// ([WithBotCacheTTL], [WebhookHandler.ForgetBot]). Every option
// NewWebhookHandler takes applies, plus [WithBotPath] and
// [WithBotCacheTTL]. A nil bots or fn and a nil or failing option are
// errors.
func NewMultiWebhookHandler(bots BotResolver, fn HandlerFunc, opts ...HandlerOption) (*WebhookHandler, error) {
	if bots == nil {
		return nil, argError("NewMultiWebhookHandler", "bots", "is nil")
	}
	if fn == nil {
		return nil, argError("NewMultiWebhookHandler", "fn", "is nil")
	}
	h, c, err := newWebhookHandler("NewMultiWebhookHandler", "", opts)
	if err != nil {
		return nil, err
	}
	if c.botOnly != "" {
		return nil, argError("NewMultiWebhookHandler", "opts", c.botOnly+" only configures a BotHandler")
	}
	h.fn = fn
	h.setBots(bots, c)
	return h, nil
}

// NewMultiBotHandler is [NewBotHandler] for many extensions: requests are
// verified and resolved as [NewMultiWebhookHandler] does, h answers each,
// and every [message.Incoming] carries the resolved bot's ID in BotID (so
// [message.StateKey] keeps one user's conversations with two extensions
// apart). It takes every option NewBotHandler takes, plus [WithBotPath]
// and [WithBotCacheTTL]. A nil bots or h and a nil or failing option are
// errors.
func NewMultiBotHandler(bots BotResolver, h message.Handler, opts ...HandlerOption) (*BotHandler, error) {
	if bots == nil {
		return nil, argError("NewMultiBotHandler", "bots", "is nil")
	}
	if h == nil {
		return nil, argError("NewMultiBotHandler", "h", "is nil")
	}
	wh, c, err := newWebhookHandler("NewMultiBotHandler", "", opts)
	if err != nil {
		return nil, err
	}
	wh.setBots(bots, c)
	b := &BotHandler{wh: wh, h: h, render: c.render}
	wh.bot = b
	return b, nil
}

// setBots makes h a multi-bot handler over bots.
func (h *WebhookHandler) setBots(bots BotResolver, c *handlerConfig) {
	ttl := DefaultBotCacheTTL
	if c.botTTLSet {
		ttl = c.botTTL
	}
	cfg := botset.Config{TTL: ttl}
	if c.clock {
		cfg.Now = c.now
	}
	h.bots = botset.New(checkedResolve(bots), cfg)
	h.botPath = c.botPath
}

// ForgetBot drops what the handler caches for the bot id, after the bot
// was revoked or changed: the next request for it asks the resolver. It
// is a no-op on a single-bot handler. Safe for concurrent use.
func (h *WebhookHandler) ForgetBot(id string) {
	if h.bots != nil {
		h.bots.Forget(id)
	}
}

// ForgetBot drops what the handler caches for the bot id, as
// [WebhookHandler.ForgetBot] does.
func (b *BotHandler) ForgetBot(id string) { b.wh.ForgetBot(id) }

// resolve returns the bot a verified request is for: the one its path
// value (WithBotPath) or its applicationId names. With a path, the
// applicationId must be the path's extension, and is compared before the
// lookup: a request CLOVA signed for another extension is refused the same
// way (403) whether or not the path names an extension served here, so
// that replaying one's own signed request to guessed paths tells nothing.
func (h *WebhookHandler) resolve(r *http.Request, req *Request) (*Bot, error) {
	id := req.ApplicationID()
	if h.botPath != "" {
		id = r.PathValue(h.botPath)
		if id == "" {
			return nil, errUnknownBot
		}
		if err := req.CheckApplicationID(id); err != nil {
			return nil, err
		}
	}
	bot, err := h.bots.Get(r.Context(), id)
	if err != nil {
		if errors.Is(err, ErrUnknownBot) {
			return nil, errUnknownBot
		}
		return nil, fmt.Errorf("clova: resolving the bot: %w", err)
	}
	return bot, nil
}

// checkedResolve wraps the resolver's answer in the checks a bot must
// pass to be served, so that an answer that fails them is a failed lookup
// the cache does not keep (the resolver is asked again next time), and
// an unknown bot is reported without the resolver's text (which may
// quote the ID a caller chose). The bot's ID must be the one asked for:
// it is the applicationId the request was signed for, and the key of the
// bot's conversation state.
func checkedResolve(bots BotResolver) botset.Resolve[*Bot] {
	return func(ctx context.Context, id string) (*Bot, error) {
		bot, err := bots.ResolveBot(ctx, id)
		switch {
		case errors.Is(err, ErrUnknownBot):
			return nil, ErrUnknownBot
		case err != nil:
			return nil, err
		case bot == nil:
			return nil, errNilBot
		case bot.ID != id:
			return nil, errOtherBot
		}
		return bot, nil
	}
}

// What a multi-bot handler reports when the resolver's answer cannot be
// served.
var (
	errUnknownBot = fmt.Errorf("clova: %w", ErrUnknownBot)
	errNilBot     = errors.New("the resolver returned no bot and no error")
	errOtherBot   = errors.New("the resolver returned a bot of another ID")
)
