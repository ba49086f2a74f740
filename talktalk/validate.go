package talktalk

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/channelkit/channelkit/internal/invalid"
)

// validator collects every rule violation of an outbound event, each with
// the JSON path of the field.
type validator struct {
	errs []*ValidationError
}

func (v *validator) add(path pth, format string, args ...any) {
	v.errs = append(v.errs, invalid.New(pkg, path.String(), fmt.Sprintf(format, args...)))
}

func (v *validator) err() error { return invalid.Join(v.errs) }

// pth is a JSON path kept as segments and turned into a string only when
// a violation is reported, so that validating a valid event allocates
// nothing. It is a value: k and at return extended copies.
type pth struct {
	s [16]seg
	n int
}

type seg struct {
	key string // "" for an index
	i   int
}

func root(key string) pth {
	var p pth
	if key != "" {
		p.s[0], p.n = seg{key: key}, 1
	}
	return p
}

// k returns p extended by an object key (which may hold dots).
func (p pth) k(key string) pth {
	if p.n < len(p.s) {
		p.s[p.n] = seg{key: key}
	}
	p.n++
	return p
}

// at returns p extended by an array index.
func (p pth) at(i int) pth {
	if p.n < len(p.s) {
		p.s[p.n] = seg{i: i}
	}
	p.n++
	return p
}

func (p pth) String() string {
	var b strings.Builder
	for j := 0; j < p.n && j < len(p.s); j++ {
		sg := p.s[j]
		switch {
		case sg.key == "":
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(sg.i))
			b.WriteByte(']')
		case b.Len() > 0:
			b.WriteByte('.')
			b.WriteString(sg.key)
		default:
			b.WriteString(sg.key)
		}
	}
	if p.n > len(p.s) {
		b.WriteString("…")
	}
	return b.String()
}

func (v *validator) required(path pth, s string) {
	if strings.TrimSpace(s) == "" {
		v.add(path, "required")
	}
}

func (v *validator) maxLen(path pth, s string, max int) {
	if n := unit.Len(s); n > max {
		v.add(path, "%d characters, limit is %d", n, max)
	}
}

// Validate checks the event against the send API's rules before it is
// sent: required fields, exactly-one-of fields, and every limit of the
// specification's table. It returns nil, a [*ValidationError] for one
// problem, or [ValidationErrors] for several, in document order. Inbound-only events (open, leave, friend,
// echo, pay_complete, pay_confirm) are not valid outbound.
//
// Validate does not require "user": synchronous replies go without it.
// [Client] checks it.
func Validate(ev Event) error {
	var v validator
	v.event(ev)
	return v.err()
}

func (v *validator) event(ev Event) {
	switch e := ev.(type) {
	case nil:
		v.add(root(""), "nil event")
	case *SendEvent:
		if e == nil {
			v.add(root(""), "nil event")
			return
		}
		v.content(pth{}, &e.Content)
	case *ActionEvent:
		if e == nil {
			v.add(root(""), "nil event")
			return
		}
		if a := e.Options.Action; a != TypingOn && a != TypingOff {
			v.add(root("options.action"), "must be %q or %q", TypingOn, TypingOff)
		}
	case *HandoverEvent:
		if e == nil {
			v.add(root(""), "nil event")
			return
		}
		if c := e.Options.Control; c != PassThread && c != TakeThread {
			v.add(root("options.control"), "must be %q or %q", PassThread, TakeThread)
		}
	case *ProfileEvent:
		if e == nil {
			v.add(root(""), "nil event")
			return
		}
		if e.Options.Result != "" {
			v.add(root("options.result"), "profile results are inbound only")
			return
		}
		if !profileField(e.Options.Field) {
			v.add(root("options.field"), "must be %q, %q or %q", ProfileNickname, ProfileCellphone, ProfileAddress)
		}
		for i, a := range e.Options.Agreements {
			if !profileField(a) {
				v.add(root("options.agreements").at(i), "must be %q, %q or %q", ProfileNickname, ProfileCellphone, ProfileAddress)
			}
		}
	case *PersistentMenuEvent:
		if e == nil {
			v.add(root(""), "nil event")
			return
		}
		for i, mc := range e.MenuContent {
			p := root("menuContent").at(i)
			if mc.Menus == nil {
				v.add(p.k("menus"), "required")
			}
			v.menus(p.k("menus"), mc.Menus, 1)
		}
	case *ProductEvent:
		if e == nil {
			v.add(root(""), "nil event")
			return
		}
		v.product(e)
	case *UnknownEvent:
		if e == nil || !json.Valid(e.Raw) || len(e.Raw) == 0 || e.Raw[0] != '{' {
			v.add(root(""), "raw event must be a JSON object")
		}
	default:
		v.add(root("event"), "%s events are inbound only", ev.Type())
	}
}

func profileField(f string) bool {
	return f == ProfileNickname || f == ProfileCellphone || f == ProfileAddress
}

func (v *validator) content(path pth, c *Content) {
	n := 0
	for _, set := range []bool{c.Text != nil, c.Image != nil, c.Composite != nil} {
		if set {
			n++
		}
	}
	if c.File != nil {
		v.add(path.k("fileContent"), "file content cannot be sent")
	}
	if n != 1 {
		v.add(path, "exactly one of textContent, imageContent and compositeContent is required")
	}
	if t := c.Text; t != nil {
		p := path.k("textContent")
		if t.Text == "" {
			v.add(p.k("text"), "required")
		}
		v.maxLen(p.k("text"), t.Text, limits.Text)
		v.maxLen(p.k("code"), t.Code, limits.Code)
		if t.InputType != "" {
			v.add(p.k("inputType"), "inbound only")
		}
		v.quickReply(p.k("quickReply"), t.QuickReply)
	}
	if im := c.Image; im != nil {
		p := path.k("imageContent")
		v.image(p, &Image{ImageURL: im.ImageURL, ImageID: im.ImageID})
		if im.Width != "" || im.Height != "" {
			v.add(p, "width and height are not sent (removed in API v1)")
		}
		v.quickReply(p.k("quickReply"), im.QuickReply)
	}
	if cc := c.Composite; cc != nil {
		p := path.k("compositeContent")
		v.composites(p.k("compositeList"), cc.CompositeList)
		v.quickReply(p.k("quickReply"), cc.QuickReply)
	}
}

func (v *validator) image(path pth, im *Image) {
	switch {
	case im.ImageURL == "" && im.ImageID == "":
		v.add(path, "one of imageUrl and imageId is required")
	case im.ImageURL != "" && im.ImageID != "":
		v.add(path, "only one of imageUrl and imageId may be set")
	case im.ImageURL != "":
		v.url(path.k("imageUrl"), im.ImageURL, false)
	}
}

func (v *validator) url(path pth, u string, allowTel bool) {
	switch {
	case u == "":
		v.add(path, "required")
	case strings.HasPrefix(u, "https://"), strings.HasPrefix(u, "http://"):
		if !usableURL(u[strings.Index(u, "//")+2:]) {
			v.add(path, "not a usable URL")
		}
	case allowTel && strings.HasPrefix(u, "tel:"):
	default:
		v.add(path, "must be an http(s) URL")
	}
}

// usableURL reports whether rest (a URL after "scheme://") has a host and
// no white space or control characters.
func usableURL(rest string) bool {
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if host == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] <= ' ' || rest[i] == 0x7f {
			return false
		}
	}
	return true
}

func (v *validator) composites(path pth, list []Composite) {
	switch {
	case len(list) == 0:
		v.add(path, "at least one composite is required")
	case len(list) > limits.Composites:
		v.add(path, "%d composites, limit is %d", len(list), limits.Composites)
	}
	for i := range list {
		c := &list[i]
		p := path.at(i)
		primary, any := 0, 0
		if c.Title != "" {
			primary, any = primary+1, any+1
		}
		if c.Description != "" {
			primary, any = primary+1, any+1
		}
		if c.ElementList != nil {
			primary, any = primary+1, any+1
		}
		if c.Image != nil {
			any++
		}
		if len(c.ButtonList) > 0 {
			any++
		}
		if primary == 0 || any < 2 {
			v.add(p, "needs one of title, description and elementList, and two of those, image and buttonList")
		}
		v.maxLen(p.k("title"), c.Title, limits.CompositeTitle)
		v.maxLen(p.k("description"), c.Description, limits.CompositeDesc)
		if c.Image != nil {
			v.image(p.k("image"), c.Image)
		}
		if el := c.ElementList; el != nil {
			ep := p.k("elementList.data")
			switch {
			case len(el.Data) == 0:
				v.add(ep, "at least one element is required")
			case len(el.Data) > limits.Elements:
				v.add(ep, "%d elements, limit is %d", len(el.Data), limits.Elements)
			}
			for j := range el.Data {
				d := &el.Data[j]
				dp := ep.at(j)
				v.required(dp.k("title"), d.Title)
				v.maxLen(dp.k("title"), d.Title, limits.ElementText)
				v.maxLen(dp.k("description"), d.Description, limits.ElementText)
				v.maxLen(dp.k("subDescription"), d.SubDescription, limits.ElementText)
				if d.Image != nil {
					v.image(dp.k("image"), d.Image)
				}
				if d.Button != nil {
					switch d.Button.(type) {
					case *TextButton, *LinkButton:
						v.button(dp.k("button"), d.Button, limits.InnerButtonTitle)
					default:
						v.add(dp.k("button.type"), "element buttons must be TEXT or LINK")
					}
				}
			}
		}
		bp := p.k("buttonList")
		if len(c.ButtonList) > limits.Buttons {
			v.add(bp, "%d buttons, limit is %d", len(c.ButtonList), limits.Buttons)
		}
		for j, b := range c.ButtonList {
			v.button(bp.at(j), b, limits.ButtonTitle)
		}
	}
}

func (v *validator) quickReply(path pth, q *QuickReply) {
	if q == nil {
		return
	}
	bp := path.k("buttonList")
	switch {
	case len(q.ButtonList) == 0:
		v.add(bp, "a quick reply needs at least one button")
	case len(q.ButtonList) > limits.QuickReplies:
		v.add(bp, "%d buttons, limit is %d", len(q.ButtonList), limits.QuickReplies)
	}
	for i, b := range q.ButtonList {
		if _, ok := b.(*OptionButton); ok {
			v.add(bp.at(i).k("type"), "OPTION buttons are not allowed in quick replies")
			continue
		}
		v.button(bp.at(i), b, limits.InnerButtonTitle)
	}
}
