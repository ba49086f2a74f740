package emulator

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/channelkit/channelkit/clova/clovatest"
)

// clovaKeyPath is where CLOVA's front serves the public key of the
// clovatest key pair the emulator signs CEK requests with.
const clovaKeyPath = "/clova/public-key.pem"

// maxCallBody bounds what a front reads of one API call.
const maxCallBody = 4 << 20

// A front is a platform's address for the bot: a recording reverse proxy
// in front of the platform's fake, which shows every call on the page as
// it arrives and passes it on.
type front struct {
	url string
	srv *httptest.Server
}

func startFront(platform, fakeURL string, e *Emulator) (*front, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	var h http.Handler
	if fakeURL == "" {
		h = http.HandlerFunc(serveClovaKey)
	} else {
		target, err := url.Parse(fakeURL)
		if err != nil {
			ln.Close()
			return nil, err
		}
		proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = target.Host
		}}
		h = recorder(platform, proxy, e)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	return &front{url: srv.URL, srv: srv}, nil
}

func (f *front) close() { f.srv.Close() }

func serveClovaKey(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != clovaKeyPath {
		http.NotFound(w, r)
		return
	}
	der, err := x509.MarshalPKIXPublicKey(clovatest.PublicKey())
	if err != nil {
		http.Error(w, "encoding the key failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	_ = pem.Encode(w, &pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// statusWriter keeps the status and body the fake answered.
type statusWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	if s.body.Len() < 64<<10 {
		s.body.Write(b)
	}
	return s.ResponseWriter.Write(b)
}

// recorder passes each call to next and then shows it on the page: an
// answer (a reply, push or send, with what the platform would refuse in
// it) or another call (typing, hand-over, a token request, a profile).
func recorder(platform string, next http.Handler, e *Emulator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := readAtMost(r.Body, maxCallBody)
		if err != nil {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body.Close()
		r.Body = http.NoBody
		if len(body) > 0 {
			r.Body = readCloser{bytes.NewReader(body)}
		}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		c := classify(platform, r.Method, r.URL.Path)
		if platform == TalkTalk && c.kind == kindAnswer {
			c = classifyTalkTalk(body, c)
		}
		ev := event{
			Kind:     c.kind,
			Platform: platform,
			Via:      r.Method + " " + c.shown,
			Label:    c.label,
			Status:   sw.status,
		}
		if c.kind == kindAnswer {
			ev.Body = jsonOrString(body)
			ev.Problems = check(c.answer, body)
		} else if c.showBody && len(body) > 0 {
			ev.Body = jsonOrString(body)
		}
		if sw.status >= 300 {
			ev.Refused = strings.TrimSpace(sw.body.String())
		}
		e.hub.publish(ev)
	})
}

// classifyTalkTalk tells a send from the other events the send API
// takes: typing (action) and hand-over.
func classifyTalkTalk(body []byte, c classified) classified {
	var v struct {
		Event   string `json:"event"`
		Options struct {
			Action string `json:"action"`
		} `json:"options"`
	}
	if json.Unmarshal(body, &v) != nil {
		return c
	}
	switch v.Event {
	case "action":
		c.kind, c.label, c.showBody = kindCall, "action "+v.Options.Action, true
	case "handover":
		c.kind, c.label, c.showBody = kindCall, "hand-over", true
	case "send":
	default:
		c.kind, c.label, c.showBody = kindCall, v.Event, true
	}
	return c
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// A callKind says how the page shows a call.
const (
	kindUser   = "user"   // what the user sent
	kindAnswer = "answer" // the bot's answer, drawn as the messenger draws it
	kindCall   = "call"   // another API call: typing, hand-over, a token
	kindError  = "error"  // the webhook failed
)

type classified struct {
	kind     string
	label    string
	shown    string // the path as shown: secrets left out
	answer   string // which body format, for check
	showBody bool
}

// classify names an API call. Paths that carry a secret (Kakao's callback
// token) are shown without it.
func classify(platform, method, path string) classified {
	c := classified{kind: kindCall, shown: path, label: "API call"}
	switch platform {
	case LINE:
		switch {
		case path == "/v2/bot/message/reply":
			c.kind, c.label, c.answer = kindAnswer, "reply", "line"
		case strings.HasPrefix(path, "/v2/bot/message/push"), strings.HasPrefix(path, "/v2/bot/message/multicast"), strings.HasPrefix(path, "/v2/bot/message/broadcast"):
			c.kind, c.label, c.answer = kindAnswer, "push", "line"
		case path == "/v2/bot/chat/loading/start":
			c.label, c.showBody = "typing…", true
		case strings.Contains(path, "/control/"):
			c.label, c.showBody = "hand-over ("+path[strings.LastIndex(path, "/")+1:]+")", true
		case strings.HasPrefix(path, "/v2/bot/profile/"):
			c.label = "profile lookup"
		}
	case Kakao:
		if strings.HasPrefix(path, "/v1/callback/") {
			c.kind, c.label, c.answer, c.shown = kindAnswer, "callback", "kakao", "/v1/callback/…"
		}
	case TalkTalk:
		if strings.HasSuffix(path, "/event") {
			c.kind, c.label, c.answer = kindAnswer, "send API", "talktalk"
		} else {
			c.label = "upload"
		}
	case NaverWorks:
		switch {
		case strings.HasSuffix(path, "/messages"):
			c.kind, c.label, c.answer = kindAnswer, "send", "naverworks"
		case strings.HasSuffix(path, "/token"):
			c.label = "access token"
		}
	}
	if method == http.MethodPost && c.kind == kindCall && c.label == "API call" {
		c.showBody = true
	}
	return c
}
