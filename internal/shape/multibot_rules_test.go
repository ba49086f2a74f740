package shape

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/internal/botset"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// answer is what a test resolver returns for the bot a request names.
type answer int

const (
	answerBot     answer = iota // the bot, as asked
	answerNil                   // no bot and no error
	answerOtherID               // a bot of another ID
	answerUnknown               // ErrUnknownBot, with the ID in the text
)

// multiRig builds a package's multi-bot webhook handler over a resolver
// that answers ans for every ID (counting its calls), and a request for
// bot "bot-a" carrying that bot's credentials.
type multiRig func(t *testing.T, ans answer, calls *atomic.Int32, onErr func(*http.Request, error)) (http.Handler, func() *http.Request)

const (
	rulesBot    = "bot-a"
	rulesSecret = "shape-rules-secret"
)

// resolved is what the test resolvers share: count, then answer.
func resolved[B any](calls *atomic.Int32, ans answer, id string, bot func(id string) *B) (*B, error) {
	calls.Add(1)
	switch ans {
	case answerNil:
		return nil, nil
	case answerOtherID:
		return bot("bot-other"), nil
	case answerUnknown:
		return nil, fmt.Errorf("no row for %q: %w", id, line.ErrUnknownBot)
	}
	return bot(id), nil
}

var multiRigs = map[string]multiRig{
	"line": func(t *testing.T, ans answer, calls *atomic.Int32, onErr func(*http.Request, error)) (http.Handler, func() *http.Request) {
		res := line.BotResolverFunc(func(_ context.Context, id string) (*line.Bot, error) {
			return resolved(calls, ans, id, func(id string) *line.Bot {
				return &line.Bot{ID: id, Secrets: signature.MustSecretSet(rulesSecret)}
			})
		})
		h, err := line.NewMultiWebhookHandler(res, func(context.Context, *line.Callback) error { return nil }, line.WithErrorHandler(onErr))
		if err != nil {
			t.Fatal(err)
		}
		return h, func() *http.Request {
			return linetest.NewRequestBody(rulesSecret, []byte(`{"destination":"`+rulesBot+`","events":[]}`))
		}
	},
	"kakao": func(t *testing.T, ans answer, calls *atomic.Int32, onErr func(*http.Request, error)) (http.Handler, func() *http.Request) {
		res := kakao.BotResolverFunc(func(_ context.Context, id string) (*kakao.Bot, error) {
			return resolved(calls, ans, id, func(id string) *kakao.Bot {
				return &kakao.Bot{ID: id, HeaderSecrets: signature.MustSecretSet(rulesSecret)}
			})
		})
		h, err := kakao.NewMultiWebhookHandler(res, func(context.Context, *kakao.Request) (*kakao.Response, error) {
			return kakao.NewResponse(kakao.Text("hi")), nil
		}, kakao.WithErrorHandler(onErr))
		if err != nil {
			t.Fatal(err)
		}
		return h, func() *http.Request {
			return kakaotest.NewRequest(t, kakaotest.WithBotID(rulesBot), kakaotest.WithSecret(rulesSecret))
		}
	},
	"talktalk": func(t *testing.T, ans answer, calls *atomic.Int32, onErr func(*http.Request, error)) (http.Handler, func() *http.Request) {
		res := talktalk.BotResolverFunc(func(_ context.Context, id string) (*talktalk.Bot, error) {
			return resolved(calls, ans, id, func(id string) *talktalk.Bot {
				return &talktalk.Bot{ID: id, Tokens: signature.MustSecretSet(rulesSecret)}
			})
		})
		local, err := signature.NewAllowList([]string{"127.0.0.0/8", "::1/128"})
		if err != nil {
			t.Fatal(err)
		}
		h, err := talktalk.NewMultiWebhookHandler(res, func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil },
			talktalk.WithBotPath("bot"), talktalk.WithAllowList(local), talktalk.WithErrorHandler(onErr))
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.Handle("POST /talktalk/{bot}/{token}", h)
		return mux, func() *http.Request {
			return talktalktest.NewEvent(t, talktalktest.Text("user-1", "hi"), talktalktest.WithTarget("/talktalk/"+rulesBot+"/"+rulesSecret))
		}
	},
	"naverworks": func(t *testing.T, ans answer, calls *atomic.Int32, onErr func(*http.Request, error)) (http.Handler, func() *http.Request) {
		res := naverworks.BotResolverFunc(func(_ context.Context, id string) (*naverworks.Bot, error) {
			return resolved(calls, ans, id, func(id string) *naverworks.Bot {
				return &naverworks.Bot{ID: id, Secrets: signature.MustSecretSet(rulesSecret)}
			})
		})
		h, err := naverworks.NewMultiWebhookHandler(res, func(context.Context, naverworks.Event) error { return nil }, naverworks.WithErrorHandler(onErr))
		if err != nil {
			t.Fatal(err)
		}
		return h, func() *http.Request {
			body := `{"type":"message","source":{"userId":"u","domainId":1},"content":{"type":"text","text":"hi"}}`
			r := httptest.NewRequest(http.MethodPost, "/callback", strings.NewReader(body))
			r.Header.Set(naverworks.SignatureHeader, signature.SignHMACSHA256([]byte(rulesSecret), []byte(body)))
			r.Header.Set(naverworks.BotIDHeader, rulesBot)
			return r
		}
	},
	"clova": func(t *testing.T, ans answer, calls *atomic.Int32, onErr func(*http.Request, error)) (http.Handler, func() *http.Request) {
		res := clova.BotResolverFunc(func(_ context.Context, id string) (*clova.Bot, error) {
			return resolved(calls, ans, id, func(id string) *clova.Bot { return &clova.Bot{ID: id} })
		})
		h, err := clova.NewMultiWebhookHandler(res, func(context.Context, *clova.Request) (*clova.Response, error) { return nil, nil },
			clova.WithPublicKey(clovatest.PublicKey()), clova.WithErrorHandler(onErr))
		if err != nil {
			t.Fatal(err)
		}
		return h, func() *http.Request {
			return clovatest.NewRequest(t, nil, clovatest.Launch(clovatest.WithApplicationID(rulesBot)))
		}
	},
}

// TestMultiBotRules: the five multi-bot handlers answer the same
// situation the same way: a served bot 200; a nil bot or a bot of
// another ID 500, not cached (the resolver is asked on each request); an
// unknown bot 401, cached, reported as "<pkg>: unknown bot" only.
func TestMultiBotRules(t *testing.T) {
	type outcome struct {
		Statuses []int
		Calls    int32
		Errors   []string
	}
	for _, p := range platforms {
		rig, ok := multiRigs[p]
		if !ok {
			t.Errorf("%s: no rig in the table", p)
			continue
		}
		for _, tc := range []struct {
			name string
			ans  answer
			want outcome
		}{
			{"served", answerBot, outcome{[]int{200, 200}, 1, nil}},
			{"nil bot", answerNil, outcome{[]int{500, 500}, 2, []string{p + ": resolving the bot: the resolver returned no bot and no error", p + ": resolving the bot: the resolver returned no bot and no error"}}},
			{"other ID", answerOtherID, outcome{[]int{500, 500}, 2, []string{p + ": resolving the bot: the resolver returned a bot of another ID", p + ": resolving the bot: the resolver returned a bot of another ID"}}},
			{"unknown", answerUnknown, outcome{[]int{401, 401}, 1, []string{p + ": unknown bot", p + ": unknown bot"}}},
		} {
			t.Run(p+"/"+tc.name, func(t *testing.T) {
				var calls atomic.Int32
				var mu sync.Mutex
				var errs []string
				h, req := rig(t, tc.ans, &calls, func(_ *http.Request, err error) {
					mu.Lock()
					defer mu.Unlock()
					errs = append(errs, err.Error())
				})
				srv := httptest.NewServer(h)
				defer srv.Close()
				var got outcome
				for range 2 {
					r := req()
					r.RequestURI, r.URL.Scheme, r.URL.Host = "", "http", srv.Listener.Addr().String()
					resp, err := srv.Client().Do(r)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					got.Statuses = append(got.Statuses, resp.StatusCode)
				}
				got.Calls = calls.Load()
				mu.Lock()
				got.Errors = errs
				mu.Unlock()
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestMultiBotSmallRules: StaticBots accepts an empty set and refuses an
// ID over 256 bytes, WithBotCacheTTL is refused by the single-bot
// constructors, and BotFromContext(nil) is (nil, false), in all five.
func TestMultiBotSmallRules(t *testing.T) {
	long := strings.Repeat("x", 257)
	secrets := signature.MustSecretSet(rulesSecret)
	type checks struct {
		empty, long, ttl error
		fromNil          bool
	}
	ttl := time.Minute
	got := map[string]func() checks{
		"line": func() (c checks) {
			_, c.empty = line.StaticBots()
			_, c.long = line.StaticBots(&line.Bot{ID: long, Secrets: secrets})
			_, c.ttl = line.NewWebhookHandler(secrets, func(context.Context, *line.Callback) error { return nil }, line.WithBotCacheTTL(ttl))
			_, c.fromNil = line.BotFromContext(nil) //nolint:staticcheck // the point
			return c
		},
		"kakao": func() (c checks) {
			_, c.empty = kakao.StaticBots()
			_, c.long = kakao.StaticBots(&kakao.Bot{ID: long})
			_, c.ttl = kakao.NewWebhookHandler(func(context.Context, *kakao.Request) (*kakao.Response, error) { return nil, nil }, kakao.WithBotCacheTTL(ttl))
			_, c.fromNil = kakao.BotFromContext(nil) //nolint:staticcheck // the point
			return c
		},
		"talktalk": func() (c checks) {
			_, c.empty = talktalk.StaticBots()
			_, c.long = talktalk.StaticBots(&talktalk.Bot{ID: long})
			_, c.ttl = talktalk.NewWebhookHandler(func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil }, talktalk.WithBotCacheTTL(ttl))
			_, c.fromNil = talktalk.BotFromContext(nil) //nolint:staticcheck // the point
			return c
		},
		"naverworks": func() (c checks) {
			_, c.empty = naverworks.StaticBots()
			_, c.long = naverworks.StaticBots(&naverworks.Bot{ID: long, Secrets: secrets})
			_, c.ttl = naverworks.NewWebhookHandler(secrets, func(context.Context, naverworks.Event) error { return nil }, naverworks.WithBotCacheTTL(ttl))
			_, c.fromNil = naverworks.BotFromContext(nil) //nolint:staticcheck // the point
			return c
		},
		"clova": func() (c checks) {
			_, c.empty = clova.StaticBots()
			_, c.long = clova.StaticBots(&clova.Bot{ID: long})
			_, c.ttl = clova.NewWebhookHandler("com.example.ext", func(context.Context, *clova.Request) (*clova.Response, error) { return nil, nil }, clova.WithBotCacheTTL(ttl))
			_, c.fromNil = clova.BotFromContext(nil) //nolint:staticcheck // the point
			return c
		},
	}
	for _, p := range platforms {
		f, ok := got[p]
		if !ok {
			t.Errorf("%s: no checks in the table", p)
			continue
		}
		c := f()
		if c.empty != nil {
			t.Errorf("%s.StaticBots(): %v, want an empty set", p, c.empty)
		}
		if c.long == nil {
			t.Errorf("%s.StaticBots accepted a 257-byte ID", p)
		}
		if c.ttl == nil || errors.Is(c.ttl, botset.ErrUnknownBot) {
			t.Errorf("%s: a single-bot handler accepted WithBotCacheTTL (%v)", p, c.ttl)
		}
		if c.fromNil {
			t.Errorf("%s.BotFromContext(nil) found a bot", p)
		}
	}
}
