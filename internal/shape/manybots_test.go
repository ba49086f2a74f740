package shape

import (
	"go/types"
	"testing"

	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/naverworks"
)

// manyBots are the packages that serve many bots on one handler so far;
// each joins the list as it gains the names.
var manyBots = []string{"naverworks"}

// TestManyBotsTypes: Bot is a struct with an ID, BotResolver an interface
// whose ResolveBot BotResolverFunc implements, ForgetBot a method of both
// handlers, and DefaultBotCacheTTL the shared default.
func TestManyBotsTypes(t *testing.T) {
	pkgs := load(t)
	for _, p := range manyBots {
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
			if !ok || bot.NumFields() == 0 || bot.Field(0).Name() != "ID" || bot.Field(0).Type().String() != "string" {
				t.Errorf("%s.Bot is not a struct whose first field is ID string", p)
			}
			res, ok := typ("BotResolver").Underlying().(*types.Interface)
			if !ok || res.NumMethods() != 1 {
				t.Fatalf("%s.BotResolver is not a one-method interface", p)
			}
			m := res.Method(0)
			if got, want := m.Name()+" "+sigString(m.Type().(*types.Signature), q), "ResolveBot func(context.Context, string) (*Bot, error)"; got != want {
				t.Errorf("%s.BotResolver:\n got %s\nwant %s", p, got, want)
			}
			if fn := typ("BotResolverFunc"); !types.Implements(fn, res) {
				t.Errorf("%s.BotResolverFunc does not implement BotResolver", p)
			}
			for _, h := range []string{"WebhookHandler", "BotHandler"} {
				sel := types.NewMethodSet(types.NewPointer(typ(h))).Lookup(pkg, "ForgetBot")
				if sel == nil {
					t.Errorf("(*%s.%s).ForgetBot: missing", p, h)
					continue
				}
				if got := sigString(sel.Type().(*types.Signature), q); got != "func(string)" {
					t.Errorf("(*%s.%s).ForgetBot: %s, want func(string)", p, h, got)
				}
			}
			c, ok := pkg.Scope().Lookup("DefaultBotCacheTTL").(*types.Const)
			if !ok || c.Val().ExactString() != "60000000000" {
				t.Errorf("%s.DefaultBotCacheTTL is not the one-minute constant", p)
			}
		})
	}
}

// TestManyBotsSentinel: ErrUnknownBot is the shared value, so one
// errors.Is works for every platform.
func TestManyBotsSentinel(t *testing.T) {
	for p, err := range map[string]error{
		"naverworks": naverworks.ErrUnknownBot,
	} {
		if err != botset.ErrUnknownBot {
			t.Errorf("%s.ErrUnknownBot is not internal/botset.ErrUnknownBot", p)
		}
	}
}
