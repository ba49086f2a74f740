package fakeserver

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestServer(t *testing.T) {
	t.Parallel()
	base := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "base %s %s", r.URL.Path, b)
	})
	s, err := Start(base)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %s", s.URL)
	}
	post := func(path, body string) (int, string) {
		t.Helper()
		resp, err := s.Client().Post(s.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if code, body := post("/a", "one"); code != 200 || body != "base /a one" {
		t.Errorf("base: %d %q", code, body)
	}
	s.Inject(Fault{Method: "POST", Path: "/a", Status: 429, Header: http.Header{"Retry-After": {"1"}}, Body: []byte(`{"message":"slow down"}`), Times: 2})
	for range 2 {
		if code, body := post("/a/b", "x"); code != 429 || body != `{"message":"slow down"}` {
			t.Errorf("fault: %d %q", code, body)
		}
	}
	if code, _ := post("/a", "x"); code != 200 {
		t.Errorf("fault outlived Times: %d", code)
	}
	s.Inject(Fault{Path: "/other", Status: 500})
	if code, _ := post("/a", "x"); code != 200 {
		t.Errorf("fault matched the wrong path: %d", code)
	}
	s.Handle("POST /override", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(201)
	}))
	if code, _ := post("/override", ""); code != 201 {
		t.Errorf("override: %d", code)
	}
	calls := s.Calls()
	if len(calls) != 6 || calls[0].Path != "/a" || string(calls[0].Body) != "one" || calls[0].Header.Get("Content-Type") != "application/json" {
		t.Errorf("calls = %+v", calls)
	}
	s.Reset()
	if len(s.Calls()) != 0 {
		t.Error("Reset kept calls")
	}
	if code, _ := post("/other", ""); code != 200 {
		t.Errorf("Reset kept faults: %d", code)
	}
}

func TestServerConcurrent(t *testing.T) {
	t.Parallel()
	s, err := Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := s.Client().Post(s.URL+"/c", "text/plain", strings.NewReader(fmt.Sprint(i)))
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if n := len(s.Calls()); n != 20 {
		t.Errorf("recorded %d calls, want 20", n)
	}
}

// TestFaultDefaults: a zero Status answers 500 (it answered status 0,
// which net/http turns into a panic in the handler), a zero Times once.
func TestFaultDefaults(t *testing.T) {
	got := Fault{Path: "/x"}.Defaults()
	if got.Status != http.StatusInternalServerError || got.Times != 1 || got.Path != "/x" {
		t.Fatalf("Defaults() = %+v, want Status 500 and Times 1", got)
	}
	kept := Fault{Status: 429, Times: 3}.Defaults()
	if kept.Status != 429 || kept.Times != 3 {
		t.Fatalf("Defaults() changed set values: %+v", kept)
	}
	s, err := Start(http.NotFoundHandler())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Inject(Fault{})
	resp, err := http.Post(s.URL+"/any", "text/plain", nil)
	if err != nil {
		t.Fatalf("a zero Fault broke the connection: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("a zero Fault answered %d, want 500", resp.StatusCode)
	}
}
