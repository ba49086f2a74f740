package browsertest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// repoRoot is the core module's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := goruntime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// browser finds Chromium: $CHROMIUM, else chromium, chromium-browser or
// google-chrome on PATH. Without one the test skips, saying how to get
// one, except when CI is set, where it fails.
func browser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM to its path"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// artifacts is where screenshots go: $ARTIFACTS, else testdata/artifacts
// (ignored by git).
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("testdata", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// readSources reads every file of the core module under root (Go sources,
// go.mod, the emulator page's embedded files). The test builds examples/multichannel in a child process, which
// go test's cache cannot see; the files a test opens itself are part of
// its cache key, so reading them here makes a change anywhere in the core
// module run the browser test again instead of reusing a stale pass.
func readSources(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root {
				name := d.Name()
				if name == "testdata" || strings.HasPrefix(name, ".") {
					return filepath.SkipDir
				}
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // a nested module: not part of the binary
				}
			}
			return nil
		}
		_, err = os.ReadFile(path) // sources, go.mod, and the page's embedded files
		return err
	})
	if err != nil {
		t.Fatalf("reading the sources the test builds: %v", err)
	}
}

// startEmulator builds examples/multichannel and runs it with -emulator
// on a free loopback port; it returns the page's URL.
func startEmulator(t *testing.T, ctx context.Context) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "multichannel")
	readSources(t, repoRoot(t))
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./examples/multichannel")
	build.Dir = repoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building multichannel: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-emulator", "-emulator-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), "channelkit emulator on "); ok {
				urls <- strings.Fields(rest)[0]
			}
		}
	}()
	select {
	case u := <-urls:
		return u
	case <-ctx.Done():
		t.Fatal("multichannel -emulator did not print its address")
	}
	return ""
}

// A platform's script: what "menu" draws, which button a user presses,
// and what "long" must draw.
type platform struct {
	id string
	// cards is how many cards "menu" draws; 0 for CLOVA, which speaks.
	cards int
	// longBubbles is how many text bubbles "long" draws: split into
	// several messages, or cut into one.
	longBubbles int
}

var platforms = []platform{
	{id: "line", cards: 3, longBubbles: 3},
	{id: "kakao", cards: 3, longBubbles: 3},
	{id: "talktalk", cards: 3, longBubbles: 1},
	{id: "naverworks", cards: 3, longBubbles: 6},
	{id: "clova"},
}

// TestEmulator drives the emulator page with the demo bot in headless
// Chromium, by keyboard: on each platform it sends "menu", sees the
// carousel of three cards, presses the second card's Order button, sees
// the bot's answer to that postback, saves a screenshot, and sends "long"
// to see the split or cut. It also checks that the page is usable with
// the keyboard alone and that its text has enough contrast, and reports
// how long each answer took from sending to drawn.
func TestEmulator(t *testing.T) {
	exe := browser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	page := startEmulator(t, ctx)
	out := artifacts(t)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	var (
		mu         sync.Mutex
		pageErrors []string
	)
	if err := chromedp.Listen(bctx, func(ev any) {
		if ex, ok := ev.(*cdpruntime.EventExceptionThrown); ok {
			d := ex.ExceptionDetails
			msg := fmt.Sprintf("%s at %s:%d", d.Text, d.URL, d.LineNumber+1)
			if d.Exception != nil {
				msg += ": " + d.Exception.Description
			}
			mu.Lock()
			pageErrors = append(pageErrors, msg)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	do(t, bctx, chromedp.Navigate(page), chromedp.WaitVisible("#tab-line"))
	waitFor(t, bctx, `document.getElementById("stream").textContent === "live"`, "the event stream never opened")

	t.Run("keyboard", func(t *testing.T) {
		// Tab from the top of the page reaches every platform tab, the
		// message box and its Send button, each with a visible focus ring.
		eval[chromedp.Void](t, bctx, `document.activeElement && document.activeElement.blur()`)
		var reached []string
		for range 30 {
			do(t, bctx, chromedp.KeyEvent(kb.Tab))
			id := eval[string](t, bctx, `(() => { const a = document.activeElement; const s = getComputedStyle(a); if (s.outlineStyle === "none") return "no-outline:" + (a.id || a.textContent); return a.id || (a.closest("form") ? "form:" + a.textContent : a.tagName + ":" + a.textContent); })()`)
			reached = append(reached, id)
		}
		for _, want := range []string{"tab-line", "tab-kakao", "tab-talktalk", "tab-naverworks", "tab-clova", "msg", "form:Send"} {
			if !slices.Contains(reached, want) {
				t.Errorf("Tab never reaches %s with a focus ring (reached %q)", want, reached)
			}
		}
	})

	for _, p := range platforms {
		t.Run(p.id, func(t *testing.T) {
			log := "#log-" + p.id
			do(t, bctx,
				chromedp.Focus("#tab-"+p.id),
				chromedp.KeyEvent(kb.Enter),
				chromedp.WaitVisible(log),
				chromedp.Focus("#msg"),
				chromedp.SendKeys("#msg", "menu"+kb.Enter),
			)
			if p.cards > 0 {
				// The carousel of three cards, each with an Order button.
				q := fmt.Sprintf(`(() => { const c = [...document.querySelectorAll(%q)].pop(); return c ? c.querySelectorAll(".card").length : 0; })()`, log+" .answer .carousel")
				if err := chromedp.Do(bctx, chromedp.Poll[chromedp.Void](fmt.Sprintf("%s === %d", q, p.cards), poll)); err != nil {
					t.Fatalf("no carousel of %d cards (the last has %d): %v", p.cards, eval[int](t, bctx, q), err)
				}
				// Press the second card's Order button with the keyboard.
				mark := fmt.Sprintf(`(() => {
					const c = [...document.querySelectorAll(%q)].pop();
					const card = c.querySelectorAll(".card")[1];
					const b = [...card.querySelectorAll("button")].find(b => b.textContent.trim() === "Order");
					if (!b) return false;
					b.id = "press-me";
					return true;
				})()`, log+" .answer .carousel")
				if !eval[bool](t, bctx, mark) {
					t.Fatal("no Order button on the second card")
				}
				do(t, bctx, chromedp.Focus("#press-me"), chromedp.KeyEvent(kb.Enter))
				eval[chromedp.Void](t, bctx, `document.getElementById("press-me").removeAttribute("id")`)
				waitText(t, bctx, log, "You chose: order=latte")
			} else {
				// CLOVA speaks the menu and keeps listening.
				waitText(t, bctx, log, "카페라떼")
				waitText(t, bctx, log, "still listening")
			}
			// The screenshot shows the carousel (or the speech) and what
			// followed.
			eval[chromedp.Void](t, bctx, fmt.Sprintf(`[...document.querySelectorAll(%q)].pop().scrollIntoView({block: "start"})`, log+" .answer .carousel, "+log+" .answer .speech"))
			png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			shot := filepath.Join(out, "emulator-"+p.id+".png")
			if err := os.WriteFile(shot, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", shot)

			// "long": the split (LINE, Kakao, NAVER WORKS) or the cut
			// (TalkTalk, CLOVA), drawn as such.
			count := fmt.Sprintf(`document.querySelectorAll(%q).length`, log+" .answer .bubble")
			before := eval[int](t, bctx, count)
			drawn := eval[int](t, bctx, `window.emulatorLatencies.length`)
			do(t, bctx, chromedp.SendKeys("#msg", "long"+kb.Enter))
			waitFor(t, bctx, fmt.Sprintf(`window.emulatorLatencies.length > %d`, drawn), "the answer to long was never drawn")
			if p.longBubbles > 0 {
				if err := chromedp.Do(bctx, chromedp.Poll[chromedp.Void](fmt.Sprintf(`%s - %d >= %d`, count, before, p.longBubbles), poll)); err != nil {
					t.Fatalf("long: %d new bubbles, want %d: %v", eval[int](t, bctx, count)-before, p.longBubbles, err)
				}
				if n := eval[int](t, bctx, count) - before; n != p.longBubbles {
					t.Errorf("long: %d bubbles, want %d", n, p.longBubbles)
				}
			} else {
				q := fmt.Sprintf(`(() => { const s = [...document.querySelectorAll(%q)].pop(); return s ? [...s.textContent].length : 0; })()`, log+" .speech .said")
				waitFor(t, bctx, q+` > 500`, "CLOVA never spoke the long text")
				if spoken := eval[int](t, bctx, q); spoken > 1000 {
					t.Errorf("CLOVA spoke %d characters of the long text; CEK speaks at most 1000", spoken)
				}
			}
		})
	}

	t.Run("contrast", func(t *testing.T) {
		// Every visible text's colour against the first opaque background
		// behind it: at least 4.5:1.
		const script = `(() => {
			const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
			const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
			const bg = e => { for (; e; e = e.parentElement) { const s = getComputedStyle(e); const c = rgb(s.backgroundColor); if (s.backgroundImage !== "none") return [184, 196, 214]; if (c.length === 3 || c[3] > 0.5) return c; } return [255, 255, 255]; };
			const bad = [];
			const seen = new Set();
			const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
			for (let n = walk.nextNode(); n; n = walk.nextNode()) {
				const e = n.parentElement;
				if (!n.textContent.trim() || !e.getClientRects().length || seen.has(e)) continue;
				seen.add(e);
				const fg = lum(rgb(getComputedStyle(e).color)), b = lum(bg(e));
				const ratio = (Math.max(fg, b) + 0.05) / (Math.min(fg, b) + 0.05);
				if (ratio < 4.5) bad.push(e.tagName + "." + e.className + " «" + n.textContent.trim().slice(0, 30) + "» " + ratio.toFixed(2));
			}
			return bad;
		})()`
		for _, p := range platforms {
			do(t, bctx, chromedp.Focus("#tab-"+p.id), chromedp.KeyEvent(kb.Enter))
			if bad := eval[[]string](t, bctx, script); len(bad) > 0 {
				t.Errorf("%s: text under 4.5:1 contrast: %q", p.id, bad)
			}
		}
	})

	// How long from pressing Enter to the answer drawn, per platform.
	type latency struct {
		Platform string  `json:"platform"`
		What     string  `json:"what"`
		Ms       float64 `json:"ms"`
	}
	lat := eval[[]latency](t, bctx, `window.emulatorLatencies`)
	by := map[string][]float64{}
	for _, l := range lat {
		by[l.Platform] = append(by[l.Platform], l.Ms)
		t.Logf("%s %q: answer drawn %.1f ms after sending", l.Platform, l.What, l.Ms)
	}
	for _, p := range platforms {
		ms := by[p.id]
		slices.Sort(ms)
		if len(ms) == 0 {
			t.Errorf("%s: no answer latency recorded", p.id)
			continue
		}
		t.Logf("%s: send → answer drawn: median %.1f ms, max %.1f ms over %d answers %.1f", p.id, ms[len(ms)/2], ms[len(ms)-1], len(ms), ms)
	}
	b, _ := json.Marshal(lat)
	if err := os.WriteFile(filepath.Join(out, "latency.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(pageErrors) > 0 {
		t.Errorf("page errors: %q", pageErrors)
	}
}

// do runs steps in the page, failing the test on error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %.60q: %v", expr, err)
	}
	return v
}

// waitFor waits until expr is truthy; failing, it reports what.
func waitFor(t *testing.T, ctx context.Context, expr, what string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](expr, poll)); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// poll bounds every wait for the page.
var poll = chromedp.WithPollingTimeout(20 * time.Second)

// waitText waits until the log shows text.
func waitText(t *testing.T, ctx context.Context, log, text string) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf(`document.querySelector(%q).textContent.includes(%q)`, log, text), fmt.Sprintf("%s never shows %q", log, text))
}
