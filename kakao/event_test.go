package kakao_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/google/go-cmp/cmp"
)

func users(n int) []kakao.EventUser {
	us := make([]kakao.EventUser, n)
	for i := range us {
		us[i] = kakao.EventUser{Type: kakao.EventBotUserKey, ID: fmt.Sprintf("user-%03d", i)}
	}
	return us
}

// TestSendEvent: every case goes through the fake; the offline checks
// send nothing, a refusal is an *APIError without the key, and a sent
// event is never sent twice.
func TestSendEvent(t *testing.T) {
	t.Parallel()
	const bot = "64e9a0b1c2d3e4f5a6b7c8d9"
	good := &kakao.Event{Name: "delivery_done", Data: map[string]any{"order": "A-100"},
		Users:  []kakao.EventUser{{Type: kakao.EventAppUserID, ID: "1234", Properties: map[string]string{"tier": "gold"}}, {Type: kakao.EventPlusfriendUserKey, ID: "pfk"}},
		Params: map[string]string{"order": "A-100"}}
	tests := []struct {
		name       string
		setup      func(s *kakaotest.Server) *kakao.Client
		botID      string
		ev         *kakao.Event
		wantCalls  int
		wantStatus kakao.CallbackStatus
		wantErr    error
		wantPaths  []string
		wantHTTP   int
	}{
		{name: "success", ev: good, wantCalls: 1, wantStatus: kakao.CallbackSuccess},
		{name: "hundred_users", ev: &kakao.Event{Name: "e", Users: users(100)}, wantCalls: 1, wantStatus: kakao.CallbackSuccess},
		{name: "wrong_key", setup: func(s *kakaotest.Server) *kakao.Client {
			cl, err := kakao.New(kakao.WithHTTPClient(s.HTTPClient()), kakao.WithBaseURL(s.URL()), kakao.WithRESTAPIKey("PLANTED-wrong-rest-key"))
			if err != nil {
				t.Fatal(err)
			}
			return cl
		}, ev: good, wantCalls: 1, wantHTTP: 401},
		{name: "rejected_at_200", setup: func(s *kakaotest.Server) *kakao.Client {
			s.RejectNext(kakao.CallbackFail, "Event not found.")
			return s.Client()
		}, ev: good, wantCalls: 1, wantHTTP: 200},
		{name: "server_error_not_retried", setup: func(s *kakaotest.Server) *kakao.Client {
			s.FailNext(kakaotest.Fault{Status: http.StatusServiceUnavailable})
			return s.Client()
		}, ev: good, wantCalls: 1, wantHTTP: 503},
		{name: "no_key", setup: func(s *kakaotest.Server) *kakao.Client {
			cl, err := kakao.New(kakao.WithHTTPClient(s.HTTPClient()), kakao.WithBaseURL(s.URL()))
			if err != nil {
				t.Fatal(err)
			}
			return cl
		}, ev: good, wantErr: kakao.ErrInvalid},
		{name: "too_many_users", ev: &kakao.Event{Name: "e", Users: users(101)}, wantErr: kakao.ErrInvalid, wantPaths: []string{"user"}},
		{name: "no_users_no_name", ev: &kakao.Event{}, wantErr: kakao.ErrInvalid, wantPaths: []string{"event.name", "user"}},
		{name: "bad_user", ev: &kakao.Event{Name: "e", Users: []kakao.EventUser{{Type: "accountId", ID: "x"}, {Type: kakao.EventBotUserKey}}},
			wantErr: kakao.ErrInvalid, wantPaths: []string{"user[0].type", "user[1].id"}},
		{name: "nil_event", ev: nil, wantErr: kakao.ErrInvalid},
		{name: "empty_bot", botID: "-", ev: good, wantErr: kakao.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := kakaotest.NewServer(t)
			cl := s.Client()
			if tt.setup != nil {
				cl = tt.setup(s)
			}
			botID := bot
			if tt.botID == "-" {
				botID = ""
			}
			res, err := cl.SendEvent(context.Background(), botID, tt.ev)
			calls := s.Calls()
			if len(calls) != tt.wantCalls {
				t.Fatalf("%d calls reached the fake, want %d", len(calls), tt.wantCalls)
			}
			if err != nil && strings.Contains(err.Error(), "PLANTED-wrong-rest-key") || err != nil && strings.Contains(err.Error(), kakaotest.RESTAPIKey) {
				t.Errorf("error %q holds the key", err)
			}
			switch {
			case tt.wantHTTP != 0:
				var apiErr *kakao.APIError
				if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.wantHTTP {
					t.Fatalf("error %v, want an *APIError with HTTP %d", err, tt.wantHTTP)
				}
				if !strings.HasPrefix(apiErr.Error(), "kakao: event failed") {
					t.Errorf("error text %q", apiErr.Error())
				}
				return
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want one wrapping %v", err, tt.wantErr)
				}
				if tt.wantPaths != nil {
					var paths []string
					var ves kakao.ValidationErrors
					var ve *kakao.ValidationError
					switch {
					case errors.As(err, &ves):
						for _, e := range ves {
							paths = append(paths, e.Path)
						}
					case errors.As(err, &ve):
						paths = []string{ve.Path}
					}
					if diff := cmp.Diff(tt.wantPaths, paths); diff != "" {
						t.Errorf("paths (-want +got):\n%s", diff)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.wantStatus || res.TaskID == "" || res.TaskID != calls[0].TaskID || res.Meta.StatusCode != 200 {
				t.Errorf("result %+v", res)
			}
			c := calls[0]
			if c.BotID != bot || c.Header.Get("Authorization") != "KakaoAK "+kakaotest.RESTAPIKey || c.Path != "/v2/bots/"+bot+"/talk" {
				t.Errorf("call bot %q path %q", c.BotID, c.Path)
			}
			if diff := cmp.Diff(tt.ev, c.Event); diff != "" {
				t.Errorf("event the fake got (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEventWire: the wire form, and decode(encode(ev)) == ev.
func TestEventWire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ev   kakao.Event
		want string
	}{
		{"minimal", kakao.Event{Name: "e", Users: []kakao.EventUser{{Type: kakao.EventBotUserKey, ID: "u"}}},
			`{"event":{"name":"e"},"user":[{"type":"botUserKey","id":"u"}]}`},
		{"full", kakao.Event{Name: "e", Data: map[string]any{"k": "v"}, Params: map[string]string{"p": "1"},
			Users: []kakao.EventUser{{Type: kakao.EventAppUserID, ID: "u", Properties: map[string]string{"a": "b"}}}},
			`{"event":{"name":"e","data":{"k":"v"}},"user":[{"type":"appUserId","id":"u","properties":{"a":"b"}}],"params":{"p":"1"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("encode (-want +got):\n%s", diff)
			}
			var back kakao.Event
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.ev, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzEvent: decoding an Event (what the fake does) never panics, and
// what decodes re-encodes to bytes that decode to the same Event.
func FuzzEvent(f *testing.F) {
	for _, name := range []string{"full", "minimal"} {
		b, err := os.ReadFile(filepath.Join("testdata", "event", name+".json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var ev kakao.Event
		if json.Unmarshal(b, &ev) != nil {
			return
		}
		_ = ev.Validate()
		enc, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("encoding a decoded event: %v", err)
		}
		var back kakao.Event
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("decoding our encoding %s: %v", enc, err)
		}
		enc2, _ := json.Marshal(back)
		if string(enc) != string(enc2) {
			t.Fatalf("encoding not stable:\n%s\n%s", enc, enc2)
		}
	})
}
