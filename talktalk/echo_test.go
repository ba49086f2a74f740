package talktalk_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/talktalk"
)

// jsonValue decodes a JSON document into generic values, numbers kept as
// written: two documents with equal values are the same JSON, key order
// and spacing aside. Unlike normalize, it keeps empty strings and nulls.
func jsonValue(t testing.TB, b []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	return v
}

// checkEchoRoundTrip: an echo re-encodes to the same JSON it was decoded
// from, and decodes back to the same value.
func checkEchoRoundTrip(t *testing.T, body []byte) {
	t.Helper()
	ev, err := talktalk.Decode(body)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if _, ok := ev.(*talktalk.EchoEvent); !ok {
		t.Fatalf("Parse = %T, want *EchoEvent", ev)
	}
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	if diff := cmp.Diff(jsonValue(t, body), jsonValue(t, out)); diff != "" {
		t.Errorf("re-encoded JSON differs (-received +re-encoded):\n%s", diff)
	}
	ev2, err := talktalk.Decode(out)
	if err != nil {
		t.Fatalf("re-Parse: %v", err)
	}
	if diff := cmp.Diff(ev, ev2); diff != "" {
		t.Errorf("decode→encode→decode differs (-first +second):\n%s", diff)
	}
}

func TestEchoRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
	}{
		// The shape NAVER TalkTalk sends when an agent sends a file from
		// mobile (navertalk/chatbot-api issue #222): an empty textContent
		// beside the file, a messageId and options.noReflectBot.
		{"file from mobile with empty textContent", `{"event":"echo","user":"u1","messageId":44,"textContent":{},"fileContent":{"downloadUrl":"https://talk.naver.com/files/x","fileName":"a.pdf","expireDate":"2023-08-03"},"options":{"noReflectBot":false,"mobile":false,"managerNickname":"매니저"},"echoedEvent":"send"}`},
		{"agent text with handover options", `{"event":"echo","echoedEvent":"send","user":"u1","partner":"wc8b1i","messageId":7,"textContent":{"text":"상담원입니다"},"options":{"mobile":true,"noReflectBot":true,"sourceId":1,"threadOwnerId":1,"managerNickname":"상담원"}}`},
		{"bot's own text with input type", `{"event":"echo","echoedEvent":"send","user":"u1","textContent":{"text":"명함","inputType":"nameCard","code":"c"},"options":{"threadOwnerId":10007}}`},
		{"empty text with a code", `{"event":"echo","user":"u1","textContent":{"code":"only"}}`},
		{"image with sizes", `{"event":"echo","user":"u1","messageId":9007199254740993,"imageContent":{"imageUrl":"https://x/a.png","width":"640","height":"480"},"options":{"mobile":false}}`},
		{"composite with buttons", `{"event":"echo","user":"u1","compositeContent":{"compositeList":[{"title":"t","buttonList":[{"type":"TEXT","data":{"title":"a","code":"x"}},{"type":"FUTURE","data":{"k":1}}]}],"quickReply":{"buttonList":[{"type":"LINK","data":{"title":"l","url":"https://x"}}]}}}`},
		{"mixed contents", `{"event":"echo","echoedEvent":"send","user":"u1","partner":"p","imageContent":{"imageUrl":"https://x/a.png"},"textContent":{"text":"t"},"compositeContent":{"compositeList":[]},"options":{"mobile":false}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkEchoRoundTrip(t, []byte(tt.body))
		})
	}
	files, err := filepath.Glob("testdata/webhook/echo_*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no echo fixtures: %v", err)
	}
	for _, p := range files {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".json"), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			checkEchoRoundTrip(t, b)
		})
	}
}
