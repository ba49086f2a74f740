package talktalk

import (
	"encoding/json"
	"errors"

	"github.com/channelkit/channelkit/internal/wire"
)

// MenuType is the wire "type" of a persistent menu item.
type MenuType string

// The menu item types.
const (
	MenuText   MenuType = "TEXT"
	MenuLink   MenuType = "LINK"
	MenuNested MenuType = "NESTED"
)

// Menu is a persistent menu item: *TextMenu, *LinkMenu, *NestedMenu or
// *UnknownMenu.
//
//sumtype:decl
type Menu interface {
	MenuType() MenuType
	isMenu()
}

// TextMenu sends Title with Code.
type TextMenu struct {
	Title string `json:"title"`
	Code  string `json:"code"`
}

// LinkMenu opens URL (which may be tel:…).
type LinkMenu struct {
	Title     string `json:"title"`
	URL       string `json:"url"`
	MobileURL string `json:"mobileUrl,omitempty"`
}

// NestedMenu opens a sub-menu; menus nest at most three levels deep.
type NestedMenu struct {
	Title string   `json:"title"`
	Menus MenuList `json:"menus"`
}

// UnknownMenu keeps a menu item of an unknown type exactly.
type UnknownMenu struct {
	Type MenuType
	Raw  json.RawMessage
}

// MenuType returns MenuText.
func (*TextMenu) MenuType() MenuType { return MenuText }

// MenuType returns MenuLink.
func (*LinkMenu) MenuType() MenuType { return MenuLink }

// MenuType returns MenuNested.
func (*NestedMenu) MenuType() MenuType { return MenuNested }

// MenuType returns the Type field.
func (m *UnknownMenu) MenuType() MenuType { return m.Type }

func (*TextMenu) isMenu()    {}
func (*LinkMenu) isMenu()    {}
func (*NestedMenu) isMenu()  {}
func (*UnknownMenu) isMenu() {}

// MarshalJSON writes {"type":"TEXT","data":{…}}.
func (m *TextMenu) MarshalJSON() ([]byte, error) {
	type plain TextMenu
	return json.Marshal(typedData{string(MenuText), (*plain)(m)})
}

// MarshalJSON writes {"type":"LINK","data":{…}}.
func (m *LinkMenu) MarshalJSON() ([]byte, error) {
	type plain LinkMenu
	return json.Marshal(typedData{string(MenuLink), (*plain)(m)})
}

// MarshalJSON writes {"type":"NESTED","data":{…}}.
func (m *NestedMenu) MarshalJSON() ([]byte, error) {
	type plain NestedMenu
	return json.Marshal(typedData{string(MenuNested), (*plain)(m)})
}

// MarshalJSON returns Raw.
func (m *UnknownMenu) MarshalJSON() ([]byte, error) {
	if len(m.Raw) == 0 {
		return nil, errors.New("talktalk: UnknownMenu without Raw")
	}
	return m.Raw, nil
}

// MenuList is a list of menu items; it decodes the [Menu] union.
type MenuList []Menu

// UnmarshalJSON decodes each item; unknown types become *UnknownMenu.
func (l *MenuList) UnmarshalJSON(b []byte) error {
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return err
	}
	if raws == nil {
		*l = nil
		return nil
	}
	out := make(MenuList, len(raws))
	for i, r := range raws {
		if wire.IsNull(r) {
			continue
		}
		out[i] = decodeMenu(r)
	}
	*l = out
	return nil
}

// decodeMenu decodes one menu item, keeping anything it cannot read as an
// *UnknownMenu. raw is valid JSON (it came out of a decoded array).
func decodeMenu(raw []byte) Menu {
	typ, _, err := wire.Peek(raw, "type")
	if err != nil {
		return &UnknownMenu{Raw: wire.Clone(raw)}
	}
	var m Menu
	switch MenuType(typ) {
	case MenuText:
		m = new(TextMenu)
	case MenuLink:
		m = new(LinkMenu)
	case MenuNested:
		m = new(NestedMenu)
	default:
		return &UnknownMenu{Type: MenuType(typ), Raw: wire.Clone(raw)}
	}
	data, err := wire.Field(raw, "data")
	if err == nil && !wire.IsNull(data) {
		err = json.Unmarshal(data, m)
	}
	if err != nil {
		return &UnknownMenu{Type: MenuType(typ), Raw: wire.Clone(raw)}
	}
	return m
}
