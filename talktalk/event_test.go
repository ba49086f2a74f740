package talktalk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/talktalk"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

// normalize decodes a JSON document into generic values and removes null
// and empty-string members of objects, which the wire treats as absent.
func normalize(t testing.TB, b []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	var walk func(any) any
	walk = func(x any) any {
		switch x := x.(type) {
		case map[string]any:
			for k, e := range x {
				if e == nil || e == "" {
					delete(x, k)
					continue
				}
				x[k] = walk(e)
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		}
		return x
	}
	return walk(v)
}

func readFixtures(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/webhook/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = b
	}
	return out
}

func TestFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	wantType := map[string]talktalk.Event{
		"open":                   &talktalk.OpenEvent{},
		"leave":                  &talktalk.LeaveEvent{},
		"friend_on":              &talktalk.FriendEvent{},
		"send_text":              &talktalk.SendEvent{},
		"send_button":            &talktalk.SendEvent{},
		"send_calendar":          &talktalk.SendEvent{},
		"send_image":             &talktalk.SendEvent{},
		"send_standby":           &talktalk.SendEvent{},
		"send_product":           &talktalk.SendEvent{},
		"send_vphone":            &talktalk.SendEvent{},
		"send_composite":         &talktalk.SendEvent{},
		"echo_text":              &talktalk.EchoEvent{},
		"echo_file":              &talktalk.EchoEvent{},
		"echo_file_mobile":       &talktalk.EchoEvent{},
		"handover_pass_thread":   &talktalk.HandoverEvent{},
		"handover_single_quotes": &talktalk.HandoverEvent{},
		"profile_success":        &talktalk.ProfileEvent{},
		"profile_withdraw":       &talktalk.ProfileEvent{},
		"pay_complete":           &talktalk.PayCompleteEvent{},
		"pay_complete_fail":      &talktalk.PayCompleteEvent{},
		"pay_confirm":            &talktalk.PayConfirmEvent{},
		"action_typing":          &talktalk.ActionEvent{},
		"persistent_menu":        &talktalk.PersistentMenuEvent{},
		"product":                &talktalk.ProductEvent{},
		"unknown_event":          &talktalk.UnknownEvent{},
	}
	fixtures := readFixtures(t)
	for name, body := range fixtures {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ev, err := talktalk.Decode(body)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want, ok := wantType[name]
			if !ok {
				t.Fatalf("fixture %s has no expected type in this test", name)
			}
			if gotT, wantT := typeName(ev), typeName(want); gotT != wantT {
				t.Fatalf("Parse returned %s, want %s", gotT, wantT)
			}
			out, err := json.Marshal(ev)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if diff := cmp.Diff(normalize(t, body), normalize(t, out)); diff != "" {
				t.Errorf("round trip differs (-fixture +re-encoded):\n%s", diff)
			}
			// decode → encode → decode is stable.
			ev2, err := talktalk.Decode(out)
			if err != nil {
				t.Fatalf("re-Parse: %v", err)
			}
			out2, _ := json.Marshal(ev2)
			if !bytes.Equal(out, out2) {
				t.Errorf("second encoding differs:\n%s\n%s", out, out2)
			}
		})
	}
	for name := range wantType {
		if _, ok := fixtures[name]; !ok {
			t.Errorf("expected fixture %s.json is missing", name)
		}
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *talktalk.OpenEvent:
		return "OpenEvent"
	case *talktalk.LeaveEvent:
		return "LeaveEvent"
	case *talktalk.FriendEvent:
		return "FriendEvent"
	case *talktalk.SendEvent:
		return "SendEvent"
	case *talktalk.EchoEvent:
		return "EchoEvent"
	case *talktalk.HandoverEvent:
		return "HandoverEvent"
	case *talktalk.ProfileEvent:
		return "ProfileEvent"
	case *talktalk.PayCompleteEvent:
		return "PayCompleteEvent"
	case *talktalk.PayConfirmEvent:
		return "PayConfirmEvent"
	case *talktalk.ActionEvent:
		return "ActionEvent"
	case *talktalk.PersistentMenuEvent:
		return "PersistentMenuEvent"
	case *talktalk.ProductEvent:
		return "ProductEvent"
	case *talktalk.UnknownEvent:
		return "UnknownEvent"
	}
	return "?"
}

func mustDecode(t *testing.T, body string) talktalk.Event {
	t.Helper()
	ev, err := talktalk.Decode([]byte(body))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return ev
}

func TestParseFields(t *testing.T) {
	t.Parallel()
	fx := readFixtures(t)
	parse := func(name string) talktalk.Event {
		ev, err := talktalk.Decode(fx[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return ev
	}

	open := parse("open").(*talktalk.OpenEvent)
	if diff := cmp.Diff("list", open.Options.Inflow); diff != "" || open.Options.UnreadMessage == nil || !*open.Options.UnreadMessage {
		t.Errorf("open options = %+v", open.Options)
	}

	send := parse("send_text").(*talktalk.SendEvent)
	if send.Kind() != talktalk.KindText || send.Text.Text != "안녕하세요" || send.MessageID != "1234567890" || *send.Options.Mobile != true {
		t.Errorf("send_text = %+v", send)
	}
	if parse("send_standby").(*talktalk.SendEvent).Standby != true {
		t.Error("standby not decoded")
	}
	img := parse("send_image").(*talktalk.SendEvent)
	if img.Kind() != talktalk.KindImage || img.Image.Width != "640" {
		t.Errorf("send_image = %+v", img.Image)
	}
	if p := parse("send_product").(*talktalk.SendEvent).Options.Product; p == nil || p.Name != "무선 이어폰" {
		t.Errorf("product = %+v", p)
	}
	echo := parse("echo_file").(*talktalk.EchoEvent)
	if echo.Kind() != talktalk.KindFile || echo.File.FileName != "견적서.pdf" {
		t.Errorf("echo_file = %+v", echo)
	}
	if e := parse("echo_text").(*talktalk.EchoEvent); e.Options.SourceID != 1 || e.Options.ManagerNickname != "상담원" {
		t.Errorf("echo_text options = %+v", e.Options)
	}

	pc := parse("pay_confirm").(*talktalk.PayConfirmEvent)
	if !strings.Contains(string(pc.Options.PaymentConfirmResult.Detail), `"admissionState":"SUCCESS"`) {
		t.Errorf("deatil not decoded into Detail: %s", pc.Options.PaymentConfirmResult.Detail)
	}
	prof := parse("profile_success").(*talktalk.ProfileEvent)
	if prof.Options.Address == nil || prof.Options.Address.Latitude != "37.3595704" {
		t.Errorf("profile address = %+v", prof.Options.Address)
	}

	comp := parse("send_composite").(*talktalk.SendEvent).Composite.CompositeList[0]
	var types []talktalk.ButtonType
	for _, b := range comp.ButtonList {
		types = append(types, b.ButtonType())
	}
	wantTypes := []talktalk.ButtonType{"TEXT", "LINK", "OPTION", "PAY", "CALENDAR", "TIMEINTERVAL", "FUTURE"}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("button types (-want +got):\n%s", diff)
	}
	if _, ok := comp.ButtonList[6].(*talktalk.UnknownButton); !ok {
		t.Errorf("FUTURE button is %T, want *UnknownButton", comp.ButtonList[6])
	}
	if b, ok := comp.ElementList.Data[0].Button.(*talktalk.TextButton); !ok || b.Code != "room=std" {
		t.Errorf("element button = %#v", comp.ElementList.Data[0].Button)
	}

	menu := parse("persistent_menu").(*talktalk.PersistentMenuEvent)
	nested, ok := menu.MenuContent[0].Menus[2].(*talktalk.NestedMenu)
	if !ok || len(nested.Menus) != 1 {
		t.Errorf("nested menu = %#v", menu.MenuContent[0].Menus[2])
	}
}

func TestPayConfirmDetailSpelling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, wantKey string
	}{
		{"deatil as in the specification", `{"event":"pay_confirm","user":"u","options":{"paymentConfirmResult":{"code":"Success","deatil":{"a":1}}}}`, `"deatil":{"a":1}`},
		{"detail as other libraries send", `{"event":"pay_confirm","user":"u","options":{"paymentConfirmResult":{"code":"Success","detail":{}}}}`, `"detail":{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := mustDecode(t, tt.in).(*talktalk.PayConfirmEvent)
			if len(ev.Options.PaymentConfirmResult.Detail) == 0 {
				t.Fatal("Detail is empty")
			}
			out, _ := json.Marshal(ev)
			if !strings.Contains(string(out), tt.wantKey) {
				t.Errorf("re-encoded %s; want it to contain %s", out, tt.wantKey)
			}
		})
	}
	// Built in Go, Detail goes out with the wire's spelling.
	out, _ := json.Marshal(&talktalk.PayConfirmEvent{User: "u", Options: talktalk.PayConfirmOptions{PaymentConfirmResult: talktalk.PaymentConfirmResult{Code: "Success", Detail: json.RawMessage(`{}`)}}})
	if !strings.Contains(string(out), `"deatil":{}`) {
		t.Errorf("Go-built event encodes as %s; want deatil", out)
	}
}

func TestUnknownEventExactBytes(t *testing.T) {
	t.Parallel()
	body := readFixtures(t)["unknown_event"]
	ev := mustDecode(t, string(body))
	u, ok := ev.(*talktalk.UnknownEvent)
	if !ok {
		t.Fatalf("got %T", ev)
	}
	if u.Name != "reaction" || u.User != "al-2eGuGr5WQOnco1_V-FQ" || u.Type() != "reaction" {
		t.Errorf("unknown event = %+v", u)
	}
	out, err := u.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, body) {
		t.Errorf("MarshalJSON bytes differ:\n got %q\nwant %q", out, body)
	}
	// encoding/json compacts what MarshalJSON returns; the content is the same.
	viaJSON, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	_ = json.Compact(&want, body)
	if !bytes.Equal(viaJSON, want.Bytes()) {
		t.Errorf("json.Marshal = %s; want %s", viaJSON, want.Bytes())
	}
}

func TestHandoverMetadata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		meta    string
		want    talktalk.HandoverMetadata
		wantErr bool
	}{
		{"escaped JSON", `{\"managerNickname\":\"파트너닉네임\",\"autoEnd\":false}`, talktalk.HandoverMetadata{ManagerNickname: "파트너닉네임"}, false},
		{"u-escaped Korean", `{\"managerNickname\":\"\\ud30c\\ud2b8\\ub108\",\"autoEnd\":true}`, talktalk.HandoverMetadata{ManagerNickname: "파트너", AutoEnd: true}, false},
		{"empty", ``, talktalk.HandoverMetadata{}, false},
		{"single-quoted pseudo-JSON", `{'managerNickname':'구매자','autoEnd':false}`, talktalk.HandoverMetadata{}, true},
		{"not JSON", `manager`, talktalk.HandoverMetadata{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := mustDecode(t, `{"event":"handover","user":"u","options":{"control":"passThread","metadata":"`+tt.meta+`"}}`).(*talktalk.HandoverEvent)
			got, err := ev.DecodeMetadata()
			if tt.wantErr {
				if !errors.Is(err, talktalk.ErrMetadata) || !errors.Is(err, talktalk.ErrMalformed) {
					t.Fatalf("err = %v; want ErrMetadata and ErrMalformed", err)
				}
				if strings.Contains(err.Error(), "구매자") {
					t.Errorf("error quotes the metadata: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeMetadata: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("metadata (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
	}{
		{"empty", ``},
		{"not JSON", `hello`},
		{"array", `[{"event":"send"}]`},
		{"no event field", `{"user":"u"}`},
		{"event null", `{"event":null,"user":"u"}`},
		{"event not a string", `{"event":1}`},
		{"truncated", `{"event":"send","user":"u","textContent":{"text":"secret-body-text"`},
		{"unknown event with broken JSON", `{"event":"zzz","user":"u",}`},
		{"wrong field type", `{"event":"send","user":"u","textContent":{"text":["secret-body-text"]}}`},
		{"options not an object", `{"event":"friend","user":"u","options":"on"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := talktalk.Decode([]byte(tt.body))
			if err == nil {
				t.Fatalf("Parse succeeded with %T", ev)
			}
			if !errors.Is(err, talktalk.ErrMalformed) {
				t.Errorf("err = %v; want ErrMalformed", err)
			}
			if strings.Contains(err.Error(), "secret-body-text") {
				t.Errorf("error quotes the body: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "talktalk: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestParseTolerates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, ev talktalk.Event)
	}{
		{"unknown fields", `{"event":"send","user":"u","newThing":{"x":1},"textContent":{"text":"hi","newer":true}}`, func(t *testing.T, ev talktalk.Event) {
			if ev.(*talktalk.SendEvent).Text.Text != "hi" {
				t.Error("text lost")
			}
		}},
		{"numeric image size", `{"event":"send","user":"u","imageContent":{"imageUrl":"https://x/a.png","width":640,"height":480}}`, func(t *testing.T, ev talktalk.Event) {
			if ev.(*talktalk.SendEvent).Image.Width != "640" {
				t.Error("width lost")
			}
		}},
		{"button of a wrong shape kept raw", `{"event":"send","user":"u","textContent":{"text":"hi","quickReply":{"buttonList":[{"type":"TEXT","data":{"title":7}},"odd"]}}}`, func(t *testing.T, ev talktalk.Event) {
			bl := ev.(*talktalk.SendEvent).Text.QuickReply.ButtonList
			if _, ok := bl[0].(*talktalk.UnknownButton); !ok {
				t.Errorf("bl[0] = %T", bl[0])
			}
			if u, ok := bl[1].(*talktalk.UnknownButton); !ok || string(u.Raw) != `"odd"` {
				t.Errorf("bl[1] = %#v", bl[1])
			}
		}},
		{"echo with three contents", `{"event":"echo","user":"u","imageContent":{"imageUrl":"https://x/a.png"},"textContent":{"text":"t"},"compositeContent":{"compositeList":[]}}`, func(t *testing.T, ev talktalk.Event) {
			if k := ev.(*talktalk.EchoEvent).Kind(); k != talktalk.KindMixed {
				t.Errorf("Kind = %q", k)
			}
		}},
		{"leading whitespace", " \t\n{\"event\" : \"leave\", \"user\" : \"u\"}\n", func(t *testing.T, ev talktalk.Event) {
			if ev.UserID() != "u" {
				t.Error("user lost")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.check(t, mustDecode(t, tt.body))
		})
	}
}
