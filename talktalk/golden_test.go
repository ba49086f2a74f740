package talktalk_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/talktalk"
)

func goldenEvents() map[string]talktalk.Event {
	return map[string]talktalk.Event{
		"send_text_quick_reply": &talktalk.SendEvent{User: "user-1", Content: talktalk.Content{Text: &talktalk.TextContent{
			Text: "메뉴를 고르세요",
			QuickReply: &talktalk.QuickReply{ButtonList: talktalk.ButtonList{
				&talktalk.TextButton{Title: "커피", Code: "menu=coffee"},
				&talktalk.LinkButton{Title: "웹", URL: "https://example.com", MobileURL: "https://m.example.com"},
				&talktalk.TimeButton{Title: "시간", Code: "time"},
			}},
		}}},
		"send_image_id": &talktalk.SendEvent{User: "user-1", Content: talktalk.Content{Image: &talktalk.ImageContent{ImageID: "img-123"}}, Options: talktalk.SendOptions{Notification: true}},
		"send_composite_every_button": &talktalk.SendEvent{User: "user-1", Content: talktalk.Content{Composite: &talktalk.CompositeContent{CompositeList: []talktalk.Composite{{
			Title: "예약", Description: "날짜를 고르세요", Image: &talktalk.Image{ImageURL: "https://example.com/a.png"},
			ElementList: &talktalk.ElementList{Data: []talktalk.ElementData{{Title: "스탠다드", Description: "2인", SubDescription: "89,000원", Button: &talktalk.LinkButton{Title: "보기", URL: "https://example.com/std"}}}},
			ButtonList: talktalk.ButtonList{
				&talktalk.TextButton{Title: "문의", Code: "ask"},
				&talktalk.LinkButton{Title: "지도", URL: "https://map.naver.com", MobileURL: "https://m.map.naver.com", MobileTarget: "webview", MobileTargetAttr: &talktalk.MobileTargetAttr{WebviewTitle: "지도", WebviewHeight: 70}},
				&talktalk.OptionButton{Title: "더보기", ButtonList: talktalk.ButtonList{&talktalk.TextButton{Title: "취소", Code: "cancel"}}},
				&talktalk.PayButton{PaymentInfo: &talktalk.PaymentInfo{MerchantPayKey: "order-1", TotalPayAmount: 1000, ProductItems: []talktalk.ProductItem{{CategoryType: "ETC", CategoryID: "ETC", UID: "i1", Name: "스탠다드", SellerID: "seller1"}}}},
				&talktalk.CalendarButton{Title: "날짜", Code: "date", Options: &talktalk.CalendarOptions{Calendar: talktalk.Calendar{Start: "20260101", End: "20261231", IsRange: true}}},
				&talktalk.TimeIntervalButton{Title: "시간대", Code: "slot", Options: &talktalk.TimeIntervalOptions{TimeInterval: talktalk.TimeInterval{Start: "0900", End: "1800", Interval: "30"}}},
				&talktalk.UnknownButton{Type: "FUTURE", Raw: json.RawMessage(`{"type":"FUTURE","data":{"title":"새 버튼"}}`)},
			},
		}}, QuickReply: &talktalk.QuickReply{ButtonList: talktalk.ButtonList{&talktalk.PayButton{PayKey: "legacy-key"}}}}}},
		"action_typing_on":  &talktalk.ActionEvent{User: "user-1", Options: talktalk.ActionOptions{Action: talktalk.TypingOn}},
		"handover_pass":     &talktalk.HandoverEvent{User: "user-1", Options: talktalk.HandoverOptions{Control: talktalk.PassThread, TargetID: 1}},
		"handover_take":     &talktalk.HandoverEvent{User: "user-1", Options: talktalk.HandoverOptions{Control: talktalk.TakeThread}},
		"profile_request":   &talktalk.ProfileEvent{User: "user-1", Options: talktalk.ProfileOptions{Field: talktalk.ProfileNickname, Agreements: []string{talktalk.ProfileCellphone}}},
		"menu_delete":       &talktalk.PersistentMenuEvent{},
		"menu_set":          &talktalk.PersistentMenuEvent{MenuContent: []talktalk.MenuContent{{Menus: talktalk.MenuList{&talktalk.TextMenu{Title: "이벤트", Code: "EVENT"}, &talktalk.NestedMenu{Title: "더보기", Menus: talktalk.MenuList{&talktalk.LinkMenu{Title: "전화", URL: "tel:021234567"}}}}}}},
		"product_list":      &talktalk.ProductEvent{User: "user-1", Options: talktalk.ProductOptions{IDs: []int64{1002324883}, DisplayType: talktalk.DisplayList}},
		"render_card_every": renderOne(&message.Card{Title: "주문", Text: "what next?", Image: &message.Image{URL: "https://example.com/card.png"}, Buttons: []message.Button{{Label: "Buy", Action: &message.Postback{Data: "action=buy"}}, {Label: "Call", Action: &message.CallAction{Phone: "+82-2-1588-3820"}}}}),
		"render_list":       renderOne(&message.List{Title: "메뉴", Items: []message.ListItem{{Title: "아메리카노", Text: "4,000원", Action: &message.Postback{Data: "menu=1"}}}}),
	}
}

func renderOne(c message.Content) talktalk.Event {
	evs, _, err := talktalk.Render(c, message.RenderOptions{})
	if err != nil {
		panic(err)
	}
	return evs[0]
}

func TestGoldenOutbound(t *testing.T) {
	for name, ev := range goldenEvents() {
		t.Run(name, func(t *testing.T) {
			if err := talktalk.Validate(ev); err != nil {
				t.Fatalf("golden event does not validate: %v", err)
			}
			got, err := json.MarshalIndent(ev, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("%s differs from golden (run with -update if intended):\n got %s\nwant %s", name, got, want)
			}
		})
	}
}
