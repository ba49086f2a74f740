package naverworks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/internal/benchpair"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
)

// BenchmarkMultiWrongSignature compares, side by side, a 900 KiB body
// with a wrong signature for a known bot and for an unknown one: both
// cost an HMAC over the body (the unknown one with a dummy secret), so
// the ratio should be near 1.
func BenchmarkMultiWrongSignature(b *testing.B) {
	bots, err := naverworks.StaticBots(
		&naverworks.Bot{ID: botA, Secrets: signature.MustSecretSet(secretA)},
		&naverworks.Bot{ID: botB, Secrets: signature.MustSecretSet(secretB)},
	)
	if err != nil {
		b.Fatal(err)
	}
	h, err := naverworks.NewMultiWebhookHandler(bots, func(context.Context, naverworks.Event) error { return nil },
		naverworks.WithErrorHandler(func(*http.Request, error) {}))
	if err != nil {
		b.Fatal(err)
	}
	body, err := json.Marshal(textFrom("user", strings.Repeat("x", 900<<10)))
	if err != nil {
		b.Fatal(err)
	}
	request := func(id string) func() {
		rd := bytes.NewReader(body)
		r := httptest.NewRequest(http.MethodPost, "/callback", nil)
		r.Body, r.ContentLength = io.NopCloser(rd), int64(len(body))
		r.Header.Set(naverworks.SignatureHeader, signature.SignHMACSHA256([]byte("a-secret-no-bot-has"), body))
		r.Header.Set(naverworks.BotIDHeader, id)
		return func() {
			rd.Reset(body)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusUnauthorized {
				b.Fatalf("status %d", w.Code)
			}
		}
	}
	benchpair.Medians(b, "known", request(botA), "unknown", request("3000003"))
}
