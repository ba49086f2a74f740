package linetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/line"
)

// The fake channel access token API: v2.1 issuance with a JWT assertion
// (checked as LINE documents it), stateless issuance, verify and revoke,
// and the tokens it issued, which the Messaging API endpoints accept.

// ChannelID is the channel the fake's credentials belong to.
const ChannelID = "1234567890"

// AssertionKeyID is the kid of the fake's Assertion Signing Key ([Key]).
const AssertionKeyID = "linetest-assertion-kid"

// StatelessLifetime is how long a stateless token of the fake lives, as
// LINE's do.
const StatelessLifetime = 15 * time.Minute

var (
	keyOnce sync.Once
	key     *rsa.PrivateKey
	keyErr  error
)

// Key returns the test Assertion Signing Key (RSA 2048), generated once
// per process. Never use it outside tests.
func Key() *rsa.PrivateKey {
	keyOnce.Do(func() { key, keyErr = rsa.GenerateKey(rand.Reader, 2048) })
	if keyErr != nil {
		panic("linetest: generating the test key: " + keyErr.Error())
	}
	return key
}

// PrivateKeyJWK returns [Key] as the private JWK LINE's key generator
// prints.
func PrivateKeyJWK() string {
	k := Key()
	b64 := func(n *big.Int) string { return base64.RawURLEncoding.EncodeToString(n.Bytes()) }
	j, _ := json.Marshal(map[string]string{
		"kty": "RSA", "alg": "RS256", "use": "sig",
		"n": b64(k.N), "e": b64(big.NewInt(int64(k.E))), "d": b64(k.D),
		"p": b64(k.Primes[0]), "q": b64(k.Primes[1]),
		"dp": b64(k.Precomputed.Dp), "dq": b64(k.Precomputed.Dq), "qi": b64(k.Precomputed.Qinv),
	})
	return string(j)
}

// PrivateKeyPEM returns [Key] as PKCS#8 PEM.
func PrivateKeyPEM() string {
	der, err := x509.MarshalPKCS8PrivateKey(Key())
	if err != nil {
		panic("linetest: " + err.Error())
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// Credentials returns credentials the fake's token API accepts: [ChannelID],
// [ChannelSecret], [AssertionKeyID] and [PrivateKeyJWK].
func (s *Server) Credentials() line.Credentials {
	return line.Credentials{ChannelID: ChannelID, ChannelSecret: ChannelSecret, KeyID: AssertionKeyID, PrivateKey: PrivateKeyJWK()}
}

// TokenSource returns a line token source for the fake's token API (v2.1
// tokens unless opts say [line.WithStatelessTokens]); opts come after the
// fake's own, and the fake's clock ([WithClock]) is the source's.
func (s *Server) TokenSource(opts ...line.TokenOption) (*line.TokenCache, error) {
	base := []line.TokenOption{line.WithTokenBaseURL(s.url), line.WithTokenHTTPClient(s.HTTPClient())}
	if s.clock != nil {
		base = append(base, line.WithTokenClock(s.clock))
	}
	return line.NewTokenCache(context.Background(), s.Credentials(), append(base, opts...)...)
}

// TokenIssuances returns how many tokens the fake has issued (v2.1 and
// stateless).
func (s *Server) TokenIssuances() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issuances
}

// ExpireTokens makes every token issued so far expired: the API answers
// 401 to them, as LINE does.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, t := range s.issued {
		t.expiry = time.Time{}
		s.issued[k] = t
	}
}

// RevokeToken makes one issued token invalid, as LINE's revoke endpoint
// does.
func (s *Server) RevokeToken(accessToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.issued[accessToken]; ok {
		t.expiry = time.Time{}
		s.issued[accessToken] = t
	}
}

type issued struct {
	expiry    time.Time // zero: expired or revoked
	stateless bool
}

// tokenValid reports whether tok is a live token the fake issued.
func (s *Server) tokenValid(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.issued[tok]
	return ok && !t.expiry.IsZero() && s.now().Before(t.expiry)
}

func (s *Server) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// issue records a new token and answers with it.
func (s *Server) issueToken(w http.ResponseWriter, life time.Duration, stateless bool) {
	s.mu.Lock()
	s.issuances++
	n := s.issuances
	s.mu.Unlock()
	kind := "v2.1"
	if stateless {
		kind = "stateless"
	}
	tok := fmt.Sprintf("linetest-%s-token-%d", kind, n)
	s.mu.Lock()
	s.issued[tok] = issued{expiry: s.now().Add(life), stateless: stateless}
	s.mu.Unlock()
	body := map[string]any{"access_token": tok, "expires_in": int64(life / time.Second), "token_type": "Bearer"}
	if !stateless {
		body["key_id"] = fmt.Sprintf("linetest-key-%d", n)
	}
	writeJSON(w, http.StatusOK, body)
}

// tokenV21 is POST /oauth2/v2.1/token.
func (s *Server) tokenV21(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	f := r.PostForm
	if f.Get("grant_type") != "client_credentials" || f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		tokenError(w, http.StatusBadRequest, "invalid_request", "grant_type must be client_credentials and client_assertion_type jwt-bearer")
		return
	}
	exp, err := s.checkAssertion(f.Get("client_assertion"), true)
	if err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_client", err.Error())
		return
	}
	s.issueToken(w, exp, false)
}

// tokenStateless is POST /oauth2/v3/token.
func (s *Server) tokenStateless(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	f := r.PostForm
	if f.Get("grant_type") != "client_credentials" {
		tokenError(w, http.StatusBadRequest, "invalid_request", "grant_type must be client_credentials")
		return
	}
	switch {
	case f.Get("client_assertion") != "":
		if f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
			tokenError(w, http.StatusBadRequest, "invalid_request", "client_assertion_type must be jwt-bearer")
			return
		}
		if _, err := s.checkAssertion(f.Get("client_assertion"), false); err != nil {
			tokenError(w, http.StatusBadRequest, "invalid_client", err.Error())
			return
		}
	case f.Get("client_id") != ChannelID || f.Get("client_secret") != ChannelSecret:
		tokenError(w, http.StatusBadRequest, "invalid_client", "invalid client_id or client_secret")
		return
	}
	s.issueToken(w, StatelessLifetime, true)
}

// checkAssertion verifies a JWT assertion as LINE documents it and
// returns the token_exp it asks for.
func (s *Server) checkAssertion(assertion string, wantTokenExp bool) (time.Duration, error) {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return 0, errors.New("client_assertion is not a JWT")
	}
	var hdr struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid"`
	}
	if decodeSegment(parts[0], &hdr) != nil || hdr.Alg != "RS256" || hdr.Typ != "JWT" {
		return 0, errors.New(`header must be {"alg":"RS256","typ":"JWT","kid":…}`)
	}
	if hdr.Kid != AssertionKeyID {
		return 0, errors.New("unknown kid")
	}
	var raw map[string]any
	if decodeSegment(parts[1], &raw) != nil {
		return 0, errors.New("claims are not base64url JSON")
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(assertion, claims, func(*jwt.Token) (any, error) { return &Key().PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(ChannelID),
		jwt.WithSubject(ChannelID),
		jwt.WithAudience("https://api.line.me/"),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.now),
	)
	if err != nil {
		return 0, errors.New("invalid client_assertion")
	}
	expNum, ok := raw["exp"].(json.Number)
	exp, nerr := expNum.Int64()
	if !ok || nerr != nil {
		return 0, errors.New("exp must be integer seconds")
	}
	if time.Unix(exp, 0).Sub(s.now()) > 30*time.Minute {
		return 0, errors.New("exp must be at most 30 minutes ahead")
	}
	if !wantTokenExp {
		return 0, nil
	}
	te, ok := raw["token_exp"].(json.Number)
	if !ok {
		return 0, errors.New("token_exp is required")
	}
	secs, err := te.Int64()
	if err != nil || secs < 1 || secs > 30*24*60*60 {
		return 0, errors.New("token_exp must be 1 to 2592000 seconds")
	}
	return time.Duration(secs) * time.Second, nil
}

func decodeSegment(seg string, v any) error {
	if strings.ContainsAny(seg, "=+/") {
		return errors.New("not base64url without padding")
	}
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// verifyV21 is GET /oauth2/v2.1/verify.
func (s *Server) verifyV21(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("access_token")
	s.mu.Lock()
	t, ok := s.issued[tok]
	s.mu.Unlock()
	if !ok || t.stateless || t.expiry.IsZero() || !s.now().Before(t.expiry) {
		tokenError(w, http.StatusBadRequest, "invalid_request", "access token expired")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"client_id":  ChannelID,
		"expires_in": int64(t.expiry.Sub(s.now()) / time.Second),
		"scope":      "profile chat_message.write",
	})
}

// revokeV21 is POST /oauth2/v2.1/revoke.
func (s *Server) revokeV21(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	f := r.PostForm
	if f.Get("client_id") != ChannelID || f.Get("client_secret") != ChannelSecret {
		tokenError(w, http.StatusBadRequest, "invalid_client", "invalid client_id or client_secret")
		return
	}
	if f.Get("access_token") == "" {
		tokenError(w, http.StatusBadRequest, "invalid_request", "access_token is required")
		return
	}
	s.RevokeToken(f.Get("access_token"))
	w.WriteHeader(http.StatusOK)
}

var _ oauth2.TokenSource = (*line.TokenCache)(nil)
