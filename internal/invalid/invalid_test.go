package invalid

import (
	"errors"
	"testing"
)

func TestMessages(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"one", New("line", "messages[0].text", "over 5000 UTF-16 units"), "line: messages[0].text: over 5000 UTF-16 units"},
		{"no path", New("kakao", "", "no outputs"), "kakao: no outputs"},
		{"joined one", Join([]*ValidationError{New("clova", "a", "b")}), "clova: a: b"},
		{"joined many", Join([]*ValidationError{New("clova", "a", "b"), New("clova", "c", "d")}), "clova: 2 problems: a: b; c: d"},
		{"argument", Arg("naverworks", "Client.Send", "userID", "empty"), "naverworks: Client.Send: userID: empty"},
		{"argument no func", Arg("line", "", "to", "more than 500 recipients"), "line: to: more than 500 recipients"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if !errors.Is(tt.err, ErrInvalid) {
				t.Error("does not wrap ErrInvalid")
			}
		})
	}
}

func TestJoin(t *testing.T) {
	if Join(nil) != nil {
		t.Fatal("Join(nil) is not nil")
	}
	a, b := New("p", "a", "x"), New("p", "b", "y")
	err := Join([]*ValidationError{a, b})
	var ve *ValidationError
	if !errors.As(err, &ve) || ve != a {
		t.Fatalf("errors.As found %v, want the first error", ve)
	}
	var all ValidationErrors
	if !errors.As(err, &all) || len(all) != 2 {
		t.Fatalf("errors.As(ValidationErrors) = %v", all)
	}
}
