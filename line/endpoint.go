package line

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/channelkit/channelkit/internal/rest"
)

// The channel's webhook URL: read it, set it, and have LINE test it.

// maxEndpoint is the longest webhook URL LINE takes.
const maxEndpoint = 500

// WebhookEndpoint is the channel's webhook URL and whether LINE uses it.
type WebhookEndpoint struct {
	Endpoint string `json:"endpoint"`
	// Active is whether "Use webhook" is on: LINE sends events only then.
	Active bool `json:"active"`
	Meta   Meta `json:"-"`
}

// WebhookTest is what LINE saw when it sent a test event to a webhook URL.
type WebhookTest struct {
	// Success is whether the URL answered 200.
	Success bool `json:"success"`
	// Timestamp is when LINE sent the test.
	Timestamp time.Time `json:"timestamp"`
	// StatusCode is the URL's HTTP status; zero or negative when it did
	// not answer.
	StatusCode int `json:"statusCode"`
	// Reason and Detail are LINE's account of the answer ("OK", "200";
	// or why it failed).
	Reason string `json:"reason"`
	Detail string `json:"detail"`
	Meta   Meta   `json:"-"`
}

// checkEndpoint checks a webhook URL as LINE does: absolute HTTPS, at
// most 500 characters.
func checkEndpoint(fn, endpoint string) error {
	u, err := url.Parse(endpoint)
	switch {
	case endpoint == "":
		return argError(fn, "endpoint", "must not be empty")
	case len(endpoint) > maxEndpoint:
		return argError(fn, "endpoint", fmt.Sprintf("must be at most %d characters", maxEndpoint))
	case err != nil || u.Scheme != "https" || u.Host == "":
		return argError(fn, "endpoint", "must be an absolute https URL")
	}
	return nil
}

// GetWebhookEndpoint returns the channel's webhook URL and whether it is
// in use.
func (c *Client) GetWebhookEndpoint(ctx context.Context) (*WebhookEndpoint, error) {
	out := new(WebhookEndpoint)
	resp, err := c.getJSON(ctx, "v2/bot/channel/webhook/endpoint", nil, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

// SetWebhookEndpoint sets the channel's webhook URL: an absolute https
// URL of at most 500 characters. It does not turn "Use webhook" on (the
// console does). Setting the same URL twice sets it once, so it is
// retried.
func (c *Client) SetWebhookEndpoint(ctx context.Context, endpoint string) (*Result, error) {
	if err := checkEndpoint("Client.SetWebhookEndpoint", endpoint); err != nil {
		return nil, err
	}
	body := struct {
		Endpoint string `json:"endpoint"`
	}{endpoint}
	return c.call(ctx, http.MethodPut, "v2/bot/channel/webhook/endpoint", &body, true)
}

// TestWebhookEndpoint has LINE send a test event to endpoint, or, with
// endpoint empty, to the channel's webhook URL, and reports the answer.
// A URL that failed is not an error: see [WebhookTest].Success. Each call
// delivers a test event, so it is retried only when nothing was sent.
func (c *Client) TestWebhookEndpoint(ctx context.Context, endpoint string) (*WebhookTest, error) {
	if endpoint != "" {
		if err := checkEndpoint("Client.TestWebhookEndpoint", endpoint); err != nil {
			return nil, err
		}
	}
	body := struct {
		Endpoint string `json:"endpoint,omitempty"`
	}{endpoint}
	out := new(WebhookTest)
	resp, err := c.postJSON(ctx, "v2/bot/channel/webhook/test", &body, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}

// postJSON is a POST, not repeated once sent, decoded into out.
func (c *Client) postJSON(ctx context.Context, path string, body, out any) (*rest.Response, error) {
	resp, err := c.api.DoJSON(ctx, &rest.Request{Method: http.MethodPost, Path: path, JSON: body}, out)
	var de *rest.DecodeError
	if errors.As(err, &de) {
		return nil, fmt.Errorf("line: %w", de)
	}
	return resp, err
}
