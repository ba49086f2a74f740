package shape

import (
	"go/types"
	"testing"

	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/kakao"
)

// multiBotPlatforms are the packages that serve many bots so far; the
// others join as they gain the names.
var multiBotPlatforms = []string{"kakao"}

// TestMultiBotTypes: Bot is a struct with an ID string; BotResolver is
// the one-method interface; BotResolverFunc implements it; the handlers
// have ForgetBot(string); DefaultBotCacheTTL is botset.DefaultTTL.
func TestMultiBotTypes(t *testing.T) {
	pkgs := load(t)
	for _, p := range multiBotPlatforms {
		t.Run(p, func(t *testing.T) {
			pkg := pkgs[module+p]
			q := qualifier(pkg)
			typ := func(name string) types.Type {
				obj, ok := pkg.Scope().Lookup(name).(*types.TypeName)
				if !ok {
					t.Fatalf("%s.%s: missing type", p, name)
				}
				return obj.Type()
			}
			bot, ok := typ("Bot").Underlying().(*types.Struct)
			if !ok {
				t.Fatalf("%s.Bot is not a struct", p)
			}
			hasID := false
			for i := 0; i < bot.NumFields(); i++ {
				if f := bot.Field(i); f.Name() == "ID" && types.TypeString(f.Type(), q) == "string" {
					hasID = true
				}
			}
			if !hasID {
				t.Errorf("%s.Bot has no ID string field", p)
			}
			iface, ok := typ("BotResolver").Underlying().(*types.Interface)
			if !ok || iface.NumMethods() != 1 || iface.Method(0).Name() != "ResolveBot" {
				t.Fatalf("%s.BotResolver is not the one-method ResolveBot interface", p)
			}
			if got, want := sigString(iface.Method(0).Type().(*types.Signature), q), "func(context.Context, string) (*Bot, error)"; got != want {
				t.Errorf("%s.BotResolver.ResolveBot:\n got %s\nwant %s", p, got, want)
			}
			if !types.Implements(typ("BotResolverFunc"), iface) {
				t.Errorf("%s.BotResolverFunc does not implement BotResolver", p)
			}
			for _, h := range []string{"WebhookHandler", "BotHandler"} {
				sel := types.NewMethodSet(types.NewPointer(typ(h))).Lookup(pkg, "ForgetBot")
				if sel == nil {
					t.Errorf("(*%s.%s).ForgetBot: missing", p, h)
					continue
				}
				if got := sigString(sel.Type().(*types.Signature), q); got != "func(string)" {
					t.Errorf("(*%s.%s).ForgetBot is %s, want func(string)", p, h, got)
				}
			}
			c, ok := pkg.Scope().Lookup("DefaultBotCacheTTL").(*types.Const)
			if !ok || types.TypeString(c.Type(), q) != "time.Duration" {
				t.Errorf("%s.DefaultBotCacheTTL: missing or not a time.Duration constant", p)
			}
		})
	}
}

// TestMultiBotValues: ErrUnknownBot is the shared sentinel and the
// default TTL the shared one, in every package that has them.
func TestMultiBotValues(t *testing.T) {
	unknown := map[string]error{"kakao": kakao.ErrUnknownBot}
	ttl := map[string]any{"kakao": kakao.DefaultBotCacheTTL}
	for _, p := range multiBotPlatforms {
		if unknown[p] != botset.ErrUnknownBot {
			t.Errorf("%s.ErrUnknownBot is not botset.ErrUnknownBot", p)
		}
		if ttl[p] != any(botset.DefaultTTL) {
			t.Errorf("%s.DefaultBotCacheTTL = %v, want %v", p, ttl[p], botset.DefaultTTL)
		}
	}
}
