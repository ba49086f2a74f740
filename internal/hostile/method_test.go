package hostile_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/clova"
	"github.com/channelkit/channelkit/clova/clovatest"
	"github.com/channelkit/channelkit/internal/webhookio"
	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/line"
	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
	"github.com/channelkit/channelkit/talktalk"
)

// TestParseRequestChecksMethod: every package's ParseRequest refuses a
// method other than POST the same way, before it reads anything.
func TestParseRequestChecksMethod(t *testing.T) {
	set := signature.MustSecretSet("method-test-secret")
	allow, err := signature.NewAllowList([]string{"192.0.2.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	parsers := map[string]func(r *http.Request) error{
		"line":       func(r *http.Request) error { _, err := line.ParseRequest(set, r); return err },
		"kakao":      func(r *http.Request) error { _, err := kakao.ParseRequest(set, r); return err },
		"talktalk":   func(r *http.Request) error { _, err := talktalk.ParseRequest(allow, r); return err },
		"naverworks": func(r *http.Request) error { _, err := naverworks.ParseRequest(set, r); return err },
		"clova":      func(r *http.Request) error { _, err := clova.ParseRequest(clovatest.PublicKey(), r); return err },
	}
	for name, parse := range parsers {
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodHead} {
			t.Run(name+"/"+method, func(t *testing.T) {
				r := httptest.NewRequest(method, "/", strings.NewReader("{}"))
				r.Header.Set(kakao.DefaultSecretHeader, "method-test-secret")
				err := parse(r)
				if !errors.Is(err, webhookio.ErrMethod) {
					t.Fatalf("ParseRequest of a %s request: %v, want an error wrapping the method error", method, err)
				}
				if !strings.HasPrefix(err.Error(), name+": ") {
					t.Errorf("error %q does not start with %q", err, name+": ")
				}
			})
		}
	}
}
