package kakao

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/signature"
	"github.com/google/go-cmp/cmp"
)

func readWebhook(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "webhook", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeWebhookPayloads(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "webhook", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no payloads: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			req, err := Decode(body)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if req.UserRequest.User.ID == "" || req.Bot.ID == "" || req.UserRequest.Utterance == "" {
				t.Errorf("core fields missing: %+v", req)
			}
			out, err := json.Marshal(req)
			if err != nil {
				t.Fatal(err)
			}
			// Empty objects, arrays and nulls may be dropped by omitempty;
			// everything with content must survive.
			if diff := looseJSONDiff(t, body, out); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeFields(t *testing.T) {
	t.Parallel()
	req, err := Decode(readWebhook(t, "button_postback.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Request{
		Intent: Intent{ID: "651b2c3d4e5f6a7b8c9d0e1f", Name: "상품 상세"},
		UserRequest: UserRequest{
			Timezone: "Asia/Seoul", Params: Params{"surface": "Kakaotalk.plusfriend"},
			Block:     Block{ID: "651b2c3d4e5f6a7b8c9d0e1f", Name: "상품 상세"},
			Utterance: "자세히 보기", Lang: "ko",
			User: User{ID: "c0ffee00", Type: "botUserKey", Properties: UserProperties{PlusfriendUserKey: "pfk-2", BotUserKey: "c0ffee00"}},
		},
		Bot: BotInfo{ID: "64e9a0b1c2d3e4f5a6b7c8d9", Name: "쇼핑 도우미"},
		Action: Action{
			ID: "651b2c3d4e5f6a7b8c9d0e20", Name: "detail",
			Params:       Params{"product": "A-100"},
			DetailParams: map[string]DetailParam{"product": {Origin: "A-100", Value: "A-100"}},
			ClientExtra:  map[string]any{"channelkit_postback": "product=A-100", "page": float64(2)},
		},
		Contexts: []Context{{Name: "cart", Lifespan: 4, TTL: 600,
			Params: map[string]ContextParam{"size": {Value: "M", ResolvedValue: "M"}}}},
		Flow: &Flow{
			LastBlock: &Block{ID: "651b2c3d4e5f6a7b8c9d0e00", Name: "상품 목록"},
			Trigger:   &Trigger{Type: TriggerCardButtonMessage, ReferrerBlock: &Block{ID: "651b2c3d4e5f6a7b8c9d0e00", Name: "상품 목록"}},
		},
	}
	if diff := cmp.Diff(want, req); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
}

func TestDecodeLenient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, r *Request)
	}{
		{"minimal", `{"userRequest":{}}`, func(t *testing.T, r *Request) {}},
		{"nulls", `{"userRequest":{"lang":null,"params":null,"user":{"properties":null}},"action":{"clientExtra":null,"params":null}}`,
			func(t *testing.T, r *Request) {
				if r.UserRequest.Lang != "" || r.Action.ClientExtra != nil || r.Action.Params != nil {
					t.Errorf("nulls decoded as %+v", r)
				}
			}},
		{"non_string_params", `{"userRequest":{"params":{"n":1,"b":true,"o":{"a": 1},"z":null}},"action":{"params":{"x":2.5}}}`,
			func(t *testing.T, r *Request) {
				want := Params{"n": "1", "b": "true", "o": `{"a":1}`, "z": ""}
				if diff := cmp.Diff(want, r.UserRequest.Params); diff != "" {
					t.Errorf("params (-want +got):\n%s", diff)
				}
				if r.Action.Params["x"] != "2.5" {
					t.Errorf("action param = %q", r.Action.Params["x"])
				}
			}},
		{"odd_properties", `{"userRequest":{"user":{"properties":{"isFriend":"true","plusfriendUserKey":123,"appUserStatus":"REGISTERED","botUserKey":{"x":1}}}}}`,
			func(t *testing.T, r *Request) {
				p := r.UserRequest.User.Properties
				if !p.IsFriend || p.PlusfriendUserKey != "123" || p.Extra["appUserStatus"] != "REGISTERED" || p.Extra["botUserKey"] == nil {
					t.Errorf("properties = %+v", p)
				}
			}},
		{"detail_param_number", `{"userRequest":{},"action":{"detailParams":{"n":{"origin":"3","value":3}}}}`,
			func(t *testing.T, r *Request) {
				if r.Action.DetailParams["n"].Value != "3" {
					t.Errorf("detail value = %q", r.Action.DetailParams["n"].Value)
				}
			}},
		{"knowledges_spelling", `{"userRequest":{},"intent":{"extra":{"knowledges":{"matchedKnowledges":[{"answer":"a"}]}}}}`,
			func(t *testing.T, r *Request) {
				if k := r.Intent.Extra.Knowledge; k == nil || len(k.MatchedKnowledges) != 1 {
					t.Errorf("knowledge = %+v", k)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := Decode([]byte(tt.body))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			tt.check(t, r)
		})
	}
}

// TestDecodeFastPath: every form of a flexible field that the lenient
// decoder accepts gives the same Request from the one-pass decoder, and
// the one-pass decoder takes it (a fallback re-decodes the whole payload
// at about three times the cost). Only non-string parameter values, which
// Kakao does not send, still take the lenient path.
func TestDecodeFastPath(t *testing.T) {
	t.Parallel()
	props := func(p string) string {
		return `{"userRequest":{"utterance":"hi","user":{"id":"u1","properties":` + p + `}},"bot":{"id":"b1"}}`
	}
	tests := []struct {
		name string
		body string
		fast bool
	}{
		{"is_friend_true", props(`{"isFriend":true}`), true},
		{"is_friend_false", props(`{"isFriend":false}`), true},
		{"is_friend_null", props(`{"isFriend":null}`), true},
		{"is_friend_string_true", props(`{"isFriend":"true"}`), true},
		{"is_friend_string_false", props(`{"isFriend":"false"}`), true},
		{"is_friend_string_other", props(`{"isFriend":"TRUE"}`), true},
		{"is_friend_string_escaped", props(`{"isFriend":"\u0074rue"}`), true},
		{"is_friend_number", props(`{"isFriend":1}`), true},
		{"is_friend_object", props(`{"isFriend":{"v":true}}`), true},
		{"keys_strings", props(`{"plusfriendUserKey":"pk","appUserId":"42","botUserKey":"bk"}`), true},
		{"keys_null", props(`{"plusfriendUserKey":null,"appUserId":null,"botUserKey":null}`), true},
		{"keys_numbers", props(`{"plusfriendUserKey":123,"appUserId":1234567890123456789012,"botUserKey":-1.50e+3}`), true},
		{"keys_bool", props(`{"appUserId":true,"botUserKey":false}`), true},
		{"keys_object_array", props(`{"plusfriendUserKey":{"x":1},"botUserKey":["a"]}`), true},
		{"keys_escaped", props(`{"botUserKey":"a\"b\u00e9\n","plusfriendUserKey":"한글"}`), true},
		{"keys_invalid_utf8", props("{\"botUserKey\":\"a\xffb\",\"x\":\"\xfe\"}"), true},
		{"extra_keys", props(`{"bot_user_key":"bk","appUserStatus":"REGISTERED","n":1.5,"o":{},"a":[1,"x"],"z":null,"t":true}`), true},
		{"properties_null", props(`null`), true},
		{"properties_empty", props(`{}`), true},
		{"all_odd_at_once", props(`{"isFriend":"true","plusfriendUserKey":123,"appUserStatus":"REGISTERED","botUserKey":{"x":1}}`), true},
		{"client_extra_null", `{"userRequest":{},"action":{"clientExtra":null}}`, true},
		{"client_extra_empty", `{"userRequest":{},"action":{"clientExtra":{}}}`, true},
		{"client_extra_object", `{"userRequest":{},"action":{"clientExtra":{"a":1,"b":"x","c":[true]}}}`, true},
		{"lang_null", `{"userRequest":{"lang":null}}`, true},
		{"params_null_value", `{"userRequest":{"params":{"a":null}},"action":{"params":{"b":null}}}`, true},
		{"detail_params_null", `{"userRequest":{},"action":{"detailParams":{"a":null,"b":{"value":null}}}}`, true},
		{"knowledges_spelling", `{"userRequest":{},"intent":{"extra":{"knowledges":{"matchedKnowledges":[{"answer":"a"}]}}}}`, true},
		{"matched_knowledges", `{"userRequest":{},"intent":{"extra":{"matched_knowledges":[{"answer":"a"}]}}}`, true},
		// Not sent by Kakao: the lenient path keeps the JSON text.
		{"params_number", `{"userRequest":{"params":{"n":1}}}`, false},
		{"params_bool", `{"userRequest":{},"action":{"params":{"b":true}}}`, false},
		{"params_object", `{"userRequest":{},"action":{"params":{"o":{"a": 1}}}}`, false},
		{"detail_param_number", `{"userRequest":{},"action":{"detailParams":{"n":{"origin":"3","value":3}}}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := []byte(tt.body)
			want, err := parseLenient(body)
			if err != nil {
				t.Fatalf("lenient decoder: %v", err)
			}
			fast, ok := parseFast(body)
			if ok != tt.fast {
				t.Fatalf("one-pass decoder took it: %v, want %v", ok, tt.fast)
			}
			if ok {
				if diff := cmp.Diff(want, fast); diff != "" {
					t.Errorf("one-pass decoder (-lenient +one-pass):\n%s", diff)
				}
			}
			got, err := Decode(body)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Decode (-lenient +Decode):\n%s", diff)
			}
		})
	}
}

// TestDecodeRepeatedKeys: a key repeated in an object (JSON leaves its
// meaning open) decodes the same on both paths, as encoding/json decodes
// plain types: a repeated object merges into the earlier one, key by key.
func TestDecodeRepeatedKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		fast bool
	}{
		{"params", `{"userRequest":{"params":{"a":"1","b":"2"},"params":{"b":"3"}}}`, true},
		{"params_other_case", `{"userRequest":{"params":{"a":"1"},"PArAms":{}}}`, true},
		{"params_then_null", `{"userRequest":{"params":{"a":"1"},"params":null,"params":{"b":"2"}}}`, true},
		{"action_params", `{"userRequest":{},"action":{"params":{"a":"1"},"params":{"b":"2"}}}`, true},
		{"action_params_odd", `{"userRequest":{},"action":{"params":{"a":"1"},"params":{"b":2}}}`, false},
		{"properties", `{"userRequest":{"user":{"properties":{"a":1,"isFriend":true},"properties":{"b":2}}}}`, true},
		{"properties_key_changes_type", `{"userRequest":{"user":{"properties":{"isFriend":true,"botUserKey":"k"},"properties":{"isFriend":"x","botUserKey":[1]}}}}`, true},
		{"properties_key_back_to_type", `{"userRequest":{"user":{"properties":{"isFriend":1,"botUserKey":{}},"properties":{"isFriend":"true","botUserKey":7}}}}`, true},
		{"properties_then_null", `{"userRequest":{"user":{"properties":{"a":1},"properties":null,"properties":{"b":2}}}}`, true},
		{"properties_odd_params", `{"userRequest":{"params":{"n":1},"user":{"properties":{"a":1,"isFriend":true},"properties":{"isFriend":"x"}}}}`, false},
		{"user_repeated", `{"userRequest":{"user":{"properties":{"a":1}},"user":{"id":"u","properties":{"b":2}}}}`, true},
		{"intent_extra", `{"userRequest":{},"intent":{"extra":{"reason":{"code":1}},"extra":{}}}`, true},
		{"intent_extra_spellings", `{"userRequest":{},"intent":{"extra":{"knowledges":{"matchedKnowledges":[{"answer":"a"}]}},"extra":{"matched_knowledges":[{"answer":"b"}]}}}`, true},
		{"intent_extra_knowledge_merges", `{"userRequest":{},"intent":{"extra":{"knowledge":{"responseType":"r","matchedKnowledges":[]}},"extra":{"knowledge":{"matchedKnowledges":[{"answer":"b"}]}}}}`, true},
		{"intent_extra_odd_params", `{"userRequest":{"params":{"n":1}},"intent":{"extra":{"reason":{"code":1}},"extra":{"knowledge":null}}}`, false},
		{"intent_repeated", `{"userRequest":{},"intent":{"id":"i","extra":{"reason":{"code":1}}},"intent":{"extra":{"reason":{"message":"OK"}}}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := []byte(tt.body)
			want, err := parseLenient(body)
			if err != nil {
				t.Fatalf("lenient decoder: %v", err)
			}
			fast, ok := parseFast(body)
			if ok != tt.fast {
				t.Fatalf("one-pass decoder took it: %v, want %v", ok, tt.fast)
			}
			if ok {
				if diff := cmp.Diff(want, fast); diff != "" {
					t.Errorf("one-pass decoder (-lenient +one-pass):\n%s", diff)
				}
			}
		})
	}
}

// TestDecodeStringIsFriendAllocs: Decode decodes "isFriend":"true" with the
// allocations of "isFriend":true; falling back to the lenient decoder
// would more than double them.
func TestDecodeStringIsFriendAllocs(t *testing.T) {
	normal := readWebhook(t, "text_input.json")
	stringy := bytes.Replace(normal, []byte(`"isFriend": true`), []byte(`"isFriend": "true"`), 1)
	if bytes.Equal(normal, stringy) {
		t.Fatal(`text_input.json has no "isFriend": true`)
	}
	allocs := func(body []byte) float64 {
		return testing.AllocsPerRun(50, func() {
			if _, err := Decode(body); err != nil {
				t.Fatal(err)
			}
		})
	}
	if a, b := allocs(normal), allocs(stringy); b > a {
		t.Errorf(`Decode allocates %.0f times for "isFriend":"true", %.0f for true`, b, a)
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	secret := "sekrit-utterance-0xBEEF"
	tests := []struct {
		name string
		body string
	}{
		{"empty", ``},
		{"not_json", `hello ` + secret},
		{"array", `[{"userRequest":{}}]`},
		{"no_user_request", `{"bot":{"id":"x"}}`},
		{"null_user_request", `{"userRequest":null}`},
		{"truncated", `{"userRequest":{"utterance":"` + secret},
		{"wrong_type", `{"userRequest":{"utterance":["` + secret + `"]}}`},
		{"client_extra_string", `{"userRequest":{},"action":{"clientExtra":"` + secret + `"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode([]byte(tt.body))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Decode error = %v, want ErrMalformed", err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error quotes the body: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "kakao: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

// TestParseRequestWithoutBody: a request built with a nil body (as
// http.NewRequest does) or no request at all is an error, never a panic.
func TestParseRequestWithoutBody(t *testing.T) {
	t.Parallel()
	secrets := signature.MustSecretSet("s3cr3t")
	r, err := http.NewRequest(http.MethodPost, "http://bot.example/skill", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set(DefaultSecretHeader, "s3cr3t")
	if _, err := ParseRequest(secrets, r); !errors.Is(err, ErrMalformed) {
		t.Errorf("nil body: %v; want ErrMalformed", err)
	}
	var ae *ArgumentError
	if _, err := ParseRequest(secrets, nil); !errors.As(err, &ae) {
		t.Errorf("nil request: %v; want an *ArgumentError", err)
	}
}
