package wire

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pair is what walkPair reads: an object of at most the keys "a" and "b",
// strings, as a decoder's struct reader reads its fields.
type pair struct{ A, B string }

// walkPair reads a pair with Object, as a struct's reader does; the key
// "wide" has a place above 63, and "any" a negative place (read but never
// refused as repeated).
func walkPair(s *Scanner) (pair, bool) {
	var p pair
	o := Walk(s)
	for o.Next() {
		switch string(o.Key()) {
		case "a":
			v, ok := s.Text()
			p.A = v
			o.Read(0, ok)
		case "b":
			v, ok := s.Text()
			p.B = v
			o.Read(63, ok)
		case "wide":
			_, ok := s.Text()
			o.Read(64, ok)
		case "any":
			_, ok := s.Text()
			o.Read(-1, ok)
		default:
			return pair{}, false
		}
	}
	if !o.Close() || !s.End() {
		return pair{}, false
	}
	return p, true
}

func TestObject(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want pair
		ok   bool
	}{
		{"both", `{"a":"x","b":"y"}`, pair{"x", "y"}, true},
		{"white space", " {\n\t\"b\" : \"y\" ,\r\"a\":\"x\" } ", pair{"x", "y"}, true},
		{"empty", `{}`, pair{}, true},
		{"empty with space", `{ }`, pair{}, true},
		{"a key not in the table", `{"a":"x","c":"z"}`, pair{}, false},
		{"a repeated", `{"a":"x","a":"x"}`, pair{}, false},
		{"place 63 repeated", `{"b":"y","a":"x","b":"y"}`, pair{}, false},
		{"a negative place is never a repeat", `{"any":"1","any":"2"}`, pair{}, true},
		{"a place above 63", `{"wide":"w"}`, pair{}, false},
		{"a value not read", `{"a":1}`, pair{}, false},
		{"a key with an escape", `{"\u0061":"x"}`, pair{}, false},
		{"no colon", `{"a" "x"}`, pair{}, false},
		{"trailing comma", `{"a":"x",}`, pair{}, false},
		{"leading comma", `{,"a":"x"}`, pair{}, false},
		{"no comma", `{"a":"x" "b":"y"}`, pair{}, false},
		{"unclosed", `{"a":"x"`, pair{}, false},
		{"unclosed empty", `{`, pair{}, false},
		{"null", `null`, pair{}, false},
		{"an array", `["a"]`, pair{}, false},
		{"nothing", ``, pair{}, false},
		{"a key that is not a string", `{a:"x"}`, pair{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewScanner([]byte(tc.in))
			got, ok := walkPair(&s)
			if ok != tc.ok {
				t.Fatalf("walkPair(%q) ok = %v, want %v", tc.in, ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("walkPair(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// TestObjectStopsAfterFailure: once a value is not read, Next reports no
// more members and Close fails, even though the object goes on.
func TestObjectStopsAfterFailure(t *testing.T) {
	s := NewScanner([]byte(`{"a":1,"b":"y"}`))
	o := Walk(&s)
	if !o.Next() || string(o.Key()) != "a" {
		t.Fatalf("first member: Key = %q", o.Key())
	}
	_, ok := s.Text()
	o.Read(0, ok)
	if o.Next() {
		t.Errorf("Next went on to %q after a value was not read", o.Key())
	}
	if o.Close() {
		t.Error("Close reported a walk that failed as well formed")
	}
}

func TestObjectSeen(t *testing.T) {
	s := NewScanner([]byte(`{"b":"y"}`))
	o := Walk(&s)
	for o.Next() {
		_, ok := s.Text()
		o.Read(63, ok)
	}
	if !o.Close() {
		t.Fatal("Close failed")
	}
	for _, tc := range []struct {
		place int
		want  bool
	}{{63, true}, {0, false}, {-1, false}, {64, false}} {
		if got := o.Seen(tc.place); got != tc.want {
			t.Errorf("Seen(%d) = %v, want %v", tc.place, got, tc.want)
		}
	}
}

// walkMap reads an object with Object as a map's reader does, each value
// with scanValue.
func walkMap(t *testing.T, data []byte) (any, bool) {
	s := NewScanner(data)
	m := map[string]any{}
	o := Walk(&s)
	for o.Next() {
		k := o.Key()
		if _, dup := m[string(k)]; dup {
			return nil, false
		}
		v, ok := scanValue(t, &s)
		m[string(k)] = v
		o.Read(-1, ok)
	}
	if !o.Close() || !s.End() {
		return nil, false
	}
	return m, true
}

// FuzzObject: an object walked with Object is read exactly as the
// Scanner's own loop reads it (scanValue, which FuzzScanner holds to
// encoding/json): a map's reader takes what the loop takes, with the same
// result, and a struct's reader takes it when its keys are in the table.
// Seeded from testdata/scan.
func FuzzObject(f *testing.F) {
	files, err := filepath.Glob("testdata/scan/*.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, seed := range []string{`{"a":"x","b":"y"}`, `{"a":"x","a":"y"}`, `{"a":"x",}`, `{}`, `{"any":"1","any":"2"}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		want, wantOK := scanAll(t, data)
		if _, isObject := want.(map[string]any); wantOK && !isObject {
			wantOK = false // an array or a scalar: Walk refuses it
		}
		got, ok := walkMap(t, data)
		if ok != wantOK {
			t.Fatalf("walkMap(%q) ok = %v, the Scanner's loop %v", data, ok, wantOK)
		}
		if diff := cmp.Diff(want, got); ok && diff != "" {
			t.Fatalf("walkMap(%q) (-loop +walk):\n%s", data, diff)
		}
		if bytes.Contains(data, []byte(`"any"`)) {
			return // walkPair takes "any" repeated, where the loop gives up
		}
		s := NewScanner(data)
		p, ok := walkPair(&s)
		m, _ := want.(map[string]any)
		inTable := wantOK
		for k, v := range m {
			if _, str := v.(string); !str || k != "a" && k != "b" && k != "any" {
				inTable = false
			}
		}
		if ok != inTable {
			t.Fatalf("walkPair(%q) ok = %v, want %v", data, ok, inTable)
		}
		if ok {
			if diff := cmp.Diff(pair{A: str(m["a"]), B: str(m["b"])}, p); diff != "" {
				t.Fatalf("walkPair(%q) (-loop +walk):\n%s", data, diff)
			}
		}
	})
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
