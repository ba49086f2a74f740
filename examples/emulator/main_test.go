package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRun starts the command on a free port, reads the page's platform
// list, and stops it: the flags' URLs are the platforms connected, and the
// settings to configure a bot are printed.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr bytes.Buffer
	pages := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-line", "http://127.0.0.1:9/line", "-clova", "http://127.0.0.1:9/clova"}, &stdout, &stderr, func(u string) { pages <- u })
	}()
	var page string
	select {
	case page = <-pages:
	case code := <-done:
		t.Fatalf("run returned %d: %s", code, stderr.String())
	}
	resp, err := http.Get(page + "api/config")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var cfg struct {
		Platforms []struct {
			ID        string
			Connected bool
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, p := range cfg.Platforms {
		got[p.ID] = p.Connected
	}
	want := map[string]bool{"line": true, "kakao": false, "talktalk": false, "naverworks": false, "clova": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("connected platforms (-want +got):\n%s", diff)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("run returned %d after cancel: %s", code, stderr.String())
	}
	for _, v := range []string{"LINE_CHANNEL_SECRET", "line.WithBaseURL", "KAKAO_SKILL_SECRET", "NAVERWORKS_BOT_SECRET", "CLOVA_PUBLIC_KEY_URL"} {
		if !strings.Contains(stdout.String(), v) {
			t.Errorf("the settings printed do not name %s", v)
		}
	}
}

func TestRunBadArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"unknown flag", []string{"-telegram", "x"}},
		{"positional argument", []string{"http://127.0.0.1:8080/line"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tt.args, &stdout, &stderr, nil); code != 2 {
				t.Errorf("run returned %d, want 2", code)
			}
			if stderr.Len() == 0 {
				t.Error("nothing said on stderr")
			}
		})
	}
}
