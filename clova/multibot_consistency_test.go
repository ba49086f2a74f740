package clova_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
)

// TestMultiBotPathGuessesLookAlike: a body CLOVA signed for the caller's
// own extension, replayed to /clova/<guess>, is answered the same whether
// the guess is an extension served here or not; the resolver is not
// asked.
func TestMultiBotPathGuessesLookAlike(t *testing.T) {
	t.Parallel()
	const own = "com.example.attacker"
	body, err := json.Marshal(clovatest.Intent("Hi", clovatest.WithApplicationID(own)))
	if err != nil {
		t.Fatal(err)
	}
	sig := clovatest.Sign(nil, body)
	res := newCountingBots(extA, extB)
	h, err := clova.NewMultiWebhookHandler(res, echo, clova.WithPublicKey(clovatest.PublicKey()), clova.WithBotPath("bot"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /clova/{bot}", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	answer := func(guess string) string {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/clova/"+guess, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(clova.SignatureHeader, sig)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Header.Del("Date")
		return fmt.Sprintf("%s %v %q", resp.Status, resp.Header, b)
	}
	served, unknown := answer(extA), answer("com.example.unknown")
	if served != unknown {
		t.Errorf("a served extension answered %q, an unknown one %q", served, unknown)
	}
	for _, id := range []string{extA, extB, "com.example.unknown"} {
		if n := res.count(id); n != 0 {
			t.Errorf("resolver asked for %s %d times, want 0", id, n)
		}
	}
}

// TestStaticBotsOverLongID: an ID no request can name (over 256 bytes) is
// refused, as in every platform package.
func TestStaticBotsOverLongID(t *testing.T) {
	t.Parallel()
	if _, err := clova.StaticBots(&clova.Bot{ID: strings.Repeat("x", 257)}); err == nil {
		t.Error("StaticBots accepted a 257-byte ID")
	}
	if _, err := clova.StaticBots(&clova.Bot{ID: strings.Repeat("x", 256)}); err != nil {
		t.Errorf("StaticBots refused a 256-byte ID: %v", err)
	}
}

// TestBotFromContextNil: a nil context holds no bot (and does not panic).
func TestBotFromContextNil(t *testing.T) {
	t.Parallel()
	//nolint:staticcheck // a nil context is the point
	if b, ok := clova.BotFromContext(nil); b != nil || ok {
		t.Errorf("BotFromContext(nil) = %v, %v; want nil, false", b, ok)
	}
}
