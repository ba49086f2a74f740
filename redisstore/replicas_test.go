package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/naverworks/naverworkstest"
	"github.com/channelkit/channelkit/redisstore"
	"github.com/channelkit/channelkit/signature"
)

const replicaSecret = "replica-channel-secret"

// crashingClaims is a replica's deduper: once the replica has crashed,
// the claims it would release stay behind, as a dead process leaves them.
type crashingClaims struct {
	*redisstore.Deduper
	crashed *atomic.Bool
}

func (c crashingClaims) Settle(ctx context.Context, key, token string, handled bool) error {
	if !handled && c.crashed.Load() {
		return nil
	}
	return c.Deduper.Settle(ctx, key, token, handled)
}

// replica is one process: its own Redis client, deduper, queue, LINE
// handler and worker.
type replica struct {
	name    string
	h       *line.WebhookHandler
	q       *redisstore.Queue
	stop    context.CancelFunc
	done    <-chan error
	crashed atomic.Bool
}

// TestReplicasExactlyOnce: three replicas behind a round-robin dispatcher
// receive 10,000 signed LINE events, 30% of them redelivered (the same
// webhookEventId, isRedelivery true) to whichever replica is next. In the
// middle, one replica crashes: its bot stops in the middle of events
// without performing them, its worker's context is cancelled (entries
// left pending, claims left behind) and the dispatcher stops sending to
// it. Every event is handled by the bot exactly once, none is lost, and
// the survivors reclaim the dead replica's entries.
func TestReplicasExactlyOnce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("10,000 events through Redis")
	}
	ctx := t.Context()
	const (
		events      = 10_000
		redelivered = 3_000
		senders     = 32
	)
	pfx := redisstore.WithPrefix(prefix(t))
	var (
		effects  sync.Map // webhookEventId → *atomic.Int32
		handled  atomic.Int32
		blocked  = make(chan struct{}, 1024)
		replicas []*replica
	)
	for i := range 3 {
		rdb := newClient(t)
		r := &replica{name: fmt.Sprintf("replica-%d", i)}
		d, err := redisstore.NewDeduper(rdb, time.Hour, pfx)
		if err != nil {
			t.Fatal(err)
		}
		r.q, err = redisstore.NewQueue(rdb, "line", pfx, redisstore.WithConsumer(r.name),
			redisstore.WithVisibility(6*time.Second), redisstore.WithMaxAttempts(20),
			redisstore.WithBlock(50*time.Millisecond), redisstore.WithConcurrency(16))
		if err != nil {
			t.Fatal(err)
		}
		bot := func(ctx context.Context, cb *line.Callback) error {
			if r.crashed.Load() {
				// Dies in the middle of the event, before its effect.
				blocked <- struct{}{}
				<-ctx.Done()
				return ctx.Err()
			}
			for _, ev := range cb.Events {
				n, _ := effects.LoadOrStore(ev.Base().WebhookEventID, new(atomic.Int32))
				if n.(*atomic.Int32).Add(1) == 1 {
					handled.Add(1)
				}
			}
			return nil
		}
		r.h, err = line.NewWebhookHandler(signature.MustSecretSet(replicaSecret), bot,
			line.WithQueue(r.q), line.WithDeduper(crashingClaims{d, &r.crashed}), line.WithWorkTimeout(200*time.Millisecond),
			line.WithErrorHandler(func(_ *http.Request, err error) {
				if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("%s: %v", r.name, err)
				}
			}))
		if err != nil {
			t.Fatal(err)
		}
		var rctx context.Context
		rctx, r.stop = context.WithCancel(ctx)
		r.done = runQueue(rctx, r.q, r.h.HandleQueued)
		replicas = append(replicas, r)
	}

	// The deliveries: every event once, 30% of them again, marked as a
	// redelivery, at a later place in the order.
	type delivery struct{ body []byte }
	type slot struct {
		at    float64
		event int
		again bool
	}
	rng := rand.New(rand.NewPCG(1, 2))
	order := make([]slot, 0, events+redelivered)
	for i := range events {
		order = append(order, slot{at: float64(i), event: i})
	}
	for _, i := range rng.Perm(events)[:redelivered] {
		order = append(order, slot{at: float64(i) + 0.5 + rng.Float64()*float64(events-i), event: i, again: true})
	}
	sort.Slice(order, func(a, b int) bool { return order[a].at < order[b].at })
	// The bodies are LINE's JSON, written from a template (linetest's
	// encoder takes seconds for 13,000 bodies under the race detector).
	ids := make([]string, events)
	now := time.Now().UnixMilli()
	all := make([]delivery, len(order))
	for k, o := range order {
		i := o.event
		ids[i] = fmt.Sprintf("01REPLICATEST%013d", i)
		all[k] = delivery{fmt.Appendf(nil, `{"destination":"U00000000000000000000000000000000","events":[{"type":"message",`+
			`"source":{"type":"user","userId":"U%032d"},"message":{"type":"text","id":"%018d","text":"message %d","quoteToken":"q-%d"},`+
			`"mode":"active","timestamp":%d,"webhookEventId":"%s","deliveryContext":{"isRedelivery":%t},"replyToken":"reply-%d-%t"}]}`,
			i%500, 468789577898262530+i, i, i, now+int64(i), ids[i], o.again, i, o.again)}
	}

	// The dispatcher: round robin over the live replicas.
	var (
		liveMu sync.RWMutex
		live   = replicas
		next   atomic.Int64
		sent   atomic.Int64
	)
	crashAt := int64(len(all) / 2)
	var crashOnce sync.Once
	dead := replicas[2]
	var deadPending int64
	crash := func() {
		dead.crashed.Store(true)
		// Wait until the dead replica's bot is in the middle of events.
		for range 4 {
			select {
			case <-blocked:
			case <-time.After(20 * time.Second):
				t.Error("the crashing replica took no event within 20s")
				return
			}
		}
		liveMu.Lock()
		live = replicas[:2]
		liveMu.Unlock()
		dead.stop()
		if err := <-dead.done; !errors.Is(err, context.Canceled) {
			t.Errorf("the dead replica's Run: %v, want context.Canceled", err)
		}
		p, err := newClient(t).XPending(ctx, prefix(t)+":queue:{line}", redisstore.DefaultGroup).Result()
		if err != nil {
			t.Error(err)
			return
		}
		deadPending = p.Consumers[dead.name]
	}
	t0 := time.Now()
	var wg sync.WaitGroup
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(all)) {
					return
				}
				if i == crashAt {
					go crashOnce.Do(crash)
				}
				liveMu.RLock()
				r := live[int(i)%len(live)]
				liveMu.RUnlock()
				w := httptest.NewRecorder()
				r.h.ServeHTTP(w, linetest.NewRequestBody(replicaSecret, all[i].body))
				if w.Code != http.StatusOK {
					t.Errorf("%s answered %d", r.name, w.Code)
				}
				sent.Add(1)
			}
		}()
	}
	wg.Wait()
	crashOnce.Do(crash) // in case the sender at crashAt had not started it
	sentIn := time.Since(t0)
	// Every event handled, and every entry acknowledged: the entries that
	// found their event claimed by the dead replica, or by a live one
	// handling its other delivery, are handed over again after the
	// visibility timeout.
	stream := prefix(t) + ":queue:{line}"
	check := newClient(t)
	untilWithin(t, 60*time.Second, "every event handled and every entry acknowledged", func() bool {
		if handled.Load() < events {
			return false
		}
		p, err := check.XPending(ctx, stream, redisstore.DefaultGroup).Result()
		if err != nil || p.Count != 0 {
			return false
		}
		g, err := check.XInfoGroups(ctx, stream).Result()
		return err == nil && len(g) == 1 && g[0].Lag == 0
	})
	doneIn := time.Since(t0)
	// Let the survivors settle what they hold, then stop them.
	for _, r := range replicas[:2] {
		r.q.Close()
	}
	for _, r := range replicas[:2] {
		if err := <-r.done; err != nil {
			t.Errorf("%s Run: %v", r.name, err)
		}
	}

	missing, twice := 0, 0
	for _, id := range ids {
		n, ok := effects.Load(id)
		switch {
		case !ok:
			missing++
		case n.(*atomic.Int32).Load() > 1:
			twice++
		}
	}
	if missing != 0 || twice != 0 {
		t.Errorf("of %d events: %d never handled, %d handled more than once; want 0 and 0", events, missing, twice)
	}
	var reclaimed, dl int64
	for _, r := range replicas[:2] {
		s := r.q.Stats()
		reclaimed += s.Reclaimed
		dl += s.DeadLettered
		t.Logf("%s: %+v", r.name, s)
	}
	p, err := check.XPending(ctx, stream, redisstore.DefaultGroup).Result()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sent in %v, all handled and acknowledged after %v", sentIn.Round(time.Millisecond), doneIn.Round(time.Millisecond))
	t.Logf("%d deliveries (%d events, %d redeliveries) to 3 replicas; %s crashed after ~%d, holding %d entries; the survivors reclaimed %d entries; %d dead-lettered; %d pending at the end",
		len(all), events, redelivered, dead.name, crashAt, deadPending, reclaimed, dl, p.Count)
	if deadPending == 0 {
		t.Error("the crashed replica held no pending entry: the crash tested nothing")
	}
	if reclaimed == 0 {
		t.Error("the survivors reclaimed nothing")
	}
	if p.Consumers[dead.name] != 0 || p.Count != 0 || dl != 0 {
		t.Errorf("at the end: %d pending (%d the dead replica's), %d dead-lettered; want 0", p.Count, p.Consumers[dead.name], dl)
	}
}

// TestReplicasNAVERWORKSToken: three replicas, each with its own Redis
// client and its own naverworks client whose token source is the real
// service-account source behind redisstore.TokenSource, send 300 messages
// each at once with a cold cache through the naverworkstest fake: the
// fake sees exactly one token exchange, and every send succeeds.
func TestReplicasNAVERWORKSToken(t *testing.T) {
	t.Parallel()
	fake := naverworkstest.NewServer(t)
	const replicas, sends = 3, 300
	var clients []*naverworks.Client
	for range replicas {
		src, err := fake.TokenSource()
		if err != nil {
			t.Fatal(err)
		}
		shared := redisstore.TokenSource(newClient(t), "naverworks:"+naverworkstest.BotID, src, redisstore.WithPrefix(prefix(t)))
		c, err := naverworks.New(naverworkstest.BotID, shared, naverworks.WithBaseURL(fake.BaseURL()), naverworks.WithHTTPClient(fake.HTTPClient()))
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	var failed atomic.Int32
	for _, c := range clients {
		for i := range sends {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, err := c.SendToUser(t.Context(), fmt.Sprintf("user-%d", i), &naverworks.Text{Text: "hello"}); err != nil {
					if failed.Add(1) == 1 {
						t.Errorf("SendToUser: %v", err)
					}
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	if n := fake.TokenRequests(); n != 1 {
		t.Errorf("%d token exchanges for %d replicas × %d concurrent sends with a cold cache, want exactly 1", n, replicas, sends)
	}
	if n := len(fake.Messages()); n != replicas*sends {
		t.Errorf("%d messages delivered, want %d", n, replicas*sends)
	}
	t.Logf("%d replicas × %d concurrent sends: %d token exchange, %d failed sends", replicas, sends, fake.TokenRequests(), failed.Load())
}

var _ message.Claimer = crashingClaims{}
