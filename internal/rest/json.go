package rest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/channelkit/channelkit/internal/wire"
)

// DoJSON is Do for a JSON answer: it decodes the body of a successful
// response (at most MaxBody bytes, as Do reads) into out. An empty body, or
// a nil out, decodes nothing. A body that does not decode into out is a
// *DecodeError, which quotes nothing from the body; the response is
// returned with it.
func (c *Client) DoJSON(ctx context.Context, req *Request, out any) (*Response, error) {
	resp, err := c.Do(ctx, req)
	if err != nil || out == nil || len(resp.Body) == 0 {
		return resp, err
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return resp, &DecodeError{StatusCode: resp.StatusCode, Err: wire.JSONError(err)}
	}
	return resp, nil
}

// DecodeError is a successful response whose body is not the JSON the
// caller expected. Its text names the status and where decoding failed,
// never the body's content (encoding/json's own texts can quote it).
type DecodeError struct {
	StatusCode int
	Err        error
}

// Error names the status and where decoding failed.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("decoding the HTTP %d response: %v", e.StatusCode, e.Err)
}

// Unwrap returns the decoding error, already free of body content.
func (e *DecodeError) Unwrap() error { return e.Err }
