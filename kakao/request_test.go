package kakao

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

func TestParseWebhookPayloads(t *testing.T) {
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
			req, err := Parse(body)
			if err != nil {
				t.Fatalf("Parse: %v", err)
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

func TestParseFields(t *testing.T) {
	t.Parallel()
	req, err := Parse(readWebhook(t, "button_postback.json"))
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
		Bot: Bot{ID: "64e9a0b1c2d3e4f5a6b7c8d9", Name: "쇼핑 도우미"},
		Action: Action{
			ID: "651b2c3d4e5f6a7b8c9d0e20", Name: "detail",
			Params:       Params{"product": "A-100"},
			DetailParams: map[string]DetailParam{"product": {Origin: "A-100", Value: "A-100"}},
			ClientExtra:  map[string]any{"channelkit_postback": "product=A-100", "page": float64(2)},
		},
		Contexts: []map[string]any{{"name": "cart", "lifespan": float64(4), "ttl": float64(600),
			"params": map[string]any{"size": map[string]any{"value": "M", "resolvedValue": "M"}}}},
		Flow: &Flow{
			LastBlock: &Block{ID: "651b2c3d4e5f6a7b8c9d0e00", Name: "상품 목록"},
			Trigger:   &Trigger{Type: TriggerCardButtonMessage, ReferrerBlock: &Block{ID: "651b2c3d4e5f6a7b8c9d0e00", Name: "상품 목록"}},
		},
	}
	if diff := cmp.Diff(want, req); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseLenient(t *testing.T) {
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
			r, err := Parse([]byte(tt.body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, r)
		})
	}
}

func TestParseRejects(t *testing.T) {
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
			_, err := Parse([]byte(tt.body))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse error = %v, want ErrMalformed", err)
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
	r, err := http.NewRequest(http.MethodPost, "http://bot.example/skill", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseRequest(r, 0); !errors.Is(err, ErrMalformed) {
		t.Errorf("nil body: %v; want ErrMalformed", err)
	}
	if _, err := ParseRequest(nil, 0); err == nil {
		t.Error("nil request: no error")
	}
}
