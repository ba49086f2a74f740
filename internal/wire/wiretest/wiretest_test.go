package wiretest

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/channelkit/channelkit/internal/wire"
)

// decodeFlat is a fast decoder of an object of strings.
func decodeFlat(body []byte) (map[string]string, bool) {
	s := wire.NewScanner(body)
	if !s.Open() {
		return nil, false
	}
	m := map[string]string{}
	for more := s.First(); more; more = s.Next() {
		k, ok := s.Key()
		if _, dup := m[string(k)]; !ok || dup {
			return nil, false
		}
		if m[string(k)], ok = s.Text(); !ok {
			return nil, false
		}
	}
	return m, s.Close() && s.End()
}

func checkFlat(t *testing.T, body []byte, got map[string]string) {
	t.Helper()
	var want map[string]string
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatalf("fast path took %q, which encoding/json refuses: %v", body, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fast decoding of %q (-encoding/json +fast):\n%s", body, diff)
	}
}

func TestCheckFast(t *testing.T) {
	cases := []Case{
		{Name: "flat", Body: `{"a":"b","c":"d\ne"}`, Fast: true},
		{Name: "empty", Body: `{}`, Fast: true},
		{Name: "number", Body: `{"a":1}`},
		{Name: "repeated key", Body: `{"a":"b","a":"c"}`},
		{Name: "trailing data", Body: `{}{}`},
	}
	CheckFast(t, cases, "../testdata/scan/*.json", decodeFlat, checkFlat)
}
