package clova_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
)

func decode(t *testing.T, body string) *clova.Request {
	t.Helper()
	var r clova.Request
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return &r
}

func TestSlotValues(t *testing.T) {
	t.Parallel()
	r := decode(t, `{"version":"1.0","context":{"System":{}},"request":{"type":"IntentRequest","intent":{"name":"I","slots":{
		"s":{"name":"s","value":"ペパロニ"},
		"n":{"name":"n","value":3},
		"f":{"name":"f","value":-2.5e1},
		"z":{"name":"z","value":null},
		"a":{"name":"a"},
		"b":{"name":"b","value":true},
		"o":{"name":"o","value":{"k":1}},
		"i":{"name":"i","value":"19:00:00/19:30:00","valueType":"TIME.INTERVAL"},
		"u":{"name":"u","value":"67","unit":"°C"}}}}}`)
	in := r.Request.(*clova.IntentRequest).Intent
	type got struct {
		Kind      clova.SlotKind
		String    string
		ValueType string
		Unit      string
	}
	want := map[string]got{
		"s": {clova.SlotString, "ペパロニ", "", ""},
		"n": {clova.SlotNumber, "3", "", ""},
		"f": {clova.SlotNumber, "-2.5e1", "", ""},
		"z": {clova.SlotNull, "", "", ""},
		"a": {clova.SlotNull, "", "", ""},
		"b": {clova.SlotOther, "true", "", ""},
		"o": {clova.SlotOther, `{"k":1}`, "", ""},
		"i": {clova.SlotString, "19:00:00/19:30:00", clova.ValueTypeTimeInterval, ""},
		"u": {clova.SlotString, "67", "", "°C"},
	}
	gotm := map[string]got{}
	for name, s := range in.Slots {
		gotm[name] = got{s.Value.Kind(), s.Value.String(), s.ValueType, s.Unit}
	}
	if d := cmp.Diff(want, gotm); d != "" {
		t.Errorf("slots (-want +got):\n%s", d)
	}
	for name, wantF := range map[string]float64{"n": 3, "f": -25, "u": 67} {
		s, _ := in.Slot(name)
		if f, err := s.Value.Float64(); err != nil || f != wantF {
			t.Errorf("%s.Float64() = %v, %v; want %v", name, f, err, wantF)
		}
	}
	if s, _ := in.Slot("z"); s.Value != nil {
		t.Errorf("null value kept as %q; want nil", s.Value)
	}
	if _, err := in.Slots["b"].Value.Float64(); err == nil {
		t.Error("Float64 of true succeeded")
	}
	// Constructors produce what the decoder reads.
	if v := clova.StringValue("a\"b"); v.Kind() != clova.SlotString || v.String() != "a\"b" {
		t.Errorf("StringValue: %s", v)
	}
	if v := clova.NumberValue(2.5); v.Kind() != clova.SlotNumber || v.String() != "2.5" {
		t.Errorf("NumberValue: %s", v)
	}
}

func TestUnknownRequestRoundTrips(t *testing.T) {
	t.Parallel()
	inner := `{ "type" : "FutureRequest",  "weird": [1, {"x": null}], "requestId":42 }`
	body := `{"version":"1.0","session":null,"context":{"System":{"application":{"applicationId":"a"},"device":{"deviceId":"d"}}},"request":` + inner + `}`
	r := decode(t, body)
	u, ok := r.Request.(*clova.UnknownRequest)
	if !ok {
		t.Fatalf("request is %T, want *UnknownRequest", r.Request)
	}
	if u.RequestType != "FutureRequest" || u.Type() != "FutureRequest" {
		t.Errorf("type = %q", u.RequestType)
	}
	raw, err := u.MarshalJSON()
	if err != nil || string(raw) != inner {
		t.Errorf("MarshalJSON = %s, %v; want the exact bytes %s", raw, err, inner)
	}
	// The whole request re-encodes to the same document.
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, []byte(body), out)
}

func TestSessionShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		session   string
		wantNil   bool
		wantAttrs map[string]any
	}{
		{"null session", `null`, true, map[string]any{}},
		{"absent attributes", `{"new":true,"sessionId":"s","user":{"userId":"u"}}`, false, map[string]any{}},
		{"null attributes", `{"new":true,"sessionAttributes":null,"sessionId":"s"}`, false, map[string]any{}},
		{"nested attributes", `{"new":false,"sessionAttributes":{"n":3,"list":["a",{"b":true}],"s":"x"},"sessionId":"s"}`, false,
			map[string]any{"n": 3.0, "list": []any{"a", map[string]any{"b": true}}, "s": "x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := decode(t, `{"version":"1.0","session":`+tc.session+`,"context":{"System":{}},"request":{"type":"LaunchRequest"}}`)
			if (r.Session == nil) != tc.wantNil {
				t.Fatalf("Session = %+v", r.Session)
			}
			got, err := r.Session.Attributes()
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.wantAttrs, got); d != "" {
				t.Errorf("attributes (-want +got):\n%s", d)
			}
		})
	}
	r := decode(t, `{"session":{"sessionAttributes":{"count":2,"name":"kim"}},"context":{"System":{}},"request":{"type":"LaunchRequest"}}`)
	var n int
	if ok, err := r.Session.Attribute("count", &n); !ok || err != nil || n != 2 {
		t.Errorf("Attribute(count) = %v, %v, %d", ok, err, n)
	}
	if ok, err := r.Session.Attribute("missing", &n); ok || err != nil {
		t.Errorf("Attribute(missing) = %v, %v", ok, err)
	}
	if _, err := r.Session.Attribute("name", &n); !errors.Is(err, clova.ErrMalformed) {
		t.Errorf("Attribute(name) into int = %v", err)
	}
	var typed struct{ Count int }
	if err := r.Session.DecodeAttributes(&typed); err != nil || typed.Count != 2 {
		t.Errorf("DecodeAttributes = %v, %+v", err, typed)
	}
}

func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"not JSON":            `{`,
		"array":               `[]`,
		"no request":          `{"version":"1.0"}`,
		"request null":        `{"request":null}`,
		"request not object":  `{"request":"LaunchRequest"}`,
		"type not string":     `{"request":{"type":1}}`,
		"intent missing":      `{"request":{"type":"IntentRequest"}}`,
		"intent wrong shape":  `{"request":{"type":"IntentRequest","intent":"x"}}`,
		"event missing":       `{"request":{"type":"EventRequest"}}`,
		"session wrong shape": `{"session":"x","request":{"type":"LaunchRequest"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			var r clova.Request
			err := r.UnmarshalJSON([]byte(body)) // what Parse calls
			if !errors.Is(err, clova.ErrMalformed) {
				t.Fatalf("error = %v, want ErrMalformed", err)
			}
			if bytes.Contains([]byte(err.Error()), []byte("LaunchRequest")) {
				t.Errorf("error echoes the body: %v", err)
			}
		})
	}
}

func TestEventPayload(t *testing.T) {
	t.Parallel()
	r := decode(t, `{"context":{"System":{}},"request":{"type":"EventRequest","requestId":"r1","timestamp":"2018-06-11T09:19:23Z","event":{"namespace":"AudioPlayer","name":"PlayPaused","payload":{"token":"T","offsetInMilliseconds":83100}}}}`)
	ev := r.Request.(*clova.EventRequest)
	if !ev.Event.Is(clova.NamespaceAudioPlayer, "PlayPaused") {
		t.Errorf("event = %+v", ev.Event)
	}
	var p clova.AudioPlayerEventPayload
	if err := ev.Event.DecodePayload(&p); err != nil || p != (clova.AudioPlayerEventPayload{Token: "T", OffsetInMilliseconds: 83100}) {
		t.Errorf("payload = %+v, %v", p, err)
	}
	if tm, ok := ev.Time(); !ok || tm.Hour() != 9 {
		t.Errorf("Time() = %v, %v", tm, ok)
	}
	if r.Info().RequestID != "r1" {
		t.Errorf("Info().RequestID = %q", r.Info().RequestID)
	}
}

// assertSameJSON compares two documents semantically.
func assertSameJSON(t *testing.T, want, got []byte) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v", err)
	}
	if d := cmp.Diff(w, g); d != "" {
		t.Errorf("JSON differs (-want +got):\n%s", d)
	}
}
