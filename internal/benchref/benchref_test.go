package benchref_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/internal/benchref"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
)

// tooBig is a body past every reference's 1 MiB bound.
var tooBig = bytes.Repeat([]byte("a"), 1<<20+1)

type result struct {
	Status int
	Body   string
}

type reqCase struct {
	name   string
	method string
	remote string
	header http.Header
	body   []byte
	want   result
}

func serve(h http.Handler, tc reqCase) result {
	method := tc.method
	if method == "" {
		method = http.MethodPost
	}
	r := httptest.NewRequest(method, "/", bytes.NewReader(tc.body))
	if tc.remote != "" {
		r.RemoteAddr = tc.remote
	}
	for k, v := range tc.header {
		r.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return result{rec.Code, rec.Body.String()}
}

func run(t *testing.T, h http.Handler, cases []reqCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, serve(h, tc)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLINE: both LINE references answer 200 to a signed callback and
// refuse a wrong or malformed signature, broken JSON and a body past the
// bound with the status a stdlib server sends.
func TestLINE(t *testing.T) {
	const secret = linetest.ChannelSecret
	body := readFile(t, "../../line/testdata/webhook/message_text_emoji_mention.json")
	sig := func(b []byte) http.Header { return http.Header{"X-Line-Signature": {linetest.SignBody(secret, b)}} }
	bad := []byte(`{"events":[`)
	cases := []reqCase{
		{name: "signed", header: sig(body), body: body, want: result{200, ""}},
		{name: "other secret", header: http.Header{"X-Line-Signature": {linetest.SignBody("other", body)}}, body: body, want: result{401, ""}},
		{name: "not base64", header: http.Header{"X-Line-Signature": {"%%%"}}, body: body, want: result{401, ""}},
		{name: "no signature", body: body, want: result{401, ""}},
		{name: "broken JSON", header: sig(bad), body: bad, want: result{400, ""}},
		{name: "too big", header: sig(tooBig), body: tooBig, want: result{413, ""}},
	}
	for name, h := range map[string]http.Handler{"full": benchref.LINE(secret), "minimal": benchref.LINEMinimal(secret)} {
		t.Run(name, func(t *testing.T) { run(t, h, cases) })
	}
}

// TestKakao: both Kakao references answer the fixed simpleText to a
// skill payload, and refuse another method, broken JSON and a body past
// the bound.
func TestKakao(t *testing.T) {
	body := readFile(t, "../../kakao/testdata/webhook/text_input.json")
	answer := `{"version":"2.0","template":{"outputs":[{"simpleText":{"text":"hello"}}]}}`
	cases := []reqCase{
		{name: "payload", body: body, want: result{200, answer}},
		{name: "GET", method: http.MethodGet, want: result{405, ""}},
		{name: "broken JSON", body: []byte(`{"userRequest":`), want: result{400, ""}},
		{name: "wrong type", body: []byte(`{"userRequest":{"block":{"id":1}}}`), want: result{400, ""}},
		{name: "too big", body: tooBig, want: result{413, ""}},
	}
	run(t, benchref.Kakao(), cases)
	run(t, benchref.KakaoMinimal(), cases[:3])
	// The minimal struct does not read userRequest.block, so a wrong type
	// there is no error: the full one decodes it.
	run(t, benchref.KakaoMinimal(), []reqCase{{name: "minimal skips block", body: cases[3].body, want: result{200, answer}}})
}

// TestTalkTalk: the TalkTalk reference answers 200 to a send event from
// an allowed address, and refuses another method, a sender outside the
// allow-list, an event without a name, broken JSON and a body past the
// bound.
func TestTalkTalk(t *testing.T) {
	body := readFile(t, "../../talktalk/testdata/webhook/send_text.json")
	const loop = "127.0.0.1:40000"
	run(t, benchref.TalkTalk(), []reqCase{
		{name: "loopback", remote: loop, body: body, want: result{200, ""}},
		{name: "TalkTalk range", remote: "211.249.40.31:443", body: body, want: result{200, ""}},
		{name: "outside the list", remote: "211.249.40.32:443", body: body, want: result{403, ""}},
		{name: "no port", remote: "127.0.0.1", body: body, want: result{403, ""}},
		{name: "GET", method: http.MethodGet, remote: loop, want: result{405, ""}},
		{name: "no event", remote: loop, body: []byte(`{"user":"u"}`), want: result{400, ""}},
		{name: "broken JSON", remote: loop, body: []byte(`{"event":`), want: result{400, ""}},
		{name: "too big", remote: loop, body: tooBig, want: result{413, ""}},
	})
}

// TestNaverWorks: the NAVER WORKS reference answers 200 to a signed
// callback for its bot, and refuses another method, another bot, a wrong
// signature, broken JSON and a body past the bound.
func TestNaverWorks(t *testing.T) {
	secret := []byte("naverworks-bot-secret")
	body := readFile(t, "../../naverworks/testdata/webhook/message_text_room.json")
	h := func(b []byte) http.Header {
		return http.Header{"X-Works-Botid": {naverworkstest.BotID}, "X-Works-Signature": {signature.SignHMACSHA256(secret, b)}}
	}
	bad := []byte(`{"type":`)
	other := h(body)
	other.Set("X-WORKS-BotId", "1")
	run(t, benchref.NaverWorks(secret, naverworkstest.BotID), []reqCase{
		{name: "signed", header: h(body), body: body, want: result{200, ""}},
		{name: "GET", method: http.MethodGet, header: h(nil), want: result{405, ""}},
		{name: "other bot", header: other, body: body, want: result{403, ""}},
		{name: "other secret", header: http.Header{"X-Works-Botid": {naverworkstest.BotID}, "X-Works-Signature": {signature.SignHMACSHA256([]byte("x"), body)}}, body: body, want: result{401, ""}},
		{name: "broken JSON", header: h(bad), body: bad, want: result{400, ""}},
		{name: "too big", header: h(tooBig), body: tooBig, want: result{413, ""}},
	})
}

// TestClova: both CLOVA references answer the intent's name to a signed
// intent request for their application, and refuse a wrong or malformed
// signature, broken JSON, another application and a body past the bound.
func TestClova(t *testing.T) {
	body, err := json.Marshal(clovatest.Intent("OrderPizza", clovatest.WithSlot("pizzaType", "pepperoni")))
	if err != nil {
		t.Fatal(err)
	}
	sig := func(b []byte) http.Header { return http.Header{"Signaturecek": {clovatest.Sign(nil, b)}} }
	var version struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(body, &version); err != nil {
		t.Fatal(err)
	}
	answer := `{"version":"` + version.Version + `","sessionAttributes":{},"response":{"outputSpeech":{"type":"SimpleSpeech","values":{"type":"PlainText","lang":"en","value":"OrderPizza"}},"card":{},"directives":[],"shouldEndSession":true}}`
	bad := []byte(`{"version":`)
	otherApp := bytes.Replace(body, []byte(clovatest.ApplicationID), []byte("com.example.other"), 1)
	if bytes.Equal(otherApp, body) {
		t.Fatal("the body does not carry the application ID")
	}
	tampered := bytes.Replace(body, []byte("OrderPizza"), []byte("OrderPasta"), 1)
	cases := []reqCase{
		{name: "signed", header: sig(body), body: body, want: result{200, answer}},
		{name: "tampered", header: sig(body), body: tampered, want: result{401, ""}},
		{name: "not base64", header: http.Header{"Signaturecek": {"%%%"}}, body: body, want: result{401, ""}},
		{name: "no signature", body: body, want: result{401, ""}},
		{name: "broken JSON", header: sig(bad), body: bad, want: result{400, ""}},
		{name: "other application", header: sig(otherApp), body: otherApp, want: result{403, ""}},
		{name: "too big", header: sig(tooBig), body: tooBig, want: result{413, ""}},
	}
	for name, h := range map[string]http.Handler{
		"full":    benchref.Clova(clovatest.PublicKey(), clovatest.ApplicationID),
		"minimal": benchref.ClovaMinimal(clovatest.PublicKey(), clovatest.ApplicationID),
	} {
		t.Run(name, func(t *testing.T) { run(t, h, cases) })
	}
}
