package kakao

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestContextDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    Context
		wantErr bool
	}{
		{name: "request_form", in: `{"name":"cart","lifespan":4,"ttl":600,"params":{"size":{"value":"M","resolvedValue":"Medium"}}}`,
			want: Context{Name: "cart", Lifespan: 4, TTL: 600, Params: map[string]ContextParam{"size": {Value: "M", ResolvedValue: "Medium"}}}},
		{name: "lifeSpan_spelling", in: `{"name":"abc","lifeSpan":10,"ttl":60}`, want: Context{Name: "abc", Lifespan: 10, TTL: 60}},
		{name: "both_spellings_request_wins", in: `{"lifeSpan":1,"lifespan":2}`, want: Context{Lifespan: 2}},
		{name: "bare_params", in: `{"name":"abc","lifespan":1,"params":{"key1":"val1","n":3,"z":null}}`,
			want: Context{Name: "abc", Lifespan: 1, Params: map[string]ContextParam{"key1": {Value: "val1"}, "n": {Value: "3"}, "z": {}}}},
		{name: "numbers_as_strings", in: `{"lifespan":"5","ttl":"600"}`, want: Context{Lifespan: 5, TTL: 600}},
		{name: "whole_number_forms", in: `{"lifespan":5.0,"ttl":6e2}`, want: Context{Lifespan: 5, TTL: 600}},
		{name: "nulls", in: `{"name":null,"lifespan":null,"ttl":null,"params":null}`, want: Context{}},
		{name: "null_context", in: `null`, want: Context{}},
		{name: "unknown_keys_kept", in: `{"name":"a","source": { "block" : "b1" },"params":{"p":{"value":"v","origin":"원문"}}}`,
			want: Context{Name: "a", Extra: map[string]json.RawMessage{"source": json.RawMessage(`{"block":"b1"}`)},
				Params: map[string]ContextParam{"p": {Value: "v", Extra: map[string]json.RawMessage{"origin": json.RawMessage(`"원문"`)}}}}},
		// Other shapes keep the item in Raw, beside what did decode.
		{name: "not_object", in: `"cart"`, want: Context{Raw: json.RawMessage(`"cart"`)}},
		{name: "array_item", in: `[1, 2]`, want: Context{Raw: json.RawMessage(`[1,2]`)}},
		{name: "fractional_lifespan", in: `{"name":"a", "lifespan":1.5}`, want: Context{Name: "a", Raw: json.RawMessage(`{"name":"a","lifespan":1.5}`)}},
		{name: "lifespan_object", in: `{"lifespan":{}}`, want: Context{Raw: json.RawMessage(`{"lifespan":{}}`)}},
		{name: "lifespan_bool", in: `{"name":"a","lifespan":true,"ttl":60}`, want: Context{Name: "a", TTL: 60, Raw: json.RawMessage(`{"name":"a","lifespan":true,"ttl":60}`)}},
		{name: "params_array", in: `{"params":["a"]}`, want: Context{Raw: json.RawMessage(`{"params":["a"]}`)}},
		{name: "params_empty_array", in: `{"name":"a","params":[]}`, want: Context{Name: "a", Raw: json.RawMessage(`{"name":"a","params":[]}`)}},
		{name: "param_array", in: `{"params":{"a":[1],"b":"x"}}`,
			want: Context{Params: map[string]ContextParam{"b": {Value: "x"}}, Raw: json.RawMessage(`{"params":{"a":[1],"b":"x"}}`)}},
		{name: "param_value_object", in: `{"params":{"a":{"value":{}}}}`,
			want: Context{Params: map[string]ContextParam{}, Raw: json.RawMessage(`{"params":{"a":{"value":{}}}}`)}},
		{name: "name_bool", in: `{"name":true,"x":"<"}`,
			want: Context{Extra: map[string]json.RawMessage{"x": json.RawMessage(`"\u003c"`)}, Raw: json.RawMessage(`{"name":true,"x":"\u003c"}`)}},
		{name: "not_json", in: `{"name":`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Context
			// Directly: json.Unmarshal checks the syntax before it calls
			// UnmarshalJSON, so only a direct call sees invalid JSON.
			err := got.UnmarshalJSON([]byte(tt.in))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("decoded %+v, want an error", got)
				}
				if strings.Contains(err.Error(), tt.in) {
					t.Errorf("error %q quotes the payload", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decode (-want +got):\n%s", diff)
			}
			checkContextRoundTrip(t, got)
		})
	}
}

// checkContextRoundTrip: decode(encode(c)) == c.
func checkContextRoundTrip(t *testing.T, c Context) {
	t.Helper()
	enc, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	var back Context
	if err := json.Unmarshal(enc, &back); err != nil {
		t.Fatalf("decoding our encoding %s: %v", enc, err)
	}
	if diff := cmp.Diff(c, back); diff != "" {
		t.Errorf("round trip of %s (-want +got):\n%s", enc, diff)
	}
}

func TestContextEncode(t *testing.T) {
	t.Parallel()
	c := Context{Name: "cart", Lifespan: 0, Params: map[string]ContextParam{"size": {Value: "M"}},
		Extra: map[string]json.RawMessage{"source": json.RawMessage(`{"block":"b1"}`), "name": json.RawMessage(`"shadowed"`)}}
	got, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"lifespan":0,"name":"cart","params":{"size":{"value":"M"}},"source":{"block":"b1"}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("encode (-want +got):\n%s", diff)
	}
}

// TestRequestContexts: a request's contexts decode typed through both of
// Decode's paths, and a malformed one fails the request as ErrMalformed.
func TestRequestContexts(t *testing.T) {
	t.Parallel()
	body := `{"userRequest":{"utterance":"hi"},"contexts":[{"name":"cart","lifespan":4,"params":{"size":{"value":"M","resolvedValue":"M"}}},{"name":"abc","lifeSpan":1,"params":{"k":"v"}}]}`
	want := []Context{
		{Name: "cart", Lifespan: 4, Params: map[string]ContextParam{"size": {Value: "M", ResolvedValue: "M"}}},
		{Name: "abc", Lifespan: 1, Params: map[string]ContextParam{"k": {Value: "v"}}},
	}
	fast, ok := parseFast([]byte(body))
	if !ok {
		t.Fatal("fast path refused the payload")
	}
	slow, err := parseLenient([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Request{"fast": fast, "lenient": slow} {
		if diff := cmp.Diff(want, r.Contexts); diff != "" {
			t.Errorf("%s contexts (-want +got):\n%s", name, diff)
		}
	}
	_, err = Decode([]byte(`{"userRequest":{},"contexts":[{"lifespan":"soon"}`))
	if !errors.Is(err, ErrMalformed) || strings.Contains(err.Error(), "soon") {
		t.Errorf("truncated body: error %v, want ErrMalformed without the value", err)
	}
}

// TestRequestOddContexts: a context in a shape the typed fields do not
// take (each accepted when contexts were []map[string]any) does not fail
// the request; it is kept in Raw, the other contexts decode as usual, and
// the request encodes back to the same contexts.
func TestRequestOddContexts(t *testing.T) {
	t.Parallel()
	good := Context{Name: "cart", Lifespan: 4, Params: map[string]ContextParam{"size": {Value: "M"}}}
	tests := []struct {
		name string
		item string
		want Context
	}{
		{name: "params_empty_array", item: `{"name":"abc","lifespan":2,"params":[]}`,
			want: Context{Name: "abc", Lifespan: 2, Raw: json.RawMessage(`{"name":"abc","lifespan":2,"params":[]}`)}},
		{name: "lifespan_bool", item: `{"name":"abc","lifespan":true}`,
			want: Context{Name: "abc", Raw: json.RawMessage(`{"name":"abc","lifespan":true}`)}},
		{name: "param_value_array", item: `{"name":"abc","params":{"k":{"value":["a","b"]},"j":"v"}}`,
			want: Context{Name: "abc", Params: map[string]ContextParam{"j": {Value: "v"}}, Raw: json.RawMessage(`{"name":"abc","params":{"k":{"value":["a","b"]},"j":"v"}}`)}},
		{name: "param_array", item: `{"name":"abc","params":{"k":["a"]}}`,
			want: Context{Name: "abc", Params: map[string]ContextParam{}, Raw: json.RawMessage(`{"name":"abc","params":{"k":["a"]}}`)}},
		{name: "bare_string_item", item: `"abc"`, want: Context{Raw: json.RawMessage(`"abc"`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := `{"userRequest":{"utterance":"hi"},"contexts":[{"name":"cart","lifespan":4,"params":{"size":{"value":"M"}}},` + tt.item + `]}`
			want := []Context{good, tt.want}
			req, err := Decode([]byte(body))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(want, req.Contexts); diff != "" {
				t.Errorf("contexts (-want +got):\n%s", diff)
			}
			slow, err := parseLenient([]byte(body))
			if err != nil {
				t.Fatalf("lenient path: %v", err)
			}
			if diff := cmp.Diff(want, slow.Contexts); diff != "" {
				t.Errorf("lenient contexts (-want +got):\n%s", diff)
			}
			enc, err := json.Marshal(req)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			var back struct {
				Contexts []json.RawMessage `json:"contexts"`
			}
			if err := json.Unmarshal(enc, &back); err != nil {
				t.Fatal(err)
			}
			if len(back.Contexts) != 2 || string(back.Contexts[1]) != tt.item {
				t.Errorf("encoded contexts %s, want the odd item %s as it came", enc, tt.item)
			}
			req2, err := Decode(enc)
			if err != nil {
				t.Fatalf("decoding our encoding: %v", err)
			}
			if diff := cmp.Diff(req, req2); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

// TestContextInvalidJSONError: a body that is not JSON still fails, and
// says so accurately, without quoting the body.
func TestContextInvalidJSONError(t *testing.T) {
	t.Parallel()
	_, err := Decode([]byte(`{"userRequest":{},"contexts":[{"name":"secret-token-1"`))
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("error %v, want ErrMalformed", err)
	}
	if strings.Contains(err.Error(), "secret-token-1") {
		t.Errorf("error %q quotes the body", err)
	}
	var c Context
	err = c.UnmarshalJSON([]byte(`{"name":"secret-token-1",`))
	if err == nil || !strings.Contains(err.Error(), "not valid JSON") || strings.Contains(err.Error(), "secret-token-1") {
		t.Errorf("direct decode of invalid JSON: error %v, want one saying it is not valid JSON, quoting nothing", err)
	}
}

func TestContextRawInvalid(t *testing.T) {
	t.Parallel()
	_, err := json.Marshal(Context{Raw: json.RawMessage(`{"secret-token-1"`)})
	if err == nil || strings.Contains(err.Error(), "secret-token-1") {
		t.Errorf("encoding an invalid Raw: error %v, want one quoting nothing", err)
	}
}

// FuzzContext: decoding a context never panics; what decodes round-trips
// exactly and re-encodes to the same bytes.
func FuzzContext(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "context", "*.json"))
	if len(files) == 0 {
		f.Fatal("no seeds in testdata/context")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Context
		if json.Unmarshal(b, &c) != nil {
			return
		}
		enc, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("encoding a decoded context: %v", err)
		}
		var back Context
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("decoding our encoding %s: %v", enc, err)
		}
		if !reflect.DeepEqual(c, back) {
			t.Fatalf("round trip changed the context:\n%#v\n%#v", c, back)
		}
		enc2, _ := json.Marshal(back)
		if string(enc) != string(enc2) {
			t.Fatalf("encoding not stable:\n%s\n%s", enc, enc2)
		}
	})
}
