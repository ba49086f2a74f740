package naverworkstest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The fake token endpoint: the jwt-bearer grant, checked as NAVER WORKS
// documents it, and the tokens it issued.

// TokenRequests returns how many requests reached the token endpoint.
func (s *Server) TokenRequests() int { return int(s.tokenReqs.Load()) }

// ExpireTokens makes every token issued so far invalid: the Bot API
// answers 401 to them, as the real one does to an expired token.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	tokens := s.tokens.Reveal()
	for k := range tokens {
		tokens[k] = time.Time{}
	}
}

// RevokeToken makes one access token invalid.
func (s *Server) RevokeToken(accessToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tokens := s.tokens.Reveal()
	if _, ok := tokens[accessToken]; ok {
		tokens[accessToken] = time.Time{}
	}
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// token is the jwt-bearer grant.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.tokenReqs.Add(1)
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "bad form")
		return
	}
	f := r.PostForm
	switch {
	case f.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be jwt-bearer")
		return
	case f.Get("client_id") != ClientID || f.Get("client_secret") != ClientSecret:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	case f.Get("scope") == "":
		tokenError(w, http.StatusBadRequest, "invalid_scope", "scope is required")
		return
	}
	if err := s.checkAssertion(f.Get("assertion")); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_grant", err.Error())
		return
	}
	tok := s.nextID("fake-access-token-")
	s.mu.Lock()
	s.tokens.Reveal()[tok] = s.now().Add(s.lifetime)
	s.mu.Unlock()
	secs := int(s.lifetime / time.Second)
	var expires any = strconv.Itoa(secs)
	if s.numericExpiry {
		expires = secs
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token":  tok,
		"refresh_token": "fake-refresh-token",
		"scope":         f.Get("scope"),
		"token_type":    "Bearer",
		"expires_in":    expires,
	})
}

// checkAssertion verifies the JWT as NAVER WORKS documents it.
func (s *Server) checkAssertion(assertion string) error {
	if assertion == "" {
		return errors.New("assertion is required")
	}
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return errors.New("assertion is not a JWS compact serialization")
	}
	var hdr struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
	}
	if err := decodeSegment(parts[0], &hdr); err != nil || hdr.Alg != "RS256" || hdr.Typ != "JWT" {
		return errors.New(`header must be {"alg":"RS256","typ":"JWT"}`)
	}
	var claims map[string]json.Number
	var raw map[string]any
	if err := decodeSegment(parts[1], &raw); err != nil {
		return errors.New("claims are not base64url JSON")
	}
	claims = map[string]json.Number{}
	for _, k := range []string{"iat", "exp"} {
		n, ok := raw[k].(json.Number)
		if !ok {
			return fmt.Errorf("%s must be a number", k)
		}
		if _, err := n.Int64(); err != nil {
			return fmt.Errorf("%s must be integer seconds", k)
		}
		claims[k] = n
	}
	iat, _ := claims["iat"].Int64()
	exp, _ := claims["exp"].Int64()
	if exp <= iat || exp-iat > 3600 {
		return errors.New("exp must be after iat and at most 60 minutes later")
	}
	_, err := jwt.Parse(assertion, func(*jwt.Token) (any, error) { return &Key().PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(ClientID),
		jwt.WithSubject(ServiceAccount),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.now),
		jwt.WithLeeway(time.Minute),
	)
	if err != nil {
		return fmt.Errorf("assertion rejected: %v", err)
	}
	return nil
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
