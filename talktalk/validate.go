package talktalk

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// validator collects every rule violation of an outbound event, each with
// the JSON path of the field.
type validator struct {
	errs []error
}

func (v *validator) add(path, format string, args ...any) {
	v.errs = append(v.errs, &ValidationError{Path: path, Reason: fmt.Sprintf(format, args...)})
}

func (v *validator) err() error { return errors.Join(v.errs...) }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func idx(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func (v *validator) required(path, s string) {
	if strings.TrimSpace(s) == "" {
		v.add(path, "required")
	}
}

func (v *validator) maxLen(path, s string, max int) {
	if n := unit.Len(s); n > max {
		v.add(path, "%d characters, limit is %d", n, max)
	}
}

// Validate checks the event against the send API's rules before it is
// sent: required fields, exactly-one-of fields, and every limit of the
// specification's table. It returns nil or errors joined from
// [*ValidationError] values. Inbound-only events (open, leave, friend,
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
		v.add("", "nil event")
	case *SendEvent:
		if e == nil {
			v.add("", "nil event")
			return
		}
		v.content("", &e.Content)
	case *ActionEvent:
		if e == nil {
			v.add("", "nil event")
			return
		}
		if a := e.Options.Action; a != TypingOn && a != TypingOff {
			v.add("options.action", "must be %q or %q", TypingOn, TypingOff)
		}
	case *HandoverEvent:
		if e == nil {
			v.add("", "nil event")
			return
		}
		if c := e.Options.Control; c != PassThread && c != TakeThread {
			v.add("options.control", "must be %q or %q", PassThread, TakeThread)
		}
	case *ProfileEvent:
		if e == nil {
			v.add("", "nil event")
			return
		}
		if e.Options.Result != "" {
			v.add("options.result", "profile results are inbound only")
			return
		}
		if !profileField(e.Options.Field) {
			v.add("options.field", "must be %q, %q or %q", ProfileNickname, ProfileCellphone, ProfileAddress)
		}
		for i, a := range e.Options.Agreements {
			if !profileField(a) {
				v.add(idx("options.agreements", i), "must be %q, %q or %q", ProfileNickname, ProfileCellphone, ProfileAddress)
			}
		}
	case *PersistentMenuEvent:
		if e == nil {
			v.add("", "nil event")
			return
		}
		for i, mc := range e.MenuContent {
			p := idx("menuContent", i)
			if mc.Menus == nil {
				v.add(join(p, "menus"), "required")
			}
			v.menus(join(p, "menus"), mc.Menus, 1)
		}
	case *ProductEvent:
		if e == nil {
			v.add("", "nil event")
			return
		}
		v.product(e)
	case *UnknownEvent:
		if e == nil || !json.Valid(e.Raw) || len(e.Raw) == 0 || e.Raw[0] != '{' {
			v.add("", "raw event must be a JSON object")
		}
	default:
		v.add("event", "%s events are inbound only", ev.Type())
	}
}

func profileField(f string) bool {
	return f == ProfileNickname || f == ProfileCellphone || f == ProfileAddress
}

func (v *validator) content(path string, c *Content) {
	n := 0
	for _, set := range []bool{c.Text != nil, c.Image != nil, c.Composite != nil} {
		if set {
			n++
		}
	}
	if c.File != nil {
		v.add(join(path, "fileContent"), "file content cannot be sent")
	}
	if n != 1 {
		v.add(path, "exactly one of textContent, imageContent and compositeContent is required")
	}
	if t := c.Text; t != nil {
		p := join(path, "textContent")
		if t.Text == "" {
			v.add(join(p, "text"), "required")
		}
		v.maxLen(join(p, "text"), t.Text, limits.Text)
		v.maxLen(join(p, "code"), t.Code, limits.Code)
		if t.InputType != "" {
			v.add(join(p, "inputType"), "inbound only")
		}
		v.quickReply(join(p, "quickReply"), t.QuickReply)
	}
	if im := c.Image; im != nil {
		p := join(path, "imageContent")
		v.image(p, &Image{ImageURL: im.ImageURL, ImageID: im.ImageID})
		if im.Width != "" || im.Height != "" {
			v.add(p, "width and height are not sent (removed in API v1)")
		}
		v.quickReply(join(p, "quickReply"), im.QuickReply)
	}
	if cc := c.Composite; cc != nil {
		p := join(path, "compositeContent")
		v.composites(join(p, "compositeList"), cc.CompositeList)
		v.quickReply(join(p, "quickReply"), cc.QuickReply)
	}
}

func (v *validator) image(path string, im *Image) {
	switch {
	case im.ImageURL == "" && im.ImageID == "":
		v.add(path, "one of imageUrl and imageId is required")
	case im.ImageURL != "" && im.ImageID != "":
		v.add(path, "only one of imageUrl and imageId may be set")
	case im.ImageURL != "":
		v.url(join(path, "imageUrl"), im.ImageURL, false)
	}
}

func (v *validator) url(path, u string, allowTel bool) {
	switch {
	case u == "":
		v.add(path, "required")
	case strings.HasPrefix(u, "https://"), strings.HasPrefix(u, "http://"):
		if pu, err := url.Parse(u); err != nil || pu.Host == "" {
			v.add(path, "not a usable URL")
		}
	case allowTel && strings.HasPrefix(u, "tel:"):
	default:
		v.add(path, "must be an http(s) URL")
	}
}

func (v *validator) composites(path string, list []Composite) {
	switch {
	case len(list) == 0:
		v.add(path, "at least one composite is required")
	case len(list) > limits.Composites:
		v.add(path, "%d composites, limit is %d", len(list), limits.Composites)
	}
	for i := range list {
		c := &list[i]
		p := idx(path, i)
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
		v.maxLen(join(p, "title"), c.Title, limits.CompositeTitle)
		v.maxLen(join(p, "description"), c.Description, limits.CompositeDesc)
		if c.Image != nil {
			v.image(join(p, "image"), c.Image)
		}
		if el := c.ElementList; el != nil {
			ep := join(p, "elementList.data")
			switch {
			case len(el.Data) == 0:
				v.add(ep, "at least one element is required")
			case len(el.Data) > limits.Elements:
				v.add(ep, "%d elements, limit is %d", len(el.Data), limits.Elements)
			}
			for j := range el.Data {
				d := &el.Data[j]
				dp := idx(ep, j)
				v.required(join(dp, "title"), d.Title)
				v.maxLen(join(dp, "title"), d.Title, limits.ElementText)
				v.maxLen(join(dp, "description"), d.Description, limits.ElementText)
				v.maxLen(join(dp, "subDescription"), d.SubDescription, limits.ElementText)
				if d.Image != nil {
					v.image(join(dp, "image"), d.Image)
				}
				if d.Button != nil {
					switch d.Button.(type) {
					case *TextButton, *LinkButton:
						v.button(join(dp, "button"), d.Button, limits.InnerButtonTitle)
					default:
						v.add(join(dp, "button.type"), "element buttons must be TEXT or LINK")
					}
				}
			}
		}
		bp := join(p, "buttonList")
		if len(c.ButtonList) > limits.Buttons {
			v.add(bp, "%d buttons, limit is %d", len(c.ButtonList), limits.Buttons)
		}
		for j, b := range c.ButtonList {
			v.button(idx(bp, j), b, limits.ButtonTitle)
		}
	}
}

func (v *validator) quickReply(path string, q *QuickReply) {
	if q == nil {
		return
	}
	bp := join(path, "buttonList")
	switch {
	case len(q.ButtonList) == 0:
		v.add(bp, "a quick reply needs at least one button")
	case len(q.ButtonList) > limits.QuickReplies:
		v.add(bp, "%d buttons, limit is %d", len(q.ButtonList), limits.QuickReplies)
	}
	for i, b := range q.ButtonList {
		if _, ok := b.(*OptionButton); ok {
			v.add(join(idx(bp, i), "type"), "OPTION buttons are not allowed in quick replies")
			continue
		}
		v.button(idx(bp, i), b, limits.InnerButtonTitle)
	}
}

// button checks one button; titleMax is the title limit where it sits.
func (v *validator) button(path string, b Button, titleMax int) {
	dp := join(path, "data")
	switch b := b.(type) {
	case nil:
		v.add(path, "null button")
	case *TextButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		v.required(join(dp, "title"), b.Title)
		v.maxLen(join(dp, "title"), b.Title, titleMax)
		v.maxLen(join(dp, "code"), b.Code, limits.Code)
	case *LinkButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		v.required(join(dp, "title"), b.Title)
		v.maxLen(join(dp, "title"), b.Title, titleMax)
		v.url(join(dp, "url"), b.URL, true)
		if b.MobileURL != "" {
			v.url(join(dp, "mobileUrl"), b.MobileURL, true)
		}
		if b.MobileTarget != "" && b.MobileTarget != "webview" {
			v.add(join(dp, "mobileTarget"), `must be "webview" or empty`)
		}
		if a := b.MobileTargetAttr; a != nil && a.WebviewHeight != 0 && (a.WebviewHeight < limits.WebviewMin || a.WebviewHeight > limits.WebviewMax) {
			v.add(join(dp, "mobileTargetAttr.webviewHeight"), "must be %d to %d", limits.WebviewMin, limits.WebviewMax)
		}
	case *OptionButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		v.required(join(dp, "title"), b.Title)
		v.maxLen(join(dp, "title"), b.Title, titleMax)
		ip := join(dp, "buttonList")
		switch {
		case len(b.ButtonList) == 0:
			v.add(ip, "required")
		case len(b.ButtonList) > limits.OptionButtons:
			v.add(ip, "%d buttons, limit is %d", len(b.ButtonList), limits.OptionButtons)
		}
		for i, inner := range b.ButtonList {
			if _, ok := inner.(*OptionButton); ok {
				v.add(join(idx(ip, i), "type"), "OPTION buttons do not nest")
				continue
			}
			v.button(idx(ip, i), inner, limits.InnerButtonTitle)
		}
	case *PayButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		switch {
		case b.PayKey == "" && b.PaymentInfo == nil:
			v.add(dp, "one of payKey and paymentInfo is required")
		case b.PayKey != "" && b.PaymentInfo != nil:
			v.add(dp, "only one of payKey and paymentInfo may be set")
		case b.PaymentInfo != nil:
			v.payment(join(dp, "paymentInfo"), b.PaymentInfo)
		}
	case *TimeButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		v.maxLen(join(dp, "title"), b.Title, titleMax)
		v.maxLen(join(dp, "code"), b.Code, limits.Code)
	case *CalendarButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		v.maxLen(join(dp, "title"), b.Title, titleMax)
		v.maxLen(join(dp, "code"), b.Code, limits.Code)
		if o := b.Options; o != nil {
			cp := join(dp, "options.calendar")
			v.yyyymmdd(join(cp, "start"), o.Calendar.Start)
			v.yyyymmdd(join(cp, "end"), o.Calendar.End)
			if (o.Calendar.Start == "") != (o.Calendar.End == "") {
				v.add(cp, "start and end must be set together")
			}
		}
	case *TimeIntervalButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		v.maxLen(join(dp, "title"), b.Title, titleMax)
		v.maxLen(join(dp, "code"), b.Code, limits.Code)
		if o := b.Options; o != nil {
			tp := join(dp, "options.timeInterval")
			v.hhmm(join(tp, "start"), o.TimeInterval.Start)
			v.hhmm(join(tp, "end"), o.TimeInterval.End)
			if s := o.TimeInterval.Interval; s != "" {
				n, err := strconv.Atoi(s)
				if err != nil || n < limits.TimeIntervalMinutes[0] || n > limits.TimeIntervalMinutes[1] || n%5 != 0 {
					v.add(join(tp, "interval"), "must be a multiple of 5 from %d to %d", limits.TimeIntervalMinutes[0], limits.TimeIntervalMinutes[1])
				}
			}
		}
	case *UnknownButton:
		if b == nil || !json.Valid(b.Raw) || len(b.Raw) == 0 || b.Raw[0] != '{' {
			v.add(path, "raw button must be a JSON object")
		}
	}
}

func (v *validator) yyyymmdd(path, s string) {
	if s == "" {
		return
	}
	if len(s) != 8 || strings.Trim(s, "0123456789") != "" {
		v.add(path, "must be YYYYMMDD")
	}
}

func (v *validator) hhmm(path, s string) {
	if s == "" {
		return
	}
	if len(s) != 4 || strings.Trim(s, "0123456789") != "" {
		v.add(path, "must be HHMM")
		return
	}
	h, _ := strconv.Atoi(s[:2])
	m, _ := strconv.Atoi(s[2:])
	if h > 23 || m > 59 || m%5 != 0 {
		v.add(path, "must be HHMM from 0000 to 2355 in 5-minute steps")
	}
}

func (v *validator) payment(path string, p *PaymentInfo) {
	v.required(join(path, "merchantPayKey"), p.MerchantPayKey)
	if p.TotalPayAmount < limits.MinPayAmount {
		v.add(join(path, "totalPayAmount"), "must be at least %d", limits.MinPayAmount)
	}
	ip := join(path, "productItems")
	if len(p.ProductItems) == 0 {
		v.add(ip, "at least one item is required")
	}
	for i, it := range p.ProductItems {
		p := idx(ip, i)
		v.required(join(p, "categoryType"), it.CategoryType)
		v.required(join(p, "categoryId"), it.CategoryID)
		v.required(join(p, "uid"), it.UID)
		v.required(join(p, "name"), it.Name)
		v.required(join(p, "sellerId"), it.SellerID)
		if strings.Trim(it.SellerID, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
			v.add(join(p, "sellerId"), "letters and digits only")
		}
	}
}

func (v *validator) menus(path string, list MenuList, depth int) {
	if depth > limits.MenuDepth {
		v.add(path, "menus nest at most %d levels", limits.MenuDepth)
		return
	}
	if len(list) > limits.Menus {
		v.add(path, "%d menus, limit is %d", len(list), limits.Menus)
	}
	for i, m := range list {
		p := idx(path, i)
		dp := join(p, "data")
		switch m := m.(type) {
		case nil:
			v.add(p, "null menu")
		case *TextMenu:
			v.required(join(dp, "title"), m.Title)
			v.maxLen(join(dp, "title"), m.Title, limits.MenuTitle)
			v.required(join(dp, "code"), m.Code)
			v.maxLen(join(dp, "code"), m.Code, limits.MenuCode)
		case *LinkMenu:
			v.required(join(dp, "title"), m.Title)
			v.maxLen(join(dp, "title"), m.Title, limits.MenuTitle)
			v.url(join(dp, "url"), m.URL, true)
			if m.MobileURL != "" {
				v.url(join(dp, "mobileUrl"), m.MobileURL, true)
			}
		case *NestedMenu:
			v.required(join(dp, "title"), m.Title)
			v.maxLen(join(dp, "title"), m.Title, limits.MenuTitle)
			if len(m.Menus) == 0 {
				v.add(join(dp, "menus"), "required")
			}
			v.menus(join(dp, "menus"), m.Menus, depth+1)
		case *UnknownMenu:
			if !json.Valid(m.Raw) || len(m.Raw) == 0 || m.Raw[0] != '{' {
				v.add(p, "raw menu must be a JSON object")
			}
		}
	}
}

func (v *validator) product(e *ProductEvent) {
	o := &e.Options
	switch o.DisplayType {
	case DisplaySingle:
		if len(o.IDs) > limits.ProductsSingle {
			v.add("options.ids", "%d products, limit is %d for single", len(o.IDs), limits.ProductsSingle)
		}
	case DisplayList:
		if len(o.IDs) > limits.ProductsList {
			v.add("options.ids", "%d products, limit is %d for list", len(o.IDs), limits.ProductsList)
		}
	default:
		v.add("options.displayType", "must be %q or %q", DisplaySingle, DisplayList)
	}
	if len(o.IDs) == 0 {
		v.add("options.ids", "at least one product is required")
	}
	v.quickReply("options.quickReply", o.QuickReply)
	for i, cb := range o.CustomButtonList {
		p := idx("options.customButtonList", i)
		if len(cb.ButtonList) > limits.Buttons {
			v.add(join(p, "buttonList"), "%d buttons, limit is %d", len(cb.ButtonList), limits.Buttons)
		}
		for j, b := range cb.ButtonList {
			v.button(idx(join(p, "buttonList"), j), b, limits.ButtonTitle)
		}
	}
}
