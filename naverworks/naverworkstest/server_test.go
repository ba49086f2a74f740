package naverworkstest_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
)

var (
	otherKeyOnce sync.Once
	otherKey     *rsa.PrivateKey
)

// wrongKey is an RSA key the fake does not know.
func wrongKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	otherKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		otherKey = k
	})
	return otherKey
}

// sign builds an RS256 assertion from claims with key.
func sign(t *testing.T, key *rsa.PrivateKey, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func goodClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": naverworkstest.ClientID,
		"sub": naverworkstest.ServiceAccount,
		"iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for kk, vv := range c {
		out[kk] = vv
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func goodForm(assertion string) url.Values {
	return url.Values{
		"assertion":     {assertion},
		"grant_type":    {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"client_id":     {naverworkstest.ClientID},
		"client_secret": {naverworkstest.ClientSecret},
		"scope":         {"bot"},
	}
}

type tokenAnswer struct {
	status int
	body   map[string]any
}

func postToken(t *testing.T, srv *naverworkstest.Server, form url.Values) tokenAnswer {
	t.Helper()
	resp, err := srv.HTTPClient().PostForm(srv.TokenURL(), form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("token endpoint answered non-JSON: %v", err)
	}
	return tokenAnswer{status: resp.StatusCode, body: body}
}

// rawJWT builds an RS256-signed compact JWT from literal header and
// payload JSON, for claim encodings jwt.MapClaims cannot express.
func rawJWT(t *testing.T, key *rsa.PrivateKey, header, payload string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	sig, err := jwt.SigningMethodRS256.Sign(input, key)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + enc.EncodeToString(sig)
}

func TestTokenEndpointChecksAssertion(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	good := goodClaims(now)
	key := naverworkstest.Key()
	hdr := `{"alg":"RS256","typ":"JWT"}`
	tests := []struct {
		name     string
		form     func(t *testing.T) url.Values
		status   int
		code     string // the OAuth error code; "" for success
		wantDesc string // part of error_description
	}{
		{"valid assertion", func(t *testing.T) url.Values { return goodForm(sign(t, key, good)) }, 200, "", ""},
		{"exactly 60 minutes", func(t *testing.T) url.Values {
			return goodForm(sign(t, key, with(good, "exp", now.Add(60*time.Minute).Unix())))
		}, 200, "", ""},
		{"wrong key", func(t *testing.T) url.Values { return goodForm(sign(t, wrongKey(t), good)) }, 400, "invalid_grant", "assertion rejected"},
		{"wrong iss", func(t *testing.T) url.Values { return goodForm(sign(t, key, with(good, "iss", "someone-else"))) }, 400, "invalid_grant", "assertion rejected"},
		{"missing iss", func(t *testing.T) url.Values { return goodForm(sign(t, key, with(good, "iss", nil))) }, 400, "invalid_grant", "assertion rejected"},
		{"wrong sub", func(t *testing.T) url.Values {
			return goodForm(sign(t, key, with(good, "sub", "other.serviceaccount@example.com")))
		}, 400, "invalid_grant", "assertion rejected"},
		{"exp more than 60 minutes after iat", func(t *testing.T) url.Values {
			return goodForm(sign(t, key, with(good, "exp", now.Add(61*time.Minute).Unix())))
		}, 400, "invalid_grant", "at most 60 minutes"},
		{"exp one second too late", func(t *testing.T) url.Values {
			return goodForm(sign(t, key, with(good, "exp", now.Add(60*time.Minute+time.Second).Unix())))
		}, 400, "invalid_grant", "at most 60 minutes"},
		{"exp before iat", func(t *testing.T) url.Values {
			return goodForm(sign(t, key, with(good, "exp", now.Add(-time.Second).Unix())))
		}, 400, "invalid_grant", "exp must be after iat"},
		{"expired by the server's clock", func(t *testing.T) url.Values {
			old := now.Add(-3 * time.Hour)
			return goodForm(sign(t, key, goodClaims(old)))
		}, 400, "invalid_grant", "assertion rejected"},
		{"missing exp", func(t *testing.T) url.Values { return goodForm(sign(t, key, with(good, "exp", nil))) }, 400, "invalid_grant", "exp must be a number"},
		{"iat as a string", func(t *testing.T) url.Values {
			return goodForm(rawJWT(t, key, hdr, `{"iss":"fake-client-id","sub":"fake.serviceaccount@example.com","iat":"1740830400","exp":1740834000}`))
		}, 400, "invalid_grant", "iat must be a number"},
		{"iat in milliseconds-style fraction", func(t *testing.T) url.Values {
			return goodForm(rawJWT(t, key, hdr, `{"iss":"fake-client-id","sub":"fake.serviceaccount@example.com","iat":1740830400.5,"exp":1740834000}`))
		}, 400, "invalid_grant", "integer seconds"},
		{"HS256 header", func(t *testing.T) url.Values {
			s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, good).SignedString([]byte(naverworkstest.ClientSecret))
			if err != nil {
				t.Fatal(err)
			}
			return goodForm(s)
		}, 400, "invalid_grant", "header must be"},
		{"header without typ", func(t *testing.T) url.Values {
			return goodForm(rawJWT(t, key, `{"alg":"RS256"}`, `{"iss":"fake-client-id","sub":"fake.serviceaccount@example.com","iat":1740830400,"exp":1740834000}`))
		}, 400, "invalid_grant", "header must be"},
		{"padded standard base64", func(t *testing.T) url.Values {
			s := sign(t, key, good)
			parts := strings.Split(s, ".")
			p, _ := base64.RawURLEncoding.DecodeString(parts[1])
			parts[1] = base64.StdEncoding.EncodeToString(append(p, ' ', ' ')) // force padding
			return goodForm(strings.Join(parts, "."))
		}, 400, "invalid_grant", ""},
		{"tampered payload", func(t *testing.T) url.Values {
			s := sign(t, key, good)
			parts := strings.Split(s, ".")
			evil := with(good, "sub", "admin.serviceaccount@example.com")
			b, _ := json.Marshal(evil)
			parts[1] = base64.RawURLEncoding.EncodeToString(b)
			return goodForm(strings.Join(parts, "."))
		}, 400, "invalid_grant", "assertion rejected"},
		{"not a JWS", func(t *testing.T) url.Values { return goodForm("not-a-jwt") }, 400, "invalid_grant", "JWS"},
		{"no assertion", func(t *testing.T) url.Values {
			f := goodForm("")
			f.Del("assertion")
			return f
		}, 400, "invalid_grant", "required"},
		{"wrong grant type", func(t *testing.T) url.Values {
			f := goodForm(sign(t, key, good))
			f.Set("grant_type", "client_credentials")
			return f
		}, 400, "unsupported_grant_type", ""},
		{"refresh grant", func(t *testing.T) url.Values {
			f := goodForm(sign(t, key, good))
			f.Set("grant_type", "refresh_token")
			return f
		}, 400, "unsupported_grant_type", ""},
		{"wrong client secret", func(t *testing.T) url.Values {
			f := goodForm(sign(t, key, good))
			f.Set("client_secret", "guess")
			return f
		}, 401, "invalid_client", ""},
		{"wrong client id", func(t *testing.T) url.Values {
			f := goodForm(sign(t, key, good))
			f.Set("client_id", "other")
			return f
		}, 401, "invalid_client", ""},
		{"no scope", func(t *testing.T) url.Values {
			f := goodForm(sign(t, key, good))
			f.Del("scope")
			return f
		}, 400, "invalid_scope", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := naverworkstest.NewServer(t, naverworkstest.WithClock(clock))
			got := postToken(t, srv, tt.form(t))
			if got.status != tt.status {
				t.Fatalf("status = %d, want %d; body %v", got.status, tt.status, got.body)
			}
			if srv.TokenRequests() != 1 {
				t.Errorf("TokenRequests() = %d, want 1", srv.TokenRequests())
			}
			if tt.code == "" {
				if tok, _ := got.body["access_token"].(string); tok == "" {
					t.Errorf("no access_token in %v", got.body)
				}
				if got.body["expires_in"] != "86400" || got.body["token_type"] != "Bearer" {
					t.Errorf("expires_in/token_type = %v/%v, want \"86400\"/Bearer", got.body["expires_in"], got.body["token_type"])
				}
				return
			}
			if _, ok := got.body["access_token"]; ok {
				t.Errorf("a rejected request got a token: %v", got.body)
			}
			if got.body["error"] != tt.code {
				t.Errorf("error = %v, want %s", got.body["error"], tt.code)
			}
			desc, _ := got.body["error_description"].(string)
			if !strings.Contains(desc, tt.wantDesc) {
				t.Errorf("error_description = %q, want it to mention %q", desc, tt.wantDesc)
			}
		})
	}
}

// The token source of the naverworks package produces assertions the fake
// accepts, with the PKCS#1 form of the key too, and the number form of
// expires_in decodes.
func TestTokenSourceAgainstFake(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []naverworkstest.ServerOption
		key  string
	}{
		{"PKCS#8, string expires_in", nil, naverworkstest.PrivateKeyPEM()},
		{"PKCS#1, numeric expires_in", []naverworkstest.ServerOption{naverworkstest.WithNumericExpiresIn()}, naverworkstest.PKCS1PrivateKeyPEM()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := naverworkstest.NewServer(t, tt.opts...)
			creds := srv.Credentials()
			creds.PrivateKey = tt.key
			ts, err := naverworks.TokenSource(t.Context(), creds, naverworks.WithTokenURL(srv.TokenURL()), naverworks.WithTokenHTTPClient(srv.HTTPClient()))
			if err != nil {
				t.Fatal(err)
			}
			before := time.Now()
			tok, err := ts.Token()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tok.AccessToken, "fake-access-token-") {
				t.Errorf("AccessToken = %q", tok.AccessToken)
			}
			// 24 h lifetime, refreshed 5 minutes early by the reuse source;
			// Expiry itself is the server's expiry.
			if d := tok.Expiry.Sub(before); d < 23*time.Hour || d > 25*time.Hour {
				t.Errorf("Expiry is %s from now, want about 24h", d)
			}
		})
	}
}

func TestTokenExpiryAndRevocation(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := naverworkstest.NewServer(t, naverworkstest.WithClock(clock), naverworkstest.WithTokenLifetime(time.Hour))
	issue := func() string {
		t.Helper()
		got := postToken(t, srv, goodForm(sign(t, naverworkstest.Key(), goodClaims(clock()))))
		if got.status != 200 {
			t.Fatalf("token: %d %v", got.status, got.body)
		}
		if got.body["expires_in"] != "3600" {
			t.Errorf("expires_in = %v, want \"3600\"", got.body["expires_in"])
		}
		return got.body["access_token"].(string)
	}
	send := func(tok string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.BaseURL()+"bots/"+naverworkstest.BotID+"/users/u/messages",
			strings.NewReader(`{"content":{"type":"text","text":"x"}}`))
		req.Header.Set("Content-Type", "application/json")
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized {
			b, _ := io.ReadAll(resp.Body)
			if !strings.Contains(string(b), `"UNAUTHORIZED"`) || resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("401 without the documented body/header: %s %v", b, resp.Header)
			}
		}
		return resp.StatusCode
	}
	a, b := issue(), issue()
	if a == b {
		t.Fatalf("two token requests issued the same token %q", a)
	}
	if got := srv.TokenRequests(); got != 2 {
		t.Errorf("TokenRequests() = %d, want 2", got)
	}
	for _, tc := range []struct {
		name string
		tok  string
		want int
	}{
		{"fresh token", a, 201},
		{"no token", "", 401},
		{"unknown token", "made-up", 401},
	} {
		if got := send(tc.tok); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
	}

	srv.RevokeToken(a)
	if got := send(a); got != 401 {
		t.Errorf("revoked token: status %d, want 401", got)
	}
	if got := send(b); got != 201 {
		t.Errorf("other token after RevokeToken: status %d, want 201", got)
	}

	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	if got := send(b); got != 401 {
		t.Errorf("token past its lifetime by the fake's clock: status %d, want 401", got)
	}
	c := issue()
	if got := send(c); got != 201 {
		t.Errorf("new token: status %d, want 201", got)
	}
	srv.ExpireTokens()
	if got := send(c); got != 401 {
		t.Errorf("after ExpireTokens: status %d, want 401", got)
	}
	if got := len(srv.Messages()); got != 3 {
		t.Errorf("%d messages recorded, want 3 (only the accepted sends)", got)
	}
}

func TestFaultInjection(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	tok := postToken(t, srv, goodForm(sign(t, naverworkstest.Key(), goodClaims(time.Now())))).body["access_token"].(string)
	type answer struct {
		Status int
		Body   string
		Header map[string]string
	}
	call := func(method, path string) answer {
		t.Helper()
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader(`{"content":{"type":"text","text":"x"}}`)
		}
		req, _ := http.NewRequest(method, srv.URL()+path, body)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		a := answer{Status: resp.StatusCode, Body: strings.TrimSpace(string(b))}
		for _, k := range []string{"RateLimit-Reset", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Ssed"} {
			if v := resp.Header.Get(k); v != "" {
				if a.Header == nil {
					a.Header = map[string]string{}
				}
				a.Header[k] = v
			}
		}
		return a
	}
	send := "/v1.0/bots/" + naverworkstest.BotID + "/users/u/messages"
	menu := "/v1.0/bots/" + naverworkstest.BotID + "/persistentmenu"

	srv.FailNext(naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: 503, Times: 2})
	unavailable := answer{Status: 503, Body: `{"code":"SERVICE_UNAVAILABLE","description":"injected by naverworkstest"}`}
	got := []answer{call("POST", send), call("GET", menu), call("POST", send)}
	want := []answer{unavailable, unavailable, {Status: 201}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FailNext(503, Times: 2) answers (-want +got):\n%s", diff)
	}

	srv.RateLimitNext(1, 7*time.Second)
	got = []answer{call("POST", send), call("POST", send)}
	want = []answer{
		{Status: 429, Body: `{"code":"TOO_MANY_REQUESTS","description":"API rate limit exceeded"}`,
			Header: map[string]string{"RateLimit-Reset": "7", "RateLimit-Limit": "240", "RateLimit-Remaining": "0", "RateLimit-Ssed": "240"}},
		{Status: 201},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RateLimitNext answers (-want +got):\n%s", diff)
	}

	// A fault scoped by method and path leaves other calls alone.
	srv.FailNext(naverworkstest.Fault{Method: "GET", Path: menu, Status: 500, Body: []byte(`{"code":"INTERNAL_SERVER_ERROR"}`)})
	got = []answer{call("POST", send), call("GET", menu), call("GET", menu)}
	want = []answer{{Status: 201}, {Status: 500, Body: `{"code":"INTERNAL_SERVER_ERROR"}`},
		{Status: 404, Body: `{"code":"NOT_FOUND","description":"no persistent menu"}`}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scoped fault answers (-want +got):\n%s", diff)
	}

	if got := len(srv.Messages()); got != 3 {
		t.Errorf("%d messages recorded, want 3 (faulted sends are not recorded)", got)
	}
	srv.Reset()
	if got := len(srv.Messages()); got != 0 {
		t.Errorf("after Reset: %d messages", got)
	}
	if got := len(srv.Calls()); got != 0 {
		t.Errorf("after Reset: %d calls", got)
	}
}

func TestBotAPIChecksBotAndContent(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	tok := postToken(t, srv, goodForm(sign(t, naverworkstest.Key(), goodClaims(time.Now())))).body["access_token"].(string)
	tests := []struct {
		name, path, body string
		want             int
	}{
		{"another bot", "/v1.0/bots/999/users/u/messages", `{"content":{"type":"text","text":"x"}}`, 404},
		{"content not an object", "/v1.0/bots/" + naverworkstest.BotID + "/users/u/messages", `{"content":"hi"}`, 400},
		{"content without type", "/v1.0/bots/" + naverworkstest.BotID + "/users/u/messages", `{"content":{"text":"hi"}}`, 400},
		{"broken JSON", "/v1.0/bots/" + naverworkstest.BotID + "/users/u/messages", `{"content":`, 400},
		{"room", "/v1.0/bots/" + naverworkstest.BotID + "/channels/c1/messages", `{"content":{"type":"sticker","packageId":"1","stickerId":"2"}}`, 201},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodPost, srv.URL()+tt.path, strings.NewReader(tt.body))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
	}
	want := []naverworkstest.Message{{BotID: naverworkstest.BotID, ChannelID: "c1", Type: "sticker",
		Content: json.RawMessage(`{"type":"sticker","packageId":"1","stickerId":"2"}`)}}
	if diff := cmp.Diff(want, srv.Messages()); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}

func TestNewRequestIsSigned(t *testing.T) {
	t.Parallel()
	ev := &naverworks.PostbackEvent{Data: "a=1"}
	ev.Source.UserID = "u1"
	ev.Source.ChannelID = "c1"
	for _, tc := range []struct {
		name  string
		event any
	}{
		{"typed event", ev},
		{"raw JSON", []byte(`{"type":"message","source":{"userId":"u1"},"content":{"type":"text","text":"안녕"}}`)},
		{"string", `{"type":"join","source":{"channelId":"c1"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := naverworkstest.NewRequest(t, naverworkstest.BotSecret, tc.event)
			if req.Header.Get(naverworks.BotIDHeader) != naverworkstest.BotID {
				t.Errorf("bot ID header = %q", req.Header.Get(naverworks.BotIDHeader))
			}
			body, err := io.ReadAll(req.Body)
			if err != nil {
				t.Fatal(err)
			}
			sig := req.Header.Get(naverworks.SignatureHeader)
			if err := naverworks.VerifySignature(signature.MustSecretSet(naverworkstest.BotSecret), body, sig); err != nil {
				t.Errorf("signature does not verify: %v", err)
			}
			if err := naverworks.VerifySignature(signature.MustSecretSet("another-secret"), body, sig); err == nil {
				t.Error("signature verifies with another secret")
			}
			if _, err := naverworks.Parse(signature.MustSecretSet(naverworkstest.BotSecret), body, sig); err != nil {
				t.Errorf("Parse: %v", err)
			}
		})
	}

	r, err := naverworkstest.NewHTTPRequest("http://bot.example/cb", "s3", "", []byte(`{"type":"leave"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Header[http.CanonicalHeaderKey(naverworks.BotIDHeader)]; ok {
		t.Error("NewHTTPRequest with an empty bot ID set the bot ID header")
	}
	if err := naverworks.VerifySignature(signature.MustSecretSet("s3"), []byte(`{"type":"leave"}`), r.Header.Get(naverworks.SignatureHeader)); err != nil {
		t.Errorf("NewHTTPRequest signature: %v", err)
	}
}

// FailNext without a body answers NAVER WORKS' own error body for the
// status: the Bot API's {"code", "description"}, the token endpoint's
// {"error", "error_description"}; a body given is sent as is.
func TestFailNextFillsErrorBodies(t *testing.T) {
	t.Parallel()
	send := naverworkstest.BotAPIPath + "bots/" + naverworkstest.BotID + "/users/u/messages"
	tests := []struct {
		name       string
		fault      naverworkstest.Fault
		path       string
		wantBody   string
		wantHeader string // WWW-Authenticate
	}{
		{"bot API 400", naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: 400}, send,
			`{"code":"INVALID_PARAMETER","description":"injected by naverworkstest"}`, ""},
		{"bot API 401", naverworkstest.Fault{Path: naverworkstest.BotAPIPath, Status: 401}, send,
			`{"code":"UNAUTHORIZED","description":"injected by naverworkstest"}`, `Bearer error="invalid_token"`},
		{"bot API 403", naverworkstest.Fault{Status: 403}, send,
			`{"code":"FORBIDDEN","description":"injected by naverworkstest"}`, ""},
		{"bot API 404", naverworkstest.Fault{Status: 404}, send,
			`{"code":"NOT_FOUND","description":"injected by naverworkstest"}`, ""},
		{"bot API 429", naverworkstest.Fault{Status: 429}, send,
			`{"code":"TOO_MANY_REQUESTS","description":"injected by naverworkstest"}`, ""},
		{"bot API 500", naverworkstest.Fault{Status: 500}, send,
			`{"code":"INTERNAL_SERVER_ERROR","description":"injected by naverworkstest"}`, ""},
		{"given body", naverworkstest.Fault{Status: 403, Body: naverworkstest.ErrorBody("UNAUTHORIZED", "expired")}, send,
			`{"code":"UNAUTHORIZED","description":"expired"}`, ""},
		{"token endpoint 400", naverworkstest.Fault{Path: naverworkstest.TokenPath, Status: 400}, naverworkstest.TokenPath,
			`{"error":"invalid_request","error_description":"injected by naverworkstest"}`, ""},
		{"token endpoint 401", naverworkstest.Fault{Path: naverworkstest.TokenPath, Status: 401}, naverworkstest.TokenPath,
			`{"error":"invalid_client","error_description":"injected by naverworkstest"}`, ""},
		{"token endpoint 503", naverworkstest.Fault{Path: naverworkstest.TokenPath, Status: 503}, naverworkstest.TokenPath,
			`{"error":"temporarily_unavailable","error_description":"injected by naverworkstest"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := naverworkstest.NewServer(t)
			srv.FailNext(tt.fault)
			resp, err := srv.HTTPClient().Post(srv.URL()+tt.path, "application/json", strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.fault.Status || string(b) != tt.wantBody || resp.Header.Get("WWW-Authenticate") != tt.wantHeader {
				t.Errorf("answer %d %s (WWW-Authenticate %q); want %d %s (%q)", resp.StatusCode, b, resp.Header.Get("WWW-Authenticate"), tt.fault.Status, tt.wantBody, tt.wantHeader)
			}
		})
	}
}

// A token-endpoint fault reaches the client as a *naverworks.TokenError
// with the code FailNext filled in.
func TestFailNextOnTokenEndpoint(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	srv.FailNext(naverworkstest.Fault{Path: naverworkstest.TokenPath, Status: http.StatusUnauthorized})
	_, err := srv.Client().SendToUser(t.Context(), "u", &naverworks.Text{Text: "x"})
	var te *naverworks.TokenError
	if !errors.As(err, &te) || te.StatusCode != 401 || te.Code != "invalid_client" {
		t.Fatalf("err = %v, want a *TokenError 401 invalid_client", err)
	}
	if len(srv.Messages()) != 0 {
		t.Error("a message was sent without a token")
	}
}

// Client is one client wired to the fake (its Bot API and its token
// endpoint); URL, BaseURL and TokenURL name the fake's endpoints.
func TestClientIsWiredToTheFake(t *testing.T) {
	t.Parallel()
	srv := naverworkstest.NewServer(t)
	c := srv.Client()
	if c != srv.Client() {
		t.Error("Client returns a new client each call")
	}
	if _, err := c.SendToUser(t.Context(), "u", &naverworks.Text{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	want := []naverworkstest.Message{{BotID: naverworkstest.BotID, UserID: "u", Type: "text", Text: "hi", Content: json.RawMessage(`{"type":"text","text":"hi"}`)}}
	if diff := cmp.Diff(want, srv.Messages()); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	var paths []string
	for _, c := range srv.Calls() {
		paths = append(paths, c.Method+" "+c.Path)
	}
	wantPaths := []string{"POST " + naverworkstest.TokenPath, "POST /v1.0/bots/" + naverworkstest.BotID + "/users/u/messages"}
	if diff := cmp.Diff(wantPaths, paths); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if srv.BaseURL() != srv.URL()+naverworkstest.BotAPIPath || srv.TokenURL() != srv.URL()+naverworkstest.TokenPath || !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Errorf("URL %q, BaseURL %q, TokenURL %q", srv.URL(), srv.BaseURL(), srv.TokenURL())
	}
}

func TestStartRefusesBadOptions(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		opt  naverworkstest.ServerOption
	}{
		{"nil option", nil},
		{"nil clock", naverworkstest.WithClock(nil)},
		{"zero token lifetime", naverworkstest.WithTokenLifetime(0)},
	} {
		if s, err := naverworkstest.Start(tt.opt); err == nil {
			s.Close()
			t.Errorf("%s: Start succeeded", tt.name)
		}
	}
}

// TestUpdateBotEmptyPatch: the fake refuses a PATCH /bots/{botId} that
// changes nothing and does not record it, so a client that drops its
// change cannot pass.
func TestUpdateBotEmptyPatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want int
	}{
		{"empty object", `{}`, http.StatusBadRequest},
		{"broken JSON", `{"callbackEvents":`, http.StatusBadRequest},
		{"cleared list", `{"callbackEvents":[]}`, http.StatusNoContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := naverworkstest.NewServer(t)
			tok := postToken(t, srv, goodForm(sign(t, naverworkstest.Key(), goodClaims(time.Now())))).body["access_token"].(string)
			req, _ := http.NewRequest(http.MethodPatch, srv.BaseURL()+"bots/"+naverworkstest.BotID, strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
			n := len(srv.BotUpdates(naverworkstest.BotID))
			if wantN := map[bool]int{true: 1, false: 0}[tt.want == http.StatusNoContent]; n != wantN {
				t.Errorf("%d updates recorded, want %d", n, wantN)
			}
		})
	}
}
