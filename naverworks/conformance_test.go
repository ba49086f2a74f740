package naverworks_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/internal/conformance"
	"github.com/channelkit/channelkit/message/messagetest"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
)

// corpusOutcome is the expected result of decoding one corpus payload.
type corpusOutcome struct {
	// eventType is the EventType of the decoded event; "" means the payload
	// must be rejected as malformed.
	eventType string
	// content is the ContentType of a message event's content.
	content string
	// unknownContent: the content is kept raw as *UnknownContent.
	unknownContent bool
	// unknownEvent: the event is kept raw as *UnknownEvent.
	unknownEvent bool
}

// oddFiles lists every corpus payload that is not a plain, well-formed
// event, with the decision taken for it. Payloads not listed here are
// classified generically: they must decode to their "type".
var oddFiles = map[string]corpusOutcome{
	// "{}" with an invalid signature: rejected for the signature (vector);
	// the body itself has no "type" and is malformed.
	"chat-adapter-lineworks__invalid_signature_empty_object": {},
	// content without "type" (only "id"): the message is accepted and the
	// content kept raw, so the bot can still see who wrote.
	"lineworks-api-ruby__message_content_without_type": {eventType: "message", unknownContent: true},
	// event type "unknown": kept raw, never an error.
	"lineworks-api-ruby__unknown_type": {eventType: "unknown", unknownEvent: true},
	// Empty strings and zeros everywhere (userId "", domainId 0,
	// issuedTime "", fileId "", members ["","",""]): accepted as sent; an
	// empty issuedTime is the zero time.
	"deno-lineworks__join":                       {eventType: "join"},
	"deno-lineworks__joined_empty_members":       {eventType: "joined"},
	"deno-lineworks__leave":                      {eventType: "leave"},
	"deno-lineworks__left_empty_members":         {eventType: "left"},
	"deno-lineworks__message_file_empty_fileid":  {eventType: "message", content: "file"},
	"deno-lineworks__message_image_empty_fileid": {eventType: "message", content: "image"},
	"deno-lineworks__message_location_zero":      {eventType: "message", content: "location"},
	"deno-lineworks__message_sticker_empty":      {eventType: "message", content: "sticker"},
	"deno-lineworks__message_text_empty_ids":     {eventType: "message", content: "text"},
	"deno-lineworks__postback_empty":             {eventType: "postback"},
	// Keys in alphabetical order ("type" last): decoding does not depend on
	// key order.
	"chat-adapter-lineworks__webhook_text_sorted_keys": {eventType: "message", content: "text"},
	"chat-adapter-lineworks__webhook_image_fileid":     {eventType: "message", content: "image"},
	// No source and no issuedTime at all.
	"chat-adapter-lineworks__signature_minimal": {eventType: "message", content: "text"},
}

func TestConformance(t *testing.T) {
	dir := conformance.Dir(t, "naverworks")
	cases := conformance.Cases(t, dir)
	if len(cases) == 0 {
		t.Fatal("empty corpus")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			want, odd := oddFiles[c.Name]
			ev, err := naverworks.Decode(c.Body)
			if !odd {
				// Generic: a well-formed event of its declared type.
				typ, _, _ := peekType(c.Body)
				if typ == "" {
					t.Fatalf("unclassified payload without a type: add it to oddFiles")
				}
				want = corpusOutcome{eventType: typ}
			}
			switch {
			case want.eventType == "":
				if !errors.Is(err, naverworks.ErrMalformed) {
					t.Fatalf("Decode = %v, %v; want ErrMalformed", ev, err)
				}
			case err != nil:
				t.Fatalf("Decode: %v", err)
			default:
				if ev.Type() != want.eventType {
					t.Errorf("EventType = %q, want %q", ev.Type(), want.eventType)
				}
				_, isUnknown := ev.(*naverworks.UnknownEvent)
				if isUnknown != want.unknownEvent {
					t.Errorf("event %T; unknown want %v", ev, want.unknownEvent)
				}
				if me, ok := ev.(*naverworks.MessageEvent); ok {
					_, raw := me.Content.(*naverworks.UnknownContent)
					if raw != want.unknownContent {
						t.Errorf("content %T; unknown want %v", me.Content, want.unknownContent)
					}
					if want.content != "" && me.Content.Type() != want.content {
						t.Errorf("content type %q, want %q", me.Content.Type(), want.content)
					}
				}
				in, ok := naverworks.ToIncoming(ev)
				if !ok {
					t.Fatal("ToIncoming refused the event")
				}
				messagetest.CheckIncoming(t, in)
			}
			if c.Vector != nil {
				checkVector(t, c.Body, c.Vector)
			}
		})
	}
}

func checkVector(t *testing.T, body []byte, v *conformance.Vector) {
	t.Helper()
	if !strings.EqualFold(v.Header, naverworks.SignatureHeader) {
		t.Errorf("vector header %q", v.Header)
	}
	secrets := signature.MustSecretSet(v.Secret)
	err := naverworks.VerifySignature(secrets, body, v.Signature)
	valid := v.Valid == nil || *v.Valid
	if valid && err != nil {
		t.Errorf("valid signature rejected: %v", err)
	}
	if !valid && !errors.Is(err, signature.ErrMismatch) {
		t.Errorf("invalid signature: err = %v, want ErrMismatch", err)
	}
	if v.ValidSignatureForRe != "" {
		if err := naverworks.VerifySignature(secrets, body, v.ValidSignatureForRe); err != nil {
			t.Errorf("reference signature rejected: %v", err)
		}
	}
	for _, s := range v.InvalidSignatures {
		if err := naverworks.VerifySignature(secrets, body, s); err == nil {
			t.Errorf("invalid signature %q accepted", s)
		}
	}
	for _, b := range v.MustFailBodies {
		if err := naverworks.VerifySignature(secrets, []byte(b), v.Signature); err == nil {
			t.Errorf("tampered body %q accepted", b)
		}
	}
	// Through the handler, with the bot ID header the source test sent.
	h, err := naverworks.NewWebhookHandler(secrets, func(context.Context, naverworks.Event) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/callback", bytes.NewReader(body))
	req.Header.Set(naverworks.SignatureHeader, v.Signature)
	for k, val := range v.BotIDHeader {
		req.Header.Set(k, val)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	_ = h.Wait(t.Context())
	wantStatus := http.StatusOK
	if !valid {
		wantStatus = http.StatusUnauthorized
	} else if _, err := naverworks.Decode(body); err != nil {
		wantStatus = http.StatusBadRequest
	}
	if rec.Code != wantStatus {
		t.Errorf("handler status %d, want %d", rec.Code, wantStatus)
	}
}

func peekType(b []byte) (string, bool, error) {
	ev, err := naverworks.Decode(b)
	if err != nil {
		return "", false, err
	}
	return ev.Type(), true, nil
}
