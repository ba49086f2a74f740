package kakaotest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/signature"
	"github.com/google/go-cmp/cmp"
)

func TestNewRequest(t *testing.T) {
	t.Parallel()
	r := kakaotest.NewRequest(t,
		kakaotest.WithUtterance("내일 3개 주문"),
		kakaotest.WithDetailParam("sys_number", "3개", `{"amount": 3, "unit": "개"}`),
		kakaotest.WithCallbackURL("https://bot-api.kakao.com/callback/x"),
		kakaotest.WithBotID("bot-9"),
		kakaotest.WithUserID("user-1"),
		kakaotest.WithFriend(true),
		kakaotest.WithTestSurface(),
		kakaotest.WithClientExtra(map[string]any{"k": "v"}),
		kakaotest.WithBlock("blk", "블록"),
		kakaotest.WithTrigger(kakao.TriggerQuickReplyButtonMessage),
		kakaotest.WithSecret("tok"),
	)
	if r.Method != http.MethodPost || r.Header.Get("X-Skill-Token") != "tok" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("request %s %v", r.Method, r.Header)
	}
	req, err := kakao.ParseRequest(signature.MustSecretSet("tok"), r)
	if err != nil {
		t.Fatal(err)
	}
	u := req.UserRequest
	if u.Utterance != "내일 3개 주문" || u.CallbackURL == "" || !u.IsTest() || u.User.ID != "user-1" || !u.User.Properties.IsFriend ||
		req.Bot.ID != "bot-9" || req.Action.ClientExtra["k"] != "v" || req.Intent.ID != "blk" || u.Block.Name != "블록" ||
		req.Flow.Trigger.Type != kakao.TriggerQuickReplyButtonMessage {
		t.Errorf("payload %+v", req)
	}
	if n, err := req.Action.SysNumber("sys_number"); err != nil || n.Amount != 3 || n.Unit != "개" {
		t.Errorf("SysNumber %+v, %v", n, err)
	}
	if req.Action.DetailParams["sys_number"].Origin != "3개" {
		t.Errorf("detail %+v", req.Action.DetailParams)
	}
	// The default payload looks like a real KakaoTalk request.
	def := kakaotest.NewPayload()
	if def.UserRequest.Surface() != "Kakaotalk.plusfriend" || def.UserRequest.Utterance == "" || def.UserRequest.User.Type != "botUserKey" || def.UserRequest.CallbackURL != "" {
		t.Errorf("default payload %+v", def)
	}
}

func TestPost(t *testing.T) {
	t.Parallel()
	h, err := kakao.NewWebhookHandler(func(_ context.Context, r *kakao.Request) (*kakao.Response, error) {
		return kakao.NewResponse(kakao.Text(r.UserRequest.Utterance)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res := kakaotest.Post(t, h, kakaotest.WithUtterance("메아리"))
	if diff := cmp.Diff(kakao.NewResponse(kakao.Text("메아리")), res.Response); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func post(t *testing.T, u string, body string) map[string]any {
	t.Helper()
	res, err := http.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("answer %q: %v", b, err)
	}
	return out
}

const okBody = `{"version":"2.0","template":{"outputs":[{"simpleText":{"text":"hi"}}]}}`

func TestServer(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	cb := kakaotest.NewServer(t, kakaotest.WithClock(clock))

	u1 := cb.NewCallbackURL()
	if a := post(t, u1, okBody); a["status"] != "SUCCESS" || a["taskId"] == "" || a["timestamp"] == nil {
		t.Errorf("first use: %v", a)
	}
	if a := post(t, u1, okBody); a["status"] != "FAIL" || a["message"] != kakaotest.MsgInvalidToken {
		t.Errorf("second use: %v", a)
	}
	u2 := cb.NewCallbackURL()
	advance(kakao.CallbackValidity - time.Millisecond)
	if a := post(t, u2, okBody); a["status"] != "SUCCESS" {
		t.Errorf("just before expiry: %v", a)
	}
	u3 := cb.NewCallbackURL()
	advance(kakao.CallbackValidity)
	if a := post(t, u3, okBody); a["status"] != "FAIL" || a["message"] != kakaotest.MsgInvalidToken {
		t.Errorf("expired: %v", a)
	}
	if a := post(t, cb.URL()+kakaotest.CallbackPath+"made-up", okBody); a["status"] != "FAIL" {
		t.Errorf("unknown token: %v", a)
	}
	if a := post(t, cb.NewCallbackURL(), `{"template":{}}`); a["status"] != "FAIL" || a["message"] != kakaotest.MsgInvalidJSON {
		t.Errorf("no version: %v", a)
	}
	if a := post(t, cb.NewCallbackURL(), `not json`); a["status"] != "FAIL" || a["message"] != kakaotest.MsgInvalidJSON {
		t.Errorf("not JSON: %v", a)
	}
	cb.RejectNext(kakao.CallbackError, "Internal server error occured. Please contact technical support. 504")
	if a := post(t, cb.NewCallbackURL(), okBody); a["status"] != "ERROR" {
		t.Errorf("queued: %v", a)
	}
	cb.FailNext(kakaotest.Fault{Path: kakaotest.CallbackPath, Status: http.StatusBadGateway, Body: []byte{}})
	res, err := http.Post(cb.NewCallbackURL(), "application/json", strings.NewReader(okBody))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadGateway {
		t.Errorf("injected status %d", res.StatusCode)
	}

	ds, err := cb.Wait(9, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var got []kakao.CallbackStatus
	var codes []int
	for _, d := range ds {
		got = append(got, d.Status)
		codes = append(codes, d.StatusCode)
	}
	// The last request was answered by the injected fault, not by Kakao's
	// logic: it has an HTTP status and no Kakao status.
	want := []kakao.CallbackStatus{"SUCCESS", "FAIL", "SUCCESS", "FAIL", "FAIL", "FAIL", "FAIL", "ERROR", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	wantCodes := []int{200, 200, 200, 200, 200, 200, 200, 200, http.StatusBadGateway}
	if diff := cmp.Diff(wantCodes, codes); diff != "" {
		t.Errorf("HTTP statuses (-want +got):\n%s", diff)
	}
	if ds[0].Response == nil || ds[0].Response.Template.Outputs[0].SimpleText.Text != "hi" || string(ds[0].Body) != okBody {
		t.Errorf("recorded %+v", ds[0])
	}
	if n := len(cb.Calls()); n != 9 {
		t.Errorf("requests %d, want 9", n)
	}
	if _, err := cb.Wait(100, 0); err == nil {
		t.Error("Wait for more deliveries than arrive did not time out")
	}
}

func TestServerHandleOverride(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewServer(t)
	cb.Handle("POST "+kakaotest.CallbackPath+"{token}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"status":"FAIL","message":"Invalid callback token for testing purposes."}`)
	}))
	if a := post(t, cb.NewCallbackURL(), okBody); a["message"] != "Invalid callback token for testing purposes." {
		t.Errorf("override: %v", a)
	}
	if cs := cb.Calls(); len(cs) != 1 || cs[0].StatusCode != http.StatusOK || cs[0].Status != "" || cs[0].Response == nil {
		t.Errorf("recorded %+v; want the one call, answered by the override", cs)
	}
}

func TestServerFailNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fault       kakaotest.Fault
		wantCode    int
		wantAnswers []map[string]any // status and message of each POST, in order
	}{
		{"5xx_kakaos_body", kakaotest.Fault{Status: http.StatusServiceUnavailable}, http.StatusServiceUnavailable,
			[]map[string]any{{"status": "ERROR", "message": kakaotest.MsgInternalError}, {"status": "SUCCESS", "message": "OK"}}},
		{"4xx_kakaos_body", kakaotest.Fault{Status: http.StatusBadRequest}, http.StatusBadRequest,
			[]map[string]any{{"status": "FAIL", "message": kakaotest.MsgInvalidToken}, {"status": "SUCCESS", "message": "OK"}}},
		{"times", kakaotest.Fault{Status: http.StatusTooManyRequests, Times: 2, Header: http.Header{"Retry-After": {"1"}}}, http.StatusTooManyRequests,
			[]map[string]any{{"status": "FAIL", "message": kakaotest.MsgInvalidToken}, {"status": "FAIL", "message": kakaotest.MsgInvalidToken}, {"status": "SUCCESS", "message": "OK"}}},
		{"own_body", kakaotest.Fault{Status: http.StatusBadGateway, Body: []byte(`{"status":"ERROR","message":"proxy"}`)}, http.StatusBadGateway,
			[]map[string]any{{"status": "ERROR", "message": "proxy"}, {"status": "SUCCESS", "message": "OK"}}},
		{"other_path", kakaotest.Fault{Path: "/elsewhere", Status: http.StatusBadGateway}, http.StatusOK,
			[]map[string]any{{"status": "SUCCESS", "message": "OK"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cb := kakaotest.NewServer(t)
			cb.FailNext(tt.fault)
			u := cb.NewCallbackURL() // a fault does not consume it
			var got []map[string]any
			for i := range tt.wantAnswers {
				res, err := cb.HTTPClient().Post(u, "application/json", strings.NewReader(okBody))
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if i == 0 && res.StatusCode != tt.wantCode {
					t.Errorf("first answer HTTP %d, want %d", res.StatusCode, tt.wantCode)
				}
				var a map[string]any
				if err := json.Unmarshal(b, &a); err != nil {
					t.Fatalf("answer %q: %v", b, err)
				}
				got = append(got, map[string]any{"status": a["status"], "message": a["message"]})
			}
			if diff := cmp.Diff(tt.wantAnswers, got); diff != "" {
				t.Errorf("answers (-want +got):\n%s", diff)
			}
			if n := len(cb.Calls()); n != len(tt.wantAnswers) {
				t.Errorf("%d calls recorded, want %d", n, len(tt.wantAnswers))
			}
		})
	}
}

func TestServerClient(t *testing.T) {
	t.Parallel()
	cb := kakaotest.NewServer(t)
	res, err := cb.Client().Send(context.Background(), cb.NewCallbackURL(), kakao.NewResponse(kakao.Text("완료")))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != kakao.CallbackSuccess || res.Meta.StatusCode != http.StatusOK {
		t.Errorf("result %+v", res)
	}
	// The client is pinned to the fake's host.
	if _, err := cb.Client().Send(context.Background(), "https://bot-api.kakao.com/v1/callback/x", kakao.NewResponse(kakao.Text("a"))); !errors.Is(err, kakao.ErrCallbackURL) {
		t.Errorf("send elsewhere: %v, want ErrCallbackURL", err)
	}
	cs := cb.Calls()
	if len(cs) != 1 || cs[0].Status != kakao.CallbackSuccess || cs[0].Method != http.MethodPost || !strings.HasPrefix(cs[0].Path, kakaotest.CallbackPath) {
		t.Errorf("calls %+v", cs)
	}
}

func TestStart(t *testing.T) {
	t.Parallel()
	cb, err := kakaotest.Start()
	if err != nil {
		t.Fatal(err)
	}
	u := cb.NewCallbackURL()
	if a := post(t, u, okBody); a["status"] != "SUCCESS" {
		t.Errorf("%v", a)
	}
	cb.Close()
	if _, err := http.Post(u, "application/json", strings.NewReader(okBody)); err == nil {
		t.Error("server still answers after Close")
	}
}

func TestStartRefusesNilOption(t *testing.T) {
	if s, err := kakaotest.Start(nil); err == nil {
		s.Close()
		t.Fatal("Start(nil) succeeded")
	}
}
