package kakao

// The validation of cards, carousels and buttons (see validate.go).

func (v *validator) textCard(p int, c *TextCard, inCarousel bool) {
	if c.Title == "" && c.Description == "" {
		v.add(p, "a textCard needs a title or a description")
	}
	v.maxLen(v.join(p, "title"), c.Title, MaxTitleLen)
	max := MaxTextCardDesc
	if inCarousel {
		max = MaxCarouselDesc
	}
	v.maxLen(v.join(p, "description"), c.Description, max)
	v.buttons(p, c.Buttons, c.ButtonLayout, false)
}

func (v *validator) basicCard(p int, c *BasicCard) {
	v.maxLen(v.join(p, "title"), c.Title, MaxTitleLen)
	v.maxLen(v.join(p, "description"), c.Description, MaxBasicCardDesc)
	fixed := false
	if c.Thumbnail == nil {
		v.add(v.join(p, "thumbnail"), "required")
	} else {
		v.thumbnail(v.join(p, "thumbnail"), c.Thumbnail)
		fixed = c.Thumbnail.FixedRatio
	}
	v.profile(v.join(p, "profile"), c.Profile)
	v.buttons(p, c.Buttons, c.ButtonLayout, fixed)
}

func (v *validator) commerceCard(p int, c *CommerceCard) {
	v.maxLen(v.join(p, "title"), c.Title, MaxCommerceTitle)
	v.maxLen(v.join(p, "description"), c.Description, MaxCommerceDesc)
	if c.Price < 0 {
		v.add(v.join(p, "price"), "must not be negative")
	}
	if c.Currency != "" && c.Currency != "won" {
		v.add(v.join(p, "currency"), "only \"won\" is supported")
	}
	if c.DiscountRate != 0 && c.DiscountedPrice == 0 {
		v.add(v.join(p, "discountedPrice"), "required with discountRate")
	}
	if c.DiscountRate < 0 || c.DiscountRate > 100 {
		v.add(v.join(p, "discountRate"), "must be a percentage")
	}
	tp := v.join(p, "thumbnails")
	if len(c.Thumbnails) != 1 {
		v.add(tp, "exactly 1 thumbnail is required, got %d", len(c.Thumbnails))
	}
	fixed := false
	for i := range c.Thumbnails {
		v.thumbnail(v.idx(tp, i), &c.Thumbnails[i])
		fixed = fixed || c.Thumbnails[i].FixedRatio
	}
	v.profile(v.join(p, "profile"), c.Profile)
	v.buttons(p, c.Buttons, c.ButtonLayout, fixed)
}

func (v *validator) listCard(p int, c *ListCard, inCarousel bool) {
	v.required(v.join(p, "header.title"), c.Header.Title)
	ip := v.join(p, "items")
	max := MaxListItems
	if inCarousel {
		max = MaxCarouselList
	}
	switch n := len(c.Items); {
	case n == 0:
		v.add(ip, "at least 1 item is required")
	case n > max:
		v.add(ip, "%d items, limit is %d", n, max)
	}
	for i := range c.Items {
		it := &c.Items[i]
		q := v.idx(ip, i)
		v.required(v.join(q, "title"), it.Title)
		switch it.Action {
		case "":
		case "block":
			v.required(v.join(q, "blockId"), it.BlockID)
		case "message":
			v.required(v.join(q, "messageText"), it.MessageText)
		default:
			v.add(v.join(q, "action"), "unknown list-item action %q (block or message)", it.Action)
		}
	}
	v.buttons(p, c.Buttons, c.ButtonLayout, false)
}

func (v *validator) itemCard(p int, c *ItemCard, inCarousel bool) {
	if c.Thumbnail != nil {
		v.thumbnail(v.join(p, "thumbnail"), c.Thumbnail)
	}
	if c.Head != nil && c.Profile != nil {
		v.add(v.join(p, "profile"), "head and profile are mutually exclusive")
	}
	if c.Head != nil {
		v.required(v.join(p, "head.title"), c.Head.Title)
	}
	if c.Profile != nil {
		if v.required(v.join(p, "profile.title"), c.Profile.Title) {
			v.maxLen(v.join(p, "profile.title"), c.Profile.Title, MaxProfileTitle)
		}
	}
	if c.ImageTitle != nil {
		v.required(v.join(p, "imageTitle.title"), c.ImageTitle.Title)
	}
	lp := v.join(p, "itemList")
	max := MaxItemList
	if inCarousel {
		max = MaxCarouselItems
	}
	switch n := len(c.ItemList); {
	case n == 0:
		v.add(lp, "at least 1 item is required")
	case n > max:
		v.add(lp, "%d items, limit is %d", n, max)
	}
	for i := range c.ItemList {
		q := v.idx(lp, i)
		if v.required(v.join(q, "title"), c.ItemList[i].Title) {
			v.maxLen(v.join(q, "title"), c.ItemList[i].Title, MaxItemTitleLen)
		}
		v.required(v.join(q, "description"), c.ItemList[i].Description)
	}
	switch c.ItemListAlignment {
	case "", "left", "right":
	default:
		v.add(v.join(p, "itemListAlignment"), "must be left or right")
	}
	if s := c.ItemListSummary; s != nil {
		sp := v.join(p, "itemListSummary")
		if v.required(v.join(sp, "title"), s.Title) {
			v.maxLen(v.join(sp, "title"), s.Title, MaxItemTitleLen)
		}
		if v.required(v.join(sp, "description"), s.Description) {
			v.maxLen(v.join(sp, "description"), s.Description, MaxSummaryDescLen)
		}
	}
	if c.Description != "" && c.Title == "" {
		v.add(v.join(p, "title"), "required with description")
	}
	maxText := MaxItemCardText
	if inCarousel {
		maxText = MaxItemCardTextC
	}
	if n := textUnit.Len(c.Title) + textUnit.Len(c.Description); n > maxText {
		v.add(v.join(p, "description"), "title and description hold %d characters, limit is %d together", n, maxText)
	}
	fixed := c.Thumbnail != nil && c.Thumbnail.FixedRatio
	v.buttons(p, c.Buttons, c.ButtonLayout, fixed)
}

func (v *validator) carousel(p int, c *Carousel) {
	ip := v.join(p, "items")
	kind := c.Kind()
	max := MaxCarouselCards
	if kind == KindListCard {
		max = MaxCarouselLists
	}
	switch n := len(c.Items); {
	case n == 0:
		v.add(ip, "at least 1 card is required")
	case n > max:
		v.add(ip, "%d cards, limit is %d", n, max)
	}
	var firstItem *ItemCard
	for i, it := range c.Items {
		q := v.idx(ip, i)
		if isNilCard(it) {
			v.add(q, "nil card")
			continue
		}
		if it.CardKind() != kind {
			v.add(q, "a %s in a carousel of %s; all cards must have one type", it.CardKind(), kind)
			continue
		}
		switch card := it.(type) {
		case *TextCard:
			v.textCard(q, card, true)
		case *BasicCard:
			v.basicCard(q, card)
		case *CommerceCard:
			v.commerceCard(q, card)
		case *ListCard:
			v.listCard(q, card, true)
		case *ItemCard:
			v.itemCard(q, card, true)
			if firstItem == nil {
				firstItem = card
			} else if (card.Thumbnail == nil) != (firstItem.Thumbnail == nil) || (card.Head == nil) != (firstItem.Head == nil) ||
				(card.Profile == nil) != (firstItem.Profile == nil) || (card.ImageTitle == nil) != (firstItem.ImageTitle == nil) {
				v.add(q, "thumbnail, head, profile and imageTitle must be set on all cards of a carousel or on none")
			}
		default:
			v.add(q, "unsupported card %T", it)
		}
	}
	if h := c.Header; h != nil {
		hp := v.join(p, "header")
		if kind == KindTextCard || kind == KindListCard {
			v.add(hp, "a carousel of %s cannot have a header", kind)
		}
		v.required(v.join(hp, "title"), h.Title)
		v.required(v.join(hp, "description"), h.Description)
		if h.Thumbnail == nil {
			v.add(v.join(hp, "thumbnail"), "required")
		} else {
			v.httpURL(v.join(hp, "thumbnail.imageUrl"), h.Thumbnail.ImageURL)
		}
	}
}

func (v *validator) thumbnail(p int, t *Thumbnail) {
	v.httpURL(v.join(p, "imageUrl"), t.ImageURL)
	v.maxLen(v.join(p, "altText"), t.AltText, MaxAltTextLen)
}

func (v *validator) profile(p int, pr *Profile) {
	if pr != nil {
		v.required(v.join(p, "nickname"), pr.Nickname)
	}
}

func (v *validator) buttons(p int, bs []Button, layout ButtonLayout, fixedRatio bool) {
	horizontal := false
	switch layout {
	case LayoutHorizontal:
		horizontal = true
	case LayoutVertical:
	case "":
		horizontal = fixedRatio
	default:
		v.add(v.join(p, "buttonLayout"), "must be vertical or horizontal")
	}
	bp := v.join(p, "buttons")
	max := MaxButtons
	if horizontal {
		max = MaxButtonsH
	}
	if len(bs) > max {
		lay := "vertical"
		if horizontal {
			lay = "horizontal"
		}
		v.add(bp, "%d buttons, limit is %d in a %s layout", len(bs), max, lay)
	}
	labelMax := MaxButtonLabel
	if horizontal && len(bs) == 2 {
		labelMax = MaxButtonLabelH
	}
	for i := range bs {
		v.button(v.idx(bp, i), &bs[i], labelMax)
	}
}

func (v *validator) button(p int, b *Button, labelMax int) {
	if v.required(v.join(p, "label"), b.Label) {
		v.maxLen(v.join(p, "label"), b.Label, labelMax)
	}
	switch b.Action {
	case ActionWebLink:
		v.httpURL(v.join(p, "webLinkUrl"), b.WebLinkURL)
	case ActionPhone:
		v.required(v.join(p, "phoneNumber"), b.PhoneNumber)
	case ActionBlock:
		v.required(v.join(p, "blockId"), b.BlockID)
	case ActionMessage, ActionShare, ActionOperator, ActionPlugin, ActionAddChannel:
	case "":
		v.add(v.join(p, "action"), "required")
	default:
		v.add(v.join(p, "action"), "unknown button action %q", string(b.Action))
	}
}

func isNilCard(c CarouselCard) bool {
	switch c := c.(type) {
	case nil:
		return true
	case *TextCard:
		return c == nil
	case *BasicCard:
		return c == nil
	case *CommerceCard:
		return c == nil
	case *ListCard:
		return c == nil
	case *ItemCard:
		return c == nil
	}
	return false
}
