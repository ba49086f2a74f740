package clova_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/internal/conformance"
	"github.com/channelkit/channelkit/signature"
)

// corpusExpect is the decision for one corpus file. Requests must decode
// to Type (and pass check); responses must decode, validate and re-encode
// to the same document.
type corpusExpect struct {
	response bool
	typ      string
	check    func(t *testing.T, r *clova.Request)
	// handler is the status an WebhookHandler answers for the file's
	// signed body when the file has a vector: built with the vector's key
	// (the production key when the vector says so) and the vector's
	// application ID, or "com.example.extension" when it names none.
	handler int
}

func intentOf(t *testing.T, r *clova.Request) clova.Intent {
	t.Helper()
	ir, ok := r.Request.(*clova.IntentRequest)
	if !ok {
		t.Fatalf("request is %T", r.Request)
	}
	return ir.Intent
}

func eventOf(t *testing.T, r *clova.Request) clova.Event {
	t.Helper()
	er, ok := r.Request.(*clova.EventRequest)
	if !ok {
		t.Fatalf("request is %T", r.Request)
	}
	return er.Event
}

func wantEvent(ns, name string, payloadNull bool) func(*testing.T, *clova.Request) {
	return func(t *testing.T, r *clova.Request) {
		ev := eventOf(t, r)
		if !ev.Is(ns, name) {
			t.Errorf("event %s.%s, want %s.%s", ev.Namespace, ev.Name, ns, name)
		}
		if got := len(ev.Payload) == 0 || string(ev.Payload) == "null"; got != payloadNull {
			t.Errorf("payload %s: null=%v, want %v", ev.Payload, got, payloadNull)
		}
	}
}

var corpus = map[string]corpusExpect{
	"clova-cek-sdk-go__event_skill_enabled_payload_null": {typ: clova.TypeEvent, check: wantEvent("ClovaSkill", "SkillEnabled", true)},
	"clova-cek-sdk-go__intent_japanese_slot_interval_unit": {typ: clova.TypeIntent, check: func(t *testing.T, r *clova.Request) {
		in := intentOf(t, r)
		if s := in.Slots["pizzaType"]; s.Value.String() != "ペパロニ" {
			t.Errorf("pizzaType = %q", s.Value)
		}
		if s := in.Slots["when"]; s.ValueType != clova.ValueTypeTimeInterval || s.Value.String() != "19:00:00/19:30:00" {
			t.Errorf("when = %+v", s)
		}
		if s := in.Slots["degree"]; s.Unit != "°C" || s.Value.String() != "67" {
			t.Errorf("degree = %+v", s)
		}
	}},
	"clova-cek-sdk-go__launch":                               {typ: clova.TypeLaunch},
	"clova-cek-sdk-go__response_reprompt_session_attributes": {response: true},
	"clova-cek-sdk-go__response_speechlist_url_empty_lang":   {response: true},
	"clova-cek-sdk-go__response_speechset_brief_verbose":     {response: true},
	"clova-cek-sdk-go__session_ended":                        {typ: clova.TypeSessionEnded},
	"clova-cek-sdk-go__signed_launch_compact":                {typ: clova.TypeLaunch, handler: 200},
	// Signed with CLOVA's development key and still holding the literal
	// "${applicationId}" placeholder: the signature verifies with the
	// sidecar key, and the handler refuses it (403) because the application
	// ID matches no real extension. The production key rejects it (401).
	"clova-cek-sdk-java__signed_intent_unreplaced_placeholders": {typ: clova.TypeIntent, handler: 403, check: func(t *testing.T, r *clova.Request) {
		if r.ApplicationID() != "${applicationId}" {
			t.Errorf("applicationId = %q", r.ApplicationID())
		}
		if r.Context.AudioPlayer == nil || r.Context.AudioPlayer.Stream == nil || r.Context.AudioPlayer.Stream.ProgressReport == nil ||
			r.Context.AudioPlayer.Stream.ProgressReport.ProgressReportDelayInMilliseconds != nil {
			t.Errorf("AudioPlayer null fields not kept as nil: %+v", r.Context.AudioPlayer)
		}
	}},
	"clova-cek-sdk-kotlin__event_audioplayer_play_paused":         {typ: clova.TypeEvent, check: wantEvent("AudioPlayer", "PlayPaused", false)},
	"clova-cek-sdk-kotlin__event_progress_report_position_passed": {typ: clova.TypeEvent, check: wantEvent("AudioPlayer", "ProgressReportPositionPassed", false)},
	"clova-cek-sdk-kotlin__event_stream_requested_null_fields": {typ: clova.TypeEvent, check: func(t *testing.T, r *clova.Request) {
		var p clova.StreamRequestedPayload
		if err := eventOf(t, r).DecodePayload(&p); err != nil {
			t.Fatal(err)
		}
		pr := p.AudioStream.ProgressReport
		if pr == nil || pr.ProgressReportDelayInMilliseconds != nil || pr.ProgressReportPositionInMilliseconds == nil || *pr.ProgressReportPositionInMilliseconds != 60000 {
			t.Errorf("progressReport = %+v", pr)
		}
	}},
	"clova-cek-sdk-kotlin__intent_keys_on_one_line": {typ: clova.TypeIntent, check: func(t *testing.T, r *clova.Request) {
		if info := r.Info(); info.Locale != "ja-JP" || info.ExtensionID != "clova.example" {
			t.Errorf("info = %+v", info)
		}
	}},
	"clova-cek-sdk-kotlin__launch_without_session_attributes": {typ: clova.TypeLaunch, check: func(t *testing.T, r *clova.Request) {
		if r.Session == nil || r.Session.SessionAttributes != nil {
			t.Errorf("session = %+v", r.Session)
		}
	}},
	"clova-cek-sdk-kotlin__response_audioplayer_play_directive": {response: true},
	"clova-cek-sdk-nodejs__event_audioplayer_version_010": {typ: clova.TypeEvent, check: func(t *testing.T, r *clova.Request) {
		wantEvent("AudioPlayer", "PlayStarted", false)(t, r)
		if ap := r.Context.AudioPlayer; ap == nil || ap.RepeatMode != "NONE" || ap.PlayerActivity != "PLAYING" {
			t.Errorf("AudioPlayer = %+v", ap)
		}
	}},
	"clova-cek-sdk-nodejs__intent_numeric_slot_value": {typ: clova.TypeIntent, check: func(t *testing.T, r *clova.Request) {
		s := intentOf(t, r).Slots["pizzaNum"]
		if n, err := s.Value.Float64(); s.Value.Kind() != clova.SlotNumber || err != nil || n != 3 {
			t.Errorf("pizzaNum = %s (%v)", s.Value, err)
		}
	}},
	"clova-cek-sdk-nodejs__launch_version_010":                   {typ: clova.TypeLaunch},
	"clova-cek-sdk-nodejs__real_signed_launch":                   {typ: clova.TypeLaunch, handler: 200},
	"clova-cek-sdk-nodejs__response_skeleton_empty_outputspeech": {response: true},
	"clova-cek-sdk-python__event_audioplayer_play_stopped":       {typ: clova.TypeEvent, check: wantEvent("AudioPlayer", "PlayStopped", false)},
	"clova-cek-sdk-python__event_skill_disabled":                 {typ: clova.TypeEvent, check: wantEvent("ClovaSkill", "SkillDisabled", true)},
	"clova-cek-sdk-python__event_skill_enabled_session_null": {typ: clova.TypeEvent, check: func(t *testing.T, r *clova.Request) {
		if r.Session != nil {
			t.Errorf("session = %+v, want nil", r.Session)
		}
		if r.UserID() != "U081234567890abcdef1234567890abcd" {
			t.Errorf("UserID falls back to the device user: %q", r.UserID())
		}
	}},
	"clova-cek-sdk-python__intent_builtin_no_intent_field": {typ: clova.TypeIntent, check: func(t *testing.T, r *clova.Request) {
		if in := intentOf(t, r); in.Name != "Clova.NoIntent" {
			t.Errorf("intent = %q", in.Name)
		}
	}},
	"clova-cek-sdk-python__intent_utf8_slots_leading_newline": {typ: clova.TypeIntent, check: func(t *testing.T, r *clova.Request) {
		if s := intentOf(t, r).Slots["Light"]; s.Value.String() != "電気" {
			t.Errorf("Light = %q", s.Value)
		}
	}},
	"clova-cek-sdk-python__launch_alpha_sorted_trailing_ws": {typ: clova.TypeLaunch},
	// Production-signed, but with no context.System.application: the
	// signature verifies, and the handler refuses it (403) because it cannot
	// tell which extension it is for.
	"clova-cek-sdk-python__real_signed_guide_intent": {typ: clova.TypeIntent, handler: 403, check: func(t *testing.T, r *clova.Request) {
		if in := intentOf(t, r); in.Name != "Clova.GuideIntent" || in.Slots != nil {
			t.Errorf("intent = %+v", in)
		}
		if r.Context.System.Application != nil {
			t.Error("application should be absent")
		}
	}},
	"clova-cek-sdk-python__session_ended_alpha_sorted": {typ: clova.TypeSessionEnded},
	"clova-cek-sdk-swift__real_signed_launch":          {typ: clova.TypeLaunch, handler: 200},
}

func TestConformance(t *testing.T) {
	dir := conformance.Dir(t, "clova")
	cases := conformance.Cases(t, dir)
	if len(cases) == 0 {
		t.Fatal("empty corpus")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			exp, known := corpus[c.Name]
			if !known {
				// A new file: classify it by shape.
				var top map[string]json.RawMessage
				if err := json.Unmarshal(c.Body, &top); err != nil {
					t.Fatalf("unknown corpus file that is not a JSON object: %v", err)
				}
				_, exp.response = top["response"]
				if _, req := top["request"]; !req && !exp.response {
					t.Fatal("unknown corpus file that is neither a request nor a response")
				}
			}
			if exp.response {
				checkResponseFile(t, c.Body)
				return
			}
			r := new(clova.Request)
			if err := r.UnmarshalJSON(c.Body); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if exp.typ != "" && r.Request.Type() != exp.typ {
				t.Errorf("type = %s, want %s", r.Request.Type(), exp.typ)
			}
			if exp.check != nil {
				exp.check(t, r)
			}
			checkStable(t, r)
			if c.Vector != nil {
				checkVector(t, c, exp)
			}
		})
	}
	for name := range corpus {
		if _, err := os.Stat(filepath.Join(dir, name+".json")); err != nil {
			t.Errorf("corpus table names %s, which is not in the corpus", name)
		}
	}
}

// checkStable requires decode → encode → decode → encode to give the same
// bytes twice.
func checkStable(t *testing.T, r *clova.Request) {
	t.Helper()
	a, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	var r2 clova.Request
	if err := r2.UnmarshalJSON(a); err != nil {
		t.Fatalf("re-decode: %v", err)
	}
	b, err := json.Marshal(&r2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("not stable:\n%s\n%s", a, b)
	}
}

func checkResponseFile(t *testing.T, body []byte) {
	t.Helper()
	var resp clova.Response
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("decode response: %v", err)
	}
	if err := resp.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	out, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, body, out)
}

func checkVector(t *testing.T, c conformance.Case, exp corpusExpect) {
	t.Helper()
	v := c.Vector
	pub, err := clova.ParsePublicKeyPEM([]byte(v.Secret))
	if err != nil {
		t.Fatalf("vector key: %v", err)
	}
	if v.Header != clova.SignatureHeader {
		t.Errorf("vector header %q", v.Header)
	}
	valid := v.Valid == nil || *v.Valid
	_, err = clova.Parse(pub, c.Body, v.Signature)
	if valid && err != nil {
		t.Errorf("valid vector rejected: %v", err)
	}
	if !valid && !errors.Is(err, signature.ErrMismatch) {
		t.Errorf("invalid vector: %v", err)
	}
	for _, bad := range v.InvalidSignatures {
		if err := clova.VerifySignature(pub, c.Body, bad); !errors.Is(err, signature.ErrMismatch) {
			t.Errorf("invalid signature %.12q…: %v", bad, err)
		}
	}
	for i, body := range v.MustFailBodies {
		if _, err := clova.Parse(pub, []byte(body), v.Signature); !errors.Is(err, signature.ErrMismatch) {
			t.Errorf("must-fail body %d: %v", i, err)
		}
	}
	isProd := pub.Equal(clova.ProductionPublicKey())
	if !isProd {
		// Production verification must refuse what another key signed.
		if err := clova.VerifySignature(clova.ProductionPublicKey(), c.Body, v.Signature); !errors.Is(err, signature.ErrMismatch) {
			t.Errorf("production key accepted a %s signature: %v", v.SecretKind, err)
		}
	}
	if !valid || exp.handler == 0 {
		return
	}
	appID := v.ApplicationID
	if appID == "" {
		appID = "com.example.extension"
		var probe clova.Request
		if probe.UnmarshalJSON(c.Body) == nil && probe.ApplicationID() != "" && probe.ApplicationID() != "${applicationId}" {
			appID = probe.ApplicationID()
		}
	}
	var opts []clova.HandlerOption
	if !isProd {
		opts = append(opts, clova.WithPublicKey(pub))
	}
	h, err := clova.NewWebhookHandler(appID, func(context.Context, *clova.Request) (*clova.Response, error) {
		return clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.Japanese, "はい"))), nil
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(c.Body))
	r.Header.Set("signaturecek", v.Signature)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != exp.handler {
		t.Errorf("handler status %d, want %d", rec.Code, exp.handler)
	}
}
