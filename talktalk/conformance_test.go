package talktalk_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/internal/conformance"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/message/messagetest"
	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// TestConformance walks the shared TalkTalk corpus. TalkTalk signs
// nothing, so there are no signature vectors; every payload must decode,
// round-trip, pass through the webhook handler and convert to neutral form.
// The odd files are pinned by name with the decision taken for each.
func TestConformance(t *testing.T) {
	dir := conformance.Dir(t, "talktalk")
	odd := map[string]func(t *testing.T, ev talktalk.Event){
		// An echo carrying image, text and an empty composite at once:
		// decoded as is (Kind mixed); never answered.
		"naver_talk_sdk-nta__echo_mixed_contents": func(t *testing.T, ev talktalk.Event) {
			e := ev.(*talktalk.EchoEvent)
			if e.Kind() != talktalk.KindMixed || e.Text.Text != "text_from_test" || e.Image.ImageURL == "" || e.Composite == nil {
				t.Errorf("echo = %+v", e)
			}
			if _, ok := talktalk.ToIncoming(ev); ok {
				t.Error("ToIncoming says to answer an echo")
			}
		},
		// Metadata is JSON inside a string with \u-escaped Korean: it
		// decodes on demand.
		"naver_talk_sdk-nta__handover_pass_thread": func(t *testing.T, ev talktalk.Event) {
			m, err := ev.(*talktalk.HandoverEvent).DecodeMetadata()
			if err != nil {
				t.Fatalf("DecodeMetadata: %v", err)
			}
			if diff := cmp.Diff(talktalk.HandoverMetadata{ManagerNickname: "파트너닉네임"}, m); diff != "" {
				t.Errorf("metadata (-want +got):\n%s", diff)
			}
		},
		// No message: Message stays empty.
		"naver_talk_sdk-nta__pay_complete_success": func(t *testing.T, ev talktalk.Event) {
			r := ev.(*talktalk.PayCompleteEvent).Options.PaymentResult
			if r.Code != "Success" || r.PaymentID != "test-payment-id" || r.Message != "" {
				t.Errorf("payment result = %+v", r)
			}
		},
		// "detail" (not the specification's "deatil") with an empty
		// object: accepted into Detail and written back as "detail".
		"naver_talk_sdk-nta__pay_confirm_success": func(t *testing.T, ev talktalk.Event) {
			r := ev.(*talktalk.PayConfirmEvent).Options.PaymentConfirmResult
			if string(r.Detail) != "{}" {
				t.Errorf("Detail = %s", r.Detail)
			}
		},
		// Free text with spaces in code: a postback whose data is the code.
		"naver_talk_sdk-nta__send_code_with_spaces": func(t *testing.T, ev talktalk.Event) {
			in, ok := talktalk.ToIncoming(ev)
			if !ok || in.Kind != message.KindPostback || in.Data != "Hello my name is wonyo" {
				t.Errorf("incoming = %+v ok=%v", in, ok)
			}
		},
		// Code with inputType typing: the code wins, a postback.
		"naver_talk_sdk-nta__send_text_code": func(t *testing.T, ev talktalk.Event) {
			in, _ := talktalk.ToIncoming(ev)
			if in.Kind != message.KindPostback || in.Data != "test_code" {
				t.Errorf("incoming = %+v", in)
			}
		},
		// event "unknown" without a user: an UnknownEvent with the exact
		// bytes, user empty; the handler still acknowledges it.
		"naver_talk_sdk-nta__unknown_event_no_user": func(t *testing.T, ev talktalk.Event) {
			u := ev.(*talktalk.UnknownEvent)
			if u.Name != "unknown" || u.User != "" {
				t.Errorf("unknown = %+v", u)
			}
		},
	}

	var got []talktalk.Event
	h, err := talktalk.NewWebhookHandler(func(_ context.Context, ev talktalk.Event) (talktalk.Event, error) {
		got = append(got, ev)
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range conformance.Cases(t, dir) {
		t.Run(c.Name, func(t *testing.T) {
			seen[c.Name] = true
			if c.Vector != nil {
				t.Fatalf("TalkTalk has no signatures, yet %s has a vector: classify it", c.Name)
			}
			ev, err := talktalk.Decode(c.Body)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if u, ok := ev.(*talktalk.UnknownEvent); ok {
				if b, _ := u.MarshalJSON(); string(b) != string(c.Body) {
					t.Error("unknown event does not keep its exact bytes")
				}
			} else {
				out, err := json.Marshal(ev)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(normalize(t, c.Body), normalize(t, out)); diff != "" {
					t.Errorf("round trip (-corpus +ours):\n%s", diff)
				}
				// Exactly the same JSON, empty strings and nulls included.
				if diff := cmp.Diff(jsonValue(t, c.Body), jsonValue(t, out)); diff != "" {
					t.Errorf("re-encoded JSON differs (-corpus +ours):\n%s", diff)
				}
			}
			in, _ := talktalk.ToIncoming(ev)
			messagetest.CheckIncoming(t, in)

			got = got[:0]
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, talktalktest.NewRequest(t, c.Body))
			if rec.Code != http.StatusOK || len(got) != 1 {
				t.Errorf("handler: status %d, %d events", rec.Code, len(got))
			}
			if check, ok := odd[c.Name]; ok {
				check(t, ev)
			}
		})
	}
	for name := range odd {
		if !seen[name] {
			t.Errorf("pinned corpus file %s is gone", name)
		}
	}
}
