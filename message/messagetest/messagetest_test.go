package messagetest_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
)

// plainCaps describes an imaginary text-only platform: 100-rune messages,
// 3 messages per reply, no quick replies, nothing but text.
var plainCaps = message.Capabilities{
	Platform:            "plain",
	TextUnit:            message.Runes,
	MaxTextLen:          100,
	MaxMessagesPerReply: 3,
	Types:               []message.Type{message.TypeText},
}

type plainMessage struct {
	Text string `json:"text"`
}

// renderPlain is a faithful reference renderer for plainCaps: everything
// becomes text, and every loss is reported.
func renderPlain(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
	var rep message.Report
	var lines []string
	if c == nil {
		return nil, rep, errors.New("plain: nil content")
	}
	action := func(path string, a message.Action) string {
		switch a := a.(type) {
		case *message.URLAction:
			return " " + a.URL
		case *message.CallAction:
			return " tel:" + a.Phone
		case *message.MessageAction:
			return " (say " + a.Text + ")"
		case *message.Postback:
			rep.Add(path, message.Dropped, "no postbacks")
		case *message.ShareAction:
			rep.Add(path, message.Dropped, "no sharing")
		}
		return ""
	}
	switch c := c.(type) {
	case *message.Text:
		if c.Text == "" {
			return nil, rep, errors.New("plain: empty text")
		}
		lines = append(lines, c.Text)
	case *message.Card:
		if c.Title == "" && c.Text == "" && c.Image == nil && len(c.Buttons) == 0 {
			return nil, rep, errors.New("plain: empty card")
		}
		rep.Add("", message.Downgraded, "card shown as text")
		if c.Image != nil {
			rep.Add("Image", message.Dropped, "no images")
		}
		lines = append(lines, c.Title, c.Text)
		for i, b := range c.Buttons {
			p := message.Index("Buttons", i)
			line := "[" + b.Label + "]" + action(p+".Action", b.Action)
			if message.Runes.Len(strings.Join(append(lines, line), "\n")) > plainCaps.MaxTextLen {
				rep.Add(p, message.Dropped, "card text would exceed one message")
				continue
			}
			lines = append(lines, line)
		}
	default:
		if c.Type() == message.TypeCarousel && len(c.(*message.Carousel).Cards) == 0 {
			return nil, rep, errors.New("plain: empty carousel")
		}
		rep.Add("", message.Dropped, fmt.Sprintf("%s is not supported", c.Type()))
	}
	if len(c.Replies()) > 0 {
		rep.Add("QuickReplies", message.Dropped, "no quick replies")
	}
	text := strings.TrimSpace(strings.Join(lines, "\n"))
	var out []any
	if text != "" {
		parts := rep.Split("Text", text, plainCaps.MaxTextLen, plainCaps.TextUnit)
		if len(parts) > plainCaps.MaxMessagesPerReply {
			parts = parts[:plainCaps.MaxMessagesPerReply]
			rep.Add("Text", message.Truncated, "at most 3 messages")
		}
		for _, p := range parts {
			out = append(out, plainMessage{Text: p})
		}
	}
	if err := o.Check("plain", rep); err != nil {
		return nil, message.Report{}, err
	}
	return out, rep, nil
}

func TestReferenceRendererConforms(t *testing.T) {
	messagetest.TestRenderer(t, plainCaps, renderPlain)
}

// The suite must catch renderers that misbehave. Each broken renderer
// below breaks one rule; Check must report at least one problem.
func TestCheckCatchesBrokenRenderers(t *testing.T) {
	t.Parallel()
	// want is a piece of the problem the rule's own check reports, so that
	// a renderer flagged only by some other check does not pass for the
	// wrong reason.
	broken := map[string]struct {
		render messagetest.RenderFunc
		want   string
	}{
		"silently_drops_quick_replies": {func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
			out, rep, err := renderPlain(c, o)
			var kept []message.Loss
			for _, l := range rep.Losses {
				if l.Path != "QuickReplies" {
					kept = append(kept, l)
				}
			}
			rep.Losses = kept
			return out, rep, err
		}, `QuickReplies[0].Label ("Yes") is missing from the output and no loss reports it`},
		"bad_loss_path": {func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
			out, rep, err := renderPlain(c, o)
			if len(rep.Losses) > 0 {
				rep.Losses[0].Path = "NoSuchField[7]"
			}
			return out, rep, err
		}, `loss "NoSuchField[7]" names no field`},
		"strict_ignores_losses": {func(c message.Content, _ message.RenderOptions) ([]any, message.Report, error) {
			return renderPlain(c, message.RenderOptions{})
		}, "strict render succeeded though best-effort reported"},
		"panics": {func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
			if _, ok := c.(*message.Location); ok {
				panic("boom")
			}
			return renderPlain(c, o)
		}, "render panicked: boom"},
		"exceeds_text_limit": {func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
			if t, ok := c.(*message.Text); ok {
				return []any{plainMessage{Text: t.Text}}, message.Report{}, nil
			}
			return renderPlain(c, o)
		}, "; MaxTextLen is 100"},
		"mutates_input": {func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
			if t, ok := c.(*message.Text); ok {
				t.Text = strings.ToUpper(t.Text)
			}
			return renderPlain(c, o)
		}, "render modified its input"},
		"accepts_nil": {func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
			if c == nil {
				return nil, message.Report{}, nil
			}
			return renderPlain(c, o)
		}, "rendering nil content succeeded"},
		"downgrade_hides_drop": {func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
			if card, ok := c.(*message.Card); ok && card.Image == nil && len(card.Buttons) > 0 {
				// Claims only a downgrade, but omits the button labels.
				var rep message.Report
				rep.Add("", message.Downgraded, "card as text")
				if len(card.Replies()) > 0 {
					rep.Add("QuickReplies", message.Dropped, "")
				}
				return []any{plainMessage{Text: card.Title + "\n" + card.Text}}, rep, o.Check("plain", rep)
			}
			return renderPlain(c, o)
		}, `Buttons[0].Label ("버튼 01") is missing`},
		"file_link_without_name": {func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
			if f, ok := c.(*message.File); ok {
				// Sends the link, reports the downgrade, forgets the name.
				var rep message.Report
				rep.Add("", message.Downgraded, "file sent as a link")
				return []any{plainMessage{Text: f.URL}}, rep, o.Check("plain", rep)
			}
			return renderPlain(c, o)
		}, `Name ("`},
		"keeps_the_last_buttons": {func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
			if card, ok := c.(*message.Card); ok && len(card.Buttons) > 10 {
				// Keeps the last buttons instead of the first, and blames
				// the wrong ones.
				var rep message.Report
				rep.Add("", message.Downgraded, "card as text")
				lines := []string{card.Title, card.Text}
				for i, b := range card.Buttons {
					if i < 2 {
						rep.Add(message.Index("Buttons", len(card.Buttons)-1-i), message.Dropped, "too many")
						continue
					}
					lines = append(lines, b.Label)
					rep.Add(message.Index("Buttons", i)+".Action", message.Dropped, "no postbacks")
				}
				return []any{plainMessage{Text: strings.Join(lines, "\n")}}, rep, o.Check("plain", rep)
			}
			return renderPlain(c, o)
		}, `Buttons[0].Label ("버튼 01") is missing`},
	}
	for name, b := range broken {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var all []string
			for _, r := range messagetest.Check(plainCaps, b.render) {
				for _, p := range r.Problems {
					all = append(all, r.Case+": "+p)
				}
			}
			if len(all) == 0 {
				t.Fatalf("Check found no problem with a broken renderer")
			}
			for _, p := range all {
				if strings.Contains(p, b.want) {
					return
				}
			}
			t.Fatalf("Check did not report %q; it reported:\n%s", b.want, strings.Join(all, "\n"))
		})
	}
}

// The over-limit cases must really go over the limits, whatever the unit
// and however large the limit; otherwise the suite silently tests nothing.
func TestCorpusExceedsLimits(t *testing.T) {
	t.Parallel()
	for _, unit := range []message.Unit{message.Runes, message.UTF16, message.Bytes} {
		for _, max := range []int{0, 1, 100, 1000, 2000, 5000, 10000, 100000} {
			caps := message.Capabilities{Platform: "p", TextUnit: unit, MaxTextLen: max, MaxQuickReplies: 13, MaxButtons: 4, MaxButtonLabelLen: 20, MaxCarouselCards: 10}
			limit := max
			if limit == 0 {
				limit = 2000 // the corpus' own default
			}
			for _, tc := range messagetest.Corpus(caps) {
				c := tc.New()
				switch tc.Name {
				case "text_over_limit":
					if n := unit.Len(c.(*message.Text).Text); n <= limit {
						t.Errorf("%s, MaxTextLen %d: text_over_limit is %d long", unit, max, n)
					}
				case "text_too_many_quick_replies":
					if n := len(c.Replies()); n <= caps.MaxQuickReplies {
						t.Errorf("%d quick replies do not exceed %d", n, caps.MaxQuickReplies)
					}
				case "card_too_many_buttons":
					if n := len(c.(*message.Card).Buttons); n <= caps.MaxButtons {
						t.Errorf("%d buttons do not exceed %d", n, caps.MaxButtons)
					}
				case "card_long_label":
					if n := unit.Len(c.(*message.Card).Buttons[0].Label); n <= caps.MaxButtonLabelLen {
						t.Errorf("a %d-long label does not exceed %d", n, caps.MaxButtonLabelLen)
					}
				case "carousel_too_many_cards":
					if n := len(c.(*message.Carousel).Cards); n <= caps.MaxCarouselCards {
						t.Errorf("%d cards do not exceed %d", n, caps.MaxCarouselCards)
					}
				}
			}
		}
	}
}

func TestCorpusCoversEveryType(t *testing.T) {
	t.Parallel()
	seen := map[message.Type]bool{}
	actions := map[message.ActionType]bool{}
	for _, c := range messagetest.Corpus(plainCaps) {
		content := c.New()
		seen[content.Type()] = true
		if card, ok := content.(*message.Card); ok {
			for _, b := range card.Buttons {
				actions[b.Action.ActionType()] = true
			}
		}
	}
	for _, typ := range []message.Type{message.TypeText, message.TypeImage, message.TypeVideo, message.TypeAudio, message.TypeFile, message.TypeSticker, message.TypeLocation, message.TypeCard, message.TypeCarousel, message.TypeList, message.TypeUnknown} {
		if !seen[typ] {
			t.Errorf("corpus has no %s", typ)
		}
	}
	for _, a := range []message.ActionType{message.ActionPostback, message.ActionMessage, message.ActionURL, message.ActionCall, message.ActionShare} {
		if !actions[a] {
			t.Errorf("corpus has no %s action on a card", a)
		}
	}
}

// WithValidator: a renderer that passes a link its platform would refuse
// straight through is caught by the platform's own validator.
func TestCheckRunsTheValidator(t *testing.T) {
	t.Parallel()
	httpsOnly := func(out []any) error {
		for _, m := range out {
			if pm, ok := m.(plainMessage); ok && strings.Contains(pm.Text, "ftp://") {
				return errors.New("only https links")
			}
		}
		return nil
	}
	var found bool
	for _, r := range messagetest.Check(plainCaps, renderPlain, messagetest.WithValidator(httpsOnly)) {
		for _, p := range r.Problems {
			if r.Case == "card_odd_links" && strings.Contains(p, "fails the platform's own validation: only https links") {
				found = true
			}
		}
	}
	if !found {
		t.Error("the validator's verdict on card_odd_links was not reported")
	}
	// Without the validator the same renderer passes that case.
	for _, r := range messagetest.Check(plainCaps, renderPlain) {
		if r.Case == "card_odd_links" && len(r.Problems) > 0 {
			t.Errorf("card_odd_links without a validator: %q", r.Problems)
		}
	}
}
