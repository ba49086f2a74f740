package talktalk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// seedWebhooks adds every webhook fixture; a fuzz target without its seeds
// fails rather than fuzzing from nothing.
func seedWebhooks(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob("testdata/webhook/*.json")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/webhook: %v", err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzDecode: Decode never panics; what it accepts encodes, and
// decode → encode → decode → encode is stable (for send and echo events,
// decode → encode → decode gives the same value); validation and the
// bridge never panic on anything Parse returns.
func FuzzDecode(f *testing.F) {
	seedWebhooks(f)
	f.Add([]byte(`{"event":"send","user":"u","textContent":{"text":"x","quickReply":{"buttonList":[null,1,{"type":"OPTION","data":{"buttonList":[{"type":"PAY"}]}}]}}}`))
	f.Add([]byte(`{"event":"handover","options":{"control":"takeThread"}}`))
	f.Add([]byte(`{"event":"pay_confirm","options":{"paymentConfirmResult":{"deatil":null,"detail":[]}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := talktalk.Decode(body)
		if err != nil {
			if !errors.Is(err, talktalk.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		_ = talktalk.Validate(ev)
		_, _ = talktalk.ToIncoming(ev)
		if h, ok := ev.(*talktalk.HandoverEvent); ok {
			_, _ = h.DecodeMetadata()
		}
		out, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("accepted %q but cannot encode it: %v", body, err)
		}
		ev2, err := talktalk.Decode(out)
		if err != nil {
			t.Fatalf("cannot re-parse own encoding %s: %v", out, err)
		}
		if ev2.Type() != ev.Type() {
			t.Fatalf("type changed: %s -> %s", ev.Type(), ev2.Type())
		}
		switch ev.(type) {
		case *talktalk.EchoEvent, *talktalk.SendEvent:
			// Messages decode back to the same value: nothing the
			// decoder keeps is lost or changed by encoding.
			if diff := cmp.Diff(ev, ev2, equateDecoded); diff != "" {
				t.Fatalf("decode→encode→decode differs (-first +second):\n%s\nencoded: %s", diff, out)
			}
		default:
			// the other events are held to stable bytes below
		}
		out2, err := json.Marshal(ev2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("encoding not stable:\n%s\n%s", out, out2)
		}
	})
}

// equateDecoded compares values decoded from JSON: an empty list is an
// absent one (omitempty drops it), and raw JSON compares as json.Marshal
// rewrites it (compact, HTML characters escaped).
var equateDecoded = cmp.Options{
	cmpopts.EquateEmpty(),
	cmp.FilterValues(func(a, b json.RawMessage) bool { return len(a) > 0 || len(b) > 0 }, cmp.Comparer(func(a, b json.RawMessage) bool {
		norm := func(r json.RawMessage) string {
			var c, h bytes.Buffer
			if json.Compact(&c, r) != nil {
				return string(r)
			}
			json.HTMLEscape(&h, c.Bytes())
			return h.String()
		}
		return norm(a) == norm(b)
	})),
}

// FuzzWebhook: any body through the handler gets one of the fixed
// statuses, never a panic, and the callback sees only parsed events.
func FuzzWebhook(f *testing.F) {
	seedWebhooks(f)
	h, err := talktalk.NewWebhookHandler(func(_ context.Context, ev talktalk.Event) (talktalk.Event, error) {
		if ev == nil {
			return nil, errors.New("nil event")
		}
		if se, ok := ev.(*talktalk.SendEvent); ok && se.Text != nil {
			return textReply(se.Text.Text), nil // may be invalid (empty): a 500, not a panic
		}
		return nil, nil
	}, talktalk.WithMaxBodyBytes(4096))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, talktalktest.NewRequest(t, body))
		switch rec.Code {
		case 200, 400, 413, 500:
		default:
			t.Fatalf("status %d", rec.Code)
		}
		if rec.Code == 200 && rec.Body.Len() > 0 {
			if _, err := talktalk.Decode(rec.Body.Bytes()); err != nil {
				t.Fatalf("reply body does not parse: %v", err)
			}
		}
	})
}
