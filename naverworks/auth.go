package naverworks

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/internal/wire"
)

// DefaultTokenURL is the NAVER WORKS token endpoint.
const DefaultTokenURL = "https://auth.worksmobile.com/oauth2/v2.0/token"

// DefaultRefreshMargin is how long before its expiry a cached token is
// replaced.
const DefaultRefreshMargin = 5 * time.Minute

// MaxAssertionLifetime is the longest JWT assertion NAVER WORKS accepts
// (exp at most 60 minutes after iat).
const MaxAssertionLifetime = 60 * time.Minute

// defaultTokenLifetime is assumed when the token endpoint sends no
// expires_in: the shorter of the two lifetimes an app can choose.
const defaultTokenLifetime = time.Hour

// maxTokenLifetime caps expires_in: the longer of the two lifetimes an app
// can choose.
const maxTokenLifetime = 24 * time.Hour

const jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// Credentials are the Developer Console values of a NAVER WORKS app with a
// Service Account.
//
// They never print their secrets: every fmt verb, slog and encoding/json
// show ClientSecret and PrivateKey as "[REDACTED]" (or "" when unset):
//
//	naverworks.Credentials{ClientID:"abc", ClientSecret:"[REDACTED]", ServiceAccount:"…", PrivateKey:"[REDACTED]", Scopes:[]string{"bot"}}
//
// JSON encoding is therefore for display only: it cannot be decoded back
// into working credentials (decoding JSON that holds the real values works
// as usual). The fields are exported, so fmt shows them where it calls no
// method at all: the %p of a Credentials value, its %w (go vet flags both),
// and a Credentials held in an unexported field of a struct being printed.
// Hand Credentials to [TokenSource] and keep the token source instead.
type Credentials struct {
	ClientID     string
	ClientSecret string
	// ServiceAccount is the Service Account ID
	// ("xxxxx.serviceaccount@example.com").
	ServiceAccount string
	// PrivateKey is the Service Account's RSA key in PEM: PKCS#8
	// ("BEGIN PRIVATE KEY", what the console issues) or PKCS#1
	// ("BEGIN RSA PRIVATE KEY"). A key pasted into an environment variable
	// with literal "\n" sequences instead of line breaks is accepted too.
	PrivateKey string
	// Scopes to request, for example {"bot"} or {"bot.message", "bot.read"}.
	Scopes []string
}

func (c Credentials) form() redact.Form {
	return redact.Form{Type: "naverworks.Credentials", Fields: []redact.Field{
		{Name: "ClientID", Value: c.ClientID},
		{Name: "ClientSecret", Value: redact.Secret(c.ClientSecret)},
		{Name: "ServiceAccount", Value: c.ServiceAccount},
		{Name: "PrivateKey", Value: redact.Secret(c.PrivateKey)},
		{Name: "Scopes", Value: c.Scopes},
	}}
}

// String describes c without its secrets.
func (c Credentials) String() string { return c.form().String() }

// GoString is String.
func (c Credentials) GoString() string { return c.String() }

// Format writes String for every verb.
func (c Credentials) Format(f fmt.State, verb rune) { c.form().Format(f, verb) }

// LogValue makes slog print c without its secrets.
func (c Credentials) LogValue() slog.Value { return c.form().LogValue() }

// MarshalJSON encodes c with ClientSecret and PrivateKey redacted.
func (c Credentials) MarshalJSON() ([]byte, error) {
	type plain Credentials // without this method
	p := plain(c)
	p.ClientSecret, p.PrivateKey = redact.Secret(c.ClientSecret), redact.Secret(c.PrivateKey)
	return json.Marshal(p)
}

// ParsePrivateKey decodes a PEM RSA private key, PKCS#8 or PKCS#1. Errors
// never contain key material.
func ParsePrivateKey(pemText string) (*rsa.PrivateKey, error) {
	if !strings.Contains(pemText, "\n") && strings.Contains(pemText, `\n`) {
		pemText = strings.ReplaceAll(pemText, `\n`, "\n")
	}
	// Keys pasted into YAML or env files often carry indentation.
	lines := strings.Split(strings.TrimSpace(pemText), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	block, _ := pem.Decode([]byte(strings.Join(lines, "\n")))
	if block == nil {
		return nil, errors.New("naverworks: private key: no PEM block found")
	}
	if x509.IsEncryptedPEMBlock(block) { //nolint:staticcheck // detecting, not decrypting
		return nil, errors.New("naverworks: private key: encrypted PEM is not supported")
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("naverworks: private key: PKCS#8: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("naverworks: private key: want RSA, got %T", k)
		}
		return rk, nil
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("naverworks: private key: PKCS#1: %w", err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("naverworks: private key: unsupported PEM block %q", block.Type)
}

// A TokenOption configures [TokenSource].
type TokenOption func(*tokenConfig) error

type tokenConfig struct {
	tokenURL    string
	http        *http.Client
	now         func() time.Time
	margin      time.Duration
	lifetime    time.Duration
	separator   string
	logger      *slog.Logger
	retry       rest.Retry
	userAgent   string
	customClock bool
}

// WithTokenURL sends token requests to u instead of [DefaultTokenURL].
func WithTokenURL(u string) TokenOption {
	return func(c *tokenConfig) error {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return errors.New("naverworks: token URL must be an absolute http(s) URL")
		}
		c.tokenURL = u
		return nil
	}
}

// WithTokenHTTPClient sets the HTTP client for token requests (copied; nil
// is an error). Without it, an *http.Client stored in the context under
// [oauth2.HTTPClient] is used, else one with a 30 s timeout.
func WithTokenHTTPClient(hc *http.Client) TokenOption {
	return func(c *tokenConfig) error {
		cc, err := rest.CopyHTTPClient(hc)
		if err != nil {
			return fmt.Errorf("naverworks: %w", err)
		}
		c.http = cc
		return nil
	}
}

// WithTokenClock makes the token source read time from now: it stamps the
// assertion's iat/exp and decides when a cached token has expired. Tests
// use it to move time without sleeping.
func WithTokenClock(now func() time.Time) TokenOption {
	return func(c *tokenConfig) error {
		if now == nil {
			return errors.New("naverworks: nil clock")
		}
		c.now = now
		c.customClock = true
		return nil
	}
}

// WithRefreshMargin sets how long before expiry a token is replaced
// (default [DefaultRefreshMargin]).
func WithRefreshMargin(d time.Duration) TokenOption {
	return func(c *tokenConfig) error {
		if d < 0 {
			return errors.New("naverworks: negative refresh margin")
		}
		c.margin = d
		return nil
	}
}

// WithAssertionLifetime sets exp - iat of the JWT assertion: more than 0
// and at most [MaxAssertionLifetime] (the default).
func WithAssertionLifetime(d time.Duration) TokenOption {
	return func(c *tokenConfig) error {
		if d < time.Second || d > MaxAssertionLifetime {
			return fmt.Errorf("naverworks: assertion lifetime must be between 1s and %s", MaxAssertionLifetime)
		}
		c.lifetime = d
		return nil
	}
}

// WithScopeSeparator sets the separator between scopes in the token request
// (default a space; some integrations send a comma).
func WithScopeSeparator(sep string) TokenOption {
	return func(c *tokenConfig) error {
		if sep == "" {
			return errors.New("naverworks: empty scope separator")
		}
		c.separator = sep
		return nil
	}
}

// WithTokenLogger logs token requests at Debug level (never the assertion,
// the secret or a token).
func WithTokenLogger(l *slog.Logger) TokenOption {
	return func(c *tokenConfig) error {
		if l == nil {
			return errors.New("naverworks: nil logger")
		}
		c.logger = l
		return nil
	}
}

// TokenSource returns a token source for creds: it signs an RS256 JWT
// assertion with the Service Account key, exchanges it at the token
// endpoint (RFC 7523 jwt-bearer grant) and caches the access token until
// shortly before it expires. The returned value is a [*TokenCache]; it is
// safe for concurrent use, and concurrent callers with a cold or expired
// cache cause one token request between them.
//
// The key is parsed and every field checked here: a bad PEM is an error
// now, not at the first send. TokenSource does no I/O. ctx is kept only for
// its values (an *http.Client under [oauth2.HTTPClient]); cancelling it does
// not stop the source.
func TokenSource(ctx context.Context, creds Credentials, opts ...TokenOption) (oauth2.TokenSource, error) {
	c, err := NewTokenCache(ctx, creds, opts...)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// NewTokenCache is [TokenSource] with the concrete result type.
func NewTokenCache(ctx context.Context, creds Credentials, opts ...TokenOption) (*TokenCache, error) {
	if ctx == nil {
		return nil, errors.New("naverworks: nil context")
	}
	switch {
	case creds.ClientID == "":
		return nil, errors.New("naverworks: credentials: empty ClientID")
	case creds.ClientSecret == "":
		return nil, errors.New("naverworks: credentials: empty ClientSecret")
	case creds.ServiceAccount == "":
		return nil, errors.New("naverworks: credentials: empty ServiceAccount")
	case len(creds.Scopes) == 0:
		return nil, errors.New("naverworks: credentials: no Scopes")
	}
	for i, s := range creds.Scopes {
		if s == "" || strings.ContainsAny(s, " ,") {
			return nil, fmt.Errorf("naverworks: credentials: scope %d is empty or holds a separator", i)
		}
	}
	key, err := ParsePrivateKey(creds.PrivateKey)
	if err != nil {
		return nil, err
	}
	cfg := tokenConfig{
		tokenURL:  DefaultTokenURL,
		now:       time.Now,
		margin:    DefaultRefreshMargin,
		lifetime:  MaxAssertionLifetime,
		separator: " ",
		retry:     rest.DefaultRetry,
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("naverworks: nil TokenOption")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.http == nil {
		if hc, ok := ctx.Value(oauth2.HTTPClient).(*http.Client); ok && hc != nil {
			cfg.http, _ = rest.CopyHTTPClient(hc)
		} else {
			cfg.http = rest.NewHTTPClient()
		}
	}
	log := cfg.logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &tokenFetcher{
		ctx:    context.WithoutCancel(ctx),
		creds:  creds,
		key:    key,
		scope:  strings.Join(creds.Scopes, cfg.separator),
		cfg:    cfg,
		logger: log,
	}
	f.rest = &rest.Client{HTTP: cfg.http, Logger: log, Retry: cfg.retry, Check: f.check}
	tc := &TokenCache{fetch: redact.Hide[oauth2.TokenSource](f), margin: cfg.margin}
	if cfg.customClock {
		tc.now = cfg.now
	}
	tc.cur.Store(tc.newGen())
	return tc, nil
}

// tokenFetcher performs one jwt-bearer exchange per Token call.
type tokenFetcher struct {
	ctx    context.Context
	creds  Credentials
	key    *rsa.PrivateKey
	scope  string
	cfg    tokenConfig
	rest   *rest.Client
	logger *slog.Logger
}

func (f *tokenFetcher) String() string { return "naverworks.tokenFetcher" }

// assertion signs the JWT: header {"alg":"RS256","typ":"JWT"}, claims
// iss, sub, iat, exp in integer seconds.
func (f *tokenFetcher) assertion(now time.Time) (string, error) {
	return signAssertion(f.key, f.creds.ClientID, f.creds.ServiceAccount, now, f.cfg.lifetime)
}

func signAssertion(key *rsa.PrivateKey, clientID, serviceAccount string, now time.Time, lifetime time.Duration) (string, error) {
	iat := now.Truncate(time.Second)
	claims := jwt.RegisteredClaims{
		Issuer:    clientID,
		Subject:   serviceAccount,
		IssuedAt:  jwt.NewNumericDate(iat),
		ExpiresAt: jwt.NewNumericDate(iat.Add(lifetime)),
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
	if err != nil {
		return "", errors.New("naverworks: signing the JWT assertion failed")
	}
	return s, nil
}

type tokenResponse struct {
	AccessToken  string          `json:"access_token"`
	RefreshToken string          `json:"refresh_token"`
	TokenType    string          `json:"token_type"`
	Scope        string          `json:"scope"`
	ExpiresIn    wire.FlexString `json:"expires_in"`
}

type tokenErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func (f *tokenFetcher) check(r *rest.Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	e := &TokenError{StatusCode: r.StatusCode}
	var body tokenErrorBody
	if json.Unmarshal(r.Body, &body) == nil {
		e.Code = clip(body.Error, 100)
		// Unclipped here: Token scrubs it of the assertion and the secret
		// first, since a clipped echo would no longer match them.
		e.Description = body.Description
	}
	return e
}

// scrub removes the client secret and the assertion (whole, or its
// signature alone) from text a server sent back, in case it echoes request
// fields, then clips it.
func (f *tokenFetcher) scrub(s, assertion string) string {
	secrets := []string{f.creds.ClientSecret, url.QueryEscape(f.creds.ClientSecret), assertion}
	if i := strings.LastIndexByte(assertion, '.'); i >= 0 {
		secrets = append(secrets, assertion[i+1:])
	}
	for _, v := range secrets {
		if v != "" && strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, redact.Placeholder)
		}
	}
	return clip(s, 300)
}

// Token performs one exchange. Callers want [TokenCache.Token].
func (f *tokenFetcher) Token() (*oauth2.Token, error) {
	now := f.cfg.now()
	assertion, err := f.assertion(now)
	if err != nil {
		return nil, err
	}
	form := url.Values{
		"assertion":     {assertion},
		"grant_type":    {jwtBearerGrant},
		"client_id":     {f.creds.ClientID},
		"client_secret": {f.creds.ClientSecret},
		"scope":         {f.scope},
	}
	f.logger.DebugContext(f.ctx, "naverworks: requesting access token", "scope", f.scope)
	resp, err := f.rest.Do(f.ctx, &rest.Request{
		Method:      http.MethodPost,
		Path:        f.cfg.tokenURL,
		Body:        []byte(form.Encode()),
		ContentType: "application/x-www-form-urlencoded",
		Header:      http.Header{"Accept": {"application/json"}},
		Idempotent:  true, // a second token is harmless
	})
	if err != nil {
		var te *TokenError
		if errors.As(err, &te) {
			te.Description = f.scrub(te.Description, assertion)
			return nil, te
		}
		return nil, fmt.Errorf("naverworks: token request: %w", err)
	}
	var tr tokenResponse
	if err := json.Unmarshal(resp.Body, &tr); err != nil {
		return nil, &TokenError{StatusCode: resp.StatusCode, Description: "response is not JSON"}
	}
	if tr.AccessToken == "" {
		var eb tokenErrorBody
		_ = json.Unmarshal(resp.Body, &eb)
		return nil, &TokenError{StatusCode: resp.StatusCode, Code: clip(eb.Error, 100), Description: "no access_token in the response"}
	}
	life := defaultTokenLifetime
	if tr.ExpiresIn != "" {
		n, err := strconv.ParseFloat(string(tr.ExpiresIn), 64)
		if err != nil || n <= 0 {
			return nil, &TokenError{StatusCode: resp.StatusCode, Description: "expires_in is not a positive number"}
		}
		// Cap before converting: a huge value would overflow Duration
		// into an expiry in the past and a token request on every call.
		life = maxTokenLifetime
		if n < maxTokenLifetime.Seconds() {
			life = time.Duration(n * float64(time.Second))
		}
	}
	tokenType := tr.TokenType
	if tokenType == "" {
		tokenType = "Bearer"
	}
	// A token that lives less than twice the refresh margin would be
	// refreshed on every call; refresh it at half its life instead.
	if m := f.cfg.margin; life < 2*m {
		life = life/2 + m
	}
	t := &oauth2.Token{
		AccessToken:  tr.AccessToken,
		TokenType:    tokenType,
		RefreshToken: tr.RefreshToken,
		Expiry:       now.Add(life),
	}
	f.logger.DebugContext(f.ctx, "naverworks: access token issued", "expires", t.Expiry, "scope", tr.Scope)
	return t.WithExtra(map[string]any{"scope": tr.Scope}), nil
}

// Invalidator is implemented by token sources that can drop a token the
// API refused. [Client] calls Invalidate with the token of a request that
// got HTTP 401 (or 403 UNAUTHORIZED), then retries once.
type Invalidator interface {
	// Invalidate drops stale if it is still the cached token and reports
	// whether it did. A token already replaced is left alone, so that many
	// callers refused with the same token cause one refresh between them.
	Invalidate(stale *oauth2.Token) bool
}

// TokenCache is the caching token source [TokenSource] returns.
//
// It holds a "generation": an [oauth2.ReuseTokenSourceWithExpiry] around
// the JWT exchange, with the refresh margin as its early expiry. The reuse
// source serializes Token calls under its mutex, so concurrent callers with
// a cold or expired cache cause exactly one exchange. Invalidate replaces
// the generation with a fresh one (compare-and-swap, only if the stale token
// is the one the current generation issued), which forces the next Token
// call to exchange again. With [WithTokenClock] the cache also checks expiry
// against that clock.
//
// A TokenCache prints as naverworks.TokenCache{} with every fmt verb and in
// slog: neither its tokens nor the credentials behind them.
type TokenCache struct {
	// Hidden: the fetcher holds the Credentials and the key, which fmt
	// would print through the pointer for a verb like %s.
	fetch  redact.Hidden[oauth2.TokenSource]
	margin time.Duration
	now    func() time.Time // nil: the reuse source's own check only
	cur    atomic.Pointer[tokenGen]
}

type tokenGen struct {
	src  oauth2.TokenSource
	last atomic.Pointer[oauth2.Token]
}

// genSource records the token each exchange of a generation returns.
type genSource struct {
	fetch oauth2.TokenSource
	g     *tokenGen
}

func (s genSource) Token() (*oauth2.Token, error) {
	t, err := s.fetch.Token()
	if err == nil {
		s.g.last.Store(t)
	}
	return t, err
}

func (c *TokenCache) newGen() *tokenGen {
	g := &tokenGen{}
	g.src = oauth2.ReuseTokenSourceWithExpiry(nil, genSource{fetch: c.fetch.Reveal(), g: g}, c.margin)
	return g
}

// Token returns the cached token, exchanging a new one when there is none
// or it expires within the refresh margin.
func (c *TokenCache) Token() (*oauth2.Token, error) {
	for i := 0; ; i++ {
		g := c.cur.Load()
		t, err := g.src.Token()
		if err != nil || c.now == nil || i > 0 {
			return t, err
		}
		if t.Expiry.IsZero() || c.now().Before(t.Expiry.Add(-c.margin)) {
			return t, nil
		}
		// Expired by the injected clock: start a new generation (once,
		// whoever wins the swap) and ask again.
		c.cur.CompareAndSwap(g, c.newGen())
	}
}

// Invalidate implements [Invalidator].
func (c *TokenCache) Invalidate(stale *oauth2.Token) bool {
	if stale == nil {
		return false
	}
	g := c.cur.Load()
	t := g.last.Load()
	if t == nil || t.AccessToken != stale.AccessToken {
		return false
	}
	return c.cur.CompareAndSwap(g, c.newGen())
}

var tokenCacheForm = redact.Form{Type: "naverworks.TokenCache"}

// String never shows a token.
func (c *TokenCache) String() string { return tokenCacheForm.String() }

// GoString is String.
func (c *TokenCache) GoString() string { return c.String() }

// Format writes String for every verb.
func (c *TokenCache) Format(f fmt.State, verb rune) { tokenCacheForm.Format(f, verb) }

// LogValue logs String.
func (c *TokenCache) LogValue() slog.Value { return tokenCacheForm.LogValue() }
