package line_test

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
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/message/messagetest"
	"github.com/channelkit/channelkit/signature"
	"github.com/google/go-cmp/cmp"
)

// expectation is what a tolerant, secure SDK makes of one corpus file.
type expectation struct {
	// malformed: the body is not a callback (ErrMalformed, 400), although
	// its signature is valid.
	malformed bool
	events    int // -1: don't check the count
	// unknown lists the event types kept as *UnknownEvent, sorted.
	unknown []string
	// unknownSources and unknownMessages count inner unknown variants.
	unknownSources, unknownMessages int
}

// oddFiles are the corpus files that need more than "decodes, every event
// known". Anything not listed must decode with every event, source and
// message of a known type and no invalid event.
var oddFiles = map[string]expectation{
	// Signature vectors over bytes that are not JSON: the signature is
	// checked first and verifies; decoding then fails, so the handler
	// answers 400 (as the Node.js SDK's test expects).
	"line-bot-sdk-nodejs__NOT_JSON_signed_body":    {malformed: true},
	"line-bot-sdk-python__NOT_JSON_signature_body": {malformed: true},
	// JSON objects that are not webhook bodies: tolerated as callbacks
	// without events (unknown keys are ignored, "events" is optional).
	"line-bot-sdk-nodejs__signature_hello_world": {events: 0},
	"line-bot-sdk-java__signature_empty_object":  {events: 0},
	// Connection check.
	"line-bot-sdk-go__empty_events": {events: 0},
	// Made-up event types: kept raw as *UnknownEvent.
	"line-bot-sdk-go__unknown_event_minimal": {events: 1, unknown: []string{"UNKNOWN"}},
	"line-bot-sdk-java__unknown":             {events: -1, unknown: []string{"greatNewFeature"}, unknownSources: 1, unknownMessages: 1},
	"line-bot-sdk-php__all_events_47":        {events: 47, unknown: []string{"__unknown__", "__unknown__"}, unknownSources: 1, unknownMessages: 1},
	"line-bot-sdk-python__v3_all_events":     {events: 28, unknown: []string{"undefined"}},
	// PROVENANCE.md says 30 and 11 events; the bodies hold 32 and 12.
	"line-bot-sdk-go__legacy_all_events":        {events: 32},
	"line-bot-sdk-php__signature_eleven_events": {events: 12},
	// Emoji index past the end of the text: kept as sent (a hint, not
	// validated).
	"line-bot-sdk-java__text_emojis": {events: 1},
}

func TestConformance(t *testing.T) {
	t.Parallel()
	dir := conformance.Dir(t, "line")
	cases := conformance.Cases(t, dir)
	if len(cases) == 0 {
		t.Fatal("empty corpus")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			exp, odd := oddFiles[c.Name]
			if !odd {
				exp = expectation{events: -1}
				if !strings.HasSuffix(c.Path, ".json") {
					exp.malformed = true
				}
			}
			cb, err := line.Decode(c.Body)
			checkPathsAgree(t, c.Body)
			if exp.malformed {
				if !errors.Is(err, line.ErrMalformed) {
					t.Fatalf("Decode = %v; want ErrMalformed", err)
				}
			} else {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				checkCallback(t, cb, exp)
			}
			if c.Vector != nil {
				checkVector(t, c.Body, c.Vector, exp.malformed)
			}
		})
	}
}

func checkCallback(t *testing.T, cb *line.Callback, exp expectation) {
	t.Helper()
	if exp.events >= 0 && len(cb.Events) != exp.events {
		t.Errorf("%d events, want %d", len(cb.Events), exp.events)
	}
	var unknown []string
	var srcs, msgs int
	for i, ev := range cb.Events {
		switch e := ev.(type) {
		case *line.InvalidEvent:
			t.Errorf("event %d (%s) did not decode: %v", i, e.EventType, e.Err)
			continue
		case *line.UnknownEvent:
			unknown = append(unknown, e.EventType)
		case *line.MessageEvent:
			if _, ok := e.Message.(*line.UnknownContent); ok {
				msgs++
			}
		}
		if _, ok := ev.Base().Source.(*line.UnknownSource); ok {
			srcs++
		}
		in, ok := line.ToIncoming(ev)
		if !ok {
			t.Errorf("event %d: ToIncoming refused", i)
			continue
		}
		messagetest.CheckIncoming(t, in)
	}
	slices.Sort(unknown)
	if diff := cmp.Diff(exp.unknown, unknown); diff != "" {
		t.Errorf("unknown event types (-want +got):\n%s", diff)
	}
	if srcs != exp.unknownSources || msgs != exp.unknownMessages {
		t.Errorf("unknown sources %d, messages %d; want %d, %d", srcs, msgs, exp.unknownSources, exp.unknownMessages)
	}
	// decode → encode → decode is stable.
	enc1, err := json.Marshal(cb)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	cb2, err := line.Decode(enc1)
	if err != nil {
		t.Fatalf("re-decode: %v", err)
	}
	enc2, _ := json.Marshal(cb2)
	if !bytes.Equal(enc1, enc2) {
		t.Errorf("encoding is not stable:\n%s\n%s", enc1, enc2)
	}
	if diff := cmp.Diff(typesOf(cb), typesOf(cb2)); diff != "" {
		t.Errorf("types changed on re-decode (-first +second):\n%s", diff)
	}
}

func checkVector(t *testing.T, body []byte, v *conformance.Vector, malformed bool) {
	t.Helper()
	if !strings.EqualFold(v.Header, line.SignatureHeader) {
		t.Errorf("vector header %q", v.Header)
	}
	valid := v.Valid == nil || *v.Valid
	err := line.VerifySignature(secretSet(v.Secret), body, v.Signature)
	if valid && err != nil {
		t.Errorf("valid signature rejected: %v", err)
	}
	if !valid && err == nil {
		t.Error("signature marked invalid verifies")
	}
	h, herr := line.NewWebhookHandler(signature.MustSecretSet(v.Secret), func(context.Context, *line.Callback) error { return nil })
	if herr != nil {
		t.Fatal(herr)
	}
	serve := func(b []byte, sig string) int {
		r := httptest.NewRequest(http.MethodPost, "/callback", bytes.NewReader(b))
		r.Header.Set(v.Header, sig)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code
	}
	if valid {
		want := http.StatusOK
		if malformed {
			want = http.StatusBadRequest
		}
		if code := serve(body, v.Signature); code != want {
			t.Errorf("handler answered %d to the signed body; want %d", code, want)
		}
	}
	for _, bad := range v.InvalidSignatures {
		if err := line.VerifySignature(secretSet(v.Secret), body, bad); !errors.Is(err, signature.ErrMismatch) {
			t.Errorf("invalid signature %q: %v", bad, err)
		}
		if code := serve(body, bad); code != http.StatusUnauthorized {
			t.Errorf("handler answered %d to invalid signature %q", code, bad)
		}
	}
	for _, b := range v.MustFailBodies {
		if err := line.VerifySignature(secretSet(v.Secret), []byte(b), v.Signature); err == nil {
			t.Errorf("tampered body verifies: %q", b)
		}
	}
	if err := line.VerifySignature(secretSet(v.Secret), body, ""); !errors.Is(err, signature.ErrMissing) {
		t.Errorf("missing signature: %v", err)
	}
}

// checkPathsAgree: where the one-pass fast path applies, it must produce
// exactly what per-event decoding produces.
func checkPathsAgree(t *testing.T, body []byte) {
	t.Helper()
	fast, slow, _ := line.DecodePaths(body)
	if fast == nil {
		return
	}
	if diff := cmp.Diff(slow, fast); diff != "" {
		t.Errorf("fast path differs from per-event decoding (-slow +fast):\n%s", diff)
	}
}

// TestMessageEditedFromPeers decodes the messageEdited bodies of the
// official SDKs' test suites into the typed event, on both decoding
// paths.
func TestMessageEditedFromPeers(t *testing.T) {
	dir := conformance.Dir(t, "line")
	want := map[string]*line.MessageEditedEvent{}
	for _, c := range conformance.Cases(t, dir) {
		if !strings.Contains(c.Name, "message_edited") {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			fast, slow, err := line.DecodePaths(c.Body)
			if err != nil {
				t.Fatal(err)
			}
			if fast == nil {
				t.Error("the one-pass path gave up on a known event")
			}
			for path, cb := range map[string]*line.Callback{"fast": fast, "slow": slow} {
				if cb == nil {
					continue
				}
				if len(cb.Events) != 1 {
					t.Fatalf("%s: %d events, want 1", path, len(cb.Events))
				}
				e, ok := cb.Events[0].(*line.MessageEditedEvent)
				if !ok {
					t.Fatalf("%s: %T, want *line.MessageEditedEvent", path, cb.Events[0])
				}
				text, ok := e.Message.(*line.TextContent)
				if !ok || text.ID == "" || text.Text == "" {
					t.Fatalf("%s: message %#v, want text with an ID", path, e.Message)
				}
				if line.ReplyToken(e) != e.ReplyToken || e.Type() != line.EventMessageEdited {
					t.Errorf("%s: ReplyToken or Type disagree", path)
				}
				want[c.Name] = e
			}
		})
	}
	if len(want) != 2 {
		t.Errorf("found %d messageEdited corpus files, want 2", len(want))
	}
}
