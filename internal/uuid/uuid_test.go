package uuid

import "testing"

func TestNew(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		u := New()
		if !Valid(u) {
			t.Fatalf("New() = %q is not valid", u)
		}
		if u[14] != '4' {
			t.Fatalf("New() = %q is not version 4", u)
		}
		if c := u[19]; c != '8' && c != '9' && c != 'a' && c != 'b' {
			t.Fatalf("New() = %q has the wrong variant", u)
		}
		if seen[u] {
			t.Fatalf("New() repeated %q", u)
		}
		seen[u] = true
	}
}

func TestValid(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"123e4567-e89b-42d3-a456-426614174000": true,
		"123E4567-E89B-42D3-A456-426614174000": true,
		"123e4567e89b42d3a456426614174000":     false,
		"123e4567-e89b-42d3-a456-42661417400":  false,
		"123e4567-e89b-42d3-a456-42661417400g": false,
		"123e4567+e89b-42d3-a456-426614174000": false,
		"":                                     false,
	} {
		if got := Valid(s); got != want {
			t.Errorf("Valid(%q) = %v, want %v", s, got, want)
		}
	}
}
