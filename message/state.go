package message

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// State keeps a small value per conversation, with a TTL, and a lock per
// conversation so that two events of one conversation are not answered at
// the same time. [MemoryState] keeps it in process; a store on a network
// engine implements the same methods and returns its network errors.
type State interface {
	// Load returns the conversation's value; ok is false when there is
	// none or it expired.
	Load(ctx context.Context, conversation string) (value []byte, ok bool, err error)
	// Save stores value for ttl (0: until evicted). A nil value deletes.
	Save(ctx context.Context, conversation string, value []byte, ttl time.Duration) error
	// Lock waits until the conversation is free or ctx ends, and returns
	// the function that frees it again.
	Lock(ctx context.Context, conversation string) (unlock func(context.Context) error, err error)
}

// Conversation is the state of the conversation being handled, as
// [Conversations] (or a platform that keeps state itself, like CLOVA's
// session attributes) hands it to a Handler through the context.
type Conversation struct {
	// ID is the Incoming's ConversationID.
	ID      string
	value   []byte
	changed bool
}

// Value returns the stored value (nil when there is none).
func (c *Conversation) Value() []byte { return c.value }

// Set replaces the value; it is saved when the handler returns. nil
// deletes it.
func (c *Conversation) Set(v []byte) { c.value, c.changed = v, true }

// Changed reports whether Set was called.
func (c *Conversation) Changed() bool { return c.changed }

// NewConversation returns a Conversation holding value, for platforms that
// keep the state themselves.
func NewConversation(id string, value []byte) *Conversation {
	return &Conversation{ID: id, value: value}
}

type conversationKey struct{}

// WithConversation returns ctx carrying c.
func WithConversation(ctx context.Context, c *Conversation) context.Context {
	return context.WithValue(ctx, conversationKey{}, c)
}

// ConversationFrom returns the Conversation in ctx, or nil.
func ConversationFrom(ctx context.Context) *Conversation {
	c, _ := ctx.Value(conversationKey{}).(*Conversation)
	return c
}

// Conversations returns middleware that, for each event with a
// ConversationID, locks the conversation in st, loads its value into a
// [Conversation] in the context, calls the handler, and saves the value
// (for ttl) if the handler changed it. A failed load, lock or save is the
// handler's error.
//
// The key under which st holds a conversation is [StateKey] of the event:
// the ConversationID, prefixed with the bot ID when a multi-bot handler
// resolved one, so that two bots a user talks to keep apart.
func Conversations(st State, ttl time.Duration) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, in *Incoming, r Responder) error {
			if in.ConversationID == "" {
				return next.Handle(ctx, in, r)
			}
			key := StateKey(in)
			unlock, err := st.Lock(ctx, key)
			if err != nil {
				return fmt.Errorf("message: locking the conversation: %w", err)
			}
			defer func() { _ = unlock(context.WithoutCancel(ctx)) }()
			v, _, err := st.Load(ctx, key)
			if err != nil {
				return fmt.Errorf("message: loading the conversation: %w", err)
			}
			c := &Conversation{ID: in.ConversationID, value: v}
			herr := next.Handle(WithConversation(ctx, c), in, r)
			if c.changed {
				if err := st.Save(context.WithoutCancel(ctx), key, c.value, ttl); err != nil {
					return errors.Join(herr, fmt.Errorf("message: saving the conversation: %w", err))
				}
			}
			return herr
		})
	}
}

// StateKey is the key [Conversations] keeps an event's conversation under
// in a [State]: the ConversationID for a single-bot handler's event, and
// the platform, bot ID and ConversationID ("line/<bot>/<conversation>")
// when a multi-bot handler set BotID, so that the same user talking to
// two bots has two conversations. Empty when the event has no
// ConversationID.
func StateKey(in *Incoming) string {
	if in.ConversationID == "" || in.BotID == "" {
		return in.ConversationID
	}
	return string(in.Platform) + "/" + in.BotID + "/" + in.ConversationID
}

// MemoryState is an in-process [State]: at most max conversations (the
// least recently saved is dropped first), each kept until its TTL. It is
// safe for concurrent use.
type MemoryState struct {
	max int
	now func() time.Time

	mu    sync.Mutex
	vals  map[string]*stateEntry
	order []saved // saving order, oldest first; may hold stale entries
	seq   uint64
	locks map[string]*convLock
}

type saved struct {
	key string
	seq uint64
}

type stateEntry struct {
	value   []byte
	expires time.Time // zero: no TTL
	seq     uint64
}

type convLock struct {
	ch   chan struct{}
	refs int
}

// StateOption configures a [MemoryState].
type StateOption func(*MemoryState)

// WithStateClock makes the state read time from now instead of time.Now.
func WithStateClock(now func() time.Time) StateOption {
	return func(s *MemoryState) { s.now = now }
}

// NewMemoryState returns a MemoryState holding at most max conversations
// (max ≤ 0: 10,000).
func NewMemoryState(max int, opts ...StateOption) *MemoryState {
	if max <= 0 {
		max = 10000
	}
	s := &MemoryState{max: max, now: time.Now, vals: map[string]*stateEntry{}, locks: map[string]*convLock{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Load implements [State].
func (s *MemoryState) Load(ctx context.Context, conversation string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.vals[conversation]
	if !ok {
		return nil, false, nil
	}
	if !e.expires.IsZero() && !s.now().Before(e.expires) {
		delete(s.vals, conversation)
		return nil, false, nil
	}
	return append([]byte(nil), e.value...), true, nil
}

// Save implements [State].
func (s *MemoryState) Save(ctx context.Context, conversation string, value []byte, ttl time.Duration) error {
	if ttl < 0 {
		return errors.New("message: negative TTL")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if value == nil {
		delete(s.vals, conversation)
		return nil
	}
	s.seq++
	e := &stateEntry{value: append([]byte(nil), value...), seq: s.seq}
	if ttl > 0 {
		e.expires = s.now().Add(ttl)
	}
	s.vals[conversation] = e
	s.order = append(s.order, saved{conversation, s.seq})
	for len(s.vals) > s.max {
		s.evictOldest()
	}
	if len(s.order) > 4*s.max {
		s.compact()
	}
	return nil
}

// evictOldest drops the least recently saved conversation.
func (s *MemoryState) evictOldest() {
	for len(s.order) > 0 {
		o := s.order[0]
		s.order[0] = saved{}
		s.order = s.order[1:]
		if e, ok := s.vals[o.key]; ok && e.seq == o.seq {
			delete(s.vals, o.key)
			return
		}
	}
}

// compact drops stale entries from the saving order.
func (s *MemoryState) compact() {
	kept := make([]saved, 0, len(s.vals))
	for _, o := range s.order {
		if e, ok := s.vals[o.key]; ok && e.seq == o.seq {
			kept = append(kept, o)
		}
	}
	s.order = kept
}

// Len returns how many conversations are stored (expired ones included
// until they are read or evicted).
func (s *MemoryState) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.vals)
}

// Lock implements [State]. Waiters are not queued in arrival order.
func (s *MemoryState) Lock(ctx context.Context, conversation string) (func(context.Context) error, error) {
	s.mu.Lock()
	l, ok := s.locks[conversation]
	if !ok {
		l = &convLock{ch: make(chan struct{}, 1)}
		s.locks[conversation] = l
	}
	l.refs++
	s.mu.Unlock()
	select {
	case l.ch <- struct{}{}:
	case <-ctx.Done():
		s.release(conversation, l)
		return nil, ctx.Err()
	}
	var once sync.Once
	return func(context.Context) error {
		once.Do(func() {
			<-l.ch
			s.release(conversation, l)
		})
		return nil
	}, nil
}

func (s *MemoryState) release(conversation string, l *convLock) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l.refs--
	if l.refs == 0 {
		delete(s.locks, conversation)
	}
}
