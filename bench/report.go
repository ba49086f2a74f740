package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// markdown is the report as the README shows it.
func (r *report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s with %s on %s (%d CPUs, GOMAXPROCS %d); %s per row in %d interleaved rounds.\n\n",
		r.date, r.goVersion, r.cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0), r.cfg.perRow, r.cfg.rounds)
	b.WriteString("| measurement | against | channelkit ÷ reference: median (min–max over rounds) | detail | budget (DESIGN.md §8) | verdict |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
	for _, row := range r.rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", row.name, row.against, row.value, row.detail, row.budget, row.verdict)
	}
	return b.String()
}

const (
	beginMark = "<!-- bench:begin (go run ./bench -write rewrites what lies between these marks) -->"
	endMark   = "<!-- bench:end -->"
)

// writeReadme replaces what lies between the marks in path with doc.
func writeReadme(path, doc string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	before, rest, ok := bytes.Cut(old, []byte(beginMark))
	_, after, ok2 := bytes.Cut(rest, []byte(endMark))
	if !ok || !ok2 {
		return errors.New(path + ": the bench:begin and bench:end marks are missing")
	}
	var out bytes.Buffer
	out.Write(before)
	out.WriteString(beginMark + "\n\n" + doc + "\n" + endMark)
	out.Write(after)
	return os.WriteFile(path, out.Bytes(), 0o644)
}

// cpuName is the model name /proc/cpuinfo gives, or GOARCH.
func cpuName() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
