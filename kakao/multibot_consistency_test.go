package kakao_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/signature"
)

// TestMultiBadResolverAnswer: a resolver answer that cannot be served (no
// bot, a bot of another ID) is a failed lookup: 500, and not cached, so
// the next request asks again. A bot of another ID would otherwise merge
// two bots' conversation state.
func TestMultiBadResolverAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		bot  *kakao.Bot
	}{
		{"nil bot", nil},
		{"empty ID", &kakao.Bot{HeaderSecrets: signature.MustSecretSet(secretA)}},
		{"another bot's ID", &kakao.Bot{ID: botB, HeaderSecrets: signature.MustSecretSet(secretA)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			calls := 0
			res := kakao.BotResolverFunc(func(context.Context, string) (*kakao.Bot, error) {
				mu.Lock()
				defer mu.Unlock()
				calls++
				return tc.bot, nil
			})
			var rec errRecorder
			h, err := kakao.NewMultiWebhookHandler(res, whoAnswers, kakao.WithErrorHandler(rec.handle))
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for range 2 {
				got = append(got, kakaotest.Post(t, h, kakaotest.WithBotID(botA), kakaotest.WithSecret(secretA)).StatusCode)
			}
			if diff := cmp.Diff([]int{500, 500}, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			mu.Lock()
			defer mu.Unlock()
			if calls != 2 {
				t.Errorf("resolver asked %d times, want 2 (a bad answer is not cached)", calls)
			}
			if errs := rec.all(); len(errs) != 2 || errors.Is(errs[0], kakao.ErrUnknownBot) {
				t.Errorf("reported %v, want two failed lookups", errs)
			}
		})
	}
}

// TestMultiUnknownBotText: an unknown bot is reported as "kakao: unknown
// bot" and nothing more (the resolver's text may quote the ID a caller
// chose); the resolver's other errors keep their text.
func TestMultiUnknownBotText(t *testing.T) {
	t.Parallel()
	res := kakao.BotResolverFunc(func(_ context.Context, id string) (*kakao.Bot, error) {
		if id == botB {
			return nil, errors.New("database down")
		}
		return nil, fmt.Errorf("no row for %q: %w", id, kakao.ErrUnknownBot)
	})
	var rec errRecorder
	h, err := kakao.NewMultiWebhookHandler(res, whoAnswers, kakao.WithErrorHandler(rec.handle))
	if err != nil {
		t.Fatal(err)
	}
	kakaotest.Post(t, h, kakaotest.WithBotID("attacker-chosen"))
	kakaotest.Post(t, h, kakaotest.WithBotID(botB))
	var got []string
	for _, err := range rec.all() {
		got = append(got, err.Error())
	}
	if diff := cmp.Diff([]string{"kakao: unknown bot", "kakao: resolving the bot: database down"}, got); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
}

// TestMultiUnknownBotCostsACheck: an unknown bot's header secret is
// checked against a dummy secret, as a known bot's is against its own.
func TestMultiUnknownBotCostsACheck(t *testing.T) {
	t.Parallel()
	a, b := twoBots(t, kakaotest.NewServer(t))
	tests := []struct {
		name, id string
		want     []string
	}{
		{"unknown bot", "no-such-bot", []string{"a-guess"}},
		{"known bot, wrong secret", botA, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, err := kakao.NewMultiWebhookHandler(static(t, a, b), whoAnswers)
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var got []string
			kakao.SetUnknownVerify(h, func(token string) error {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, token)
				return signature.ErrMismatch
			})
			if code := kakaotest.Post(t, h, kakaotest.WithBotID(tc.id), kakaotest.WithSecret("a-guess")).StatusCode; code != 401 {
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
	if b, ok := kakao.BotFromContext(nil); b != nil || ok {
		t.Errorf("BotFromContext(nil) = %v, %v; want nil, false", b, ok)
	}
}
