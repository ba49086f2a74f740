package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/redisstore/internal/redistest"
	"github.com/google/go-cmp/cmp"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // "" for no error
	}{
		{"nothing", nil, "LINE_CHANNEL_SECRET, LINE_CHANNEL_TOKEN"},
		{"LINE only", map[string]string{"LINE_CHANNEL_SECRET": "s3cr3t", "LINE_CHANNEL_TOKEN": "t0k3n"}, ""},
		{"part of NAVER WORKS", map[string]string{"LINE_CHANNEL_SECRET": "s3cr3t", "LINE_CHANNEL_TOKEN": "t0k3n", "NAVERWORKS_BOT_ID": "b"},
			"NAVERWORKS_CLIENT_ID, NAVERWORKS_CLIENT_SECRET, NAVERWORKS_SERVICE_ACCOUNT, NAVERWORKS_PRIVATE_KEY, NAVERWORKS_BOT_SECRET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(func(k string) string { return tc.env[k] })
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || !strings.HasSuffix(err.Error(), tc.want)):
				t.Fatalf("error %v, want one naming %s", err, tc.want)
			}
			for _, v := range tc.env {
				if err != nil && strings.Contains(err.Error(), v) && len(v) > 1 {
					t.Errorf("error %q shows the value %q", err, v)
				}
			}
		})
	}
}

// rig is a fleet of replicas of the app on the platforms' fakes.
type rig struct {
	line *linetest.Server
	nw   *naverworkstest.Server
	apps []*app
}

func newRig(t *testing.T, redisURL string, replicas int) *rig {
	t.Helper()
	r := &rig{line: linetest.NewServer(t), nw: naverworkstest.NewServer(t)}
	cfg := config{redisURL: redisURL, lineSecret: linetest.ChannelSecret, lineToken: linetest.ChannelToken,
		nw: &naverworksConfig{clientID: naverworkstest.ClientID, clientSecret: naverworkstest.ClientSecret,
			serviceAccount: naverworkstest.ServiceAccount, privateKey: naverworkstest.PrivateKeyPEM(),
			botID: naverworkstest.BotID, botSecret: naverworkstest.BotSecret}}
	f := fakes{
		line:       []line.Option{line.WithBaseURL(r.line.URL()), line.WithHTTPClient(r.line.HTTPClient())},
		naverworks: []naverworks.Option{naverworks.WithBaseURL(r.nw.BaseURL()), naverworks.WithHTTPClient(r.nw.HTTPClient())},
		nwToken:    []naverworks.TokenOption{naverworks.WithTokenURL(r.nw.TokenURL()), naverworks.WithTokenHTTPClient(r.nw.HTTPClient())},
	}
	logger := slog.New(slog.DiscardHandler)
	for range replicas {
		a, err := newApp(t.Context(), cfg, logger, f)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := a.drain(ctx); err != nil {
				t.Error(err)
			}
			if err := a.close(); err != nil {
				t.Error(err)
			}
		})
		r.apps = append(r.apps, a)
	}
	return r
}

func (r *rig) post(t *testing.T, a *app, path string, req *http.Request) {
	t.Helper()
	req.URL.Path = path
	w := httptest.NewRecorder()
	a.mux.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("%s answered %d", req.URL.Path, w.Code)
	}
}

// replyTexts are the texts of LINE's replies so far.
func (r *rig) replyTexts(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, c := range r.line.Replies() {
		var body struct {
			Messages []struct{ Text string } `json:"messages"`
		}
		if err := json.Unmarshal(c.Body, &body); err != nil {
			t.Fatal(err)
		}
		for _, m := range body.Messages {
			out = append(out, m.Text)
		}
	}
	return out
}

// waitFor polls cond: the queue's worker answers after the request
// returned.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestReplicas runs the same conversation on both wirings: one process
// in memory, and two replicas sharing a real redis-server. With Redis the
// LINE events go through the queue to either replica's worker, the count
// is shared across replicas, a redelivery that reaches the other replica
// is answered once, and the two replicas' NAVER WORKS clients make one
// token exchange.
func TestReplicas(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		redis    bool
		replicas int
	}{
		{"in process", false, 1},
		{"on Redis", true, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := ""
			if tc.redis {
				url = redistest.Start(t)
			}
			r := newRig(t, url, tc.replicas)
			if got := r.apps[0].redis; got != tc.redis {
				t.Fatalf("app on Redis: %v, want %v", got, tc.redis)
			}
			var want []string
			var first *line.MessageEvent
			for i, text := range []string{"a", "b", "c"} {
				ev := linetest.TextMessage("U4af4980629a1b2c3d4e5f60718293a4b", text)
				if first == nil {
					first = ev
				}
				want = append(want, fmt.Sprintf("#%d: %s", i+1, text))
				r.post(t, r.apps[i%len(r.apps)], "/line", linetest.NewRequest(t, linetest.ChannelSecret, ev))
				// One message at a time, so the count's order is the
				// messages' order.
				waitFor(t, "the reply to "+text, func() bool { return len(r.replyTexts(t)) == i+1 })
			}
			again := *first
			again.DeliveryContext.IsRedelivery = true
			r.post(t, r.apps[len(r.apps)-1], "/line", linetest.NewRequest(t, linetest.ChannelSecret, &again))
			for i, a := range r.apps {
				nwReq := naverworkstest.NewRequest(t, naverworkstest.BotSecret, &naverworks.MessageEvent{
					Envelope: naverworks.Envelope{Source: naverworks.Source{UserID: fmt.Sprintf("nw-user-%d", i)}},
					Content:  &naverworks.TextContent{Text: "hi"}})
				r.post(t, a, "/naverworks/callback", nwReq)
			}
			for _, a := range r.apps {
				if err := a.nw.Wait(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			if tc.redis {
				// The redelivery went through the queue too: let it be
				// handled (and dropped) before counting the replies.
				waitFor(t, "the redelivery handled", func() bool {
					var s int64
					for _, a := range r.apps {
						s += a.st.queue.Stats().Handled
					}
					return s == 4
				})
			}
			if diff := cmp.Diff(want, r.replyTexts(t)); diff != "" {
				t.Errorf("LINE replies (-want +got):\n%s", diff)
			}
			if n := len(r.nw.Messages()); n != tc.replicas {
				t.Errorf("%d NAVER WORKS messages, want %d", n, tc.replicas)
			}
			if n := r.nw.TokenRequests(); n != 1 {
				t.Errorf("%d NAVER WORKS token exchanges for %d replicas, want 1", n, tc.replicas)
			}
		})
	}
}

// TestBadRedisURL: a REDIS_URL that does not parse stops the program
// with an error that does not show the URL, which may hold a password.
func TestBadRedisURL(t *testing.T) {
	t.Parallel()
	_, err := newStores(t.Context(), "redis://user:hunter2@[::1", slog.New(slog.DiscardHandler))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("newStores with a bad URL: %v, want an error without the password", err)
	}
}
