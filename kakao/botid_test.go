package kakao_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/channelkit/channelkit/kakao"
	"github.com/channelkit/channelkit/kakao/kakaotest"
	"github.com/channelkit/channelkit/signature"
)

// TestBotIDRefusalIsErrBotID: a request for a bot the handler does not
// serve is answered 403 with an error callers can find, as in naverworks.
func TestBotIDRefusalIsErrBotID(t *testing.T) {
	var got error
	h, err := kakao.NewWebhookHandler(func(context.Context, *kakao.Request) (*kakao.Response, error) {
		t.Error("the function ran for a refused bot")
		return kakao.NewResponse(kakao.Text("x")), nil
	}, kakao.WithBotIDs("bot-1"), kakao.WithErrorHandler(func(_ *http.Request, err error) { got = err }))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, kakaotest.NewRequest(t, kakaotest.WithBotID("bot-2")))
	if rec.Code != http.StatusForbidden {
		t.Fatalf("status %d, want 403", rec.Code)
	}
	if !errors.Is(got, kakao.ErrBotID) || !errors.Is(got, signature.ErrForbidden) {
		t.Fatalf("reported %v, want kakao.ErrBotID wrapping signature.ErrForbidden", got)
	}
}
