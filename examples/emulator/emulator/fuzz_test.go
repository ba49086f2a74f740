package emulator

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheck: whatever a bot sends a front, the validators answer with
// problems or none, and never panic.
func FuzzCheck(f *testing.F) {
	seeds := []string{
		`{"replyToken":"t","messages":[{"type":"text","text":"hi","quickReply":{"items":[{"type":"action","action":{"type":"message","label":"Menu","text":"menu"}}]}}]}`,
		`{"replyToken":"t","messages":[{"type":"flex","altText":"a","contents":{"type":"carousel","contents":[{"type":"bubble","body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"x"}]}}]}}]}`,
		`{"version":"2.0","template":{"outputs":[{"carousel":{"type":"basicCard","items":[{"title":"a","buttons":[{"label":"Order","action":"message","messageText":"m","extra":{"k":"v"}}]}]}}],"quickReplies":[{"label":"Menu","action":"message","messageText":"menu"}]}}`,
		`{"version":"2.0","useCallback":true,"data":{"text":"wait"}}`,
		`{"event":"send","compositeContent":{"compositeList":[{"title":"a","buttonList":[{"type":"TEXT","data":{"title":"Order","code":"c"}}]}]}}`,
		`{"event":"action","options":{"action":"typingOn"}}`,
		`{"content":{"type":"carousel","columns":[{"title":"a","text":"b","actions":[{"type":"postback","label":"Order","data":"d"}]}]}}`,
		`{"version":"1.0","response":{"outputSpeech":{"type":"SpeechList","values":[{"type":"PlainText","lang":"ko","value":"a"}]},"card":{},"directives":[],"shouldEndSession":true}}`,
		`{}`, `null`, `[]`, `"x"`, `{"messages":null}`, `{"content":null}`,
	}
	for _, s := range seeds {
		for _, p := range []string{LINE, Kakao, TalkTalk, NaverWorks, Clova} {
			f.Add(p, []byte(s))
		}
	}
	// The platform packages' golden outbound bodies, each under its own
	// platform.
	for _, p := range []string{LINE, Kakao, TalkTalk, NaverWorks, Clova} {
		files, _ := filepath.Glob(filepath.Join("..", "..", "..", p, "testdata", "golden", "*.json"))
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(p, b)
		}
	}
	f.Fuzz(func(t *testing.T, platform string, body []byte) {
		got := check(platform, body)
		for _, p := range got {
			if p == "" {
				t.Fatal("an empty problem")
			}
		}
	})
}
