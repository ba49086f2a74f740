package botset

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/internal/invalid"
)

type testBot struct {
	ID     string
	Secret string
}

func TestIndex(t *testing.T) {
	noSecret := func(b *testBot, at string) []*invalid.ValidationError {
		if b.Secret == "" {
			return []*invalid.ValidationError{invalid.New("demo", at+".Secret", "missing secret")}
		}
		return nil
	}
	a, b := &testBot{ID: "a", Secret: "s"}, &testBot{ID: "b", Secret: "s"}
	set, errs := Index("demo", []*testBot{a, nil, {ID: ""}, {ID: strings.Repeat("x", MaxIDLen+1), Secret: "s"}, {ID: "a", Secret: "s"}, b},
		func(b *testBot) string { return b.ID }, noSecret)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		"demo: bots[1]: nil bot",
		"demo: bots[2].ID: missing bot ID",
		"demo: bots[2].Secret: missing secret",
		"demo: bots[3].ID: longer than 256 bytes",
		"demo: bots[4].ID: the same ID as bots[0]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if len(set) != 2 || set["a"] != a || set["b"] != b {
		t.Errorf("indexed %v, want a and b (the first a)", set)
	}
}
