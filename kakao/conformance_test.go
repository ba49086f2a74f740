package kakao

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"

	"slices"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/internal/conformance"
	"github.com/google/go-cmp/cmp"
)

// responseCase is the expected outcome for a response payload of the
// corpus: it decodes, re-encodes to the same JSON once the listed
// non-standard keys are removed, and validates with exactly these
// problem paths.
type responseCase struct {
	// dropped lists "path/key" pairs of non-standard keys other SDKs add
	// and channelkit does not keep (they mean nothing to Kakao).
	dropped []string
	// invalid lists the JSON paths Validate must report; empty means valid.
	invalid []string
}

// requestCase checks a request payload after Decode.
type requestCase func(t *testing.T, r *Request)

var conformanceResponses = map[string]responseCase{
	// Components carrying a non-standard "type" inside them (that library's
	// own class name): decoded, the extra key is dropped, valid otherwise.
	"Kakao_I_OpenBuilder_Library__response_basiccard_with_type":   {dropped: []string{"basicCard/type"}},
	"Kakao_I_OpenBuilder_Library__response_simpleimage_with_type": {dropped: []string{"simpleImage/type"}},
	"Kakao_I_OpenBuilder_Library__response_simpletext_with_type":  {dropped: []string{"simpleText/type"}},
	// Data-only and context-only responses are valid.
	"Kakao_I_OpenBuilder_Library__response_data_only": {},
	"kakao-alfex4936__response_context_only":          {},
	"kakao-alfex4936__response_basiccard":             {},
	"kakao-alfex4936__response_commercecard":          {},
	"kakao-alfex4936__response_carousel_commercecard": {},
	"kakao-alfex4936__response_simpletext":            {},
	// That library's encoder output: basicCards without the required
	// thumbnail and mailto: webLinks (Kakao opens only http/https). Decoded
	// and round-tripped, but channelkit would never send it.
	"kakao-alfex4936__response_carousel_basiccard": {invalid: []string{
		"template.outputs[0].carousel.items[0].thumbnail",
		"template.outputs[0].carousel.items[0].buttons[1].webLinkUrl",
		"template.outputs[0].carousel.items[1].thumbnail",
		"template.outputs[0].carousel.items[1].buttons[1].webLinkUrl",
	}},
	// imageUrl "http://" has no host: decoded, rejected by Validate.
	"kakao-alfex4936__response_simpleimage": {invalid: []string{"template.outputs[0].simpleImage.imageUrl"}},
	// {"version":"2.0","useCallback":true} alone is the documented waiting answer.
	"kakao-chatbot-skill-example__response_usecallback_minimal": {},
}

var conformanceRequests = map[string]requestCase{
	// Logged from a live bot: snake_case duplicate of botUserKey, trailing
	// newline in the utterance, lang "kr", builder-test surface.
	"KakaoChatBot-Golang__request_logged_snake_case_dup": func(t *testing.T, r *Request) {
		p := r.UserRequest.User.Properties
		if p.BotUserKey != "key" || p.Extra["bot_user_key"] != "key" {
			t.Errorf("properties = %+v", p)
		}
		if r.UserRequest.Utterance != "2021 검색\n" || r.UserRequest.Lang != "kr" || !r.UserRequest.IsTest() {
			t.Errorf("userRequest = %+v", r.UserRequest)
		}
		if r.Intent.Extra == nil || r.Intent.Extra.Reason == nil || r.Intent.Extra.Reason.Code != 1 {
			t.Errorf("intent.extra = %+v", r.Intent.Extra)
		}
	},
	// Doc-shaped: knowledge matches, sys_date JSON-in-string, and a
	// MALFORMED params.sys_number whose detailParams value is fine. The
	// request is accepted; the broken entity fails alone, and the Action
	// helper falls back to detailParams.
	"Kakao_I_OpenBuilder_Library__request_knowledge_plus_sys_entities": func(t *testing.T, r *Request) {
		if k := r.Intent.Extra.Knowledge; k == nil || len(k.MatchedKnowledges) != 2 || k.ResponseType != "skill" {
			t.Errorf("knowledge = %+v", k)
		}
		if !r.UserRequest.User.Properties.IsFriend || r.UserRequest.User.Properties.AppUserID != "<app user id>" {
			t.Errorf("properties = %+v", r.UserRequest.User.Properties)
		}
		d, err := r.Action.SysDate("sys_date")
		if err != nil || d.Date != "2018-11-23" || d.DateTag != "Friday" {
			t.Errorf("SysDate = %+v, %v", d, err)
		}
		if _, err := ParseSysNumber(r.Action.Params["sys_number"]); !errors.Is(err, ErrEntity) {
			t.Errorf("ParseSysNumber(broken) error = %v, want ErrEntity", err)
		}
		n, err := r.Action.SysNumber("sys_number")
		if err != nil || n != (SysNumber{Amount: 1}) {
			t.Errorf("SysNumber = %+v, %v", n, err)
		}
	},
	// Old identity model, lang null, clientExtra null, no contexts or flow.
	"kakao-alfex4936__request_lang_null": func(t *testing.T, r *Request) {
		if r.UserRequest.Lang != "" || r.Action.ClientExtra != nil || r.Flow != nil || r.Contexts != nil {
			t.Errorf("request = %+v", r)
		}
		if r.UserRequest.User.Type != "accountId" || r.UserRequest.User.ID != "172514" {
			t.Errorf("user = %+v", r.UserRequest.User)
		}
		if r.Action.Params["when"] != "yesterday" || r.Action.DetailParams["sys_text"].Origin != "코로나" {
			t.Errorf("action = %+v", r.Action)
		}
	},
	// Doctest: reason {} and a bare snake_case matched_knowledges list;
	// callbackUrl present.
	"kakao-chatbot-hanlee55__request_doctest_minimal": func(t *testing.T, r *Request) {
		if r.UserRequest.CallbackURL != "https://www.example.com" {
			t.Errorf("callbackUrl not decoded")
		}
		x := r.Intent.Extra
		if x == nil || x.Reason == nil || *x.Reason != (Reason{}) || x.Knowledge == nil || len(x.Knowledge.MatchedKnowledges) != 0 {
			t.Errorf("intent.extra = %+v", x)
		}
	},
}

func TestConformance(t *testing.T) {
	dir := conformance.Dir(t, "kakao")
	for _, c := range conformance.Cases(t, dir) {
		t.Run(c.Name, func(t *testing.T) {
			if c.Vector != nil {
				t.Errorf("unexpected signature vector: Kakao does not sign skill requests")
			}
			if rc, ok := conformanceResponses[c.Name]; ok {
				checkConformanceResponse(t, c.Body, rc)
				return
			}
			if check, ok := conformanceRequests[c.Name]; ok {
				r, err := Decode(c.Body)
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				check(t, r)
				checkServes(t, c.Body)
				return
			}
			// New files: classify generically by what they hold.
			if _, err := Decode(c.Body); err == nil {
				checkServes(t, c.Body)
				return
			}
			var resp Response
			if err := json.Unmarshal(c.Body, &resp); err != nil {
				t.Fatalf("unclassified file decodes neither as request nor as response: %v", err)
			}
			t.Logf("unclassified response file; decoded, Validate: %v", resp.Validate())
		})
	}
}

// checkServes runs a corpus request through a handler end to end.
func checkServes(t *testing.T, body []byte) {
	t.Helper()
	h, err := NewWebhookHandler(func(_ context.Context, r *Request) (*Response, error) {
		return NewResponse(Text("ok")), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
	if rec.Code != http.StatusOK {
		t.Errorf("handler answered %d", rec.Code)
	}
}

func checkConformanceResponse(t *testing.T, body []byte, rc responseCase) {
	t.Helper()
	var resp Response
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("decoding response: %v", err)
	}
	if resp.Template != nil {
		for i := range resp.Template.Outputs {
			if k := resp.Template.Outputs[i].Kind(); k == KindRaw || k == KindNone {
				t.Errorf("outputs[%d] kind %q; want a typed output", i, k)
			}
		}
	}
	out, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	var want any
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatal(err)
	}
	for _, d := range rc.dropped {
		kind, key, _ := strings.Cut(d, "/")
		comp := want.(map[string]any)["template"].(map[string]any)["outputs"].([]any)[0].(map[string]any)[kind].(map[string]any)
		delete(comp, key)
	}
	wantJSON, _ := json.Marshal(want)
	if diff := jsonDiff(t, wantJSON, out); diff != "" {
		t.Errorf("re-encoding differs (-want +got):\n%s", diff)
	}
	got, _ := validationPaths(resp.Validate())
	slices.Sort(got)
	want2 := slices.Clone(rc.invalid)
	slices.Sort(want2)
	if diff := cmp.Diff(want2, got); diff != "" {
		t.Errorf("Validate paths (-want +got):\n%s\nerror: %v", diff, resp.Validate())
	}
}
