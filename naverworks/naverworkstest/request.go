package naverworkstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/channelkit/channelkit/naverworks"
	"github.com/channelkit/channelkit/signature"
)

// NewHTTPRequest builds a signed callback request to target, for sending
// over the network: body is signed with botSecret in X-WORKS-Signature and
// botID goes in X-WORKS-BotId (omitted when empty). For programs; tests
// use [NewRequest].
func NewHTTPRequest(target, botSecret, botID string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("naverworkstest: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set(naverworks.SignatureHeader, signature.SignHMACSHA256([]byte(botSecret), body))
	if botID != "" {
		req.Header.Set(naverworks.BotIDHeader, botID)
	}
	return req, nil
}

// NewRequest returns a signed callback request for event, for passing to
// a handler's ServeHTTP. event is a [naverworks.Event], raw JSON
// ([]byte, json.RawMessage or a string), or any value that encodes to
// JSON. The X-WORKS-BotId header is [BotID].
func NewRequest(t testing.TB, botSecret string, event any) *http.Request {
	t.Helper()
	body, err := encode(event)
	if err != nil {
		t.Fatalf("naverworkstest: encoding callback: %v", err)
	}
	req := httptest.NewRequest(http.MethodPost, "/callback", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set(naverworks.SignatureHeader, signature.SignHMACSHA256([]byte(botSecret), body))
	req.Header.Set(naverworks.BotIDHeader, BotID)
	return req
}

func encode(v any) ([]byte, error) {
	switch v := v.(type) {
	case []byte:
		return v, nil
	case json.RawMessage:
		return v, nil
	case string:
		return []byte(v), nil
	}
	return json.Marshal(v)
}
