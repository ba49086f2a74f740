package messagetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/channelkit/channelkit/message"
)

// RenderFunc adapts a platform's Render to one shape: out holds the wire
// messages (anything that encodes to JSON), in the order they would be sent.
type RenderFunc func(c message.Content, opts message.RenderOptions) (out []any, rep message.Report, err error)

// Case is one neutral content of the corpus.
type Case struct {
	Name string
	// New builds a fresh value each time, so the suite can check that
	// rendering leaves its input untouched.
	New func() message.Content
}

// Corpus returns the fixed corpus, sized against caps (over-limit cases go
// just past each limit).
func Corpus(caps message.Capabilities) []Case {
	p := caps.Platform
	textMax := caps.MaxTextLen
	if textMax <= 0 {
		textMax = 2000
	}
	over := func(limit, fallback int) int {
		if limit <= 0 {
			return fallback
		}
		return limit + 2
	}
	qr := func(n int) []message.QuickReply {
		out := make([]message.QuickReply, n)
		for i := range out {
			// Not zero-padded: "옵션1번" is no longer than "옵션 1", so
			// platforms that speak or join the labels see the same lengths.
			out[i] = message.QuickReply{Label: fmt.Sprintf("옵션%d번", i+1), Action: &message.MessageAction{Text: fmt.Sprintf("choice-%d.", i+1)}}
		}
		return out
	}
	buttons := func(n int) []message.Button {
		out := make([]message.Button, n)
		for i := range out {
			out[i] = message.Button{Label: fmt.Sprintf("버튼 %02d", i+1), Action: &message.Postback{Data: fmt.Sprintf("btn=%02d", i+1)}}
		}
		return out
	}
	cards := func(n int) []message.Card {
		out := make([]message.Card, n)
		for i := range out {
			out[i] = message.Card{
				Title:   fmt.Sprintf("카드 %02d", i+1),
				Text:    fmt.Sprintf("설명 %02d", i+1),
				Image:   &message.Image{URL: fmt.Sprintf("https://example.com/card-%02d.png", i+1)},
				Buttons: []message.Button{{Label: "열기", Action: &message.URLAction{URL: fmt.Sprintf("https://example.com/item/%02d", i+1)}}},
			}
		}
		return out
	}
	// No numbered value is a substring of another ("버튼 01" is not inside
	// "버튼 10"): the silent-loss check looks for each input string inside
	// the output strings, and must not find a dropped one inside another.
	longText := overLong(textMax, caps.TextUnit)
	return []Case{
		{"text", func() message.Content { return &message.Text{Text: "hello, world"} }},
		{"text_unicode", func() message.Content { return &message.Text{Text: "안녕하세요 👋🏽 emoji ✓ 日本語"} }},
		{"text_multiline", func() message.Content { return &message.Text{Text: "line one\nline two\n\nline four"} }},
		{"text_over_limit", func() message.Content { return &message.Text{Text: longText} }},
		{"text_quick_replies", func() message.Content {
			return &message.Text{Text: "pick one", QuickReplies: []message.QuickReply{
				{Label: "Yes", Action: &message.Postback{Data: "answer=yes", DisplayText: "Yes!"}},
				{Label: "No", Action: &message.MessageAction{Text: "no"}},
				{Label: "Web", Action: &message.URLAction{URL: "https://example.com/qr"}},
			}}
		}},
		{"text_too_many_quick_replies", func() message.Content {
			return &message.Text{Text: "too many choices", QuickReplies: qr(over(caps.MaxQuickReplies, 30))}
		}},
		{"image", func() message.Content {
			return &message.Image{URL: "https://example.com/a.png", PreviewURL: "https://example.com/a-small.png", AltText: "a cat"}
		}},
		{"video", func() message.Content {
			return &message.Video{URL: "https://example.com/v.mp4", PreviewURL: "https://example.com/v.png", Duration: 12 * time.Second}
		}},
		{"audio", func() message.Content {
			return &message.Audio{URL: "https://example.com/a.m4a", Duration: 3 * time.Second}
		}},
		{"file", func() message.Content {
			// Name is not a substring of URL, so dropping it is noticed.
			return &message.File{URL: "https://example.com/files/q3.pdf", Name: "3분기 보고서.pdf", Size: 1234}
		}},
		{"sticker_own", func() message.Content { return &message.Sticker{Platform: p, PackageID: "446", StickerID: "1988"} }},
		{"sticker_foreign", func() message.Content {
			return &message.Sticker{Platform: "elsewhere", PackageID: "pack-x", StickerID: "stk-y"}
		}},
		{"location", func() message.Content {
			return &message.Location{Title: "NAVER 1784", Address: "경기도 성남시 분당구 정자일로 95", Latitude: 37.3595704, Longitude: 127.105399}
		}},
		{"card_every_action", func() message.Content {
			return &message.Card{Title: "주문", Text: "what next?", Image: &message.Image{URL: "https://example.com/card.png"},
				Buttons: []message.Button{
					{Label: "Buy", Action: &message.Postback{Data: "action=buy&id=1", DisplayText: "I'll buy it"}},
					{Label: "Say hi", Action: &message.MessageAction{Text: "hi"}},
					{Label: "Site", Action: &message.URLAction{URL: "https://example.com/shop"}},
					{Label: "Call", Action: &message.CallAction{Phone: "+82-2-1588-3820"}},
					{Label: "Share", Action: &message.ShareAction{}},
				}}
		}},
		{"card_too_many_buttons", func() message.Content {
			return &message.Card{Title: "buttons", Text: "many buttons", Buttons: buttons(over(caps.MaxButtons, 12))}
		}},
		{"card_long_label", func() message.Content {
			return &message.Card{Title: "labels", Text: "a long label", Buttons: []message.Button{
				{Label: strings.Repeat("긴", over(caps.MaxButtonLabelLen, 60)), Action: &message.MessageAction{Text: "long"}},
			}}
		}},
		{"card_text_only", func() message.Content { return &message.Card{Text: "only text in a card"} }},
		{"card_label_is_its_text", func() message.Content {
			// A label over the limit that is also what the button says:
			// cutting the label must not cut the text the user sends.
			l := strings.Repeat("주문", over(caps.MaxButtonLabelLen, 40)/2+1)
			return &message.Card{Title: "orders", Text: "label is the text", Buttons: []message.Button{
				{Label: l, Action: &message.MessageAction{Text: l}},
			}}
		}},
		{"card_odd_links", func() message.Content {
			return &message.Card{Title: "links", Text: "some links no platform opens", Buttons: []message.Button{
				{Label: "ftp", Action: &message.URLAction{URL: "ftp://example.com/pub/notes.txt"}},
				{Label: "script", Action: &message.URLAction{URL: "javascript:alert(1)"}},
				{Label: "relative", Action: &message.URLAction{URL: "/relative/path"}},
				{Label: "web", Action: &message.URLAction{URL: "https://example.com/ok"}},
			}}
		}},
		{"image_plain_http", func() message.Content {
			return &message.Image{URL: "http://example.com/plain.png", AltText: "served without TLS"}
		}},
		{"card_quick_replies", func() message.Content {
			return &message.Card{Title: "with chips", Text: "card text", Buttons: buttons(1), QuickReplies: qr(2)}
		}},
		{"carousel", func() message.Content { return &message.Carousel{Cards: cards(3)} }},
		{"carousel_card_quick_replies", func() message.Content {
			c := &message.Carousel{Cards: cards(2)}
			c.Cards[1].QuickReplies = []message.QuickReply{{Label: "카드칩", Action: &message.MessageAction{Text: "card-chip"}}}
			return c
		}},
		{"carousel_too_many_cards", func() message.Content {
			return &message.Carousel{Cards: cards(over(caps.MaxCarouselCards, 12))}
		}},
		{"list", func() message.Content {
			return &message.List{Title: "메뉴", Items: []message.ListItem{
				{Title: "아메리카노", Text: "4,000원", ImageURL: "https://example.com/1.png", Action: &message.Postback{Data: "menu=1"}},
				{Title: "라떼", Text: "4,500원"},
				{Title: "Tea", Text: "3,000원", Action: &message.URLAction{URL: "https://example.com/tea"}},
			}, Buttons: []message.Button{{Label: "더보기", Action: &message.MessageAction{Text: "more"}}}}
		}},
		{"unknown_foreign", func() message.Content {
			return &message.Unknown{Platform: "elsewhere", Kind: "hologram", Raw: json.RawMessage(`{"type":"hologram"}`)}
		}},
		{"empty_text", func() message.Content { return &message.Text{} }},
		{"empty_card", func() message.Content { return &message.Card{} }},
		{"empty_carousel", func() message.Content { return &message.Carousel{} }},
	}
}

// overLong returns mixed Hangul, ASCII and emoji text that exceeds limit in
// u by a few words, whatever the unit and however large the limit.
func overLong(limit int, u message.Unit) string {
	const word = "가나다라마 hello 👋 "
	n := limit/u.Len(word) + 3
	return strings.Repeat(word, n)
}

// emptyCases may fail with any error: they are not valid content anywhere.
var emptyCases = map[string]bool{"empty_text": true, "empty_card": true, "empty_carousel": true}

// An Option configures [TestRenderer] and [Check].
type Option func(*options)

type options struct {
	validate func(out []any) error
}

// WithValidator makes the suite pass every successful best-effort output
// to validate, the platform's own pre-send check: whatever Render produces
// must be sendable. Without it, output is only checked against the
// Capabilities.
func WithValidator(validate func(out []any) error) Option {
	return func(o *options) { o.validate = validate }
}

// TestRenderer runs the suite against render, one subtest per corpus case.
// It reports every problem on t and continues through the whole corpus.
func TestRenderer(t *testing.T, caps message.Capabilities, render RenderFunc, opts ...Option) {
	t.Helper()
	if caps.Platform == "" {
		t.Fatal("messagetest: Capabilities.Platform is empty")
	}
	for _, r := range Check(caps, render, opts...) {
		t.Run(r.Case, func(t *testing.T) {
			for _, p := range r.Problems {
				t.Error(p)
			}
		})
	}
}

// Result is what Check found for one corpus case.
type Result struct {
	Case     string
	Problems []string
}

// Check runs the suite against render and returns one Result per case
// (including "nil_content"), in corpus order. A renderer conforms when
// every Result has no Problems.
func Check(caps message.Capabilities, render RenderFunc, opts ...Option) []Result {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var out []Result
	nilRes := Result{Case: "nil_content"}
	if _, _, err := safeRender(render, nil, message.RenderOptions{}); err == nil {
		nilRes.Problems = append(nilRes.Problems, "rendering nil content succeeded; want an error")
	} else if errors.As(err, new(*panicError)) {
		nilRes.Problems = append(nilRes.Problems, err.Error())
	}
	out = append(out, nilRes)
	for _, tc := range Corpus(caps) {
		c := &checker{validate: o.validate}
		c.run(caps, render, tc)
		out = append(out, Result{Case: tc.Name, Problems: c.problems})
	}
	return out
}

func safeRender(render RenderFunc, c message.Content, o message.RenderOptions) (out []any, rep message.Report, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{r}
		}
	}()
	return render(c, o)
}

type panicError struct{ v any }

func (e *panicError) Error() string { return fmt.Sprintf("render panicked: %v", e.v) }

type checker struct {
	validate func([]any) error
	problems []string
}

func (c *checker) errorf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *checker) run(caps message.Capabilities, render RenderFunc, tc Case) {
	in := tc.New()
	out, rep, err := safeRender(render, in, message.RenderOptions{})
	var pe *panicError
	if errors.As(err, &pe) {
		c.errorf("best-effort: %v", err)
		return
	}
	if !reflect.DeepEqual(in, tc.New()) {
		c.errorf("render modified its input")
	}
	if err != nil {
		if emptyCases[tc.Name] {
			return
		}
		if !errors.Is(err, errors.ErrUnsupported) {
			c.errorf("best-effort render failed with %v; want success or an error wrapping errors.ErrUnsupported", err)
			return
		}
		// A platform may refuse a content outright; strict must refuse too.
		if _, _, serr := safeRender(render, tc.New(), message.RenderOptions{Strict: true}); serr == nil {
			c.errorf("strict render succeeded where best-effort failed")
		}
		return
	}

	outJSON, jerr := json.Marshal(out)
	if jerr != nil {
		c.errorf("output does not encode to JSON: %v", jerr)
		return
	}
	if c.validate != nil {
		if verr := c.validate(out); verr != nil {
			c.errorf("best-effort output fails the platform's own validation: %v", verr)
		}
	}

	// Loss paths name real fields.
	for _, l := range rep.Losses {
		if !pathExists(in, l.Path) {
			c.errorf("loss %q names no field of %T", l.Path, in)
		}
		if l.Reason < message.Dropped || l.Reason > message.Split {
			c.errorf("loss %q has invalid reason %d", l.Path, int(l.Reason))
		}
	}

	// Nothing lost silently.
	outStrings := stringLeaves(outJSON)
	for _, leaf := range contentLeaves(in) {
		if covered(rep, leaf.path) {
			continue
		}
		if !containsAny(outStrings, leaf.value) {
			c.errorf("%s (%q) is missing from the output and no loss reports it", leaf.path, clip(leaf.value))
		}
	}

	// Limits.
	if caps.MaxMessagesPerReply > 0 && len(out) > caps.MaxMessagesPerReply {
		c.errorf("rendered %d messages; capabilities allow %d", len(out), caps.MaxMessagesPerReply)
	}
	if caps.MaxTextLen > 0 {
		for _, s := range outStrings {
			if n := caps.TextUnit.Len(s); n > caps.MaxTextLen {
				c.errorf("output holds a string of %d %s; MaxTextLen is %d", n, caps.TextUnit, caps.MaxTextLen)
			}
		}
	}
	c.limitLosses(caps, in, rep)

	// Strict agrees with best-effort.
	sout, _, serr := safeRender(render, tc.New(), message.RenderOptions{Strict: true})
	if errors.As(serr, &pe) {
		c.errorf("strict: %v", serr)
		return
	}
	if rep.Lossless() {
		if serr != nil {
			c.errorf("strict render failed (%v) though best-effort reported no loss", serr)
		} else if sj, _ := json.Marshal(sout); string(sj) != string(outJSON) {
			c.errorf("strict output differs from lossless best-effort output:\n strict: %s\n best:   %s", sj, outJSON)
		}
	} else {
		if serr == nil {
			c.errorf("strict render succeeded though best-effort reported: %s", rep)
		} else if !errors.Is(serr, message.ErrLossy) || !errors.Is(serr, errors.ErrUnsupported) {
			c.errorf("strict error %v does not wrap message.ErrLossy and errors.ErrUnsupported", serr)
		}
	}

	// Deterministic.
	again, rep2, err2 := safeRender(render, tc.New(), message.RenderOptions{})
	if err2 != nil {
		c.errorf("second render failed: %v", err2)
		return
	}
	if aj, _ := json.Marshal(again); string(aj) != string(outJSON) {
		c.errorf("rendering is not deterministic")
	}
	if !reflect.DeepEqual(rep, rep2) {
		c.errorf("loss report is not deterministic: %s vs %s", rep, rep2)
	}
}

// checkLimitLosses requires a loss wherever the input exceeds a limit the
// capabilities declare, or uses something they do not support.
func (c *checker) limitLosses(caps message.Capabilities, in message.Content, rep message.Report) {
	need := func(path, why string) {
		for _, l := range rep.Losses {
			if l.Path == "" || l.Path == path || strings.HasPrefix(l.Path, path+".") || strings.HasPrefix(l.Path, path+"[") {
				return
			}
		}
		c.errorf("no loss reported under %s although %s", path, why)
	}
	if !caps.Supports(in.Type()) && rep.Lossless() {
		c.errorf("%s is not in Capabilities.Types, yet rendering reported no loss", in.Type())
	}
	if n := len(in.Replies()); n > 0 {
		if !caps.QuickReplies {
			need("QuickReplies", "the platform has no quick replies")
		} else if caps.MaxQuickReplies > 0 && n > caps.MaxQuickReplies {
			need("QuickReplies", fmt.Sprintf("%d quick replies exceed %d", n, caps.MaxQuickReplies))
		}
	}
	switch v := in.(type) {
	case *message.Text:
		if caps.MaxTextLen > 0 && caps.TextUnit.Len(v.Text) > caps.MaxTextLen {
			need("Text", "the text exceeds MaxTextLen")
		}
	case *message.Card:
		if caps.MaxButtons > 0 && len(v.Buttons) > caps.MaxButtons {
			need("Buttons", fmt.Sprintf("%d buttons exceed %d", len(v.Buttons), caps.MaxButtons))
		}
		for i, b := range v.Buttons {
			if caps.MaxButtonLabelLen > 0 && caps.TextUnit.Len(b.Label) > caps.MaxButtonLabelLen {
				need(fmt.Sprintf("Buttons[%d]", i), "the label exceeds MaxButtonLabelLen")
			}
		}
	case *message.Carousel:
		if caps.MaxCarouselCards > 0 && len(v.Cards) > caps.MaxCarouselCards {
			need("Cards", fmt.Sprintf("%d cards exceed %d", len(v.Cards), caps.MaxCarouselCards))
		}
	case *message.List:
		if caps.MaxListItems > 0 && len(v.Items) > caps.MaxListItems {
			need("Items", fmt.Sprintf("%d items exceed %d", len(v.Items), caps.MaxListItems))
		}
	default:
		// no per-type limits to check
	}
}

// covered reports whether a loss accounts for the string field at path: a
// loss at exactly that path (whatever its reason), or a Dropped loss at the
// path of a parent. Truncated, Split and Downgraded losses on a parent do
// not cover its fields: content shown in a poorer form must still show
// them, or report each one it lost.
func covered(rep message.Report, path string) bool {
	for _, l := range rep.Losses {
		if l.Path == path {
			return true
		}
		if l.Reason == message.Dropped && (l.Path == "" || strings.HasPrefix(path, l.Path+".") || strings.HasPrefix(path, l.Path+"[")) {
			return true
		}
	}
	return false
}

func containsAny(hay []string, needle string) bool {
	for _, h := range hay {
		if strings.Contains(h, needle) {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

type leaf struct{ path, value string }

// contentLeaves lists every non-empty string field reachable from c, with
// its path in loss-path syntax. Raw JSON is not a string leaf.
func contentLeaves(c message.Content) []leaf {
	var out []leaf
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				f := v.Type().Field(i)
				if f.IsExported() {
					walk(v.Field(i), message.JoinPath(path, f.Name))
				}
			}
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				return
			}
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i), path+"["+strconv.Itoa(i)+"]")
			}
		case reflect.String:
			if s := v.String(); s != "" && v.Type() == reflect.TypeOf("") {
				out = append(out, leaf{path, s})
			}
		}
	}
	walk(reflect.ValueOf(c), "")
	return out
}

// pathExists reports whether path names a field (or element) of c.
func pathExists(c message.Content, path string) bool {
	v := reflect.ValueOf(c)
	rest := path
	for rest != "" {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return false
			}
			v = v.Elem()
		}
		switch {
		case strings.HasPrefix(rest, "["):
			end := strings.IndexByte(rest, ']')
			if end < 0 || v.Kind() != reflect.Slice {
				return false
			}
			i, err := strconv.Atoi(rest[1:end])
			if err != nil || i < 0 || i >= v.Len() {
				return false
			}
			v = v.Index(i)
			rest = rest[end+1:]
		default:
			rest = strings.TrimPrefix(rest, ".")
			end := strings.IndexAny(rest, ".[")
			name := rest
			if end >= 0 {
				name, rest = rest[:end], rest[end:]
			} else {
				rest = ""
			}
			if v.Kind() != reflect.Struct {
				return false
			}
			f := v.FieldByName(name)
			if !f.IsValid() {
				return false
			}
			v = f
		}
	}
	return true
}

// stringLeaves returns every string value in a JSON document.
func stringLeaves(doc []byte) []string {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case string:
			out = append(out, x)
			// Some platforms nest JSON documents in strings (TalkTalk
			// handover metadata, LINE postback data): look inside too.
			if len(x) > 1 && (x[0] == '{' || x[0] == '[') {
				out = append(out, stringLeaves([]byte(x))...)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// CheckIncoming checks the invariants every platform's ToIncoming must keep:
// Platform and Kind set, Content present exactly for messages, Raw set.
func CheckIncoming(t testing.TB, in message.Incoming) {
	t.Helper()
	if in.Platform == "" {
		t.Error("Incoming.Platform is empty")
	}
	switch in.Kind {
	case message.KindMessage:
		if in.Content == nil {
			t.Error("KindMessage with nil Content")
		}
	case message.KindPostback, message.KindFollow, message.KindUnfollow, message.KindJoin, message.KindLeave, message.KindOther:
		if in.Content != nil && in.Kind != message.KindOther {
			t.Errorf("%s event carries Content %T", in.Kind, in.Content)
		}
	default:
		t.Errorf("Incoming.Kind %q is not a known kind", in.Kind)
	}
	if in.Raw == nil {
		t.Error("Incoming.Raw is nil")
	}
	if in.ReceivedAt.IsZero() {
		t.Error("Incoming.ReceivedAt is zero")
	}
}
