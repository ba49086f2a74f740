package messagetest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/channelkit/channelkit/message"
)

// memBot is a reference platform for the suite: a per-reply limit, no
// typing, no hand-over. Its flaws, when set, are the bugs TestBot must
// catch.
type memBot struct {
	limit int
	// flaws
	twice, dropSilently, swallowError, wrongText bool
	unasked                                      bool // every Reply also delivers "one"
	underReport                                  bool // one loss however many contents are dropped
	late                                         bool // a Reply after the handler returned delivers
	noCall                                       bool // Run never calls the handler

	mu   *sync.Mutex // guards sent and done: a late Reply races Run
	sent []string
	done bool // the handler returned
}

func (m *memBot) Reply(ctx context.Context, cs ...message.Content) (message.Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var rep message.Report
	if m.done && !m.late {
		for i := range cs {
			rep.Add(message.Index("", i), message.Dropped, "the handler returned")
		}
		return rep, message.ErrResponderDone
	}
	var err error
	for i, c := range cs {
		txt := c.(*message.Text).Text
		if i >= m.limit {
			if m.dropSilently || (m.underReport && err != nil) {
				continue
			}
			rep.Add(message.Index("", i), message.Dropped, "over the limit")
			err = errors.New("memBot: over the limit")
			continue
		}
		m.sent = append(m.sent, txt)
		if m.twice {
			m.sent = append(m.sent, txt)
		}
	}
	if m.unasked {
		m.sent = append(m.sent, "one")
	}
	return rep, err
}

// finished returns ErrResponderDone once the handler returned, else err.
func (m *memBot) finished(err error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.done && !m.late {
		return message.ErrResponderDone
	}
	return err
}

func (m *memBot) Typing(context.Context) error      { return m.finished(errors.ErrUnsupported) }
func (m *memBot) PassToHuman(context.Context) error { return m.finished(message.ErrNoHandover) }
func (m *memBot) TakeBack(context.Context) error    { return m.finished(message.ErrNoHandover) }
func (m *memBot) Capabilities() message.Capabilities {
	return message.Capabilities{MaxTextLen: 100, MaxMessagesPerReply: m.limit}
}
func (m *memBot) RenderOptions() message.RenderOptions { return message.RenderOptions{} }
func (m memBot) bot() Bot {
	return Bot{
		Platform: message.LINE,
		Caps:     message.Capabilities{MaxTextLen: 100, MaxMessagesPerReply: m.limit},
		Run: func(t testing.TB, h message.Handler) ([]string, []error) {
			b := m // a fresh platform per run
			b.mu, b.sent = new(sync.Mutex), nil
			if b.noCall {
				return nil, nil
			}
			text := "hello"
			if b.wrongText {
				text = "hullo"
			}
			in := &message.Incoming{Platform: message.LINE, Kind: message.KindMessage, ConversationID: "U1", Content: &message.Text{Text: text}}
			var reported []error
			if err := h.Handle(context.Background(), in, &b); err != nil && !b.swallowError {
				reported = append(reported, err)
			}
			b.mu.Lock()
			defer b.mu.Unlock()
			b.done = true
			return append([]string(nil), b.sent...), reported
		},
	}
}

func TestBotSuitePassesReference(t *testing.T) {
	TestBot(t, memBot{limit: 2}.bot())
}

// TestBotSuiteCatchesBrokenBots: each flaw makes at least one case fail
// with a problem that names it.
func TestBotSuiteCatchesBrokenBots(t *testing.T) {
	tests := []struct {
		name string
		bot  memBot
		want string
	}{
		{"delivers twice", memBot{limit: 2, twice: true}, "delivered 2 times"},
		{"drops silently", memBot{limit: 2, dropSilently: true}, "not delivered"},
		{"swallows the handler's error", memBot{limit: 2, swallowError: true}, "did not reach the error handler"},
		{"wrong incoming", memBot{limit: 2, wrongText: true}, "want the text"},
		{"delivers what was not asked", memBot{limit: 2, unasked: true}, "never asked for"},
		{"reports fewer losses than it drops", memBot{limit: 2, underReport: true}, "fewer losses"},
		{"delivers after the handler returned", memBot{limit: 2, late: true}, "message.ErrResponderDone"},
		{"never calls the handler", memBot{limit: 2, noCall: true}, "ran 0 times"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var all []string
			b := tt.bot.bot()
			for _, c := range botCases(b) {
				all = append(all, c.run(t, b)...)
			}
			if !strings.Contains(strings.Join(all, "\n"), tt.want) {
				t.Fatalf("no problem mentions %q; problems: %q", tt.want, all)
			}
		})
	}
}
