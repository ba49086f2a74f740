package talktalk_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/channelkit/channelkit/talktalk"
	"github.com/channelkit/channelkit/talktalk/talktalktest"
)

// TestUnknownEventNameNotRepeated: an unknown event's name is whatever the
// sender put there; errors and logs never repeat it.
func TestUnknownEventNameNotRepeated(t *testing.T) {
	const planted = "PLANTED-EVENT-NAME-x9"
	var got []error
	h, err := talktalk.NewWebhookHandler(func(context.Context, talktalk.Event) (talktalk.Event, error) {
		return nil, errors.New("failed")
	}, talktalk.WithErrorHandler(func(_ *http.Request, err error) { got = append(got, err) }))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, talktalktest.NewRequest(t, []byte(`{"event":"`+planted+`","user":"u1"}`)))
	if rec.Code != http.StatusInternalServerError || len(got) == 0 {
		t.Fatalf("status %d, %d errors reported; want 500 and the failure reported", rec.Code, len(got))
	}
	for _, e := range got {
		if strings.Contains(e.Error(), planted) {
			t.Errorf("error repeats the unknown event's name: %v", e)
		}
	}
}
