package line_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/internal/benchpair"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

// BenchmarkMultiWrongSignature compares, side by side, a 900 KiB body
// with a wrong signature for a known bot and for an unknown one: both
// cost an HMAC over the body (the unknown one with a dummy secret), so
// the ratio should be near 1 and the time taken tells no one which bots
// exist.
func BenchmarkMultiWrongSignature(b *testing.B) {
	h, err := line.NewMultiWebhookHandler(twoBots(b, nil, nil), func(context.Context, *line.Callback) error { return nil },
		line.WithErrorHandler(func(*http.Request, error) {}))
	if err != nil {
		b.Fatal(err)
	}
	request := func(dest string) func() {
		body := multiBody(b, dest, "Uuser", strings.Repeat("x", 900<<10))
		rd := bytes.NewReader(body)
		r := httptest.NewRequest(http.MethodPost, "/callback", nil)
		r.Body, r.ContentLength = io.NopCloser(rd), int64(len(body))
		r.Header.Set(line.SignatureHeader, linetest.SignBody("a-secret-no-bot-has", body))
		return func() {
			rd.Reset(body)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusUnauthorized {
				b.Fatalf("status %d", w.Code)
			}
		}
	}
	benchpair.Medians(b, "known", request(botA), "unknown", request(unknownDestination))
}
