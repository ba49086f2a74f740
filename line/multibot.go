package line

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/internal/invalid"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

// Bot is one bot a multi-bot handler serves: the ID a request names and
// the credentials it is verified and answered with.
//
// ID is the bot's user ID, the "destination" LINE puts in every webhook
// body sent to it (U followed by 32 hex digits; the Messaging API's
// "get bot info" returns it as userId), unless the handler takes the ID
// from the path ([WithBotPath]), where it is whatever the path names.
// Secrets holds the channel secret (and the previous one while you
// rotate it). Client answers for the bot: [NewMultiBotHandler] needs it,
// [NewMultiWebhookHandler] does not use it.
//
// A Bot prints (every fmt verb, slog) as
// line.Bot{ID:"…", Secrets:signature.SecretSet{Len:1}, Client:line.Client{…}},
// never a secret or token.
type Bot struct {
	ID      string
	Secrets signature.SecretSet
	Client  *Client
}

func (b Bot) form() redact.Form {
	var cl any
	if b.Client != nil {
		cl = *b.Client
	}
	return redact.Form{Type: "line.Bot", Fields: []redact.Field{
		{Name: "ID", Value: b.ID},
		{Name: "Secrets", Value: b.Secrets},
		{Name: "Client", Value: cl},
	}}
}

// Format writes the bot's ID, how many secrets it holds and its client's
// base URLs, for every verb.
func (b Bot) Format(f fmt.State, verb rune) { b.form().Format(f, verb) }

// LogValue logs the bot's ID, how many secrets it holds and its client's
// base URLs.
func (b Bot) LogValue() slog.Value { return b.form().LogValue() }

// BotResolver finds a bot by the ID a request names. It returns an error
// wrapping [ErrUnknownBot] for a bot it does not serve; any other error
// is a failed lookup (answered 500, so that LINE redelivers where
// redelivery is on) and is not cached. It is called concurrently, with
// the request's context, and with IDs taken from requests that are not
// verified yet (at most 256 bytes long).
type BotResolver interface {
	ResolveBot(ctx context.Context, id string) (*Bot, error)
}

// BotResolverFunc adapts a function to [BotResolver].
type BotResolverFunc func(ctx context.Context, id string) (*Bot, error)

// ResolveBot calls f.
func (f BotResolverFunc) ResolveBot(ctx context.Context, id string) (*Bot, error) { return f(ctx, id) }

// ErrUnknownBot is wrapped by the error of a request for a bot the
// resolver does not serve. The handler answers it 401, as it answers a
// wrong signature, so that a caller cannot tell which bots exist. It is
// the same value in every channelkit platform package.
var ErrUnknownBot = botset.ErrUnknownBot

// DefaultBotCacheTTL is how long a multi-bot handler caches a resolved
// bot unless [WithBotCacheTTL] says otherwise.
const DefaultBotCacheTTL = botset.DefaultTTL

// staticBots is the resolver StaticBots returns.
type staticBots map[string]*Bot

func (s staticBots) ResolveBot(_ context.Context, id string) (*Bot, error) {
	if b, ok := s[id]; ok {
		return b, nil
	}
	return nil, ErrUnknownBot
}

// StaticBots returns a [BotResolver] over a fixed set of bots, such as
// one read from a configuration file. Each bot needs an ID (unique, at
// most 256 bytes) and a channel secret; a nil bot, a missing or duplicate
// ID or a missing secret is an error, a [ValidationErrors] naming every
// problem (bots[2].Secrets). The bots are shared, not copied: do not
// modify them afterwards. The resolver is safe for concurrent use.
func StaticBots(bots ...*Bot) (BotResolver, error) {
	set, errs := botset.Index("line", bots, botID, func(b *Bot, at string) []*ValidationError {
		if b.Secrets.Len() == 0 {
			return []*ValidationError{invalid.New("line", at+".Secrets", "missing channel secret")}
		}
		return nil
	})
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
	// verifyUnknown replaces the dummy verification (tests).
	verifyUnknown func(body []byte, sig string) error
	// only names the first multi-bot option given, which the single-bot
	// constructors refuse.
	only string
}

// multiOption adapts a function to a [HandlerOption] that only the
// multi-bot constructors accept.
func multiOption(name string, fn func(*multiConfig) error) HandlerOption {
	return handlerOption(func(c *handlerConfig) error {
		if c.multi.only == "" {
			c.multi.only = name
		}
		return fn(&c.multi)
	})
}

// WithBotPath takes the bot ID from the request path's wildcard name
// (r.PathValue(name); mount the handler with a Go 1.22+ ServeMux pattern:
// mux.Handle("POST /line/{bot}", h)) instead of the body's destination.
// An empty value is an unknown bot. An empty name is an error, and so is
// passing it to [NewWebhookHandler] or [NewBotHandler].
func WithBotPath(name string) HandlerOption {
	return multiOption("WithBotPath", func(c *multiConfig) error {
		if name == "" {
			return argError("WithBotPath", "name", "empty wildcard name")
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
			return argError("WithBotCacheTTL", "d", "must not be negative")
		}
		c.ttl, c.ttlSet = d, true
		return nil
	})
}

// multiBots is a multi-bot handler's resolution: where the ID comes from
// and the cache in front of the resolver.
type multiBots struct {
	path  string
	cache *botset.Cache[cachedBot]
	// dummy is a random channel secret no bot has: a request for an
	// unknown bot is verified with it, so that it costs what a wrong
	// signature for a known bot costs (an HMAC over the body) and the
	// time taken does not tell which bots exist.
	dummy signature.SecretSet
	// verifyUnknown verifies an unknown bot's request with dummy (tests
	// watch it).
	verifyUnknown func(body []byte, sig string) error
}

func newMultiBots(bots BotResolver, cfg *multiConfig, client bool) *multiBots {
	ttl := DefaultBotCacheTTL
	if cfg.ttlSet {
		ttl = cfg.ttl
	}
	m := &multiBots{
		path:  cfg.path,
		cache: botset.New(checkedResolve(bots, client), botset.Config{TTL: ttl, Now: cfg.now}),
		dummy: signature.MustSecretSet(rand.Text()),
	}
	m.verifyUnknown = m.dummy.VerifyHMACSHA256
	if cfg.verifyUnknown != nil {
		m.verifyUnknown = cfg.verifyUnknown
	}
	return m
}

// checkedResolve wraps the resolver's answer in the checks a bot must
// pass to be served, so that an answer that fails them is a failed lookup
// the cache does not keep (the resolver is asked again next time), and
// an unknown bot is reported without the resolver's text (which may
// quote the ID a caller chose). client says whether the bot must carry a
// Client (a BotHandler answers with it).
func checkedResolve(bots BotResolver, client bool) botset.Resolve[cachedBot] {
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
		case bot.Secrets.Len() == 0:
			return cachedBot{}, errNoSecrets
		case client && bot.Client == nil:
			return cachedBot{}, errNoClient
		}
		return cachedBot{bot: bot, secrets: bot.Secrets}, nil
	}
}

// cachedBot is what the cache holds for a bot: the bot, and a copy of
// the secrets every request is verified with, so that a hit reads the
// bot's secrets without first reading the Bot (with a thousand bots,
// each pointer followed is a likely CPU-cache miss).
type cachedBot struct {
	bot     *Bot
	secrets signature.SecretSet
}

// What a multi-bot handler reports when the resolver's answer cannot be
// served; none names the bot or its secrets.
var (
	errUnknownBot = fmt.Errorf("line: %w", ErrUnknownBot)
	errNilBot     = errors.New("the resolver returned no bot and no error")
	errOtherBot   = errors.New("the resolver returned a bot of another ID")
	errNoSecrets  = errors.New("the resolved bot has no channel secret")
	errNoClient   = errors.New("the resolved bot has no Client to answer with")
)

// errNoSignature is the error of a request to a multi-bot handler without
// a signature, the one VerifySignature returns for it.
var errNoSignature = fmt.Errorf("line: %w", signature.ErrMissing)

// errNoDestination is the error of a body without a destination to
// resolve: nothing names a bot, so it is an unknown one.
var errNoDestination = errUnknownBot

// errOtherDestination is the error of a body whose decoded destination is
// not the one it was resolved and verified by.
var errOtherDestination = fmt.Errorf("line: %w: the decoded destination is not the one the body was verified for", signature.ErrMismatch)

// parse resolves the bot body is for, verifies sig with its secrets and
// decodes body.
func (m *multiBots) parse(r *http.Request, body []byte, sig string) (*Callback, *Bot, error) {
	var id string
	if m.path != "" {
		id = r.PathValue(m.path)
	} else {
		var ok bool
		if id, ok = destinationOf(body); !ok {
			_ = m.verifyUnknown(body, sig)
			return nil, nil, errNoDestination
		}
	}
	c, err := m.lookup(r.Context(), id)
	if err != nil {
		if errors.Is(err, ErrUnknownBot) {
			_ = m.verifyUnknown(body, sig)
		}
		return nil, nil, err
	}
	cb, err := Parse(c.secrets, body, sig)
	if err != nil {
		return nil, nil, err
	}
	if m.path == "" && cb.Destination != id {
		return nil, nil, errOtherDestination
	}
	return cb, c.bot, nil
}

// lookup resolves id through the cache (checkedResolve has checked that
// the bot can be served). An unknown bot is reported as "line: unknown
// bot" and nothing more.
func (m *multiBots) lookup(ctx context.Context, id string) (cachedBot, error) {
	c, err := m.cache.Get(ctx, id)
	if err != nil {
		if errors.Is(err, ErrUnknownBot) {
			return cachedBot{}, errUnknownBot
		}
		return cachedBot{}, fmt.Errorf("line: resolving the bot: %w", err)
	}
	return c, nil
}

// resolveQueued finds the bot of a queued body, which was verified with
// its destination's secret before it was queued. A bot revoked since is
// unknown now, and the body fails (the queue dead-letters it in the end).
func (m *multiBots) resolveQueued(ctx context.Context, cb *Callback) (*Bot, error) {
	c, err := m.lookup(ctx, cb.Destination)
	return c.bot, err
}

// botKey is the context key of the bot a request was resolved to.
type botKey struct{}

// withBot returns ctx carrying bot.
func withBot(ctx context.Context, bot *Bot) context.Context {
	return context.WithValue(ctx, botKey{}, bot)
}

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

// NewMultiWebhookHandler is [NewWebhookHandler] for many bots: each
// request is resolved to its bot by the body's destination (or the path,
// [WithBotPath]), through bots and a cache ([WithBotCacheTTL]), verified
// with that bot's Secrets, and fn is called with the bot in the context
// ([BotFromContext]). A body signed with another bot's secret is answered
// 401, and so is a request for a bot bots does not serve (an error
// wrapping [ErrUnknownBot] goes to the error handler); a failed lookup is
// answered 500. The other handler options apply as they do to
// NewWebhookHandler; [WithClient], [WithRenderOptions] and
// [WithPushFallback] are errors here. A [WithDeduper] store sees each
// event ID scoped by the bot ID ("botID/eventID"). See "Many bots" in the
// package documentation.
func NewMultiWebhookHandler(bots BotResolver, fn HandlerFunc, opts ...HandlerOption) (*WebhookHandler, error) {
	if bots == nil {
		return nil, argError("NewMultiWebhookHandler", "bots", "nil resolver")
	}
	if fn == nil {
		return nil, argError("NewMultiWebhookHandler", "fn", "nil handler function")
	}
	cfg := handlerConfig{maxBody: DefaultMaxBodyBytes, workTimeout: DefaultWorkTimeout}
	if err := cfg.apply("NewMultiWebhookHandler", opts); err != nil {
		return nil, err
	}
	if cfg.bot.only != "" {
		return nil, argError("NewMultiWebhookHandler", "opts", cfg.bot.only+" is an option of NewBotHandler: each Bot carries its Client")
	}
	if err := cfg.queueNeedsDestination("NewMultiWebhookHandler"); err != nil {
		return nil, err
	}
	h := newWebhookHandler(signature.SecretSet{}, fn, cfg)
	h.multi = newMultiBots(bots, &cfg.multi, false)
	return h, nil
}

// NewMultiBotHandler is [NewBotHandler] for many bots: each request is
// resolved and verified as [NewMultiWebhookHandler] does, and h answers
// each event through the resolved bot's Client; every Incoming carries
// the bot's ID (Incoming.BotID), so that conversation state is kept per
// bot. A resolved bot without a Client is a failed lookup (500).
// [WithClient] is an error here: each Bot carries its Client.
// [WithRenderOptions] and [WithPushFallback] apply to every bot.
func NewMultiBotHandler(bots BotResolver, h message.Handler, opts ...HandlerOption) (*BotHandler, error) {
	if bots == nil {
		return nil, argError("NewMultiBotHandler", "bots", "nil resolver")
	}
	if h == nil {
		return nil, argError("NewMultiBotHandler", "h", "nil message handler")
	}
	cfg := handlerConfig{maxBody: DefaultMaxBodyBytes, async: true, workTimeout: DefaultWorkTimeout}
	if err := cfg.apply("NewMultiBotHandler", opts); err != nil {
		return nil, err
	}
	if cfg.bot.client != nil {
		return nil, argError("NewMultiBotHandler", "opts", "WithClient: each Bot carries its Client")
	}
	if err := cfg.queueNeedsDestination("NewMultiBotHandler"); err != nil {
		return nil, err
	}
	b := &BotHandler{h: h, bot: cfg.bot}
	b.wh = newWebhookHandler(signature.SecretSet{}, b.serve, cfg)
	b.wh.multi = newMultiBots(bots, &cfg.multi, true)
	return b, nil
}

// ForgetBot drops what the handler caches for the bot id, after its
// secret was rotated or it was revoked: the next request for it asks the
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
	return argError(fn, "opts", c.multi.only+" is an option of NewMultiWebhookHandler and NewMultiBotHandler")
}

// queueNeedsDestination refuses WithQueue together with WithBotPath: a
// queued body is handled later, away from its request, so its bot must be
// found from the body itself (its destination), not from the path.
func (c *handlerConfig) queueNeedsDestination(fn string) error {
	if c.queue != nil && c.multi.path != "" {
		return argError(fn, "opts", "WithQueue needs the bot found by the body's destination, not WithBotPath: a queued body has no request path")
	}
	return nil
}

// dedupeKey is the key an event ID is de-duplicated under: the ID itself
// on a single-bot handler, scoped by the bot on a multi-bot one.
func dedupeKey(bot *Bot, id string) string {
	if bot == nil {
		return id
	}
	return bot.ID + "/" + id
}

// destinationOf finds the top-level "destination" string of a callback
// body without decoding it: the bot to verify the body with must be known
// before the body is trusted, and decoding it twice would double the
// handler's cost. LINE writes destination first, so the scan usually
// reads only the first few dozen bytes; other top-level members before it
// are skipped without being decoded. A value with escapes, with bytes
// that are not UTF-8 (a decoder would replace them, so no bot ID could
// match, and a resolver backed by a database should never see them) or
// with raw control characters (invalid JSON), a body that is not an
// object, or one without the member yields false. The value is
// never trusted as such: it picks the secret the body is verified with,
// and the decoded destination must be the same (parse checks it).
func destinationOf(body []byte) (string, bool) {
	i := skipWS(body, 0)
	if i >= len(body) || body[i] != '{' {
		return "", false
	}
	i++
	for {
		i = skipWS(body, i)
		if i >= len(body) || body[i] != '"' {
			return "", false
		}
		end, esc := scanString(body, i)
		if end < 0 {
			return "", false
		}
		key := body[i+1 : end-1]
		i = skipWS(body, end)
		if i >= len(body) || body[i] != ':' {
			return "", false
		}
		i = skipWS(body, i+1)
		if !esc && string(key) == "destination" {
			if i >= len(body) || body[i] != '"' {
				return "", false
			}
			end, esc := scanString(body, i)
			if end < 0 || esc || !plainID(body[i+1:end-1]) {
				return "", false
			}
			return string(body[i+1 : end-1]), true
		}
		if i = skipValue(body, i); i < 0 {
			return "", false
		}
		i = skipWS(body, i)
		if i >= len(body) || body[i] != ',' {
			return "", false
		}
		i++
	}
}

// plainID reports whether b can be a bot ID as JSON holds it unescaped:
// UTF-8 without control characters (which JSON does not allow raw in a
// string, so the body would fail to decode anyway).
func plainID(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return false
		}
	}
	return utf8.Valid(b)
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString returns the index after the string that starts at b[i] (a
// quote), and whether it holds an escape; -1 if it does not end.
func scanString(b []byte, i int) (int, bool) {
	esc := false
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			esc = true
			i++
		case '"':
			return i + 1, esc
		}
	}
	return -1, esc
}

// skipValue returns the index after the value that starts at b[i], -1 if
// it does not end. Objects and arrays are skipped by counting brackets
// outside strings; scalars end at the next delimiter. It checks no more
// than it must: the body is verified and decoded properly afterwards.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		end, _ := scanString(b, i)
		return end
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, _ := scanString(b, i)
				if end < 0 {
					return -1
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
		i++
	}
	return i
}
