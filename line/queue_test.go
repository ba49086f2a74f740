package line_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/line/linetest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
	"github.com/google/go-cmp/cmp"
)

// sliceQueue is a message.Queue that keeps bodies in memory, or fails.
type sliceQueue struct {
	mu     sync.Mutex
	bodies [][]byte
	err    error
}

func (q *sliceQueue) Enqueue(_ context.Context, body []byte) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return q.err
	}
	q.bodies = append(q.bodies, bytes.Clone(body))
	return nil
}

// claimStore is a message.Claimer in memory with a clock the test moves.
type claimStore struct {
	mu     sync.Mutex
	now    time.Time
	n      int
	claims map[string]storedClaim
	err    error // every call fails with it when set
}

type storedClaim struct {
	token  string // "" once done
	expiry time.Time
}

func newClaimStore() *claimStore {
	return &claimStore{now: time.Unix(1700000000, 0), claims: map[string]storedClaim{}}
}

func (s *claimStore) Seen(_ context.Context, key string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return false, s.err
	}
	if c, ok := s.claims[key]; ok && s.now.Before(c.expiry) {
		return true, nil
	}
	s.claims[key] = storedClaim{expiry: s.now.Add(time.Hour)}
	return false, nil
}

func (s *claimStore) Claim(_ context.Context, key string, lease time.Duration) (string, message.ClaimState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return "", 0, s.err
	}
	if c, ok := s.claims[key]; ok && s.now.Before(c.expiry) {
		if c.token == "" {
			return "", message.ClaimDone, nil
		}
		return "", message.ClaimHeld, nil
	}
	s.n++
	tok := strings.Repeat("t", s.n)
	s.claims[key] = storedClaim{token: tok, expiry: s.now.Add(lease)}
	return tok, message.ClaimNew, nil
}

func (s *claimStore) Settle(_ context.Context, key, token string, handled bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	c, ok := s.claims[key]
	if !ok || c.token != token || !s.now.Before(c.expiry) {
		return message.ErrClaimLost
	}
	if handled {
		s.claims[key] = storedClaim{expiry: s.now.Add(time.Hour)}
	} else {
		delete(s.claims, key)
	}
	return nil
}

func (s *claimStore) advance(d time.Duration) {
	s.mu.Lock()
	s.now = s.now.Add(d)
	s.mu.Unlock()
}

// queueEnv is a WebhookHandler with a queue; its function records the
// webhookEventIds it was called with and fails while fail is set.
type queueEnv struct {
	h    *line.WebhookHandler
	q    *sliceQueue
	mu   sync.Mutex
	got  []string
	fail error
	errs []error
}

func newQueueEnv(t *testing.T, opts ...line.HandlerOption) *queueEnv {
	t.Helper()
	e := &queueEnv{q: new(sliceQueue)}
	fn := func(_ context.Context, cb *line.Callback) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.fail != nil {
			return e.fail
		}
		for _, ev := range cb.Events {
			e.got = append(e.got, ev.Base().WebhookEventID)
		}
		return nil
	}
	onErr := func(_ *http.Request, err error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.errs = append(e.errs, err)
	}
	all := append([]line.HandlerOption{line.WithQueue(e.q), line.WithErrorHandler(onErr)}, opts...)
	h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), fn, all...)
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	return e
}

func (e *queueEnv) handled() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.got...)
}

func (e *queueEnv) setFail(err error) {
	e.mu.Lock()
	e.fail = err
	e.mu.Unlock()
}

func (e *queueEnv) reported() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}

func eventIDs(events ...line.Event) []string {
	out := make([]string, len(events))
	for i, ev := range events {
		out[i] = ev.Base().WebhookEventID
	}
	return out
}

// TestWithQueueServeHTTP: a verified body is enqueued byte for byte before
// the 200, and the function is not called on the request; a refused
// request enqueues nothing; an Enqueue failure is a 500 whose report
// holds neither the body nor the signature; an empty callback is answered
// without enqueueing.
func TestWithQueueServeHTTP(t *testing.T) {
	t.Parallel()
	ev := linetest.TextMessage("U4af4980629a1b2c3d4e5f60718293a4b", "secret-looking text")
	body := linetest.CallbackBody(t, ev)
	for _, tc := range []struct {
		name      string
		req       func() *http.Request
		queueErr  error
		want      int
		enqueued  int
		wantError bool
	}{
		{"signed", func() *http.Request { return linetest.NewRequestBody(secret, body) }, nil, http.StatusOK, 1, false},
		{"bad signature", func() *http.Request { return linetest.NewRequestBody("another-secret", body) }, nil, http.StatusUnauthorized, 0, true},
		{"malformed", func() *http.Request { return linetest.NewRequestBody(secret, []byte(`{"events":7}`)) }, nil, http.StatusBadRequest, 0, true},
		{"no events", func() *http.Request {
			return linetest.NewRequestBody(secret, []byte(`{"destination":"U1","events":[]}`))
		}, nil, http.StatusOK, 0, false},
		{"enqueue fails", func() *http.Request { return linetest.NewRequestBody(secret, body) }, errors.New("store unreachable"), http.StatusInternalServerError, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newQueueEnv(t)
			e.q.err = tc.queueErr
			r := tc.req()
			sig := r.Header.Get(line.SignatureHeader)
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d", w.Code, tc.want)
			}
			if len(e.q.bodies) != tc.enqueued {
				t.Fatalf("%d bodies enqueued, want %d", len(e.q.bodies), tc.enqueued)
			}
			if tc.enqueued == 1 {
				if diff := cmp.Diff(string(body), string(e.q.bodies[0])); diff != "" {
					t.Errorf("enqueued body (-want +got):\n%s", diff)
				}
			}
			if got := e.handled(); len(got) != 0 {
				t.Errorf("the function ran on the request with %v; want it left to the queue", got)
			}
			errs := e.reported()
			if (len(errs) > 0) != tc.wantError {
				t.Fatalf("reported %v, want an error: %v", errs, tc.wantError)
			}
			for _, err := range errs {
				for _, leak := range []string{"secret-looking", sig, string(body)} {
					if leak != "" && strings.Contains(err.Error(), leak) {
						t.Errorf("reported error %q contains %q", err, leak)
					}
				}
			}
		})
	}
}

// TestHandleQueuedClaims walks one body through the claim states: handled
// once, a second hand-over skipped, a failure releasing the claims so the
// next try handles the events, an event held by a live claim left for
// later (and the others handled), and an event whose claimer died handled
// once its claim ran out.
func TestHandleQueuedClaims(t *testing.T) {
	t.Parallel()
	store := newClaimStore()
	e := newQueueEnv(t, line.WithDeduper(store), line.WithWorkTimeout(10*time.Second))
	ctx := t.Context()
	a, b := linetest.TextMessage("Ua", "one"), linetest.TextMessage("Ub", "two")
	body := linetest.CallbackBody(t, a, b)

	e.setFail(errors.New("downstream failed"))
	if err := e.h.HandleQueued(ctx, body); !errors.Is(err, line.ErrCallback) {
		t.Fatalf("HandleQueued with a failing function: %v, want ErrCallback", err)
	}
	if n := len(e.reported()); n != 1 {
		t.Fatalf("%d reports of the failure, want 1", n)
	}
	e.setFail(nil)
	if err := e.h.HandleQueued(ctx, body); err != nil {
		t.Fatalf("HandleQueued after the failure: %v", err)
	}
	if err := e.h.HandleQueued(ctx, body); err != nil {
		t.Fatalf("HandleQueued of a handled body: %v", err)
	}
	if diff := cmp.Diff(eventIDs(a, b), e.handled()); diff != "" {
		t.Fatalf("handled (-want +got):\n%s", diff)
	}

	// c is claimed by a worker that then dies; d is new.
	c, d := linetest.TextMessage("Uc", "three"), linetest.TextMessage("Ud", "four")
	if _, st, err := store.Claim(ctx, c.WebhookEventID, 15*time.Second); err != nil || st != message.ClaimNew {
		t.Fatalf("claiming c as the dead worker: %v %v", st, err)
	}
	body2 := linetest.CallbackBody(t, c, d)
	if err := e.h.HandleQueued(ctx, body2); err == nil || !strings.Contains(err.Error(), "claimed by another worker") {
		t.Fatalf("HandleQueued with a held event: %v, want the held error", err)
	}
	store.advance(15 * time.Second) // the dead worker's claim runs out
	if err := e.h.HandleQueued(ctx, body2); err != nil {
		t.Fatalf("HandleQueued after the claim ran out: %v", err)
	}
	if diff := cmp.Diff(eventIDs(a, b, d, c), e.handled()); diff != "" {
		t.Fatalf("handled (-want +got):\n%s", diff)
	}
	// The claim lasts the work timeout and 5 seconds.
	e2 := linetest.TextMessage("Ue", "five")
	store.mu.Lock()
	store.claims[e2.WebhookEventID] = storedClaim{}
	store.mu.Unlock()
	var lease time.Duration
	spy := &leaseSpy{claimStore: store, lease: &lease}
	h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(context.Context, *line.Callback) error { return nil },
		line.WithQueue(e.q), line.WithDeduper(spy), line.WithWorkTimeout(3*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.HandleQueued(ctx, linetest.CallbackBody(t, e2)); err != nil {
		t.Fatal(err)
	}
	if lease != 8*time.Second {
		t.Errorf("claim lease %v, want the work timeout plus 5s (8s)", lease)
	}
}

type leaseSpy struct {
	*claimStore
	lease *time.Duration
}

func (s *leaseSpy) Claim(ctx context.Context, key string, lease time.Duration) (string, message.ClaimState, error) {
	*s.lease = lease
	return s.claimStore.Claim(ctx, key, lease)
}

// TestHandleQueuedErrors: a body that does not decode, a store that fails
// (nothing is handled, and nothing stays claimed), a panic, and a store
// that fails to record the events as done after they were handled (not
// returned: the body is done; reported instead).
func TestHandleQueuedErrors(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	t.Run("malformed", func(t *testing.T) {
		t.Parallel()
		e := newQueueEnv(t)
		if err := e.h.HandleQueued(ctx, []byte(`{"events":"secret-looking"}`)); !errors.Is(err, line.ErrMalformed) || strings.Contains(err.Error(), "secret-looking") {
			t.Fatalf("HandleQueued(malformed): %v, want ErrMalformed without body content", err)
		}
	})
	t.Run("store fails", func(t *testing.T) {
		t.Parallel()
		store := newClaimStore()
		store.err = errors.New("store down")
		e := newQueueEnv(t, line.WithDeduper(store))
		err := e.h.HandleQueued(ctx, linetest.CallbackBody(t, linetest.TextMessage("Ua", "x")))
		if err == nil || !strings.Contains(err.Error(), "store down") {
			t.Fatalf("HandleQueued: %v, want the store's error", err)
		}
		if got := e.handled(); len(got) != 0 {
			t.Fatalf("handled %v while the store failed; want nothing (the queue retries)", got)
		}
	})
	t.Run("panic", func(t *testing.T) {
		t.Parallel()
		h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(context.Context, *line.Callback) error { panic("oops") }, line.WithQueue(new(sliceQueue)))
		if err != nil {
			t.Fatal(err)
		}
		if err := h.HandleQueued(ctx, linetest.CallbackBody(t, linetest.TextMessage("Ua", "x"))); !errors.Is(err, line.ErrCallback) {
			t.Fatalf("HandleQueued with a panicking function: %v, want ErrCallback", err)
		}
	})
	t.Run("settle fails after success", func(t *testing.T) {
		t.Parallel()
		store := newClaimStore()
		var e *queueEnv
		fail := &failingSettle{claimStore: store}
		e = newQueueEnv(t, line.WithDeduper(fail))
		ev := linetest.TextMessage("Ua", "x")
		if err := e.h.HandleQueued(ctx, linetest.CallbackBody(t, ev)); err != nil {
			t.Fatalf("HandleQueued: %v, want nil (the events were handled)", err)
		}
		errs := e.reported()
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), "record as done") {
			t.Fatalf("reported %v, want one settle failure", errs)
		}
	})
}

type failingSettle struct{ *claimStore }

func (failingSettle) Settle(context.Context, string, string, bool) error {
	return errors.New("store down")
}

// TestHandleQueuedPlainDeduper: with a deduper that is not a Claimer, a
// handled event is recorded with Seen and skipped after, and a failed one
// is forgotten so the next try handles it.
func TestHandleQueuedPlainDeduper(t *testing.T) {
	t.Parallel()
	d, err := message.NewMemoryDeduper(time.Hour, 100)
	if err != nil {
		t.Fatal(err)
	}
	e := newQueueEnv(t, line.WithDeduper(d))
	ev := linetest.TextMessage("Ua", "x")
	body := linetest.CallbackBody(t, ev)
	e.setFail(errors.New("boom"))
	if err := e.h.HandleQueued(t.Context(), body); err == nil {
		t.Fatal("HandleQueued with a failing function: nil error")
	}
	e.setFail(nil)
	for range 2 {
		if err := e.h.HandleQueued(t.Context(), body); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(eventIDs(ev), e.handled()); diff != "" {
		t.Fatalf("handled (-want +got):\n%s", diff)
	}
}

// TestBotHandlerQueue: a BotHandler with a queue enqueues on the request
// and answers the user when the body is handed back.
func TestBotHandlerQueue(t *testing.T) {
	t.Parallel()
	q := new(sliceQueue)
	var mu sync.Mutex
	var texts []string
	bot := message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		mu.Lock()
		texts = append(texts, in.Content.(*message.Text).Text)
		mu.Unlock()
		_, err := r.Reply(ctx, &message.Text{Text: "ok"})
		return err
	})
	env := newBot(t, bot, line.WithQueue(q))
	env.send(t, linetest.TextMessage("Ua", "hello"))
	mu.Lock()
	if len(texts) != 0 {
		t.Fatalf("the bot ran on the request: %v", texts)
	}
	mu.Unlock()
	if len(q.bodies) != 1 {
		t.Fatalf("%d bodies enqueued, want 1", len(q.bodies))
	}
	if err := env.bot.HandleQueued(t.Context(), q.bodies[0]); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"hello"}, texts); diff != "" {
		t.Errorf("the bot saw (-want +got):\n%s", diff)
	}
	if n := len(env.fake.Calls()); n != 1 {
		t.Errorf("%d calls to LINE, want the one reply", n)
	}
}

func TestWithQueueNil(t *testing.T) {
	t.Parallel()
	_, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(context.Context, *line.Callback) error { return nil }, line.WithQueue(nil))
	if err == nil || !strings.Contains(err.Error(), "WithQueue") {
		t.Fatalf("WithQueue(nil): %v, want an error naming it", err)
	}
}

// FuzzHandleQueued: a queued body, whatever it holds, never panics the
// handler; the function is called only with a body that decodes; and
// handing the same body over again never passes an event with an ID the
// first call handled.
func FuzzHandleQueued(f *testing.F) {
	seedWebhooks(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		store := newClaimStore()
		var seen []string
		calls := 0
		h, err := line.NewWebhookHandler(signature.MustSecretSet(secret), func(_ context.Context, cb *line.Callback) error {
			calls++
			for _, ev := range cb.Events {
				seen = append(seen, ev.Base().WebhookEventID)
			}
			return nil
		}, line.WithQueue(new(sliceQueue)), line.WithDeduper(store))
		if err != nil {
			t.Fatal(err)
		}
		err = h.HandleQueued(t.Context(), body)
		if _, derr := line.Decode(body); derr != nil {
			if err == nil || calls != 0 {
				t.Fatalf("a body Decode refuses: HandleQueued %v with %d calls, want an error and none", err, calls)
			}
			return
		}
		first := map[string]bool{}
		for _, id := range seen {
			if id != "" {
				first[id] = true
			}
		}
		seen = nil
		_ = h.HandleQueued(t.Context(), body)
		for _, id := range seen {
			if first[id] {
				t.Fatalf("event %q handled again on the second hand-over", id)
			}
		}
	})
}

// TestMultiBotQueue: a multi-bot handler queues what it verified with
// each bot's own secret, and a worker hands each queued body to the
// function with its bot in the context; claims are per bot, so the same
// event ID for two bots is handled twice, once each. A cross-signed body
// is not queued, and WithBotPath cannot be queued (a queued body has no
// path).
func TestMultiBotQueue(t *testing.T) {
	t.Parallel()
	q := &sliceQueue{}
	store := newClaimStore()
	var mu sync.Mutex
	var got []string
	h, err := line.NewMultiWebhookHandler(twoBots(t, nil, nil), func(ctx context.Context, cb *line.Callback) error {
		bot, ok := line.BotFromContext(ctx)
		if !ok {
			t.Error("no bot in the context of a queued body")
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		for _, id := range eventIDs(cb.Events...) {
			got = append(got, bot.ID+" "+id)
		}
		return nil
	}, line.WithQueue(q), line.WithDeduper(store))
	if err != nil {
		t.Fatal(err)
	}
	ev := linetest.TextMessage("Uuser", "x")
	send := func(dest, secret string) int {
		b, err := json.Marshal(&line.Callback{Destination: dest, Events: []line.Event{ev}})
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, linetest.NewRequestBody(secret, b))
		return w.Code
	}
	if code := send(botA, secretA); code != http.StatusOK {
		t.Fatalf("bot A: status %d", code)
	}
	if code := send(botB, secretB); code != http.StatusOK {
		t.Fatalf("bot B: status %d", code)
	}
	if code := send(botA, secretB); code != http.StatusUnauthorized {
		t.Fatalf("bot A's body signed with bot B's secret: status %d, want 401", code)
	}
	q.mu.Lock()
	bodies := q.bodies
	q.mu.Unlock()
	if len(bodies) != 2 {
		t.Fatalf("queued %d bodies, want 2 (the cross-signed one must not be queued)", len(bodies))
	}
	for _, b := range append(bodies, bodies...) { // each twice: the second is a redelivery
		if err := h.HandleQueued(context.Background(), b); err != nil {
			t.Fatalf("HandleQueued: %v", err)
		}
	}
	id := ev.Base().WebhookEventID
	if diff := cmp.Diff([]string{botA + " " + id, botB + " " + id}, got); diff != "" {
		t.Errorf("handled (-want +got):\n%s", diff)
	}
	if _, err := line.NewMultiWebhookHandler(twoBots(t, nil, nil), func(context.Context, *line.Callback) error { return nil },
		line.WithQueue(q), line.WithBotPath("bot")); !errors.Is(err, line.ErrInvalid) {
		t.Errorf("WithQueue with WithBotPath: %v, want ErrInvalid", err)
	}
}
