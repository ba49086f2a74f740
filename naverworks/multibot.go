package naverworks

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// Bot is one bot a multi-bot handler serves: the ID a request names and
// the credentials it is verified and answered with.
//
// ID is the Bot ID, as NAVER WORKS sends it in X-WORKS-BotId. Secrets is
// that bot's Bot Secret (plus the previous one while rotating). Client is
// the client of that bot ([New] with the same ID); [NewMultiBotHandler]
// answers through it, [NewMultiWebhookHandler] does not need it. Bots of
// one app share one Service Account: give their clients one token source
// ([TokenSource], a [*TokenCache]) so that they share its token.
//
// A Bot prints (every fmt verb, slog) as naverworks.Bot{ID:"…",
// Secrets:signature.SecretSet{Len:1}, Client:…}, never a secret.
type Bot struct {
	ID      string
	Secrets signature.SecretSet
	Client  *Client
}

func (b Bot) form() redact.Form {
	var cl any = (*Client)(nil)
	if b.Client != nil {
		cl = b.Client.form()
	}
	return redact.Form{Type: "naverworks.Bot", Fields: []redact.Field{
		{Name: "ID", Value: b.ID},
		{Name: "Secrets", Value: b.Secrets},
		{Name: "Client", Value: cl},
	}}
}

// Format writes the bot's ID, how many secrets it holds and its client,
// for every verb; never a secret.
func (b Bot) Format(f fmt.State, verb rune) { b.form().Format(f, verb) }

// LogValue logs the bot's ID, how many secrets it holds and its client.
func (b Bot) LogValue() slog.Value { return b.form().LogValue() }

// BotResolver finds a bot by the ID a request names. It returns an error
// wrapping [ErrUnknownBot] for a bot it does not serve; any other error is
// a failed lookup (answered 500; NAVER WORKS does not resend it) and is not
// cached. A multi-bot handler calls it from many goroutines at once.
type BotResolver interface {
	ResolveBot(ctx context.Context, id string) (*Bot, error)
}

// BotResolverFunc adapts a function to [BotResolver].
type BotResolverFunc func(ctx context.Context, id string) (*Bot, error)

// ResolveBot calls f.
func (f BotResolverFunc) ResolveBot(ctx context.Context, id string) (*Bot, error) { return f(ctx, id) }

// ErrUnknownBot is wrapped by the error of a request for a bot the
// resolver does not serve (or an ID no bot can have: empty, or over 256
// bytes). A multi-bot handler answers it 401, as it answers a wrong
// signature. It is the same value in every channelkit platform package.
var ErrUnknownBot = botset.ErrUnknownBot

// DefaultBotCacheTTL is how long a multi-bot handler serves a resolved bot
// before it asks the resolver again: one minute.
const DefaultBotCacheTTL = botset.DefaultTTL

// staticBots is the resolver of [StaticBots].
type staticBots map[string]*Bot

func (s staticBots) ResolveBot(_ context.Context, id string) (*Bot, error) {
	if b, ok := s[id]; ok {
		return b, nil
	}
	return nil, ErrUnknownBot
}

// StaticBots returns a [BotResolver] over a fixed set of bots (from a
// config file). It returns an error wrapping [ErrInvalid] (a
// [ValidationErrors] naming bots[i].ID, bots[i].Secrets or bots[i].Client)
// for a nil bot, an empty, over-long or duplicate ID, an empty Secrets, or
// a Client of another bot. A Client is optional here;
// [NewMultiBotHandler] refuses a StaticBots resolver with a bot without
// one. The bots are not copied: do not change them afterwards. The
// resolver is safe for concurrent use.
func StaticBots(bots ...*Bot) (BotResolver, error) {
	set, errs := botset.Index(pkg, bots, botID, func(b *Bot, at string) []*ValidationError {
		var errs []*ValidationError
		if b.Secrets.Len() == 0 {
			errs = append(errs, invalid.New(pkg, at+".Secrets", "missing bot secret"))
		}
		if b.Client != nil && b.Client.BotID() != b.ID {
			errs = append(errs, invalid.New(pkg, at+".Client", "the client of another bot"))
		}
		return errs
	})
	if err := invalid.Join(errs); err != nil {
		return nil, err
	}
	return staticBots(set), nil
}

func botID(b *Bot) string { return b.ID }

// WithBotPath makes a multi-bot handler take the bot ID from the request
// path's wildcard name (r.PathValue(name), with a Go 1.22+ ServeMux pattern
// such as "POST /works/{bot}") instead of the X-WORKS-BotId header. An
// empty value is an unknown bot. An empty name, and the option on a
// single-bot handler, are constructor errors.
func WithBotPath(name string) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if name == "" {
			return argError("WithBotPath", "name", "empty")
		}
		c.botPath = name
		return nil
	})
}

// WithBotCacheTTL sets how long a multi-bot handler caches a resolved bot
// (default [DefaultBotCacheTTL]; 0 turns caching off, so that every
// request asks the resolver; negative is an error). A revoked bot stops
// being served at most this long after the resolver stops returning it;
// [WebhookHandler.ForgetBot] drops it at once. Unknown IDs are cached as long (a
// bot added meanwhile is served once its entry ends, or after ForgetBot). The single-bot constructors refuse
// it.
func WithBotCacheTTL(d time.Duration) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if d < 0 {
			return argError("WithBotCacheTTL", "d", "negative")
		}
		c.botTTL = d
		c.botTTLSet = true
		return nil
	})
}

// botKey is the context key of the resolved bot.
type botKey struct{}

// BotFromContext returns the bot a multi-bot handler resolved the request
// to, inside its [HandlerFunc] or message handler; false from a
// single-bot handler.
func BotFromContext(ctx context.Context) (*Bot, bool) {
	if ctx == nil {
		return nil, false
	}
	b, ok := ctx.Value(botKey{}).(*Bot)
	return b, ok && b != nil
}

// NewMultiWebhookHandler is [NewWebhookHandler] for many bots: each
// request is resolved to its bot by the X-WORKS-BotId header (or the path
// wildcard of [WithBotPath]) through bots, cached ([WithBotCacheTTL]),
// verified with that bot's Secrets, and fn is called with the bot in its
// context ([BotFromContext]).
//
// The body is read (and bounded) before the bot is resolved, so an
// oversized body is answered 413 whoever it names. A missing, repeated,
// empty or unknown bot ID is answered 401 with [ErrUnknownBot] to the
// error handler, exactly as a wrong signature is (401, empty body), so
// that a caller cannot tell which bots exist. A failed lookup (any other
// resolver error, a resolver that panicked, or returned a nil bot, a bot
// of another ID or one without Secrets) is answered 500 and not cached.
// The other options apply as they do to NewWebhookHandler; [WithBotID],
// which fixes one bot, is a constructor error here.
func NewMultiWebhookHandler(bots BotResolver, fn HandlerFunc, opts ...HandlerOption) (*WebhookHandler, error) {
	if fn == nil {
		return nil, argError("NewMultiWebhookHandler", "fn", "nil")
	}
	h, err := newMultiHandler("NewMultiWebhookHandler", bots, fn, opts, false)
	if err != nil {
		return nil, err
	}
	if h.cfg.botOnly != "" {
		return nil, argError("NewMultiWebhookHandler", "opts", h.cfg.botOnly+" is an option of NewMultiBotHandler")
	}
	return h, nil
}

// NewMultiBotHandler is [NewBotHandler] for many bots: requests are
// resolved and verified as [NewMultiWebhookHandler] does, the conversation
// handler h answers each event through the resolved bot's Client, and
// every [message.Incoming] carries the bot's ID in BotID (so that
// [message.StateKey] keeps one conversation per bot). A resolved bot
// without a Client, or with the client of another bot, is a failed lookup
// (500); a [StaticBots] resolver holding such a bot is a constructor error.
// [WithClient] is a constructor error here: the Bot carries the client.
func NewMultiBotHandler(bots BotResolver, h message.Handler, opts ...HandlerOption) (*BotHandler, error) {
	if h == nil {
		return nil, argError("NewMultiBotHandler", "h", "nil")
	}
	if s, ok := bots.(staticBots); ok {
		for _, b := range s {
			if b.Client == nil {
				return nil, argError("NewMultiBotHandler", "bots", "bot "+strconv.Quote(b.ID)+" has no Client: the bot replies through the API")
			}
		}
	}
	b := &BotHandler{h: h}
	wh, err := newMultiHandler("NewMultiBotHandler", bots, b.handle, opts, true)
	if err != nil {
		return nil, err
	}
	b.wh = wh
	return b, nil
}

// newMultiHandler builds the handler of the two multi-bot constructors;
// needClient says whether a resolved bot must carry its Client.
func newMultiHandler(ctor string, bots BotResolver, fn HandlerFunc, opts []HandlerOption, needClient bool) (*WebhookHandler, error) {
	if bots == nil {
		return nil, argError(ctor, "bots", "nil")
	}
	h, err := newHandler(ctor, signature.SecretSet{}, fn, opts)
	if err != nil {
		return nil, err
	}
	switch {
	case h.cfg.botID != "":
		return nil, argError(ctor, "opts", "WithBotID fixes one bot: each Bot carries its ID")
	case h.cfg.client != nil:
		return nil, argError(ctor, "opts", "WithClient fixes one bot: each Bot carries its Client")
	}
	ttl := DefaultBotCacheTTL
	if h.cfg.botTTLSet {
		ttl = h.cfg.botTTL
	}
	h.resolve = func(ctx context.Context, id string) (cachedBot, error) {
		b, err := bots.ResolveBot(ctx, id)
		if err != nil {
			if errors.Is(err, ErrUnknownBot) {
				return cachedBot{}, ErrUnknownBot // the resolver's text stays out of reports
			}
			return cachedBot{}, err
		}
		switch {
		case b == nil:
			return cachedBot{}, errNilBot
		case b.ID != id:
			return cachedBot{}, errOtherBot
		case b.Secrets.Len() == 0:
			return cachedBot{}, errNoSecrets
		case needClient && b.Client == nil:
			return cachedBot{}, errNoClient
		case b.Client != nil && b.Client.BotID() != id:
			return cachedBot{}, errOtherClient
		}
		return cachedBot{bot: b, secrets: b.Secrets}, nil
	}
	h.botTTL = ttl
	h.bots = botset.New(h.resolve, botset.Config{TTL: ttl})
	h.verifyUnknown = signature.MustSecretSet(rand.Text()).VerifyHMACSHA256
	return h, nil
}

// What a multi-bot handler reports when the resolver's answer cannot be
// used; none names the bot's secrets.
var (
	errNilBot      = errors.New("the resolver returned no bot and no error")
	errOtherBot    = errors.New("the resolver returned a bot of another ID")
	errNoSecrets   = errors.New("the resolved bot has no Secrets")
	errNoClient    = errors.New("the resolved bot has no Client to answer with")
	errOtherClient = errors.New("the resolved bot's Client is another bot's")
)

// ForgetBot drops what the handler caches for the bot id, after a secret
// rotation or a revocation: the next request for it asks the resolver. A
// no-op on a single-bot handler. Safe for concurrent use.
func (h *WebhookHandler) ForgetBot(id string) {
	if h.bots != nil {
		h.bots.Forget(id)
	}
}

// ForgetBot drops what the handler caches for the bot id, as
// [WebhookHandler.ForgetBot] does. A no-op on a single-bot handler.
func (b *BotHandler) ForgetBot(id string) { b.wh.ForgetBot(id) }

// cachedBot is what the cache holds for a bot: the bot, and a copy of
// the secrets every request is verified with, so that a hit reads the
// bot's secrets without first reading the Bot (with a thousand bots,
// each pointer followed is a likely CPU-cache miss).
type cachedBot struct {
	bot     *Bot
	secrets signature.SecretSet
}

// resolveBot finds the bot r is for: the ID from the header or the path
// wildcard, then the cache. A missing or repeated header is an unknown bot.
func (h *WebhookHandler) resolveBot(r *http.Request) (cachedBot, error) {
	var id string
	if h.cfg.botPath != "" {
		id = r.PathValue(h.cfg.botPath)
	} else {
		v, err := webhookio.Credential(r.Header, botIDKey)
		if err != nil {
			return cachedBot{}, errUnknownBot // a repeated header names no bot
		}
		id = v
	}
	b, err := h.bots.Get(r.Context(), id)
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, ErrUnknownBot):
		return cachedBot{}, errUnknownBot
	}
	return cachedBot{}, fmt.Errorf("naverworks: resolving the bot: %w", err)
}

var errUnknownBot = fmt.Errorf("naverworks: %w", ErrUnknownBot)

// errNoSignature is the error of a request to a multi-bot handler without
// a signature, the one VerifySignature returns for it.
var errNoSignature = fmt.Errorf("naverworks: %w", signature.ErrMissing)
