package shape

import (
	"context"
	"errors"
	"go/types"
	"testing"
	"time"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
)

// multiBotPlatforms are the packages whose multi-bot names are checked:
// all five serve many bots on one handler.
var multiBotPlatforms = platforms

// TestMultiBotTypes: Bot is a struct with an ID, BotResolver resolves by
// ID, BotResolverFunc adapts a function to it, and both handlers can
// forget a bot.
func TestMultiBotTypes(t *testing.T) {
	pkgs := load(t)
	for _, p := range multiBotPlatforms {
		t.Run(p, func(t *testing.T) {
			pkg := pkgs[module+p]
			q := qualifier(pkg)
			typeOf := func(name string) types.Type {
				obj, ok := pkg.Scope().Lookup(name).(*types.TypeName)
				if !ok {
					t.Fatalf("%s.%s: missing type", p, name)
				}
				return obj.Type()
			}
			method := func(typ types.Type, name, want string) {
				sel := types.NewMethodSet(typ).Lookup(pkg, name)
				if sel == nil {
					t.Errorf("%s.%s: missing (want %s)", types.TypeString(typ, q), name, want)
					return
				}
				if got := sigString(sel.Type().(*types.Signature), q); got != want {
					t.Errorf("%s.%s:\n got %s\nwant %s", types.TypeString(typ, q), name, got, want)
				}
			}
			bot, ok := typeOf("Bot").Underlying().(*types.Struct)
			if !ok {
				t.Fatalf("%s.Bot is not a struct", p)
			}
			hasID := false
			for i := 0; i < bot.NumFields(); i++ {
				if f := bot.Field(i); f.Name() == "ID" && types.Identical(f.Type(), types.Typ[types.String]) {
					hasID = true
				}
			}
			if !hasID {
				t.Errorf("%s.Bot has no ID string field", p)
			}
			resolver := typeOf("BotResolver")
			if _, ok := resolver.Underlying().(*types.Interface); !ok {
				t.Errorf("%s.BotResolver is not an interface", p)
			}
			method(resolver, "ResolveBot", "func(context.Context, string) (*Bot, error)")
			fn := typeOf("BotResolverFunc")
			if got := types.TypeString(fn.Underlying(), q); got != "func(ctx context.Context, id string) (*Bot, error)" {
				t.Errorf("%s.BotResolverFunc is %s", p, got)
			}
			method(fn, "ResolveBot", "func(context.Context, string) (*Bot, error)")
			for _, h := range []string{"WebhookHandler", "BotHandler"} {
				method(types.NewPointer(typeOf(h)), "ForgetBot", "func(string)")
			}
		})
	}
}

// TestMultiBotValues: ErrUnknownBot is the shared sentinel and the cache
// TTL the shared default, in every package that has them.
func TestMultiBotValues(t *testing.T) {
	got := map[string]struct {
		unknown error
		ttl     time.Duration
	}{
		"line":       {line.ErrUnknownBot, line.DefaultBotCacheTTL},
		"kakao":      {kakao.ErrUnknownBot, kakao.DefaultBotCacheTTL},
		"talktalk":   {talktalk.ErrUnknownBot, talktalk.DefaultBotCacheTTL},
		"naverworks": {naverworks.ErrUnknownBot, naverworks.DefaultBotCacheTTL},
		"clova":      {clova.ErrUnknownBot, clova.DefaultBotCacheTTL},
	}
	for _, p := range multiBotPlatforms {
		g, ok := got[p]
		if !ok {
			t.Errorf("%s: no values in the table", p)
			continue
		}
		if g.unknown != botset.ErrUnknownBot || !errors.Is(g.unknown, botset.ErrUnknownBot) {
			t.Errorf("%s.ErrUnknownBot is not the shared sentinel", p)
		}
		if g.ttl != botset.DefaultTTL {
			t.Errorf("%s.DefaultBotCacheTTL = %v, want %v", p, g.ttl, botset.DefaultTTL)
		}
	}
}

// TestStaticBotsUnknownIsTheSentinel: every package's StaticBots answers
// an unknown ID with ErrUnknownBot itself, so that the handler, which
// adds its package's prefix, reports "line: unknown bot" and never
// "line: line: unknown bot".
func TestStaticBotsUnknownIsTheSentinel(t *testing.T) {
	secrets := signature.MustSecretSet("shape-test-secret")
	type resolveFunc func(id string) error
	build := map[string]func() (resolveFunc, error){
		"line": func() (resolveFunc, error) {
			r, err := line.StaticBots(&line.Bot{ID: "a", Secrets: secrets})
			return func(id string) error { _, err := r.ResolveBot(context.Background(), id); return err }, err
		},
		"kakao": func() (resolveFunc, error) {
			r, err := kakao.StaticBots(&kakao.Bot{ID: "a"})
			return func(id string) error { _, err := r.ResolveBot(context.Background(), id); return err }, err
		},
		"talktalk": func() (resolveFunc, error) {
			r, err := talktalk.StaticBots(&talktalk.Bot{ID: "a"})
			return func(id string) error { _, err := r.ResolveBot(context.Background(), id); return err }, err
		},
		"naverworks": func() (resolveFunc, error) {
			r, err := naverworks.StaticBots(&naverworks.Bot{ID: "a", Secrets: secrets})
			return func(id string) error { _, err := r.ResolveBot(context.Background(), id); return err }, err
		},
		"clova": func() (resolveFunc, error) {
			r, err := clova.StaticBots(&clova.Bot{ID: "a"})
			return func(id string) error { _, err := r.ResolveBot(context.Background(), id); return err }, err
		},
	}
	for _, p := range platforms {
		b, ok := build[p]
		if !ok {
			t.Errorf("%s: no StaticBots in the table", p)
			continue
		}
		resolve, err := b()
		if err != nil {
			t.Errorf("%s.StaticBots: %v", p, err)
			continue
		}
		if err := resolve("a"); err != nil {
			t.Errorf("%s: a known bot: %v", p, err)
		}
		if err := resolve("b"); err != botset.ErrUnknownBot {
			t.Errorf("%s: an unknown bot: %v, want ErrUnknownBot itself", p, err)
		}
	}
}
