package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/channelkit/channelkit/internal/benchref"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/signature"
)

// tokenRows: NAVER WORKS's warm token lookup (time and allocations), and
// a thousand concurrent sends on a cold cache, which must cause exactly one
// token request. LINE has no token source of its own yet (a channel access
// token is passed to line.New), so it has no rows here.
func tokenRows(cfg config) ([]row, error) {
	const warmName, coldName = "NAVER WORKS token, warm lookup", "NAVER WORKS token, cold cache, 1,000 concurrent sends"
	var rows []row
	if cfg.wants(warmName) {
		r, err := warmTokenRow(cfg, warmName)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	if cfg.wants(coldName) {
		r, err := coldTokenRow(coldName)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func warmTokenRow(cfg config, name string) (row, error) {
	srv, err := naverworkstest.Start()
	if err != nil {
		return row{}, err
	}
	defer srv.Close()
	ts, err := srv.TokenSource()
	if err != nil {
		return row{}, err
	}
	if _, err := ts.Token(); err != nil {
		return row{}, err
	}
	const batch = 10000
	var per []float64
	deadline := time.Now().Add(cfg.perRow)
	for len(per) < cfg.rounds || time.Now().Before(deadline) {
		start := time.Now()
		for range batch {
			if _, err := ts.Token(); err != nil {
				return row{}, err
			}
		}
		per = append(per, float64(time.Since(start))/batch)
	}
	slices.Sort(per)
	allocs, err := allocsPerCall(func() error { _, err := ts.Token(); return err })
	if err != nil {
		return row{}, err
	}
	warm := row{
		name:    name,
		against: "absolute",
		value:   fmt.Sprintf("%s (%s–%s)", ns(per[len(per)/2]), ns(per[0]), ns(per[len(per)-1])),
		detail:  fmt.Sprintf("%.0f allocs per lookup; medians of %d batches of %d", allocs, len(per), batch),
		budget:  "≤ 100 ns, 0 allocs",
		verdict: met,
	}
	switch {
	case allocs > 0 || per[0] > 100:
		warm.verdict = missed
	case per[len(per)/2] > 100:
		warm.verdict = withinSpread
	}
	return warm, nil
}

// coldTokenRow: a fresh fake, a client whose cache is empty, 1,000 sends
// at once.
func coldTokenRow(name string) (row, error) {
	cold, err := naverworkstest.Start()
	if err != nil {
		return row{}, err
	}
	defer cold.Close()
	client, err := cold.NewClient()
	if err != nil {
		return row{}, err
	}
	const senders = 1000
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, senders)
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := client.SendToUser(context.Background(), "bench-user", &naverworks.Text{Text: "hello"})
			errs <- err
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(t0)
	close(errs)
	for err := range errs {
		if err != nil {
			return row{}, fmt.Errorf("cold sends: %w", err)
		}
	}
	n := cold.TokenRequests()
	coldRow := row{
		name:    name,
		against: "absolute",
		value:   fmt.Sprintf("%d token request(s)", n),
		detail:  fmt.Sprintf("all %d sends done in %s", senders, took.Round(time.Millisecond)),
		budget:  "exactly 1 token request",
		verdict: met,
	}
	if n != 1 {
		coldRow.verdict = missed
	}
	return coldRow, nil
}

// lineServer is the multichannel example's LINE stack: a ServeMux routing
// POST /line to line.NewBotHandler around a message.Router, replying
// through a client (to an in-process LINE, so that the replies cost the
// client's work but no second server).
func lineServer() (http.Handler, func(), error) {
	client, err := line.New("bench-token", line.WithHTTPClient(&http.Client{Transport: stubLINE{}}))
	if err != nil {
		return nil, nil, err
	}
	router := message.NewRouter().
		Text("help", message.HandlerFunc(func(ctx context.Context, _ *message.Incoming, r message.Responder) error {
			_, err := r.Reply(ctx, &message.Text{Text: "send me anything"})
			return err
		})).
		Fallback(echo)
	h, err := line.NewBotHandler(signature.MustSecretSet(lineSecret), router, line.WithClient(client), line.WithMaxInFlight(64))
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /line", h)
	return mux, func() { _ = h.Wait(context.Background()) }, nil
}

// stdlibServer is the minimal stdlib server: the same route to the
// reference handler.
func stdlibServer() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /line", benchref.LINE(lineSecret))
	return mux
}

// side is one server under load.
type side struct {
	lat      []time.Duration
	requests int
	elapsed  time.Duration
	cpu      time.Duration // process CPU, user + system
}

// load sends signed LINE webhooks to url from c workers for d.
func load(hc *http.Client, url string, body []byte, header http.Header, c int, d time.Duration, s *side) error {
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	t0 := time.Now()
	deadline := t0.Add(d)
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := poster{c: hc, url: url, body: body, header: header}
			var lat []time.Duration
			for time.Now().Before(deadline) {
				start := time.Now()
				if err := p.post(); err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
					return
				}
				lat = append(lat, time.Since(start))
			}
			mu.Lock()
			s.lat = append(s.lat, lat...)
			s.requests += len(lat)
			mu.Unlock()
		}()
	}
	wg.Wait()
	s.elapsed += time.Since(t0)
	s.cpu += cpuTime() - cpu0
	return firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// cpuTime is this process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// throughputRows: loopback throughput of the LINE stack against the stdlib
// server at concurrency 1 and cfg.concurrency, in alternating windows.
func throughputRows(cfg config) ([]row, error) {
	bot, wait, err := lineServer()
	if err != nil {
		return nil, err
	}
	defer wait()
	sync, err := line.NewWebhookHandler(signature.MustSecretSet(lineSecret), func(context.Context, *line.Callback) error { return nil })
	if err != nil {
		return nil, err
	}
	syncMux := http.NewServeMux()
	syncMux.Handle("POST /line", sync)
	body := lineBody(1)
	header := lineHeader(body)
	var rows []row
	for _, st := range []struct {
		name string
		h    http.Handler
	}{
		{"LINE WebhookHandler (synchronous)", syncMux},
		{"multichannel LINE stack (NewBotHandler + Router)", bot},
	} {
		for _, c := range []int{1, cfg.concurrency} {
			name := fmt.Sprintf("loopback throughput, %s, concurrency %d", st.name, c)
			if !cfg.wants(name) {
				continue
			}
			ours := st.h
			rs, os := httptest.NewServer(stdlibServer()), httptest.NewServer(ours)
			rtr, otr := &http.Transport{MaxIdleConnsPerHost: c}, &http.Transport{MaxIdleConnsPerHost: c}
			var ref, our side
			var ratios []float64
			// Three times the rounds of a pair row, in windows long enough
			// that c connections are opened and reused: load from elsewhere on
			// the machine comes in bursts, and more, shorter windows let the
			// median step over them.
			rounds := 3 * cfg.rounds
			window := cfg.perRow / time.Duration(2*rounds)
			if cfg.perRow >= time.Second {
				window = max(window, 100*time.Millisecond)
			}
			for i := range rounds {
				var r, o side
				first, second := func() error { return load(&http.Client{Transport: rtr}, rs.URL+"/line", body, header, c, window, &r) },
					func() error { return load(&http.Client{Transport: otr}, os.URL+"/line", body, header, c, window, &o) }
				if i%2 == 1 {
					first, second = second, first
				}
				if err := first(); err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
				if err := second(); err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
				ratios = append(ratios, (float64(o.requests)/o.elapsed.Seconds())/(float64(r.requests)/r.elapsed.Seconds()))
				for _, p := range []struct{ into, from *side }{{&ref, &r}, {&our, &o}} {
					p.into.lat = append(p.into.lat, p.from.lat...)
					p.into.requests += p.from.requests
					p.into.elapsed += p.from.elapsed
					p.into.cpu += p.from.cpu
				}
			}
			rtr.CloseIdleConnections()
			otr.CloseIdleConnections()
			rs.Close()
			os.Close()
			slices.Sort(ratios)
			med, lo, hi := ratios[len(ratios)/2], ratios[0], ratios[len(ratios)-1]
			rps := func(s side) float64 { return float64(s.requests) / s.elapsed.Seconds() }
			rw := row{
				name:    name,
				against: "minimal stdlib server",
				value:   fmt.Sprintf("%.2f× req/s (%.2f–%.2f)", med, lo, hi),
				detail: fmt.Sprintf("%.0f vs %.0f req/s; p50 %s vs %s; p99 %s vs %s; CPU %s vs %s per request (process: client and server)",
					rps(our), rps(ref),
					ns(float64(percentile(our.lat, 0.5))), ns(float64(percentile(ref.lat, 0.5))),
					ns(float64(percentile(our.lat, 0.99))), ns(float64(percentile(ref.lat, 0.99))),
					ns(float64(our.cpu)/float64(max(our.requests, 1))), ns(float64(ref.cpu)/float64(max(ref.requests, 1)))),
				verdict: noBudget,
			}
			if c == cfg.concurrency {
				rw.budget = "≥ 0.95× req/s"
				switch {
				case med >= 0.95:
					rw.verdict = met
				case hi >= 0.95:
					rw.verdict = withinSpread
				default:
					rw.verdict = missed
				}
			}
			rows = append(rows, rw)
		}
	}
	return rows, nil
}

// memoryRows: what a request parked in the handler, a request stalled
// before verification and an idle keep-alive connection hold, for the LINE
// handler and the stdlib reference.
func memoryRows(cfg config) ([]row, error) {
	body := lineBody(1)
	sig := lineHeader(body).Get(line.SignatureHeader)
	request := func(declared, sent int) []byte {
		return fmt.Appendf(nil, "POST /line HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nX-Line-Signature: %s\r\nContent-Length: %d\r\n\r\n%s", sig, declared, body[:sent])
	}
	const (
		parkedName  = "memory per in-flight request (parked in the handler)"
		stalledName = "memory per stalled request (declares 1 MiB, sends 100 bytes)"
		idleName    = "memory per idle keep-alive connection (after one request)"
	)
	var rows []row

	// Requests parked inside the handler, after verification and decoding.
	parkedPair := func() (ours, ref http.Handler, parked chan struct{}, release func(), err error) {
		parked = make(chan struct{}, cfg.inFlight)
		rel := make(chan struct{})
		ours, err = line.NewWebhookHandler(signature.MustSecretSet(lineSecret), func(context.Context, *line.Callback) error {
			parked <- struct{}{}
			<-rel
			return nil
		})
		full := benchref.LINE(lineSecret)
		ref = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &discardWriter{h: http.Header{}}
			full.ServeHTTP(rec, r)
			parked <- struct{}{}
			<-rel
			w.WriteHeader(http.StatusOK)
		})
		return ours, ref, parked, func() { close(rel) }, err
	}
	var per [2]float64
	for i := range per {
		if !cfg.wants(parkedName) {
			break
		}
		ours, ref, parked, release, err := parkedPair()
		if err != nil {
			return nil, err
		}
		h := []http.Handler{ours, ref}[i]
		if per[i], err = perConn(h, cfg.inFlight, request(len(body), len(body)), parked, false, release); err != nil {
			return nil, err
		}
	}
	if cfg.wants(parkedName) {
		rows = append(rows, memRow(parkedName, per[0], per[1], cfg.inFlight, "", noBudget))
	}

	// Requests that declare 1 MiB and stall after 100 bytes, before
	// verification: what they hold must follow the bytes received.
	okHandler, err := line.NewWebhookHandler(signature.MustSecretSet(lineSecret), func(context.Context, *line.Callback) error { return nil })
	if err != nil {
		return nil, err
	}
	for i, h := range []http.Handler{okHandler, benchref.LINE(lineSecret)} {
		if !cfg.wants(stalledName) {
			break
		}
		settled := make(chan struct{}, cfg.inFlight)
		if per[i], err = perConn(stallSignal(h, settled), cfg.inFlight, request(1<<20, 100), settled, false, nil); err != nil {
			return nil, err
		}
	}
	if cfg.wants(stalledName) {
		v := met
		if per[0] > 64<<10 {
			v = missed
		}
		rows = append(rows, memRow(stalledName, per[0], per[1], cfg.inFlight, "grows with bytes received, not Content-Length (≤ 64 KiB here)", v))
	}

	// Idle keep-alive connections, after one request each.
	for i, h := range []http.Handler{okHandler, benchref.LINE(lineSecret)} {
		if !cfg.wants(idleName) {
			break
		}
		if per[i], err = perConn(h, cfg.idleConns, request(len(body), len(body)), nil, true, nil); err != nil {
			return nil, err
		}
	}
	if cfg.wants(idleName) {
		rows = append(rows, memRow(idleName, per[0], per[1], cfg.idleConns, "", noBudget))
	}
	return rows, nil
}

func memRow(name string, ours, ref float64, n int, budget string, v verdict) row {
	return row{
		name:    name,
		against: "stdlib",
		value:   fmt.Sprintf("%.1f KiB vs %.1f KiB", ours/1024, ref/1024),
		detail:  fmt.Sprintf("growth of heap + stacks in use over %d connections, per connection (server side, plus the bare TCP client connection in the same process)", n),
		budget:  budget,
		verdict: v,
	}
}

// stallSignal tells settled once h has asked for more of the body than the
// client sent (its second Read), or has returned.
func stallSignal(h http.Handler, settled chan<- struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var once sync.Once
		signal := func() { once.Do(func() { settled <- struct{}{} }) }
		defer signal()
		r.Body = &signalBody{ReadCloser: r.Body, signal: signal}
		h.ServeHTTP(w, r)
	})
}

type signalBody struct {
	io.ReadCloser
	reads  int
	signal func()
}

func (b *signalBody) Read(p []byte) (int, error) {
	if b.reads++; b.reads > 1 {
		b.signal()
	}
	return b.ReadCloser.Read(p)
}

// perConn serves h on a loopback listener, opens n bare TCP connections
// that each write req, waits for n values on settled (when not nil) and
// reads each answer (when readAnswer), and returns the growth of heap and
// stacks in use per connection (noise can outweigh it for small n). release, when not nil, lets parked
// requests go before the connections close.
func perConn(h http.Handler, n int, req []byte, settled <-chan struct{}, readAnswer bool, release func()) (float64, error) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	before := inUse()
	conns := make([]net.Conn, 0, n)
	defer func() {
		if release != nil {
			release()
		}
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return 0, err
		}
		conns = append(conns, c)
		if _, err := c.Write(req); err != nil {
			return 0, err
		}
	}
	if settled != nil {
		for range n {
			<-settled
		}
	}
	if readAnswer {
		for _, c := range conns {
			res, err := http.ReadResponse(bufio.NewReaderSize(c, 512), nil)
			if err != nil {
				return 0, err
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				return 0, fmt.Errorf("status %d", res.StatusCode)
			}
		}
	}
	// Signed: with few connections, memory freed by earlier rows can
	// outweigh what they add.
	return (float64(inUse()) - float64(before)) / float64(n), nil
}

// inUse is heap and stack memory in use after a full collection.
func inUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}
