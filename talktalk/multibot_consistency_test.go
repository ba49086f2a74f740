package talktalk_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
)

// TestMultiBadResolverAnswer: a resolver answer that cannot be served (no
// bot, a bot of another ID) is a failed lookup: 500, and not cached, so
// the next request asks again. A bot of another ID would otherwise merge
// two bots' conversation state.
func TestMultiBadResolverAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		bot  *talktalk.Bot
	}{
		{"nil bot", nil},
		{"empty ID", &talktalk.Bot{Tokens: signature.MustSecretSet(pathTokA)}},
		{"another bot's ID", &talktalk.Bot{ID: partnerB, Tokens: signature.MustSecretSet(pathTokA)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			calls := 0
			res := talktalk.BotResolverFunc(func(context.Context, string) (*talktalk.Bot, error) {
				mu.Lock()
				defer mu.Unlock()
				calls++
				return tc.bot, nil
			})
			var rec recorder
			h, err := talktalk.NewMultiWebhookHandler(res, func(context.Context, talktalk.Event) (talktalk.Event, error) {
				t.Error("the function ran")
				return nil, nil
			}, rec.opts()...)
			if err != nil {
				t.Fatal(err)
			}
			mux := mounted(h)
			var got []int
			for range 2 {
				got = append(got, post(t, mux, "/talktalk/"+partnerA+"/"+pathTokA, multiMarker).Code)
			}
			if diff := cmp.Diff([]int{500, 500}, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			mu.Lock()
			defer mu.Unlock()
			if calls != 2 {
				t.Errorf("resolver asked %d times, want 2 (a bad answer is not cached)", calls)
			}
			rec.leaks(t)
			if errs := rec.taken(); len(errs) != 2 || errors.Is(errs[0], talktalk.ErrUnknownBot) {
				t.Errorf("reported %v, want two failed lookups", errs)
			}
		})
	}
}

// TestMultiUnknownBotText: an unknown bot is reported as "talktalk:
// unknown bot" and nothing more (the resolver's text may quote the ID a
// caller chose); the resolver's other errors keep their text.
func TestMultiUnknownBotText(t *testing.T) {
	t.Parallel()
	res := talktalk.BotResolverFunc(func(_ context.Context, id string) (*talktalk.Bot, error) {
		if id == partnerB {
			return nil, errors.New("database down")
		}
		return nil, fmt.Errorf("no row for %q: %w", id, talktalk.ErrUnknownBot)
	})
	var rec recorder
	h, err := talktalk.NewMultiWebhookHandler(res, func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil }, rec.opts()...)
	if err != nil {
		t.Fatal(err)
	}
	mux := mounted(h)
	post(t, mux, "/talktalk/attacker-chosen/x", "hi")
	post(t, mux, "/talktalk/"+partnerB+"/x", "hi")
	var got []string
	for _, err := range rec.taken() {
		got = append(got, err.Error())
	}
	if diff := cmp.Diff([]string{"talktalk: unknown bot", "talktalk: resolving the bot: database down"}, got); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
}

// TestMultiUnknownBotCostsACheck: an unknown bot's path token is checked
// against a dummy secret, as a known bot's is against its Tokens.
func TestMultiUnknownBotCostsACheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id string
		want     []string
	}{
		{"unknown bot", "partner-z", []string{"a-guess"}},
		{"known bot, wrong token", partnerA, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var got []string
			h, err := talktalk.NewMultiWebhookHandler(twoPartners(t, nil, nil), func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil },
				talktalk.WithBotPath("bot"), talktalk.WithUnknownVerify(func(token string) error {
					mu.Lock()
					defer mu.Unlock()
					got = append(got, token)
					return signature.ErrMismatch
				}))
			if err != nil {
				t.Fatal(err)
			}
			if code := post(t, mounted(h), "/talktalk/"+tc.id+"/a-guess", "hi").Code; code != 401 {
				t.Errorf("status %d, want 401", code)
			}
			mu.Lock()
			defer mu.Unlock()
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("dummy checks (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBotFromContextNil: a nil context holds no bot (and does not panic).
func TestBotFromContextNil(t *testing.T) {
	t.Parallel()
	//nolint:staticcheck // a nil context is the point
	if b, ok := talktalk.BotFromContext(nil); b != nil || ok {
		t.Errorf("BotFromContext(nil) = %v, %v; want nil, false", b, ok)
	}
}
