package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPeek(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		data      string
		key       string
		want      string
		wantFound bool
		wantErr   bool
	}{
		{name: "first", data: `{"type":"message","x":1}`, key: "type", want: "message", wantFound: true},
		{name: "after_nested", data: `{"source":{"type":"user","ids":[1,{"type":"no"}]},"type":"follow"}`, key: "type", want: "follow", wantFound: true},
		{name: "whitespace", data: " \n{ \"a\" : \"}\" , \"type\" :\t\"join\" } ", key: "type", want: "join", wantFound: true},
		{name: "escaped_value", data: `{"type":"a\"b\u0063"}`, key: "type", want: `a"bc`, wantFound: true},
		{name: "escaped_key", data: `{"t\u0079pe":"leave"}`, key: "type", want: "leave", wantFound: true},
		{name: "string_with_braces", data: `{"text":"{[\"type\":\"x\"]}","type":"ok"}`, key: "type", want: "ok", wantFound: true},
		{name: "absent", data: `{"a":1}`, key: "type"},
		{name: "null", data: `{"type":null}`, key: "type"},
		{name: "empty_object", data: `{}`, key: "type"},
		{name: "number_value", data: `{"type":3}`, key: "type", wantErr: true},
		{name: "array", data: `[1]`, key: "type", wantErr: true},
		{name: "truncated", data: `{"a":"b`, key: "type", wantErr: true},
		{name: "missing_colon", data: `{"a" "b"}`, key: "type", wantErr: true},
		{name: "empty", data: ``, key: "type", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, found, err := Peek([]byte(tt.data), tt.key)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want || found != tt.wantFound {
				t.Errorf("Peek = %q, %v; want %q, %v", got, found, tt.want, tt.wantFound)
			}
		})
	}
}

func TestKeysAndField(t *testing.T) {
	t.Parallel()
	data := []byte(`{"simpleText":{"text":"hi"},"quickReplies":[{"label":"a"}],"n":12.5e3,"b":true}`)
	keys, err := Keys(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"simpleText", "quickReplies", "n", "b"}, keys); diff != "" {
		t.Errorf("Keys (-want +got):\n%s", diff)
	}
	f, err := Field(data, "quickReplies")
	if err != nil || string(f) != `[{"label":"a"}]` {
		t.Errorf("Field = %s, %v", f, err)
	}
	f, err = Field(data, "n")
	if err != nil || string(f) != `12.5e3` {
		t.Errorf("Field(n) = %s, %v", f, err)
	}
	if f, _ := Field(data, "missing"); f != nil {
		t.Errorf("Field(missing) = %s", f)
	}
	if _, err := Keys([]byte(`"str"`)); !errors.Is(err, ErrNotObject) {
		t.Errorf("Keys(string) err = %v", err)
	}
}

func TestCloneAndIsNull(t *testing.T) {
	t.Parallel()
	src := []byte(`{"a":1}`)
	c := Clone(src)
	src[2] = 'X'
	if string(c) != `{"a":1}` {
		t.Error("Clone aliases its input")
	}
	if Clone(nil) != nil {
		t.Error("Clone(nil) != nil")
	}
	for in, want := range map[string]bool{"": true, " null ": true, "{}": false, `"null"`: false} {
		if got := IsNull([]byte(in)); got != want {
			t.Errorf("IsNull(%q) = %v", in, got)
		}
	}
}

func TestFlexString(t *testing.T) {
	t.Parallel()
	var v struct {
		A FlexString `json:"a"`
		B FlexString `json:"b"`
		C FlexString `json:"c"`
	}
	if err := json.Unmarshal([]byte(`{"a":"86400","b":43200,"c":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "86400" || v.B != "43200" || v.C != "" {
		t.Errorf("got %+v", v)
	}
	if n, err := v.B.Int64(); err != nil || n != 43200 {
		t.Errorf("Int64 = %d, %v", n, err)
	}
	var f FlexString
	if err := json.Unmarshal([]byte(`{}`), &f); err == nil {
		t.Error("object accepted")
	}
}

// Peek must agree with encoding/json on every valid object.
func FuzzPeek(f *testing.F) {
	seeds := []string{
		`{"type":"message","message":{"type":"text","text":"hi"}}`,
		`{"source":{"type":"user"},"type":"follow"}`,
		`{"type":"a\"b","x":[1,2,{"y":"}"}]}`,
		`{"type":null}`, `{}`, `[]`, `{"type":1}`, `{"t\u0079pe":"x"}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, found, err := Peek(data, "type")
		keys, kerr := Keys(data)
		field, ferr := Field(data, "type")
		var ref map[string]json.RawMessage
		if json.Unmarshal(data, &ref) != nil {
			return // invalid JSON: the scanners may say anything, as long as they do not panic
		}
		// On a valid object the scanners never fail and see every key.
		if kerr != nil || ferr != nil {
			t.Fatalf("Keys/Field(%q) error %v / %v on valid JSON", data, kerr, ferr)
		}
		dups := 0
		seen := map[string]bool{}
		for _, k := range keys {
			if k == "type" {
				dups++
			}
			seen[k] = true
		}
		if len(seen) != len(ref) {
			t.Fatalf("Keys(%q) = %q; encoding/json sees %d keys", data, keys, len(ref))
		}
		for k := range ref {
			if !seen[k] {
				t.Fatalf("Keys(%q) = %q misses %q", data, keys, k)
			}
		}
		if dups > 1 {
			// encoding/json keeps the last of duplicate keys; the scanners
			// stop at the first. Platforms do not send duplicates.
			return
		}
		raw, ok := ref["type"]
		if ok != (field != nil) || (ok && !bytes.Equal(bytes.TrimSpace(field), bytes.TrimSpace(raw))) {
			t.Fatalf("Field(%q) = %q; encoding/json says %q", data, field, raw)
		}
		var want string
		wantFound := false
		if ok && string(raw) != "null" {
			if json.Unmarshal(raw, &want) != nil {
				if err == nil {
					t.Fatalf("non-string type %s accepted as %q", raw, got)
				}
				return
			}
			wantFound = true
		}
		if err != nil {
			t.Fatalf("Peek(%q) error %v on valid JSON", data, err)
		}
		if found != wantFound || (found && got != want) {
			t.Fatalf("Peek(%q) = %q,%v; encoding/json says %q,%v", data, got, found, want, wantFound)
		}
	})
}
