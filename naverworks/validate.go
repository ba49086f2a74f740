package naverworks

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/channelkit/channelkit/internal/invalid"
)

// where says which container an action sits in; the allowed action types
// differ.
type where int

const (
	inButton where = iota
	inList
	inCarousel
	inImageCarousel
	inQuickReply
	inPersistentMenu
	inRichMenu
)

func (w where) allows(a Action) bool {
	switch a.(type) {
	case *MessageAction, *URIAction, *CopyAction, *RawAction:
		return true
	case *PostbackAction:
		return w == inCarousel || w == inImageCarousel || w == inQuickReply || w == inRichMenu
	case *CameraAction, *CameraRollAction, *LocationAction:
		return w == inQuickReply
	}
	return false
}

func (w where) String() string {
	return [...]string{"button template", "list template", "carousel", "image carousel", "quick reply", "persistent menu", "rich menu"}[w]
}

// validator collects every violation.
type validator struct{ errs []*ValidationError }

func (v *validator) add(path, format string, args ...any) {
	reason := format
	if len(args) > 0 {
		reason = fmt.Sprintf(format, args...)
	}
	v.errs = append(v.errs, invalid.New(pkg, path, reason))
}

// err returns nil, the one violation, or [ValidationErrors].
func (v *validator) err() error { return invalid.Join(v.errs) }

func (v *validator) maxLen(path, s string, max int) {
	if n := limits.unit.Len(s); n > max {
		v.add(path, "%d characters exceed the limit of %d", n, max)
	}
}

func (v *validator) required(path, s string) {
	if s == "" {
		v.add(path, "required")
	}
}

func (v *validator) url(path, s string) {
	if s == "" {
		return
	}
	v.maxLen(path, s, limits.url)
	if !strings.HasPrefix(s, "https://") {
		v.add(path, "must be an https URL")
	}
}

// oneOf checks that exactly one of a URL and a file ID is set.
func (v *validator) oneOf(path, urlField, url, fileField, fileID string) {
	switch {
	case url == "" && fileID == "":
		v.add(path, "one of %s and %s is required", urlField, fileField)
	case url != "" && fileID != "":
		v.add(path, "%s and %s are mutually exclusive", urlField, fileField)
	}
	v.url(path+"."+urlField, url)
}

// Validate checks c against the documented limits. The error names JSON
// paths under "content": a [*ValidationError] for one violation,
// [ValidationErrors] for several; either wraps [ErrInvalid].
func Validate(c Content) error {
	var v validator
	v.content("content", c)
	return v.err()
}

func (v *validator) content(p string, c Content) {
	if c != nil && reflect.ValueOf(c).IsNil() {
		v.add(p, "nil content") // a typed nil pointer, such as (*Text)(nil)
		return
	}
	switch c := c.(type) {
	case nil:
		v.add(p, "no content")
	case *Text:
		v.required(p+".text", c.Text)
		v.maxLen(p+".text", c.Text, limits.text)
		v.mentions(p+".text", c.Text)
		for i, t := range c.I18nTexts {
			v.maxLen(fmt.Sprintf("%s.i18nTexts[%d].text", p, i), t.Text, limits.text)
		}
		v.quickReply(p, c.QuickReply)
	case *Image:
		v.oneOf(p, "originalContentUrl", c.OriginalContentURL, "fileId", c.FileID)
		if c.OriginalContentURL != "" {
			v.required(p+".previewImageUrl", c.PreviewImageURL)
		}
		v.url(p+".previewImageUrl", c.PreviewImageURL)
		v.quickReply(p, c.QuickReply)
	case *File:
		v.oneOf(p, "originalContentUrl", c.OriginalContentURL, "fileId", c.FileID)
		v.quickReply(p, c.QuickReply)
	case *Audio:
		v.oneOf(p, "originalContentUrl", c.OriginalContentURL, "fileId", c.FileID)
		v.quickReply(p, c.QuickReply)
	case *Video:
		v.oneOf(p, "originalContentUrl", c.OriginalContentURL, "fileId", c.FileID)
		if c.OriginalContentURL != "" {
			v.required(p+".previewImageUrl", c.PreviewImageURL)
		}
		v.url(p+".previewImageUrl", c.PreviewImageURL)
		v.quickReply(p, c.QuickReply)
	case *Link:
		v.required(p+".contentText", c.ContentText)
		v.maxLen(p+".contentText", c.ContentText, limits.contentText)
		v.mentions(p+".contentText", c.ContentText)
		v.required(p+".linkText", c.LinkText)
		v.maxLen(p+".linkText", c.LinkText, limits.linkText)
		v.required(p+".link", c.Link)
		v.maxLen(p+".link", c.Link, limits.url)
		for i, t := range c.I18nContentTexts {
			v.maxLen(fmt.Sprintf("%s.i18nContentTexts[%d].contentText", p, i), t.ContentText, limits.contentText)
		}
		for i, t := range c.I18nLinkTexts {
			v.maxLen(fmt.Sprintf("%s.i18nLinkTexts[%d].linkText", p, i), t.LinkText, limits.linkText)
		}
		v.quickReply(p, c.QuickReply)
	case *Sticker:
		v.required(p+".packageId", c.PackageID)
		v.required(p+".stickerId", c.StickerID)
		v.quickReply(p, c.QuickReply)
	case *Location:
		v.required(p+".title", c.Title)
		v.maxLen(p+".title", c.Title, limits.locationTitle)
		v.required(p+".address", c.Address)
		v.maxLen(p+".address", c.Address, limits.locationAddress)
		if c.Latitude < -90 || c.Latitude > 90 {
			v.add(p+".latitude", "out of range")
		}
		if c.Longitude < -180 || c.Longitude > 180 {
			v.add(p+".longitude", "out of range")
		}
		v.quickReply(p, c.QuickReply)
	case *ButtonTemplate:
		v.required(p+".contentText", c.ContentText)
		v.maxLen(p+".contentText", c.ContentText, limits.contentText)
		v.mentions(p+".contentText", c.ContentText)
		for i, t := range c.I18nContentTexts {
			v.maxLen(fmt.Sprintf("%s.i18nContentTexts[%d].contentText", p, i), t.ContentText, limits.contentText)
		}
		v.actions(p+".actions", c.Actions, 1, limits.buttonActions, inButton)
		v.quickReply(p, c.QuickReply)
	case *ListTemplate:
		v.listTemplate(p, c)
		v.quickReply(p, c.QuickReply)
	case *Carousel:
		v.carousel(p, c)
		v.quickReply(p, c.QuickReply)
	case *ImageCarousel:
		if len(c.Columns) == 0 {
			v.add(p+".columns", "at least one column is required")
		}
		if len(c.Columns) > limits.imageColumns {
			v.add(p+".columns", "%d columns exceed the limit of %d", len(c.Columns), limits.imageColumns)
		}
		for i, col := range c.Columns {
			cp := fmt.Sprintf("%s.columns[%d]", p, i)
			v.oneOf(cp, "originalContentUrl", col.OriginalContentURL, "fileId", col.FileID)
			if col.Action != nil {
				v.action(cp+".action", col.Action, inImageCarousel)
			}
		}
		v.quickReply(p, c.QuickReply)
	case *Flex:
		v.required(p+".altText", c.AltText)
		v.maxLen(p+".altText", c.AltText, limits.flexAltText)
		for i, t := range c.I18nAltText {
			v.maxLen(fmt.Sprintf("%s.i18nAltTexts[%d].altText", p, i), t.AltText, limits.flexAltText)
		}
		if len(c.Contents) == 0 || c.Contents[0] != '{' || !jsonValid(c.Contents) {
			v.add(p+".contents", "must be a JSON object (a bubble or carousel container)")
		}
		v.quickReply(p, c.QuickReply)
	case *RawContent:
		if c == nil || len(c.JSON) == 0 || !jsonValid(c.JSON) || c.Type() == "" {
			v.add(p, "raw content must be a JSON object with a type")
		}
	default:
		v.add(p, "unsupported content %T", c)
	}
}

func (v *validator) listTemplate(p string, c *ListTemplate) {
	if cd := c.CoverData; cd != nil {
		cp := p + ".coverData"
		if cd.BackgroundImageURL != "" && cd.BackgroundFileID != "" {
			v.add(cp, "backgroundImageUrl and backgroundFileId are mutually exclusive")
		}
		v.url(cp+".backgroundImageUrl", cd.BackgroundImageURL)
		v.maxLen(cp+".title", cd.Title, limits.listTitle)
		v.maxLen(cp+".subtitle", cd.Subtitle, limits.listTitle)
	}
	if len(c.Elements) == 0 {
		v.add(p+".elements", "at least one element is required")
	}
	if len(c.Elements) > limits.listElements {
		v.add(p+".elements", "%d elements exceed the limit of %d", len(c.Elements), limits.listElements)
	}
	for i, e := range c.Elements {
		ep := fmt.Sprintf("%s.elements[%d]", p, i)
		v.required(ep+".title", e.Title)
		v.maxLen(ep+".title", e.Title, limits.listTitle)
		v.maxLen(ep+".subtitle", e.Subtitle, limits.listTitle)
		if e.OriginalContentURL != "" && e.FileID != "" {
			v.add(ep, "originalContentUrl and fileId are mutually exclusive")
		}
		v.url(ep+".originalContentUrl", e.OriginalContentURL)
		if e.Action != nil {
			v.action(ep+".action", e.Action, inList)
		}
	}
	if len(c.Actions) > limits.listActionRows {
		v.add(p+".actions", "%d rows exceed the limit of %d", len(c.Actions), limits.listActionRows)
	}
	for i, row := range c.Actions {
		v.actions(fmt.Sprintf("%s.actions[%d]", p, i), row, 1, limits.listActionCols, inList)
	}
}

func (v *validator) carousel(p string, c *Carousel) {
	switch c.ImageAspectRatio {
	case "", AspectRectangle, AspectSquare:
	default:
		v.add(p+".imageAspectRatio", "must be %q or %q", AspectRectangle, AspectSquare)
	}
	switch c.ImageSize {
	case "", SizeCover, SizeContain:
	default:
		v.add(p+".imageSize", "must be %q or %q", SizeCover, SizeContain)
	}
	if len(c.Columns) == 0 {
		v.add(p+".columns", "at least one column is required")
	}
	if len(c.Columns) > limits.carouselColumns {
		v.add(p+".columns", "%d columns exceed the limit of %d", len(c.Columns), limits.carouselColumns)
	}
	for i, col := range c.Columns {
		cp := fmt.Sprintf("%s.columns[%d]", p, i)
		if col.OriginalContentURL != "" && col.FileID != "" {
			v.add(cp, "originalContentUrl and fileId are mutually exclusive")
		}
		v.url(cp+".originalContentUrl", col.OriginalContentURL)
		v.maxLen(cp+".title", col.Title, limits.carouselTitle)
		v.required(cp+".text", col.Text)
		max, lines := limits.carouselText, limits.carouselLines
		if col.Title != "" || col.OriginalContentURL != "" || col.FileID != "" {
			max, lines = limits.carouselTextCompact, limits.carouselLinesCompact
		}
		v.maxLen(cp+".text", col.Text, max)
		if n := strings.Count(col.Text, "\n") + 1; n > lines {
			v.add(cp+".text", "%d lines exceed the limit of %d", n, lines)
		}
		if col.DefaultAction != nil {
			v.action(cp+".defaultAction", col.DefaultAction, inCarousel)
		}
		v.actions(cp+".actions", col.Actions, 1, limits.carouselActions, inCarousel)
		if i > 0 {
			first := c.Columns[0]
			if len(col.Actions) != len(first.Actions) {
				v.add(cp+".actions", "every column needs the same number of actions (column 0 has %d)", len(first.Actions))
			}
			if (col.Title != "") != (first.Title != "") {
				v.add(cp+".title", "either every column has a title or none has")
			}
			if (col.OriginalContentURL != "" || col.FileID != "") != (first.OriginalContentURL != "" || first.FileID != "") {
				v.add(cp, "either every column has an image or none has")
			}
		}
	}
}

func (v *validator) actions(p string, as []Action, min, max int, w where) {
	if len(as) < min {
		v.add(p, "at least %d action required", min)
	}
	if len(as) > max {
		v.add(p, "%d actions exceed the limit of %d", len(as), max)
	}
	for i, a := range as {
		v.action(fmt.Sprintf("%s[%d]", p, i), a, w)
	}
}

func (v *validator) action(p string, a Action, w where) {
	if a == nil || isNilAction(a) {
		v.add(p, "nil action")
		return
	}
	if !w.allows(a) {
		v.add(p+".type", "%s actions are not allowed in a %s", a.Type(), w)
		return
	}
	labelMax := limits.label
	switch w {
	case inImageCarousel:
		labelMax = limits.imageCarouselLabel
	case inPersistentMenu:
		labelMax = limits.persistentLabel
	}
	label := func(l string, optional bool) {
		if !optional {
			v.required(p+".label", l)
		}
		v.maxLen(p+".label", l, labelMax)
	}
	switch a := a.(type) {
	case *PostbackAction:
		label(a.Label, w == inCarousel || w == inRichMenu || w == inImageCarousel)
		v.required(p+".data", a.Data)
		v.maxLen(p+".data", a.Data, limits.postbackData)
		v.maxLen(p+".displayText", a.DisplayText, limits.displayText)
		if w == inQuickReply && limits.requireQRDisplayText {
			v.required(p+".displayText", a.DisplayText)
		}
	case *MessageAction:
		label(a.Label, false)
		v.maxLen(p+".text", a.Text, limits.messageText)
		v.maxLen(p+".postback", a.Postback, limits.messagePostback)
	case *URIAction:
		label(a.Label, false)
		v.required(p+".uri", a.URI)
		v.maxLen(p+".uri", a.URI, limits.url)
	case *CopyAction:
		label(a.Label, false)
		v.required(p+".copyText", a.CopyText)
		v.maxLen(p+".copyText", a.CopyText, limits.copyText)
	case *CameraAction:
		label(a.Label, false)
	case *CameraRollAction:
		label(a.Label, false)
	case *LocationAction:
		label(a.Label, false)
	case *RawAction:
		if !jsonValid(a.JSON) || a.Type() == "" {
			v.add(p, "raw action must be a JSON object with a type")
		}
	}
}

func (v *validator) quickReply(p string, q *QuickReply) {
	if q == nil {
		return
	}
	p += ".quickReply.items"
	if len(q.Items) == 0 {
		v.add(p, "at least one item is required")
	}
	if len(q.Items) > limits.quickReplies {
		v.add(p, "%d items exceed the limit of %d", len(q.Items), limits.quickReplies)
	}
	for i, it := range q.Items {
		ip := fmt.Sprintf("%s[%d]", p, i)
		if it.ImageURL != "" && it.ImageResourceID != "" {
			v.add(ip, "imageUrl and imageResourceId are mutually exclusive")
		}
		v.url(ip+".imageUrl", it.ImageURL)
		v.action(ip+".action", it.Action, inQuickReply)
	}
}

func isNilAction(a Action) bool {
	switch a := a.(type) {
	case *PostbackAction:
		return a == nil
	case *MessageAction:
		return a == nil
	case *URIAction:
		return a == nil
	case *CameraAction:
		return a == nil
	case *CameraRollAction:
		return a == nil
	case *LocationAction:
		return a == nil
	case *CopyAction:
		return a == nil
	case *RawAction:
		return a == nil
	}
	return false
}
