package clova_test

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/clova"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

// golden compares v's JSON encoding with testdata/golden/name.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s (-want +got):\n%s", path, d)
	}
}

func fixedID(d clova.Directive) clova.Directive {
	d.Header.MessageID = "00000000-0000-4000-8000-000000000000"
	return d
}

func TestResponseGolden(t *testing.T) {
	t.Parallel()
	keep := clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.Korean, "몇 판 드릴까요?")))
	keep.Version = "1.0"
	keep.Response.ShouldEndSession = false
	keep.Response.Reprompt = &clova.Reprompt{OutputSpeech: clova.SimpleSpeech(clova.PlainText(clova.Korean, "주문을 취소할까요?"))}
	if err := keep.SetSessionAttributes(map[string]any{"intent": "OrderPizza", "count": 2}); err != nil {
		t.Fatal(err)
	}
	play := clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.English, "Playing.")))
	play.Version = "0.1.0"
	play.Response.Directives = []clova.Directive{fixedID(clova.AudioPlay(clova.AudioPlayPayload{
		AudioItem: clova.AudioItem{AudioItemID: "item-1", TitleText: "Song", TitleSubText1: "Artist",
			Stream: clova.AudioStreamInfo{URL: "https://example.com/song.mp3", URLPlayable: true, Token: "tk"}},
		PlayBehavior: clova.ReplaceAll,
		Source:       clova.AudioSource{Name: "Example", LogoURL: "https://example.com/logo.png"},
	})), fixedID(clova.PlaybackStop())}
	tests := []struct {
		name string
		resp *clova.Response
	}{
		{"simple_speech", clova.NewResponse(clova.SimpleSpeech(clova.PlainText(clova.Korean, "안녕하세요.")))},
		{"speech_list_url", clova.NewResponse(clova.SpeechList(clova.PlainText(clova.Japanese, "歌を歌ってみます。"), clova.SpeechURL("https://example.com/song.mp3")))},
		{"speech_set", clova.NewResponse(clova.SpeechSet(clova.PlainText(clova.Korean, "날씨입니다."),
			clova.SpeechList(clova.PlainText(clova.Korean, "서울은 맑아요."), clova.PlainText(clova.Korean, "부산은 비가 와요."))))},
		{"reprompt_attributes", keep},
		{"audio_play", play},
		{"empty", &clova.Response{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.resp.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			golden(t, "response_"+tc.name, tc.resp)
			// And the encoding decodes back to the same value.
			b, _ := json.Marshal(tc.resp)
			var back clova.Response
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			b2, _ := json.Marshal(back)
			if string(b) != string(b2) {
				t.Errorf("round trip:\n%s\n%s", b, b2)
			}
		})
	}
}

func TestNewDirectiveIDs(t *testing.T) {
	t.Parallel()
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b := clova.PlaybackPause(), clova.PlaybackPause()
	if !uuid.MatchString(a.Header.MessageID) || a.Header.MessageID == b.Header.MessageID {
		t.Errorf("message IDs %q %q", a.Header.MessageID, b.Header.MessageID)
	}
	if _, err := clova.NewDirective("X", "Y", func() {}); err == nil {
		t.Error("NewDirective with an unencodable payload succeeded")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	say := func(s *clova.OutputSpeech) *clova.Response { return clova.NewResponse(s) }
	long := strings.Repeat("가", 201)
	tests := []struct {
		name string
		resp *clova.Response
		want []string // paths
	}{
		{"ok", say(clova.SimpleSpeech(clova.PlainText(clova.Korean, "네."))), nil},
		{"empty speech with directives", &clova.Response{Response: clova.ResponseBody{Directives: []clova.Directive{clova.PlaybackStop()}}}, nil},
		{"bad lang", say(clova.SimpleSpeech(clova.PlainText("de", "Hallo"))), []string{"response.outputSpeech.values.lang"}},
		{"missing lang", say(clova.SimpleSpeech(clova.PlainText("", "Hallo"))), []string{"response.outputSpeech.values.lang"}},
		{"empty text", say(clova.SpeechList(clova.PlainText(clova.Korean, " "))), []string{"response.outputSpeech.values[0].value"}},
		{"sentence too long", say(clova.SpeechList(clova.PlainText(clova.Korean, "짧아요."), clova.PlainText(clova.Korean, long))), []string{"response.outputSpeech.values[1].value"}},
		{"total too long", say(clova.SpeechList(func() []clova.SpeechInfo {
			var vs []clova.SpeechInfo
			for range 6 {
				vs = append(vs, clova.PlainText(clova.Korean, strings.Repeat("가", 199)+"."))
			}
			return vs
		}()...)), []string{"response.outputSpeech.values"}},
		{"url with lang", say(clova.SimpleSpeech(clova.SpeechInfo{Type: clova.URLType, Lang: clova.Korean, Value: "https://example.com/a.mp3"})), []string{"response.outputSpeech.values.lang"}},
		{"relative url", say(clova.SimpleSpeech(clova.SpeechURL("/a.mp3"))), []string{"response.outputSpeech.values.value"}},
		{"url too long", say(clova.SimpleSpeech(clova.SpeechURL("https://example.com/" + strings.Repeat("a", 2048)))), []string{"response.outputSpeech.values.value"}},
		{"hls without content type", say(clova.SimpleSpeech(clova.SpeechURL("https://example.com/live.m3u8?x=1"))), []string{"response.outputSpeech.values.contentType"}},
		{"token too long", say(clova.SimpleSpeech(clova.SpeechInfo{Type: clova.PlainTextType, Lang: clova.Korean, Value: "네", Token: strings.Repeat("t", 2049)})), []string{"response.outputSpeech.values.token"}},
		{"unknown value type", say(clova.SimpleSpeech(clova.SpeechInfo{Type: "SSML", Lang: clova.Korean, Value: "x"})), []string{"response.outputSpeech.values.type"}},
		{"simple with two values", say(&clova.OutputSpeech{Type: clova.SimpleSpeechType, Values: []clova.SpeechInfo{clova.PlainText(clova.Korean, "a"), clova.PlainText(clova.Korean, "b")}}), []string{"response.outputSpeech.values"}},
		{"empty list", say(clova.SpeechList()), []string{"response.outputSpeech.values"}},
		{"unknown speech type", say(&clova.OutputSpeech{Type: "Whisper"}), []string{"response.outputSpeech.type"}},
		{"speech set without parts", say(&clova.OutputSpeech{Type: clova.SpeechSetType}), []string{"response.outputSpeech.brief", "response.outputSpeech.verbose"}},
		{"speech set with bad verbose", say(clova.SpeechSet(clova.PlainText(clova.Korean, "a"), clova.SpeechSet(clova.PlainText(clova.Korean, "b"), nil))), []string{"response.outputSpeech.verbose.type"}},
		{"speech set bad brief", say(clova.SpeechSet(clova.PlainText("xx", "a"), clova.SimpleSpeech(clova.PlainText(clova.Korean, "b")))), []string{"response.outputSpeech.brief.lang"}},
		{"reprompt ending session", func() *clova.Response {
			r := say(clova.SimpleSpeech(clova.PlainText(clova.Korean, "a")))
			r.Response.Reprompt = &clova.Reprompt{OutputSpeech: clova.SimpleSpeech(clova.PlainText(clova.Korean, "b"))}
			return r
		}(), []string{"response.reprompt"}},
		{"reprompt invalid", func() *clova.Response {
			r := say(clova.SimpleSpeech(clova.PlainText(clova.Korean, "a")))
			r.Response.ShouldEndSession = false
			r.Response.Reprompt = &clova.Reprompt{OutputSpeech: clova.SimpleSpeech(clova.PlainText("fr", "b"))}
			return r
		}(), []string{"response.reprompt.outputSpeech.values.lang"}},
		{"attributes not object", &clova.Response{SessionAttributes: json.RawMessage(`[1]`)}, []string{"sessionAttributes"}},
		{"card not object", &clova.Response{Response: clova.ResponseBody{Card: json.RawMessage(`"x"`)}}, []string{"response.card"}},
		{"directive incomplete", &clova.Response{Response: clova.ResponseBody{Directives: []clova.Directive{{Payload: json.RawMessage(`[]`)}}}},
			[]string{"response.directives[0].header.messageId", "response.directives[0].header.namespace", "response.directives[0].header.name", "response.directives[0].payload"}},
		{"audio play invalid", &clova.Response{Response: clova.ResponseBody{Directives: []clova.Directive{clova.AudioPlay(clova.AudioPlayPayload{
			AudioItem: clova.AudioItem{Stream: clova.AudioStreamInfo{URL: "nope", URLPlayable: true}}, PlayBehavior: "SHUFFLE"})}}},
			[]string{"response.directives[0].payload.playBehavior", "response.directives[0].payload.audioItem.audioItemId", "response.directives[0].payload.audioItem.stream.url"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.resp.Validate()
			var got []string
			var ves clova.ValidationErrors
			var one *clova.ValidationError
			switch {
			case errors.As(err, &ves):
				if len(ves) < 2 {
					t.Errorf("ValidationErrors of %d; one problem reads as its *ValidationError", len(ves))
				}
				for _, e := range ves {
					got = append(got, e.Path)
				}
			case errors.As(err, &one):
				got = append(got, one.Path)
			case err != nil:
				t.Fatalf("error %T %v", err, err)
			}
			if err != nil && !errors.Is(err, clova.ErrInvalid) {
				t.Errorf("error %q does not wrap ErrInvalid", err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("paths (-want +got):\n%s\nerror: %v", d, err)
			}
			if err != nil {
				var one *clova.ValidationError
				if !errors.As(err, &one) || !strings.HasPrefix(err.Error(), "clova: ") {
					t.Errorf("error %q: no *ValidationError or prefix", err)
				}
			}
		})
	}
}

func TestWebhookPayloadsRoundTrip(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "webhook", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no payloads: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var r clova.Request
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatal(err)
			}
			out, err := json.Marshal(&r)
			if err != nil {
				t.Fatal(err)
			}
			assertSameJSON(t, body, out)
		})
	}
}

// TestSetSessionAttributesRefusesNonObjects: attributes are a JSON object;
// anything else is an *ArgumentError, and nil clears them.
func TestSetSessionAttributesRefusesNonObjects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		v       any
		wantErr bool
	}{
		{"object", map[string]int{"n": 1}, false},
		{"nil clears", nil, false},
		{"array", []int{1}, true},
		{"string", "x", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := clova.NewResponse(nil)
			err := r.SetSessionAttributes(tc.v)
			var ae *clova.ArgumentError
			if got := errors.As(err, &ae) && errors.Is(err, clova.ErrInvalid); got != tc.wantErr {
				t.Errorf("SetSessionAttributes(%v) = %v; want an *ArgumentError: %v", tc.v, err, tc.wantErr)
			}
		})
	}
}
