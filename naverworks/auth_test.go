package naverworks_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
)

func fmtAll(v any) string {
	return fmt.Sprintf("%v %+v %#v %s", v, v, v, v)
}

func TestCredentialsRedacted(t *testing.T) {
	t.Parallel()
	c := naverworks.Credentials{ClientID: "cid", ClientSecret: "s3cret", ServiceAccount: "sa", PrivateKey: naverworkstest.PrivateKeyPEM(), Scopes: []string{"bot"}}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("creds", "c", c, "p", &c)
	out := fmtAll(c) + fmtAll(&c) + logs.String()
	for _, s := range []string{"s3cret", "PRIVATE KEY", keyBody(c.PrivateKey)} {
		if strings.Contains(out, s) {
			t.Errorf("leaks %q: %s", s, out)
		}
	}
	if !strings.Contains(out, "cid") || !strings.Contains(out, "[REDACTED]") {
		t.Errorf("want client ID and a redaction mark: %s", out)
	}
}

func TestTokenSourceRejectsBadConfig(t *testing.T) {
	t.Parallel()
	good := naverworks.Credentials{ClientID: "c", ClientSecret: "s", ServiceAccount: "sa", PrivateKey: naverworkstest.PrivateKeyPEM(), Scopes: []string{"bot"}}
	tests := []struct {
		name string
		edit func(*naverworks.Credentials)
		opts []naverworks.TokenOption
	}{
		{"bad PEM", func(c *naverworks.Credentials) {
			c.PrivateKey = "-----BEGIN PRIVATE KEY-----\nnotbase64\n-----END PRIVATE KEY-----\n"
		}, nil},
		{"no PEM", func(c *naverworks.Credentials) { c.PrivateKey = "hello" }, nil},
		{"EC key type", func(c *naverworks.Credentials) {
			c.PrivateKey = strings.ReplaceAll(c.PrivateKey, "PRIVATE KEY", "EC PRIVATE KEY")
		}, nil},
		{"no scopes", func(c *naverworks.Credentials) { c.Scopes = nil }, nil},
		{"scope with space", func(c *naverworks.Credentials) { c.Scopes = []string{"bot read"} }, nil},
		{"no client ID", func(c *naverworks.Credentials) { c.ClientID = "" }, nil},
		{"assertion too long", nil, []naverworks.TokenOption{naverworks.WithAssertionLifetime(61 * time.Minute)}},
		{"relative token URL", nil, []naverworks.TokenOption{naverworks.WithTokenURL("/token")}},
		{"nil HTTP client", nil, []naverworks.TokenOption{naverworks.WithTokenHTTPClient(nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			if tt.edit != nil {
				tt.edit(&c)
			}
			ts, err := naverworks.TokenSource(context.Background(), c, tt.opts...)
			if err == nil || ts != nil {
				t.Fatalf("TokenSource = %v, %v; want an error", ts, err)
			}
			if strings.Contains(err.Error(), "notbase64") {
				t.Errorf("error shows key material: %v", err)
			}
		})
	}
}

func TestParsePrivateKeyForms(t *testing.T) {
	t.Parallel()
	want := naverworkstest.Key()
	for name, pem := range map[string]string{
		"PKCS#8":             naverworkstest.PrivateKeyPEM(),
		"PKCS#1":             naverworkstest.PKCS1PrivateKeyPEM(),
		"escaped newlines":   strings.ReplaceAll(naverworkstest.PrivateKeyPEM(), "\n", `\n`),
		"CRLF":               strings.ReplaceAll(naverworkstest.PrivateKeyPEM(), "\n", "\r\n"),
		"surrounding spaces": "\n  " + naverworkstest.PrivateKeyPEM() + "\n",
	} {
		k, err := naverworks.ParsePrivateKey(pem)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !k.Equal(want) {
			t.Errorf("%s: a different key", name)
		}
	}
}

// The assertion is what the spec asks: RS256, typ JWT, iss/sub, integer
// iat/exp 60 minutes apart, no other claims; and the form fields.
func TestAssertionAndForm(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	fixed := time.Unix(1767225600, 0) // 2026-01-01T00:00:00Z
	ts, err := srv.TokenSource(naverworks.WithTokenClock(func() time.Time { return fixed }), naverworks.WithScopeSeparator(","))
	if err != nil {
		t.Fatal(err)
	}
	srvStrict := naverworkstest.NewServer(t, naverworkstest.WithClock(func() time.Time { return fixed }))
	ts2, err := srvStrict.TokenSource(naverworks.WithTokenClock(func() time.Time { return fixed }))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = ts.Token() // the first fake's clock is real time: the assertion is "expired" there
	if _, err := ts2.Token(); err != nil {
		t.Fatalf("fake refused the assertion: %v", err)
	}
	call := srvStrict.Calls()[0]
	form := string(call.Body)
	for _, want := range []string{"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer", "client_id=fake-client-id", "client_secret=fake-client-secret", "scope=bot", "assertion="} {
		if !strings.Contains(form, want) {
			t.Errorf("form %q lacks %q", form, want)
		}
	}
	if ct := call.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q", ct)
	}
	assertion := form[strings.Index(form, "assertion=")+len("assertion="):]
	assertion = assertion[:strings.IndexByte(assertion+"&", '&')]
	parts := strings.Split(assertion, ".")
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if string(hdr) != `{"alg":"RS256","typ":"JWT"}` {
		t.Errorf("header = %s", hdr)
	}
	if want := `{"iss":"fake-client-id","sub":"fake.serviceaccount@example.com","exp":1767229200,"iat":1767225600}`; string(claims) != want {
		t.Errorf("claims = %s\nwant     %s", claims, want)
	}
	// The separator option reaches the form.
	ts3, _ := naverworks.TokenSource(context.Background(), naverworks.Credentials{ClientID: "c", ClientSecret: "s", ServiceAccount: "sa", PrivateKey: naverworkstest.PrivateKeyPEM(), Scopes: []string{"bot", "bot.read"}},
		naverworks.WithTokenURL(srv.TokenURL()), naverworks.WithTokenHTTPClient(srv.HTTPClient()), naverworks.WithScopeSeparator(","))
	_, _ = ts3.Token()
	calls := srv.Calls()
	if last := string(calls[len(calls)-1].Body); !strings.Contains(last, "scope=bot%2Cbot.read") {
		t.Errorf("form %q lacks the comma-separated scope", last)
	}
}

func TestTokenResponses(t *testing.T) {
	t.Parallel()
	fixed := time.Unix(1767225600, 0)
	tests := []struct {
		name       string
		status     int
		body       string
		wantExpiry time.Time
		wantErr    *naverworks.TokenError
	}{
		{"expires_in string", 200, `{"access_token":"a","token_type":"Bearer","expires_in":"86400"}`, fixed.Add(86400 * time.Second), nil},
		{"expires_in number", 200, `{"access_token":"a","token_type":"Bearer","expires_in":3600}`, fixed.Add(time.Hour), nil},
		{"no expires_in: one hour", 200, `{"access_token":"a"}`, fixed.Add(time.Hour), nil},
		{"short lifetime: the true expiry", 200, `{"access_token":"a","expires_in":60}`, fixed.Add(time.Minute), nil},
		{"oauth error", 400, `{"error":"invalid_grant","error_description":"bad assertion"}`, time.Time{}, &naverworks.TokenError{StatusCode: 400, Code: "invalid_grant", Description: "bad assertion"}},
		{"secret echoed", 401, `{"error":"invalid_client","error_description":"secret fake-client-secret is wrong"}`, time.Time{}, &naverworks.TokenError{StatusCode: 401, Code: "invalid_client", Description: "secret [REDACTED] is wrong"}},
		{"HTML error", 502, `<html>bad gateway</html>`, time.Time{}, &naverworks.TokenError{StatusCode: 502}},
		{"200 without token", 200, `{"error":"invalid_scope"}`, time.Time{}, &naverworks.TokenError{StatusCode: 200, Code: "invalid_scope", Description: "no access_token in the response"}},
		{"huge expires_in capped at 24 hours", 200, `{"access_token":"a","expires_in":1e300}`, fixed.Add(24 * time.Hour), nil},
		{"overlong expires_in capped at 24 hours", 200, `{"access_token":"a","expires_in":"9999999999999"}`, fixed.Add(24 * time.Hour), nil},
		{"bad expires_in", 200, `{"access_token":"a","expires_in":"soon"}`, time.Time{}, &naverworks.TokenError{StatusCode: 200, Description: "expires_in is not a positive number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := naverworkstest.NewServer(t)
			srv.Handle("POST /oauth2/v2.0/token", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			ts, err := srv.TokenSource(naverworks.WithTokenClock(func() time.Time { return fixed }))
			if err != nil {
				t.Fatal(err)
			}
			tok, err := ts.(*naverworks.TokenCache).Token()
			if tt.wantErr != nil {
				var te *naverworks.TokenError
				if !errors.As(err, &te) {
					t.Fatalf("err = %v, want *TokenError", err)
				}
				if diff := cmp.Diff(tt.wantErr, te); diff != "" {
					t.Errorf("TokenError (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tok.Expiry.Equal(tt.wantExpiry) || tok.AccessToken != "a" || tok.Type() != "Bearer" {
				t.Errorf("token = %q %q expiry %v, want expiry %v", tok.AccessToken, tok.Type(), tok.Expiry, tt.wantExpiry)
			}
		})
	}
}

func TestInvalidateOnlyTheCurrentToken(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	ts, err := srv.TokenSource()
	if err != nil {
		t.Fatal(err)
	}
	inv := ts.(naverworks.Invalidator)
	t1, _ := ts.Token()
	if !inv.Invalidate(t1) {
		t.Fatal("Invalidate(current) = false")
	}
	if inv.Invalidate(t1) {
		t.Error("second Invalidate(t1) = true; want a no-op")
	}
	t2, _ := ts.Token()
	if t2.AccessToken == t1.AccessToken {
		t.Error("no new token after Invalidate")
	}
	if inv.Invalidate(&oauth2.Token{AccessToken: "other"}) || inv.Invalidate(nil) {
		t.Error("Invalidate of a foreign token dropped the cache")
	}
	if got := srv.TokenRequests(); got != 2 {
		t.Errorf("%d token requests, want 2", got)
	}
}

func TestSignAssertionDeterministic(t *testing.T) {
	t.Parallel()
	// PKCS#1 v1.5 signatures are deterministic: the same claims and key
	// give the same assertion, so the token request is reproducible.
	fixed := time.Unix(1767225600, 0)
	var forms []string
	for i := 0; i < 2; i++ {
		srv := naverworkstest.NewServer(t, naverworkstest.WithClock(func() time.Time { return fixed }))
		ts, _ := srv.TokenSource(naverworks.WithTokenClock(func() time.Time { return fixed }))
		if _, err := ts.Token(); err != nil {
			t.Fatal(err)
		}
		forms = append(forms, string(srv.Calls()[0].Body))
	}
	if forms[0] != forms[1] {
		t.Error("two assertions for the same claims differ")
	}
	var _ *rsa.PrivateKey = naverworkstest.Key()
	_ = json.Valid
}

// A token endpoint that echoes the request in its error description must
// not carry the assertion or the client secret into the error.
func TestTokenErrorScrubsEchoedCredentials(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	srv.Handle("POST /oauth2/v2.0/token", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		desc := "bad request: assertion=" + r.PostForm.Get("assertion") + " secret=" + r.PostForm.Get("client_secret")
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": desc})
	}))
	ts, err := srv.TokenSource()
	if err != nil {
		t.Fatal(err)
	}
	_, tokErr := ts.Token()
	var te *naverworks.TokenError
	if !errors.As(tokErr, &te) || te.Code != "invalid_grant" {
		t.Fatalf("err = %v, want a *TokenError invalid_grant", tokErr)
	}
	calls := srv.Calls()
	if len(calls) == 0 {
		t.Fatal("no token call recorded")
	}
	form, err := url.ParseQuery(string(calls[0].Body))
	if err != nil {
		t.Fatal(err)
	}
	assertion := form.Get("assertion")
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		t.Fatalf("recorded assertion %q is not a JWS", assertion)
	}
	for _, secret := range []string{parts[1], parts[2], naverworkstest.ClientSecret} {
		if strings.Contains(tokErr.Error(), secret) || strings.Contains(te.Description, secret) {
			t.Errorf("token error leaks %q: %v", secret, tokErr)
		}
	}
}
