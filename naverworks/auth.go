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
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
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
			return argError("WithTokenURL", "u", "not an absolute http(s) URL")
		}
		c.tokenURL = u
		return nil
	}
}

// WithTokenHTTPClient sets the HTTP client for token requests (copied; nil
// is an error). The default has a 30 s timeout. (An *http.Client stored in
// the context under oauth2.HTTPClient is not used: the client is an
// option, as for [New].)
func WithTokenHTTPClient(hc *http.Client) TokenOption {
	return func(c *tokenConfig) error {
		if hc == nil {
			return argError("WithTokenHTTPClient", "hc", "nil")
		}
		c.http, _ = rest.CopyHTTPClient(hc)
		return nil
	}
}

// WithTokenClock makes the token source read time from now: it stamps the
// assertion's iat/exp and decides when a cached token has expired. Tests
// use it to move time without sleeping.
func WithTokenClock(now func() time.Time) TokenOption {
	return func(c *tokenConfig) error {
		if now == nil {
			return argError("WithTokenClock", "now", "nil")
		}
		c.now = now
		c.customClock = true
		return nil
	}
}

// WithRefreshMargin sets how long before its expiry a token is replaced
// (default [DefaultRefreshMargin]). A token that lives less than twice the
// margin is replaced at half its life instead; its Expiry stays the one
// the token endpoint gave it.
func WithRefreshMargin(d time.Duration) TokenOption {
	return func(c *tokenConfig) error {
		if d < 0 {
			return argError("WithRefreshMargin", "d", "negative")
		}
		c.margin = d
		return nil
	}
}

// WithAssertionLifetime sets exp - iat of the JWT assertion: 1 s to
// [MaxAssertionLifetime] (the default).
func WithAssertionLifetime(d time.Duration) TokenOption {
	return func(c *tokenConfig) error {
		if d < time.Second || d > MaxAssertionLifetime {
			return argError("WithAssertionLifetime", "d", "not between 1s and "+MaxAssertionLifetime.String())
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
			return argError("WithScopeSeparator", "sep", "empty")
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
			return argError("WithTokenLogger", "l", "nil")
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
// its values, which reach the logger ([WithTokenLogger]) with each token
// request; cancelling it does not stop the source. The HTTP client is
// [WithTokenHTTPClient]'s.
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
		return nil, argError("TokenSource", "ctx", "nil")
	}
	switch {
	case creds.ClientID == "":
		return nil, argError("TokenSource", "creds", "empty ClientID")
	case creds.ClientSecret == "":
		return nil, argError("TokenSource", "creds", "empty ClientSecret")
	case creds.ServiceAccount == "":
		return nil, argError("TokenSource", "creds", "empty ServiceAccount")
	case len(creds.Scopes) == 0:
		return nil, argError("TokenSource", "creds", "no Scopes")
	}
	for i, s := range creds.Scopes {
		if s == "" || strings.ContainsAny(s, " ,") {
			return nil, argError("TokenSource", fmt.Sprintf("creds.Scopes[%d]", i), "empty or holds a separator")
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
			return nil, argError("TokenSource", "opts", "nil TokenOption")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.http == nil {
		cfg.http = rest.NewHTTPClient()
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
	var now func() time.Time // nil: time.Now, with renewal timers
	if cfg.customClock {
		now = cfg.now
	}
	return newTokenCache(f.Token, cfg.margin, now), nil
}
