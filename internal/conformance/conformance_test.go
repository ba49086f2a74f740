package conformance

import (
	"strings"
	"testing"
)

func TestCasesPairVectors(t *testing.T) {
	dir := Dir(t, "line")
	cases := Cases(t, dir)
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	vectors := 0
	for _, c := range cases {
		if strings.HasSuffix(c.Name, ".vector") || len(c.Body) == 0 && c.Vector == nil {
			t.Errorf("case %s: sidecar listed as a payload or empty body", c.Name)
		}
		if c.Vector != nil {
			vectors++
			if c.Vector.Signature == "" || c.Vector.Secret == "" {
				t.Errorf("case %s: vector without signature or secret", c.Name)
			}
		}
	}
	if vectors == 0 {
		t.Error("no vectors paired with payloads")
	}
}

func TestMissingPlatformSkips(t *testing.T) {
	ran := t.Run("inner", func(t *testing.T) {
		Dir(t, "no-such-platform")
		t.Error("Dir did not skip")
	})
	if !ran {
		t.Error("subtest failed")
	}
}
