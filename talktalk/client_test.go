package talktalk_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

const testKey = "ct_wc8b1i_Pb1AXDQ0RZWuCccpzdNL"

type captured struct {
	Method, Path, Auth, ContentType, UserAgent string
	Body                                       any
}

// apiServer is a per-test mux that records requests and answers with
// respond (default: success).
func apiServer(t *testing.T, respond func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, func() []captured) {
	t.Helper()
	var mu sync.Mutex
	var calls []captured
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c := captured{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type"), UserAgent: r.Header.Get("User-Agent")}
		if len(b) > 0 {
			c.Body = normalize(t, b)
		}
		mu.Lock()
		calls = append(calls, c)
		mu.Unlock()
		if respond != nil {
			respond(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/imageUpload") {
			io.WriteString(w, `{"success":true,"resultCode":"00","imageId":"img-xyz"}`)
			return
		}
		io.WriteString(w, `{"success":true,"resultCode":"00"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []captured {
		mu.Lock()
		defer mu.Unlock()
		return append([]captured(nil), calls...)
	}
}

func newClient(t *testing.T, base string, opts ...talktalk.Option) *talktalk.Client {
	t.Helper()
	c, err := talktalk.New(testKey, append([]talktalk.Option{talktalk.WithBaseURL(base)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientCalls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name     string
		call     func(c *talktalk.Client) error
		wantPath string
		wantBody string
	}{
		{"SendText", func(c *talktalk.Client) error { _, err := c.SendText(ctx, "u1", "안녕"); return err },
			"/prefix/chatbot/v1/event", `{"event":"send","user":"u1","textContent":{"text":"안녕"}}`},
		{"Send with notification", func(c *talktalk.Client) error {
			_, err := c.Send(ctx, &talktalk.SendEvent{User: "u1", Content: talktalk.Content{Image: &talktalk.ImageContent{ImageID: "img-1"}}, Options: talktalk.SendOptions{Notification: true}})
			return err
		}, "/prefix/chatbot/v1/event", `{"event":"send","user":"u1","imageContent":{"imageId":"img-1"},"options":{"notification":true}}`},
		{"Typing on", func(c *talktalk.Client) error { _, err := c.Typing(ctx, "u1", true); return err },
			"/prefix/chatbot/v1/event", `{"event":"action","user":"u1","options":{"action":"typingOn"}}`},
		{"Typing off", func(c *talktalk.Client) error { _, err := c.Typing(ctx, "u1", false); return err },
			"/prefix/chatbot/v1/event", `{"event":"action","user":"u1","options":{"action":"typingOff"}}`},
		{"UploadImage", func(c *talktalk.Client) error {
			res, err := c.UploadImage(ctx, "https://example.com/a.png")
			if err == nil && res.ImageID != "img-xyz" {
				return errors.New("imageId " + res.ImageID)
			}
			return err
		}, "/prefix/chatbot/v1/imageUpload", `{"imageUrl":"https://example.com/a.png"}`},
		{"SetPersistentMenu", func(c *talktalk.Client) error {
			_, err := c.SetPersistentMenu(ctx, talktalk.MenuList{&talktalk.TextMenu{Title: "이벤트", Code: "EVENT"}})
			return err
		}, "/prefix/chatbot/v1/event", `{"event":"persistentMenu","menuContent":[{"menus":[{"type":"TEXT","data":{"title":"이벤트","code":"EVENT"}}]}]}`},
		{"DeletePersistentMenu", func(c *talktalk.Client) error { _, err := c.DeletePersistentMenu(ctx); return err },
			"/prefix/chatbot/v1/event", `{"event":"persistentMenu","menuContent":[]}`},
		{"PassThread", func(c *talktalk.Client) error { _, err := c.PassThread(ctx, "u1"); return err },
			"/prefix/chatbot/v1/event", `{"event":"handover","user":"u1","options":{"control":"passThread","targetId":1}}`},
		{"TakeThread", func(c *talktalk.Client) error { _, err := c.TakeThread(ctx, "u1"); return err },
			"/prefix/chatbot/v1/event", `{"event":"handover","user":"u1","options":{"control":"takeThread","metadata":""}}`},
		{"PassToHuman", func(c *talktalk.Client) error { return message.Handover(c).PassToHuman(ctx, "u1") },
			"/prefix/chatbot/v1/event", `{"event":"handover","user":"u1","options":{"control":"passThread","targetId":1}}`},
		{"TakeBack", func(c *talktalk.Client) error { return message.Handover(c).TakeBack(ctx, "u1") },
			"/prefix/chatbot/v1/event", `{"event":"handover","user":"u1","options":{"control":"takeThread","metadata":""}}`},
		{"RequestProfile", func(c *talktalk.Client) error {
			_, err := c.RequestProfile(ctx, "u1", talktalk.ProfileAddress, talktalk.ProfileCellphone)
			return err
		}, "/prefix/chatbot/v1/event", `{"event":"profile","user":"u1","options":{"field":"address","agreements":["cellphone"]}}`},
		{"Post product", func(c *talktalk.Client) error {
			_, err := c.Post(ctx, &talktalk.ProductEvent{User: "u1", Options: talktalk.ProductOptions{IDs: []int64{1002324883}, DisplayType: talktalk.DisplaySingle}})
			return err
		}, "/prefix/chatbot/v1/event", `{"event":"product","user":"u1","options":{"ids":[1002324883],"displayType":"single"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, calls := apiServer(t, nil)
			c := newClient(t, srv.URL+"/prefix/chatbot/v1")
			if err := tt.call(c); err != nil {
				t.Fatal(err)
			}
			got := calls()
			if len(got) != 1 {
				t.Fatalf("%d requests", len(got))
			}
			want := captured{Method: "POST", Path: tt.wantPath, Auth: testKey, ContentType: "application/json;charset=UTF-8", UserAgent: got[0].UserAgent, Body: normalize(t, []byte(tt.wantBody))}
			if diff := cmp.Diff(want, got[0]); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(got[0].UserAgent, "channelkit-go/") {
				t.Errorf("User-Agent = %q", got[0].UserAgent)
			}
		})
	}
}

func TestClientResultMeta(t *testing.T) {
	t.Parallel()
	srv, _ := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-42")
		io.WriteString(w, `{"success":true,"resultCode":"00","resultMessage":"ok"}`)
	})
	res, err := newClient(t, srv.URL).SendText(context.Background(), "u1", "hi")
	if err != nil {
		t.Fatal(err)
	}
	if res.Meta.StatusCode != 200 || res.Meta.RequestID != "req-42" || res.ResultCode != "00" || res.ResultMessage != "ok" || res.Meta.Header.Get("X-Request-Id") != "req-42" {
		t.Errorf("result = %+v", res)
	}
}

func TestClientAPIErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		header     map[string]string
		body       string
		upload     bool
		want       error
		wantCode   string
		wantRetry  time.Duration
		wantInText string
	}{
		{"01 unauthorized", 200, nil, `{"success":false,"resultCode":"01","resultMessage":"Authorization invalid"}`, false, talktalk.ErrUnauthorized, "01", 0, "resultCode 01 (HTTP 200): Authorization invalid"},
		{"02 invalid JSON", 200, nil, `{"success":false,"resultCode":"02","resultMessage":"request json 문자열 파싱 오류"}`, false, talktalk.ErrInvalidJSON, "02", 0, "파싱 오류"},
		{"03 not permitted", 200, nil, `{"success":false,"resultCode":"03","resultMessage":"권한 없는 파트너에 대한 요청"}`, false, talktalk.ErrNotPermitted, "03", 0, ""},
		{"04 cannot send", 200, nil, `{"success":false,"resultCode":"04"}`, false, talktalk.ErrCannotSend, "04", 0, ""},
		{"99 other", 200, nil, `{"success":false,"resultCode":"99","resultMessage":"알 수 없는 오류"}`, false, talktalk.ErrServer, "99", 0, ""},
		{"IMG-01", 200, nil, `{"success":false,"resultCode":"IMG-01"}`, true, talktalk.ErrImageFormat, "IMG-01", 0, ""},
		{"IMG-02", 200, nil, `{"success":false,"resultCode":"IMG-02"}`, true, talktalk.ErrImageTimeout, "IMG-02", 0, ""},
		{"IMG-03", 200, nil, `{"success":false,"resultCode":"IMG-03"}`, true, talktalk.ErrImageTooLarge, "IMG-03", 0, ""},
		{"IMG-99", 200, nil, `{"success":false,"resultCode":"IMG-99","resultMessage":"upload error"}`, true, talktalk.ErrImageUpload, "IMG-99", 0, ""},
		{"unknown code", 200, nil, `{"success":false,"resultCode":"77"}`, false, nil, "77", 0, "resultCode 77"},
		{"gateway 502 HTML", 502, nil, `<html>bad gateway</html>`, false, talktalk.ErrServer, "", 0, "HTTP 502"},
		{"401", 401, nil, ``, false, talktalk.ErrUnauthorized, "", 0, ""},
		{"429", 429, map[string]string{"Retry-After": "7"}, ``, false, talktalk.ErrRateLimited, "", 7 * time.Second, ""},
		{"200 not JSON", 200, nil, `OK`, false, talktalk.ErrUnexpectedResponse, "", 0, ""},
		{"200 success without imageId", 200, nil, `{"success":true,"resultCode":"00"}`, true, talktalk.ErrUnexpectedResponse, "00", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, calls := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			c := newClient(t, srv.URL, talktalk.WithRetry(1, 0, 0))
			var err error
			if tt.upload {
				_, err = c.UploadImage(context.Background(), "https://example.com/a.png")
			} else {
				_, err = c.SendText(context.Background(), "u1", "private message text")
			}
			var ae *talktalk.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v; want *APIError", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v; want it to wrap %v", err, tt.want)
			}
			if ae.StatusCode != tt.status || ae.Code != tt.wantCode || ae.RetryAfter != tt.wantRetry {
				t.Errorf("APIError = %+v", ae)
			}
			if string(ae.Body) != tt.body {
				t.Errorf("Body = %q", ae.Body)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "talktalk: ") || !strings.Contains(msg, tt.wantInText) {
				t.Errorf("Error() = %q; want prefix talktalk: and %q", msg, tt.wantInText)
			}
			for _, leak := range []string{testKey, "private message text", "<html>"} {
				if strings.Contains(msg, leak) {
					t.Errorf("Error() %q leaks %q", msg, leak)
				}
			}
			if n := len(calls()); n != 1 {
				t.Errorf("%d attempts with retries disabled", n)
			}
		})
	}
}

func TestClientRetryPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		call         func(c *talktalk.Client) error
		wantAttempts int
	}{
		// A send that may have been delivered is never repeated.
		{"send not retried on 500", func(c *talktalk.Client) error { _, err := c.SendText(context.Background(), "u1", "hi"); return err }, 1},
		{"pass thread not retried on 500", func(c *talktalk.Client) error { _, err := c.PassThread(context.Background(), "u1"); return err }, 1},
		{"upload retried on 500", func(c *talktalk.Client) error {
			_, err := c.UploadImage(context.Background(), "https://example.com/a.png")
			return err
		}, 2},
		{"typing retried on 500", func(c *talktalk.Client) error { _, err := c.Typing(context.Background(), "u1", true); return err }, 2},
		{"menu retried on 500", func(c *talktalk.Client) error { _, err := c.DeletePersistentMenu(context.Background()); return err }, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			srv, _ := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					w.WriteHeader(500)
					return
				}
				io.WriteString(w, `{"success":true,"resultCode":"00","imageId":"img"}`)
			})
			// One nanosecond of backoff: full jitter draws 0.
			c := newClient(t, srv.URL, talktalk.WithRetry(3, time.Nanosecond, time.Nanosecond))
			err := tt.call(c)
			if got := int(n.Load()); got != tt.wantAttempts {
				t.Errorf("%d attempts, want %d", got, tt.wantAttempts)
			}
			if tt.wantAttempts == 1 && !errors.Is(err, talktalk.ErrServer) {
				t.Errorf("err = %v", err)
			}
			if tt.wantAttempts > 1 && err != nil {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestClientValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	srv, calls := apiServer(t, nil)
	c := newClient(t, srv.URL)
	ctx := context.Background()
	// An event that breaks a rule is a *ValidationError at its JSON path;
	// a bad argument is an *ArgumentError naming it. Both wrap ErrInvalid.
	tests := []struct {
		name     string
		call     func() error
		wantPath string // a *ValidationError at this path
		wantArg  string // or, if set, an *ArgumentError for this argument
	}{
		{"no user", func() error { _, err := c.SendText(ctx, "", "hi"); return err }, "", "user"},
		{"event without user", func() error {
			_, err := c.Send(ctx, &talktalk.SendEvent{Content: talktalk.Content{Text: &talktalk.TextContent{Text: "hi"}}})
			return err
		}, "user", ""},
		{"text too long", func() error { _, err := c.SendText(ctx, "u1", strings.Repeat("가", 10001)); return err }, "textContent.text", ""},
		{"nil send", func() error { _, err := c.Send(ctx, nil); return err }, "", "ev"},
		{"nil post", func() error { _, err := c.Post(ctx, nil); return err }, "", "ev"},
		{"inbound event", func() error { _, err := c.Post(ctx, &talktalk.OpenEvent{User: "u1"}); return err }, "event", ""},
		{"bad typing", func() error { _, err := c.Post(ctx, &talktalk.ActionEvent{User: "u1"}); return err }, "options.action", ""},
		{"bad profile field", func() error { _, err := c.RequestProfile(ctx, "u1", "email"); return err }, "options.field", ""},
		{"empty menu", func() error { _, err := c.SetPersistentMenu(ctx, nil); return err }, "", "menus"},
		{"upload non-URL", func() error { _, err := c.UploadImage(ctx, "file:///etc/passwd"); return err }, "", "imageURL"},
		{"hand over without user", func() error { _, err := c.PassThread(ctx, ""); return err }, "", "user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, talktalk.ErrInvalid) || !strings.HasPrefix(fmt.Sprint(err), "talktalk: ") {
				t.Fatalf("err = %v; want one wrapping ErrInvalid", err)
			}
			if tt.wantArg != "" {
				var ae *talktalk.ArgumentError
				if !errors.As(err, &ae) {
					t.Fatalf("err = %v; want an *ArgumentError", err)
				}
				if ae.Arg != tt.wantArg {
					t.Errorf("argument = %q, want %q", ae.Arg, tt.wantArg)
				}
				return
			}
			var ve *talktalk.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v; want a *ValidationError", err)
			}
			if ve.Path != tt.wantPath {
				t.Errorf("path = %q, want %q", ve.Path, tt.wantPath)
			}
		})
	}
	if n := len(calls()); n != 0 {
		t.Errorf("%d invalid requests reached the server", n)
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		key  string
		opts []talktalk.Option
	}{
		{"empty key", "", nil},
		{"nil HTTP client", "k", []talktalk.Option{talktalk.WithHTTPClient(nil)}},
		{"relative base URL", "k", []talktalk.Option{talktalk.WithBaseURL("/chatbot")}},
		{"ftp base URL", "k", []talktalk.Option{talktalk.WithBaseURL("ftp://x/")}},
		{"negative retry", "k", []talktalk.Option{talktalk.WithRetry(-1, 0, 0)}},
		{"retry without delay", "k", []talktalk.Option{talktalk.WithRetry(3, 0, 0)}},
		{"nil logger", "k", []talktalk.Option{talktalk.WithLogger(nil)}},
		{"empty user agent", "k", []talktalk.Option{talktalk.WithUserAgent("")}},
		{"nil error handler", "k", []talktalk.Option{talktalk.WithErrorHandler(nil)}},
		{"nil option", "k", []talktalk.Option{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := talktalk.New(tt.key, tt.opts...)
			if err == nil {
				t.Fatal("New succeeded")
			}
			if !strings.HasPrefix(err.Error(), "talktalk: ") {
				t.Errorf("error %q lacks the prefix", err)
			}
			var ae *talktalk.ArgumentError
			if !errors.As(err, &ae) {
				t.Errorf("error %v is not an *ArgumentError", err)
			}
		})
	}
}

func TestClientNoSecretsInLogsOrErrors(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, _ := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
		io.WriteString(w, `{"success":false,"resultCode":"99","resultMessage":"echo body"}`)
	})
	c := newClient(t, srv.URL, talktalk.WithLogger(logger), talktalk.WithRetry(2, time.Nanosecond, time.Nanosecond))
	_, err1 := c.UploadImage(context.Background(), "https://example.com/secret-image.png")
	_, err2 := c.SendText(context.Background(), "u1", "secret message body")
	// A network failure: the server is gone.
	srv.Close()
	_, err3 := c.SendText(context.Background(), "u1", "secret message body")
	if err1 == nil || err2 == nil || err3 == nil {
		t.Fatal("expected errors")
	}
	if !strings.Contains(logs.String(), "talktalk: uploading image") {
		t.Errorf("debug log missing: %s", logs.String())
	}
	all := logs.String() + err1.Error() + err2.Error() + err3.Error()
	for _, secret := range []string{testKey, "secret message body", "secret-image"} {
		if strings.Contains(all, secret) {
			t.Errorf("logs or errors contain %q:\n%s", secret, all)
		}
	}
}

func TestClientConcurrentSends(t *testing.T) {
	t.Parallel()
	srv := talktalktest.NewServer(t)
	c := srv.Client()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.SendText(context.Background(), "u1", strings.Repeat("x", i+1)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(srv.Sent()); n != 20 {
		t.Errorf("%d sends recorded", n)
	}
}

// The key goes out verbatim: no Bearer, no prefix games.
func TestAuthorizationVerbatim(t *testing.T) {
	t.Parallel()
	srv := talktalktest.NewServer(t, talktalktest.WithAuthorizationKey("Pb1AXDQ0RZWuCccpzdNL"))
	good, _ := talktalk.New("Pb1AXDQ0RZWuCccpzdNL", talktalk.WithBaseURL(srv.BaseURL()))
	if _, err := good.SendText(context.Background(), "u1", "hi"); err != nil {
		t.Fatalf("verbatim key rejected: %v", err)
	}
	prefixed, _ := talktalk.New("ct_Pb1AXDQ0RZWuCccpzdNL", talktalk.WithBaseURL(srv.BaseURL()))
	if _, err := prefixed.SendText(context.Background(), "u1", "hi"); !errors.Is(err, talktalk.ErrUnauthorized) {
		t.Errorf("a different key got %v; want ErrUnauthorized", err)
	}
	if got := srv.Calls()[0].Header.Get("Authorization"); got != "Pb1AXDQ0RZWuCccpzdNL" {
		t.Errorf("Authorization = %q", got)
	}
}

// TestClientErrorHandler: the error handler receives each failed attempt
// that the client retried, with no request, and never the error the call
// returns.
func TestClientErrorHandler(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		failures     int // answers of 503 before a success
		wantReported int
		wantErr      error
	}{
		{"success at once", 0, 0, nil},
		{"success on the third attempt", 2, 2, nil},
		{"every attempt fails", 3, 2, talktalk.ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			srv, _ := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
				if int(n.Add(1)) <= tt.failures {
					w.WriteHeader(http.StatusServiceUnavailable)
					io.WriteString(w, `{"success":false,"resultCode":"99","resultMessage":"busy"}`)
					return
				}
				io.WriteString(w, `{"success":true,"resultCode":"00"}`)
			})
			var mu sync.Mutex
			var reported []error
			c := newClient(t, srv.URL, talktalk.WithRetry(3, time.Nanosecond, time.Nanosecond),
				talktalk.WithErrorHandler(func(r *http.Request, err error) {
					if r != nil {
						t.Error("the client handed a request to the error handler")
					}
					mu.Lock()
					reported = append(reported, err)
					mu.Unlock()
				}))
			_, err := c.Typing(context.Background(), "u1", true) // idempotent: retried on 503
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(reported) != tt.wantReported {
				t.Fatalf("reported %d errors, want %d: %v", len(reported), tt.wantReported, reported)
			}
			for _, r := range reported {
				if !errors.Is(r, talktalk.ErrServer) || r == err {
					t.Errorf("reported %v; want each retried 503", r)
				}
			}
		})
	}
}
