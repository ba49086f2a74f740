package naverworks_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/naverworks"
)

func seedFile(f *testing.F, name string) {
	b, err := os.ReadFile(filepath.Join("testdata", "api", name))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
}

// FuzzParseMentions: never panics; every span lies in the text, in order,
// covers exactly Mention(UserID), and its ID holds no delimiter; and
// Validate's count agrees with it.
func FuzzParseMentions(f *testing.F) {
	seedFile(f, "mention_text.txt")
	for _, s := range []string{"", `<m userId="">`, `<m userId="a`, `<m userId="<m userId="x">`, `<m userId="a">` + `<m userId="b">`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		spans := naverworks.ParseMentions(text)
		prev := 0
		for _, s := range spans {
			if s.Start < prev || s.End > len(text) || s.Start >= s.End {
				t.Fatalf("span %+v out of order or bounds (prev end %d, len %d)", s, prev, len(text))
			}
			if text[s.Start:s.End] != naverworks.Mention(s.UserID) {
				t.Fatalf("span %+v covers %q", s, text[s.Start:s.End])
			}
			if s.UserID == "" || strings.ContainsAny(s.UserID, `"<>`) {
				t.Fatalf("span %+v has a bad ID", s)
			}
			prev = s.End
		}
		// Rebuilding the text from its spans parses to the same IDs.
		var b strings.Builder
		for _, s := range spans {
			b.WriteString(naverworks.Mention(s.UserID))
		}
		again := naverworks.ParseMentions(b.String())
		if len(again) != len(spans) {
			t.Fatalf("rebuilt text has %d mentions, want %d", len(again), len(spans))
		}
		for i := range again {
			if again[i].UserID != spans[i].UserID {
				t.Fatalf("rebuilt mention %d is %q, want %q", i, again[i].UserID, spans[i].UserID)
			}
		}
	})
}

// FuzzChannelInfo: any input decodes or fails without panicking, and
// what decodes re-encodes to a value that decodes to itself.
func FuzzChannelInfo(f *testing.F) {
	seedFile(f, "channel_info.json")
	f.Add(`{"domainId":"d-1","channelId":"c","channelType":{"type":"GROUP","groupId":"g"}}`)
	f.Add(`{"domainId":[1],"channelId":1}`)
	f.Fuzz(func(t *testing.T, in string) {
		var c naverworks.ChannelInfo
		if json.Unmarshal([]byte(in), &c) != nil {
			return
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("re-encoding %+v: %v", c, err)
		}
		var again naverworks.ChannelInfo
		if err := json.Unmarshal(b, &again); err != nil {
			t.Fatalf("decoding %s: %v", b, err)
		}
		if diff := cmp.Diff(c, again); diff != "" {
			t.Fatalf("round trip of %s (-first +second):\n%s", b, diff)
		}
	})
}
