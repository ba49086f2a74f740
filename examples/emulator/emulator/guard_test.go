package emulator

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestGuardRefuses: the page and its API answer only requests addressed to
// a loopback name on the emulator's own port, and a POST /api/send only as
// application/json from the page's own origin; a refused send reaches no
// bot. The page's own requests (no Origin, or its own) still work.
func TestGuardRefuses(t *testing.T) {
	e, page := newEmulator(t)
	var hits atomic.Int64
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(bot.Close)
	e.SetTargets(Targets{LINE: bot.URL + "/line"})

	_, port, err := net.SplitHostPort(strings.TrimPrefix(page.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	own := "127.0.0.1:" + port
	const send = `{"platform":"line","kind":"text","text":"hi"}`
	tests := []struct {
		name, method, path, host, ctype, origin, body string
		want                                          int
		sends                                         bool // the bot gets a webhook
	}{
		{name: "page", method: "GET", path: "/", host: own, want: 200},
		{name: "config", method: "GET", path: "/api/config", host: own, want: 200},
		{name: "config_localhost", method: "GET", path: "/api/config", host: "localhost:" + port, want: 200},
		{name: "config_LOCALHOST", method: "GET", path: "/api/config", host: "LOCALHOST:" + port, want: 200},
		{name: "config_ipv6_name", method: "GET", path: "/api/config", host: "[::1]:" + port, want: 200},
		{name: "send", method: "POST", path: "/api/send", host: own, ctype: "application/json", body: send, want: 200, sends: true},
		{name: "send_own_origin", method: "POST", path: "/api/send", host: own, ctype: "application/json; charset=utf-8", origin: "http://" + own, body: send, want: 200, sends: true},

		{name: "rebound_name_config", method: "GET", path: "/api/config", host: "attacker.example:" + port, want: 403},
		{name: "rebound_name_events", method: "GET", path: "/api/events", host: "attacker.example:" + port, want: 403},
		{name: "rebound_name_page", method: "GET", path: "/", host: "attacker.example:" + port, want: 403},
		{name: "rebound_name_send", method: "POST", path: "/api/send", host: "attacker.example:" + port, ctype: "application/json", body: send, want: 403},
		{name: "other_port", method: "GET", path: "/api/config", host: "127.0.0.1:1", want: 403},
		{name: "no_port", method: "GET", path: "/api/config", host: "127.0.0.1", want: 403},
		{name: "loopback_lookalike", method: "GET", path: "/api/config", host: "localhost.attacker.example:" + port, want: 403},
		{name: "other_loopback_address", method: "GET", path: "/api/config", host: "127.0.0.2:" + port, want: 403},
		{name: "send_text_plain", method: "POST", path: "/api/send", host: own, ctype: "text/plain", body: send, want: 403},
		{name: "send_form", method: "POST", path: "/api/send", host: own, ctype: "application/x-www-form-urlencoded", body: send, want: 403},
		{name: "send_no_type", method: "POST", path: "/api/send", host: own, body: send, want: 403},
		{name: "send_cross_origin", method: "POST", path: "/api/send", host: own, ctype: "application/json", origin: "http://attacker.example", body: send, want: 403},
		{name: "send_other_loopback_origin", method: "POST", path: "/api/send", host: own, ctype: "application/json", origin: "http://localhost:" + port, body: send, want: 403},
		{name: "send_null_origin", method: "POST", path: "/api/send", host: own, ctype: "application/json", origin: "null", body: send, want: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := hits.Load()
			req, err := http.NewRequest(tt.method, page.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Host = tt.host
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			resp, err := page.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			// Checked before reading: an unrefused /api/events streams
			// until closed.
			if resp.StatusCode != tt.want {
				resp.Body.Close()
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tt.want == http.StatusForbidden {
				for _, secret := range []string{e.Settings().LINEChannelSecret, e.Settings().NaverWorksClientSecret} {
					if strings.Contains(string(body), secret) {
						t.Errorf("refusal %q carries a test credential", body)
					}
				}
			}
			if sent := hits.Load() != before; sent != tt.sends {
				t.Errorf("the bot got a webhook: %v, want %v", sent, tt.sends)
			}
		})
	}
}

// TestGuardWithoutServer: called directly (no server, so no port to
// compare), the handler still checks the name, the type and the origin.
func TestGuardWithoutServer(t *testing.T) {
	tests := []struct {
		name, method, host, ctype, origin string
		want                              string
	}{
		{"loopback_get", "GET", "127.0.0.1:8090", "", "", ""},
		{"bracketless_ipv6", "GET", "[::1]", "", "", ""},
		{"foreign_get", "GET", "example.com", "", "", "the Host is not a loopback address"},
		{"post_json", "POST", "localhost:8090", "application/json", "http://localhost:8090", ""},
		{"post_bad_type", "POST", "localhost:8090", "text/plain;charset=UTF-8", "", "the request is not application/json"},
		{"post_foreign_origin", "POST", "localhost:8090", "application/json", "https://localhost:8090", "the request comes from another origin"},
		{"put_bad_type", "PUT", "localhost:8090", "multipart/form-data", "", "the request is not application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/api/send", nil)
			r.Host = tt.host
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			if got := allowed(r); got != tt.want {
				t.Errorf("allowed = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzAllowed: the check never panics, and whatever it lets through is
// addressed to a loopback name and, when it changes something, is
// application/json with no Origin or the page's own.
func FuzzAllowed(f *testing.F) {
	for _, s := range [][4]string{
		{"GET", "127.0.0.1:8090", "", ""},
		{"POST", "localhost:8090", "application/json", "http://localhost:8090"},
		{"POST", "[::1]:8090", "application/json; charset=utf-8", ""},
		{"POST", "attacker.example:8090", "text/plain", "null"},
		{"GET", "[::1", "", ""},
		{"PUT", "LOCALHOST", "Application/JSON", "http://LOCALHOST"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, method, host, ctype, origin string) {
		r := &http.Request{Method: method, Host: host, Header: http.Header{}}
		r = r.WithContext(t.Context())
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if allowed(r) != "" {
			return
		}
		name := host
		if h, _, err := net.SplitHostPort(host); err == nil {
			name = h
		}
		if !loopbackName(strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")) {
			t.Fatalf("let through Host %q", host)
		}
		if method != http.MethodGet && method != http.MethodHead {
			if origin != "" && origin != "http://"+host {
				t.Fatalf("let through a %s from Origin %q to Host %q", method, origin, host)
			}
			if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ctype)), "application/json") {
				t.Fatalf("let through a %s of type %q", method, ctype)
			}
		}
	})
}
