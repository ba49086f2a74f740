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

func post(t *testing.T, srv *clovatest.ChatbotServer, body []byte, sig string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.InvokeURL, bytes.NewReader(body))
	req.Header.Set(clova.ChatbotSignatureHeader, sig)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestChatbotServer(t *testing.T) {
	t.Parallel()
	const secret = "s3cret"
	srv := clovatest.NewChatbotServer(t, secret)
	srv.SetClock(func() time.Time { return time.UnixMilli(42) })
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
	srv.Inject(clovatest.Fault{Status: 500, Body: `{"error":{"errorCode":"900","message":"oops"}}`})
	cb, err := clova.NewChatbot(srv.InvokeURL, secret, clova.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
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
