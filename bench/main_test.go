package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestMeasureAll runs every row on a tiny budget, so that the command
// cannot rot: every contender must do its work (a failed request, parse or
// send is an error), and the table must hold one line per row. It asserts
// nothing about the times.
func TestMeasureAll(t *testing.T) {
	if testing.Short() {
		t.Skip("starts loopback servers")
	}
	cfg := config{perRow: 20 * time.Millisecond, rounds: 2, inFlight: 20, idleConns: 20, concurrency: 4}
	rep, err := measureAll(cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	doc := rep.markdown()
	for _, r := range rep.rows {
		if !strings.Contains(doc, "| "+r.name+" |") {
			t.Errorf("table has no line for %q", r.name)
		}
	}
	for _, want := range []string{
		"LINE verify+parse, 1 event",
		"LINE verify+parse, 10 events",
		"LINE NewBotHandler",
		"LINE Client.Push",
		"Kakao handler, in process",
		"TalkTalk handler, loopback",
		"NAVER WORKS Client.SendToUser",
		"NAVER WORKS NewBotHandler",
		"NAVER WORKS token, warm lookup",
		"NAVER WORKS token, cold cache",
		"loopback throughput, multichannel LINE stack (NewBotHandler + Router), concurrency 4",
		"memory per idle keep-alive connection",
		"CLOVA NewBotHandler",
		"LINE handler, 1,000 bots, in process",
		"Kakao handler, 1,000 bots, loopback",
		"TalkTalk handler, 1,000 bots, in process",
		"NAVER WORKS handler, 1,000 bots, loopback",
		"CLOVA handler, 1,000 bots, in process",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("table has no row %q", want)
		}
	}
}

func TestPairRowVerdict(t *testing.T) {
	tests := []struct {
		name string
		p    pair
		res  result
		want verdict
	}{
		{"median within", pair{budget: 1.1}, result{ratio: 1.05, lo: 1.0, hi: 1.2}, met},
		{"best round within", pair{budget: 1.1}, result{ratio: 1.15, lo: 1.08, hi: 1.2}, withinSpread},
		{"every round past", pair{budget: 1.1}, result{ratio: 1.2, lo: 1.15, hi: 1.3}, missed},
		{"no budget", pair{}, result{ratio: 9, lo: 9, hi: 9}, noBudget},
		{"allocations past", pair{budget: 0.25, allocMax: 0.2, allocs: true}, result{ratio: 0.2, lo: 0.2, hi: 0.2, refAlloc: 100, ourAlloc: 30}, missed},
		{"allocations within", pair{budget: 0.25, allocMax: 0.2, allocs: true}, result{ratio: 0.2, lo: 0.2, hi: 0.2, refAlloc: 100, ourAlloc: 10}, met},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pairRow(tt.p, tt.res).verdict; got != tt.want {
				t.Errorf("verdict = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriteReadme(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	old := "# bench\n\nintro\n\n" + beginMark + "\nold table\n" + endMark + "\n\nafter\n"
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeReadme(path, "new table\n"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "# bench\n\nintro\n\n" + beginMark + "\n\nnew table\n\n" + endMark + "\n\nafter\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("README (-want +got):\n%s", diff)
	}
	if err := os.WriteFile(path, []byte("no marks"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeReadme(path, "x"); err == nil {
		t.Error("writeReadme without marks: no error")
	}
}
