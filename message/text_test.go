package message_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/message"
)

func TestUnitLen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s                   string
		runes, utf16, bytes int
	}{
		{"", 0, 0, 0},
		{"abc", 3, 3, 3},
		{"안녕", 2, 2, 6},
		{"👋", 1, 2, 4},
		{"👋🏽", 2, 4, 8},
		{"a\xffb", 3, 3, 3},
	}
	for _, tt := range tests {
		if got := message.Runes.Len(tt.s); got != tt.runes {
			t.Errorf("Runes.Len(%q) = %d, want %d", tt.s, got, tt.runes)
		}
		if got := message.UTF16.Len(tt.s); got != tt.utf16 {
			t.Errorf("UTF16.Len(%q) = %d, want %d", tt.s, got, tt.utf16)
		}
		if got := message.Bytes.Len(tt.s); got != tt.bytes {
			t.Errorf("Bytes.Len(%q) = %d, want %d", tt.s, got, tt.bytes)
		}
	}
}

func TestTruncateText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		s       string
		max     int
		unit    message.Unit
		want    string
		wantCut bool
	}{
		{name: "fits", s: "hello", max: 5, unit: message.Runes, want: "hello"},
		{name: "no_limit", s: "hello", max: 0, unit: message.Runes, want: "hello"},
		{name: "ascii", s: "hello", max: 3, unit: message.Runes, want: "hel", wantCut: true},
		{name: "hangul_runes", s: "안녕하세요", max: 2, unit: message.Runes, want: "안녕", wantCut: true},
		{name: "hangul_bytes_mid_rune", s: "안녕하세요", max: 7, unit: message.Bytes, want: "안녕", wantCut: true},
		{name: "emoji_utf16_no_half_surrogate", s: "ab👋cd", max: 3, unit: message.UTF16, want: "ab", wantCut: true},
		{name: "emoji_utf16_fits_pair", s: "ab👋cd", max: 4, unit: message.UTF16, want: "ab👋", wantCut: true},
		{name: "emoji_runes", s: "👋👋👋", max: 2, unit: message.Runes, want: "👋👋", wantCut: true},
		{name: "invalid_utf8_bytes", s: "\xff\xfe\xfd\xfc", max: 2, unit: message.Bytes, want: "\xff\xfe", wantCut: true},
		{name: "invalid_utf8_utf16", s: "a\xffb\xfec", max: 3, unit: message.UTF16, want: "a\xffb", wantCut: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, cut := message.TruncateText(tt.s, tt.max, tt.unit)
			if got != tt.want || cut != tt.wantCut {
				t.Errorf("TruncateText(%q, %d) = %q, %v; want %q, %v", tt.s, tt.max, got, cut, tt.want, tt.wantCut)
			}
			if utf8.ValidString(tt.s) && !utf8.ValidString(got) {
				t.Errorf("result %q is not valid UTF-8", got)
			}
		})
	}
}

func TestReportTruncate(t *testing.T) {
	t.Parallel()
	var rep message.Report
	if got := rep.Truncate("Text", "short", 10, message.Runes); got != "short" || !rep.Lossless() {
		t.Fatalf("no cut: got %q, report %s", got, rep)
	}
	got := rep.Truncate("Cards[0].Title", "가나다라마", 3, message.Runes)
	if got != "가나다" {
		t.Errorf("got %q", got)
	}
	want := []message.Loss{{Path: "Cards[0].Title", Reason: message.Truncated, Detail: "limit is 3 characters"}}
	if diff := cmp.Diff(want, rep.Losses); diff != "" {
		t.Errorf("losses (-want +got):\n%s", diff)
	}
}

func TestSplitText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    string
		max  int
		unit message.Unit
		want []string
	}{
		{name: "fits", s: "hello world", max: 20, unit: message.Runes, want: []string{"hello world"}},
		{name: "at_space", s: "hello world again", max: 11, unit: message.Runes, want: []string{"hello ", "world again"}},
		{name: "prefers_newline", s: "one two\nthree four", max: 14, unit: message.Runes, want: []string{"one two\n", "three four"}},
		{name: "hard_cut_long_word", s: "abcdefghij", max: 4, unit: message.Runes, want: []string{"abcd", "efgh", "ij"}},
		{name: "hangul", s: "가나다 라마바 사아자", max: 4, unit: message.Runes, want: []string{"가나다 ", "라마바 ", "사아자"}},
		{name: "utf16_emoji", s: "👋👋👋", max: 3, unit: message.UTF16, want: []string{"👋", "👋", "👋"}},
		{name: "rune_wider_than_max", s: "👋a", max: 1, unit: message.UTF16, want: []string{"👋", "a"}},
		{name: "invalid_utf8_bytes", s: "\xff\xfe\xfd\xfc", max: 2, unit: message.Bytes, want: []string{"\xff\xfe", "\xfd\xfc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := message.SplitText(tt.s, tt.max, tt.unit)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("SplitText (-want +got):\n%s", diff)
			}
			if strings.Join(got, "") != tt.s {
				t.Errorf("pieces do not join back to the input")
			}
		})
	}
}

func TestReportSplit(t *testing.T) {
	t.Parallel()
	var rep message.Report
	parts := rep.Split("Text", strings.Repeat("word ", 10), 12, message.Runes)
	if len(parts) < 2 {
		t.Fatalf("parts = %q", parts)
	}
	if len(rep.Losses) != 1 || rep.Losses[0].Reason != message.Split || rep.Losses[0].Path != "Text" {
		t.Fatalf("report = %s", rep)
	}
	for _, p := range parts {
		if n := message.Runes.Len(p); n > 12 {
			t.Errorf("piece %q has %d runes", p, n)
		}
	}
}

func FuzzSplitText(f *testing.F) {
	f.Add("hello world", 5, 0)
	f.Add("가나다 라마바\n사아자 👋🏽", 3, 1)
	f.Add("\xff\xfe", 1, 2)
	f.Fuzz(func(t *testing.T, s string, max int, unit int) {
		if max > 1<<12 || max < -1 {
			return
		}
		u := message.Unit(((unit % 3) + 3) % 3)
		parts := message.SplitText(s, max, u)
		if strings.Join(parts, "") != s {
			t.Fatalf("pieces do not join back")
		}
		for _, p := range parts {
			if max > 0 && u.Len(p) > max && utf8.RuneCountInString(p) > 1 {
				t.Fatalf("piece %q exceeds %d %s", p, max, u)
			}
		}
		got, cut := message.TruncateText(s, max, u)
		if !strings.HasPrefix(s, got) || (max > 0 && u.Len(got) > max) || cut != (got != s) {
			t.Fatalf("TruncateText(%q, %d) = %q, %v", s, max, got, cut)
		}
		if cut {
			// It keeps as much as fits: one more rune would not.
			_, w := utf8.DecodeRuneInString(s[len(got):])
			if u.Len(s[:len(got)+w]) <= max {
				t.Fatalf("TruncateText(%q, %d, %s) = %q cut more than needed", s, max, u, got)
			}
		}
	})
}
