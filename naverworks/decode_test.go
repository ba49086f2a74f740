package naverworks_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/channelkit/channelkit/naverworks"
)

// allActions has one value of every action variant, every field set.
var allActions = []naverworks.Action{
	&naverworks.PostbackAction{Label: "Yes", Data: "answer=yes", DisplayText: "Yes!",
		I18nLabels:       []naverworks.I18nLabel{{Language: naverworks.Korean, Label: "네"}},
		I18nDisplayTexts: []naverworks.I18nDisplayText{{Language: naverworks.Japanese, DisplayText: "はい"}}},
	&naverworks.MessageAction{Label: "Help", Text: "help", Postback: "cmd=help",
		I18nLabels: []naverworks.I18nLabel{{Language: naverworks.English, Label: "Help"}},
		I18nTexts:  []naverworks.I18nText{{Language: naverworks.ChineseSimplified, Text: "帮助"}}},
	&naverworks.URIAction{Label: "Site", URI: "https://example.com/?a=1&b=<2>",
		I18nLabels: []naverworks.I18nLabel{{Language: naverworks.ChineseTraditional, Label: "網站"}}},
	&naverworks.CameraAction{Label: "Camera"},
	&naverworks.CameraRollAction{Label: "Album"},
	&naverworks.LocationAction{Label: "Here"},
	&naverworks.CopyAction{Label: "Copy", CopyText: "ABC-123"},
	&naverworks.RawAction{JSON: json.RawMessage(`{"type":"datetimepicker","label":"When","data":"d=1","mode":"date"}`)},
}

// quickReplyOfAll has a chip per action variant; the first has an image.
func quickReplyOfAll() *naverworks.QuickReply {
	q := &naverworks.QuickReply{}
	for i, a := range allActions {
		item := naverworks.QuickReplyItem{Action: a}
		if i == 0 {
			item.ImageURL = "https://example.com/yes.png"
		}
		if i == 1 {
			item.ImageResourceID = "resource-1"
		}
		q.Items = append(q.Items, item)
	}
	return q
}

// roundTripContents has every outbound content type, each with every
// action variant in every place an action can go, nil and empty lists,
// and raw escape hatches.
func roundTripContents() map[string]naverworks.Content {
	qr := quickReplyOfAll()
	out := map[string]naverworks.Content{
		"text_all_quick_replies": &naverworks.Text{Text: "hi", QuickReply: qr},
		"text_empty_quick_reply": &naverworks.Text{Text: "hi", QuickReply: &naverworks.QuickReply{Items: []naverworks.QuickReplyItem{}}},
		"text_nil_chip_action":   &naverworks.Text{Text: "hi", QuickReply: &naverworks.QuickReply{Items: []naverworks.QuickReplyItem{{ImageURL: "https://example.com/x.png"}}}},
		"image_quick_reply":      &naverworks.Image{FileID: "f", QuickReply: qr},
		"file_quick_reply":       &naverworks.File{OriginalContentURL: "https://example.com/a.pdf", QuickReply: qr},
		"audio_quick_reply":      &naverworks.Audio{FileID: "a", QuickReply: qr},
		"video_quick_reply":      &naverworks.Video{FileID: "v", QuickReply: qr},
		"link_quick_reply":       &naverworks.Link{ContentText: "c", LinkText: "l", Link: "https://example.com", QuickReply: qr},
		"sticker_quick_reply":    &naverworks.Sticker{PackageID: "1", StickerID: "2", QuickReply: qr},
		"location_quick_reply":   &naverworks.Location{Title: "t", Address: "a", Latitude: -33.8688, Longitude: 151.2093, QuickReply: qr},
		"button_template_all": &naverworks.ButtonTemplate{ContentText: "pick",
			I18nContentTexts: []naverworks.I18nContentText{{Language: naverworks.English, ContentText: "Pick"}},
			Actions:          allActions, QuickReply: qr},
		"button_template_nil_action":     &naverworks.ButtonTemplate{ContentText: "pick", Actions: []naverworks.Action{nil, allActions[1]}},
		"button_template_empty_actions":  &naverworks.ButtonTemplate{ContentText: "pick", Actions: []naverworks.Action{}},
		"button_template_nil_actions":    &naverworks.ButtonTemplate{ContentText: "pick"},
		"list_template_all":              listTemplateOfAll(qr),
		"list_template_nil_rows":         &naverworks.ListTemplate{Elements: []naverworks.ListElement{{Title: "a"}}, Actions: [][]naverworks.Action{nil, {}, {nil}}},
		"list_template_no_elements":      &naverworks.ListTemplate{},
		"carousel_all":                   carouselOfAll(qr),
		"carousel_nil_actions":           &naverworks.Carousel{Columns: []naverworks.CarouselColumn{{Text: "t"}}},
		"image_carousel_all":             imageCarouselOfAll(qr),
		"image_carousel_nil_action":      &naverworks.ImageCarousel{Columns: []naverworks.ImageColumn{{FileID: "f"}}},
		"flex_quick_reply":               &naverworks.Flex{AltText: "alt", I18nAltText: []naverworks.I18nAltText{{Language: naverworks.Korean, AltText: "대체"}}, Contents: json.RawMessage(`{"type":"bubble","body":{"type":"box","layout":"vertical","contents":[]}}`), QuickReply: qr},
		"flex_nil_contents":              &naverworks.Flex{AltText: "alt"},
		"raw_known_type_extra_fields":    &naverworks.RawContent{JSON: json.RawMessage(`{"type":"text","text":"raw","futureField":[1,{"a":null}]}`)},
		"raw_unknown_type":               &naverworks.RawContent{JSON: json.RawMessage(`{"type":"survey","questions":[{"q":"?"}]}`)},
		"raw_without_type":               &naverworks.RawContent{JSON: json.RawMessage(`{"text":"no type"}`)},
		"text_zero":                      &naverworks.Text{},
		"location_zero":                  &naverworks.Location{},
		"button_template_raw_action_nul": &naverworks.ButtonTemplate{Actions: []naverworks.Action{&naverworks.RawAction{JSON: json.RawMessage(`{"type":"future"}`)}}},
	}
	for name, c := range goldenContents {
		out["golden_"+name] = c
	}
	return out
}

func listTemplateOfAll(qr *naverworks.QuickReply) *naverworks.ListTemplate {
	lt := &naverworks.ListTemplate{
		CoverData:  &naverworks.ListCover{BackgroundFileID: "bg", Title: "t", Subtitle: "s"},
		Actions:    [][]naverworks.Action{allActions[:4], allActions[4:]},
		QuickReply: qr,
	}
	for i, a := range allActions {
		lt.Elements = append(lt.Elements, naverworks.ListElement{Title: "row", Subtitle: "sub", FileID: "f", Action: a})
		if i == 0 {
			lt.Elements[i].OriginalContentURL = "https://example.com/1.png"
		}
	}
	lt.Elements = append(lt.Elements, naverworks.ListElement{Title: "no action"})
	return lt
}

func carouselOfAll(qr *naverworks.QuickReply) *naverworks.Carousel {
	c := &naverworks.Carousel{ImageAspectRatio: naverworks.AspectRectangle, ImageSize: naverworks.SizeCover, QuickReply: qr}
	for _, a := range allActions {
		c.Columns = append(c.Columns, naverworks.CarouselColumn{OriginalContentURL: "https://example.com/c.png", FileID: "f", Title: "t", Text: "x",
			DefaultAction: a, Actions: []naverworks.Action{a, allActions[6]}})
	}
	return c
}

func imageCarouselOfAll(qr *naverworks.QuickReply) *naverworks.ImageCarousel {
	c := &naverworks.ImageCarousel{QuickReply: qr}
	for _, a := range allActions {
		c.Columns = append(c.Columns, naverworks.ImageColumn{OriginalContentURL: "https://example.com/i.png", Action: a})
	}
	return c
}

// TestContentRoundTrip: the JSON of every content decodes back into the
// same value, into its own type and through ParseContent.
func TestContentRoundTrip(t *testing.T) {
	t.Parallel()
	for name, in := range roundTripContents() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(in)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			got := reflect.New(reflect.TypeOf(in).Elem()).Interface()
			if err := json.Unmarshal(b, got); err != nil {
				t.Fatalf("Unmarshal into %T: %v", got, err)
			}
			if diff := cmp.Diff(in, got); diff != "" {
				t.Errorf("decode(encode(x)) differs (-want +got):\n%s", diff)
			}
			want := in
			if raw, ok := in.(*naverworks.RawContent); ok && raw.Type() == "text" {
				// A known type decodes into its own struct; the fields
				// it does not model are dropped.
				want = &naverworks.Text{Text: "raw"}
			}
			parsed, err := naverworks.DecodeContent(b)
			if err != nil {
				t.Fatalf("ParseContent: %v", err)
			}
			if diff := cmp.Diff(want, parsed); diff != "" {
				t.Errorf("ParseContent(encode(x)) differs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestActionRoundTrip: every action variant decodes back through
// ParseAction and into its own type.
func TestActionRoundTrip(t *testing.T) {
	t.Parallel()
	for _, in := range allActions {
		t.Run(in.Type(), func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(in)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			parsed, err := naverworks.DecodeAction(b)
			if err != nil {
				t.Fatalf("ParseAction: %v", err)
			}
			if diff := cmp.Diff(in, parsed); diff != "" {
				t.Errorf("ParseAction(encode(x)) differs (-want +got):\n%s", diff)
			}
			got := reflect.New(reflect.TypeOf(in).Elem()).Interface()
			if err := json.Unmarshal(b, got); err != nil {
				t.Fatalf("Unmarshal into %T: %v", got, err)
			}
			if diff := cmp.Diff(in, got); diff != "" {
				t.Errorf("decode(encode(x)) differs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeContentUnknownKeepsBytes: an unknown content or action type is
// kept byte for byte, whitespace and key order included.
func TestDecodeContentUnknownKeepsBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want naverworks.Content
	}{
		{"unknown content", ` { "type" : "survey", "b":1, "a":[ 2 ] } `, &naverworks.RawContent{JSON: json.RawMessage(` { "type" : "survey", "b":1, "a":[ 2 ] } `)}},
		{"content without type", `{"text":"hi"}`, &naverworks.RawContent{JSON: json.RawMessage(`{"text":"hi"}`)}},
		{"null type", `{"type":null,"text":"hi"}`, &naverworks.RawContent{JSON: json.RawMessage(`{"type":null,"text":"hi"}`)}},
		{"unknown action in a known content", `{"type":"button_template","contentText":"c","actions":[{ "type":"future", "x" :1}]}`,
			&naverworks.ButtonTemplate{ContentText: "c", Actions: []naverworks.Action{&naverworks.RawAction{JSON: json.RawMessage(`{ "type":"future", "x" :1}`)}}}},
		{"unknown fields of a known type dropped", `{"type":"sticker","packageId":"1","stickerId":"2","future":true}`, &naverworks.Sticker{PackageID: "1", StickerID: "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := naverworks.DecodeContent([]byte(tt.in))
			if err != nil {
				t.Fatalf("ParseContent: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeContentErrors: bad input is an ErrMalformed that quotes none
// of it.
func TestDecodeContentErrors(t *testing.T) {
	t.Parallel()
	const secret = "SECRET-4242"
	tests := []struct {
		name    string
		in      string
		wantMsg string
	}{
		{"empty", ``, "naverworks: malformed payload: content: invalid JSON at offset 0"},
		{"not JSON", `{"type":"text","text":"SECRET-4242"`, "naverworks: malformed payload: content: invalid JSON at offset 35"},
		{"array", `["SECRET-4242"]`, `naverworks: malformed payload: content: not a JSON object with a string "type"`},
		{"null", `null`, `naverworks: malformed payload: content: not a JSON object with a string "type"`},
		{"number type", `{"type":4242,"text":"SECRET-4242"}`, `naverworks: malformed payload: content: not a JSON object with a string "type"`},
		{"wrong field type", `{"type":"location","latitude":"SECRET-4242"}`, "naverworks: malformed payload: content location: field latitude: cannot decode a JSON string into float64"},
		{"wrong nested field type", `{"type":"text","text":"t","quickReply":{"items":[{"action":{"type":"uri","uri":4242}}]}}`, "naverworks: malformed payload: content text: field quickReply.items.uri: cannot decode a JSON number into string"},
		{"action not an object", `{"type":"button_template","actions":["SECRET-4242"]}`, `naverworks: malformed payload: content button_template: not a JSON object with a string "type"`},
		{"unknown type, bad JSON", `{"type":"future","x":[}`, "naverworks: malformed payload: content: invalid JSON at offset 23"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := naverworks.DecodeContent([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParseContent = %#v, want an error", c)
			}
			if !errors.Is(err, naverworks.ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
			if diff := cmp.Diff(tt.wantMsg, err.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "4242") {
				t.Errorf("error %q quotes the input", err)
			}
		})
	}
}

// TestDecodeActionErrors: bad input is an ErrMalformed that quotes none of
// it.
func TestDecodeActionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantMsg string
	}{
		{"not JSON", `{"type":"uri","uri":"SECRET-4242`, "naverworks: malformed payload: action: invalid JSON at offset 32"},
		{"null", `null`, `naverworks: malformed payload: action: not a JSON object with a string "type"`},
		{"string", `"SECRET-4242"`, `naverworks: malformed payload: action: not a JSON object with a string "type"`},
		{"wrong field type", `{"type":"copy","copyText":4242}`, "naverworks: malformed payload: action: field copyText: cannot decode a JSON number into string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := naverworks.DecodeAction([]byte(tt.in))
			if err == nil {
				t.Fatalf("ParseAction = %#v, want an error", a)
			}
			if !errors.Is(err, naverworks.ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
			if diff := cmp.Diff(tt.wantMsg, err.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			if strings.Contains(err.Error(), "4242") {
				t.Errorf("error %q quotes the input", err)
			}
		})
	}
}

// TestMenuRoundTrip: persistent and rich menus decode from their own
// JSON, every action variant included.
func TestMenuRoundTrip(t *testing.T) {
	t.Parallel()
	areas := []naverworks.RichMenuArea{{Bounds: naverworks.Bounds{Width: 10, Height: 10}}}
	for _, a := range allActions {
		areas = append(areas, naverworks.RichMenuArea{Bounds: naverworks.Bounds{X: 1, Y: 2, Width: 3, Height: 4}, Action: a})
	}
	tests := []struct {
		name string
		in   any
	}{
		{"persistent_menu_all", &naverworks.PersistentMenu{Actions: allActions}},
		{"persistent_menu_nil_action", &naverworks.PersistentMenu{Actions: []naverworks.Action{nil}}},
		{"persistent_menu_empty", &naverworks.PersistentMenu{Actions: []naverworks.Action{}}},
		{"persistent_menu_zero", &naverworks.PersistentMenu{}},
		{"rich_menu_all", &naverworks.RichMenu{RichMenuID: "r1", RichMenuName: "menu", Size: naverworks.RichMenuSmall, Areas: areas}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			got := reflect.New(reflect.TypeOf(tt.in).Elem()).Interface()
			if err := json.Unmarshal(b, got); err != nil {
				t.Fatalf("Unmarshal into %T: %v", got, err)
			}
			if diff := cmp.Diff(tt.in, got); diff != "" {
				t.Errorf("decode(encode(x)) differs (-want +got):\n%s", diff)
			}
		})
	}
}

// seedContents adds the "content" of every golden send body and the
// encoding of every round-trip value.
func seedContents(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/golden: %v", err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var body struct {
			Content json.RawMessage `json:"content"`
		}
		if err := json.Unmarshal(b, &body); err != nil {
			f.Fatalf("%s: %v", p, err)
		}
		f.Add([]byte(body.Content))
	}
	for _, c := range roundTripContents() {
		b, err := json.Marshal(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, a := range allActions {
		b, err := json.Marshal(a)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{}`, `null`, `[]`, `{"type":"flex"}`, `{"type":"list_template","actions":[null,[],[null]]}`,
		`{"type":"carousel","columns":[{"defaultAction":null,"actions":[{"type":"x","y":"<&>"}]}]}`} {
		f.Add([]byte(s))
	}
}

// equateDecoded compares values decoded from JSON: an empty list is an
// absent one (omitempty drops it), and raw JSON compares as json.Marshal
// rewrites it.
var equateDecoded = cmp.Options{
	cmpopts.EquateEmpty(),
	cmp.FilterValues(func(a, b json.RawMessage) bool { return len(a) > 0 || len(b) > 0 }, rawJSONEqual),
}

// FuzzDecodeContent: ParseContent never panics and fails only with
// ErrMalformed; what it accepts encodes, decodes to the same value, and
// encodes to the same bytes again.
func FuzzDecodeContent(f *testing.F) {
	seedContents(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := naverworks.DecodeContent(data)
		if err != nil {
			if !errors.Is(err, naverworks.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		_ = naverworks.Validate(c)
		enc, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("accepted %q but cannot encode %T: %v", data, c, err)
		}
		c2, err := naverworks.DecodeContent(enc)
		if err != nil {
			t.Fatalf("cannot re-parse own encoding %s: %v", enc, err)
		}
		if diff := cmp.Diff(c, c2, equateDecoded); diff != "" {
			t.Fatalf("decode→encode→decode differs (-first +second):\n%s\nencoded: %s", diff, enc)
		}
		enc2, err := json.Marshal(c2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding not stable:\n%s\n%s", enc, enc2)
		}
	})
}

// FuzzDecodeAction: the same properties for ParseAction.
func FuzzDecodeAction(f *testing.F) {
	seedContents(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := naverworks.DecodeAction(data)
		if err != nil {
			if !errors.Is(err, naverworks.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		enc, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("accepted %q but cannot encode %T: %v", data, a, err)
		}
		a2, err := naverworks.DecodeAction(enc)
		if err != nil {
			t.Fatalf("cannot re-parse own encoding %s: %v", enc, err)
		}
		if diff := cmp.Diff(a, a2, equateDecoded); diff != "" {
			t.Fatalf("decode→encode→decode differs (-first +second):\n%s\nencoded: %s", diff, enc)
		}
		enc2, err := json.Marshal(a2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding not stable:\n%s\n%s", enc, enc2)
		}
	})
}
