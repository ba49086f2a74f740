package webhookio

import (
	"errors"
	"net/http"
	"testing"
)

func TestCredential(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		values  []string
		want    string
		wantErr bool
	}{
		{name: "absent"},
		{name: "one", values: []string{"sig"}, want: "sig"},
		{name: "empty", values: []string{""}},
		{name: "twice", values: []string{"sig", "sig"}, wantErr: true},
		{name: "twice_one_empty", values: []string{"sig", ""}, wantErr: true},
		{name: "three", values: []string{"a", "b", "c"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for _, v := range tt.values {
				h.Add("X-Line-Signature", v)
			}
			got, err := Credential(h, "x-line-signature")
			if tt.wantErr {
				if !errors.Is(err, ErrRepeatedHeader) || got != "" {
					t.Fatalf("Credential = %q, %v; want an ErrRepeatedHeader", got, err)
				}
				if want := "x-line-signature header sent more than once"; err.Error() != want {
					t.Errorf("error text %q, want %q", err, want)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Credential = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
