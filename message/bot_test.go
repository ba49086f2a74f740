package message_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/message"
)

// recorder is a Responder that records replies.
type recorder struct {
	texts []string
	fail  error
}

func (r *recorder) Reply(ctx context.Context, cs ...message.Content) (message.Report, error) {
	for _, c := range cs {
		if t, ok := c.(*message.Text); ok {
			r.texts = append(r.texts, t.Text)
		}
	}
	if r.fail != nil {
		return message.Report{Losses: []message.Loss{{Path: "", Reason: message.Dropped}}}, r.fail
	}
	return message.Report{}, nil
}
func (r *recorder) Typing(context.Context) error         { return errors.ErrUnsupported }
func (r *recorder) PassToHuman(context.Context) error    { return message.ErrNoHandover }
func (r *recorder) TakeBack(context.Context) error       { return message.ErrNoHandover }
func (r *recorder) Capabilities() message.Capabilities   { return message.Capabilities{} }
func (r *recorder) RenderOptions() message.RenderOptions { return message.RenderOptions{} }

func say(s string) message.Handler {
	return message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		_, err := r.Reply(ctx, &message.Text{Text: s})
		return err
	})
}

func textIn(s string) *message.Incoming {
	return &message.Incoming{Platform: message.LINE, Kind: message.KindMessage, ConversationID: "C1", Content: &message.Text{Text: s}}
}

func TestRouter(t *testing.T) {
	r := message.NewRouter().
		On(message.KindFollow, say("welcome")).
		Text("help", say("help")).
		TextPrefix("order ", say("order")).
		TextMatch(regexp.MustCompile(`^\d+$`), say("number")).
		Postback("menu", say("menu")).
		PostbackPrefix("buy:", say("buy")).
		Match(func(in *message.Incoming) bool { return in.Kind == message.KindJoin }, say("joined")).
		Fallback(say("fallback"))
	tests := []struct {
		name string
		in   *message.Incoming
		want []string
	}{
		{"kind", &message.Incoming{Kind: message.KindFollow}, []string{"welcome"}},
		{"exact text, spaces trimmed", textIn(" help "), []string{"help"}},
		{"exact text is not a prefix", textIn("helpful"), []string{"fallback"}},
		{"prefix", textIn("order 2 coffees"), []string{"order"}},
		{"regexp", textIn("42"), []string{"number"}},
		{"postback", &message.Incoming{Kind: message.KindPostback, Data: "menu"}, []string{"menu"}},
		{"postback prefix", &message.Incoming{Kind: message.KindPostback, Data: "buy:7"}, []string{"buy"}},
		{"postback data is not text", &message.Incoming{Kind: message.KindPostback, Data: "help"}, []string{"fallback"}},
		{"match", &message.Incoming{Kind: message.KindJoin}, []string{"joined"}},
		{"fallback", textIn("anything"), []string{"fallback"}},
		{"standby is not answered", &message.Incoming{Kind: message.KindMessage, Standby: true, Content: &message.Text{Text: "help"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			if err := r.Handle(context.Background(), tt.in, rec); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rec.texts); diff != "" {
				t.Errorf("replies (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("standby route", func(t *testing.T) {
		rec := &recorder{}
		r := message.NewRouter().Standby(say("observed")).Fallback(say("fallback"))
		if err := r.Handle(context.Background(), &message.Incoming{Standby: true}, rec); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"observed"}, rec.texts); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("no fallback answers nothing", func(t *testing.T) {
		rec := &recorder{}
		if err := message.NewRouter().Text("x", say("x")).Handle(context.Background(), textIn("y"), rec); err != nil || rec.texts != nil {
			t.Fatalf("got %v, %q; want nothing", err, rec.texts)
		}
	})
}

func TestChainOrder(t *testing.T) {
	var order []string
	mw := func(name string) message.Middleware {
		return func(next message.Handler) message.Handler {
			return message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
				order = append(order, name+" in")
				err := next.Handle(ctx, in, r)
				order = append(order, name+" out")
				return err
			})
		}
	}
	h := message.Chain(message.HandlerFunc(func(context.Context, *message.Incoming, message.Responder) error {
		order = append(order, "handler")
		return nil
	}), mw("a"), mw("b"))
	if err := h.Handle(context.Background(), textIn("x"), &recorder{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"a in", "b in", "handler", "b out", "a out"}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestMemoryStateTTLAndBound(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(0, 0)
	s := message.NewMemoryState(2, message.WithStateClock(func() time.Time { return now }))
	if err := s.Save(ctx, "a", []byte("1"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, ok, _ := s.Load(ctx, "a"); !ok || string(v) != "1" {
		t.Fatalf("Load(a) = %q, %v", v, ok)
	}
	now = now.Add(time.Minute)
	if _, ok, _ := s.Load(ctx, "a"); ok {
		t.Fatal("a value past its TTL was loaded")
	}
	for _, k := range []string{"b", "c", "b", "d"} { // re-saving b makes c the oldest
		if err := s.Save(ctx, k, []byte(k), 0); err != nil {
			t.Fatal(err)
		}
	}
	if s.Len() != 2 {
		t.Fatalf("Len = %d, want the bound 2", s.Len())
	}
	if _, ok, _ := s.Load(ctx, "c"); ok {
		t.Fatal("the least recently saved conversation was kept")
	}
	for _, k := range []string{"b", "d"} {
		if _, ok, _ := s.Load(ctx, k); !ok {
			t.Fatalf("%s was evicted early", k)
		}
	}
	if err := s.Save(ctx, "b", nil, 0); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Load(ctx, "b"); ok {
		t.Fatal("saving nil did not delete")
	}
	if err := s.Save(ctx, "x", []byte("x"), -time.Second); err == nil {
		t.Fatal("a negative TTL was accepted")
	}
}

func TestMemoryStateManySavesStayBounded(t *testing.T) {
	ctx := context.Background()
	s := message.NewMemoryState(3)
	for i := range 1000 {
		k := string(rune('a' + i%5))
		if err := s.Save(ctx, k, []byte{byte(i)}, 0); err != nil {
			t.Fatal(err)
		}
		if s.Len() > 3 {
			t.Fatalf("after %d saves Len = %d, over the bound", i+1, s.Len())
		}
	}
}

func TestMemoryStateLock(t *testing.T) {
	ctx := context.Background()
	s := message.NewMemoryState(10)
	unlock, err := s.Lock(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	// Another conversation is not blocked.
	other, err := s.Lock(ctx, "d")
	if err != nil {
		t.Fatal(err)
	}
	_ = other(ctx)
	// The same one waits until its context ends.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Lock(cctx, "c"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock of a held conversation with a done context: %v", err)
	}
	got := make(chan struct{})
	go func() {
		u, err := s.Lock(ctx, "c")
		if err == nil {
			_ = u(ctx)
		}
		close(got)
	}()
	_ = unlock(ctx)
	_ = unlock(ctx) // a second call is harmless
	<-got
}

// TestConversationsSerialises: events of one conversation run one at a
// time and see each other's saved state.
func TestConversationsSerialises(t *testing.T) {
	st := message.NewMemoryState(10)
	var running, maxRunning atomic.Int32
	h := message.Chain(message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		c := message.ConversationFrom(ctx)
		c.Set(append(c.Value(), 'x'))
		return nil
	}), message.Conversations(st, time.Hour))
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := h.Handle(context.Background(), textIn("x"), &recorder{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if m := maxRunning.Load(); m != 1 {
		t.Fatalf("%d events of one conversation ran at once", m)
	}
	v, _, _ := st.Load(context.Background(), "C1")
	if len(v) != 50 {
		t.Fatalf("state has %d updates, want 50 (an update was lost)", len(v))
	}
}

// TestConversationsKeepBotsApart: the same user talking to two bots of a
// multi-bot handler has two conversations, and a single-bot handler's
// events keep the bare ConversationID as their key.
func TestConversationsKeepBotsApart(t *testing.T) {
	st := message.NewMemoryState(10)
	h := message.Chain(message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		c := message.ConversationFrom(ctx)
		if c.ID != in.ConversationID {
			t.Errorf("Conversation.ID = %q, want the ConversationID %q", c.ID, in.ConversationID)
		}
		c.Set(append(c.Value(), in.BotID...))
		return nil
	}), message.Conversations(st, time.Hour))
	ctx := context.Background()
	for _, bot := range []string{"botA", "botB", "botA", ""} {
		in := textIn("x")
		in.BotID = bot
		if err := h.Handle(ctx, in, &recorder{}); err != nil {
			t.Fatal(err)
		}
	}
	in := textIn("x")
	for key, want := range map[string]string{
		"C1":           "",
		"line/botA/C1": "botAbotA",
		"line/botB/C1": "botB",
	} {
		v, ok, _ := st.Load(ctx, key)
		if string(v) != want || (want != "" && !ok) {
			t.Errorf("state[%q] = %q, want %q", key, v, want)
		}
	}
	in.BotID = "botB"
	if got := message.StateKey(in); got != "line/botB/C1" {
		t.Errorf("StateKey = %q", got)
	}
}

// An OpenTelemetry-style adapter: a span per event, closed with its error;
// this is all an adapter needs.
type spanObserver struct {
	mu    sync.Mutex
	spans []string
	sends []message.Sent
}

type spanKey struct{}

func (o *spanObserver) EventStart(ctx context.Context, in *message.Incoming) context.Context {
	return context.WithValue(ctx, spanKey{}, "span:"+string(in.Kind))
}

func (o *spanObserver) EventEnd(ctx context.Context, in *message.Incoming, err error, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	status := "ok"
	if err != nil {
		status = "error"
	}
	o.spans = append(o.spans, ctx.Value(spanKey{}).(string)+" "+status)
}

func (o *spanObserver) Sent(ctx context.Context, s message.Sent) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sends = append(o.sends, s)
}

func TestObserve(t *testing.T) {
	o := &spanObserver{}
	h := message.Chain(say("hi"), message.Observe(o))
	if err := h.Handle(context.Background(), textIn("x"), &recorder{}); err != nil {
		t.Fatal(err)
	}
	failing := &recorder{fail: errors.New("send failed")}
	if err := h.Handle(context.Background(), textIn("x"), failing); err == nil {
		t.Fatal("the failed reply's error was lost")
	}
	if diff := cmp.Diff([]string{"span:message ok", "span:message error"}, o.spans); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
	if len(o.sends) != 2 || o.sends[0].Err != nil || o.sends[1].Err == nil || o.sends[1].Report.Lossless() || o.sends[0].Contents != 1 {
		t.Errorf("sends = %+v", o.sends)
	}
}

func TestSlogObserverLogsNoContent(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := message.Chain(say("secret answer"), message.Observe(message.SlogObserver(l)))
	if err := h.Handle(context.Background(), textIn("secret question"), &recorder{fail: errors.New("boom")}); err == nil {
		t.Fatal("error lost")
	}
	out := buf.String()
	for _, want := range []string{"event handled", "reply sent", "level=WARN", "losses=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "secret") {
		t.Errorf("log holds message content:\n%s", out)
	}
}
