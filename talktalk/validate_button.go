package talktalk

import (
	"encoding/json"
	"strconv"
	"strings"
)

// The rules for buttons, payments, persistent menus and product events.

// button checks one button; titleMax is the title limit where it sits.
func (v *validator) button(path pth, b Button, titleMax int) {
	dp := path.k("data")
	switch b := b.(type) {
	case nil:
		v.add(path, "null button")
	case *TextButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		v.required(dp.k("title"), b.Title)
		v.maxLen(dp.k("title"), b.Title, titleMax)
		v.maxLen(dp.k("code"), b.Code, limits.Code)
	case *LinkButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		v.required(dp.k("title"), b.Title)
		v.maxLen(dp.k("title"), b.Title, titleMax)
		v.url(dp.k("url"), b.URL, true)
		if b.MobileURL != "" {
			v.url(dp.k("mobileUrl"), b.MobileURL, true)
		}
		if b.MobileTarget != "" && b.MobileTarget != "webview" {
			v.add(dp.k("mobileTarget"), `must be "webview" or empty`)
		}
		if a := b.MobileTargetAttr; a != nil && a.WebviewHeight != 0 && (a.WebviewHeight < limits.WebviewMin || a.WebviewHeight > limits.WebviewMax) {
			v.add(dp.k("mobileTargetAttr.webviewHeight"), "must be %d to %d", limits.WebviewMin, limits.WebviewMax)
		}
	case *OptionButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		v.required(dp.k("title"), b.Title)
		v.maxLen(dp.k("title"), b.Title, titleMax)
		ip := dp.k("buttonList")
		switch {
		case len(b.ButtonList) == 0:
			v.add(ip, "required")
		case len(b.ButtonList) > limits.OptionButtons:
			v.add(ip, "%d buttons, limit is %d", len(b.ButtonList), limits.OptionButtons)
		}
		for i, inner := range b.ButtonList {
			if _, ok := inner.(*OptionButton); ok {
				v.add(ip.at(i).k("type"), "OPTION buttons do not nest")
				continue
			}
			v.button(ip.at(i), inner, limits.InnerButtonTitle)
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
			v.payment(dp.k("paymentInfo"), b.PaymentInfo)
		}
	case *TimeButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		v.maxLen(dp.k("title"), b.Title, titleMax)
		v.maxLen(dp.k("code"), b.Code, limits.Code)
	case *CalendarButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		v.maxLen(dp.k("title"), b.Title, titleMax)
		v.maxLen(dp.k("code"), b.Code, limits.Code)
		if o := b.Options; o != nil {
			cp := dp.k("options.calendar")
			v.yyyymmdd(cp.k("start"), o.Calendar.Start)
			v.yyyymmdd(cp.k("end"), o.Calendar.End)
			if (o.Calendar.Start == "") != (o.Calendar.End == "") {
				v.add(cp, "start and end must be set together")
			}
		}
	case *TimeIntervalButton:
		if b == nil {
			v.add(path, "null button")
			return
		}
		v.maxLen(dp.k("title"), b.Title, titleMax)
		v.maxLen(dp.k("code"), b.Code, limits.Code)
		if o := b.Options; o != nil {
			tp := dp.k("options.timeInterval")
			v.hhmm(tp.k("start"), o.TimeInterval.Start)
			v.hhmm(tp.k("end"), o.TimeInterval.End)
			if s := o.TimeInterval.Interval; s != "" {
				n, err := strconv.Atoi(s)
				if err != nil || n < limits.TimeIntervalMinutes[0] || n > limits.TimeIntervalMinutes[1] || n%5 != 0 {
					v.add(tp.k("interval"), "must be a multiple of 5 from %d to %d", limits.TimeIntervalMinutes[0], limits.TimeIntervalMinutes[1])
				}
			}
		}
	case *UnknownButton:
		if b == nil || !json.Valid(b.Raw) || len(b.Raw) == 0 || b.Raw[0] != '{' {
			v.add(path, "raw button must be a JSON object")
		}
	}
}

func (v *validator) yyyymmdd(path pth, s string) {
	if s == "" {
		return
	}
	if len(s) != 8 || strings.Trim(s, "0123456789") != "" {
		v.add(path, "must be YYYYMMDD")
	}
}

func (v *validator) hhmm(path pth, s string) {
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

func (v *validator) payment(path pth, p *PaymentInfo) {
	v.required(path.k("merchantPayKey"), p.MerchantPayKey)
	if p.TotalPayAmount < limits.MinPayAmount {
		v.add(path.k("totalPayAmount"), "must be at least %d", limits.MinPayAmount)
	}
	ip := path.k("productItems")
	if len(p.ProductItems) == 0 {
		v.add(ip, "at least one item is required")
	}
	for i, it := range p.ProductItems {
		p := ip.at(i)
		v.required(p.k("categoryType"), it.CategoryType)
		v.required(p.k("categoryId"), it.CategoryID)
		v.required(p.k("uid"), it.UID)
		v.required(p.k("name"), it.Name)
		v.required(p.k("sellerId"), it.SellerID)
		if strings.Trim(it.SellerID, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
			v.add(p.k("sellerId"), "letters and digits only")
		}
	}
}

func (v *validator) menus(path pth, list MenuList, depth int) {
	if depth > limits.MenuDepth {
		v.add(path, "menus nest at most %d levels", limits.MenuDepth)
		return
	}
	if len(list) > limits.Menus {
		v.add(path, "%d menus, limit is %d", len(list), limits.Menus)
	}
	for i, m := range list {
		p := path.at(i)
		dp := p.k("data")
		switch m := m.(type) {
		case nil:
			v.add(p, "null menu")
		case *TextMenu:
			v.required(dp.k("title"), m.Title)
			v.maxLen(dp.k("title"), m.Title, limits.MenuTitle)
			v.required(dp.k("code"), m.Code)
			v.maxLen(dp.k("code"), m.Code, limits.MenuCode)
		case *LinkMenu:
			v.required(dp.k("title"), m.Title)
			v.maxLen(dp.k("title"), m.Title, limits.MenuTitle)
			v.url(dp.k("url"), m.URL, true)
			if m.MobileURL != "" {
				v.url(dp.k("mobileUrl"), m.MobileURL, true)
			}
		case *NestedMenu:
			v.required(dp.k("title"), m.Title)
			v.maxLen(dp.k("title"), m.Title, limits.MenuTitle)
			if len(m.Menus) == 0 {
				v.add(dp.k("menus"), "required")
			}
			v.menus(dp.k("menus"), m.Menus, depth+1)
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
			v.add(root("options.ids"), "%d products, limit is %d for single", len(o.IDs), limits.ProductsSingle)
		}
	case DisplayList:
		if len(o.IDs) > limits.ProductsList {
			v.add(root("options.ids"), "%d products, limit is %d for list", len(o.IDs), limits.ProductsList)
		}
	default:
		v.add(root("options.displayType"), "must be %q or %q", DisplaySingle, DisplayList)
	}
	if len(o.IDs) == 0 {
		v.add(root("options.ids"), "at least one product is required")
	}
	v.quickReply(root("options.quickReply"), o.QuickReply)
	for i, cb := range o.CustomButtonList {
		p := root("options.customButtonList").at(i)
		if len(cb.ButtonList) > limits.Buttons {
			v.add(p.k("buttonList"), "%d buttons, limit is %d", len(cb.ButtonList), limits.Buttons)
		}
		for j, b := range cb.ButtonList {
			v.button(p.k("buttonList").at(j), b, limits.ButtonTitle)
		}
	}
}
