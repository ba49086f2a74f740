package redact_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/internal/redact"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// Planted secrets: distinctive, so that finding one (or an encoding of it)
// in output can only mean a leak.
const (
	lineToken    = "PLANTED-line-channel-token-41"
	lineChanSec  = "PLANTED-line-channel-secret-56"
	lineSecret   = "PLANTED-line-channel-secret-42"
	ttKey        = "PLANTED-talktalk-authorization-key-43"
	ttPathToken  = "PLANTED-talktalk-path-token-44"
	ttHeaderTok  = "PLANTED-talktalk-header-token-45"
	kakaoSecret  = "PLANTED-kakao-header-secret-46"
	kakaoRESTKey = "PLANTED-kakao-rest-api-key-47"
	nwBotSecret  = "PLANTED-naverworks-bot-secret-47"
	nwClientSec  = "PLANTED-naverworks-client-secret-48"
	nwUserToken  = "PLANTED-naverworks-user-token-49"
	chatbotKey   = "PLANTED-clova-chatbot-secret-key-50"
	accessToken  = "PLANTED-clova-access-token-51"
	fakeLineTok  = "PLANTED-linetest-token-52"
	fakeTTKey    = "PLANTED-talktalktest-key-53"
	fakeCBSecret = "PLANTED-clovatest-secret-54"
)

// staticToken is a token source of the kind a caller may write: a value
// type holding its token.
type staticToken string

func (s staticToken) Token() (*oauth2.Token, error) {
	return &oauth2.Token{AccessToken: string(s)}, nil
}

// subject is one secret-holding type. val is a value of it (nil for types
// that hold a lock and so are only ever used through a pointer); ptr is a
// pointer to it.
type subject struct {
	name     string
	val, ptr any
	// want is the %v form of both val and ptr ("": not checked).
	want    string
	secrets []string
	// jsonWire marks types whose JSON is a platform's wire format: it
	// carries the secret by design (see the type's documentation).
	jsonWire bool
	// exported marks types whose secret is an exported field (or the
	// value itself): fmt's printing without methods (%p of a value, or the
	// value as an unexported field of another struct) shows it, and no
	// method can prevent that.
	exported bool
}

func subjects(t *testing.T) []subject {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	pemText := naverworkstest.PrivateKeyPEM()
	pemLine := strings.Split(pemText, "\n")[1]
	creds := naverworks.Credentials{ClientID: "cid", ClientSecret: nwClientSec, ServiceAccount: "sa@example.com", PrivateKey: pemText, Scopes: []string{"bot"}}

	set := signature.MustSecretSet(lineSecret, "PLANTED-previous-secret-55")

	lc, err := line.New(lineToken)
	must(err)
	lh, err := line.NewWebhookHandler(set, func(context.Context, *line.Callback) error { return nil })
	must(err)

	tc, err := talktalk.New(ttKey)
	must(err)
	th, err := talktalk.NewWebhookHandler(func(context.Context, talktalk.Event) (talktalk.Event, error) { return nil, nil },
		talktalk.WithPathToken(signature.MustSecretSet(ttPathToken)), talktalk.WithHeaderToken("X-Relay-Token", signature.MustSecretSet(ttHeaderTok)))
	must(err)

	kh, err := kakao.NewWebhookHandler(func(context.Context, *kakao.Request) (*kakao.Response, error) { return nil, nil },
		kakao.WithHeaderSecret("X-Skill-Secret", signature.MustSecretSet(kakaoSecret)))
	must(err)
	kc, err := kakao.New()
	must(err)

	lineSrv := linetest.NewServer(t)
	lineCreds := lineSrv.Credentials()
	lineCreds.ChannelSecret = lineChanSec
	lineCache, err := lineSrv.TokenSource()
	must(err)
	lineIssued, err := lineCache.Token()
	must(err)
	lineTSClient, err := line.New("", line.WithTokenSource(lineCache))
	must(err)

	nwSrv := naverworkstest.NewServer(t)
	ts, err := nwSrv.TokenSource()
	must(err)
	issued, err := ts.Token()
	must(err)
	cache := ts.(*naverworks.TokenCache)
	nc, err := naverworks.New("bot-1", staticToken(nwUserToken))
	must(err)
	nh, err := naverworks.NewWebhookHandler(signature.MustSecretSet(nwBotSecret), func(context.Context, naverworks.Event) error { return nil })
	must(err)
	nbot := &naverworks.Bot{ID: "bot-1", Secrets: signature.MustSecretSet(nwBotSecret), Client: nc}

	cb, err := clova.New("https://example.apigw.ntruss.com/custom/v1/1/abc", chatbotKey)
	must(err)
	ch, err := clova.NewWebhookHandler("com.example.ext", func(context.Context, *clova.Request) (*clova.Response, error) { return nil, nil },
		clova.WithPublicKey(clovatest.PublicKey()))
	must(err)
	tok := clova.AccessToken(accessToken)
	user := clova.User{UserID: "u1", AccessToken: tok}
	req := clovatest.Intent("Hello", clovatest.WithAccessToken(accessToken))

	noop := message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error { return nil })
	lb, err := line.NewBotHandler(set, noop, line.WithClient(lc))
	must(err)
	lbot := line.Bot{ID: "Ubot", Secrets: set, Client: lc}
	tbot := talktalk.Bot{ID: "partner", Tokens: signature.MustSecretSet(ttPathToken), Client: tc}
	tb, err := talktalk.NewBotHandler(noop, talktalk.WithClient(tc),
		talktalk.WithPathToken(signature.MustSecretSet(ttPathToken)), talktalk.WithHeaderToken("X-Relay-Token", signature.MustSecretSet(ttHeaderTok)))
	must(err)
	kb, err := kakao.NewBotHandler(noop, kakao.WithHeaderSecret("X-Skill-Secret", signature.MustSecretSet(kakaoSecret)))
	must(err)
	kbot := kakao.Bot{ID: "kakao-bot-1", HeaderSecrets: signature.MustSecretSet(kakaoSecret), Client: kc}
	kec, err := kakao.New(kakao.WithRESTAPIKey(kakaoRESTKey))
	must(err)
	nb, err := naverworks.NewBotHandler(signature.MustSecretSet(nwBotSecret), noop, naverworks.WithClient(nc))
	must(err)
	cbh, err := clova.NewBotHandler("com.example.ext", noop, clova.WithPublicKey(clovatest.PublicKey()))
	must(err)
	cbot := &clova.Bot{ID: "com.example.ext"}
	cch, err := clova.NewChatbotHandler(cb)
	must(err)

	lSrv := linetest.NewServer(t, linetest.WithChannelToken(fakeLineTok))
	tSrv := talktalktest.NewServer(t, talktalktest.WithAuthorizationKey(fakeTTKey))
	cSrv := clovatest.NewServer(t, clovatest.WithSecretKey(fakeCBSecret))
	kSrv := kakaotest.NewServer(t)
	linkTok, err := linetest.NewServer(t).Client().IssueLinkToken(context.Background(), "U1")
	must(err)
	cbURL := kSrv.NewCallbackURL()
	cbToken := cbURL[strings.LastIndexByte(cbURL, '/')+1:]

	return []subject{
		{name: "naverworks.Credentials", val: creds, ptr: &creds, exported: true,
			want:    `naverworks.Credentials{ClientID:"cid", ClientSecret:"[REDACTED]", ServiceAccount:"sa@example.com", PrivateKey:"[REDACTED]", Scopes:[]string{"bot"}}`,
			secrets: []string{nwClientSec, pemLine, "PRIVATE KEY"}},
		{name: "line.Credentials", val: lineCreds, ptr: &lineCreds, exported: true,
			want:    fmt.Sprintf(`line.Credentials{ChannelID:%q, ChannelSecret:"[REDACTED]", KeyID:%q, PrivateKey:"[REDACTED]"}`, lineCreds.ChannelID, lineCreds.KeyID),
			secrets: []string{lineChanSec, lineCreds.PrivateKey}},
		{name: "line.TokenCache", ptr: lineCache,
			want:    `line.TokenCache{}`,
			secrets: []string{lineIssued.AccessToken}},
		{name: "line.Client with a token source", val: *lineTSClient, ptr: lineTSClient,
			want:    `line.Client{BaseURL:"https://api.line.me/", DataBaseURL:"https://api-data.line.me/"}`,
			secrets: []string{lineIssued.AccessToken}},
		{name: "naverworks.TokenCache", ptr: cache,
			want:    `naverworks.TokenCache{}`,
			secrets: []string{issued.AccessToken, "fake-refresh-token", naverworkstest.ClientSecret, pemLine, "PRIVATE KEY"}},
		{name: "naverworks.Client", val: *nc, ptr: nc,
			want:    `naverworks.Client{BotID:"bot-1", BaseURL:"https://www.worksapis.com/v1.0/"}`,
			secrets: []string{nwUserToken}},
		{name: "naverworks.Bot", val: *nbot, ptr: nbot, exported: true,
			want:    `naverworks.Bot{ID:"bot-1", Secrets:signature.SecretSet{Len:1}, Client:naverworks.Client{BotID:"bot-1", BaseURL:"https://www.worksapis.com/v1.0/"}}`,
			secrets: []string{nwBotSecret, nwUserToken}},
		{name: "naverworks.WebhookHandler", ptr: nh,
			want:    `naverworks.WebhookHandler{Secrets:signature.SecretSet{Len:1}, BotID:""}`,
			secrets: []string{nwBotSecret}},
		{name: "signature.SecretSet", val: set, ptr: &set,
			want:    `signature.SecretSet{Len:2}`,
			secrets: []string{lineSecret, "PLANTED-previous-secret-55"}},
		{name: "line.Client", val: *lc, ptr: lc,
			want:    `line.Client{BaseURL:"https://api.line.me/", DataBaseURL:"https://api-data.line.me/"}`,
			secrets: []string{lineToken}},
		{name: "line.WebhookHandler", ptr: lh,
			want:    `line.WebhookHandler{Secrets:signature.SecretSet{Len:2}}`,
			secrets: []string{lineSecret}},
		{name: "talktalk.Client", val: *tc, ptr: tc,
			want:    `talktalk.Client{BaseURL:"https://gw.talk.naver.com/chatbot/v1/"}`,
			secrets: []string{ttKey}},
		{name: "talktalk.WebhookHandler", ptr: th,
			want:    `talktalk.WebhookHandler{PathToken:"[REDACTED]", HeaderName:"X-Relay-Token", HeaderToken:"[REDACTED]"}`,
			secrets: []string{ttPathToken, ttHeaderTok}},
		{name: "kakao.WebhookHandler", ptr: kh,
			want:    `kakao.WebhookHandler{HeaderName:"X-Skill-Secret", Secrets:signature.SecretSet{Len:1}}`,
			secrets: []string{kakaoSecret}},
		{name: "kakao.Client", val: *kc, ptr: kc,
			want: `kakao.Client{}`},
		{name: "clova.Client", val: *cb, ptr: cb,
			want:    `clova.Client{InvokeURL:"https://example.apigw.ntruss.com/custom/v1/1/abc"}`,
			secrets: []string{chatbotKey}},
		{name: "clova.WebhookHandler", ptr: ch,
			want: `clova.WebhookHandler{ExtensionID:"com.example.ext"}`},
		{name: "line.BotHandler", ptr: lb,
			want:    `line.BotHandler{Secrets:signature.SecretSet{Len:2}}`,
			secrets: []string{lineSecret, lineToken}},
		{name: "line.Bot", val: lbot, ptr: &lbot,
			want:    `line.Bot{ID:"Ubot", Secrets:signature.SecretSet{Len:2}, Client:line.Client{BaseURL:"https://api.line.me/", DataBaseURL:"https://api-data.line.me/"}}`,
			secrets: []string{lineSecret, "PLANTED-previous-secret-55", lineToken}},
		{name: "talktalk.Bot", val: tbot, ptr: &tbot,
			want:    `talktalk.Bot{ID:"partner", Tokens:signature.SecretSet{Len:1}, Client:talktalk.Client{BaseURL:"https://gw.talk.naver.com/chatbot/v1/"}}`,
			secrets: []string{ttPathToken, ttKey}},
		{name: "talktalk.BotHandler", ptr: tb,
			want:    `talktalk.BotHandler{PathToken:"[REDACTED]", HeaderName:"X-Relay-Token", HeaderToken:"[REDACTED]"}`,
			secrets: []string{ttPathToken, ttHeaderTok, ttKey}},
		{name: "kakao.BotHandler", ptr: kb,
			want:    `kakao.BotHandler{HeaderName:"X-Skill-Secret", Secrets:signature.SecretSet{Len:1}}`,
			secrets: []string{kakaoSecret}},
		{name: "kakao.Client with a REST API key", val: *kec, ptr: kec,
			want: `kakao.Client{}`, secrets: []string{kakaoRESTKey}},
		{name: "kakao.Bot", val: kbot, ptr: &kbot,
			want:    `kakao.Bot{ID:"kakao-bot-1", HeaderSecrets:signature.SecretSet{Len:1}, Client:kakao.Client{}}`,
			secrets: []string{kakaoSecret}},
		{name: "naverworks.BotHandler", ptr: nb,
			want:    `naverworks.BotHandler{Secrets:signature.SecretSet{Len:1}, BotID:""}`,
			secrets: []string{nwBotSecret, nwUserToken}},
		{name: "clova.BotHandler", ptr: cbh,
			want: `clova.BotHandler{ExtensionID:"com.example.ext"}`},
		{name: "clova.Bot", val: *cbot, ptr: cbot, exported: true,
			want: `clova.Bot{ID:"com.example.ext"}`},
		{name: "clova.ChatbotHandler", ptr: cch,
			want:    `clova.ChatbotHandler{Client:clova.Client{InvokeURL:"https://example.apigw.ntruss.com/custom/v1/1/abc"}}`,
			secrets: []string{chatbotKey}},
		{name: "clova.AccessToken", val: tok, ptr: &tok, jsonWire: true, exported: true,
			want:    `[REDACTED]`,
			secrets: []string{accessToken}},
		{name: "clova.User", val: user, ptr: &user, jsonWire: true, exported: true,
			want:    `clova.User{UserID:"u1", AccessToken:"[REDACTED]"}`,
			secrets: []string{accessToken}},
		{name: "clova.Request", val: *req, ptr: req, jsonWire: true, exported: true,
			secrets: []string{accessToken}},
		{name: "linetest.Server", ptr: lSrv,
			want:    fmt.Sprintf(`linetest.Server{URL:%q}`, lSrv.URL()),
			secrets: []string{fakeLineTok}},
		{name: "line.LinkToken", val: *linkTok, ptr: linkTok,
			want:    `line.LinkToken{Token:"[REDACTED]"}`,
			secrets: []string{linkTok.Token()}},
		{name: "talktalktest.Server", ptr: tSrv,
			want:    fmt.Sprintf(`talktalktest.Server{URL:%q}`, tSrv.URL()),
			secrets: []string{fakeTTKey}},
		{name: "clovatest.Server", ptr: cSrv,
			want:    fmt.Sprintf(`clovatest.Server{URL:%q}`, cSrv.URL()),
			secrets: []string{fakeCBSecret}},
		{name: "naverworkstest.Server", ptr: nwSrv,
			want:    fmt.Sprintf(`naverworkstest.Server{URL:%q}`, nwSrv.URL()),
			secrets: []string{issued.AccessToken}},
		{name: "kakaotest.Server", ptr: kSrv,
			want:    fmt.Sprintf(`kakaotest.Server{URL:%q}`, kSrv.URL()),
			secrets: []string{cbToken}},
	}
}

// verbs is every fmt verb, with flag, width and precision variants.
var verbs = []string{
	"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%o", "%O", "%b",
	"%e", "%E", "%f", "%F", "%g", "%G", "%t", "%c", "%U", "%#U", "%T",
	"%10s", "%-20v", "%#x", "% x", "% X", "%08d", "%+q", "%#q", "%.3s",
	"%10.4v", "%!", "%z",
}

// leakForms returns s and the encodings under which a printer could show
// it: hex, base64, and the byte lists fmt writes for a []byte; the same
// for its SHA-256 digest, which is as good as the secret to anyone who
// can guess candidates offline.
func leakForms(s string) []string {
	digest := sha256.Sum256([]byte(s))
	return append(encodings([]byte(s)), encodings(digest[:])...)
}

func encodings(b []byte) []string {
	forms := []string{
		string(b),
		hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)),
		base64.StdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
	}
	head := b[:min(len(b), 8)]
	each := func(sep, f string) string {
		parts := make([]string, len(head))
		for i, c := range head {
			parts[i] = fmt.Sprintf(f, c)
		}
		return strings.Join(parts, sep)
	}
	return append(forms,
		each(" ", "%d"), each(", ", "%d"), each(", ", "%#x"), each(" ", "%x"), each(" ", "%X"),
		each(" ", "%o"), each(" ", "%b"), each(" ", "%c"), each(" ", "%U"), each(",", "%d"))
}

func checkNoLeak(t *testing.T, how, out string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		for _, f := range leakForms(s) {
			if strings.Contains(out, f) {
				t.Errorf("%s shows %q (a form of secret %q):\n%s", how, f, s, out)
				return
			}
		}
	}
}

// holder is a caller's struct holding a secret-holding value in an
// exported field: fmt reaches the value's methods there.
type holder struct {
	Name string
	V    any
}

func TestNoSecretPrinted(t *testing.T) {
	for _, sub := range subjects(t) {
		t.Run(sub.name, func(t *testing.T) {
			forms := []struct {
				kind string
				v    any
			}{{"value", sub.val}, {"pointer", sub.ptr}}
			for _, form := range forms {
				v := form.v
				if v == nil {
					continue
				}
				t.Run(form.kind, func(t *testing.T) {
					if got := fmt.Sprintf("%v", v); sub.want != "" {
						if diff := cmp.Diff(sub.want, got); diff != "" {
							t.Errorf("%%v form (-want +got):\n%s", diff)
						}
					}
					for _, verb := range verbs {
						checkNoLeak(t, "fmt "+verb, fmt.Sprintf(verb, v), sub.secrets)
					}
					for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x"} {
						for _, c := range []any{holder{"h", v}, &holder{"h", v}, []any{v}, map[string]any{"k": v}} {
							checkNoLeak(t, fmt.Sprintf("fmt %s of %T", verb, c), fmt.Sprintf(verb, c), sub.secrets)
						}
					}
					checkSlog(t, v, sub.secrets, sub.jsonWire)
					if !sub.jsonWire {
						b, err := json.Marshal(v)
						checkNoLeak(t, "json.Marshal", string(b), sub.secrets)
						if err != nil {
							checkNoLeak(t, "json.Marshal error", err.Error(), sub.secrets)
						}
						b, err = json.Marshal(holder{"h", v})
						checkNoLeak(t, "json.Marshal of a holder", string(b), sub.secrets)
						if err != nil {
							checkNoLeak(t, "json.Marshal of a holder error", err.Error(), sub.secrets)
						}
					}
					checkErrors(t, v, sub.secrets)
					if !sub.exported {
						checkRaw(t, v, sub.secrets)
					}
				})
			}
		})
	}
}

// checkSlog logs v through slog's text and JSON handlers. The JSON handler
// encodes a value that is not a slog.LogValuer with encoding/json, so for
// jsonWire types it runs only where v's own LogValue applies, if any.
func checkSlog(t *testing.T, v any, secrets []string, jsonWire bool) {
	t.Helper()
	for _, h := range []struct {
		name string
		new  func(io.Writer, *slog.HandlerOptions) slog.Handler
		json bool
	}{
		{"text", func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewTextHandler(w, o) }, false},
		{"JSON", func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewJSONHandler(w, o) }, true},
	} {
		_, logs := v.(slog.LogValuer)
		if h.json && jsonWire && !logs {
			continue
		}
		var buf bytes.Buffer
		l := slog.New(h.new(&buf, nil))
		l.Info("value", "v", v)
		l.Info("any", slog.Any("v", v))
		l.Info("group", slog.Group("g", "v", v))
		l.With("v", v).Info("with")
		if !h.json || !jsonWire {
			l.Info("holder", "h", holder{"h", v})
		}
		l.Info("error", "err", fmt.Errorf("op: %v", v))
		checkNoLeak(t, "slog "+h.name+" handler", buf.String(), secrets)
	}
}

func checkErrors(t *testing.T, v any, secrets []string) {
	t.Helper()
	errs := []error{
		fmt.Errorf("op: %v", v),
		fmt.Errorf("op: %+v: %w", v, io.EOF),
		fmt.Errorf("op %d %x %#v", v, v, v),
	}
	errs = append(errs, fmt.Errorf("outer: %w", errs[1]), errors.Join(errs...))
	for _, err := range errs {
		checkNoLeak(t, "error", err.Error(), secrets)
		checkNoLeak(t, "error %+v", fmt.Sprintf("%+v", err), secrets)
	}
}

// unexported holds a value where fmt calls none of its methods.
type unexported struct{ v any }

// checkRaw prints v, and what v points to, the way fmt prints a value it
// may call no method of: a value in an unexported field of a struct, the
// operand of a bad verb (%p of a non-pointer, %w of a non-error). Only
// the secrets' storage protects them there.
func checkRaw(t *testing.T, v any, secrets []string) {
	t.Helper()
	rv := reflect.ValueOf(unexported{v}).Field(0).Elem() // read-only: no methods
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	// A verb that does not suit a pointer (%s, %e, ...) makes fmt print
	// what the pointer points to: these reach one pointer deeper than %v.
	for _, verb := range []string{"%v", "%+v", "%d", "%x", "%s", "%q", "%e", "%t", "%c", "%U", "%O"} {
		checkNoLeak(t, "fmt "+verb+" without methods", fmt.Sprintf(verb, rv), secrets)
		checkNoLeak(t, "fmt "+verb+" of an unexported field", fmt.Sprintf(verb, unexported{v}), secrets)
	}
	badVerb := "%w"
	checkNoLeak(t, "fmt %w of a non-error", fmt.Sprintf(badVerb, v), secrets)
}

// TestZeroValuesPrint checks that zero values, and pointers to them, print
// without a panic: fmt and slog recover one, but print it instead of the
// value.
func TestZeroValuesPrint(t *testing.T) {
	for _, sub := range subjects(t) {
		t.Run(sub.name, func(t *testing.T) {
			typ := reflect.TypeOf(sub.ptr).Elem()
			zeros := []any{reflect.New(typ).Interface()}
			if sub.val != nil {
				zeros = append(zeros, reflect.Zero(typ).Interface())
			}
			for _, z := range zeros {
				var buf bytes.Buffer
				slog.New(slog.NewTextHandler(&buf, nil)).Info("zero", "v", z)
				slog.New(slog.NewJSONHandler(&buf, nil)).Info("zero", "v", z)
				out := fmt.Sprintf("%v %+v %#v %s %d %q", z, z, z, z, z, z) + buf.String()
				if strings.Contains(out, "PANIC") {
					t.Errorf("%T panics when printed:\n%s", z, out)
				}
			}
		})
	}
}

func TestFormDirectives(t *testing.T) {
	form := redact.Form{Type: "pkg.T", Fields: []redact.Field{
		{Name: "ID", Value: "abc"},
		{Name: "Secret", Value: redact.Secret("s3cr3t")},
		{Name: "Unset", Value: redact.Secret("")},
		{Name: "N", Value: 2},
	}}
	const text = `pkg.T{ID:"abc", Secret:"[REDACTED]", Unset:"", N:2}`
	tests := []struct {
		format, want string
	}{
		{"%v", text},
		{"%+v", text},
		{"%#v", text},
		{"%s", text},
		{"%d", text},
		{"%x", text},
		{"%e", text},
		{"%q", strconv.Quote(text)},
		{"%#q", "`" + text + "`"},
		{"%60v|", fmt.Sprintf("%60s|", text)},
		{"%-60v|", fmt.Sprintf("%-60s|", text)},
		{"%.5s", "pkg.T"},
		{"%T", "redact.Form"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, fmt.Sprintf(tt.format, form)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: dropTime})).Info("m", "v", form)
	if diff := cmp.Diff("level=INFO msg=m v.ID=abc v.Secret=[REDACTED] v.Unset=\"\" v.N=2\n", buf.String()); diff != "" {
		t.Errorf("slog (-want +got):\n%s", diff)
	}
	h := redact.Hide("s3cr3t")
	if got := fmt.Sprintf("%v %s %d %x %q", h, h, h, h, h); strings.Contains(got, "s3cr3t") || h.Reveal() != "s3cr3t" {
		t.Errorf("Hidden prints %q, reveals %q", got, h.Reveal())
	}
	if got := (redact.Hidden[[]byte]{}).Reveal(); got != nil {
		t.Errorf("zero Hidden reveals %v", got)
	}
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// FuzzPrintIndependentOfSecret checks that what a secret-holding value
// prints under any format string (but %p and %w, which fmt applies without
// methods), in slog and in JSON does not depend on the secret's value.
func FuzzPrintIndependentOfSecret(f *testing.F) {
	for _, v := range verbs {
		f.Add(v, lineToken, lineSecret)
	}
	f.Add("%v %d %[1]x %10.3[1]s", nwClientSec, "x")
	f.Add("%*d %v", "\x00", "\xff\xfe")
	pemText := naverworkstest.PrivateKeyPEM()
	f.Fuzz(func(t *testing.T, format, a, b string) {
		if a == "" || b == "" || strings.ContainsAny(format, "pw") {
			return
		}
		render := func(secret string) string {
			creds := naverworks.Credentials{ClientID: "cid", ClientSecret: secret, ServiceAccount: "sa", PrivateKey: secret + pemText, Scopes: []string{"bot"}}
			lc, err := line.New(secret)
			if err != nil {
				t.Fatal(err)
			}
			tc, err := talktalk.New(secret)
			if err != nil {
				t.Fatal(err)
			}
			cb, err := clova.New("https://example.com/invoke", secret)
			if err != nil {
				t.Fatal(err)
			}
			tok := clova.AccessToken(secret)
			values := []any{creds, &creds, *lc, lc, *tc, tc, *cb, cb, signature.MustSecretSet(secret), tok, clova.User{UserID: "u", AccessToken: tok}}
			var out bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{ReplaceAttr: dropTime}))
			for _, v := range values {
				fmt.Fprintf(&out, format, v)
				out.WriteByte('\n')
				logger.Info("m", "v", v)
			}
			js, err := json.Marshal(creds)
			if err != nil {
				t.Fatal(err)
			}
			out.Write(js)
			return out.String()
		}
		if pa, pb := render(a), render(b); pa != pb {
			t.Errorf("format %q prints differently for two secrets:\n%s\n%s", format, pa, pb)
		}
	})
}
