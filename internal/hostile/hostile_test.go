package hostile_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// marker is planted in every body. It must never reach a log or an error.
const marker = "hostile-marker-5b1e0c7a"

// limit is every handler's default body limit.
const limit = 1 << 20

// behaviour is what the user's function does when it runs.
type behaviour int

const (
	answer behaviour = iota
	fail
	panicking
)

// probe records what one handler did with one request: whether the user's
// function ran and which text it saw, what reached the error handler, and
// what was logged.
type probe struct {
	do   behaviour
	mu   sync.Mutex
	runs int
	text string
	errs []error
	logs lockedBuffer
}

// ran is called by the user's function with the text of the message it
// got; it then answers, fails or panics.
func (p *probe) ran(text string) error {
	p.mu.Lock()
	p.runs++
	p.text = text
	p.mu.Unlock()
	switch p.do {
	case fail:
		return errors.New("hostile: the function failed")
	case panicking:
		panic("hostile: the function panicked")
	}
	return nil
}

func (p *probe) onErr(_ *http.Request, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errs = append(p.errs, err)
}

func (p *probe) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(&p.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// lockedBuffer is a log sink that handlers may write to from their
// background goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// auth is the credential a request carries.
type auth int

const (
	authValid auth = iota
	authMissing
	authEmpty
	authNotBase64
	authWrong    // well-formed, but not this body's
	authRetired  // made with a secret that was rotated out
	authPrevious // made with the previous secret, still accepted while rotating
	authDupValidFirst
	authDupValidLast
)

// credentials says how a platform authenticates a request: the header,
// and how to make each kind of value for a body.
type credentials struct {
	header                          string
	valid, previous, retired, wrong func(body []byte) string
}

// values returns the header values for a, nil for none.
func (c credentials) values(a auth, body []byte) []string {
	switch a {
	case authMissing:
		return nil
	case authEmpty:
		return []string{""}
	case authNotBase64:
		return []string{"%%% not base64 %%%"}
	case authWrong:
		return []string{c.wrong(body)}
	case authRetired:
		return []string{c.retired(body)}
	case authPrevious:
		return []string{c.previous(body)}
	case authDupValidFirst:
		return []string{c.valid(body), c.wrong(body)}
	case authDupValidLast:
		return []string{c.wrong(body), c.valid(body)}
	}
	return []string{c.valid(body)}
}

// set replaces the credential of r with a's.
func (c credentials) set(r *http.Request, a auth, body []byte) {
	r.Header.Del(c.header)
	for _, v := range c.values(a, body) {
		r.Header.Add(c.header, v)
	}
}

// platform is one handler under test and how to talk to it.
type platform struct {
	name string
	// authFails answers a wrong credential: 401 where the platform signs
	// its requests, 403 where it only checks a shared secret.
	authFails int
	// sync platforms answer 200 with the response in the body.
	sync bool
	// body is a well-formed request whose message text is marker.
	body []byte
	// textKey is the JSON key of that text; numKey, if set, a key whose
	// value is a number the platform decodes.
	textKey, numKey string
	// kind is the discriminator of the body as it appears in it ("" where
	// the platform has none).
	kind string
	cred credentials
	// handler builds the handler under test, reporting to p; wait is its
	// Wait method, or nil.
	handler func(t *testing.T, p *probe) (h http.Handler, wait func(context.Context) error)
	// post returns a POST of body as the platform sends it, with a valid
	// credential, built with the platform's fake.
	post func(t *testing.T, body []byte) *http.Request
	// forbid returns a request with a valid credential that the handler
	// must refuse with 403, or is nil where the platform has no such check.
	forbid func(t *testing.T) *http.Request
	// forbidTwice, where the platform names the caller in a header,
	// returns a request that carries that header twice, the right value
	// first.
	forbidTwice func(t *testing.T) *http.Request
	// secrets must never reach a log or an error.
	secrets []string
}

// Secrets and tokens of the platforms under test. The retired ones were
// rotated out: nothing signed with them may pass.
const (
	lineSecret, linePrevious, lineRetired    = "line-current-secret", "line-previous-secret", "line-retired-secret"
	kakaoSecret, kakaoPrevious, kakaoRetired = "kakao-current-secret", "kakao-previous-secret", "kakao-retired-secret"
	kakaoHeader, kakaoBot                    = "X-Skill-Secret", "hostile-bot"
	talkToken, talkPrevious, talkRetired     = "talktalk-relay-token", "talktalk-previous-token", "talktalk-retired-token"
	talkHeader                               = "X-Relay-Token"
	worksSecret, worksPrevious, worksRetired = "works-current-secret", "works-previous-secret", "works-retired-secret"
	clovaApp                                 = "com.example.hostile"
)

// retiredKey is a key CLOVA no longer signs with.
var retiredKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

func hmacSigner(secret string) func([]byte) string {
	return func(body []byte) string { return signature.SignHMACSHA256([]byte(secret), body) }
}

// otherBody is a well-formed signature of a different body.
func otherBody(sign func([]byte) string) func([]byte) string {
	return func(body []byte) string { return sign(append(bytes.Clone(body), ' ')) }
}

func token(v string) func([]byte) string { return func([]byte) string { return v } }

func platforms(t *testing.T) []*platform {
	t.Helper()
	old, err := retiredKey()
	if err != nil {
		t.Fatal(err)
	}
	mustJSON := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	lineCred := credentials{header: line.SignatureHeader, valid: hmacSigner(lineSecret), previous: hmacSigner(linePrevious),
		retired: hmacSigner(lineRetired), wrong: otherBody(hmacSigner(lineSecret))}
	kakaoCred := credentials{header: kakaoHeader, valid: token(kakaoSecret), previous: token(kakaoPrevious),
		retired: token(kakaoRetired), wrong: token("kakao-wrong-secret")}
	talkCred := credentials{header: talkHeader, valid: token(talkToken), previous: token(talkPrevious), retired: token(talkRetired), wrong: token("talktalk-wrong-token")}
	worksCred := credentials{header: naverworks.SignatureHeader, valid: hmacSigner(worksSecret), previous: hmacSigner(worksPrevious),
		retired: hmacSigner(worksRetired), wrong: otherBody(hmacSigner(worksSecret))}
	clovaSign := func(body []byte) string { return clovatest.Sign(nil, body) }
	clovaCred := credentials{header: clova.SignatureHeader, valid: clovaSign,
		retired: func(body []byte) string { return clovatest.Sign(old, body) }, wrong: otherBody(clovaSign)}

	worksEvent := &naverworks.MessageEvent{
		Envelope: naverworks.Envelope{Source: naverworks.Source{UserID: "hostile-user"}},
		Content:  &naverworks.TextContent{Text: marker},
	}
	clovaIntent := func(opts ...clovatest.RequestOption) *clova.Request {
		opts = append([]clovatest.RequestOption{clovatest.WithApplicationID(clovaApp), clovatest.WithSlot("text", marker)}, opts...)
		return clovatest.Intent("Echo", opts...)
	}
	return []*platform{{
		name:      "line",
		authFails: http.StatusUnauthorized,
		body:      linetest.CallbackBody(t, linetest.TextMessage("U0123456789abcdef0123456789abcdef", marker)),
		textKey:   "text",
		numKey:    "timestamp",
		kind:      `"type":"message"`,
		cred:      lineCred,
		handler: func(t *testing.T, p *probe) (http.Handler, func(context.Context) error) {
			h, err := line.NewWebhookHandler(signature.MustSecretSet(lineSecret, linePrevious),
				func(_ context.Context, cb *line.Callback) error {
					text := ""
					if len(cb.Events) > 0 {
						if ev, ok := cb.Events[0].(*line.MessageEvent); ok {
							if m, ok := ev.Message.(*line.TextContent); ok {
								text = m.Text
							}
						}
					}
					return p.ran(text)
				},
				line.WithErrorHandler(p.onErr), line.WithLogger(p.logger()))
			if err != nil {
				t.Fatal(err)
			}
			return h, h.Wait
		},
		post:    func(_ *testing.T, body []byte) *http.Request { return linetest.NewRequestBody(lineSecret, body) },
		secrets: []string{lineSecret, linePrevious, lineRetired},
	}, {
		name:      "kakao",
		authFails: http.StatusForbidden,
		sync:      true,
		body:      kakaotest.NewBody(t, kakaotest.WithBotID(kakaoBot), kakaotest.WithUtterance(marker)),
		textKey:   "utterance",
		numKey:    "code",
		cred:      kakaoCred,
		handler: func(t *testing.T, p *probe) (http.Handler, func(context.Context) error) {
			h, err := kakao.NewWebhookHandler(func(_ context.Context, req *kakao.Request) (*kakao.Response, error) {
				if err := p.ran(req.UserRequest.Utterance); err != nil {
					return nil, err
				}
				return &kakao.Response{Template: &kakao.Template{Outputs: []kakao.Output{kakao.Text("ok")}}}, nil
			}, kakao.WithErrorHandler(p.onErr), kakao.WithLogger(p.logger()), kakao.WithHeaderSecret(kakaoHeader, signature.MustSecretSet(kakaoSecret, kakaoPrevious)),
				kakao.WithBotIDs(kakaoBot))
			if err != nil {
				t.Fatal(err)
			}
			return h, h.Wait
		},
		post: func(_ *testing.T, body []byte) *http.Request {
			// Kakao signs nothing: a request is the body and the header
			// secret of the skill settings.
			r := httptest.NewRequest(http.MethodPost, "/skill", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json;charset=UTF-8")
			r.Header.Set(kakaoHeader, kakaoSecret)
			return r
		},
		forbid: func(t *testing.T) *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/skill",
				bytes.NewReader(kakaotest.NewBody(t, kakaotest.WithBotID("someone-elses-bot"), kakaotest.WithUtterance(marker))))
			r.Header.Set(kakaoHeader, kakaoSecret)
			return r
		},
		secrets: []string{kakaoSecret, kakaoPrevious, kakaoRetired},
	}, {
		name:      "talktalk",
		authFails: http.StatusForbidden,
		body:      mustJSON(talktalktest.Text("hostile-user", marker)),
		textKey:   "text",
		kind:      `"event":"send"`,
		cred:      talkCred,
		handler: func(t *testing.T, p *probe) (http.Handler, func(context.Context) error) {
			h, err := talktalk.NewWebhookHandler(func(_ context.Context, ev talktalk.Event) (talktalk.Event, error) {
				text := ""
				if s, ok := ev.(*talktalk.SendEvent); ok && s.Content.Text != nil {
					text = s.Content.Text.Text
				}
				return nil, p.ran(text)
			}, talktalk.WithErrorHandler(p.onErr), talktalk.WithLogger(p.logger()), talktalk.WithHeaderToken(talkHeader, signature.MustSecretSet(talkToken, talkPrevious)))
			if err != nil {
				t.Fatal(err)
			}
			return h, h.Wait
		},
		post: func(t *testing.T, body []byte) *http.Request {
			return talktalktest.NewRequest(t, body, talktalktest.WithHeader(talkHeader, talkToken))
		},
		forbid: func(t *testing.T) *http.Request {
			// From outside TalkTalk's published ranges.
			return talktalktest.NewRequest(t, mustJSON(talktalktest.Text("hostile-user", marker)),
				talktalktest.WithHeader(talkHeader, talkToken), talktalktest.WithRemoteAddr("198.51.100.7:40000"))
		},
		secrets: []string{talkToken, talkPrevious, talkRetired},
	}, {
		name:      "naverworks",
		authFails: http.StatusUnauthorized,
		body:      mustJSON(worksEvent),
		textKey:   "text",
		kind:      `"type":"message"`,
		cred:      worksCred,
		handler: func(t *testing.T, p *probe) (http.Handler, func(context.Context) error) {
			h, err := naverworks.NewWebhookHandler(signature.MustSecretSet(worksSecret, worksPrevious),
				func(_ context.Context, ev naverworks.Event) error {
					text := ""
					if m, ok := ev.(*naverworks.MessageEvent); ok {
						if c, ok := m.Content.(*naverworks.TextContent); ok {
							text = c.Text
						}
					}
					return p.ran(text)
				},
				naverworks.WithErrorHandler(p.onErr), naverworks.WithLogger(p.logger()),
				naverworks.WithBotID(naverworkstest.BotID))
			if err != nil {
				t.Fatal(err)
			}
			return h, h.Wait
		},
		post: func(t *testing.T, body []byte) *http.Request { return naverworkstest.NewRequest(t, worksSecret, body) },
		forbid: func(t *testing.T) *http.Request {
			r := naverworkstest.NewRequest(t, worksSecret, worksEvent)
			r.Header.Set(naverworks.BotIDHeader, "9999999")
			return r
		},
		forbidTwice: func(t *testing.T) *http.Request {
			r := naverworkstest.NewRequest(t, worksSecret, worksEvent)
			r.Header.Add(naverworks.BotIDHeader, "9999999")
			return r
		},
		secrets: []string{worksSecret, worksPrevious, worksRetired},
	}, {
		name:      "clova",
		authFails: http.StatusUnauthorized,
		sync:      true,
		body:      mustJSON(clovaIntent()),
		textKey:   "value",
		numKey:    "width",
		kind:      `"type":"IntentRequest"`,
		cred:      clovaCred,
		handler: func(t *testing.T, p *probe) (http.Handler, func(context.Context) error) {
			h, err := clova.NewWebhookHandler(clovaApp, func(_ context.Context, req *clova.Request) (*clova.Response, error) {
				text := ""
				if ir, ok := req.Request.(*clova.IntentRequest); ok {
					if s, ok := ir.Intent.Slot("text"); ok {
						text = s.Value.String()
					}
				}
				return nil, p.ran(text)
			}, clova.WithPublicKey(clovatest.PublicKey()), clova.WithErrorHandler(p.onErr), clova.WithLogger(p.logger()))
			if err != nil {
				t.Fatal(err)
			}
			return h, h.Wait
		},
		post: func(t *testing.T, body []byte) *http.Request { return clovatest.NewRawRequest(t, nil, body) },
		forbid: func(t *testing.T) *http.Request {
			return clovatest.NewRequest(t, nil, clovaIntent(clovatest.WithApplicationID("com.example.someone-else")))
		},
	}}
}

// Body rewrites. Each keeps the rest of the platform's body as it is.

func replaceText(p *platform, value string) []byte {
	old := fmt.Sprintf("%q:%q", p.textKey, marker)
	if !bytes.Contains(p.body, []byte(old)) {
		panic("hostile: " + p.name + " body has no " + old)
	}
	return bytes.Replace(p.body, []byte(old), []byte(fmt.Sprintf("%q:%s", p.textKey, value)), 1)
}

// withField adds a first top-level field raw.
func withField(p *platform, raw string) []byte {
	return append([]byte(`{"hostile":`+raw+","), p.body[1:]...)
}

// padded pads the body with spaces before its last brace to n bytes.
func padded(p *platform, n int) []byte {
	b := make([]byte, 0, n)
	b = append(b, p.body[:len(p.body)-1]...)
	b = append(b, bytes.Repeat([]byte{' '}, n-len(p.body))...)
	return append(b, '}')
}

func nested(open, inner, closing string, depth int) string {
	return strings.Repeat(open, depth) + inner + strings.Repeat(closing, depth)
}

func withNumber(p *platform, raw string) []byte {
	re := regexp.MustCompile(fmt.Sprintf(`%q:-?[0-9]+`, p.numKey))
	if !re.Match(p.body) {
		panic("hostile: " + p.name + " body has no number " + p.numKey)
	}
	return re.ReplaceAll(p.body, []byte(fmt.Sprintf("%q:%s", p.numKey, raw)))
}

// hostileCase is one bad (or odd, or good) request, run against every
// platform.
type hostileCase struct {
	name        string
	method      string                   // default POST
	body        func(p *platform) []byte // default the platform's body
	auth        auth                     // default valid
	chunked     bool                     // no Content-Length
	readFails   bool                     // the body read fails after a few bytes
	forbid      bool                     // the platform's forbidden request
	forbidTwice bool                     // the platform's request with its caller header twice
	do          behaviour                // what the user's function does
	want        int                      // status; 0 means authFails
	wantBy      map[string]int           // per-platform status, where it differs
	text        string                   // the text the function must see, if it runs
	skip        func(p *platform) string // a reason to skip a platform
}

const depth = 100_000

func hostileCases() []hostileCase {
	raw := func(s string) func(*platform) []byte { return func(*platform) []byte { return []byte(s) } }
	noRotation := func(p *platform) string {
		if p.cred.previous == nil {
			return "no secret rotation"
		}
		return ""
	}
	return []hostileCase{
		{name: "ok", want: 200, text: marker},
		{name: "callback_fails", do: fail, want: 500, text: marker},
		{name: "callback_panics", do: panicking, want: 500, text: marker},

		{name: "method_GET", method: http.MethodGet, want: 405},
		{name: "method_PUT", method: http.MethodPut, want: 405},
		{name: "method_HEAD", method: http.MethodHead, want: 405},
		{name: "method_DELETE", method: http.MethodDelete, want: 405},
		{name: "method_PATCH", method: http.MethodPatch, want: 405},
		{name: "method_OPTIONS", method: http.MethodOptions, want: 405},

		{name: "body_empty", body: raw(""), want: 400},
		{name: "body_null", body: raw("null"), want: 400},
		{name: "body_array", body: raw("[]"), want: 400},
		// A signed {} is an empty batch to LINE, like the request that
		// checks a webhook URL (line.Decode fails only when "events" is not
		// an array); the others need their request object.
		{name: "body_empty_object", body: raw("{}"), want: 400, wantBy: map[string]int{"line": 200}},
		{name: "body_string", body: raw(`"` + marker + `"`), want: 400},
		{name: "body_number", body: raw("1e400"), want: 400},
		{name: "body_truncated", body: func(p *platform) []byte { return p.body[:len(p.body)/2] }, want: 400},
		// What encoding/json refuses, every platform refuses: a byte order
		// mark, invalid UTF-8 between tokens, nesting past 10,000 levels
		// (also in a field nobody reads), trailing values. Invalid UTF-8
		// inside a string is what a platform may relay from a user: it
		// becomes U+FFFD, as encoding/json does, and the request goes on.
		{name: "body_bom", body: func(p *platform) []byte { return append([]byte("\xef\xbb\xbf"), p.body...) }, want: 400},
		{name: "utf8_invalid_in_string", body: func(p *platform) []byte { return replaceText(p, `"`+marker+"\xff\xfe\"") },
			want: 200, text: marker + "\ufffd\ufffd"},
		{name: "utf8_invalid_outside_string", body: func(p *platform) []byte { return append([]byte("{\xff"), p.body[1:]...) }, want: 400},
		{name: "nested_arrays", body: raw(nested("[", "", "]", depth)), want: 400},
		{name: "nested_objects", body: raw(nested(`{"a":`, "1", "}", depth)), want: 400},
		{name: "nested_arrays_in_field", body: func(p *platform) []byte { return withField(p, nested("[", "", "]", depth)) }, want: 400},
		{name: "nested_objects_in_field", body: func(p *platform) []byte { return withField(p, nested(`{"a":`, "1", "}", depth)) }, want: 400},
		// A field the platform package does not know is skipped, whatever
		// it holds.
		{name: "huge_number_in_unknown_field", body: func(p *platform) []byte { return withField(p, "1e400") }, want: 200, text: marker},
		// LINE isolates a bad event as a *line.InvalidEvent and passes the
		// rest of the batch on; the others have one request object, which
		// cannot be decoded.
		{name: "huge_number_in_number_field", body: func(p *platform) []byte { return withNumber(p, "1e400") }, want: 400,
			wantBy: map[string]int{"line": 200},
			skip: func(p *platform) string {
				if p.numKey == "" {
					return "no number field"
				}
				return ""
			}},
		// Of duplicate keys the last wins, as in encoding/json.
		{name: "duplicate_key", body: func(p *platform) []byte { return replaceText(p, `"first","`+p.textKey+`":"`+marker+`"`) },
			want: 200, text: marker},
		// A message text that is a number: LINE isolates the event as a
		// *line.InvalidEvent and NAVER WORKS keeps the content as an
		// *UnknownContent, each passing the rest on; a CLOVA slot value may
		// be a number; Kakao and TalkTalk cannot decode their one request.
		{name: "text_wrong_type", body: func(p *platform) []byte { return replaceText(p, "12345") }, want: 400,
			wantBy: map[string]int{"line": 200, "naverworks": 200, "clova": 200}},
		// An unknown event (or request) type is kept raw, never refused.
		{name: "unknown_kind", body: func(p *platform) []byte {
			return bytes.Replace(p.body, []byte(p.kind), []byte(p.kind[:bytes.IndexByte([]byte(p.kind), ':')+1]+`"hostile-kind"`), 1)
		}, want: 200, skip: func(p *platform) string {
			if p.kind == "" {
				return "no discriminator"
			}
			return ""
		}},
		{name: "trailing_value", body: func(p *platform) []byte { return append(bytes.Clone(p.body), " {}"...) }, want: 400},
		{name: "trailing_garbage", body: func(p *platform) []byte { return append(bytes.Clone(p.body), "x"...) }, want: 400},
		{name: "trailing_whitespace", body: func(p *platform) []byte { return append(bytes.Clone(p.body), " \r\n\t"...) }, want: 200, text: marker},

		{name: "size_limit", body: func(p *platform) []byte { return padded(p, limit) }, want: 200, text: marker},
		{name: "size_limit_plus_1", body: func(p *platform) []byte { return padded(p, limit+1) }, want: 413},
		{name: "size_10MB", body: func(p *platform) []byte { return padded(p, 10_000_000) }, want: 413},
		{name: "chunked", chunked: true, want: 200, text: marker},
		{name: "chunked_limit", chunked: true, body: func(p *platform) []byte { return padded(p, limit) }, want: 200, text: marker},
		{name: "chunked_limit_plus_1", chunked: true, body: func(p *platform) []byte { return padded(p, limit+1) }, want: 413},
		// A client that hangs up mid-body: the request is malformed, not
		// the server's failure.
		{name: "body_read_error", readFails: true, want: 400},
		{name: "body_read_error_chunked", readFails: true, chunked: true, want: 400},

		{name: "auth_missing", auth: authMissing},
		{name: "auth_empty", auth: authEmpty},
		{name: "auth_not_base64", auth: authNotBase64},
		{name: "auth_wrong", auth: authWrong},
		{name: "auth_rotated_out", auth: authRetired},
		{name: "auth_previous", auth: authPrevious, want: 200, text: marker, skip: noRotation},
		// A credential header sent twice is refused whichever copy is the
		// genuine one: the platforms send it once, and which copy counts is
		// where a proxy in front and the handler could disagree.
		{name: "auth_duplicated_valid_first", auth: authDupValidFirst},
		{name: "auth_duplicated_valid_last", auth: authDupValidLast},
		{name: "forbidden", forbid: true, want: 403, skip: func(p *platform) string {
			if p.forbid == nil {
				return "no such check"
			}
			return ""
		}},
		{name: "forbidden_header_twice", forbidTwice: true, want: 403, skip: func(p *platform) string {
			if p.forbidTwice == nil {
				return "no caller header"
			}
			return ""
		}},
	}
}

// request builds c's request for p.
func (c *hostileCase) request(t *testing.T, p *platform) *http.Request {
	if c.forbid {
		return p.forbid(t)
	}
	if c.forbidTwice {
		return p.forbidTwice(t)
	}
	body := p.body
	if c.body != nil {
		body = c.body(p)
	}
	r := p.post(t, body)
	if c.method != "" {
		r.Method = c.method
	}
	if c.auth != authValid {
		p.cred.set(r, c.auth, body)
	}
	if c.readFails {
		r.Body = &brokenBody{head: body[:min(len(body), 16)]}
	}
	if c.chunked {
		r.ContentLength = -1
		r.TransferEncoding = []string{"chunked"}
	}
	return r
}

// brokenBody sends head, then fails as a client that hangs up mid-body
// does.
type brokenBody struct{ head []byte }

func (b *brokenBody) Read(p []byte) (int, error) {
	if len(b.head) > 0 {
		n := copy(p, b.head)
		b.head = b.head[n:]
		return n, nil
	}
	return 0, io.ErrUnexpectedEOF
}

func (*brokenBody) Close() error { return nil }

// serve runs h on r and reports a panic that escaped it.
func serve(h http.Handler, r *http.Request) (rec *httptest.ResponseRecorder, escaped any) {
	rec = httptest.NewRecorder()
	defer func() { escaped = recover() }()
	h.ServeHTTP(rec, r)
	return rec, nil
}

// TestHostileInputs runs the same hostile requests against the webhook
// handlers of all five platforms and checks the status, that a failure's
// body is empty, whether the user's function ran, and that nothing secret
// or from the body reached a log or an error.
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	for _, p := range platforms(t) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range hostileCases() {
				t.Run(c.name, func(t *testing.T) {
					if c.skip != nil {
						if why := c.skip(p); why != "" {
							t.Skip(why)
						}
					}
					t.Parallel()
					check(t, p, &c)
				})
			}
		})
	}
}

func check(t *testing.T, p *platform, c *hostileCase) {
	pr := &probe{do: c.do}
	h, wait := p.handler(t, pr)
	r := c.request(t, p)
	sent := r.Header.Values(p.cred.header)
	rec, escaped := serve(h, r)
	if wait != nil {
		if err := wait(t.Context()); err != nil {
			t.Fatalf("Wait: %v", err)
		}
	}
	if escaped != nil {
		t.Errorf("a panic escaped the handler: %v", escaped)
	}
	want := c.want
	if w, ok := c.wantBy[p.name]; ok {
		want = w
	}
	if want == 0 {
		want = p.authFails
	}
	if rec.Code != want {
		t.Errorf("status = %d, want %d", rec.Code, want)
	}
	switch {
	case rec.Code == http.StatusOK && p.sync:
		if !json.Valid(rec.Body.Bytes()) {
			t.Errorf("200 body is not JSON: %.80q", rec.Body.Bytes())
		}
	case rec.Body.Len() != 0:
		t.Errorf("%d answered with a body: %.80q", rec.Code, rec.Body.Bytes())
	}
	if want == http.StatusMethodNotAllowed {
		if got := rec.Header().Get("Allow"); got != http.MethodPost {
			t.Errorf("405 with Allow %q, want POST", got)
		}
	}
	pr.mu.Lock()
	runs, text, errs := pr.runs, pr.text, pr.errs
	pr.mu.Unlock()
	wantRuns := 0
	if want == http.StatusOK || want == http.StatusInternalServerError {
		wantRuns = 1
	}
	if runs != wantRuns {
		t.Errorf("the function ran %d times, want %d", runs, wantRuns)
	}
	if runs > 0 && c.text != "" && text != c.text {
		t.Errorf("the function saw text %q, want %q", text, c.text)
	}
	if rec.Code != http.StatusOK && len(errs) == 0 {
		t.Errorf("%d without an error for the error handler", rec.Code)
	}
	if c.readFails && (len(errs) == 0 || !errors.Is(errs[0], io.ErrUnexpectedEOF)) {
		t.Errorf("error handler got %v, want the read's cause (io.ErrUnexpectedEOF)", errs)
	}

	// Nothing from the body, no secret and no credential sent may reach
	// a log or an error, whatever fmt verb prints it.
	secret := append([]string{marker}, p.secrets...)
	for _, v := range sent {
		if v != "" {
			secret = append(secret, v)
		}
	}
	var out []string
	out = append(out, "log: "+pr.logs.String())
	for _, err := range errs {
		out = append(out, "error: "+err.Error(), fmt.Sprintf("error %%+v: %+v", err), fmt.Sprintf("error %%#v: %#v", err))
	}
	for _, o := range out {
		for _, s := range secret {
			if strings.Contains(o, s) {
				t.Errorf("%.40q leaked into %.300s", s, o)
			}
		}
	}
}

// TestParseRequestRepeatedSignature: ParseRequest refuses a signature
// header sent twice, as the handlers do, even when both copies are valid.
func TestParseRequestRepeatedSignature(t *testing.T) {
	t.Parallel()
	for _, p := range platforms(t) {
		var parse func(*http.Request) error
		switch p.name {
		case "line":
			parse = func(r *http.Request) error {
				_, err := line.ParseRequest(signature.MustSecretSet(lineSecret), r)
				return err
			}
		case "naverworks":
			parse = func(r *http.Request) error {
				_, err := naverworks.ParseRequest(signature.MustSecretSet(worksSecret), r)
				return err
			}
		case "clova":
			parse = func(r *http.Request) error { _, err := clova.ParseRequest(clovatest.PublicKey(), r); return err }
		default:
			continue // Kakao and TalkTalk sign nothing
		}
		for _, tt := range []struct {
			name   string
			values func(body []byte) []string
		}{
			{"valid_twice", func(b []byte) []string { return []string{p.cred.valid(b), p.cred.valid(b)} }},
			{"valid_first", func(b []byte) []string { return p.cred.values(authDupValidFirst, b) }},
			{"valid_last", func(b []byte) []string { return p.cred.values(authDupValidLast, b) }},
		} {
			t.Run(p.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				r := p.post(t, p.body)
				r.Header.Del(p.cred.header)
				for _, v := range tt.values(p.body) {
					r.Header.Add(p.cred.header, v)
				}
				if err := parse(r); !errors.Is(err, signature.ErrMismatch) {
					t.Errorf("ParseRequest = %v, want an error wrapping signature.ErrMismatch", err)
				}
			})
		}
	}
}

// TestParseRequestReadError: every ParseRequest answers a body read that
// fails (a client that hung up) as the handlers do: an error wrapping
// ErrMalformed that keeps the cause.
func TestParseRequestReadError(t *testing.T) {
	t.Parallel()
	parses := map[string]func(*http.Request) error{
		"line": func(r *http.Request) error {
			_, err := line.ParseRequest(signature.MustSecretSet(lineSecret), r)
			return err
		},
		"kakao": func(r *http.Request) error {
			_, err := kakao.ParseRequest(signature.MustSecretSet(kakaoSecret), r)
			return err
		},
		"talktalk": func(r *http.Request) error { _, err := talktalk.ParseRequest(nil, r); return err },
		"naverworks": func(r *http.Request) error {
			_, err := naverworks.ParseRequest(signature.MustSecretSet(worksSecret), r)
			return err
		},
		"clova": func(r *http.Request) error { _, err := clova.ParseRequest(clovatest.PublicKey(), r); return err },
	}
	malformed := map[string]error{"line": line.ErrMalformed, "kakao": kakao.ErrMalformed, "talktalk": talktalk.ErrMalformed,
		"naverworks": naverworks.ErrMalformed, "clova": clova.ErrMalformed}
	for _, p := range platforms(t) {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			r := p.post(t, p.body)
			if p.name == "kakao" {
				r.Header.Set(kakao.DefaultSecretHeader, kakaoSecret)
			}
			r.Body = &brokenBody{head: p.body[:16]}
			err := parses[p.name](r)
			if !errors.Is(err, malformed[p.name]) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("ParseRequest = %v, want an error wrapping %s.ErrMalformed and io.ErrUnexpectedEOF", err, p.name)
			}
		})
	}
}

// TestFailuresReportAlike: the same failure is reported the same way by
// all five handlers: one Debug line "<pkg>: webhook request failed" with
// the status answered and the error, and one call of the error handler
// with that error.
func TestFailuresReportAlike(t *testing.T) {
	t.Parallel()
	names := map[string]bool{"callback_fails": true, "callback_panics": true, "auth_wrong": true, "forbidden": true,
		"method_GET": true, "body_truncated": true, "size_limit_plus_1": true, "body_read_error": true}
	for _, p := range platforms(t) {
		for _, c := range hostileCases() {
			if !names[c.name] || (c.forbid && p.forbid == nil) {
				continue
			}
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				pr := &probe{do: c.do}
				h, wait := p.handler(t, pr)
				rec, _ := serve(h, c.request(t, p))
				if err := wait(t.Context()); err != nil {
					t.Fatal(err)
				}
				pr.mu.Lock()
				errs := pr.errs
				pr.mu.Unlock()
				if len(errs) != 1 {
					t.Fatalf("error handler called %d times (%v), want once", len(errs), errs)
				}
				logs := strings.Split(strings.TrimSuffix(pr.logs.String(), "\n"), "\n")
				want := fmt.Sprintf(`level=DEBUG msg="%s: webhook request failed" status=%d error=%q`, p.name, rec.Code, errs[0].Error())
				if len(logs) != 1 || !strings.HasSuffix(logs[0], want) {
					t.Errorf("logged\n%s\nwant one line ending in\n%s", strings.Join(logs, "\n"), want)
				}
			})
		}
	}
}

// TestLateFailuresWrapErrLate: a function that fails after the handler
// acknowledged is reported wrapping the shared ErrLate, on every platform
// with such a path (Kakao's callback path is tested in its package; CLOVA
// has none).
func TestLateFailuresWrapErrLate(t *testing.T) {
	t.Parallel()
	boom := errors.New("hostile: late failure")
	handlers := map[string]func(onErr func(*http.Request, error), acked <-chan struct{}) (http.Handler, func(context.Context) error, error){
		"line": func(onErr func(*http.Request, error), acked <-chan struct{}) (http.Handler, func(context.Context) error, error) {
			h, err := line.NewWebhookHandler(signature.MustSecretSet(lineSecret),
				func(context.Context, *line.Callback) error { return boom }, line.WithAsync(), line.WithErrorHandler(onErr))
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
		"naverworks": func(onErr func(*http.Request, error), acked <-chan struct{}) (http.Handler, func(context.Context) error, error) {
			h, err := naverworks.NewWebhookHandler(signature.MustSecretSet(worksSecret),
				func(context.Context, naverworks.Event) error { return boom }, naverworks.WithBudget(0), naverworks.WithErrorHandler(onErr))
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
		"talktalk": func(onErr func(*http.Request, error), acked <-chan struct{}) (http.Handler, func(context.Context) error, error) {
			h, err := talktalk.NewWebhookHandler(func(context.Context, talktalk.Event) (talktalk.Event, error) {
				<-acked // fail only once the budget's acknowledgement is written
				return nil, boom
			}, talktalk.WithBudget(time.Millisecond), talktalk.WithErrorHandler(onErr))
			if err != nil {
				return nil, nil, err
			}
			return h, h.Wait, nil
		},
	}
	lates := map[string]error{"line": line.ErrLate, "naverworks": naverworks.ErrLate, "talktalk": talktalk.ErrLate}
	for _, p := range platforms(t) {
		build, ok := handlers[p.name]
		if !ok {
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var errs []error
			rec := &ackRecorder{ResponseRecorder: httptest.NewRecorder(), acked: make(chan struct{})}
			h, wait, err := build(func(_ *http.Request, err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }, rec.acked)
			if err != nil {
				t.Fatal(err)
			}
			h.ServeHTTP(rec, p.post(t, p.body))
			if err := wait(t.Context()); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if rec.Code != http.StatusOK || len(errs) != 1 || !errors.Is(errs[0], lates[p.name]) || !errors.Is(errs[0], boom) {
				t.Errorf("status %d, errors %v: want 200 and one error wrapping %s.ErrLate and the function's", rec.Code, errs, p.name)
			}
		})
	}
}

// ackRecorder is a recorder that closes acked when the handler writes its
// status, so that a function can wait for the acknowledgement instead of
// sleeping past the budget.
type ackRecorder struct {
	*httptest.ResponseRecorder
	once  sync.Once
	acked chan struct{}
}

func (r *ackRecorder) WriteHeader(code int) {
	r.ResponseRecorder.WriteHeader(code)
	r.once.Do(func() { close(r.acked) })
}

func (r *ackRecorder) Flush() { r.ResponseRecorder.Flush() }
