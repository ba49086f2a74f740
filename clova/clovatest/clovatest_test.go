package clovatest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
)

func TestKeyIsGeneratedOnce(t *testing.T) {
	t.Parallel()
	if clovatest.Key() != clovatest.Key() {
		t.Error("Key generated twice")
	}
	if n := clovatest.PublicKey().N.BitLen(); n != 2048 {
		t.Errorf("key has %d bits", n)
	}
}

func TestBuildersAreSignedAndDecode(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name  string
		req   *clova.Request
		check func(t *testing.T, r *clova.Request)
	}{
		{"launch", clovatest.Launch(), func(t *testing.T, r *clova.Request) {
			if _, ok := r.Request.(*clova.LaunchRequest); !ok || !r.Session.New {
				t.Errorf("got %T new=%v", r.Request, r.Session.New)
			}
		}},
		{"intent with slots", clovatest.Intent("Order", clovatest.WithSlot("kind", "cheese"), clovatest.WithSlot("n", 2), clovatest.WithSlot("none", nil),
			clovatest.WithTypedSlot(clova.Slot{Name: "temp", Value: clova.StringValue("20"), Unit: "°C"})), func(t *testing.T, r *clova.Request) {
			in := r.Request.(*clova.IntentRequest).Intent
			got := map[string]string{}
			for k, s := range in.Slots {
				got[k] = s.Value.String() + "|" + s.Unit
			}
			if d := cmp.Diff(map[string]string{"kind": "cheese|", "n": "2|", "none": "|", "temp": "20|°C"}, got); d != "" {
				t.Errorf("slots (-want +got):\n%s", d)
			}
			if in.Slots["n"].Value.Kind() != clova.SlotNumber || r.Session.New {
				t.Errorf("n = %s, new = %v", in.Slots["n"].Value, r.Session.New)
			}
		}},
		{"session ended", clovatest.SessionEnded(clovatest.WithUserID("u-9"), clovatest.WithAccessToken("tok")), func(t *testing.T, r *clova.Request) {
			if r.UserID() != "u-9" || string(r.AccessToken()) != "tok" {
				t.Errorf("user %q token %q", r.UserID(), string(r.AccessToken()))
			}
		}},
		{"event", clovatest.Event("AudioPlayer", "PlayPaused", map[string]any{"token": "t", "offsetInMilliseconds": 5},
			clovatest.WithoutSession(), clovatest.WithTimestamp(at), clovatest.WithRequestID("rq"), clovatest.WithVersion("0.1.0"),
			clovatest.WithApplicationID("com.example.x")), func(t *testing.T, r *clova.Request) {
			ev := r.Request.(*clova.EventRequest)
			var p clova.AudioPlayerEventPayload
			if err := ev.Event.DecodePayload(&p); err != nil || p.OffsetInMilliseconds != 5 {
				t.Errorf("payload %+v %v", p, err)
			}
			if r.Session != nil || ev.RequestID != "rq" || ev.Timestamp != "2024-01-02T03:04:05Z" || r.Version != "0.1.0" || r.ApplicationID() != "com.example.x" {
				t.Errorf("request %+v", r)
			}
		}},
		{"attributes", clovatest.Intent("X", clovatest.WithSessionAttributes(map[string]int{"step": 3})), func(t *testing.T, r *clova.Request) {
			var step int
			if ok, err := r.Session.Attribute("step", &step); !ok || err != nil || step != 3 {
				t.Errorf("step %d %v %v", step, ok, err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hr := clovatest.NewRequest(t, nil, tc.req)
			r, err := clova.ParseRequest(clovatest.PublicKey(), hr)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, r)
		})
	}
}

func TestNewSignedRequest(t *testing.T) {
	t.Parallel()
	r, err := clovatest.NewSignedRequest(nil, "http://127.0.0.1:1/clova", clovatest.Launch())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	if err := clova.VerifySignature(clovatest.PublicKey(), body, r.Header.Get("SignatureCEK")); err != nil {
		t.Error(err)
	}
	if r.URL.Path != "/clova" || r.Method != http.MethodPost {
		t.Errorf("request %s %s", r.Method, r.URL)
	}
}

func post(t *testing.T, srv *clovatest.Server, body []byte, sig string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL(), bytes.NewReader(body))
	req.Header.Set(clova.ChatbotSignatureHeader, sig)
	res, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServer(t *testing.T) {
	t.Parallel()
	const secret = "s3cret"
	srv := clovatest.NewServer(t, clovatest.WithSecretKey(secret), clovatest.WithClock(func() time.Time { return time.UnixMilli(42) }))
	body := []byte(`{"version":"v2","userId":"u","timestamp":1,"bubbles":[{"type":"text","data":{"description":"hi"}}],"event":"send"}`)

	code, got := post(t, srv, body, clova.SignChatbotBody(secret, body))
	if code != 200 || got != `{"version":"v2","userId":"u","sessionId":"clovatest-session-u","timestamp":42,"bubbles":[{"type":"text","data":{"description":"Sorry, I did not understand."}}],"event":"send"}` {
		t.Errorf("fallback: %d %s", code, got)
	}
	if code, got := post(t, srv, body, clova.SignChatbotBody("wrong", body)); code != 401 || !strings.Contains(got, "Authentication Failed") {
		t.Errorf("bad signature: %d %s", code, got)
	}
	bad := []byte(`{"version":"v2","userId":"","timestamp":1,"bubbles":[],"event":"send"}`)
	if code, _ := post(t, srv, bad, clova.SignChatbotBody(secret, bad)); code != 400 {
		t.Errorf("invalid request: %d", code)
	}
	calls := srv.Calls()
	if len(calls) != 3 || !calls[0].SignatureValid || calls[1].SignatureValid || calls[0].Request.Bubbles[0].Data.Description != "hi" {
		t.Errorf("calls %+v", calls)
	}

	srv.Reset()
	srv.Welcome(&clova.TextBubble{Title: "Hi", Data: clova.TextData{Description: "Welcome back"}})
	srv.FailNext(clovatest.Fault{Status: 500, Body: []byte(`{"error":{"errorCode":"900","message":"oops"}}`)})
	cb := srv.Client()
	var ae *clova.APIError
	if _, err := cb.Open(context.Background(), "u"); !errors.As(err, &ae) || ae.Code != "900" {
		t.Fatalf("fault: %v", err)
	}
	res, err := cb.Open(context.Background(), "u")
	if err != nil {
		t.Fatal(err)
	}
	if tb := res.Bubbles[0].(*clova.TextBubble); tb.Title != "Hi" {
		t.Errorf("welcome %+v", tb)
	}
	srv.Handle("POST "+clovatest.InvokePath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"version": "v2", "userId": "override", "timestamp": 1, "bubbles": []any{}, "event": "send"})
	}))
	if res, err := cb.Send(context.Background(), "u", "x"); err != nil || res.UserID != "override" {
		t.Errorf("override: %+v %v", res, err)
	}
	if n := len(srv.Calls()); n != 3 {
		t.Errorf("%d calls after reset, want 3", n)
	}
}

// TestFailNext: a fault with no body gets API Gateway's error body for its
// status, so a client sees the gateway's code and message; a fault with a
// body gets that body; Method and Path select the requests it applies to.
func TestFailNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fault       clovatest.Fault
		wantStatus  int
		wantCode    string
		wantMessage string
	}{
		{"401 filled in", clovatest.Fault{Status: 401}, 401, "200", "Authentication Failed"},
		{"429 filled in", clovatest.Fault{Status: 429, Header: http.Header{"Retry-After": {"3"}}}, 429, "400", "Quota Exceeded"},
		{"503 filled in", clovatest.Fault{Status: 503}, 503, "500", "Endpoint Error"},
		{"unlisted status filled in", clovatest.Fault{Status: 502}, 502, "900", "Unexpected Error"},
		{"own body kept", clovatest.Fault{Status: 500, Body: []byte(`{"code":"E1","message":"mine"}`)}, 500, "E1", "mine"},
		{"method and path", clovatest.Fault{Method: http.MethodPost, Path: clovatest.InvokePath, Status: 404}, 404, "300", "Not Found Exception"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := clovatest.NewServer(t)
			srv.FailNext(tc.fault)
			_, err := srv.Client().Send(t.Context(), "u", "hi")
			var ae *clova.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("Send = %v, want an *APIError", err)
			}
			got := []any{ae.StatusCode, ae.Code, ae.Message}
			if d := cmp.Diff([]any{tc.wantStatus, tc.wantCode, tc.wantMessage}, got); d != "" {
				t.Errorf("APIError (-want +got):\n%s", d)
			}
			// The fault is spent: the next request is answered.
			if _, err := srv.Client().Send(t.Context(), "u", "hi"); err != nil {
				t.Errorf("second Send: %v", err)
			}
		})
	}
	t.Run("other path untouched", func(t *testing.T) {
		t.Parallel()
		srv := clovatest.NewServer(t)
		srv.FailNext(clovatest.Fault{Path: "/elsewhere", Status: 500})
		if _, err := srv.Client().Send(t.Context(), "u", "hi"); err != nil {
			t.Errorf("Send: %v", err)
		}
	})
}

// TestServerClient: Client is wired to the fake, signing with its key and
// stamping with its clock; URL is the invoke URL.
func TestServerClient(t *testing.T) {
	t.Parallel()
	srv := clovatest.NewServer(t, clovatest.WithClock(func() time.Time { return time.UnixMilli(7) }))
	srv.ReplyText("hi", "hello")
	res, err := srv.Client().Send(t.Context(), "u", "hi")
	if err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls()
	got := []any{res.Bubbles[0].(*clova.TextBubble).Data.Description, res.Timestamp, len(calls), calls[0].SignatureValid, calls[0].Request.Timestamp, strings.HasSuffix(srv.URL(), clovatest.InvokePath)}
	if d := cmp.Diff([]any{"hello", int64(7), 1, true, int64(7), true}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// A client with the default key: what clova.New with SecretKey gives.
	cb, err := clova.New(srv.URL(), clovatest.SecretKey, clova.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cb.Open(t.Context(), "u"); err != nil {
		t.Errorf("Open with SecretKey: %v", err)
	}
}

func TestStartOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []clovatest.ServerOption
	}{
		{"empty secret key", []clovatest.ServerOption{clovatest.WithSecretKey("")}},
		{"nil clock", []clovatest.ServerOption{clovatest.WithClock(nil)}},
		{"nil option", []clovatest.ServerOption{nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, err := clovatest.Start(tc.opts...)
			if err == nil {
				srv.Close()
				t.Fatal("Start succeeded; want an error")
			}
			if !strings.HasPrefix(err.Error(), "clovatest: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}
