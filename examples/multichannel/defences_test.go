package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// The values the tests configure. None of them may ever appear in a
// message.
const (
	testLineSecret  = "test-line-channel-secret"
	testLineToken   = "test-line-channel-token"
	testKakaoSecret = "test-kakao-skill-secret"
	testKakaoBot    = "5f1a2b3c4d5e6f7a8b9c0d1e"
	testTalkKey     = "test-talktalk-authorization-key"
	testPathToken   = "0123456789abcdef0123456789abcdef"
	testPrevToken   = "fedcba9876543210fedcba9876543210"
	testWorksSecret = "test-naverworks-bot-secret"
)

// testEnv is a configuration that mounts every platform, with the
// variables the examples' README lists.
func testEnv() map[string]string {
	return map[string]string{
		"LINE_CHANNEL_SECRET":          testLineSecret,
		"LINE_CHANNEL_TOKEN":           testLineToken,
		"KAKAO_SKILL_SECRET":           testKakaoSecret,
		"KAKAO_BOT_IDS":                testKakaoBot,
		"TALKTALK_AUTHORIZATION_KEY":   testTalkKey,
		"TALKTALK_PATH_TOKEN":          testPathToken,
		"TALKTALK_PATH_TOKEN_PREVIOUS": testPrevToken,
		"NAVERWORKS_CLIENT_ID":         naverworkstest.ClientID,
		"NAVERWORKS_CLIENT_SECRET":     naverworkstest.ClientSecret,
		"NAVERWORKS_SERVICE_ACCOUNT":   naverworkstest.ServiceAccount,
		"NAVERWORKS_PRIVATE_KEY":       naverworkstest.PrivateKeyPEM(),
		"NAVERWORKS_BOT_ID":            naverworkstest.BotID,
		"NAVERWORKS_BOT_SECRET":        testWorksSecret,
		"CLOVA_EXTENSION_ID":           clovatest.ApplicationID,
	}
}

func kakaoRequest(t *testing.T, opts ...kakaotest.RequestOption) *http.Request {
	t.Helper()
	body := kakaotest.NewBody(t, append([]kakaotest.RequestOption{kakaotest.WithBotID(testKakaoBot), kakaotest.WithUtterance("hello")}, opts...)...)
	r := httptest.NewRequest(http.MethodPost, "/kakao/skill", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// TestServerRefusesRequestsWithoutCredentials drives the mux the server
// serves, built from the environment: every platform's defence is on, and
// a request without its credential is refused with the platform's status.
// The requests with the credential show that the credential is what makes
// the difference.
func TestServerRefusesRequestsWithoutCredentials(t *testing.T) {
	t.Parallel()
	worksEvent := &naverworks.LeaveEvent{Envelope: naverworks.Envelope{Source: naverworks.Source{UserID: "user-1"}}}
	tests := []struct {
		name string
		req  func(t *testing.T) *http.Request
		want int
	}{
		{"kakao/with the header secret", func(t *testing.T) *http.Request {
			r := kakaoRequest(t)
			r.Header.Set("X-Skill-Token", testKakaoSecret)
			return r
		}, http.StatusOK},
		{"kakao/without the header secret", func(t *testing.T) *http.Request { return kakaoRequest(t) }, http.StatusForbidden},
		{"kakao/with a wrong header secret", func(t *testing.T) *http.Request {
			r := kakaoRequest(t)
			r.Header.Set("X-Skill-Token", "guessed")
			return r
		}, http.StatusForbidden},
		{"kakao/the secret under another header name", func(t *testing.T) *http.Request {
			r := kakaoRequest(t)
			r.Header.Set("X-Skill-Secret", testKakaoSecret)
			return r
		}, http.StatusForbidden},
		{"kakao/another bot", func(t *testing.T) *http.Request {
			r := kakaoRequest(t, kakaotest.WithBotID("another-bot"))
			r.Header.Set("X-Skill-Token", testKakaoSecret)
			return r
		}, http.StatusForbidden},
		{"talktalk/with the path token", func(t *testing.T) *http.Request {
			return talktalktest.NewEvent(t, talktalktest.Text("al-user", "hello"), talktalktest.WithTarget("/talktalk/"+testPathToken))
		}, http.StatusOK},
		{"talktalk/with the previous path token", func(t *testing.T) *http.Request {
			return talktalktest.NewEvent(t, talktalktest.Text("al-user", "hello"), talktalktest.WithTarget("/talktalk/"+testPrevToken))
		}, http.StatusOK},
		{"talktalk/without the path token", func(t *testing.T) *http.Request {
			return talktalktest.NewEvent(t, talktalktest.Text("al-user", "hello"), talktalktest.WithTarget("/talktalk/"))
		}, http.StatusForbidden},
		{"talktalk/with a wrong path token", func(t *testing.T) *http.Request {
			return talktalktest.NewEvent(t, talktalktest.Text("al-user", "hello"), talktalktest.WithTarget("/talktalk/guessed"))
		}, http.StatusForbidden},
		{"talktalk/from outside TalkTalk's addresses", func(t *testing.T) *http.Request {
			return talktalktest.NewEvent(t, talktalktest.Text("al-user", "hello"), talktalktest.WithTarget("/talktalk/"+testPathToken),
				talktalktest.WithRemoteAddr("203.0.113.7:4000"))
		}, http.StatusForbidden},
		{"line/signed (the console's URL check)", func(t *testing.T) *http.Request {
			r := linetest.NewRequest(t, testLineSecret)
			r.URL.Path = "/line"
			return r
		}, http.StatusOK},
		{"line/unsigned", func(t *testing.T) *http.Request {
			r := linetest.NewRequest(t, testLineSecret, linetest.TextMessage("U1", "hi"))
			r.URL.Path = "/line"
			r.Header.Del("X-Line-Signature")
			return r
		}, http.StatusUnauthorized},
		{"line/signed with another secret", func(t *testing.T) *http.Request {
			r := linetest.NewRequest(t, "another-secret", linetest.TextMessage("U1", "hi"))
			r.URL.Path = "/line"
			return r
		}, http.StatusUnauthorized},
		{"naverworks/unsigned", func(t *testing.T) *http.Request {
			r := naverworkstest.NewRequest(t, testWorksSecret, worksEvent)
			r.URL.Path = "/naverworks/callback"
			r.Header.Del(naverworks.SignatureHeader)
			return r
		}, http.StatusUnauthorized},
		{"naverworks/signed with another secret", func(t *testing.T) *http.Request {
			r := naverworkstest.NewRequest(t, "another-secret", worksEvent)
			r.URL.Path = "/naverworks/callback"
			return r
		}, http.StatusUnauthorized},
		{"naverworks/for another bot", func(t *testing.T) *http.Request {
			r := naverworkstest.NewRequest(t, testWorksSecret, worksEvent)
			r.URL.Path = "/naverworks/callback"
			r.Header.Set(naverworks.BotIDHeader, "9999")
			return r
		}, http.StatusForbidden},
		{"clova/unsigned", func(t *testing.T) *http.Request {
			r := clovatest.NewRequest(t, nil, clovatest.Launch())
			r.URL.Path = "/clova"
			r.Header.Del("SignatureCEK")
			return r
		}, http.StatusUnauthorized},
		{"clova/signed with a key that is not CLOVA's", func(t *testing.T) *http.Request {
			r := clovatest.NewRequest(t, nil, clovatest.Launch())
			r.URL.Path = "/clova"
			return r
		}, http.StatusUnauthorized},
	}
	env := testEnv()
	mux, _, err := buildMux(context.Background(), func(k string) string { return env[k] }, discardLogger())
	if err != nil {
		t.Fatalf("buildMux: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, tt.req(t))
			if rec.Code != tt.want {
				t.Errorf("status = %d, want %d", rec.Code, tt.want)
			}
		})
	}
}

// TestServerRefusesToStartWithoutADefence: a platform whose defence is not
// configured is not served at all. The program exits non-zero with a
// message naming the missing variable and showing no value.
func TestServerRefusesToStartWithoutADefence(t *testing.T) {
	t.Parallel()
	without := func(names ...string) map[string]string {
		env := testEnv()
		for _, n := range names {
			delete(env, n)
		}
		return env
	}
	tests := []struct {
		name string
		env  map[string]string
		want string // in the message
	}{
		{"kakao without its header secret", without("KAKAO_SKILL_SECRET"), "KAKAO_SKILL_SECRET"},
		{"talktalk without its path token", without("TALKTALK_PATH_TOKEN"), "TALKTALK_PATH_TOKEN"},
		{"line without its channel secret", without("LINE_CHANNEL_SECRET"), "LINE_CHANNEL_SECRET"},
		{"naverworks without its bot secret", without("NAVERWORKS_BOT_SECRET"), "NAVERWORKS_BOT_SECRET"},
		{"naverworks without its bot ID", without("NAVERWORKS_BOT_ID"), "NAVERWORKS_BOT_ID"},
		{"clova without its extension ID", map[string]string{"CLOVA_PUBLIC_KEY_URL": "https://example.com/key.pem"}, "CLOVA_EXTENSION_ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.env["ADDR"] = "127.0.0.1:0"
			// A cancelled context: a server that starts anyway stops at
			// once, and exits 0.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var out bytes.Buffer
			code := run(ctx, nil, &out, &out, func(k string) string { return tt.env[k] })
			if code == 0 {
				t.Fatalf("the server started without %s:\n%s", tt.want, out.String())
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("message does not name %s:\n%s", tt.want, out.String())
			}
			for name, v := range tt.env {
				if name != "ADDR" && strings.Contains(out.String(), v) {
					t.Errorf("message shows the value of %s:\n%s", name, out.String())
				}
			}
		})
	}
}

// TestDemoConfiguresTheDefences: the demo's platforms are built as the
// server's are, so a demo request stripped of its credential is refused.
func TestDemoConfiguresTheDefences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rig   rigFunc
		strip func(r *http.Request)
		want  int
	}{
		{"line", lineRig, func(r *http.Request) { r.Header.Del("X-Line-Signature") }, http.StatusUnauthorized},
		{"kakao", kakaoRig, func(r *http.Request) { r.Header.Del("X-Skill-Token") }, http.StatusForbidden},
		{"talktalk", talktalkRig, func(r *http.Request) { r.URL.Path = "/talktalk/guessed" }, http.StatusForbidden},
		{"naverworks", naverworksRig, func(r *http.Request) { r.Header.Del(naverworks.SignatureHeader) }, http.StatusUnauthorized},
		{"clova", clovaRig, func(r *http.Request) { r.Header.Del("SignatureCEK") }, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			obs := &transcript{}
			r, err := tt.rig(demoBot{bot: NewBot(demoSlow), t: obs})
			if err != nil {
				t.Fatal(err)
			}
			defer r.close()
			mux := http.NewServeMux()
			mux.Handle("POST "+r.pattern, r.handler)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			for _, strip := range []bool{false, true} {
				req, err := r.steps[1].request(srv.URL + r.target)
				if err != nil {
					t.Fatal(err)
				}
				want := http.StatusOK
				if strip {
					tt.strip(req)
					want = tt.want
				}
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Errorf("stripped %v: status = %d, want %d", strip, resp.StatusCode, want)
				}
				if r.wait != nil {
					if err := r.wait(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
			}
			if _, failures := obs.drain(); len(failures) != 1 {
				t.Errorf("handler failures = %v, want the one refusal", failures)
			}
		})
	}
}
