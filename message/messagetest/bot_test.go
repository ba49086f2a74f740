package messagetest

import (
	"context"
	"errors"
	"strings"
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

	sent []string
}

func (m *memBot) Reply(ctx context.Context, cs ...message.Content) (message.Report, error) {
	var rep message.Report
	var err error
	for i, c := range cs {
		txt := c.(*message.Text).Text
		if i >= m.limit {
			if m.dropSilently {
				continue
			}
			rep.Losses = append(rep.Losses, message.Loss{Path: "[" + string(rune('0'+i)) + "]", Reason: message.Dropped})
			err = errors.New("memBot: over the limit")
			continue
		}
		m.sent = append(m.sent, txt)
		if m.twice {
			m.sent = append(m.sent, txt)
		}
	}
	return rep, err
}

func (m *memBot) Typing(context.Context) error {
	return errors.ErrUnsupported
}
func (m *memBot) PassToHuman(context.Context) error { return message.ErrNoHandover }
func (m *memBot) TakeBack(context.Context) error    { return message.ErrNoHandover }
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
			b.sent = nil
			text := "hello"
			if b.wrongText {
				text = "hullo"
			}
			in := &message.Incoming{Platform: message.LINE, Kind: message.KindMessage, ConversationID: "U1", Content: &message.Text{Text: text}}
			var reported []error
			if err := h.Handle(context.Background(), in, &b); err != nil && !b.swallowError {
				reported = append(reported, err)
			}
			return b.sent, reported
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
