package line_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/benchpair"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
)

// clock is a test clock moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// countingSource counts the Invalidate calls a client makes, and how many
// of them dropped the cached token. With hold set, its first hold Token
// calls wait for one another, so that that many requests are sent with
// the same token.
type countingSource struct {
	*line.TokenCache
	calls, dropped atomic.Int64
	hold           int
	mu             sync.Mutex
	waiting        int
	release        chan struct{}
}

func (s *countingSource) Token() (*oauth2.Token, error) {
	return s.TokenContext(context.Background())
}

// TokenContext shadows the cache's own, which the client prefers.
func (s *countingSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	tok, err := s.TokenCache.TokenContext(ctx)
	s.mu.Lock()
	if s.waiting >= s.hold {
		s.mu.Unlock()
		return tok, err
	}
	if s.release == nil {
		s.release = make(chan struct{})
	}
	s.waiting++
	rel := s.release
	if s.waiting == s.hold {
		close(rel)
	}
	s.mu.Unlock()
	<-rel
	return tok, err
}

func (s *countingSource) Invalidate(stale *oauth2.Token) bool {
	s.calls.Add(1)
	ok := s.TokenCache.Invalidate(stale)
	if ok {
		s.dropped.Add(1)
	}
	return ok
}

// tokenClient returns a client of srv that takes its tokens from ts.
func tokenClient(t *testing.T, srv *linetest.Server, ts oauth2.TokenSource, opts ...line.Option) *line.Client {
	t.Helper()
	sl := &sleeps{}
	all := append([]line.Option{line.WithBaseURL(srv.URL()), line.WithHTTPClient(srv.HTTPClient()), line.WithSleep(sl.sleep), line.WithTokenSource(ts)}, opts...)
	c, err := line.New("", all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustCache(t *testing.T, srv *linetest.Server, opts ...line.TokenOption) *line.TokenCache {
	t.Helper()
	c, err := srv.TokenSource(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// concurrently runs fn n times at once and returns the errors.
func concurrently(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = fn(i)
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

func TestTokenSourceColdCacheIssuesOnce(t *testing.T) {
	srv := linetest.NewServer(t)
	cache := mustCache(t, srv)
	toks := make([]string, 1000)
	errs := concurrently(1000, func(i int) error {
		tok, err := cache.Token()
		if err == nil {
			toks[i] = tok.AccessToken
		}
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
		if toks[i] != toks[0] {
			t.Fatalf("caller %d got another token than caller 0", i)
		}
	}
	if got := srv.TokenIssuances(); got != 1 {
		t.Errorf("issuances = %d, want 1", got)
	}
	// The token works against the API.
	if _, err := tokenClient(t, srv, cache).Push(context.Background(), "U1", text("hi")); err != nil {
		t.Fatal(err)
	}
}

func TestTokenSourceRenewsBeforeExpiry(t *testing.T) {
	clk := newClock()
	srv := linetest.NewServer(t, linetest.WithClock(clk.now))
	cache := mustCache(t, srv, line.WithTokenLifetime(time.Hour), line.WithRefreshMargin(5*time.Minute))
	first, err := cache.Token()
	if err != nil {
		t.Fatal(err)
	}
	if want := clk.now().Add(time.Hour); !first.Expiry.Equal(want) {
		t.Errorf("expiry = %v, want %v", first.Expiry, want)
	}
	steps := []struct {
		name       string
		advance    time.Duration
		issuances  int
		sameAsLast bool
	}{
		{"well before the margin", 50 * time.Minute, 1, true},
		{"inside the margin", 6 * time.Minute, 2, false},
		{"fresh again", time.Minute, 2, true},
	}
	last := first.AccessToken
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clk.advance(st.advance)
			toks := make([]string, 200)
			for i, err := range concurrently(200, func(i int) error {
				tok, err := cache.Token()
				if err == nil {
					toks[i] = tok.AccessToken
				}
				return err
			}) {
				if err != nil {
					t.Fatalf("caller %d: %v", i, err)
				}
			}
			if got := srv.TokenIssuances(); got != st.issuances {
				t.Errorf("issuances = %d, want %d", got, st.issuances)
			}
			if (toks[0] == last) != st.sameAsLast {
				t.Errorf("token reused = %v, want %v", toks[0] == last, st.sameAsLast)
			}
			last = toks[0]
		})
	}
}

func TestShortTokenRenewedAtHalfLife(t *testing.T) {
	clk := newClock()
	srv := linetest.NewServer(t, linetest.WithClock(clk.now))
	// Stateless tokens live 15 minutes; with a 10-minute margin they
	// would be due at once, so they are renewed after 7.5 minutes.
	cache := mustCache(t, srv, line.WithStatelessTokens(), line.WithRefreshMargin(10*time.Minute))
	for _, step := range []struct {
		advance time.Duration
		want    int
	}{{0, 1}, {7 * time.Minute, 1}, {time.Minute, 2}} {
		clk.advance(step.advance)
		if _, err := cache.Token(); err != nil {
			t.Fatal(err)
		}
		if got := srv.TokenIssuances(); got != step.want {
			t.Errorf("after %v: issuances = %d, want %d", step.advance, got, step.want)
		}
	}
}

func TestRevokedTokenInvalidatedOnceRetriedOncePerRequest(t *testing.T) {
	const n = 50
	srv := linetest.NewServer(t)
	src := &countingSource{TokenCache: mustCache(t, srv)}
	c := tokenClient(t, srv, src)
	old, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	srv.RevokeToken(old.AccessToken)
	src.hold = n // every request's first attempt carries the revoked token
	for i, err := range concurrently(n, func(i int) error {
		_, err := c.Push(context.Background(), fmt.Sprintf("U%d", i), text("hi"))
		return err
	}) {
		if err != nil {
			t.Fatalf("push %d: %v", i, err)
		}
	}
	pushes := srv.Pushes()
	refused := 0
	for _, p := range pushes {
		if p.Header.Get("Authorization") == "Bearer "+old.AccessToken {
			refused++
		}
	}
	got := map[string]int64{
		"issuances":         int64(srv.TokenIssuances()),
		"invalidate calls":  src.calls.Load(),
		"tokens dropped":    src.dropped.Load(),
		"refused attempts":  int64(refused),
		"attempts in total": int64(len(pushes)),
		"accepted":          int64(len(srv.Accepted())),
	}
	want := map[string]int64{
		"issuances":         2, // the revoked token and its one replacement
		"invalidate calls":  n, // one per request
		"tokens dropped":    1,
		"refused attempts":  n,
		"attempts in total": 2 * n, // one retry per request
		"accepted":          n,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestSecondRefusalIsReturned(t *testing.T) {
	srv := linetest.NewServer(t)
	src := &countingSource{TokenCache: mustCache(t, srv)}
	c := tokenClient(t, srv, src)
	srv.FailNext(linetest.Fault{Path: "/v2/bot/message/push", Status: http.StatusUnauthorized, Times: 2})
	_, err := c.Push(context.Background(), "U1", text("hi"))
	var apiErr *line.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v, want a 401 APIError", err)
	}
	if got := len(srv.Pushes()); got != 2 {
		t.Errorf("attempts = %d, want 2 (one refresh, no more)", got)
	}
	if got := src.calls.Load(); got != 1 {
		t.Errorf("invalidate calls = %d, want 1", got)
	}
}

func TestStaticTokenIsNotRefreshed(t *testing.T) {
	srv := linetest.NewServer(t)
	c, _ := newClient(t, srv)
	srv.FailNext(linetest.Fault{Path: "/v2/bot/message/push", Status: http.StatusUnauthorized})
	if _, err := c.Push(context.Background(), "U1", text("hi")); err == nil {
		t.Fatal("a refused static token succeeded")
	}
	if got := len(srv.Pushes()); got != 1 {
		t.Errorf("attempts = %d, want 1", got)
	}
}

func TestTokenKinds(t *testing.T) {
	srv := linetest.NewServer(t)
	creds := srv.Credentials()
	assertionOnly := creds
	assertionOnly.ChannelSecret = ""
	pemCreds := creds
	pemCreds.PrivateKey = linetest.PrivateKeyPEM()
	base := []line.TokenOption{line.WithTokenBaseURL(srv.URL()), line.WithTokenHTTPClient(srv.HTTPClient())}
	tests := []struct {
		name       string
		creds      line.Credentials
		opts       []line.TokenOption
		wantPrefix string
		wantLife   time.Duration
	}{
		{"v2.1 with a JWK key", creds, nil, "linetest-v2.1-token-", line.DefaultTokenLifetime},
		{"v2.1 with a PEM key", pemCreds, []line.TokenOption{line.WithTokenLifetime(30 * 24 * time.Hour)}, "linetest-v2.1-token-", line.MaxTokenLifetime},
		{"stateless by secret", creds, []line.TokenOption{line.WithStatelessTokens()}, "linetest-stateless-token-", 15 * time.Minute},
		{"stateless by assertion", assertionOnly, []line.TokenOption{line.WithStatelessTokens()}, "linetest-stateless-token-", 15 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, err := line.TokenSource(context.Background(), tt.creds, append(base, tt.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := ts.Token()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tok.AccessToken, tt.wantPrefix) {
				t.Errorf("token %q, want prefix %q", tok.AccessToken, tt.wantPrefix)
			}
			if got := time.Duration(tok.ExpiresIn) * time.Second; got != tt.wantLife {
				t.Errorf("lifetime = %v, want %v", got, tt.wantLife)
			}
			if _, err := tokenClient(t, srv, ts).GetProfile(context.Background(), "U-unknown"); !isStatus(err, http.StatusNotFound) {
				t.Errorf("API call with the token: %v, want 404 (authenticated)", err)
			}
		})
	}
}

func isStatus(err error, status int) bool {
	var apiErr *line.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

func otherKeyJWK(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func TestTokenIssuanceFailures(t *testing.T) {
	srv := linetest.NewServer(t)
	good := srv.Credentials()
	wrongKid, wrongKey, wrongID := good, good, good
	wrongKid.KeyID = "not-the-kid"
	wrongKey.PrivateKey = otherKeyJWK(t)
	wrongID.ChannelID = "999"
	wrongSecret := good
	wrongSecret.ChannelSecret = "PLANTED-wrong-secret"
	base := []line.TokenOption{line.WithTokenBaseURL(srv.URL()), line.WithTokenHTTPClient(srv.HTTPClient())}
	tests := []struct {
		name     string
		creds    line.Credentials
		opts     []line.TokenOption
		fault    *linetest.Fault
		wantCode string
		status   int
	}{
		{name: "unknown kid", creds: wrongKid, wantCode: "invalid_client", status: 400},
		{name: "key that is not registered", creds: wrongKey, wantCode: "invalid_client", status: 400},
		{name: "other channel", creds: wrongID, wantCode: "invalid_client", status: 400},
		{name: "stateless with a wrong secret", creds: wrongSecret, opts: []line.TokenOption{line.WithStatelessTokens()}, wantCode: "invalid_client", status: 400},
		{name: "token API down", creds: good, fault: &linetest.Fault{Path: "/oauth2/", Status: 500, Body: []byte(`{"error":"server_error"}`), Times: 3}, wantCode: "server_error", status: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				srv.FailNext(*tt.fault)
			}
			ts, err := line.TokenSource(context.Background(), tt.creds, append(append(base, line.WithTokenClock(time.Now)), tt.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			c := tokenClient(t, srv, ts)
			_, err = c.Push(context.Background(), "U1", text("hi"))
			var te *line.TokenError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want a *TokenError", err)
			}
			if te.Code != tt.wantCode || te.StatusCode != tt.status {
				t.Errorf("got %d %q, want %d %q", te.StatusCode, te.Code, tt.status, tt.wantCode)
			}
			for _, secret := range []string{tt.creds.ChannelSecret, tt.creds.PrivateKey, "eyJ"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q holds a secret", err)
				}
			}
		})
	}
	if got := len(srv.Pushes()); got != 0 {
		t.Errorf("%d pushes reached the API without a token", got)
	}
}

func TestTokenErrorScrubsEchoedSecrets(t *testing.T) {
	srv := linetest.NewServer(t)
	// A token API that echoes its whole form in the description.
	srv.Handle("POST /oauth2/v3/token", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":"invalid_client","error_description":%q}`, "got "+r.PostForm.Encode()+" and "+r.PostForm.Get("client_secret"))
	}))
	creds := srv.Credentials()
	ts, err := line.TokenSource(context.Background(), creds, line.WithTokenBaseURL(srv.URL()), line.WithTokenHTTPClient(srv.HTTPClient()), line.WithStatelessTokens())
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.Token()
	if err == nil || strings.Contains(err.Error(), creds.ChannelSecret) {
		t.Fatalf("err = %v: want an error without the secret", err)
	}
	if !strings.Contains(err.Error(), "[REDACTED]") {
		t.Errorf("err = %v: want the echo replaced", err)
	}
}

func TestVerifyAndRevokeToken(t *testing.T) {
	clk := newClock()
	srv := linetest.NewServer(t, linetest.WithClock(clk.now))
	cache := mustCache(t, srv, line.WithTokenLifetime(2*time.Hour))
	tok, err := cache.Token()
	if err != nil {
		t.Fatal(err)
	}
	opts := []line.TokenOption{line.WithTokenBaseURL(srv.URL()), line.WithTokenHTTPClient(srv.HTTPClient())}
	ctx := context.Background()

	info, err := line.VerifyToken(ctx, tok.AccessToken, opts...)
	if err != nil {
		t.Fatal(err)
	}
	info.Meta = line.Meta{}
	want := &line.TokenInfo{ChannelID: linetest.ChannelID, ExpiresIn: 2 * time.Hour, Scope: "profile chat_message.write"}
	if diff := cmp.Diff(want, info); diff != "" {
		t.Errorf("VerifyToken (-want +got)\n%s", diff)
	}

	bad := srv.Credentials()
	bad.ChannelSecret = "PLANTED-not-the-secret"
	_, err = line.RevokeToken(ctx, bad, tok.AccessToken, opts...)
	var te *line.TokenError
	if !errors.As(err, &te) || te.Code != "invalid_client" {
		t.Fatalf("revoke with a wrong secret: %v, want invalid_client", err)
	}
	if s := err.Error(); strings.Contains(s, bad.ChannelSecret) || strings.Contains(s, tok.AccessToken) {
		t.Errorf("error %q holds a secret", s)
	}

	if _, err := line.RevokeToken(ctx, srv.Credentials(), tok.AccessToken, opts...); err != nil {
		t.Fatal(err)
	}
	_, err = line.VerifyToken(ctx, tok.AccessToken, opts...)
	if !errors.As(err, &te) || te.StatusCode != http.StatusBadRequest {
		t.Fatalf("verify after revoke: %v, want 400", err)
	}
	if strings.Contains(err.Error(), tok.AccessToken) {
		t.Errorf("error %q holds the token", err)
	}
	// The revoked token is refused; the client renews it once.
	src := &countingSource{TokenCache: cache}
	if _, err := tokenClient(t, srv, src).Push(ctx, "U1", text("hi")); err != nil {
		t.Fatal(err)
	}
	if got := src.dropped.Load(); got != 1 {
		t.Errorf("dropped = %d, want 1", got)
	}
}

func TestTokenArguments(t *testing.T) {
	srv := linetest.NewServer(t)
	good := srv.Credentials()
	noKid, noKey, noID, badKey := good, good, good, good
	noKid.KeyID, noKey.PrivateKey, noID.ChannelID, badKey.PrivateKey = "", "", "", "-----BEGIN PRIVATE KEY-----\nPLANTED\n-----END PRIVATE KEY-----"
	noSecretNoKey := line.Credentials{ChannelID: "1"}
	ctx := context.Background()
	tests := []struct {
		name  string
		run   func() error
		inErr string
	}{
		{"no channel ID", func() error { _, err := line.TokenSource(ctx, noID); return err }, "ChannelID"},
		{"no kid", func() error { _, err := line.TokenSource(ctx, noKid); return err }, "KeyID"},
		{"no key", func() error { _, err := line.TokenSource(ctx, noKey); return err }, "PrivateKey"},
		{"bad key", func() error { _, err := line.TokenSource(ctx, badKey); return err }, "private key"},
		{"stateless without secret or key", func() error {
			_, err := line.TokenSource(ctx, noSecretNoKey, line.WithStatelessTokens())
			return err
		}, "KeyID"},
		{"nil option", func() error { _, err := line.TokenSource(ctx, good, nil); return err }, "opts"},
		{"bad base URL", func() error { _, err := line.TokenSource(ctx, good, line.WithTokenBaseURL("ftp://x")); return err }, "base"},
		{"token lifetime too long", func() error {
			_, err := line.TokenSource(ctx, good, line.WithTokenLifetime(31*24*time.Hour))
			return err
		}, "WithTokenLifetime"},
		{"assertion lifetime too long", func() error {
			_, err := line.TokenSource(ctx, good, line.WithAssertionLifetime(31*time.Minute))
			return err
		}, "WithAssertionLifetime"},
		{"negative margin", func() error { _, err := line.TokenSource(ctx, good, line.WithRefreshMargin(-1)); return err }, "WithRefreshMargin"},
		{"nil clock", func() error { _, err := line.TokenSource(ctx, good, line.WithTokenClock(nil)); return err }, "WithTokenClock"},
		{"nil HTTP client", func() error { _, err := line.TokenSource(ctx, good, line.WithTokenHTTPClient(nil)); return err }, "WithTokenHTTPClient"},
		{"nil logger", func() error { _, err := line.TokenSource(ctx, good, line.WithTokenLogger(nil)); return err }, "WithTokenLogger"},
		{"verify an empty token", func() error { _, err := line.VerifyToken(ctx, ""); return err }, "accessToken"},
		{"revoke without secret", func() error { _, err := line.RevokeToken(ctx, noSecretNoKey, "t"); return err }, "ChannelSecret"},
		{"New with a token and a source", func() error {
			_, err := line.New("static", line.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"})))
			return err
		}, "not both"},
		{"New with neither", func() error { _, err := line.New(""); return err }, "missing"},
		{"nil token source", func() error { _, err := line.New("", line.WithTokenSource(nil)); return err }, "WithTokenSource"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, line.ErrInvalid) && !strings.Contains(fmt.Sprint(err), "private key") {
				t.Fatalf("err = %v, want an argument error", err)
			}
			if !strings.Contains(err.Error(), tt.inErr) {
				t.Errorf("err = %q, want it to name %q", err, tt.inErr)
			}
			if strings.Contains(err.Error(), "PLANTED") {
				t.Errorf("err = %q quotes the key", err)
			}
		})
	}
}

func TestParsePrivateKey(t *testing.T) {
	want := linetest.Key()
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(want)}))
	ok := []struct{ name, text string }{
		{"JWK", linetest.PrivateKeyJWK()},
		{"PKCS#8", linetest.PrivateKeyPEM()},
		{"PKCS#1", pkcs1},
		{"escaped newlines", strings.ReplaceAll(linetest.PrivateKeyPEM(), "\n", `\n`)},
		{"indented", "  " + strings.ReplaceAll(linetest.PrivateKeyPEM(), "\n", "\n    ")},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			k, err := line.ParsePrivateKey(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if !k.Equal(want) {
				t.Error("a different key")
			}
		})
	}
	bad := []struct{ name, text string }{
		{"empty", ""},
		{"not JSON", `{"kty":`},
		{"EC JWK", `{"kty":"EC","crv":"P-256"}`},
		{"JWK without d", `{"kty":"RSA","n":"AQAB","e":"AQAB"}`},
		{"JWK without primes", strings.Replace(linetest.PrivateKeyJWK(), `"p":`, `"x":`, 1)},
		{"inconsistent JWK", strings.Replace(linetest.PrivateKeyJWK(), `"e":"AQAB"`, `"e":"Aw"`, 1)},
		{"garbage PEM", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"},
		{"certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := line.ParsePrivateKey(tt.text); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func FuzzParsePrivateKey(f *testing.F) {
	f.Add(linetest.PrivateKeyJWK())
	f.Add(linetest.PrivateKeyPEM())
	f.Add(`{"kty":"RSA","n":"AQAB","e":"AQAB","d":"AQ","p":"Aw","q":"BQ"}`)
	f.Add("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----")
	f.Fuzz(func(t *testing.T, text string) {
		k, err := line.ParsePrivateKey(text)
		if err == nil && k.Validate() != nil {
			t.Fatal("accepted an invalid key")
		}
		if err != nil && len(text) > 16 && strings.Contains(err.Error(), text) {
			t.Fatalf("error %q quotes its input", err)
		}
	})
}

// BenchmarkTokenCacheWarm measures the warm path every request takes,
// against oauth2.ReuseTokenSource's (what naverworks' cache wraps).
func BenchmarkTokenCacheWarm(b *testing.B) {
	srv := linetest.NewServer(b)
	cache, err := srv.TokenSource()
	if err != nil {
		b.Fatal(err)
	}
	tok, err := cache.Token()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("line", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := cache.Token(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("line-TokenContext", func(b *testing.B) {
		b.ReportAllocs()
		ctx := context.Background()
		for b.Loop() {
			if _, err := cache.TokenContext(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	reuse := oauth2.ReuseTokenSource(tok, oauth2.StaticTokenSource(tok))
	b.Run("oauth2.ReuseTokenSource", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := reuse.Token(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("side-by-side", func(b *testing.B) {
		benchpair.Medians(b, "reuse", func() { _, _ = reuse.Token() }, "line", func() { _, _ = cache.Token() })
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := cache.Token(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func TestRenewalTimerMarksTokenDue(t *testing.T) {
	srv := linetest.NewServer(t)
	cache, err := line.NewTokenCache(context.Background(), srv.Credentials(), line.WithTokenBaseURL(srv.URL()), line.WithTokenHTTPClient(srv.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	first, err := cache.Token()
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := cache.Token(); again.AccessToken != first.AccessToken || srv.TokenIssuances() != 1 {
		t.Fatal("a warm cache issued again")
	}
	if !line.FireRenewal(cache) {
		t.Fatal("no renewal timer armed")
	}
	second, err := cache.Token()
	if err != nil {
		t.Fatal(err)
	}
	if second.AccessToken == first.AccessToken || srv.TokenIssuances() != 2 {
		t.Errorf("after the timer: same token %v, issuances %d; want a new token, 2", second.AccessToken == first.AccessToken, srv.TokenIssuances())
	}
	if cache.Invalidate(first) {
		t.Error("invalidated a token already replaced")
	}
	if !cache.Invalidate(second) || cache.Invalidate(second) {
		t.Error("want exactly one successful Invalidate of the current token")
	}
}
