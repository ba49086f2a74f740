package naverworks_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/channelkit/channelkit/internal/benchpair"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/naverworks"
)

// benchTokens is a warm token source: the token lookup is measured by
// BenchmarkTokenWarm, not here.
type benchTokens struct{ tok *oauth2.Token }

func (s benchTokens) Token() (*oauth2.Token, error) { return s.tok, nil }

// sendServer answers a send as the Bot API does: 201 with no body.
func sendServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
	}))
}

const benchUser = "c72af563-0f21-4736-11e4-045237113344"

var benchText = &naverworks.Text{Text: "Hello, world! 안녕하세요 👋"}

func benchClient(b *testing.B, srv *httptest.Server) *naverworks.Client {
	b.Helper()
	c, err := naverworks.New("2000001", benchTokens{&oauth2.Token{AccessToken: "bench-token", TokenType: "Bearer"}},
		naverworks.WithBaseURL(srv.URL+"/v1.0/"), naverworks.WithHTTPClient(srv.Client()))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkClientSend measures SendToUser on loopback: validate, encode,
// authorize, send, read the answer.
func BenchmarkClientSend(b *testing.B) {
	srv := sendServer()
	defer srv.Close()
	c := benchClient(b, srv)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.SendToUser(ctx, benchUser, benchText); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClientSendRatio runs SendToUser and a raw net/http POST of the
// same body (with the same headers) to two loopback servers of the same
// kind alternately, and reports each one's median and their ratio
// (naverworks/raw): the client's own overhead.
func BenchmarkClientSendRatio(b *testing.B) {
	ourSrv, rawSrv := sendServer(), sendServer()
	defer ourSrv.Close()
	defer rawSrv.Close()
	c := benchClient(b, ourSrv)
	hc := rawSrv.Client()
	ctx := context.Background()
	body := []byte(`{"content":{"type":"text","text":"Hello, world! 안녕하세요 👋"}}`)
	target := rawSrv.URL + "/v1.0/bots/2000001/users/" + benchUser + "/messages"
	raw := func() {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer bench-token")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "bench")
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	ours := func() {
		if _, err := c.SendToUser(ctx, benchUser, benchText); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	benchpair.Medians(b, "raw", raw, "naverworks", ours)
}
