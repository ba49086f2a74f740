package naverworks

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/internal/rest"
	"github.com/channelkit/channelkit/internal/wire"
)

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
	var tr tokenResponse
	resp, err := f.rest.DoJSON(f.ctx, &rest.Request{
		Method:      http.MethodPost,
		Path:        f.cfg.tokenURL,
		Body:        []byte(form.Encode()),
		ContentType: "application/x-www-form-urlencoded",
		Header:      http.Header{"Accept": {"application/json"}},
		Idempotent:  true, // a second token is harmless
	}, &tr)
	var te *TokenError
	var de *rest.DecodeError
	switch {
	case errors.As(err, &te):
		te.Description = f.scrub(te.Description, assertion)
		return nil, te
	case errors.As(err, &de):
		return nil, &TokenError{StatusCode: de.StatusCode, Description: "response is not JSON"}
	case err != nil:
		return nil, fmt.Errorf("naverworks: token request: %w", err)
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
	t := &oauth2.Token{
		AccessToken:  tr.AccessToken,
		TokenType:    tokenType,
		RefreshToken: tr.RefreshToken,
		Expiry:       now.Add(life),
	}
	f.logger.DebugContext(f.ctx, "naverworks: access token issued", "expires", t.Expiry, "scope", tr.Scope)
	return t.WithExtra(map[string]any{"scope": tr.Scope}), nil
}
