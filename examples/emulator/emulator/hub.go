package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"unicode/utf8"
)

// An event is one thing the page shows: what the user sent, an answer of
// the bot, another API call, or a failure. It never holds a secret: paths
// are shown without Kakao's callback token, and signatures are not shown.
type event struct {
	Seq      int64  `json:"seq"`
	Kind     string `json:"kind"`
	Platform string `json:"platform"`
	// Label says what it is: "reply", "typing…", "text", "postback".
	Label string `json:"label,omitempty"`
	// Via is how it travelled: "POST /v2/bot/message/reply", "webhook
	// response", "webhook".
	Via string `json:"via,omitempty"`
	// Shown is what the user's bubble says (kind user).
	Shown  string `json:"shown,omitempty"`
	Status int    `json:"status,omitempty"`
	// Body is the exact JSON the platform received (or the bot received,
	// for kind user); a body that is not JSON is a string.
	Body any `json:"body,omitempty"`
	// Problems is what the platform would refuse in Body.
	Problems []string `json:"problems,omitempty"`
	// Refused is the fake's error answer to a call it refused.
	Refused string `json:"refused,omitempty"`
	// Error says why a webhook failed (kind error); never a secret or body.
	Error string `json:"error,omitempty"`
	// Millis is how long the webhook call took, for kind answer through
	// the webhook response.
	Millis float64 `json:"ms,omitempty"`
	// Turn ties the events of one user action together.
	Turn int64 `json:"turn,omitempty"`
}

// jsonOrString returns b as raw JSON when it is JSON, else as a string.
func jsonOrString(b []byte) any {
	if json.Valid(b) {
		return json.RawMessage(b)
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return fmt.Sprintf("(%d bytes, not text)", len(b))
}

// hub fans events out to every page that listens, over server-sent
// events. A page that connects late gets the events it missed (the last
// maxBacklog).
type hub struct {
	mu      sync.Mutex
	seq     int64
	backlog []event
	subs    map[chan event]struct{}
	done    chan struct{}
	closed  bool
}

const maxBacklog = 500

func newHub() *hub { return &hub{subs: map[chan event]struct{}{}, done: make(chan struct{})} }

func (h *hub) publish(ev event) event {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	ev.Seq = h.seq
	h.backlog = append(h.backlog, ev)
	if len(h.backlog) > maxBacklog {
		h.backlog = append(h.backlog[:0:0], h.backlog[len(h.backlog)-maxBacklog:]...)
	}
	for c := range h.subs {
		select {
		case c <- ev:
		default:
			// A page too slow to keep up loses its stream rather than
			// an event: its EventSource reconnects with Last-Event-ID
			// and is sent what it missed from the backlog.
			delete(h.subs, c)
			close(c)
		}
	}
	return ev
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// serve streams events: first those after Last-Event-ID (or the whole
// backlog), then each as it is published, until the page goes away.
func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	var last int64
	fmt.Sscan(r.Header.Get("Last-Event-ID"), &last)
	c := make(chan event, 256)
	h.mu.Lock()
	var replay []event
	for _, ev := range h.backlog {
		if ev.Seq > last {
			replay = append(replay, ev)
		}
	}
	h.subs[c] = struct{}{}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.subs, c) // a no-op when publish dropped it
		h.mu.Unlock()
	}()

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	write := func(ev event) bool {
		b, err := json.Marshal(ev)
		if err != nil {
			return true
		}
		_, err = fmt.Fprintf(w, "id: %d\ndata: %s\n\n", ev.Seq, b)
		return err == nil
	}
	for _, ev := range replay {
		if !write(ev) {
			return
		}
	}
	fl.Flush()
	for {
		select {
		case ev, ok := <-c:
			if !ok || !write(ev) {
				return
			}
			fl.Flush()
		case <-r.Context().Done():
			return
		case <-h.done:
			return
		}
	}
}
