package kakao

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/channelkit/channelkit/internal/invalid"
)

// Validate checks r against every limit of Kakao's response format (see
// the package doc, Limits) and returns nil, the [*ValidationError] of the
// one problem, or a [ValidationErrors] listing each problem, with its JSON
// path such as "template.outputs[0].basicCard.buttons[3].label". All wrap
// [ErrInvalid]. Over-limit content is an error, never silently cut: use
// [Render] for best-effort fitting.
func (r *Response) Validate() error {
	if r == nil {
		return invalid.New(pkg, "", "nil response")
	}
	var buf [128]byte
	v := validator{buf: buf[:0]}
	if r.Template == nil && r.Context == nil && r.Data == nil && !r.UseCallback {
		v.add(v.join(root, "template"), "a response needs a template, context, data or useCallback")
	}
	if r.Template != nil {
		v.template(v.join(root, "template"), r.Template)
	}
	if r.Context != nil {
		v.context(v.join(root, "context"), r.Context)
	}
	return invalid.Join(v.errs)
}

// Validate checks one output on its own; paths start at the output kind
// ("basicCard.buttons[3].label").
func (o *Output) Validate() error {
	var buf [128]byte
	v := validator{buf: buf[:0]}
	v.output(root, o)
	return invalid.Join(v.errs)
}

// validator collects the problems of one response. It builds each
// problem's JSON path only when it reports one: a path is a mark, the
// length of buf while buf spells it out; join and idx extend a path by
// rewriting buf past its mark, so a path stays valid while the paths made
// from it after it are in use, which is how the checks below nest.
type validator struct {
	errs []*ValidationError
	buf  []byte
}

// root is the empty path.
const root = 0

func (v *validator) add(path int, format string, args ...any) {
	v.errs = append(v.errs, invalid.New(pkg, string(v.buf[:path]), fmt.Sprintf(format, args...)))
}

// join returns path.key.
func (v *validator) join(path int, key string) int {
	v.buf = v.buf[:path]
	if path != root {
		v.buf = append(v.buf, '.')
	}
	v.buf = append(v.buf, key...)
	return len(v.buf)
}

// idx returns path[i].
func (v *validator) idx(path, i int) int {
	v.buf = append(v.buf[:path], '[')
	v.buf = strconv.AppendInt(v.buf, int64(i), 10)
	v.buf = append(v.buf, ']')
	return len(v.buf)
}

func (v *validator) maxLen(path int, s string, max int) {
	if n := textUnit.Len(s); n > max {
		v.add(path, "%d characters, limit is %d", n, max)
	}
}

func (v *validator) required(path int, s string) bool {
	if s == "" {
		v.add(path, "required")
		return false
	}
	return true
}

func (v *validator) httpURL(path int, s string) {
	if !v.required(path, s) {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(path, "must be an absolute http or https URL")
	}
}

func (v *validator) template(path int, t *Template) {
	op := v.join(path, "outputs")
	switch n := len(t.Outputs); {
	case n == 0:
		v.add(op, "at least 1 output is required")
	case n > MaxOutputs:
		v.add(op, "%d outputs, limit is %d", n, MaxOutputs)
	}
	for i := range t.Outputs {
		v.output(v.idx(op, i), &t.Outputs[i])
	}
	qp := v.join(path, "quickReplies")
	if n := len(t.QuickReplies); n > MaxQuickReplies {
		v.add(qp, "%d quick replies, limit is %d", n, MaxQuickReplies)
	}
	for i := range t.QuickReplies {
		v.quickReply(v.idx(qp, i), &t.QuickReplies[i])
	}
}

func (v *validator) quickReply(path int, q *QuickReply) {
	v.required(v.join(path, "label"), q.Label)
	switch q.Action {
	case ReplyMessage:
		v.required(v.join(path, "messageText"), q.MessageText)
	case ReplyBlock:
		v.required(v.join(path, "blockId"), q.BlockID)
	case "":
		v.add(v.join(path, "action"), "required")
	default:
		v.add(v.join(path, "action"), "unknown quick-reply action %q (message or block)", string(q.Action))
	}
}

func (v *validator) output(path int, o *Output) {
	kind, second, n := o.kindCount()
	switch n {
	case 0:
		v.add(path, "empty output: set exactly one kind")
		return
	case 1:
	default:
		v.add(path, "%d kinds set (%s and %s); set exactly one", n, kind, second)
		return
	}
	p := v.join(path, string(kind))
	switch kind {
	case KindSimpleText:
		if v.required(v.join(p, "text"), o.SimpleText.Text) {
			v.maxLen(v.join(p, "text"), o.SimpleText.Text, MaxSimpleTextLen)
		}
	case KindSimpleImage:
		v.httpURL(v.join(p, "imageUrl"), o.SimpleImage.ImageURL)
		v.maxLen(v.join(p, "altText"), o.SimpleImage.AltText, MaxAltTextLen)
	case KindTextCard:
		v.textCard(p, o.TextCard, false)
	case KindBasicCard:
		v.basicCard(p, o.BasicCard)
	case KindCommerceCard:
		v.commerceCard(p, o.CommerceCard)
	case KindListCard:
		v.listCard(p, o.ListCard, false)
	case KindItemCard:
		v.itemCard(p, o.ItemCard, false)
	case KindCarousel:
		v.carousel(p, o.Carousel)
	case KindRaw:
		var m map[string]json.RawMessage
		if json.Unmarshal(o.Raw, &m) != nil {
			v.add(path, "raw output is not a JSON object")
		} else if len(m) != 1 {
			v.add(path, "raw output has %d keys; a component has exactly one", len(m))
		}
	}
}

func (v *validator) context(p int, c *ContextControl) {
	vp := v.join(p, "values")
	for i := range c.Values {
		q := v.idx(vp, i)
		v.required(v.join(q, "name"), c.Values[i].Name)
		if c.Values[i].LifeSpan < 0 {
			v.add(v.join(q, "lifeSpan"), "must not be negative")
		}
		if c.Values[i].TTL < 0 {
			v.add(v.join(q, "ttl"), "must not be negative")
		}
	}
}
