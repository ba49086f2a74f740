package kakao

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jsonDiff compares two JSON documents semantically (key order, white
// space and number formatting ignored) and returns a "(-want +got)" diff.
func jsonDiff(t testing.TB, want, got []byte) string {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v", err)
	}
	return cmp.Diff(w, g)
}

// dropEmpty removes null, "", {} and [] values (recursively) so that a
// round trip through omitempty fields can be compared with its input.
func dropEmpty(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			e = dropEmpty(e)
			if isEmpty(e) {
				delete(x, k)
			} else {
				x[k] = e
			}
		}
		return x
	case []any:
		for i := range x {
			x[i] = dropEmpty(x[i])
		}
		return x
	}
	return v
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

func looseJSONDiff(t testing.TB, want, got []byte) string {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v", err)
	}
	return cmp.Diff(dropEmpty(w), dropEmpty(g))
}

// validationPaths returns the paths of what Validate found: one
// *ValidationError or a ValidationErrors. It reports false for an error of
// any other kind.
func validationPaths(err error) ([]string, bool) {
	var ves ValidationErrors
	var ve *ValidationError
	switch {
	case err == nil:
		return nil, true
	case errors.As(err, &ves):
		paths := make([]string, len(ves))
		for i, e := range ves {
			paths[i] = e.Path
		}
		return paths, true
	case errors.As(err, &ve):
		return []string{ve.Path}, true
	}
	return nil, false
}
