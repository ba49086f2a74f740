package line

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"
)

// The rich-menu batch: move or unlink the menus of every user linked to a
// menu, in one request LINE carries out in the background.

// maxBatchOperations is LINE's cap on operations in one batch.
const maxBatchOperations = 1000

var resumeKey = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,100}$`)

// RichMenuBatchOperation is one operation of [Client.RichMenuBatch]; make
// it with [BatchLink], [BatchUnlink] or [BatchUnlinkAll].
type RichMenuBatchOperation struct {
	// Type is "link", "unlink" or "unlinkAll".
	Type string `json:"type"`
	// From is the menu whose users the operation affects (link, unlink).
	From string `json:"from,omitempty"`
	// To is the menu they get instead (link).
	To string `json:"to,omitempty"`
}

// BatchLink moves every user linked to rich menu from to rich menu to.
func BatchLink(from, to string) RichMenuBatchOperation {
	return RichMenuBatchOperation{Type: "link", From: from, To: to}
}

// BatchUnlink unlinks every user linked to rich menu from.
func BatchUnlink(from string) RichMenuBatchOperation {
	return RichMenuBatchOperation{Type: "unlink", From: from}
}

// BatchUnlinkAll unlinks every user's rich menu (the default shows).
func BatchUnlinkAll() RichMenuBatchOperation { return RichMenuBatchOperation{Type: "unlinkAll"} }

func checkBatch(ops []RichMenuBatchOperation, resumeRequestKey string) error {
	var errs []*ValidationError
	bad := func(path, reason string) { errs = append(errs, validationError(path, reason)) }
	switch {
	case len(ops) == 0:
		bad("operations", "needs at least one operation")
	case len(ops) > maxBatchOperations:
		bad("operations", fmt.Sprintf("%d operations exceed %d", len(ops), maxBatchOperations))
	}
	for i, op := range ops {
		p := fmt.Sprintf("operations[%d]", i)
		switch op.Type {
		case "link":
			if op.From == "" {
				bad(p+".from", "must be specified")
			}
			if op.To == "" {
				bad(p+".to", "must be specified")
			}
		case "unlink":
			if op.From == "" {
				bad(p+".from", "must be specified")
			}
		case "unlinkAll":
		default:
			bad(p+".type", `must be "link", "unlink" or "unlinkAll"`)
		}
	}
	if resumeRequestKey != "" && !resumeKey.MatchString(resumeRequestKey) {
		bad("resumeRequestKey", "must be 1 to 100 of a-z, A-Z, 0-9, _ and -")
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return ValidationErrors(errs)
}

// RichMenuBatch runs up to 1000 operations on the rich menus linked to
// users. LINE accepts the request (202) and works in the background:
// follow it with [Client.GetRichMenuBatchProgress] and the result's
// Meta.RequestID. resumeRequestKey (optional: 1–100 of a-z, A-Z, 0-9, _
// and -) lets a batch that failed part-way be resumed by sending it again
// with the same key. The operations are checked before sending (a
// [*ValidationError] or [ValidationErrors] naming "operations[i].to" and
// the like). A batch is not repeated once LINE may have received it.
func (c *Client) RichMenuBatch(ctx context.Context, ops []RichMenuBatchOperation, resumeRequestKey string) (*Result, error) {
	if err := checkBatch(ops, resumeRequestKey); err != nil {
		return nil, err
	}
	body := struct {
		Operations       []RichMenuBatchOperation `json:"operations"`
		ResumeRequestKey string                   `json:"resumeRequestKey,omitempty"`
	}{ops, resumeRequestKey}
	return c.call(ctx, http.MethodPost, "v2/bot/richmenu/batch", &body, false)
}

// RichMenuBatchProgress is how far a rich-menu batch has gone.
type RichMenuBatchProgress struct {
	// Phase is "ongoing", "succeeded" or "failed".
	Phase        string    `json:"phase"`
	AcceptedTime time.Time `json:"acceptedTime"`
	// CompletedTime is set once the phase is "succeeded" or "failed".
	CompletedTime time.Time `json:"completedTime,omitzero"`
	Meta          Meta      `json:"-"`
}

// GetRichMenuBatchProgress returns the progress of the batch whose
// request ID is requestID (the Meta.RequestID of [Client.RichMenuBatch]'s
// result).
func (c *Client) GetRichMenuBatchProgress(ctx context.Context, requestID string) (*RichMenuBatchProgress, error) {
	if err := nonEmpty("Client.GetRichMenuBatchProgress", "requestID", requestID); err != nil {
		return nil, err
	}
	out := new(RichMenuBatchProgress)
	resp, err := c.getJSON(ctx, "v2/bot/richmenu/progress/batch", url.Values{"requestId": {requestID}}, out)
	if err != nil {
		return nil, err
	}
	out.Meta = metaOf(resp)
	return out, nil
}
