// Command bench measures channelkit against its peers side by side, in one
// run, and prints one markdown table of ratios with their spread: LINE
// verify+parse against line-bot-sdk-go, every webhook handler and bot
// handler against a stdlib handler doing the same work, every client's send
// against a raw net/http POST, token lookups, loopback throughput and the
// memory a request and an idle connection hold.
//
//	go run ./bench               # about two seconds per row
//	go run ./bench -write        # and record the table in bench/README.md
//	go run ./bench -quick        # a few hundred milliseconds per row
//
// The two sides of a row alternate call by call, swapping which goes first,
// so that a noisy machine slows both alike. Each row runs in -rounds rounds;
// a round's ratio is the ratio of the two sides' median times, and the table
// shows the median ratio over rounds with the lowest and highest round.
// Budgets are DESIGN.md §8's. The command exits 1 when a row is past its
// budget by more than its spread — when even the round most favourable to
// channelkit is past it — and 2 when a row could not be measured.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"time"
)

type config struct {
	perRow                           time.Duration // time per pair row
	rounds                           int
	match                            *regexp.Regexp // rows to run; nil: all
	inFlight, idleConns, concurrency int
}

func main() {
	perRow := flag.Duration("time", 2*time.Second, "time per row, shared by its rounds")
	rounds := flag.Int("rounds", 7, "interleaved rounds per row")
	quick := flag.Bool("quick", false, "a quick pass: -time 300ms -rounds 3")
	write := flag.Bool("write", false, "write the table into bench/README.md")
	run := flag.String("run", "", "measure only the rows whose name matches this regular expression")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()

	cfg := config{perRow: *perRow, rounds: *rounds, inFlight: 500, idleConns: 500, concurrency: 32}
	if *quick {
		cfg.perRow, cfg.rounds = 300*time.Millisecond, 3
	}
	if *run != "" {
		re, err := regexp.Compile(*run)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: -run:", err)
			os.Exit(2)
		}
		cfg.match = re
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}

	rep, err := measureAll(cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	doc := rep.markdown()
	fmt.Print(doc)
	if *write {
		if err := writeReadme("bench/README.md", doc); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
	}
	if missed := rep.missed(); len(missed) > 0 {
		pprof.StopCPUProfile()
		fmt.Fprintf(os.Stderr, "bench: past budget by more than the spread: %v\n", missed)
		os.Exit(1)
	}
}

// report is one run: its rows and where it ran.
type report struct {
	date, goVersion, cpu string
	cfg                  config
	rows                 []row
}

// row is one line of the table.
type row struct {
	name, against string
	value         string // the ratio and its spread, or an absolute figure
	detail        string
	budget        string
	verdict       verdict
}

type verdict string

const (
	met          verdict = "met"
	withinSpread verdict = "within spread"
	missed       verdict = "**missed**"
	noBudget     verdict = "–"
)

func (r *report) missed() []string {
	var names []string
	for _, row := range r.rows {
		if row.verdict == missed {
			names = append(names, row.name)
		}
	}
	return names
}

// measureAll runs every row cfg selects, logging progress to log.
func measureAll(cfg config, log io.Writer) (*report, error) {
	rep := &report{
		date:      time.Now().UTC().Format("2006-01-02"),
		goVersion: runtime.Version(),
		cpu:       cpuName(),
		cfg:       cfg,
	}
	var pairs []pair
	for _, f := range []func() ([]pair, error){linePairs, kakaoPairs, talktalkPairs, naverworksPairs, clovaPairs, manyBotsPairsAll} {
		ps, err := f()
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, ps...)
	}
	for _, p := range pairs {
		if !cfg.wants(p.name) {
			continue
		}
		fmt.Fprintf(log, "bench: %s …\n", p.name)
		res, err := measurePair(p, cfg.perRow, cfg.rounds)
		if err != nil {
			return nil, err
		}
		rep.rows = append(rep.rows, pairRow(p, res))
	}
	for _, group := range []func(config) ([]row, error){tokenRows, throughputRows, memoryRows} {
		rows, err := group(cfg)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			fmt.Fprintf(log, "bench: %s: %s\n", r.name, r.value)
			rep.rows = append(rep.rows, r)
		}
	}
	return rep, nil
}

// wants reports whether the row called name is to be measured.
func (c config) wants(name string) bool { return c.match == nil || c.match.MatchString(name) }

// pairRow judges a pair against its budgets: met when the median ratio is
// within it, within spread when only the best round is, missed otherwise.
func pairRow(p pair, res result) row {
	r := row{
		name:    p.name,
		against: p.refName,
		value:   fmt.Sprintf("%.2f× (%.2f–%.2f)", res.ratio, res.lo, res.hi),
		detail:  fmt.Sprintf("%s vs %s per call", ns(res.oursNs), ns(res.refNs)),
		verdict: noBudget,
	}
	if p.allocs {
		r.detail += fmt.Sprintf("; allocs %.0f vs %.0f", res.ourAlloc, res.refAlloc)
		if res.refAlloc > 0 {
			r.detail += fmt.Sprintf(" (%.2f×)", res.ourAlloc/res.refAlloc)
		}
	}
	if p.budget > 0 {
		r.budget = fmt.Sprintf("≤ %.2f×", p.budget)
		switch {
		case res.ratio <= p.budget:
			r.verdict = met
		case res.lo <= p.budget:
			r.verdict = withinSpread
		default:
			r.verdict = missed
		}
	}
	if p.allocMax > 0 {
		r.budget += fmt.Sprintf(", allocs ≤ %.2f×", p.allocMax)
		if res.refAlloc == 0 || res.ourAlloc/res.refAlloc > p.allocMax {
			r.verdict = missed
		}
	}
	return r
}

func ns(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f ms", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1f µs", v/1e3)
	default:
		return fmt.Sprintf("%.0f ns", v)
	}
}
