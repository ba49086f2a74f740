package line

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/channelkit/channelkit/internal/rest"
)

// What a user sent, beyond the content itself (GetContent): its preview,
// and whether a video or audio is ready.

// GetContentPreview downloads the preview image of an image or video a
// user sent, from the data host. Close Body when done.
func (c *Client) GetContentPreview(ctx context.Context, messageID string) (*Download, error) {
	if err := nonEmpty("Client.GetContentPreview", "messageID", messageID); err != nil {
		return nil, err
	}
	return c.download(ctx, "v2/bot/message/"+url.PathEscape(messageID)+"/content/preview")
}

// Transcoding says whether a video or audio a user sent can be
// downloaded yet.
type Transcoding struct {
	// Status is "processing", "succeeded" (GetContent will work) or
	// "failed".
	Status string `json:"status"`
	Meta   Meta   `json:"-"`
}

// GetContentTranscoding reports whether the video or audio messageID is
// ready for [Client.GetContent], from the data host.
func (c *Client) GetContentTranscoding(ctx context.Context, messageID string) (*Transcoding, error) {
	if err := nonEmpty("Client.GetContentTranscoding", "messageID", messageID); err != nil {
		return nil, err
	}
	out := new(Transcoding)
	resp, err := c.data.DoJSON(ctx, &rest.Request{Method: http.MethodGet, Path: "v2/bot/message/" + url.PathEscape(messageID) + "/content/transcoding", Idempotent: true}, out)
	var de *rest.DecodeError
	if errors.As(err, &de) {
		return nil, fmt.Errorf("line: %w", de)
	}
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}
