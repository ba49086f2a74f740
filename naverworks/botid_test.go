package naverworks_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
)

// TestRepeatedBotIDHeader: a bot ID sent twice is refused as every other
// repeated credential header is, and says so.
func TestRepeatedBotIDHeader(t *testing.T) {
	const secret = "bot-secret"
	var got error
	h, err := naverworks.NewWebhookHandler(signature.MustSecretSet(secret), func(context.Context, naverworks.Event) error {
		t.Error("the function ran for a repeated bot ID")
		return nil
	}, naverworks.WithBotID(naverworkstest.BotID), naverworks.WithErrorHandler(func(_ *http.Request, err error) { got = err }))
	if err != nil {
		t.Fatal(err)
	}
	req := naverworkstest.NewRequest(t, secret, map[string]any{"type": "message", "source": map[string]any{"userId": "u1"}, "content": map[string]any{"type": "text", "text": "hi"}})
	req.Header.Set(naverworks.BotIDHeader, naverworkstest.BotID)
	req.Header.Add(naverworks.BotIDHeader, naverworkstest.BotID)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("status %d, want 403", rec.Code)
	}
	if !errors.Is(got, naverworks.ErrBotID) || !errors.Is(got, webhookio.ErrRepeatedHeader) {
		t.Fatalf("reported %v, want ErrBotID wrapping the repeated-header error", got)
	}
}

// TestWorkTimeoutShorterThanBudget is refused, as in talktalk: the
// function's context would end before the handler stopped waiting for it.
func TestWorkTimeoutShorterThanBudget(t *testing.T) {
	_, err := naverworks.NewWebhookHandler(signature.MustSecretSet("s"), func(context.Context, naverworks.Event) error { return nil },
		naverworks.WithBudget(2*time.Second), naverworks.WithWorkTimeout(time.Second))
	var ae *naverworks.ArgumentError
	if !errors.As(err, &ae) || !errors.Is(err, naverworks.ErrInvalid) {
		t.Fatalf("got %v, want an *ArgumentError", err)
	}
}
