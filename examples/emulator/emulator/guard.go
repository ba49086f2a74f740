package emulator

import (
	"mime"
	"net"
	"net/http"
	"strings"
)

// The page and its API are for a browser on the same machine. Loopback
// alone does not keep other web pages out: any page the developer visits
// can POST to 127.0.0.1 (and so make the emulator send signed webhooks to
// the bot), and a page whose DNS name is rebound to 127.0.0.1 can read
// the answers, /api/config's test credentials among them. allowed refuses
// both, as a same-machine development server should:
//
//   - the Host header must name a loopback host (localhost, 127.0.0.1 or
//     [::1]) on the port the request arrived at — a rebound name arrives
//     with its own name as Host;
//   - a request that changes something (every method but GET and HEAD)
//     must be Content-Type: application/json, which a cross-site form
//     cannot send without a CORS preflight the emulator never answers,
//     and its Origin, when the browser sends one, must be the page's own
//     origin.
//
// It returns the reason for a refusal, or "" to serve the request.
func allowed(r *http.Request) string {
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		// No port in Host: the default port of the scheme.
		host, port = r.Host, "80"
		if r.TLS != nil {
			port = "443"
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	}
	if !loopbackName(host) {
		return "the Host is not a loopback address"
	}
	// The port the connection came in on, when a server accepted it (a
	// handler called directly has none to compare with).
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, lport, err := net.SplitHostPort(la.String()); err == nil && lport != port {
			return "the Host names another port"
		}
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return ""
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return "the request is not application/json"
	}
	if origin := r.Header.Values("Origin"); len(origin) > 0 {
		scheme := "http://"
		if r.TLS != nil {
			scheme = "https://"
		}
		if len(origin) != 1 || origin[0] != scheme+r.Host {
			return "the request comes from another origin"
		}
	}
	return ""
}

// loopbackName reports whether host, without its port and brackets, is
// one of the names a browser on this machine uses for loopback.
func loopbackName(host string) bool {
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}
