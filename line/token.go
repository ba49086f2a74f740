package line

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
)

// Channel access tokens that renew themselves.
//
// LINE's channel access token API (https://api.line.me/oauth2/…) issues
// two kinds of token a program can obtain by itself:
//
//   - v2.1 tokens (POST /oauth2/v2.1/token): the request carries a JWT
//     assertion signed with the channel's Assertion Signing Key (whose
//     public half was registered in the LINE Developers Console, which
//     answered with its kid). The token lives as long as the assertion's
//     token_exp asks, at most 30 days, and can be revoked.
//   - stateless tokens (POST /oauth2/v3/token): issued for the channel ID
//     and secret (or the same JWT assertion), valid 15 minutes, not
//     revocable, with no limit on how many are active.

// DefaultTokenBaseURL is the host of the channel access token API.
const DefaultTokenBaseURL = "https://api.line.me/"

// DefaultRefreshMargin is how long before its expiry a cached token is
// replaced.
const DefaultRefreshMargin = 5 * time.Minute

// MaxAssertionLifetime is the longest JWT assertion LINE accepts: exp at
// most 30 minutes after it is sent.
const MaxAssertionLifetime = 30 * time.Minute

// MaxTokenLifetime is the longest v2.1 token LINE issues (token_exp of 30
// days).
const MaxTokenLifetime = 30 * 24 * time.Hour

// DefaultTokenLifetime is the token_exp a [TokenSource] asks for unless
// [WithTokenLifetime] says otherwise. LINE caps the v2.1 tokens a channel
// may have active at once (30, per LINE's documentation of the issue
// endpoint; UNCONFIRMED whether issuance then fails or the oldest token
// ends), and each process that starts with a cold cache issues one: a day
// keeps the count low for a handful of replicas restarting daily. Share one
// cached token among many replicas (redisstore.TokenSource) beyond that.
const DefaultTokenLifetime = 24 * time.Hour

// statelessLifetime is assumed when a stateless token's answer has no
// expires_in: the 15 minutes LINE documents.
const statelessLifetime = 15 * time.Minute

const (
	clientCredentials   = "client_credentials"
	jwtBearerAssertion  = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	assertionAudience   = "https://api.line.me/"
	v21TokenPath        = "oauth2/v2.1/token"
	v21VerifyPath       = "oauth2/v2.1/verify"
	v21RevokePath       = "oauth2/v2.1/revoke"
	statelessTokenPath  = "oauth2/v3/token"
	maxTokenErrorDetail = 300
)

// Credentials are a channel's values from the LINE Developers Console, for
// [TokenSource], [RevokeToken] and [VerifyToken].
//
// They never print their secrets: every fmt verb, slog and encoding/json
// show ChannelSecret and PrivateKey as "[REDACTED]" (or "" when unset). JSON
// encoding is for display only. Hand Credentials to [TokenSource] and keep
// the token source instead.
type Credentials struct {
	// ChannelID is the channel's numeric ID ("1234567890"): the issuer and
	// subject of the JWT assertion.
	ChannelID string
	// ChannelSecret issues stateless tokens ([WithStatelessTokens]) and
	// revokes v2.1 tokens ([RevokeToken]); v2.1 issuance does not need it.
	ChannelSecret string
	// KeyID is the kid the console showed when the assertion key's public
	// half was registered.
	KeyID string
	// PrivateKey is the Assertion Signing Key's private half: the JWK the
	// key generator printed ({"kty":"RSA","n":…,"d":…,…}), or PEM (PKCS#8
	// or PKCS#1). A PEM pasted with literal "\n" sequences is accepted.
	PrivateKey string
}

func (c Credentials) form() redact.Form {
	return redact.Form{Type: "line.Credentials", Fields: []redact.Field{
		{Name: "ChannelID", Value: c.ChannelID},
		{Name: "ChannelSecret", Value: redact.Secret(c.ChannelSecret)},
		{Name: "KeyID", Value: c.KeyID},
		{Name: "PrivateKey", Value: redact.Secret(c.PrivateKey)},
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

// MarshalJSON encodes c with ChannelSecret and PrivateKey redacted.
func (c Credentials) MarshalJSON() ([]byte, error) {
	type plain Credentials // without this method
	p := plain(c)
	p.ChannelSecret, p.PrivateKey = redact.Secret(c.ChannelSecret), redact.Secret(c.PrivateKey)
	return json.Marshal(p)
}

// ParsePrivateKey decodes an RSA private key given as a JWK (LINE's key
// generator's output, {"kty":"RSA",…}) or as PEM (PKCS#8 or PKCS#1). Errors
// never contain key material.
func ParsePrivateKey(text string) (*rsa.PrivateKey, error) {
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "{") {
		return parseJWK(t)
	}
	if !strings.Contains(t, "\n") && strings.Contains(t, `\n`) {
		t = strings.ReplaceAll(t, `\n`, "\n")
	}
	lines := strings.Split(t, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	block, _ := pem.Decode([]byte(strings.Join(lines, "\n")))
	if block == nil {
		return nil, errors.New("line: private key: neither a JWK nor a PEM block")
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("line: private key: bad PKCS#8 data")
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("line: private key: want RSA, got %T", k)
		}
		return rk, nil
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("line: private key: bad PKCS#1 data")
		}
		return k, nil
	}
	return nil, fmt.Errorf("line: private key: unsupported PEM block %q", clipRunes(block.Type, 40))
}

// parseJWK reads an RSA private JWK (RFC 7518 §6.3).
func parseJWK(text string) (*rsa.PrivateKey, error) {
	var j struct {
		Kty, N, E, D, P, Q, Dp, Dq, Qi string
	}
	if err := json.Unmarshal([]byte(text), &j); err != nil {
		return nil, errors.New("line: private key: JWK is not valid JSON")
	}
	if j.Kty != "RSA" {
		return nil, errors.New(`line: private key: JWK kty must be "RSA"`)
	}
	num := func(name, v string) (*big.Int, error) {
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "="))
		if err != nil || len(b) == 0 {
			return nil, fmt.Errorf("line: private key: JWK %q is missing or not base64url", name)
		}
		return new(big.Int).SetBytes(b), nil
	}
	n, err := num("n", j.N)
	if err != nil {
		return nil, err
	}
	e, err := num("e", j.E)
	if err != nil {
		return nil, err
	}
	d, err := num("d", j.D)
	if err != nil {
		return nil, err
	}
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 {
		return nil, errors.New("line: private key: JWK exponent out of range")
	}
	k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: int(e.Int64())}, D: d}
	if j.P != "" || j.Q != "" {
		p, err := num("p", j.P)
		if err != nil {
			return nil, err
		}
		q, err := num("q", j.Q)
		if err != nil {
			return nil, err
		}
		k.Primes = []*big.Int{p, q}
	} else {
		return nil, errors.New("line: private key: JWK has no primes (p, q)")
	}
	if err := k.Validate(); err != nil {
		return nil, errors.New("line: private key: JWK is not a consistent RSA key")
	}
	k.Precompute()
	return k, nil
}

// A TokenOption configures [TokenSource], [RevokeToken] and [VerifyToken].
type TokenOption func(*tokenConfig) error

type tokenConfig struct {
	base        *url.URL
	http        *http.Client
	now         func() time.Time
	margin      time.Duration
	assertion   time.Duration
	lifetime    time.Duration
	stateless   bool
	logger      *slog.Logger
	retry       rest.Retry
	customClock bool
}

// WithTokenBaseURL sends token requests to base instead of
// [DefaultTokenBaseURL] (a [linetest] server). It is the base of the whole
// token API, whose issue, verify and revoke endpoints live under it, where
// naverworks.WithTokenURL names its one endpoint.
//
// [linetest]: https://pkg.go.dev/github.com/channelkit/channelkit/line/linetest
func WithTokenBaseURL(base string) TokenOption {
	return func(c *tokenConfig) error {
		u, err := rest.ParseBaseURL(base)
		if err != nil {
			return argError("WithTokenBaseURL", "base", "not an absolute http(s) URL")
		}
		c.base = u
		return nil
	}
}

// WithTokenHTTPClient sets the HTTP client for token requests (copied; nil
// is an error). The default has a 30 s timeout.
func WithTokenHTTPClient(hc *http.Client) TokenOption {
	return func(c *tokenConfig) error {
		cc, err := rest.CopyHTTPClient(hc)
		if err != nil {
			return argError("WithTokenHTTPClient", "hc", "nil HTTP client")
		}
		c.http = cc
		return nil
	}
}

// WithTokenClock makes the token source read time from now: it stamps the
// assertion's exp and decides when a cached token is due for renewal.
// Tests use it to move time without sleeping; nil is an error.
func WithTokenClock(now func() time.Time) TokenOption {
	return func(c *tokenConfig) error {
		if now == nil {
			return argError("WithTokenClock", "now", "nil clock")
		}
		c.now = now
		c.customClock = true
		return nil
	}
}

// WithRefreshMargin sets how long before its expiry a token is replaced
// (default [DefaultRefreshMargin]). A token that lives less than twice the
// margin is replaced at half its life instead.
func WithRefreshMargin(d time.Duration) TokenOption {
	return func(c *tokenConfig) error {
		if d < 0 {
			return argError("WithRefreshMargin", "d", "must not be negative")
		}
		c.margin = d
		return nil
	}
}

// WithAssertionLifetime sets how long after signing the JWT assertion
// expires: 1 s to [MaxAssertionLifetime] (the default).
func WithAssertionLifetime(d time.Duration) TokenOption {
	return func(c *tokenConfig) error {
		if d < time.Second || d > MaxAssertionLifetime {
			return argError("WithAssertionLifetime", "d", "must be between 1s and "+MaxAssertionLifetime.String())
		}
		c.assertion = d
		return nil
	}
}

// WithTokenLifetime sets the token_exp a v2.1 token is asked for: whole
// seconds from 1 s to [MaxTokenLifetime] (default [DefaultTokenLifetime]).
// Stateless tokens always live 15 minutes.
func WithTokenLifetime(d time.Duration) TokenOption {
	return func(c *tokenConfig) error {
		if d < time.Second || d > MaxTokenLifetime {
			return argError("WithTokenLifetime", "d", "must be between 1s and 720h")
		}
		c.lifetime = d.Truncate(time.Second)
		return nil
	}
}

// WithStatelessTokens makes [TokenSource] issue stateless tokens (15
// minutes, not revocable, no cap on active tokens) instead of v2.1 tokens:
// with the channel secret when Credentials has one, else with the JWT
// assertion.
func WithStatelessTokens() TokenOption {
	return func(c *tokenConfig) error { c.stateless = true; return nil }
}

// WithTokenLogger logs token requests at Debug level (never the assertion,
// the secret or a token); nil is an error.
func WithTokenLogger(l *slog.Logger) TokenOption {
	return func(c *tokenConfig) error {
		if l == nil {
			return argError("WithTokenLogger", "l", "nil logger")
		}
		c.logger = l
		return nil
	}
}

func tokenOptions(fn string, opts []TokenOption) (tokenConfig, error) {
	base, _ := url.Parse(DefaultTokenBaseURL)
	cfg := tokenConfig{
		base:      base,
		now:       time.Now,
		margin:    DefaultRefreshMargin,
		assertion: MaxAssertionLifetime,
		lifetime:  DefaultTokenLifetime,
		retry:     rest.DefaultRetry,
	}
	for _, o := range opts {
		if o == nil {
			return cfg, argError(fn, "opts", "nil TokenOption")
		}
		if err := o(&cfg); err != nil {
			return cfg, err
		}
	}
	if cfg.http == nil {
		cfg.http = rest.NewHTTPClient()
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	return cfg, nil
}

// TokenError is a failed request to the channel access token API: its
// {"error", "error_description"} answer, or a response that was not one.
// It never holds the assertion, the channel secret or a token.
type TokenError struct {
	StatusCode int
	// Code is LINE's "error": "invalid_request", "invalid_client",
	// "invalid_grant", …
	Code string
	// Description is LINE's "error_description", clipped, with anything
	// the request carried that is secret taken out.
	Description string
	// RequestID is the x-line-request-id header, when LINE sent one.
	RequestID string
}

// Error names the status, the error code and its description.
func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line: token request failed (HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(", ")
		b.WriteString(e.Code)
	}
	b.WriteString(")")
	if e.Description != "" {
		b.WriteString(": ")
		b.WriteString(e.Description)
	}
	if e.RequestID != "" {
		b.WriteString(" [request ")
		b.WriteString(e.RequestID)
		b.WriteString("]")
	}
	return b.String()
}

// tokenAPI sends requests to the channel access token API.
type tokenAPI struct {
	rest   rest.Client
	cfg    tokenConfig
	creds  Credentials
	key    *rsa.PrivateKey // nil: no assertion
	logger *slog.Logger
}

func newTokenAPI(cfg tokenConfig, creds Credentials, key *rsa.PrivateKey) *tokenAPI {
	a := &tokenAPI{cfg: cfg, creds: creds, key: key, logger: cfg.logger}
	a.rest = rest.Client{HTTP: cfg.http, BaseURL: cfg.base, Logger: cfg.logger, Retry: cfg.retry, Check: tokenCheck}
	return a
}

func tokenCheck(r *rest.Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	e := &TokenError{StatusCode: r.StatusCode, RequestID: r.Header.Get("X-Line-Request-Id")}
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Message     string `json:"message"`
	}
	if json.Unmarshal(r.Body, &body) == nil {
		e.Code = clipRunes(body.Error, 100)
		// Unclipped here: scrub takes the request's secrets out first,
		// since a clipped echo would no longer match them.
		e.Description = body.Description
		if e.Description == "" {
			e.Description = body.Message
		}
	}
	return e
}

// scrub removes the channel secret, the assertion (whole, or its
// signature alone) and any token the request carried from text the server
// sent back, then clips it.
func scrub(s string, secrets ...string) string {
	var all []string
	for _, v := range secrets {
		if v == "" {
			continue
		}
		all = append(all, v, url.QueryEscape(v))
		if strings.Count(v, ".") == 2 {
			all = append(all, v[strings.LastIndexByte(v, '.')+1:])
		}
	}
	for _, v := range all {
		if v != "" && strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, redact.Placeholder)
		}
	}
	return clipRunes(s, maxTokenErrorDetail)
}

// post sends a form and decodes the JSON answer; the error never holds
// the form's secrets.
func (a *tokenAPI) do(ctx context.Context, req *rest.Request, out any, secrets ...string) (*rest.Response, error) {
	resp, err := a.rest.DoJSON(ctx, req, out)
	var te *TokenError
	var de *rest.DecodeError
	switch {
	case errors.As(err, &te):
		te.Description = scrub(te.Description, secrets...)
		return resp, te
	case errors.As(err, &de):
		return resp, &TokenError{StatusCode: de.StatusCode, Description: "response is not the expected JSON"}
	case err != nil:
		return resp, fmt.Errorf("line: token request: %w", err)
	}
	return resp, nil
}

// assertionJWT signs the v2.1 assertion: header {"alg":"RS256","typ":"JWT",
// "kid":…}, claims iss = sub = channel ID, aud "https://api.line.me/", exp,
// and token_exp (v2.1 issuance only).
func (a *tokenAPI) assertionJWT(now time.Time, tokenExp time.Duration) (string, error) {
	claims := jwt.MapClaims{
		"iss": a.creds.ChannelID,
		"sub": a.creds.ChannelID,
		"aud": assertionAudience,
		"exp": now.Add(a.cfg.assertion).Unix(),
	}
	if tokenExp > 0 {
		claims["token_exp"] = int64(tokenExp / time.Second)
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = a.creds.KeyID
	s, err := t.SignedString(a.key)
	if err != nil {
		return "", errors.New("line: signing the JWT assertion failed")
	}
	return s, nil
}

type issuedToken struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
	KeyID       string `json:"key_id"`
}

// issue performs one issuance: a v2.1 token, or a stateless one.
func (a *tokenAPI) issue(ctx context.Context) (*oauth2.Token, error) {
	now := a.cfg.now()
	form := url.Values{"grant_type": {clientCredentials}}
	path := v21TokenPath
	var secrets []string
	retryOn := retryTokenIssue
	switch {
	case a.cfg.stateless && a.creds.ChannelSecret != "":
		path = statelessTokenPath
		form.Set("client_id", a.creds.ChannelID)
		form.Set("client_secret", a.creds.ChannelSecret)
		secrets = append(secrets, a.creds.ChannelSecret)
		retryOn = nil // a second stateless token is harmless
	default:
		var exp time.Duration
		if !a.cfg.stateless {
			exp = a.cfg.lifetime
		} else {
			path = statelessTokenPath
			retryOn = nil
		}
		assertion, err := a.assertionJWT(now, exp)
		if err != nil {
			return nil, err
		}
		form.Set("client_assertion_type", jwtBearerAssertion)
		form.Set("client_assertion", assertion)
		secrets = append(secrets, assertion)
	}
	a.logger.Debug("line: requesting a channel access token", "stateless", a.cfg.stateless)
	var tr issuedToken
	resp, err := a.do(ctx, &rest.Request{
		Method:      http.MethodPost,
		Path:        path,
		Body:        []byte(form.Encode()),
		ContentType: "application/x-www-form-urlencoded",
		Idempotent:  true,
		RetryOn:     retryOn,
	}, &tr, secrets...)
	if err != nil {
		return nil, err
	}
	if tr.AccessToken == "" {
		return nil, &TokenError{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("X-Line-Request-Id"), Description: "no access_token in the response"}
	}
	life := time.Duration(tr.ExpiresIn) * time.Second
	switch {
	case tr.ExpiresIn < 0:
		return nil, &TokenError{StatusCode: resp.StatusCode, Description: "expires_in is negative"}
	case tr.ExpiresIn == 0 && a.cfg.stateless:
		life = statelessLifetime
	case tr.ExpiresIn == 0:
		life = a.cfg.lifetime
	case tr.ExpiresIn > int64(MaxTokenLifetime/time.Second):
		// A huge value would overflow Duration into an expiry in the past.
		life = MaxTokenLifetime
	}
	typ := tr.TokenType
	if typ == "" {
		typ = "Bearer"
	}
	t := &oauth2.Token{AccessToken: tr.AccessToken, TokenType: typ, Expiry: now.Add(life), ExpiresIn: int64(life / time.Second)}
	a.logger.Debug("line: channel access token issued", "expires", t.Expiry)
	if tr.KeyID != "" {
		t = t.WithExtra(map[string]any{"key_id": tr.KeyID})
	}
	return t, nil
}

// retryTokenIssue retries a v2.1 issuance only on an answer that says no
// token was issued (429, 5xx): after a lost answer LINE may have issued
// one, which counts against the channel's active tokens.
func retryTokenIssue(r *rest.Response, _ error) bool {
	return r != nil && (r.StatusCode == http.StatusTooManyRequests || r.StatusCode >= 500)
}

// TokenSource returns a token source for creds: it signs a JWT assertion
// with the channel's Assertion Signing Key, issues a v2.1 channel access
// token with it (or a stateless one, [WithStatelessTokens]) and caches the
// token until shortly before it expires. The result is a [*TokenCache];
// pass it to [New] with [WithTokenSource].
//
// The key is parsed and every field checked here: a bad key is an error
// now, not at the first send. TokenSource does no I/O. ctx is kept only
// for its values, which reach the logger with each token request;
// cancelling it does not stop the source.
func TokenSource(ctx context.Context, creds Credentials, opts ...TokenOption) (oauth2.TokenSource, error) {
	c, err := NewTokenCache(ctx, creds, opts...)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// NewTokenCache is [TokenSource] with the concrete result type.
func NewTokenCache(ctx context.Context, creds Credentials, opts ...TokenOption) (*TokenCache, error) {
	const fn = "TokenSource"
	if ctx == nil {
		return nil, argError(fn, "ctx", "nil context")
	}
	cfg, err := tokenOptions(fn, opts)
	if err != nil {
		return nil, err
	}
	if creds.ChannelID == "" {
		return nil, argError(fn, "creds", "empty ChannelID")
	}
	var key *rsa.PrivateKey
	if !cfg.stateless || creds.ChannelSecret == "" {
		switch {
		case creds.KeyID == "":
			return nil, argError(fn, "creds", "empty KeyID (the assertion key's kid)")
		case creds.PrivateKey == "":
			return nil, argError(fn, "creds", "empty PrivateKey")
		}
		if key, err = ParsePrivateKey(creds.PrivateKey); err != nil {
			return nil, err
		}
	}
	api := newTokenAPI(cfg, creds, key)
	detached := context.WithoutCancel(ctx)
	var now func() time.Time // nil: time.Now, with renewal timers
	if cfg.customClock {
		now = cfg.now
	}
	return newTokenCache(func() (*oauth2.Token, error) { return api.issue(detached) }, cfg.margin, now), nil
}

// TokenInfo is what [VerifyToken] learned about a token.
type TokenInfo struct {
	// ChannelID is the channel the token was issued for.
	ChannelID string
	// ExpiresIn is how long the token has left.
	ExpiresIn time.Duration
	// Scope is the permissions it grants, space-separated.
	Scope string
	Meta  Meta
}

// VerifyToken asks LINE whether a v2.1 channel access token is valid
// (GET /oauth2/v2.1/verify). An invalid or expired token is a
// *TokenError (LINE answers 400 invalid_request). The token never appears
// in an error. Stateless tokens cannot be verified this way
// (UNCONFIRMED).
func VerifyToken(ctx context.Context, accessToken string, opts ...TokenOption) (*TokenInfo, error) {
	const fn = "VerifyToken"
	if ctx == nil {
		return nil, argError(fn, "ctx", "nil context")
	}
	if accessToken == "" {
		return nil, argError(fn, "accessToken", "must not be empty")
	}
	cfg, err := tokenOptions(fn, opts)
	if err != nil {
		return nil, err
	}
	api := newTokenAPI(cfg, Credentials{}, nil)
	var body struct {
		ClientID  string `json:"client_id"`
		ExpiresIn int64  `json:"expires_in"`
		Scope     string `json:"scope"`
	}
	resp, err := api.do(ctx, &rest.Request{
		Method:     http.MethodGet,
		Path:       v21VerifyPath,
		Query:      url.Values{"access_token": {accessToken}},
		Idempotent: true,
	}, &body, accessToken)
	if err != nil {
		return nil, err
	}
	return &TokenInfo{ChannelID: body.ClientID, ExpiresIn: time.Duration(body.ExpiresIn) * time.Second, Scope: body.Scope, Meta: metaOf(resp)}, nil
}

// RevokeToken revokes a v2.1 channel access token (POST
// /oauth2/v2.1/revoke, with creds.ChannelID and creds.ChannelSecret). LINE
// answers 200 for a token already revoked or expired. Stateless tokens
// cannot be revoked. Neither the token nor the secret appears in an error.
func RevokeToken(ctx context.Context, creds Credentials, accessToken string, opts ...TokenOption) (*Result, error) {
	const fn = "RevokeToken"
	switch {
	case ctx == nil:
		return nil, argError(fn, "ctx", "nil context")
	case accessToken == "":
		return nil, argError(fn, "accessToken", "must not be empty")
	case creds.ChannelID == "" || creds.ChannelSecret == "":
		return nil, argError(fn, "creds", "needs ChannelID and ChannelSecret")
	}
	cfg, err := tokenOptions(fn, opts)
	if err != nil {
		return nil, err
	}
	api := newTokenAPI(cfg, creds, nil)
	form := url.Values{"client_id": {creds.ChannelID}, "client_secret": {creds.ChannelSecret}, "access_token": {accessToken}}
	resp, err := api.do(ctx, &rest.Request{
		Method:      http.MethodPost,
		Path:        v21RevokePath,
		Body:        []byte(form.Encode()),
		ContentType: "application/x-www-form-urlencoded",
		Idempotent:  true, // revoking twice is revoking once
	}, nil, creds.ChannelSecret, accessToken)
	if err != nil {
		return nil, err
	}
	return resultOf(resp), nil
}
