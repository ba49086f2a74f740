package wire

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scanValue reads the value at s with the Scanner's readers into what
// encoding/json, with UseNumber, makes of it: an object into a map, an
// array of strings into []any, a number into a json.Number. A value outside
// the subset reports false. At every scalar it also runs the readers that
// read that kind of token another way, each on a copy of s, and fails t
// unless they agree with encoding/json on the same token.
func scanValue(t *testing.T, s *Scanner) (any, bool) {
	switch s.peek() {
	case '{':
		s.Open()
		m := map[string]any{}
		for more := s.First(); more; more = s.Next() {
			k, ok := s.Key()
			if !ok {
				return nil, false
			}
			if _, dup := m[string(k)]; dup {
				return nil, false // encoding/json keeps the last; decoders give up
			}
			v, ok := scanValue(t, s)
			if !ok {
				return nil, false
			}
			m[string(k)] = v
		}
		return m, s.Close()
	case '[':
		alt := *s
		s.OpenArray()
		out := []any{}
		for more := s.FirstItem(); more; more = s.NextItem() {
			v, ok := scanValue(t, s)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		if !s.CloseArray() {
			return nil, false
		}
		if strs, ok := alt.Strings(); ok {
			if alt.i != s.i || len(strs) != len(out) {
				t.Fatalf("Strings read %q to %d, the array reader %v to %d", strs, alt.i, out, s.i)
			}
			for i, e := range strs {
				if out[i] != e {
					t.Fatalf("Strings read %q, the array reader %v", strs, out)
				}
			}
		}
		return out, true
	case 'n':
		return nil, s.Null()
	case '"':
		start := s.peekIndex()
		alt := *s
		v, ok := s.Text()
		if ok {
			checkString(t, alt, s.data[start:s.i], s.i, v)
		}
		return v, ok
	case 't', 'f':
		v, ok := s.Bool()
		return v, ok
	default:
		start := s.peekIndex()
		alt := *s
		n, ok := s.Number()
		if ok {
			checkNumber(t, alt, s.data[start:s.i], s.i)
		}
		return json.Number(n), ok
	}
}

// checkString runs the string readers at s, where tok (ending at end) is a
// string that Text read as v.
func checkString(t *testing.T, s Scanner, tok []byte, end int, v string) {
	t.Helper()
	var want string
	if err := json.Unmarshal(tok, &want); err != nil || want != v {
		t.Fatalf("Text(%q) = %q; encoding/json: %q, %v", tok, v, want, err)
	}
	raw := s
	r, rok := raw.RawText()
	if rok != (bytes.IndexByte(tok, '\\') < 0) {
		t.Fatalf("RawText(%q) ok = %v", tok, rok)
	}
	if rok && (string(r) != want || raw.i != end) {
		t.Fatalf("RawText(%q) = %q ending at %d; want %q ending at %d", tok, r, raw.i, want, end)
	}
	sc := s
	sv, sok := sc.Scalar()
	if sok != rok || sok && (!bytes.Equal(sv, tok) || sc.i != end) {
		t.Fatalf("Scalar(%q) = %q, %v", tok, sv, sok)
	}
	fl := s
	if f, ok := fl.Flex(); !ok || string(f) != want || fl.i != end {
		t.Fatalf("Flex(%q) = %q, %v; want %q", tok, f, ok, want)
	}
	for _, other := range []func(*Scanner) bool{
		func(s *Scanner) bool { _, ok := s.Number(); return ok },
		func(s *Scanner) bool { _, ok := s.Bool(); return ok },
		func(s *Scanner) bool { _, ok := s.Strings(); return ok },
		func(s *Scanner) bool { return s.Open() },
	} {
		if c := s; other(&c) {
			t.Fatalf("a reader of another kind took string %q", tok)
		}
	}
}

// checkNumber runs the number readers at s, where tok (ending at end) is a
// number literal.
func checkNumber(t *testing.T, s Scanner, tok []byte, end int) {
	t.Helper()
	var n json.Number
	if err := json.Unmarshal(tok, &n); err != nil || string(n) != string(tok) {
		t.Fatalf("Number took %q; encoding/json: %q, %v", tok, n, err)
	}
	var want float64
	werr := json.Unmarshal(tok, &want)
	fs := s
	f, ok := fs.Float64()
	if ok != (werr == nil) || ok && (math.Float64bits(f) != math.Float64bits(want) || fs.i != end) {
		t.Fatalf("Float64(%q) = %v, %v; encoding/json: %v, %v", tok, f, ok, want, werr)
	}
	sc := s
	if v, ok := sc.Scalar(); !ok || !bytes.Equal(v, tok) || sc.i != end {
		t.Fatalf("Scalar(%q) = %q, %v", tok, v, ok)
	}
	var wantFlex FlexString
	if err := json.Unmarshal(tok, &wantFlex); err != nil {
		t.Fatalf("FlexString refuses %q: %v", tok, err)
	}
	fl := s
	if v, ok := fl.Flex(); !ok || v != wantFlex || fl.i != end {
		t.Fatalf("Flex(%q) = %q, %v; want %q", tok, v, ok, wantFlex)
	}
	if c := s; func() bool { _, ok := c.Text(); return ok }() {
		t.Fatalf("Text took number %q", tok)
	}
}

// scanAll reads data as one value and nothing after it.
func scanAll(t *testing.T, data []byte) (any, bool) {
	s := NewScanner(data)
	v, ok := scanValue(t, &s)
	if !ok || !s.End() {
		return nil, false
	}
	return v, true
}

// decodeJSON decodes data as scanValue builds it, or reports false.
func decodeJSON(data []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil || d.More() || !json.Valid(data) {
		return nil, false
	}
	return v, true
}

// inSubset reports whether a value encoding/json decoded is one a Scanner
// reads when it is written without \u escapes: no key that needs an
// escape (keys are matched as written).
func inSubset(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if strings.ContainsFunc(k, func(r rune) bool { return r == '"' || r == '\\' || r < 0x20 }) || !inSubset(e) {
				return false
			}
		}
	case []any:
		for _, e := range v {
			if !inSubset(e) {
				return false
			}
		}
	}
	return true
}

// checkScanner fails t unless the Scanner takes data only where
// encoding/json does, yielding the same, and takes encoding/json's own
// encoding of every value in the subset.
func checkScanner(t *testing.T, data []byte) {
	got, ok := scanAll(t, data)
	want, valid := decodeJSON(data)
	if ok {
		if !valid {
			t.Fatalf("Scanner took %q, which encoding/json refuses", data)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Scanner on %q (-encoding/json +Scanner):\n%s", data, diff)
		}
	}
	if !valid || !inSubset(want) {
		return
	}
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(want); err != nil {
		t.Fatal(err)
	}
	enc := b.Bytes()
	if bytes.Contains(enc, []byte(`\u`)) {
		return
	}
	again, ok := scanAll(t, enc)
	if !ok {
		t.Fatalf("Scanner gives up on %q, encoding/json's encoding of %q", enc, data)
	}
	if diff := cmp.Diff(want, again); diff != "" {
		t.Fatalf("Scanner on %q (-encoding/json +Scanner):\n%s", enc, diff)
	}
}

func TestScanner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data string
		want any // nil: the Scanner gives up
	}{
		{name: "object", data: `{"a":"b","n":-1.5e+3,"t":true,"f":false,"l":["x","y"],"o":{"p":{}}}`, want: map[string]any{
			"a": "b", "n": json.Number("-1.5e+3"), "t": true, "f": false, "l": []any{"x", "y"}, "o": map[string]any{"p": map[string]any{}},
		}},
		{name: "white space", data: " \t\n{ \"a\" : \"b\" , \"l\" :[ ] ,\"o\":{ }\r\n} \n", want: map[string]any{"a": "b", "l": []any{}, "o": map[string]any{}}},
		{name: "escapes", data: `"a\"b\\c\nd\re\tf\bg\fh\/ 한글"`, want: "a\"b\\c\nd\re\tf\bg\fh/ 한글"},
		{name: "UTF-8", data: `"안녕하세요 👋"`, want: "안녕하세요 👋"},
		{name: "empty string", data: `""`, want: ""},
		{name: "zero", data: `0`, want: json.Number("0")},
		{name: "negative zero fraction", data: `-0.0E-0`, want: json.Number("-0.0E-0")},
		{name: "unicode escape", data: `"\u00e9"`},
		{name: "escaped key", data: `{"typ\u0065":"a"}`},
		{name: "unknown escape", data: `"\x41"`},
		{name: "escape at the end", data: `"a\`},
		{name: "invalid UTF-8", data: "\"\xff\""},
		{name: "escape and invalid UTF-8", data: "\"\\n\xff\""},
		{name: "raw control character", data: "\"a\tb\""},
		{name: "unterminated string", data: `"ab`},
		{name: "null", data: `{"a":null}`, want: map[string]any{"a": nil}},
		{name: "null in array", data: `["a",null]`, want: []any{"a", nil}},
		{name: "array of numbers", data: `[1]`, want: []any{json.Number("1")}},
		{name: "array of objects", data: `[ {"a":[true]} , {} , [] ]`, want: []any{map[string]any{"a": []any{true}}, map[string]any{}, []any{}}},
		{name: "null run-on", data: `{"a":nullx}`},
		{name: "null truncated", data: `{"a":nul}`},
		{name: "array trailing comma", data: `[1,]`},
		{name: "array leading comma", data: `[,1]`},
		{name: "array missing comma", data: `[{} {}]`},
		{name: "array unterminated", data: `[{}`},
		{name: "array comma at the end", data: `[1,`},
		{name: "array closed by brace", data: `[1}`},
		{name: "repeated key", data: `{"a":"x","a":"y"}`},
		{name: "leading zero", data: `01`},
		{name: "bad fraction", data: `1.`},
		{name: "bad exponent", data: `1e+`},
		{name: "plus sign", data: `+1`},
		{name: "bare minus", data: `-`},
		{name: "literal run-on", data: `truex`},
		{name: "literal truncated", data: `tru`},
		{name: "trailing comma", data: `{"a":"b",}`},
		{name: "trailing comma in array", data: `["a",]`},
		{name: "missing comma", data: `{"a":"b" "c":"d"}`},
		{name: "missing colon", data: `{"a" "b"}`},
		{name: "non-string key", data: `{1:"b"}`},
		{name: "trailing data", data: `{}{}`},
		{name: "truncated", data: `{"a":"b"`},
		{name: "empty", data: ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := scanAll(t, []byte(tt.data))
			if ok != (tt.want != nil) {
				t.Fatalf("taken = %v, want %v", ok, tt.want != nil)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			checkScanner(t, []byte(tt.data))
		})
	}
}

func TestScannerReaders(t *testing.T) {
	t.Parallel()
	read := func(data string, f func(*Scanner) (any, bool)) (any, bool, int) {
		s := NewScanner([]byte(data))
		v, ok := f(&s)
		return v, ok, s.i
	}
	tests := []struct {
		name string
		data string
		read func(*Scanner) (any, bool)
		want any // nil: the reader gives up
		end  int // where the reader stops when it takes the token
	}{
		{name: "RawText", data: ` "a/b"x`, read: readRawText, want: "a/b", end: 6},
		{name: "RawText escape", data: `"a\/b"`, read: readRawText},
		{name: "RawText number", data: `1`, read: readRawText},
		{name: "Float64", data: `37.3595704`, read: readFloat64, want: 37.3595704, end: 10},
		{name: "Float64 exponent", data: `-127.105399e0,`, read: readFloat64, want: -127.105399, end: 13},
		{name: "Float64 out of range", data: `1e400`, read: readFloat64},
		{name: "Float64 string", data: `"1"`, read: readFloat64},
		{name: "Scalar number", data: ` 40029600}`, read: readScalar, want: "40029600", end: 9},
		{name: "Scalar string", data: `"d-3"`, read: readScalar, want: `"d-3"`, end: 5},
		{name: "Scalar escaped", data: `"d\n3"`, read: readScalar},
		{name: "Scalar object", data: `{}`, read: readScalar},
		{name: "Flex string", data: `"640"`, read: readFlex, want: FlexString("640"), end: 5},
		{name: "Flex escaped", data: `"6\t4"`, read: readFlex, want: FlexString("6\t4"), end: 6},
		{name: "Flex number", data: `6.4e2`, read: readFlex, want: FlexString("6.4e2"), end: 5},
		{name: "Flex null", data: `null`, read: readFlex},
		{name: "Bool true", data: ` true,`, read: readBool, want: true, end: 5},
		{name: "Bool false", data: `false`, read: readBool, want: false, end: 5},
		{name: "Bool string", data: `"true"`, read: readBool},
		{name: "Bool at the end", data: ``, read: readBool},
		{name: "Strings", data: `[ "u-1" , "u\n2" ]`, read: readStrings, want: []string{"u-1", "u\n2"}, end: 18},
		{name: "Strings empty", data: `[]`, read: readStrings, want: []string{}, end: 2},
		{name: "Strings missing comma", data: `["a" "b"]`, read: readStrings},
		{name: "Strings unterminated", data: `["a"`, read: readStrings},
		{name: "Key", data: `"userId" :`, read: readKey, want: "userId", end: 10},
		{name: "Key without colon", data: `"userId",`, read: readKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok, end := read(tt.data, tt.read)
			if ok != (tt.want != nil) {
				t.Fatalf("taken = %v, want %v", ok, tt.want != nil)
			}
			if !ok {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if end != tt.end {
				t.Errorf("stopped at %d, want %d", end, tt.end)
			}
		})
	}
}

func readRawText(s *Scanner) (any, bool) { v, ok := s.RawText(); return string(v), ok }
func readFloat64(s *Scanner) (any, bool) { return s.Float64() }
func readScalar(s *Scanner) (any, bool)  { v, ok := s.Scalar(); return string(v), ok }
func readFlex(s *Scanner) (any, bool)    { return s.Flex() }
func readBool(s *Scanner) (any, bool)    { return s.Bool() }
func readKey(s *Scanner) (any, bool)     { v, ok := s.Key(); return string(v), ok }
func readStrings(s *Scanner) (any, bool) { return s.Strings() }

// TestScannerObject: a comma not followed by a member spoils the object
// even when the reader stops at it.
func TestScannerObject(t *testing.T) {
	t.Parallel()
	s := NewScanner([]byte(`{"a":true , }`))
	if !s.Open() || !s.First() {
		t.Fatal("object not opened")
	}
	if k, ok := s.Key(); !ok || string(k) != "a" {
		t.Fatalf("Key = %q, %v", k, ok)
	}
	if v, ok := s.Bool(); !ok || !v {
		t.Fatalf("Bool = %v, %v", v, ok)
	}
	if s.Next() {
		t.Fatal("Next found a member after the trailing comma")
	}
	if s.Close() {
		t.Fatal("Close took an object with a trailing comma")
	}
}

// FuzzScanner: whatever the Scanner takes, encoding/json takes and decodes
// to the same; and the Scanner takes encoding/json's own encoding of
// every value in its subset. Seeded from testdata/scan.
func FuzzScanner(f *testing.F) {
	files, err := filepath.Glob("testdata/scan/*.json")
	if err != nil {
		f.Fatal(err)
	}
	if len(files) == 0 {
		f.Fatal("no seeds in testdata/scan")
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		checkScanner(t, data)
	})
}
