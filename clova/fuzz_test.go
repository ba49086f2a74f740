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
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/message"
	"github.com/channelkit/channelkit/signature"
)

func seedBodies(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for _, pattern := range []string{"testdata/webhook/*.json", "testdata/chatbot/*.json", "testdata/golden/*.json"} {
		files, _ := filepath.Glob(pattern)
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, b)
		}
	}
	out = append(out, []byte(`{"request":{"type":"IntentRequest","intent":{"name":"x","slots":null}}}`),
		[]byte(`{"session":null,"request":{"type":"EventRequest","event":{"namespace":"","name":"","payload":null}}}`),
		[]byte(`{"request":{"type":"\u004caunchRequest"}}`), []byte(`[]`), []byte(`{`))
	return out
}

// FuzzParse decodes arbitrary bodies as CEK requests, CEK responses and
// chatbot answers: no panics, and whatever decodes re-encodes stably.
func FuzzParse(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r clova.Request
		if err := r.UnmarshalJSON(body); err == nil {
			a, err := json.Marshal(&r)
			if err != nil {
				t.Fatalf("encode decoded request: %v", err)
			}
			var r2 clova.Request
			if err := r2.UnmarshalJSON(a); err != nil {
				t.Fatalf("re-decode %s: %v", a, err)
			}
			b, _ := json.Marshal(&r2)
			if !bytes.Equal(a, b) {
				t.Fatalf("request not stable:\n%s\n%s", a, b)
			}
			clova.ToIncoming(&r)
			_ = r.Session.DecodeAttributes(new(any))
		} else if !errors.Is(err, clova.ErrMalformed) {
			t.Fatalf("error %v does not wrap ErrMalformed", err)
		}

		var resp clova.Response
		if json.Unmarshal(body, &resp) == nil {
			_ = resp.Validate()
			a, err := json.Marshal(resp)
			if err != nil {
				t.Fatalf("encode decoded response: %v", err)
			}
			var resp2 clova.Response
			if err := json.Unmarshal(a, &resp2); err != nil {
				t.Fatalf("re-decode response %s: %v", a, err)
			}
			if b, _ := json.Marshal(resp2); !bytes.Equal(a, b) {
				t.Fatalf("response not stable:\n%s\n%s", a, b)
			}
		}

		var ans clova.ChatbotResponse
		if json.Unmarshal(body, &ans) == nil {
			clova.ToContent(ans.Bubbles)
			a, err := json.Marshal(&ans)
			if err != nil {
				t.Fatalf("encode decoded answer: %v", err)
			}
			var ans2 clova.ChatbotResponse
			if err := json.Unmarshal(a, &ans2); err != nil {
				t.Fatalf("re-decode answer %s: %v", a, err)
			}
			if b, _ := json.Marshal(&ans2); !bytes.Equal(a, b) {
				t.Fatalf("answer not stable:\n%s\n%s", a, b)
			}
		}
	})
}

// FuzzVerify mutates a signed body and its signature: only the untouched
// pair verifies, nothing panics, and every failure wraps a signature
// sentinel.
func FuzzVerify(f *testing.F) {
	body, _ := json.Marshal(clovatest.Launch())
	sig := clovatest.Sign(nil, body)
	f.Add(body, sig)
	f.Add(body, sig[:len(sig)-2])
	f.Add(body, "")
	f.Add([]byte{}, sig)
	f.Add(body, "====")
	f.Add(body, sig+sig)
	pub := clovatest.PublicKey()
	f.Fuzz(func(t *testing.T, b []byte, s string) {
		err := clova.VerifySignature(pub, b, s)
		if err == nil {
			if !bytes.Equal(b, body) {
				t.Fatalf("a different body verified: %q", b)
			}
			return
		}
		if !errors.Is(err, signature.ErrMismatch) && !errors.Is(err, signature.ErrMissing) {
			t.Fatalf("error %v wraps no sentinel", err)
		}
		if _, perr := clova.Parse(pub, b, s); perr == nil {
			t.Fatal("Parse accepted what VerifySignature refused")
		}
	})
}

// FuzzHandler drives the whole WebhookHandler with arbitrary bodies (with
// verification off, so that the body reaches the decoder and the bridge):
// it never panics, answers one of its fixed statuses, and a 200 always
// carries a valid response.
func FuzzHandler(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	h, err := clova.NewWebhookHandler(clovatest.ApplicationID, func(_ context.Context, req *clova.Request) (*clova.Response, error) {
		in, _ := clova.ToIncoming(req)
		resp, _, err := clova.Render(&message.Text{Text: "got " + string(in.Kind) + " " + in.Data}, message.RenderOptions{})
		return resp, err
	}, clova.InsecureSkipVerify())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
		switch rec.Code {
		case 200:
			var resp clova.Response
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("200 with an undecodable body: %v", err)
			}
			if err := resp.Validate(); err != nil {
				t.Fatalf("200 with an invalid response: %v", err)
			}
		case 400, 403, 500:
		default:
			t.Fatalf("status %d", rec.Code)
		}
	})
}

// FuzzMultiBotHandler drives a multi-bot BotHandler with arbitrary bodies
// (verification off, so that the body reaches the resolver): it never
// panics, answers one of its fixed statuses, a 200 carries a valid
// response, and the Handler only ever sees a bot the resolver serves, as
// the Incoming's BotID and in the context.
func FuzzMultiBotHandler(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	bots, err := clova.StaticBots(&clova.Bot{ID: clovatest.ApplicationID}, &clova.Bot{ID: "com.example.other"})
	if err != nil {
		f.Fatal(err)
	}
	var wrong atomic.Value
	h, err := clova.NewMultiBotHandler(bots, message.HandlerFunc(func(ctx context.Context, in *message.Incoming, r message.Responder) error {
		b, ok := clova.BotFromContext(ctx)
		if !ok || b.ID != in.BotID || (in.BotID != clovatest.ApplicationID && in.BotID != "com.example.other") {
			wrong.Store(in.BotID)
		}
		_, err := r.Reply(ctx, &message.Text{Text: "got " + in.Data})
		return err
	}), clova.InsecureSkipVerify(), clova.WithBotCacheTTL(0))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
		if id := wrong.Load(); id != nil {
			t.Fatalf("the Handler saw bot %q", id)
		}
		switch rec.Code {
		case 200:
			var resp clova.Response
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("200 with an undecodable body: %v", err)
			}
			if err := resp.Validate(); err != nil {
				t.Fatalf("200 with an invalid response: %v", err)
			}
		case 400, 401, 403, 500:
			if rec.Body.Len() != 0 {
				t.Fatalf("%d with a body", rec.Code)
			}
		default:
			t.Fatalf("status %d", rec.Code)
		}
	})
}

// FuzzChatbotUserID: the chatbot user ID of any event is empty only when
// the event names no user or conversation, never longer than the
// chatbot's 256 characters, and tells two users apart.
func FuzzChatbotUserID(f *testing.F) {
	f.Add("line", "", "U4af4980629", "U4af4980629", "U1")
	f.Add("naverworks", "2000001", "", "channel-id", "user")
	f.Add("kakao", strings.Repeat("b", 250), "user-key", "", "other")
	f.Fuzz(func(t *testing.T, platform, bot, user, conv, other string) {
		in := message.Incoming{Platform: message.Platform(platform), BotID: bot, UserID: user, ConversationID: conv}
		id := clova.ChatbotUserID(&in)
		if (id == "") != (user == "" && conv == "") {
			t.Fatalf("ID %q for user %q, conversation %q", id, user, conv)
		}
		if n := utf8.RuneCountInString(id); n > 256 {
			t.Fatalf("ID of %d characters", n)
		}
		if id != clova.ChatbotUserID(&in) {
			t.Fatal("not deterministic")
		}
		if user != "" && other != "" && other != user && !strings.Contains(platform+bot, ":") {
			in2 := in
			in2.UserID = other
			if clova.ChatbotUserID(&in2) == id {
				t.Fatalf("users %q and %q share the ID %q", user, other, id)
			}
		}
	})
}
