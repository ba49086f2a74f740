package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// tokenServer answers 401 to the tokens in refuse and 200 {"ok":true} to
// any other; it records the Authorization header of every request.
type tokenServer struct {
	mu     sync.Mutex
	refuse map[string]bool
	seen   []string
}

func (s *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	auth := r.Header.Get("Authorization")
	s.seen = append(s.seen, auth)
	if s.refuse[auth] {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"code":"UNAUTHORIZED"}`)
		return
	}
	fmt.Fprint(w, `{"ok":true}`)
}

// tokens hands out "Bearer t1", "Bearer t2", … one per refresh, and
// records what Refresh was handed.
type tokens struct {
	mu        sync.Mutex
	n         int
	refreshed []string
	canRenew  bool
}

func (tk *tokens) auth(_ context.Context, h http.Header) error {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	h.Set("Authorization", fmt.Sprintf("Bearer t%d", tk.n+1))
	return nil
}

func (tk *tokens) refresh(_ context.Context, refused http.Header) bool {
	tk.mu.Lock()
	defer tk.mu.Unlock()
	tk.refreshed = append(tk.refreshed, refused.Get("Authorization"))
	if tk.canRenew {
		tk.n++
	}
	return tk.canRenew
}

func TestRefreshOnceOnUnauthorized(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		refuse        []string
		canRenew      bool
		unauthorized  func(*Response, error) bool
		idempotent    bool
		wantErr       bool
		wantSeen      []string
		wantRefreshed []string
		wantReported  int
		wantAttempts  int
	}{
		{name: "refused_then_fresh_token_accepted", refuse: []string{"Bearer t1"}, canRenew: true,
			wantSeen: []string{"Bearer t1", "Bearer t2"}, wantRefreshed: []string{"Bearer t1"}, wantReported: 1, wantAttempts: 2},
		{name: "second_refusal_is_returned", refuse: []string{"Bearer t1", "Bearer t2"}, canRenew: true, wantErr: true,
			wantSeen: []string{"Bearer t1", "Bearer t2"}, wantRefreshed: []string{"Bearer t1"}, wantReported: 1, wantAttempts: 2},
		{name: "second_refusal_returned_even_when_idempotent", refuse: []string{"Bearer t1", "Bearer t2"}, canRenew: true, idempotent: true, wantErr: true,
			wantSeen: []string{"Bearer t1", "Bearer t2"}, wantRefreshed: []string{"Bearer t1"}, wantReported: 1, wantAttempts: 2},
		{name: "no_fresh_credentials_no_resend", refuse: []string{"Bearer t1"}, canRenew: false, wantErr: true,
			wantSeen: []string{"Bearer t1"}, wantRefreshed: []string{"Bearer t1"}, wantAttempts: 1},
		{name: "accepted_at_once_no_refresh", canRenew: true,
			wantSeen: []string{"Bearer t1"}, wantAttempts: 1},
		{name: "unauthorized_says_401_is_not_a_refusal", refuse: []string{"Bearer t1"}, canRenew: true, wantErr: true,
			unauthorized: func(*Response, error) bool { return false },
			wantSeen:     []string{"Bearer t1"}, wantAttempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := &tokenServer{refuse: map[string]bool{}}
			for _, tok := range tt.refuse {
				srv.refuse[tok] = true
			}
			c, waits := newClient(t, srv, Retry{MaxAttempts: 3, BaseDelay: time.Millisecond})
			tk := &tokens{canRenew: tt.canRenew}
			var reported []error
			c.Auth, c.Refresh, c.Unauthorized = tk.auth, tk.refresh, tt.unauthorized
			c.OnError = func(_ context.Context, err error) { reported = append(reported, err) }
			resp, err := c.Do(context.Background(), &Request{Method: http.MethodPost, Path: "send", Body: []byte("{}"), Idempotent: tt.idempotent})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			var ae *apiError
			if tt.wantErr && (!errors.As(err, &ae) || ae.status != http.StatusUnauthorized) {
				t.Errorf("err = %v, want the 401", err)
			}
			if diff := cmp.Diff(tt.wantSeen, srv.seen); diff != "" {
				t.Errorf("Authorization headers sent (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRefreshed, tk.refreshed); diff != "" {
				t.Errorf("Refresh handed (-want +got):\n%s", diff)
			}
			if len(reported) != tt.wantReported {
				t.Errorf("OnError got %v, want %d errors", reported, tt.wantReported)
			}
			if resp == nil || resp.Attempts != tt.wantAttempts {
				t.Errorf("response %+v, want Attempts %d", resp, tt.wantAttempts)
			}
			if len(*waits) != 0 {
				t.Errorf("waited %v before resending: a refresh is no retry", *waits)
			}
		})
	}
}

// A refresh does not use up the retry policy: a 503 after the refresh is
// still retried.
func TestRefreshThenRetry(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var statuses []int
	answers := []int{401, 503, 200}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		code := answers[len(statuses)]
		statuses = append(statuses, code)
		w.WriteHeader(code)
	})
	c, waits := newClient(t, h, Retry{MaxAttempts: 2, BaseDelay: time.Millisecond})
	tk := &tokens{canRenew: true}
	c.Auth, c.Refresh = tk.auth, tk.refresh
	var reported []string
	c.OnError = func(_ context.Context, err error) { reported = append(reported, err.Error()) }
	resp, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "x", Idempotent: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{401, 503, 200}, statuses); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	if resp.Attempts != 3 || len(*waits) != 1 {
		t.Errorf("Attempts %d, waits %v; want 3 sends and one backoff", resp.Attempts, *waits)
	}
	if diff := cmp.Diff([]string{"api error 401", "api error 503"}, reported); diff != "" {
		t.Errorf("OnError (-want +got):\n%s", diff)
	}
}

// Without Auth, or without Refresh, a 401 is returned as it is.
func TestNoRefreshWithoutHooks(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name          string
		auth, refresh bool
	}{{"no_hooks", false, false}, {"auth_only", true, false}, {"refresh_only", false, true}} {
		srv := &tokenServer{refuse: map[string]bool{"": true, "Bearer t1": true}}
		c, _ := newClient(t, srv, Retry{})
		tk := &tokens{canRenew: true}
		if tt.auth {
			c.Auth = tk.auth
		}
		if tt.refresh {
			c.Refresh = tk.refresh
		}
		if _, err := c.Do(context.Background(), &Request{Method: http.MethodGet, Path: "x"}); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
		if len(srv.seen) != 1 || len(tk.refreshed) != 0 {
			t.Errorf("%s: sent %d times, refreshed %v; want 1 send and no refresh", tt.name, len(srv.seen), tk.refreshed)
		}
	}
}

func TestDoJSON(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/ok":
			fmt.Fprint(w, `{"name":"bot","count":3}`)
		case "/api/empty":
			w.WriteHeader(http.StatusNoContent)
		case "/api/wrong-type":
			fmt.Fprint(w, `{"name":"bot","count":"secret-number 12345"}`)
		case "/api/number-for-string":
			fmt.Fprint(w, `{"name":987654321}`)
		case "/api/broken":
			fmt.Fprint(w, `{"name":"secret-broken`)
		case "/api/fail":
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"name":"x"}`)
		}
	})
	type out struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	tests := []struct {
		path       string
		want       out
		wantDecode bool // a *DecodeError
		wantAPI    bool // Check's error
		leaks      string
	}{
		{path: "ok", want: out{Name: "bot", Count: 3}},
		{path: "empty"},
		{path: "wrong-type", want: out{Name: "bot"}, wantDecode: true, leaks: "secret-number"},
		{path: "number-for-string", wantDecode: true, leaks: "987654321"},
		{path: "broken", wantDecode: true, leaks: "secret-broken"},
		{path: "fail", wantAPI: true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			c, _ := newClient(t, h, Retry{})
			var got out
			resp, err := c.DoJSON(context.Background(), &Request{Method: http.MethodGet, Path: tt.path}, &got)
			var de *DecodeError
			var ae *apiError
			switch {
			case tt.wantDecode:
				if !errors.As(err, &de) || de.StatusCode != http.StatusOK || resp == nil {
					t.Fatalf("err = %v, resp = %v; want a *DecodeError of HTTP 200 with the response", err, resp)
				}
				if strings.Contains(err.Error(), tt.leaks) {
					t.Errorf("error quotes the body: %q", err)
				}
			case tt.wantAPI:
				if !errors.As(err, &ae) {
					t.Fatalf("err = %v, want Check's error", err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("decoded (-want +got):\n%s", diff)
				}
			}
		})
	}
	c, _ := newClient(t, h, Retry{})
	if resp, err := c.DoJSON(context.Background(), &Request{Method: http.MethodGet, Path: "broken"}, nil); err != nil || resp == nil {
		t.Errorf("nil out: %v, %v; want the response undecoded", resp, err)
	}
}
