package talktalk_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/talktalk"
)

func paths(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if ve, ok := e.(*talktalk.ValidationError); ok {
			out = append(out, ve.Path)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

func composite(c talktalk.Composite) *talktalk.SendEvent {
	return &talktalk.SendEvent{Content: talktalk.Content{Composite: &talktalk.CompositeContent{CompositeList: []talktalk.Composite{c}}}}
}

func textButtons(n int, title string) talktalk.ButtonList {
	var out talktalk.ButtonList
	for range n {
		out = append(out, &talktalk.TextButton{Title: title})
	}
	return out
}

func TestValidatePaths(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("가", n) }
	tests := []struct {
		name string
		ev   talktalk.Event
		want []string
	}{
		{"text ok at limit", &talktalk.SendEvent{Content: talktalk.Content{Text: &talktalk.TextContent{Text: long(10000)}}}, nil},
		{"text over limit", &talktalk.SendEvent{Content: talktalk.Content{Text: &talktalk.TextContent{Text: long(10001)}}}, []string{"textContent.text"}},
		{"no content", &talktalk.SendEvent{}, []string{""}},
		{"two contents", &talktalk.SendEvent{Content: talktalk.Content{Text: &talktalk.TextContent{Text: "a"}, Image: &talktalk.ImageContent{ImageURL: "https://x/a.png"}}}, []string{""}},
		{"inputType outbound", &talktalk.SendEvent{Content: talktalk.Content{Text: &talktalk.TextContent{Text: "a", InputType: "typing"}}}, []string{"textContent.inputType"}},
		{"image both url and id", &talktalk.SendEvent{Content: talktalk.Content{Image: &talktalk.ImageContent{ImageURL: "https://x/a.png", ImageID: "i"}}}, []string{"imageContent"}},
		{"image bad URL", &talktalk.SendEvent{Content: talktalk.Content{Image: &talktalk.ImageContent{ImageURL: "ftp://x/a.png"}}}, []string{"imageContent.imageUrl"}},
		{"file outbound", &talktalk.SendEvent{Content: talktalk.Content{Text: &talktalk.TextContent{Text: "a"}, File: &talktalk.FileContent{}}}, []string{"fileContent"}},
		{"quick reply titles and OPTION", &talktalk.SendEvent{Content: talktalk.Content{Text: &talktalk.TextContent{Text: "a", QuickReply: &talktalk.QuickReply{ButtonList: talktalk.ButtonList{
			&talktalk.TextButton{Title: long(11)}, &talktalk.OptionButton{Title: "o"}, nil,
		}}}}}, []string{"textContent.quickReply.buttonList[0].data.title", "textContent.quickReply.buttonList[1].type", "textContent.quickReply.buttonList[2]"}},
		{"too many quick replies", &talktalk.SendEvent{Content: talktalk.Content{Text: &talktalk.TextContent{Text: "a", QuickReply: &talktalk.QuickReply{ButtonList: textButtons(11, "b")}}}}, []string{"textContent.quickReply.buttonList"}},
		{"composite needs two parts", composite(talktalk.Composite{Title: "t"}), []string{"compositeContent.compositeList[0]"}},
		{"composite needs a primary part", composite(talktalk.Composite{Image: &talktalk.Image{ImageID: "i"}, ButtonList: textButtons(1, "b")}), []string{"compositeContent.compositeList[0]"}},
		{"composite lengths", composite(talktalk.Composite{Title: long(201), Description: long(1001)}), []string{"compositeContent.compositeList[0].title", "compositeContent.compositeList[0].description"}},
		{"11 buttons", composite(talktalk.Composite{Title: "t", ButtonList: textButtons(11, "b")}), []string{"compositeContent.compositeList[0].buttonList"}},
		{"button title 18", composite(talktalk.Composite{Title: "t", ButtonList: textButtons(1, long(18))}), nil},
		{"button title 19", composite(talktalk.Composite{Title: "t", ButtonList: textButtons(1, long(19))}), []string{"compositeContent.compositeList[0].buttonList[0].data.title"}},
		{"code over 1000", composite(talktalk.Composite{Title: "t", ButtonList: talktalk.ButtonList{&talktalk.TextButton{Title: "b", Code: long(1001)}}}), []string{"compositeContent.compositeList[0].buttonList[0].data.code"}},
		{"link without url, bad webview", composite(talktalk.Composite{Title: "t", ButtonList: talktalk.ButtonList{&talktalk.LinkButton{Title: "b", MobileTarget: "popup", MobileTargetAttr: &talktalk.MobileTargetAttr{WebviewHeight: 95}}}}),
			[]string{"compositeContent.compositeList[0].buttonList[0].data.url", "compositeContent.compositeList[0].buttonList[0].data.mobileTarget", "compositeContent.compositeList[0].buttonList[0].data.mobileTargetAttr.webviewHeight"}},
		{"option inner", composite(talktalk.Composite{Title: "t", ButtonList: talktalk.ButtonList{&talktalk.OptionButton{Title: "o", ButtonList: append(textButtons(10, "ok"), &talktalk.TextButton{Title: long(11)})}}}),
			[]string{"compositeContent.compositeList[0].buttonList[0].data.buttonList", "compositeContent.compositeList[0].buttonList[0].data.buttonList[10].data.title"}},
		{"pay both forms", composite(talktalk.Composite{Title: "t", ButtonList: talktalk.ButtonList{&talktalk.PayButton{PayKey: "k", PaymentInfo: &talktalk.PaymentInfo{}}}}), []string{"compositeContent.compositeList[0].buttonList[0].data"}},
		{"pay info", composite(talktalk.Composite{Title: "t", ButtonList: talktalk.ButtonList{&talktalk.PayButton{PaymentInfo: &talktalk.PaymentInfo{TotalPayAmount: 99, ProductItems: []talktalk.ProductItem{{CategoryType: "ETC", CategoryID: "ETC", UID: "u", Name: "n", SellerID: "bad-id"}}}}}}),
			[]string{"compositeContent.compositeList[0].buttonList[0].data.paymentInfo.merchantPayKey", "compositeContent.compositeList[0].buttonList[0].data.paymentInfo.totalPayAmount", "compositeContent.compositeList[0].buttonList[0].data.paymentInfo.productItems[0].sellerId"}},
		{"calendar and time interval", composite(talktalk.Composite{Title: "t", ButtonList: talktalk.ButtonList{
			&talktalk.CalendarButton{Options: &talktalk.CalendarOptions{Calendar: talktalk.Calendar{Start: "2026-01-01"}}},
			&talktalk.TimeIntervalButton{Options: &talktalk.TimeIntervalOptions{TimeInterval: talktalk.TimeInterval{Start: "0903", Interval: "3"}}},
		}}), []string{"compositeContent.compositeList[0].buttonList[0].data.options.calendar.start", "compositeContent.compositeList[0].buttonList[0].data.options.calendar", "compositeContent.compositeList[0].buttonList[1].data.options.timeInterval.start", "compositeContent.compositeList[0].buttonList[1].data.options.timeInterval.interval"}},
		{"elements", composite(talktalk.Composite{Title: "t", ElementList: &talktalk.ElementList{Data: []talktalk.ElementData{
			{Title: long(101)}, {Title: "ok", Button: &talktalk.OptionButton{Title: "o"}}, {}, {Title: "4"},
		}}}), []string{"compositeContent.compositeList[0].elementList.data", "compositeContent.compositeList[0].elementList.data[0].title", "compositeContent.compositeList[0].elementList.data[1].button.type", "compositeContent.compositeList[0].elementList.data[2].title"}},
		{"11 composites", &talktalk.SendEvent{Content: talktalk.Content{Composite: &talktalk.CompositeContent{CompositeList: make([]talktalk.Composite, 11)}}}, nil /* checked by count below */},
		{"menu", &talktalk.PersistentMenuEvent{MenuContent: []talktalk.MenuContent{{Menus: talktalk.MenuList{
			&talktalk.TextMenu{Title: long(21)}, &talktalk.LinkMenu{Title: "l", URL: "javascript:alert(1)"},
			&talktalk.NestedMenu{Title: "n", Menus: talktalk.MenuList{&talktalk.NestedMenu{Title: "n2", Menus: talktalk.MenuList{&talktalk.NestedMenu{Title: "n3", Menus: talktalk.MenuList{&talktalk.TextMenu{Title: "x", Code: "x"}}}}}}},
			&talktalk.TextMenu{Title: "5", Code: "5"}, &talktalk.TextMenu{Title: "6", Code: "6"},
		}}}}, []string{"menuContent[0].menus", "menuContent[0].menus[0].data.title", "menuContent[0].menus[0].data.code", "menuContent[0].menus[1].data.url", "menuContent[0].menus[2].data.menus[0].data.menus[0].data.menus"}},
		{"product list over 4", &talktalk.ProductEvent{User: "u", Options: talktalk.ProductOptions{IDs: []int64{1, 2, 3, 4, 5}, DisplayType: talktalk.DisplayList}}, []string{"options.ids"}},
		{"handover control", &talktalk.HandoverEvent{User: "u", Options: talktalk.HandoverOptions{Control: "grab"}}, []string{"options.control"}},
		{"unknown raw not object", &talktalk.UnknownEvent{Raw: []byte(`[1]`)}, []string{""}},
		{"nil", nil, []string{""}},
		{"inbound only", &talktalk.PayConfirmEvent{}, []string{"event"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := talktalk.Validate(tt.ev)
			got := paths(err)
			if tt.name == "11 composites" {
				if len(got) < 1 || got[0] != "compositeContent.compositeList" {
					t.Errorf("paths = %v", got)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("paths (-want +got):\n%s\nerr: %v", diff, err)
			}
			if err != nil && !errors.Is(err, talktalk.ErrInvalid) {
				t.Errorf("err %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestValidateAllocatesNothingWhenValid(t *testing.T) {
	ev := goldenEvents()["send_composite_every_button"]
	if err := talktalk.Validate(ev); err != nil {
		t.Fatal(err)
	}
	// AllocsPerRun counts the whole process's allocations, so goroutines
	// an earlier test left finishing (a closing server, background work)
	// can add to one measurement; an allocation of Validate's own shows in
	// every one, so the least of five is the honest count.
	least := -1.0
	for range 5 {
		n := testing.AllocsPerRun(100, func() { _ = talktalk.Validate(ev) })
		if least < 0 || n < least {
			least = n
		}
	}
	if least != 0 {
		t.Errorf("Validate allocates %v times on a valid event", least)
	}
}
