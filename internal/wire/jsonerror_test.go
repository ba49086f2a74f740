package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

type jsonErrorTarget struct {
	N int    `json:"n"`
	S string `json:"s"`
	C custom `json:"c"`
}

type custom struct{}

func (*custom) UnmarshalJSON(b []byte) error {
	if string(b) == `"bad"` {
		return Safe("c: want a string other than bad")
	}
	return errors.New("leaky: " + string(b))
}

func TestJSONError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		want  string
		avoid string // body content that must not appear
	}{
		{name: "syntax", body: `{"n": 1, "s": "SECRET-TOKEN"`, want: "invalid JSON at offset 28", avoid: "SECRET-TOKEN"},
		{name: "syntax_offset", body: `{"s": "SECRET-TOKEN" x}`, want: "invalid JSON at offset 22", avoid: "SECRET-TOKEN"},
		{name: "type_string_into_int", body: `{"n": "SECRET-TOKEN"}`, want: "field n: cannot decode a JSON string into int", avoid: "SECRET-TOKEN"},
		{name: "type_number_literal", body: `{"s": 424242}`, want: "field s: cannot decode a JSON number into string", avoid: "424242"},
		{name: "safe_passes", body: `{"c": "bad"}`, want: "c: want a string other than bad"},
		{name: "unsafe_custom_hidden", body: `{"c": "SECRET-TOKEN"}`, want: "invalid JSON", avoid: "SECRET-TOKEN"},
		{name: "top_level", body: `"SECRET-TOKEN"`, want: "cannot decode a JSON string into wire.jsonErrorTarget", avoid: "SECRET-TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var v jsonErrorTarget
			err := JSONError(json.Unmarshal([]byte(tt.body), &v))
			if err == nil {
				t.Fatal("want an error")
			}
			if err.Error() != tt.want {
				t.Errorf("JSONError = %q, want %q", err, tt.want)
			}
			if tt.avoid != "" && strings.Contains(err.Error(), tt.avoid) {
				t.Errorf("JSONError %q quotes the body", err)
			}
		})
	}
	if JSONError(nil) != nil {
		t.Error("JSONError(nil) != nil")
	}
	if err := JSONError(io.ErrUnexpectedEOF); err.Error() != "unexpected end of JSON" {
		t.Errorf("EOF: %v", err)
	}
	if err := JSONError(ErrNotObject); !errors.Is(err, ErrNotObject) {
		t.Errorf("sentinel lost: %v", err)
	}
	// A sentinel wrapped with input around it comes back bare.
	for _, sentinel := range []error{ErrSyntax, ErrNotObject} {
		err := JSONError(fmt.Errorf("near %q: %w", "SECRET-TOKEN", sentinel))
		if !errors.Is(err, sentinel) || strings.Contains(err.Error(), "SECRET-TOKEN") {
			t.Errorf("wrapped %v: JSONError = %q", sentinel, err)
		}
	}
}
