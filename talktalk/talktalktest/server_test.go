package talktalktest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"testing"

	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

type apiResult struct {
	Success    bool   `json:"success"`
	ResultCode string `json:"resultCode"`
	ImageID    string `json:"imageId"`
}

func post(t *testing.T, srv *talktalktest.Server, path, key, body string) apiResult {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+path, bytes.NewBufferString(body))
	req.Header.Set("Authorization", key)
	req.Header.Set("Content-Type", "application/json")
	res, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	var r apiResult
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return r
}

func TestServerAnswers(t *testing.T) {
	t.Parallel()
	key := talktalktest.AuthorizationKey
	tests := []struct {
		name, path, key, body, wantCode string
	}{
		{"send", talktalktest.EventPath, key, `{"event":"send","user":"u","textContent":{"text":"hi"}}`, "00"},
		{"wrong key", talktalktest.EventPath, "nope", `{"event":"send","user":"u","textContent":{"text":"hi"}}`, "01"},
		{"bearer prefix", talktalktest.EventPath, "Bearer " + key, `{"event":"send","user":"u","textContent":{"text":"hi"}}`, "01"},
		{"not JSON", talktalktest.EventPath, key, `{"event":`, "02"},
		{"unknown event", talktalktest.EventPath, key, `{"event":"teleport","user":"u"}`, "02"},
		{"inbound event", talktalktest.EventPath, key, `{"event":"open","user":"u","options":{}}`, "02"},
		{"missing text", talktalktest.EventPath, key, `{"event":"send","user":"u","textContent":{}}`, "02"},
		{"missing user", talktalktest.EventPath, key, `{"event":"send","textContent":{"text":"hi"}}`, "02"},
		{"unknown image id", talktalktest.EventPath, key, `{"event":"send","user":"u","imageContent":{"imageId":"never-issued"}}`, "99"},
		{"menu without user", talktalktest.EventPath, key, `{"event":"persistentMenu","menuContent":[]}`, "00"},
		{"upload png", talktalktest.ImageUploadPath, key, `{"imageUrl":"https://example.com/a.PNG?x=1"}`, "00"},
		{"upload bmp", talktalktest.ImageUploadPath, key, `{"imageUrl":"https://example.com/a.bmp"}`, "IMG-01"},
		{"upload no url", talktalktest.ImageUploadPath, key, `{}`, "02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := talktalktest.NewServer(t)
			r := post(t, srv, tt.path, tt.key, tt.body)
			if r.ResultCode != tt.wantCode || r.Success != (tt.wantCode == "00") {
				t.Errorf("answer = %+v, want code %s", r, tt.wantCode)
			}
			wantEvents := 0
			if tt.wantCode == "00" && tt.path == talktalktest.EventPath {
				wantEvents = 1
			}
			if n := len(srv.Events()); n != wantEvents {
				t.Errorf("%d events recorded, want %d", n, wantEvents)
			}
			if len(srv.Calls()) != 1 {
				t.Errorf("%d calls recorded", len(srv.Calls()))
			}
		})
	}
}

func TestServerUploadThenSend(t *testing.T) {
	t.Parallel()
	srv := talktalktest.NewServer(t)
	c := srv.Client()
	ctx := context.Background()
	up, err := c.UploadImage(ctx, "https://example.com/cat.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(ctx, &talktalk.SendEvent{User: "u", Content: talktalk.Content{Image: &talktalk.ImageContent{ImageID: up.ImageID}}}); err != nil {
		t.Fatalf("sending an uploaded image: %v", err)
	}
	if got := srv.Sent(); len(got) != 1 || got[0].Image.ImageID != up.ImageID {
		t.Errorf("sent = %+v", got)
	}
	srv.Reset()
	if len(srv.Events()) != 0 || len(srv.Calls()) != 0 {
		t.Error("Reset kept state")
	}
	if _, err := c.Send(ctx, &talktalk.SendEvent{User: "u", Content: talktalk.Content{Image: &talktalk.ImageContent{ImageID: up.ImageID}}}); !errors.Is(err, talktalk.ErrServer) {
		t.Errorf("image ID forgotten by Reset: err = %v", err)
	}
}

func TestServerFaults(t *testing.T) {
	t.Parallel()
	srv := talktalktest.NewServer(t)
	c, err := srv.NewClient(talktalk.WithRetry(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	srv.FailNextResult(talktalk.CodeImageTimeout, "timeout")
	if _, err := c.UploadImage(ctx, "https://example.com/a.gif"); !errors.Is(err, talktalk.ErrImageTimeout) {
		t.Errorf("FailNextResult: %v", err)
	}
	srv.FailNext(talktalktest.Fault{Path: talktalktest.EventPath, Status: http.StatusBadGateway, Body: []byte("<html>")})
	if _, err := c.SendText(ctx, "u", "hi"); !errors.Is(err, talktalk.ErrServer) {
		t.Errorf("FailNext 502: %v", err)
	}
	srv.Handle("POST "+talktalktest.EventPath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"success":false,"resultCode":"04"}`)
	}))
	if _, err := c.SendText(ctx, "u", "hi"); !errors.Is(err, talktalk.ErrCannotSend) {
		t.Errorf("Handle override: %v", err)
	}
	if n := len(srv.Events()); n != 0 {
		t.Errorf("%d events recorded from failed calls", n)
	}
}

func TestStartClose(t *testing.T) {
	srv, err := talktalktest.Start(talktalktest.WithAuthorizationKey("k2"))
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	if srv.AuthorizationKey() != "k2" {
		t.Errorf("key = %q", srv.AuthorizationKey())
	}
	if _, err := c.Typing(context.Background(), "u", true); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	if _, err := c.Typing(context.Background(), "u", true); err == nil {
		t.Error("call after Close succeeded")
	}
}

func TestRequestsComeFromTalkTalk(t *testing.T) {
	t.Parallel()
	list, err := signature.NewTalkTalkAllowList()
	if err != nil {
		t.Fatal(err)
	}
	r := talktalktest.NewEvent(t, talktalktest.Text("u", "hi"))
	if err := list.Check(r); err != nil {
		t.Errorf("builder request rejected: %v", err)
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json;charset=UTF-8" {
		t.Errorf("request = %s %v", r.Method, r.Header)
	}
	ap, _ := netip.ParseAddrPort(talktalktest.RemoteAddr)
	if !list.Contains(ap.Addr()) {
		t.Error("RemoteAddr outside the TalkTalk ranges")
	}
	// Over a real loopback connection, a trusted loopback proxy makes the
	// X-Forwarded-For the builder sets count.
	proxied, _ := signature.NewTalkTalkAllowList(signature.WithTrustedProxies("127.0.0.1"))
	r2 := talktalktest.NewEvent(t, talktalktest.Open("u"), talktalktest.WithRemoteAddr("127.0.0.1:9999"))
	if err := proxied.Check(r2); err != nil {
		t.Errorf("proxied request rejected: %v", err)
	}
	ev, err := talktalk.ParseRequest(nil, talktalktest.NewEvent(t, talktalktest.ButtonPress("u", "주문", "order=1")))
	if err != nil {
		t.Fatal(err)
	}
	if se := ev.(*talktalk.SendEvent); se.Text.Code != "order=1" || se.Text.InputType != talktalk.InputButton {
		t.Errorf("button press = %+v", se.Text)
	}
}

// TestFailNextFillsTheEnvelope: a Fault without a Body gets TalkTalk's
// success:false envelope for its status, so the client's error unwraps to
// the sentinel of that status; the fault answers Times requests that
// match, then the endpoint answers again.
func TestFailNextFillsTheEnvelope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    talktalktest.Fault
		wantErr  error
		wantCode string
	}{
		{"200", talktalktest.Fault{}, talktalk.ErrServer, talktalk.CodeServer},
		{"400", talktalktest.Fault{Status: http.StatusBadRequest}, talktalk.ErrInvalidJSON, talktalk.CodeInvalidJSON},
		{"401", talktalktest.Fault{Status: http.StatusUnauthorized}, talktalk.ErrUnauthorized, talktalk.CodeUnauthorized},
		{"403 on the event path", talktalktest.Fault{Method: http.MethodPost, Path: talktalktest.EventPath, Status: http.StatusForbidden}, talktalk.ErrUnauthorized, talktalk.CodeUnauthorized},
		{"429", talktalktest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}}, talktalk.ErrRateLimited, ""},
		{"503 twice", talktalktest.Fault{Status: http.StatusServiceUnavailable, Times: 2}, talktalk.ErrServer, talktalk.CodeServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := talktalktest.NewServer(t)
			c, err := srv.NewClient(talktalk.WithRetry(1, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			srv.FailNext(tt.fault)
			times := max(tt.fault.Times, 1)
			for i := range times {
				_, err := c.SendText(context.Background(), "u", "hi")
				var ae *talktalk.APIError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &ae) {
					t.Fatalf("request %d: err = %v, want %v", i, err, tt.wantErr)
				}
				if ae.Code != tt.wantCode {
					t.Errorf("request %d: code = %q, want %q", i, ae.Code, tt.wantCode)
				}
				if h := tt.fault.Header.Get("Retry-After"); h != "" && ae.RetryAfter == 0 {
					t.Errorf("request %d: Retry-After %s not seen", i, h)
				}
			}
			if _, err := c.SendText(context.Background(), "u", "hi"); err != nil {
				t.Errorf("after %d faults: %v", times, err)
			}
			if n := len(srv.Calls()); n != times+1 {
				t.Errorf("%d calls recorded, want %d", n, times+1)
			}
		})
	}
}

// TestFailNextMatches: a fault for another method or path leaves the
// request to the endpoint.
func TestFailNextMatches(t *testing.T) {
	t.Parallel()
	srv := talktalktest.NewServer(t)
	srv.FailNext(talktalktest.Fault{Path: talktalktest.ImageUploadPath, Status: http.StatusInternalServerError})
	srv.FailNext(talktalktest.Fault{Method: http.MethodGet, Status: http.StatusInternalServerError})
	if _, err := srv.Client().SendText(context.Background(), "u", "hi"); err != nil {
		t.Errorf("send hit a fault for another path or method: %v", err)
	}
}

func TestStartErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []talktalktest.ServerOption
	}{
		{"empty key", []talktalktest.ServerOption{talktalktest.WithAuthorizationKey("")}},
		{"nil option", []talktalktest.ServerOption{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if srv, err := talktalktest.Start(tt.opts...); err == nil {
				srv.Close()
				t.Error("Start succeeded")
			}
		})
	}
}
